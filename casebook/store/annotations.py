"""What enrichment found (tables ``mentions``, ``quotes``, ``enrichments``): each document's entity mentions
and quotes, the stamp saying which pipeline made them from which text, and the questions asked of them
(the entities report, an entity's page, quote counts for ``casebook check``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from casebook.models import Mention, Quote
from casebook.store.database import Database


class Annotations(Database):
    """Tables ``mentions``, ``quotes`` and ``enrichments``."""

    def save_annotations(
        self,
        doc_id: str,
        mentions: list[Mention],
        quotes: list[Quote],
        version: str | None = None,
        content_hash: str | None = None,
    ) -> None:
        """Replace a document's mentions and quotes (they are derived from its latest text).

        With ``version`` (``Enricher.version``), also stamp them: :meth:`stamp_enrichment` with
        ``content_hash``, the hash of the text enriched (default: the document's current one).
        """
        if version is not None:
            self.stamp_enrichment(doc_id, version, content_hash)
        self.db.execute("DELETE FROM mentions WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM quotes WHERE doc_id=?", (doc_id,))
        self.db.executemany(
            "INSERT INTO mentions VALUES (?,?,?,?,?,?,?)",
            [(doc_id, m.id, m.kind, m.name, m.text, m.start, m.end) for m in mentions],
        )
        self.db.executemany(
            "INSERT INTO quotes VALUES (?,?,?,?,?,?,?)",
            [(doc_id, q.text, q.speaker, q.speaker_id, q.cue, q.start, q.end) for q in quotes],
        )

    def stamp_enrichment(self, doc_id: str, version: str, content_hash: str | None = None) -> None:
        """Note that the document's annotations come from pipeline ``version`` run over the text whose
        hash is ``content_hash`` (default: the document's current text)."""
        if content_hash is None:
            row = self.db.execute("SELECT content_hash FROM documents WHERE id=?", (doc_id,)).fetchone()
            if row is None:
                raise KeyError(doc_id)
            content_hash = row["content_hash"]
        self.db.execute(
            "INSERT INTO enrichments (doc_id, version, content_hash) VALUES (?,?,?) ON CONFLICT (doc_id)"
            " DO UPDATE SET version=excluded.version, content_hash=excluded.content_hash",
            (doc_id, version, content_hash),
        )

    def stale_enrichments(self, version: str) -> list[str]:
        """Ids of the documents whose annotations are not those of pipeline ``version`` over their current
        text: never stamped, stamped by another version, or stamped for another text."""
        rows = self.db.execute(
            "SELECT d.id FROM documents d LEFT JOIN enrichments e ON e.doc_id = d.id"
            " WHERE e.doc_id IS NULL OR e.version != ? OR e.content_hash != d.content_hash ORDER BY d.id",
            (version,),
        )
        return [r["id"] for r in rows]

    def clear_enrichment_stamps(self) -> None:
        """Forget every stamp: every document is stale (``casebook enrich --force``)."""
        self.db.execute("DELETE FROM enrichments")

    def mentions(self, doc_id: str) -> list[Mention]:
        rows = self.db.execute("SELECT * FROM mentions WHERE doc_id=? ORDER BY start", (doc_id,)).fetchall()
        return [Mention(r["text"], r["kind"], r["entity_id"], r["name"], r["start"], r["end"]) for r in rows]

    def entity_names(self, ids: Iterable[str]) -> dict[str, str]:
        """Canonical names of these entity ids (to label facets): only the ids asked for are looked up."""
        rows = self._rows_for(
            "SELECT entity_id, MIN(name) AS name FROM mentions WHERE entity_id IN ({}) GROUP BY entity_id",
            ids,
        )
        return {r["entity_id"]: r["name"] for r in rows}

    def quotes(self, doc_id: str) -> list[Quote]:
        rows = self.db.execute("SELECT * FROM quotes WHERE doc_id=? ORDER BY start", (doc_id,)).fetchall()
        return [Quote(r["text"], r["speaker"], r["speaker_id"], r["cue"], r["start"], r["end"]) for r in rows]

    # -- questions asked of them ---------------------------------------------------------------

    def entity_mention_counts(self) -> list[dict[str, Any]]:
        """Mentions per entity id, kind and name as written: ``{entity_id, kind, name, n}``."""
        rows = self.db.execute(
            "SELECT entity_id, kind, name, COUNT(*) AS n FROM mentions GROUP BY entity_id, kind, name"
        )
        return [dict(r) for r in rows]

    def entity_document_counts(self) -> dict[str, int]:
        """How many documents mention each entity."""
        rows = self.db.execute(
            "SELECT entity_id, COUNT(DISTINCT doc_id) AS n FROM mentions GROUP BY entity_id"
        )
        return {r["entity_id"]: r["n"] for r in rows}

    def speaker_quote_counts(self) -> dict[str, int]:
        """How many quotes each entity is the speaker of."""
        rows = self.db.execute(
            "SELECT speaker_id, COUNT(*) AS n FROM quotes WHERE speaker_id IS NOT NULL GROUP BY speaker_id"
        )
        return {r["speaker_id"]: r["n"] for r in rows}

    def quote_counts(self) -> dict[str, int]:
        """How many quotes each document holds (documents without any are left out)."""
        rows = self.db.execute("SELECT doc_id, COUNT(*) AS n FROM quotes GROUP BY doc_id")
        return {r["doc_id"]: r["n"] for r in rows}

    def entity_coverage(self, entity_id: str) -> dict[str, Any] | None:
        """Everything the archive holds about an entity, for its page; None if it is never mentioned:
        ``name``, ``kind``, ``mentions``, ``documents``, ``by_year`` (documents per year of publication),
        ``undated`` (documents without a date), ``co_mentioned`` (the entities most often in the same
        documents), ``latest`` (the newest documents mentioning it) and ``quotes`` (its newest quotes, each
        with its document's text as ``doc_text``)."""
        head = self.db.execute(
            "SELECT MIN(name) AS name, MIN(kind) AS kind, COUNT(*) AS mentions,"
            " COUNT(DISTINCT doc_id) AS documents"
            " FROM mentions WHERE entity_id=? GROUP BY entity_id",
            (entity_id,),
        ).fetchone()
        if head is None:
            return None
        by_year = self.db.execute(
            "SELECT coalesce(substr(d.published, 1, 4), 'undated') AS year, COUNT(DISTINCT d.id) AS documents"
            " FROM mentions m JOIN documents d ON d.id = m.doc_id"
            " WHERE m.entity_id=? GROUP BY year ORDER BY year",
            (entity_id,),
        ).fetchall()
        # Per document, not per pair of mentions: the entity's documents first (a long article can mention
        # one name thousands of times, and joining mention to mention grew with the square of that).
        co_mentioned = self.db.execute(
            "SELECT other.entity_id AS id, MIN(other.name) AS name, MIN(other.kind) AS kind,"
            " COUNT(DISTINCT other.doc_id) AS documents"
            " FROM (SELECT DISTINCT doc_id FROM mentions WHERE entity_id=?) this"
            " JOIN mentions other ON other.doc_id = this.doc_id AND other.entity_id != ?"
            " GROUP BY other.entity_id ORDER BY documents DESC, name LIMIT 15",
            (entity_id, entity_id),
        ).fetchall()
        latest = self.db.execute(
            "SELECT DISTINCT d.id, d.title, d.source, d.published"
            " FROM mentions m JOIN documents d ON d.id = m.doc_id"
            " WHERE m.entity_id=? ORDER BY d.published DESC NULLS LAST, d.id LIMIT 20",
            (entity_id,),
        ).fetchall()
        quotes = self.db.execute(
            "SELECT q.text, q.speaker, q.cue, q.start, d.id AS doc_id, d.title, d.source, d.published,"
            " d.text AS doc_text"
            " FROM quotes q JOIN documents d ON d.id = q.doc_id WHERE q.speaker_id=?"
            " ORDER BY d.published DESC NULLS LAST, d.id, q.start LIMIT 50",
            (entity_id,),
        ).fetchall()
        return {
            **dict(head),
            "by_year": [dict(r) for r in by_year if r["year"] != "undated"],
            "undated": next((r["documents"] for r in by_year if r["year"] == "undated"), 0),
            "co_mentioned": [dict(r) for r in co_mentioned],
            "latest": [dict(r) for r in latest],
            "quotes": [dict(r) for r in quotes],
        }
