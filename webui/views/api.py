"""The JSON API: the same data the pages show, for scripts and reference tools. Each answer is built by the
same page-data function as its page (``webui.documents``, ``webui.entities``, ...), never by another view."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from indexer.search import DateError, DateOrderError, QueryError
from webui import documents, entities, quotes, search, timeline
from webui.context import source_titles, store

api = Blueprint("api", __name__, url_prefix="/api")


@api.errorhandler(QueryError)
def bad_query(exc: QueryError) -> Any:
    """The problem in the API's words: a bad date names its parameter, and the suggestion is its value."""
    if isinstance(exc, DateError):
        return jsonify({"error": f"{exc.bound}: {exc.problem}", "suggestion": exc.suggestion}), 400
    if isinstance(exc, DateOrderError):
        return jsonify({"error": f"since ({exc.since}) is after until ({exc.until})", "suggestion": ""}), 400
    return jsonify({"error": exc.problem, "suggestion": exc.suggestion}), 400


@api.errorhandler(404)
def not_found(_exc: Exception) -> Any:
    return jsonify({"error": "no such document, entity or page"}), 404


@api.route("/search")
def search_json() -> Any:
    return jsonify(search.query_from_request().run())


@api.route("/doc/<doc_id>")
def document_json(doc_id: str) -> Any:
    return jsonify(documents.as_json(doc_id))


@api.route("/entity/<entity_id>")
def entity_json(entity_id: str) -> Any:
    """The entity page's data: gazetteer facts (aliases, roles with dates) and what the archive holds."""
    return jsonify(entities.as_json(entity_id))


@api.route("/timeline")
def timeline_json() -> Any:
    """The timeline page's series: ``{by, measure, periods, series: {query: [value per period]}, undated:
    {query: articles without a date, not in the series}, events}``; a share is null where the archive
    holds nothing in the period."""
    return jsonify(timeline.series_json())


@api.route("/sources")
def sources_json() -> Any:
    titles = source_titles()
    rows = store().source_stats()
    return jsonify([row | {"title": titles.get(row["source"], row["source"])} for row in rows])


@api.route("/quotes")
def quotes_json() -> Any:
    """The quotes page's search, each hit with the speaker's full name and role (``credit``), its
    paragraph, archived copy and ready-to-paste citation line."""
    form, errors = quotes.quote_form()
    if errors:
        return jsonify({"error": "; ".join(e.message for e in errors), "suggestion": ""}), 400
    found = quotes.run(form)
    quotes.cite(found["results"])
    return jsonify(found)
