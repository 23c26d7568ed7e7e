"""The JSON API: the same data the pages show, for scripts and reference tools."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from indexer.query import QueryError
from indexer.versions import history
from webui.documents import load
from webui.search import query_from_request

api = Blueprint("api", __name__, url_prefix="/api")


@api.errorhandler(QueryError)
def bad_query(exc: QueryError) -> Any:
    return jsonify({"error": exc.problem, "suggestion": exc.suggestion}), 400


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
            "source": doc.source,
            "title": doc.title,
            "authors": doc.authors,
            "published": doc.published.isoformat() if doc.published else None,
            "updated": doc.updated.isoformat() if doc.updated else None,
            "fetched": doc.fetched.isoformat(),
            "first_fetched": stored.first_fetched.isoformat(),
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
