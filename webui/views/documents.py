"""The document page, and the archived copy served from WARC in a sandbox."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from webui import documents as page
from webui.context import source_titles

documents = Blueprint("documents", __name__)

# The original page is hostile input: no scripts, no same-origin access, nothing loaded from outside. It
# may be framed only by Casebook's own archived-copy page, which says what it is around it.
ARCHIVED_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


@documents.route("/doc/<doc_id>")
def document_page(doc_id: str) -> str:
    return render_template("document.html", **page.page(doc_id))


@documents.route("/doc/<doc_id>/archived")
def archived_copy(doc_id: str) -> str:
    """The archived copy with its context: what it is, whence and when it was fetched, a way back; the
    page itself in a sandboxed frame below, served by :func:`archived_page` (the frame's sandbox attribute
    and that response's own CSP each forbid scripts, forms, plugins and same-origin access)."""
    doc, record = page.archived_record(doc_id)
    return render_template(
        "archived.html",
        doc=doc,
        fetched=record.page.fetched,
        warc_file=doc.warc_file,
        outlet=source_titles().get(doc.source, doc.source),
    )


@documents.route("/doc/<doc_id>/archived/page")
def archived_page(doc_id: str) -> Response:
    """The page as fetched, byte for byte from the WARC file, under the sandbox."""
    _doc, record = page.archived_record(doc_id)
    response = Response(record.page.body, mimetype="text/plain")
    content_type = record.page.content_type or "text/html"
    if any(ord(c) < 32 or ord(c) == 127 for c in content_type):  # a CR or LF cannot go in a header
        content_type = content_type.split(";")[0].strip()
    if content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        response.headers["Content-Type"] = content_type
    response.headers["Content-Security-Policy"] = ARCHIVED_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
