"""The JSON API: the same data the pages show, for scripts and reference tools."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, jsonify

from casebook.events import load_events
from indexer.query import DateError, DateOrderError, QueryError
from indexer.versions import history
from webui.documents import load
from webui.search import query_from_request

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
    return jsonify(query_from_request().run())


@api.route("/doc/<doc_id>")
def document_json(doc_id: str) -> Any:
    from webui.app import store

    stored = load(doc_id)
    doc = stored.document
    return jsonify(
        {
            "id": doc.id,
            "url": doc.url,
            "canonical_url": doc.canonical_url,
            "canonical_claim": store().canonical_claim(doc.id),  # a page on another site it names as original
            "source": doc.source,
            "title": doc.title,
            "authors": doc.authors,
            "published": doc.published,
            "published_from": doc.published_from,
            "published_confidence": doc.published_confidence,
            "updated": doc.updated,
            "extraction": doc.extraction,
            "fetched": doc.fetched,
            "first_fetched": stored.first_fetched,
            "version": stored.version,
            "language": doc.language,
            "text": doc.text,
            "comments": [c.to_dict() for c in doc.comments],
            "entities": [m.to_dict() for m in store().mentions(doc.id)],
            "quotes": [q.to_dict() for q in store().quotes(doc.id)],
            "duplicate_of": stored.duplicate_of,
            "copies": [other for other in store().cluster_members(doc.id) if other != doc.id],
            "versions": history(store(), doc.id),
        }
    )


@api.route("/entity/<entity_id>")
def entity_json(entity_id: str) -> Any:
    """The entity page's data: gazetteer facts (aliases, roles with dates) and what the archive holds."""
    from webui.app import sample_entities
    from webui.entities import entity_data

    known, found = entity_data(entity_id)
    return jsonify(
        {
            "id": entity_id,
            "name": known.name if known else found["name"],  # type: ignore[index]
            "kind": known.kind if known else found["kind"],  # type: ignore[index]
            "gazetteer": asdict(known) if known else None,
            "sample": entity_id in sample_entities(),  # one of the demo's invented people
            "archive": found,
        }
    )


@api.route("/timeline")
def timeline_json() -> Any:
    """The timeline page's series: ``{by, measure, periods, series: {query: [value per period]}, undated:
    {query: articles without a date, not in the series}, events}``; a share is null where the archive
    holds nothing in the period."""
    from webui.app import settings
    from webui.timeline import MAX_SERIES, build, timeline_args, timeline_scope

    queries, by, measure = timeline_args()
    scope = timeline_scope()
    data = build(queries, by, measure, scope) if queries else {"periods": [], "series": {}, "undated": {}}
    events = [
        {"date": e.day, "title": e.title, "source": e.source} for e in load_events(settings().events_path)
    ]
    return jsonify({"by": by, "measure": measure, **data, "events": events, "max_series": MAX_SERIES})


@api.route("/sources")
def sources_json() -> Any:
    from webui.app import source_titles, store
    from webui.queries import source_stats

    titles = source_titles()
    rows = source_stats(store())
    return jsonify([row | {"title": titles.get(row["source"], row["source"])} for row in rows])


@api.route("/quotes")
def quotes_json() -> Any:
    """The quotes page's search, each hit with the speaker's full name and role (``credit``), its
    paragraph, archived copy and ready-to-paste citation line."""
    from webui.quotes import cite, quote_form, run

    form, errors = quote_form()
    if errors:
        return jsonify({"error": "; ".join(e.message for e in errors), "suggestion": ""}), 400
    found = run(form)
    cite(found["results"])
    return jsonify(found)
