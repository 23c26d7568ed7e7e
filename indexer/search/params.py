"""A search as the query string of ``/search`` says it: read from the arguments and written back, one way
for the pages, the API, a saved search run after an ingest and a batch line.

The names are the web page's: ``q``, each facet (``source=...``) and its exclusion (``-source=...``),
``since``, ``until``, ``sort``, ``originals=1`` and ``date=collected`` (dates, years, months and date order
by the day the archive first fetched each page, rather than the day it was published).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qs, urlencode

from indexer.search.entries import DATES
from indexer.search.service import ALL_FACETS, SORTS


class Args(Protocol):
    """What the arguments are read through: a werkzeug ``MultiDict`` has it."""

    def getlist(self, key: str) -> list[str]: ...


@dataclass
class SearchParams:
    """What a search asks, without its page: the query, filters, dates, order and which date is meant."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    exclude: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    since: str = ""
    until: str = ""
    originals_only: bool = False
    dated_by: str = "published"

    @staticmethod
    def fields_from(args: Args) -> dict[str, Any]:
        """The fields of the search in ``args``; unknown values (a sort, a date) are the defaults."""

        def one(name: str) -> str:
            values = args.getlist(name)
            return values[0] if values else ""

        return {
            "q": one("q").strip(),
            "filters": {n: args.getlist(n) for n in ALL_FACETS if args.getlist(n)},
            "exclude": {n: args.getlist(f"-{n}") for n in ALL_FACETS if args.getlist(f"-{n}")},
            "sort": one("sort") if one("sort") in SORTS else "relevance",
            "since": one("since").strip(),
            "until": one("until").strip(),
            "originals_only": one("originals") == "1",
            "dated_by": one("date") if one("date") in DATES else "published",
        }

    @classmethod
    def from_query_string(cls, text: str) -> SearchParams:
        """The search a saved query string (``q=pip&source=dns``) asks."""
        parsed = parse_qs(text, keep_blank_values=True)
        return cls(**cls.fields_from(_ListArgs(parsed.get)))

    def to_args(self) -> dict[str, list[str]]:
        """The query string's arguments (for ``url_for``), leaving out what is the default."""
        args: dict[str, list[str]] = {}
        if self.q:
            args["q"] = [self.q]
        args |= {name: list(values) for name, values in self.filters.items()}
        args |= {f"-{name}": list(values) for name, values in self.exclude.items()}
        for name, value, default in (
            ("since", self.since, ""),
            ("until", self.until, ""),
            ("sort", self.sort, "relevance"),
            ("date", self.dated_by, "published"),
        ):
            if value != default:
                args[name] = [value]
        if self.originals_only:
            args["originals"] = ["1"]
        return args

    def query_string(self) -> str:
        return urlencode([(name, value) for name, values in self.to_args().items() for value in values])

    def narrowing(self) -> dict[str, Any]:
        """What narrows and orders the results, as :meth:`SearchService.search` takes it."""
        return {
            "filters": self.filters,
            "exclude": self.exclude,
            "sort": self.sort,
            "since": self.since or None,
            "until": self.until or None,
            "originals_only": self.originals_only,
            "dated_by": self.dated_by,
        }


@dataclass(frozen=True)
class _ListArgs:
    get: Callable[[str], list[str] | None]

    def getlist(self, key: str) -> list[str]:
        return list(self.get(key) or [])
