"""Exports of any search: CSV and JSON Lines with citation fields, RIS and CSL-JSON for reference managers.

An export holds every matching document, however many: the search runs once, then rows are written and
sent one at a time (a streamed response), so neither the result set nor the file is held in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain

from flask import Blueprint, Response, abort, request, stream_with_context

from indexer.index import every_match
from webui.app import external_url, settings, source_titles, store
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
    archived = external_url("documents.archived_copy", doc_id=doc_id)
    outlet = source_titles().get(stored.document.source, stored.document.source)
    return Citation.of(stored.document, outlet, archived)


def matching_ids(req: SearchRequest) -> Iterator[str]:
    """The ids of every document the request matches, in its order (a malformed query raises here)."""
    _total, hits = every_match(
        settings().index_dir, req.q or "*", gazetteer=settings().gazetteer_paths, **req.narrowing()
    )
    return (hit["id"] for hit in hits)


def citations(ids: Iterable[str]) -> Iterator[Citation]:
    for doc_id in ids:
        citation = citation_for(doc_id)
        if citation is not None:  # gone from the store since the index was written
            yield citation


BOM = "\ufeff"  # spreadsheet programs read a CSV as UTF-8 only when it starts with this mark


def csv_bom() -> str:
    """What a CSV download starts with: the UTF-8 byte order mark, unless ``bom=0`` asks for bare UTF-8."""
    return "" if request.args.get("bom") == "0" else BOM


def spreadsheet_csv(body: str) -> str:
    """A whole CSV body as downloaded (with the byte order mark unless ``bom=0``)."""
    return csv_bom() + body


def download(chunks: Iterator[str], mimetype: str, filename: str, *, bom: bool = False) -> Response:
    """A streamed attachment: each chunk is sent as it is made (a CSV led by :func:`csv_bom`)."""
    if bom:
        chunks = chain([csv_bom()], chunks)
    response = Response(stream_with_context(chunks), content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@exports.route("/export/<fmt>")
def export(fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    render, mimetype, suffix = FORMATS[fmt]
    ids = matching_ids(query_from_request())
    return download(render(citations(ids)), mimetype, f"casebook-export.{suffix}", bom=fmt == "csv")
