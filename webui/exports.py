"""Exports of any search: CSV and JSON Lines with citation fields, RIS and CSL-JSON for reference managers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from flask import Blueprint, Response, abort, request

from webui.app import external_url, source_titles, store
from webui.citations import Citation, to_csl_json, to_csv, to_jsonl, to_ris
from webui.search import SearchRequest, every_hit, query_from_request

exports = Blueprint("exports", __name__)

EXPORT_LIMIT = 5000  # documents per export: a bound so one request cannot walk an unbounded archive
FORMATS = {
    "csv": (to_csv, "text/csv; charset=utf-8", "csv"),
    "jsonl": (to_jsonl, "application/x-ndjson; charset=utf-8", "jsonl"),
    "ris": (to_ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl": (to_csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}


def citation_for(doc_id: str) -> Citation | None:
    stored = store().get(doc_id)
    if stored is None:
        return None
    archived = external_url("documents.archived_copy", doc_id=doc_id)
    outlet = source_titles().get(stored.document.source, stored.document.source)
    return Citation.of(stored.document, outlet, archived)


def matching_citations(req: SearchRequest) -> Iterator[Citation]:
    for hit in every_hit(lambda page: replace(req, page=page).run(limit=500, facets=[]), EXPORT_LIMIT):
        citation = citation_for(hit["id"])
        if citation is not None:
            yield citation


BOM = "\ufeff"  # spreadsheet programs read a CSV as UTF-8 only when it starts with this mark


def spreadsheet_csv(body: str) -> str:
    """A CSV download starts with the UTF-8 byte order mark unless ``bom=0`` asks for bare UTF-8."""
    return body if request.args.get("bom") == "0" else BOM + body


@exports.route("/export/<fmt>")
def export(fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    render, mimetype, suffix = FORMATS[fmt]
    body = render(list(matching_citations(query_from_request())))
    if fmt == "csv":
        body = spreadsheet_csv(body)
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="casebook-export.{suffix}"'
    return response
