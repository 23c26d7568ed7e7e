"""The document page's data (and its JSON twin's), and the archived copy read from WARC."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, url_for

from casebook.archive import ArchivedRecord, read_record
from casebook.errors import CasebookError
from casebook.models import Document
from casebook.store import StoredDocument
from casebook.timelines import list_timelines
from indexer.dedup.versions import history
from webui.auth import can_write
from webui.citations import harvard, markdown, plain
from webui.context import settings, source_titles, store
from webui.exports import citation_for
from webui.marking import marked_paragraphs, paragraph_number

DOC_ID = re.compile(r"^[0-9a-f]{16}$")


def load(doc_id: str) -> StoredDocument:
    """The stored document, or a 404."""
    if not DOC_ID.match(doc_id):
        abort(404)
    stored = store().get(doc_id)
    if stored is None:
        abort(404)
    return stored


def page(doc_id: str) -> dict[str, Any]:
    """The document page's data: text with mentions and quotes marked, citations, versions, copies."""
    stored = load(doc_id)
    mentions, quotes = store().mentions(doc_id), store().quotes(doc_id)

    def entity_href(entity_id: str) -> str:
        return url_for("entities.entity_page", entity_id=entity_id)

    return {
        "stored": stored,
        "doc": stored.document,
        "paragraphs": marked_paragraphs(stored.document.text, mentions, quotes, entity_href),
        "mentions": mentions,
        "quotes": [(q, paragraph_number(stored.document.text, q.start)) for q in quotes],
        "outlet": source_titles().get(stored.document.source, stored.document.source),
        "outlets": source_titles(),
        "cite": cite_formats(doc_id),
        "history": history(store(), doc_id),
        "copies": [store().get(other) for other in store().cluster_members(doc_id) if other != doc_id],
        "claimed": store().canonical_claim(doc_id),
        "timelines": list_timelines(store()) if can_write() else [],
    }


def as_json(doc_id: str) -> dict[str, Any]:
    """The document as the API gives it: metadata, text, comments, entities, quotes, copies, versions."""
    stored = load(doc_id)
    doc = stored.document
    return {
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


def cite_formats(doc_id: str) -> dict[str, str]:
    citation = citation_for(doc_id)
    assert citation is not None
    return {"Plain text": plain(citation), "Markdown": markdown(citation), "Harvard": harvard(citation)}


def archived_record(doc_id: str) -> tuple[Document, ArchivedRecord]:
    """The document and its original as archived, or a 404."""
    doc = load(doc_id).document
    if doc.warc_file is None or doc.warc_offset is None:
        abort(404)
    try:
        return doc, read_record(settings().warc_dir, doc.warc_file, doc.warc_offset)
    except CasebookError:
        abort(404)
