"""Documents and their versions (tables ``documents``, ``versions``): every extracted version is kept;
``documents`` holds the latest one per stable id, with what the pages and reports ask of them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from casebook.models import Comment, Document
from casebook.store.database import Database

SaveOutcome = Literal["new", "updated", "unchanged", "earlier"]


@dataclass(frozen=True)
class StoredDocument:
    """A document as the store holds it, with its version number and first fetch time."""

    document: Document
    version: int
    first_fetched: datetime
    duplicate_of: str | None = None  # the original's id when this is a near-duplicate copy


@dataclass(frozen=True)
class Original:
    """Where a document's version was archived (``warc_file`` None when no original is recorded)."""

    doc_id: str
    version: int
    warc_file: str | None
    warc_offset: int | None


class Documents(Database):
    """Tables ``documents`` and ``versions``."""

    def save(self, doc: Document) -> SaveOutcome:
        """Store one fetch of a document. Versions are ordered by fetch time, whatever the order fetches
        are ingested in (an older WARC imported after a newer one); the current text, shown and indexed,
        is always that of the latest fetch.

        The fetch's text is compared with the version in force when it was fetched: the same text changes
        nothing (``unchanged``). Otherwise it becomes a version at its place in time: at the end, a new
        current version (``updated``, or ``new`` for the first); before the end, ``earlier``. Two cases
        keep the history true: when the version after it has the same text, that version starts earlier
        instead; when the text it replaced was fetched again later (a fetch catalogued ``unchanged``
        before this one was ingested), that text comes back as a version of its own at that fetch.
        """
        row = self.db.execute("SELECT first_fetched FROM documents WHERE id=?", (doc.id,)).fetchone()
        if row is None:
            self._write_current(doc, 1, doc.fetched.isoformat())
            self._insert_version(doc.id, 1, _version_of(doc))
            return "new"
        versions = self.db.execute(
            "SELECT version, content_hash, fetched FROM versions WHERE doc_id=? ORDER BY version", (doc.id,)
        ).fetchall()
        before = [v for v in versions if datetime.fromisoformat(v["fetched"]) <= doc.fetched]
        prev = before[-1] if before else None
        nxt = versions[len(before)] if len(before) < len(versions) else None
        if prev is not None and prev["content_hash"] == doc.content_hash:
            return "unchanged"
        first_fetched = min(datetime.fromisoformat(row["first_fetched"]), doc.fetched).isoformat()
        if nxt is not None and nxt["content_hash"] == doc.content_hash:  # that text was there earlier
            self.db.execute(
                "UPDATE versions SET fetched=?, warc_file=?, warc_offset=? WHERE doc_id=? AND version=?",
                (doc.fetched.isoformat(), doc.warc_file, doc.warc_offset, doc.id, nxt["version"]),
            )
            if nxt["version"] == versions[-1]["version"]:
                self.db.execute(
                    "UPDATE documents SET fetched=?, warc_file=?, warc_offset=? WHERE id=?",
                    (doc.fetched.isoformat(), doc.warc_file, doc.warc_offset, doc.id),
                )
            self.db.execute("UPDATE documents SET first_fetched=? WHERE id=?", (first_fetched, doc.id))
            return "earlier"
        inserted = [_version_of(doc)]
        until = datetime.fromisoformat(nxt["fetched"]) if nxt is not None else None
        seen_again = self._fetched_unchanged_between(doc.id, doc.fetched, until)
        if prev is not None and seen_again is not None:  # the text this one replaced was fetched again
            old = self.db.execute(
                "SELECT * FROM versions WHERE doc_id=? AND version=?", (doc.id, prev["version"])
            ).fetchone()
            inserted.append({**dict(old), **seen_again})
        at = len(before) + 1
        self.db.execute(  # make room; in two steps, as the primary key is checked row by row
            "UPDATE versions SET version = -version - ? WHERE doc_id=? AND version >= ?",
            (len(inserted), doc.id, at),
        )
        self.db.execute("UPDATE versions SET version = -version WHERE doc_id=? AND version < 0", (doc.id,))
        for offset, values in enumerate(inserted):
            self._insert_version(doc.id, at + offset, values)
        last = len(versions) + len(inserted)
        if nxt is None and len(inserted) == 1:
            self._write_current(doc, last, first_fetched)
            return "updated"
        self.db.execute(
            "UPDATE documents SET version=?, first_fetched=? WHERE id=?", (last, first_fetched, doc.id)
        )
        if nxt is None:  # the current text is the one fetched again: its latest start is that fetch
            self.db.execute(
                "UPDATE documents SET fetched=?, warc_file=?, warc_offset=? WHERE id=?",
                (inserted[-1]["fetched"], inserted[-1]["warc_file"], inserted[-1]["warc_offset"], doc.id),
            )
        return "earlier"

    def _fetched_unchanged_between(
        self, doc_id: str, after: datetime, before: datetime | None
    ) -> dict[str, Any] | None:
        """The earliest fetch of this document catalogued ``unchanged`` after ``after`` (and before
        ``before``): the version in force then was fetched again."""
        rows = self.db.execute(
            "SELECT fetched, warc_file, warc_offset FROM records WHERE doc_id=? AND outcome='unchanged'",
            (doc_id,),
        ).fetchall()
        found = sorted(
            (datetime.fromisoformat(r["fetched"]), r["warc_file"], r["warc_offset"])
            for r in rows
            if after < datetime.fromisoformat(r["fetched"])
            and (before is None or datetime.fromisoformat(r["fetched"]) < before)
        )
        if not found:
            return None
        when, warc_file, warc_offset = found[0]
        return {"fetched": when.isoformat(), "warc_file": warc_file, "warc_offset": warc_offset}

    def _write_current(self, doc: Document, version: int, first_fetched: str) -> None:
        values = _document_row(doc, version, first_fetched)
        self.db.execute(
            f"INSERT INTO documents ({','.join(values)}) VALUES ({','.join('?' * len(values))})"
            f" ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c}=excluded.{c}' for c in values if c != 'id')}",
            tuple(values.values()),
        )

    def _insert_version(self, doc_id: str, version: int, values: dict) -> None:
        self.db.execute(
            "INSERT INTO versions (doc_id, version, content_hash, fetched, title, text, warc_file,"
            " warc_offset) VALUES (?,?,?,?,?,?,?,?)",
            (
                doc_id,
                version,
                values["content_hash"],
                values["fetched"],
                values["title"],
                values["text"],
                values["warc_file"],
                values["warc_offset"],
            ),
        )

    def content_hash(self, doc_id: str) -> str | None:
        """The hash of a document's current text; None if it is not stored."""
        row = self.db.execute("SELECT content_hash FROM documents WHERE id=?", (doc_id,)).fetchone()
        return None if row is None else row["content_hash"]

    def get(self, doc_id: str) -> StoredDocument | None:
        row = self.db.execute(f"{_WITH_CLUSTER} WHERE d.id=?", (doc_id,)).fetchone()
        return None if row is None else _stored(row)

    def iter_documents(self) -> Iterator[StoredDocument]:
        for row in self.db.execute(f"{_WITH_CLUSTER} ORDER BY d.id"):
            yield _stored(row)

    def document_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM documents ORDER BY id")]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def count_from(self, sources: list[str]) -> int:
        """How many documents come from these sources (an indexed count)."""
        marks = ",".join("?" * len(sources))
        query = f"SELECT COUNT(*) FROM documents WHERE source IN ({marks})"
        return self.db.execute(query, sources).fetchone()[0]

    def versions(self, doc_id: str) -> list[dict[str, Any]]:
        """Every version of a document, oldest first: ``version``, ``content_hash``, ``fetched``, ``title``,
        ``text``, ``warc_file``, ``warc_offset``."""
        rows = self.db.execute("SELECT * FROM versions WHERE doc_id=? ORDER BY version", (doc_id,))
        return [dict(r) for r in rows]

    def document_texts(self, ids: Iterable[str]) -> dict[str, str]:
        """The text of these documents by id (to place a quote in its paragraph)."""
        return {
            r["id"]: r["text"] for r in self._rows_for("SELECT id, text FROM documents WHERE id IN ({})", ids)
        }

    def source_stats(self) -> list[dict[str, Any]]:
        """Per source, most documents first: ``source``, ``documents``, ``first`` and ``last`` publication
        dates, ``last_fetched``, ``undated`` (documents without a date)."""
        rows = self.db.execute(
            "SELECT source, COUNT(*) AS documents, MIN(published) AS first, MAX(published) AS last,"
            " MAX(fetched) AS last_fetched, COUNT(*) - COUNT(published) AS undated"
            " FROM documents GROUP BY source ORDER BY documents DESC, source"
        )
        return [dict(r) for r in rows]

    def publication_years(self) -> list[str]:
        """The years documents were published in, oldest first."""
        rows = self.db.execute(
            "SELECT DISTINCT substr(published, 1, 4) AS year FROM documents WHERE published IS NOT NULL"
            " ORDER BY year"
        )
        return [r["year"] for r in rows]

    def current_originals(self) -> list[Original]:
        """Where each document's current version was archived, by document id."""
        rows = self.db.execute("SELECT id, version, warc_file, warc_offset FROM documents ORDER BY id")
        return [Original(r["id"], r["version"], r["warc_file"], r["warc_offset"]) for r in rows]

    def version_originals(self) -> list[Original]:
        """Where every version of every document was archived, by document id and version."""
        rows = self.db.execute(
            "SELECT doc_id, version, warc_file, warc_offset FROM versions ORDER BY doc_id, version"
        )
        return [Original(r["doc_id"], r["version"], r["warc_file"], r["warc_offset"]) for r in rows]

    def stale_extractions(self, extractor: str) -> list[str]:
        """Ids of the documents read by another extractor than the one of this stamp, or before stamps."""
        rows = self.db.execute(  # sorted here: ORDER BY would read the table rather than the index
            "SELECT id FROM documents WHERE extractor IS NULL OR extractor != ?", (extractor,)
        )
        return sorted(r["id"] for r in rows)

    def clear_extractor_stamps(self) -> None:
        """Forget which extractor read each document: every one is read again (``reextract --force``)."""
        self.db.execute("UPDATE documents SET extractor = NULL")

    def stamp_extractor(self, doc_id: str, extractor: str) -> None:
        """Note that this extractor has read the document's originals (and kept it as it was)."""
        self.db.execute("UPDATE documents SET extractor=? WHERE id=?", (extractor, doc_id))

    def replace_reading(self, doc: Document, texts: Mapping[int, Document]) -> None:
        """A new reading of a stored document's originals by a newer extractor (``casebook reextract``):
        the current row from ``doc``, the reading of the current version's original (its id, version and
        first fetch stay), and each version's title and text from ``texts`` (version -> its reading; empty
        when the texts stay as stored). The versions stay as many, at the same fetches: a reading corrects
        what was read, it is not a change of the page."""
        row = self.db.execute("SELECT version, first_fetched FROM documents WHERE id=?", (doc.id,)).fetchone()
        self._write_current(doc, row["version"], row["first_fetched"])
        for version, reading in texts.items():
            self.db.execute(
                "UPDATE versions SET content_hash=?, title=?, text=? WHERE doc_id=? AND version=?",
                (reading.content_hash, reading.title, reading.text, doc.id, version),
            )

    def documents_to_review(self) -> list[dict[str, Any]]:
        """Documents kept with a fallback or uncertain extraction, or with disputed dates, by id: ``id``,
        ``canonical_url``, ``extraction``, ``published_confidence`` (none in a store older than schema 6,
        which did not note them)."""
        if not self._has_column("documents", "extraction"):
            return []
        rows = self.db.execute(
            "SELECT id, canonical_url, extraction, published_confidence FROM documents"
            " WHERE extraction != 'full' OR published_confidence = 'disputed' ORDER BY id"
        )
        return [dict(r) for r in rows]


def _version_of(doc: Document) -> dict[str, Any]:
    return {
        "content_hash": doc.content_hash,
        "fetched": doc.fetched.isoformat(),
        "title": doc.title,
        "text": doc.text,
        "warc_file": doc.warc_file,
        "warc_offset": doc.warc_offset,
    }


_WITH_CLUSTER = "SELECT d.*, c.duplicate_of FROM documents d LEFT JOIN clusters c ON c.doc_id = d.id"


def _document_row(doc: Document, version: int, first_fetched: str) -> dict[str, Any]:
    """Column name -> value: inserted by name, so columns added by later migrations stay in their place."""
    return {
        "id": doc.id,
        "url": doc.url,
        "canonical_url": doc.canonical_url,
        "source": doc.source,
        "title": doc.title,
        "authors": json.dumps(doc.authors),
        "published": _iso(doc.published),
        "published_from": doc.published_from,
        "updated": _iso(doc.updated),
        "fetched": doc.fetched.isoformat(),
        "first_fetched": first_fetched,
        "language": doc.language,
        "categories": json.dumps(doc.categories),
        "tags": json.dumps(doc.tags),
        "text": doc.text,
        "comments": json.dumps([c.to_dict() for c in doc.comments]),
        "content_hash": doc.content_hash,
        "version": version,
        "warc_file": doc.warc_file,
        "warc_offset": doc.warc_offset,
        "extraction": doc.extraction,
        "published_confidence": doc.published_confidence,
        "extractor": doc.extractor,
    }


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _stored(row: Mapping[str, Any]) -> StoredDocument:
    doc = Document(
        url=row["url"],
        canonical_url=row["canonical_url"],
        source=row["source"],
        title=row["title"],
        text=row["text"],
        fetched=datetime.fromisoformat(row["fetched"]),
        authors=json.loads(row["authors"]),
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        published_from=row["published_from"],
        updated=date.fromisoformat(row["updated"]) if row["updated"] else None,
        comments=[Comment(**c) for c in json.loads(row["comments"])],
        categories=json.loads(row["categories"]),
        tags=json.loads(row["tags"]),
        language=row["language"],
        warc_file=row["warc_file"],
        warc_offset=row["warc_offset"],
        extraction=row["extraction"],
        published_confidence=row["published_confidence"],
        extractor=row["extractor"] if "extractor" in row.keys() else None,  # a store not yet at schema 9
    )
    first_fetched = datetime.fromisoformat(row["first_fetched"])
    return StoredDocument(doc, row["version"], first_fetched, row["duplicate_of"])
