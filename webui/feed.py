"""An Atom 1.0 feed (RFC 4287) of any search: its newest matching documents, for a feed reader to follow.

The feed is written with ElementTree, which escapes every text and attribute; characters XML cannot hold
at all (control characters a hostile page may carry) are dropped first, so the feed always parses. Every
link leaves with the reader, so it is built with ``external_url`` (under ``public_url`` when it is set), as
citations are.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from xml.etree import ElementTree as ET

from casebook.models import Document
from indexer.search import plain_snippet
from webui.context import external_url, source_titles, store
from webui.links import link_args
from webui.search import SearchRequest

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50  # entries: the newest matches; a reader polls again for more
MIMETYPE = "application/atom+xml; charset=utf-8"
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ET.register_namespace("", ATOM)


def xml_text(text: Any) -> str:
    """``text`` as XML 1.0 can hold it: control characters (and lone surrogates) removed."""
    return _NOT_XML.sub("", str(text))


def stamp(moment: datetime | date) -> str:
    """An RFC 3339 date-time (Atom's dates); a bare day is its midnight UTC."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(0), UTC)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def feed_title(req: SearchRequest) -> str:
    described = f"“{req.q}”" if req.q and req.q != "*" else "everything"
    return f"Casebook: {described}"


def atom_feed(req: SearchRequest) -> bytes:
    """The feed of ``req``: its ``FEED_SIZE`` newest matches (by the date the search uses), each with its
    title, outlet, dates, original and archived-copy links, and snippet. A malformed query raises
    :class:`~indexer.search.QueryError` (the app's error page says what to correct)."""
    newest = replace(req, sort="newest", page=1)
    found = newest.run(limit=FEED_SIZE, facets=[])
    args = link_args("page", "sort", "more")
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", external_url("search.search_feed", **args))
    _add(feed, "title", feed_title(req))
    total = found["total"]
    _add(feed, "subtitle", f"{total} matching {'document' if total == 1 else 'documents'}; the newest first")
    updated = _add(feed, "updated")
    _add(
        feed, "link", rel="self", type="application/atom+xml", href=external_url("search.search_feed", **args)
    )
    _add(feed, "link", rel="alternate", type="text/html", href=external_url("search.search_page", **args))
    _add(_add(feed, "author"), "name", "Casebook")
    _add(feed, "generator", "Casebook")
    latest: list[str] = []
    outlets = source_titles()
    for hit in found["results"]:
        stored = store().get(hit["id"])
        if stored is None:  # gone from the store since the index was written
            continue
        latest.append(_entry(feed, hit, stored.document, outlets))
    updated.text = max(latest) if latest else stamp(datetime.now(UTC))
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entry(feed: ET.Element, hit: dict[str, Any], doc: Document, outlets: dict[str, str]) -> str:
    """One document as an entry; returns its ``updated`` stamp."""
    entry = _add(feed, "entry")
    page = external_url("documents.document_page", doc_id=doc.id)
    _add(entry, "id", page)
    _add(entry, "title", doc.title or hit.get("title") or "(untitled)", type="text")
    updated = stamp(doc.fetched)
    _add(entry, "updated", updated)
    if doc.published is not None:
        _add(entry, "published", stamp(doc.published))
    outlet = outlets.get(doc.source, doc.source)
    for name in doc.authors or [outlet]:
        _add(_add(entry, "author"), "name", name)
    original = doc.canonical_url
    if original.startswith(("http://", "https://")):
        _add(entry, "link", rel="alternate", type="text/html", href=original, title="Original")
        _add(entry, "link", rel="related", type="text/html", href=page, title="In Casebook")
    else:  # a file imported from disk: its page in the archive is the one address there is
        _add(entry, "link", rel="alternate", type="text/html", href=page, title="In Casebook")
    archived = external_url("documents.archived_copy", doc_id=doc.id)
    _add(entry, "link", rel="related", type="text/html", href=archived, title="Archived copy")
    _add(entry, "category", term=doc.source, label=outlet)
    when = doc.published.isoformat() if doc.published else "undated"
    snippet = plain_snippet(str(hit.get("snippet") or ""))
    _add(entry, "summary", f"{outlet} · {when} · {snippet}", type="text")
    return updated
