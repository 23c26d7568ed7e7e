"""The search page: query box, results with highlighted snippets, facet counts with filters."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup

from indexer.index import FACETS
from indexer.index import search as run_search
from webui.app import settings, source_titles, store

search = Blueprint("search", __name__)

PAGE_SIZE = 20
FACET_LABELS = {
    "source": "Source",
    "year": "Year",
    "author": "Author",
    "official": "Officials",
    "person": "People",
    "organisation": "Organisations",
    "scheme": "Schemes",
    "place": "Places",
}


def query_from_request() -> tuple[str, int, dict[str, list[str]]]:
    q = request.args.get("q", "").strip()
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    filters = {name: request.args.getlist(name) for name in FACETS if request.args.getlist(name)}
    return q, page, filters


def run(q: str, page: int, filters: dict[str, list[str]]) -> dict[str, Any]:
    return run_search(settings().index_dir, q or "*", limit=PAGE_SIZE, page=page, filters=filters)


@search.route("/")
@search.route("/search")
def search_page() -> str:
    q, page, filters = query_from_request()
    found = run(q, page, filters)
    for hit in found["results"]:
        hit["snippet"] = Markup(hit["snippet"])  # escaped by the index's formatter before <mark> was added
    names = store().entity_names() | source_titles()
    facets = []
    for name in FACETS:
        values = found["facets"].get(name) or {}
        if not values:
            continue
        items = []
        for value, count in values.items():
            active = value in filters.get(name, [])
            args = _args_with(name, value, remove=active)
            items.append(
                {
                    "value": value,
                    "label": names.get(value, value),
                    "count": count,
                    "active": active,
                    "href": url_for("search.search_page", **args),
                }
            )
        facets.append({"name": name, "label": FACET_LABELS[name], "items": items})
    pages = max(1, -(-found["total"] // PAGE_SIZE))
    return render_template(
        "search.html",
        q=q,
        found=found,
        facets=facets,
        page=page,
        pages=pages,
        filters=filters,
        names=names,
        page_href=_page_href,
    )


def _args_with(name: str, value: str, remove: bool) -> dict[str, Any]:
    args = request.args.to_dict(flat=False)
    args.pop("page", None)
    values = [v for v in args.get(name, []) if v != value]
    if not remove:
        values.append(value)
    args[name] = values
    return args


def _page_href(number: int) -> str:
    args = request.args.to_dict(flat=False)
    args["page"] = [str(number)]
    return url_for("search.search_page", **args)
