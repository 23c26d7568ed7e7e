"""Read-only questions the pages ask of the store: plain functions over a Store, no Flask in here."""

from __future__ import annotations

from typing import Any

from casebook.store import Store
from webui.marking import paragraph_number


def source_stats(store: Store) -> list[dict[str, Any]]:
    """Per source: documents held, first and last publication dates, last fetch."""
    rows = store.db.execute(
        "SELECT source, COUNT(*) AS documents, MIN(published) AS first, MAX(published) AS last,"
        " MAX(fetched) AS last_fetched, SUM(published IS NULL) AS undated"
        " FROM documents GROUP BY source ORDER BY documents DESC, source"
    )
    return [dict(r) for r in rows]


def entity_mentions(store: Store, entity_id: str) -> dict[str, Any] | None:
    """Everything the entity page shows that comes from the archive; None if never mentioned."""
    head = store.db.execute(
        "SELECT name, kind, COUNT(*) AS mentions, COUNT(DISTINCT doc_id) AS documents"
        " FROM mentions WHERE entity_id=? GROUP BY entity_id",
        (entity_id,),
    ).fetchone()
    if head is None:
        return None
    by_year = store.db.execute(
        "SELECT coalesce(substr(d.published, 1, 4), 'undated') AS year, COUNT(DISTINCT d.id) AS documents"
        " FROM mentions m JOIN documents d ON d.id = m.doc_id"
        " WHERE m.entity_id=? GROUP BY year ORDER BY year",
        (entity_id,),
    ).fetchall()
    # Per document, not per pair of mentions: the entity's documents first (a long article can mention
    # one name thousands of times, and joining mention to mention grew with the square of that).
    co_mentioned = store.db.execute(
        "SELECT other.entity_id AS id, MIN(other.name) AS name, MIN(other.kind) AS kind,"
        " COUNT(DISTINCT other.doc_id) AS documents"
        " FROM (SELECT DISTINCT doc_id FROM mentions WHERE entity_id=?) this"
        " JOIN mentions other ON other.doc_id = this.doc_id AND other.entity_id != ?"
        " GROUP BY other.entity_id ORDER BY documents DESC, name LIMIT 15",
        (entity_id, entity_id),
    ).fetchall()
    latest = store.db.execute(
        "SELECT DISTINCT d.id, d.title, d.source, d.published"
        " FROM mentions m JOIN documents d ON d.id = m.doc_id"
        " WHERE m.entity_id=? ORDER BY d.published IS NULL, d.published DESC LIMIT 20",
        (entity_id,),
    ).fetchall()
    quotes = store.db.execute(
        "SELECT q.text, q.speaker, q.cue, q.start, d.id AS doc_id, d.title, d.source, d.published,"
        " d.text AS doc_text"
        " FROM quotes q JOIN documents d ON d.id = q.doc_id WHERE q.speaker_id=?"
        " ORDER BY d.published IS NULL, d.published DESC LIMIT 50",
        (entity_id,),
    ).fetchall()
    return {
        **dict(head),
        "by_year": [dict(r) for r in by_year if r["year"] != "undated"],
        "undated": next((r["documents"] for r in by_year if r["year"] == "undated"), 0),
        "co_mentioned": [dict(r) for r in co_mentioned],
        "latest": [dict(r) for r in latest],
        "quotes": [_in_context(dict(r)) for r in quotes],
    }


def document_texts(store: Store, ids: set[str]) -> dict[str, str]:
    """The text of these documents by id (to place a quote in its paragraph), in one query per 500."""
    wanted = sorted(ids)
    texts: dict[str, str] = {}
    for start in range(0, len(wanted), 500):  # SQLite caps the number of bound parameters
        chunk = wanted[start : start + 500]
        rows = store.db.execute(
            f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk
        )
        texts.update({r["id"]: r["text"] for r in rows})
    return texts


def _in_context(quote: dict[str, Any]) -> dict[str, Any]:
    """A quote row with the number of the paragraph it stands in (the document page's ¶ anchor)."""
    quote["paragraph"] = paragraph_number(quote.pop("doc_text"), quote["start"])
    return quote
