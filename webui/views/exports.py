"""Exports of any search (CSV, JSON Lines, RIS, CSL-JSON), streamed."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from webui.exports import FORMATS, citations, download, matching_ids
from webui.search import query_from_request

exports = Blueprint("exports", __name__)


@exports.route("/export/<fmt>")
def export(fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    render, mimetype, suffix = FORMATS[fmt]
    ids = matching_ids(query_from_request())
    return download(render(citations(ids)), mimetype, f"casebook-export.{suffix}", bom=fmt == "csv")
