"""The timeline page's data: how coverage of a query or an entity rose and fell, several series on one chart.

Counts come from the index's date facets, so a timeline costs one search per series; "share" divides by
all coverage in the same period, which corrects for the archive holding more of some years than others.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import request, url_for

from casebook.events import load_events
from indexer.search import UNDATED, QueryError, check_date
from webui.charts import line_chart, periods_between
from webui.context import settings, source_titles, store
from webui.forms import date_errors, fix_all, query_error
from webui.links import link_args
from webui.search import SearchRequest, chips, query_from_request

MAX_SERIES = 6
KEY_ARTICLES = 30


def counts(query: str, by: str, scope: SearchRequest) -> dict[str, int]:
    """Matching articles per period within the scope's filters (its dates are applied to the periods
    shown, not here), and under ``undated`` those that have no date to be placed by."""
    undated_too = replace(scope, q=query, page=1, since="", until="")
    found = undated_too.run(limit=1, facets=[by, "year"], facet_limit=100_000)
    out = {str(k): v for k, v in found["facets"].get(by, {}).items() if k != UNDATED}
    out[UNDATED] = found["facets"].get("year", {}).get(UNDATED, 0)
    return out


def series_counts(
    queries: list[str], by: str, scope: SearchRequest
) -> tuple[dict[str, dict[str, int]], list[tuple[int, QueryError]]]:
    """Counts per period for each series that can be run, and the problem of each that cannot."""
    per_query, errors = {}, []
    for i, q in enumerate(queries):
        try:
            per_query[q] = counts(q, by, scope)
        except QueryError as exc:
            errors.append((i, exc))
    return per_query, errors


def build(queries: list[str], by: str, measure: str, scope: SearchRequest) -> dict[str, Any]:
    """The chart's data; a series that cannot be run raises its QueryError, saying which series it is."""
    for bound in ("since", "until"):
        check_date(getattr(scope, bound), bound)
    per_query, errors = series_counts(queries, by, scope)
    if errors:
        i, exc = errors[0]
        raise QueryError(f"series {i + 1} ({queries[i]!r}): {exc.problem}", exc.suggestion, exc.position)
    return chart_data(per_query, by, measure, scope)


def within(period: str, scope: SearchRequest) -> bool:
    """Whether a period (``2017`` or ``2017-05``) overlaps the scope's from/to dates."""
    return (not scope.since or period >= scope.since[: len(period)]) and (
        not scope.until or period <= scope.until[: len(period)]
    )


def chart_data(
    per_query: dict[str, dict[str, int]], by: str, measure: str, scope: SearchRequest
) -> dict[str, Any]:
    """Periods from the first to the last with coverage, each series' value in each, and each series'
    undated articles (not placed on the chart, but said). A share is ``None`` for a period in which the
    archive holds nothing at all: no coverage is not 0% of coverage."""
    everything = counts("*", by, scope) if measure == "share" else {}
    seen = sorted(
        {p for c in per_query.values() for p, n in c.items() if p != UNDATED and n and within(p, scope)}
    )
    periods = periods_between(seen[0], seen[-1], by) if seen else []
    series: dict[str, list[float | None]] = {}
    for q, c in per_query.items():
        if measure == "share":
            series[q] = [
                round(100 * c.get(p, 0) / everything[p], 1) if everything.get(p) else None for p in periods
            ]
        else:
            series[q] = [float(c.get(p, 0)) for p in periods]
    undated = {q: c.get(UNDATED, 0) for q, c in per_query.items()}
    return {"periods": periods, "series": series, "undated": undated}


def timeline_args() -> tuple[list[str], str, str]:
    """The series queries (at most MAX_SERIES), the period (month or year), the measure (count or share)."""
    queries = [q.strip() for q in request.args.getlist("q") if q.strip()][:MAX_SERIES]
    by = "year" if request.args.get("by") == "year" else "month"
    measure = "share" if request.args.get("measure") == "share" else "count"
    return queries, by, measure


def series_relink(queries: list[str], by: str, measure: str) -> Any:
    """The timeline with some series (``q0``...``q5``, as the form's inputs are named) replaced."""

    def relink(changes: dict[str, str]) -> str:
        fixed = [changes.get(f"q{n}", q) for n, q in enumerate(queries)]
        args = link_args("q", "by", "measure") | {
            k: [v] for k, v in changes.items() if k in ("since", "until")
        }
        return url_for("timeline.timeline_page", q=fixed, by=by, measure=measure, **args)

    return relink


def timeline_scope() -> SearchRequest:
    """What limits every series, as a search does: facet filters, from/to dates, originals only (the
    search page's "Timeline" link carries its own)."""
    return replace(query_from_request(), q="", page=1, sort="relevance", more="")


def scope_names(scope: SearchRequest) -> dict[str, str]:
    values = {v for vs in (*scope.filters.values(), *scope.exclude.values()) for v in vs}
    return store().entity_names(values) | source_titles()


def page() -> tuple[dict[str, Any], int]:
    """The timeline page's data for the request (the form again with every problem, or the chart), and
    its status."""
    queries, by, measure = timeline_args()
    scope = timeline_scope()
    relink = series_relink(queries, by, measure)
    errors = date_errors(scope.since, scope.until, {"since": "From", "until": "To"}, relink)
    if errors:
        scope = replace(scope, since="", until="")
    per_query, failed = series_counts(queries, by, scope)
    errors += [query_error(exc, f"q{i}", f"Series {i + 1}", relink) for i, exc in failed]
    common = {"queries": queries, "by": by, "measure": measure, "scope": request.args, "errors": errors}
    facets_only = replace(scope, since="", until="", originals_only=False)  # the form shows those itself
    common["limits"] = chips(facets_only, scope_names(scope), "timeline.timeline_page")
    if errors:  # the form again, each faulty field marked with what is wrong and a correction
        return {"fix_all": fix_all(errors, relink), "chart": None, "rows": [], **common}, 400
    data = (
        chart_data(per_query, by, measure, scope) if queries else {"periods": [], "series": {}, "undated": {}}
    )
    events = load_events(settings().events_path)
    width = 4 if by == "year" else 7
    marks = [(e.day.isoformat()[:width], e.title) for e in events]
    unit = "% of all coverage" if measure == "share" else "articles"
    chart = line_chart(data["periods"], data["series"], f"Coverage by {by} ({unit})", marks)
    key_articles = []
    if queries:
        found = replace(scope, q=queries[0]).run(limit=KEY_ARTICLES, facets=[])
        key_articles = sorted(found["results"], key=lambda r: (r["published"] is None, r["published"] or ""))
    rows = [
        (period, [values[i] for values in data["series"].values()], period_href(queries, period))
        for i, period in enumerate(data["periods"])
    ]
    return {
        "chart": chart,
        "rows": rows,
        "names": list(data["series"]),
        "events": events,
        "key_articles": key_articles,
        "undated": [(q, n, search_href(q, year=UNDATED)) for q, n in data["undated"].items() if n],
        "outlets": source_titles(),
        "unit": unit,
        "gaps": any(v is None for values in data["series"].values() for v in values),
        **common,
    }, 200


def series_json() -> dict[str, Any]:
    """The timeline page's series: ``{by, measure, periods, series: {query: [value per period]}, undated:
    {query: articles without a date, not in the series}, events, max_series}``; a share is None where the
    archive holds nothing in the period. A series that cannot be run raises its QueryError."""
    queries, by, measure = timeline_args()
    scope = timeline_scope()
    data = build(queries, by, measure, scope) if queries else {"periods": [], "series": {}, "undated": {}}
    events = [
        {"date": e.day, "title": e.title, "source": e.source} for e in load_events(settings().events_path)
    ]
    return {"by": by, "measure": measure, **data, "events": events, "max_series": MAX_SERIES}


def search_href(query: str, **changes: str) -> str:
    """The search for one series within the timeline's filters, with ``changes`` to its arguments."""
    args = link_args("q", "by", "measure", "page", "since", "until")
    args.update({name: [value] for name, value in changes.items()})
    return url_for("search.search_page", q=query, **args)


def period_href(queries: list[str], period: str) -> str:
    """The search listing one period's articles for the first series."""
    return search_href(queries[0] if queries else "", since=period, until=period, sort="oldest")
