"""The quotes page, and every matching quote as CSV."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from webui import quotes as page
from webui.exports import download

quotes = Blueprint("quotes", __name__)


@quotes.route("/quotes")
def quotes_page() -> tuple[str, int]:
    context, status = page.page()
    return render_template("quotes.html", **context), status


@quotes.route("/quotes.csv")
def quotes_csv() -> Response:
    """Every matching quote, however many, streamed a row at a time (cited a batch at a time)."""
    rows = page.csv_rows(page.every_quote())
    return download(rows, "text/csv; charset=utf-8", "casebook-quotes.csv", bom=True)
