"""Timelines: how coverage of a query or an entity rose and fell, several series on one chart.

Counts come from the index's date facets, so a timeline costs one search per series; "share" divides by
all coverage in the same period, which corrects for the archive holding more of some years than others.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from casebook.events import load_events
from indexer.index import UNDATED
from indexer.index import search as run_search
from indexer.query import QueryError
from webui.app import settings, source_titles
from webui.charts import line_chart
from webui.forms import fix_all, query_error

timeline = Blueprint("timeline", __name__)

MAX_SERIES = 6
KEY_ARTICLES = 30


def periods_between(first: str, last: str, by: str) -> list[str]:
    """Every period from first to last inclusive, so quiet months show as zero rather than vanish."""
    if by == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def counts(query: str, by: str) -> dict[str, int]:
    """Matching articles per period, and under ``undated`` those that have no date to be placed by."""
    found = run_search(settings().index_dir, query, limit=1, facets=[by, "year"], facet_limit=100_000)
    out = {str(k): v for k, v in found["facets"].get(by, {}).items() if k != UNDATED}
    out[UNDATED] = found["facets"].get("year", {}).get(UNDATED, 0)
    return out


def series_counts(
    queries: list[str], by: str
) -> tuple[dict[str, dict[str, int]], list[tuple[int, QueryError]]]:
    """Counts per period for each series that can be run, and the problem of each that cannot."""
    per_query, errors = {}, []
    for i, q in enumerate(queries):
        try:
            per_query[q] = counts(q, by)
        except QueryError as exc:
            errors.append((i, exc))
    return per_query, errors


def build(queries: list[str], by: str, measure: str) -> dict[str, Any]:
    """The chart's data; a series that cannot be run raises its QueryError, saying which series it is."""
    per_query, errors = series_counts(queries, by)
    if errors:
        i, exc = errors[0]
        raise QueryError(f"series {i + 1} ({queries[i]!r}): {exc.problem}", exc.suggestion, exc.position)
    return chart_data(per_query, by, measure)


def chart_data(per_query: dict[str, dict[str, int]], by: str, measure: str) -> dict[str, Any]:
    """Periods from the first to the last with coverage, each series' value in each, and each series'
    undated articles (not placed on the chart, but said). A share is ``None`` for a period in which the
    archive holds nothing at all: no coverage is not 0% of coverage."""
    everything = counts("*", by) if measure == "share" else {}
    seen = sorted({p for c in per_query.values() for p, n in c.items() if p != UNDATED and n})
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
        return url_for("timeline.timeline_page", q=fixed, by=by, measure=measure)

    return relink


@timeline.route("/timeline")
def timeline_page() -> tuple[str, int]:
    queries, by, measure = timeline_args()
    per_query, failed = series_counts(queries, by)
    if failed:  # the form again, each faulty series marked with what is wrong and a corrected query
        relink = series_relink(queries, by, measure)
        errors = [query_error(exc, f"q{i}", f"Series {i + 1}", relink) for i, exc in failed]
        return render_template(
            "timeline.html",
            queries=queries,
            by=by,
            measure=measure,
            errors=errors,
            fix_all=fix_all(errors, relink),
            chart=None,
            rows=[],
        ), 400
    data = chart_data(per_query, by, measure) if queries else {"periods": [], "series": {}, "undated": {}}
    events = load_events(settings().events_path)
    width = 4 if by == "year" else 7
    marks = [(e.day.isoformat()[:width], e.title) for e in events]
    unit = "% of all coverage" if measure == "share" else "articles"
    chart = line_chart(data["periods"], data["series"], f"Coverage by {by} ({unit})", marks)
    key_articles = []
    if queries:
        found = run_search(settings().index_dir, queries[0], limit=KEY_ARTICLES, facets=[])
        key_articles = sorted(found["results"], key=lambda r: (r["published"] is None, r["published"] or ""))
    rows = [
        (period, [values[i] for values in data["series"].values()], period_href(queries, period, by))
        for i, period in enumerate(data["periods"])
    ]
    return render_template(
        "timeline.html",
        queries=queries,
        by=by,
        measure=measure,
        errors=[],
        chart=chart,
        rows=rows,
        names=list(data["series"]),
        events=events,
        key_articles=key_articles,
        undated=[
            (q, n, url_for("search.search_page", q=q, year=UNDATED)) for q, n in data["undated"].items() if n
        ],
        outlets=source_titles(),
        unit=unit,
        gaps=any(v is None for values in data["series"].values() for v in values),
    ), 200


def period_href(queries: list[str], period: str, by: str) -> str:
    """The search listing one period's articles for the first series."""
    return url_for(
        "search.search_page", q=queries[0] if queries else "", since=period, until=period, sort="oldest"
    )
