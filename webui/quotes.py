"""The quotes page: search reported speech by text, speaker, date and source, each with its citation."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from indexer.index import SORTS, search_quotes
from indexer.query import QueryError
from webui.app import settings, source_titles
from webui.citations import neutralise
from webui.exports import spreadsheet_csv
from webui.search import every_hit, link_args, requested_page

quotes = Blueprint("quotes", __name__)

PAGE_SIZE = 20
EXPORT_LIMIT = 5000


def quote_args() -> dict[str, Any]:
    args = request.args
    return {
        "query": args.get("q", "").strip() or "*",
        "page": requested_page(),
        "speaker": args.get("speaker", "").strip() or None,
        "source": args.get("source", "").strip() or None,
        "since": args.get("since", "").strip() or None,
        "until": args.get("until", "").strip() or None,
        "sort": args.get("sort") if args.get("sort") in SORTS else "relevance",
    }


def run(limit: int = PAGE_SIZE, **overrides: Any) -> dict[str, Any]:
    params = quote_args() | overrides
    return search_quotes(settings().index_dir, limit=limit, gazetteer=settings().gazetteer_path, **params)


def citation_line(hit: dict[str, Any], outlets: dict[str, str]) -> str:
    """“Quote” — Speaker, Headline, Outlet, date. URL: what "copy with source" puts on the clipboard."""
    outlet = outlets.get(hit["source"], hit["source"])
    speaker = hit["speaker"] or "unattributed"
    return (
        f"“{hit['text']}” — {speaker}, “{hit['title']}”, {outlet}, {hit['published'] or 'n.d.'}. {hit['url']}"
    )


@quotes.route("/quotes")
def quotes_page() -> tuple[str, int]:
    args = quote_args()
    outlets = source_titles()
    try:
        found = run()
    except QueryError as exc:
        return render_template("quotes.html", args=args, error=exc, found=None, sorts=SORTS), 400
    for hit in found["results"]:
        hit["citation"] = citation_line(hit, outlets)
    pages = max(1, -(-found["total"] // PAGE_SIZE))
    return render_template(
        "quotes.html",
        args=args,
        error=None,
        found=found,
        outlets=outlets,
        pages=pages,
        sorts=SORTS,
        export=url_for("quotes.quotes_csv", **link_args()),
    ), 200


@quotes.route("/quotes.csv")
def quotes_csv() -> Response:
    outlets = source_titles()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["quote", "speaker", "speaker_id", "headline", "outlet", "published", "url", "citation"])
    for hit in every_hit(lambda page: run(limit=500, page=page), EXPORT_LIMIT):
        row = [
            hit["text"],
            hit["speaker"] or "",
            hit["speaker_id"] or "",
            hit["title"],
            outlets.get(hit["source"], hit["source"]),
            hit["published"] or "",
            hit["url"],
            citation_line(hit, outlets),
        ]
        writer.writerow([neutralise(str(cell)) for cell in row])
    response = Response(spreadsheet_csv(out.getvalue()), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="casebook-quotes.csv"'
    return response
