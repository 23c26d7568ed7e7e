"""What went wrong with a search form, in the form's own words: the field at fault, what to do, a fix.

The search functions raise errors that name no option or field (:class:`DateError` knows only that it is
the ``since`` bound); a page names the field as the reader sees it ("From"), shows every problem at once
rather than the first, and offers each suggestion as a link that applies it to that field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from indexer.search import DateError, QueryError, check_date


@dataclass(frozen=True)
class FormError:
    """One problem with one field: ``field`` is the input's id, ``fix`` a link applying ``fix_label``."""

    field: str
    label: str
    message: str
    fix: str | None = None
    fix_label: str | None = None
    changes: tuple[tuple[str, str], ...] = ()  # the fields the fix sets, to apply every fix at once


def fix_all(errors: list[FormError], relink: Relink) -> str | None:
    """One link applying every suggested fix, when there are several."""
    fixes = [e for e in errors if e.changes]
    if len(fixes) < 2:
        return None
    return relink({name: value for e in fixes for name, value in e.changes})


Relink = Callable[[dict[str, str]], str]  # the form's arguments to change -> the page's link with them


def date_errors(since: str, until: str, labels: dict[str, str], relink: Relink) -> list[FormError]:
    """Every problem with the from/to dates: each that is not a date, then (if both are) their order."""
    errors = []
    bounds = {}
    for bound, value in (("since", since), ("until", until)):
        try:
            bounds[bound] = check_date(value, bound)
        except DateError as exc:
            changes = ((bound, exc.suggestion),) if exc.suggestion else ()
            fix = relink(dict(changes)) if changes else None
            message = f"{exc.problem}." if exc.suggestion else f"{exc.problem}, or leave it empty."
            errors.append(FormError(bound, labels[bound], message, fix, exc.suggestion or None, changes))
    lo, hi = bounds.get("since"), bounds.get("until")
    if lo and hi and lo > hi:
        swapped = f"{labels['since'].lower()} {until} {labels['until'].lower()} {since}"
        message = f"{since} is after {labels['until']} ({until})."
        changes = (("since", until), ("until", since))
        errors.append(FormError("since", labels["since"], message, relink(dict(changes)), swapped, changes))
    return errors


def query_error(exc: QueryError, field: str, label: str, relink: Relink) -> FormError:
    """A query that cannot be read, with its corrected query as a link that searches for it."""
    changes = ((field, exc.suggestion),) if exc.suggestion else ()
    fix = relink(dict(changes)) if changes else None
    return FormError(field, label, f"{exc.problem}.", fix, exc.suggestion or None, changes)
