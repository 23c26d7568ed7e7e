"""Exports of any search: CSV and JSON Lines with citation fields, RIS and CSL-JSON for reference managers.

An export holds every matching document, however many: the search runs once, then rows are written and
sent one at a time (a streamed response), so neither the result set nor the file is held in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import Blueprint, Response, abort, stream_with_context, url_for

from indexer.index import every_match
from webui.app import settings, source_titles, store
from webui.citations import Citation, iter_csl_json, iter_csv, iter_jsonl, iter_ris
from webui.search import SearchRequest, query_from_request

exports = Blueprint("exports", __name__)

FORMATS = {
    "csv": (iter_csv, "text/csv; charset=utf-8", "csv"),
    "jsonl": (iter_jsonl, "application/x-ndjson; charset=utf-8", "jsonl"),
    "ris": (iter_ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl": (iter_csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}


def citation_for(doc_id: str) -> Citation | None:
    stored = store().get(doc_id)
    if stored is None:
        return None
    archived = url_for("documents.archived_copy", doc_id=doc_id, _external=True)
    outlet = source_titles().get(stored.document.source, stored.document.source)
    return Citation.of(stored.document, outlet, archived)


def matching_ids(req: SearchRequest) -> Iterator[str]:
    """The ids of every document the request matches, in its order (a malformed query raises here)."""
    _total, hits = every_match(
        settings().index_dir, req.q or "*", gazetteer=settings().gazetteer_path, **req.narrowing()
    )
    return (hit["id"] for hit in hits)


def citations(ids: Iterable[str]) -> Iterator[Citation]:
    for doc_id in ids:
        citation = citation_for(doc_id)
        if citation is not None:  # gone from the store since the index was written
            yield citation


def download(chunks: Iterator[str], mimetype: str, filename: str) -> Response:
    """A streamed attachment: each chunk is sent as it is made."""
    response = Response(stream_with_context(chunks), content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@exports.route("/export/<fmt>")
def export(fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    render, mimetype, suffix = FORMATS[fmt]
    ids = matching_ids(query_from_request())
    return download(render(citations(ids)), mimetype, f"casebook-export.{suffix}")
