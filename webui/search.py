"""The search page's data: query, facets to include or exclude, date range with a histogram, sort, pages;
and the search request every page, export and the API read from the query string."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from flask import request, url_for
from markupsafe import Markup

from indexer.search import SORTS, UNDATED, QueryError, SearchParams, SearchService
from webui.charts import bar_chart, every_year
from webui.context import search, source_titles, store
from webui.entities import labelled
from webui.forms import date_errors, fix_all, query_error
from webui.links import link_args, requested_page

PAGE_SIZE = 20
MAX_QUERY = 2000  # characters: longer queries are refused with a clear message
FACET_LABELS = {
    "source": "Source",
    "year": "Year",
    "month": "Month",
    "author": "Author",
    "official": "Officials",
    "person": "People",
    "organisation": "Organisations",
    "scheme": "Schemes",
    "place": "Places",
    "extraction": "Extraction",
}
SHOWN_FACETS = (
    "source", "year", "author", "official", "person", "organisation", "scheme", "place", "extraction",
)  # fmt: skip
FACET_SHORT = 10  # values per facet group at first
FACET_MORE = 100  # values in the group a reader asked to see "more" of
PLAIN_WORD = re.compile(r"[^\W\d_]{3,}")  # a word a reader typed, no operator or field in it


@dataclass
class SearchRequest(SearchParams):
    """Everything a search page, an export or the API is asked, read once from the query string: the
    search (:class:`SearchParams`), its page and the facet group shown at length."""

    page: int = 1
    more: str = ""  # the facet group shown at length

    def narrowing(self) -> dict[str, Any]:
        """What narrows and orders the results, as :meth:`SearchService.search` takes it."""
        if len(self.q) > MAX_QUERY:
            raise QueryError(
                f"the query is {len(self.q)} characters long, the limit is {MAX_QUERY}", self.q[:200]
            )
        return super().narrowing()

    def run(self, limit: int = PAGE_SIZE, **extra: Any) -> dict[str, Any]:
        return search().search(self.q or "*", limit=limit, page=self.page, **self.narrowing(), **extra)


def warm_up() -> None:
    """The searches a reader's first pages make, run once before the server listens (in an app context):
    what a backend reads once per process is then read before anyone waits for it. On PostgreSQL that is
    the facet and date columns (:mod:`indexer.search.postgres_columns`): about 1 s for every facet shown
    at 100,000 documents, and growing with the index (40 s for four of them at a million, when their
    arrays were read back from TOAST)."""
    service = search()
    service.search("*", limit=1, facets=list(SHOWN_FACETS), sort="newest")
    service.search_quotes("*", limit=1, sort="newest")


def query_from_request() -> SearchRequest:
    args = request.args
    return SearchRequest(
        **SearchParams.fields_from(args),
        page=requested_page(),
        more=args.get("more", "") if args.get("more") in SHOWN_FACETS else "",
    )


DATE_LABELS = {"since": "From", "until": "To"}
DATE_CHOICES = {"published": "published", "collected": "collected by the archive"}  # the date= values
YEAR_OF = {"published": "of publication", "collected": "collected"}
QUERY_LABEL = "Search the archive"


def relink(changes: dict[str, str]) -> str:
    """This search with some of its fields changed (a suggested fix), from its first page."""
    args = link_args("page")
    args.update({name: [value] for name, value in changes.items()})
    return url_for("search.search_page", **args)


def results(req: SearchRequest) -> tuple[dict[str, Any], int]:
    """The search page's data for a request (the form again with every problem, or the results), and
    its status."""
    errors = date_errors(req.since, req.until, DATE_LABELS, relink)
    bad = {e.field for e in errors}
    runnable = replace(
        req, since="" if "since" in bad else req.since, until="" if "until" in bad else req.until
    )
    try:
        # One more than a group can show tells whether it has more values, without counting them all; the
        # year histogram shows every year.
        found = runnable.run(details=True, facet_limit=FACET_MORE + 1)
    except QueryError as exc:
        errors.append(query_error(exc, "q", QUERY_LABEL, relink))
    if errors:  # every problem at once, each beside its field, on the same form
        return {
            "req": req,
            "errors": errors,
            "fix_all": fix_all(errors, relink),
            "found": None,
            "facets": [],
            "names": {},
            "sorts": SORTS,
            "date_choices": DATE_CHOICES,
        }, 400
    for hit in found["results"]:
        hit["snippet"] = Markup(hit["snippet"])  # escaped by the index's highlighter before <mark> was added
    shown = {
        v
        for name in SHOWN_FACETS
        for v, _ in shown_values(name, found["facets"].get(name, {}), group_size(name, req))
    }
    shown |= {v for values in (*req.filters.values(), *req.exclude.values()) for v in values}
    names = labelled(store().entity_names(shown)) | source_titles()
    by_year = found["facets"].get("year", {})
    years = every_year([(str(y), c) for y, c in by_year.items() if y != UNDATED])
    return {
        "req": req,
        "errors": [],
        "found": found,
        "facets": facet_groups(found, req, names),
        "names": names,
        "pages": max(1, -(-found["total"] // PAGE_SIZE)),
        "page_href": page_href,
        "chips": chips(req, names),
        "histogram": bar_chart(years, f"Matching articles by year {YEAR_OF[req.dated_by]}"),
        "years": years,
        "undated": by_year.get(UNDATED, 0),
        "left_out": undated_left_out(runnable),
        "retries": [] if found["total"] else retries(req, chips(req, names)),
        "sorts": SORTS,
        "date_choices": DATE_CHOICES,
        "year_of": YEAR_OF[req.dated_by],
    }, 200


@lru_cache(maxsize=4)
def _archive_examples(service: SearchService, _period: int) -> dict[str, str]:
    """A scheme and a year the archive really holds, for the search box's examples; read again every five
    minutes (``_period``), since an archive grows."""
    found = service.search("*", limit=1, facets=["scheme", "year"], facet_limit=3)
    schemes = list(found["facets"].get("scheme", {}))
    years = [y for y in found["facets"].get("year", {}) if y != UNDATED]
    return {"scheme": schemes[0].split(":", 1)[1] if schemes else "", "year": years[0] if years else ""}


def archive_examples() -> dict[str, str]:
    return _archive_examples(search(), int(time.time() // 300))


def retries(req: SearchRequest, chips: list[dict[str, str]]) -> list[tuple[str, str]]:
    """For a search that found nothing: other searches that may find something, as (label, link)."""
    out = []
    if chips:
        out.append(("the same words without the filters", url_for("search.search_page", q=req.q)))
    words = req.q.split()
    if len(words) > 1 and all(PLAIN_WORD.fullmatch(w) for w in words):
        any_of = " OR ".join(words)
        out.append((f"any of the words: {any_of}", href_setting("q", any_of)))
    if words and all(PLAIN_WORD.fullmatch(w) for w in words):
        near = " ".join(f"{w}~" for w in words)
        out.append((f"words spelt nearly so: {near}", href_setting("q", near)))
    return out


def group_size(name: str, req: SearchRequest) -> int:
    """How many values a facet group shows: a few, or many for the group a reader asked "more" of."""
    return FACET_MORE if name == req.more else FACET_SHORT


def undated_left_out(req: SearchRequest) -> dict[str, Any] | None:
    """Undated articles that match but that a date range or a year filter leaves out: how many, and the
    link that lists them (they have no date to fall inside a range, and must not vanish unsaid)."""
    years = [y for y in req.filters.get("year", []) if y != UNDATED]
    if not (req.since or req.until or years) or UNDATED in req.exclude.get("year", []):
        return None
    filters = {k: v for k, v in req.filters.items() if k != "year"} | {"year": [UNDATED]}
    exclude = {k: v for k, v in req.exclude.items() if k != "year"}
    undated = replace(req, since="", until="", filters=filters, exclude=exclude, page=1)
    count = undated.run(limit=1, facets=[])["total"]
    if not count:
        return None
    args = link_args("page", "since", "until", "year", "-year")
    args["year"] = [UNDATED]
    return {"count": count, "href": url_for("search.search_page", **args)}


def shown_values(name: str, values: dict[str, int], shown: int) -> list[tuple[str, int]]:
    """A group's values as listed: the commonest first; years newest first, with "undated" always there
    when any match is undated (it is the one value a date filter can never reach)."""
    if name != "year":
        return list(values.items())[:shown]
    years = sorted(((y, c) for y, c in values.items() if y != UNDATED), reverse=True)[:shown]
    return years + ([(UNDATED, values[UNDATED])] if UNDATED in values else [])


def facet_groups(found: dict[str, Any], req: SearchRequest, names: dict[str, str]) -> list[dict[str, Any]]:
    groups = []
    for name in SHOWN_FACETS:
        values = found["facets"].get(name) or {}
        if not values:
            continue
        shown = group_size(name, req)
        items = []
        for value, count in shown_values(name, values, shown):
            active = value in req.filters.get(name, [])
            items.append(
                {
                    "value": value,
                    "label": names.get(value, value),
                    "count": count,
                    "active": active,
                    "href": href_with(name, value, remove=active),
                    "exclude_href": href_with(f"-{name}", value, remove=False),
                }
            )
        label = FACET_LABELS[name]
        if name in ("year", "month") and req.dated_by == "collected":
            label += " collected"
        group = {"name": name, "label": label, "items": items, "more": None, "fewer": None}
        if name == req.more:
            group["fewer"] = href_without("more")
        elif len(values) > shown:
            group["more"] = href_setting("more", name)
        groups.append(group)
    return groups


def chips(
    req: SearchRequest, names: dict[str, str], endpoint: str = "search.search_page"
) -> list[dict[str, str]]:
    """Active filters, each with the link that removes it (from this page, ``endpoint``)."""
    out = []
    for prefix, mapping in (("", req.filters), ("-", req.exclude)):
        for name, values in mapping.items():
            for value in values:
                kind = FACET_LABELS.get(name, name).lower()
                label = f"{'not ' if prefix else ''}{kind}: {names.get(value, value)}"
                out.append({"label": label, "href": href_with(prefix + name, value, True, endpoint)})
    collected = "collected " if req.dated_by == "collected" else ""
    for key, label in (("since", "from"), ("until", "to")):
        if getattr(req, key):
            text = f"{collected}{label} {getattr(req, key)}"
            out.append({"label": text, "href": href_without(key, endpoint)})
    if req.originals_only:
        out.append({"label": "originals only", "href": href_without("originals", endpoint)})
    return out


def href_with(name: str, value: str, remove: bool, endpoint: str = "search.search_page") -> str:
    args = link_args()
    args.pop("page", None)
    values = [v for v in args.get(name, []) if v != value]
    if not remove:
        values.append(value)
    args[name] = values
    return url_for(endpoint, **args)


def href_setting(name: str, value: str) -> str:
    args = link_args()
    args[name] = [value]
    return url_for("search.search_page", **args)


def href_without(name: str, endpoint: str = "search.search_page") -> str:
    args = link_args()
    args.pop("page", None)
    args.pop(name, None)
    return url_for(endpoint, **args)


def page_href(number: int) -> str:
    args = link_args()
    args["page"] = [str(number)]
    return url_for("search.search_page", **args)
