"""The document page, and the archived copy served from WARC in a sandbox."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template, url_for

from casebook.archive import read_record
from casebook.errors import CasebookError
from casebook.timelines import list_timelines
from indexer.versions import history
from webui.app import settings, source_titles, store
from webui.auth import can_write
from webui.marking import marked_paragraphs, paragraph_number

documents = Blueprint("documents", __name__)

DOC_ID = re.compile(r"^[0-9a-f]{16}$")

# The original page is hostile input: no scripts, no same-origin access, nothing loaded from outside. It
# may be framed only by Casebook's own archived-copy page, which says what it is around it.
ARCHIVED_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


def load(doc_id: str):  # noqa: ANN201
    if not DOC_ID.match(doc_id):
        abort(404)
    stored = store().get(doc_id)
    if stored is None:
        abort(404)
    return stored


@documents.route("/doc/<doc_id>")
def document_page(doc_id: str) -> str:
    stored = load(doc_id)
    mentions, quotes = store().mentions(doc_id), store().quotes(doc_id)

    def entity_href(entity_id: str) -> str:
        return url_for("entities.entity_page", entity_id=entity_id)

    return render_template(
        "document.html",
        stored=stored,
        doc=stored.document,
        paragraphs=marked_paragraphs(stored.document.text, mentions, quotes, entity_href),
        mentions=mentions,
        quotes=[(q, paragraph_number(stored.document.text, q.start)) for q in quotes],
        outlet=source_titles().get(stored.document.source, stored.document.source),
        outlets=source_titles(),
        cite=cite_formats(doc_id),
        history=history(store(), doc_id),
        copies=[store().get(other) for other in store().cluster_members(doc_id) if other != doc_id],
        claimed=store().canonical_claim(doc_id),
        timelines=list_timelines(store()) if can_write() else [],
    )


def cite_formats(doc_id: str) -> dict[str, str]:
    from webui.citations import harvard, markdown, plain
    from webui.exports import citation_for

    citation = citation_for(doc_id)
    assert citation is not None
    return {"Plain text": plain(citation), "Markdown": markdown(citation), "Harvard": harvard(citation)}


def archived_record(doc_id: str):  # noqa: ANN201
    doc = load(doc_id).document
    if doc.warc_file is None or doc.warc_offset is None:
        abort(404)
    try:
        return doc, read_record(settings().warc_dir, doc.warc_file, doc.warc_offset)
    except CasebookError:
        abort(404)


@documents.route("/doc/<doc_id>/archived")
def archived_copy(doc_id: str) -> str:
    """The archived copy with its context: what it is, whence and when it was fetched, a way back; the
    page itself in a sandboxed frame below, served by :func:`archived_page` (the frame's sandbox attribute
    and that response's own CSP each forbid scripts, forms, plugins and same-origin access)."""
    doc, record = archived_record(doc_id)
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
    _doc, record = archived_record(doc_id)
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
