"""The document store: SQLite, the system of record between extraction and the index.

Every extracted version is kept (``versions``); ``documents`` holds the latest one per stable id.
``records`` is the catalogue of WARC records already ingested, which makes ingest idempotent.
Migrations are numbered and applied in order; ``PRAGMA user_version`` says which have run.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from casebook.models import Comment, Document, Mention, Quote

MIGRATIONS: list[str] = [
    # 1: documents, their versions, the WARC record catalogue, and enrichment output.
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        canonical_url TEXT NOT NULL,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        authors TEXT NOT NULL,
        published TEXT,
        published_from TEXT,
        updated TEXT,
        fetched TEXT NOT NULL,
        first_fetched TEXT NOT NULL,
        language TEXT,
        categories TEXT NOT NULL,
        tags TEXT NOT NULL,
        text TEXT NOT NULL,
        comments TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        version INTEGER NOT NULL,
        warc_file TEXT,
        warc_offset INTEGER
    );
    CREATE INDEX documents_source ON documents(source);
    CREATE INDEX documents_published ON documents(published);
    CREATE TABLE versions (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        fetched TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        warc_file TEXT,
        warc_offset INTEGER,
        PRIMARY KEY (doc_id, version)
    );
    CREATE TABLE records (
        record_id TEXT PRIMARY KEY,
        warc_file TEXT NOT NULL,
        warc_offset INTEGER NOT NULL,
        url TEXT NOT NULL,
        payload_digest TEXT,
        fetched TEXT NOT NULL,
        doc_id TEXT,
        outcome TEXT NOT NULL
    );
    CREATE INDEX records_digest ON records(payload_digest);
    CREATE TABLE mentions (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        entity_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL
    );
    CREATE INDEX mentions_doc ON mentions(doc_id);
    CREATE INDEX mentions_entity ON mentions(entity_id);
    CREATE TABLE quotes (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        text TEXT NOT NULL,
        speaker TEXT,
        speaker_id TEXT,
        cue TEXT,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL
    );
    CREATE INDEX quotes_doc ON quotes(doc_id);
    """,
]

SaveOutcome = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True)
class StoredDocument:
    """A document as the store holds it, with its version number and first fetch time."""

    document: Document
    version: int
    first_fetched: datetime


class Store:
    """A connection to the SQLite store. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        current = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[current:], current + 1):
            with self.transaction():
                self.db.executescript("BEGIN;" + script + f"; PRAGMA user_version={number};")

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing: a crash inside leaves the store as it was before."""
        try:
            yield self.db
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise

    # -- the WARC record catalogue -------------------------------------------------------------

    def record_outcome(self, record_id: str) -> str | None:
        row = self.db.execute("SELECT outcome FROM records WHERE record_id=?", (record_id,)).fetchone()
        return None if row is None else row["outcome"]

    def warc_files_with(self, outcome: str) -> list[str]:
        """WARC files holding records in this state (e.g. left pending by an interrupted run)."""
        rows = self.db.execute("SELECT DISTINCT warc_file FROM records WHERE outcome=?", (outcome,))
        return sorted(r["warc_file"] for r in rows)

    def record_for_digest(self, digest: str) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT * FROM records WHERE payload_digest=? ORDER BY fetched LIMIT 1", (digest,)
        ).fetchone()

    def add_record(
        self,
        record_id: str,
        warc_file: str,
        warc_offset: int,
        url: str,
        payload_digest: str | None,
        fetched: datetime,
        doc_id: str | None,
        outcome: str,
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO records VALUES (?,?,?,?,?,?,?,?)",
            (record_id, warc_file, warc_offset, url, payload_digest, fetched.isoformat(), doc_id, outcome),
        )

    # -- documents -----------------------------------------------------------------------------

    def save(self, doc: Document) -> SaveOutcome:
        """Store a document. Same text as held: nothing changes. New text: a new version beside the old."""
        row = self.db.execute(
            "SELECT content_hash, version, first_fetched FROM documents WHERE id=?", (doc.id,)
        ).fetchone()
        if row is not None and row["content_hash"] == doc.content_hash:
            return "unchanged"
        version = 1 if row is None else row["version"] + 1
        first_fetched = doc.fetched.isoformat() if row is None else row["first_fetched"]
        values = _document_row(doc, version, first_fetched)
        self.db.execute(f"INSERT OR REPLACE INTO documents VALUES ({','.join('?' * len(values))})", values)
        self.db.execute(
            "INSERT INTO versions VALUES (?,?,?,?,?,?,?,?)",
            (doc.id, version, doc.content_hash, doc.fetched.isoformat(), doc.title, doc.text,
             doc.warc_file, doc.warc_offset),
        )
        return "new" if row is None else "updated"

    def get(self, doc_id: str) -> StoredDocument | None:
        row = self.db.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()
        return None if row is None else _stored(row)

    def iter_documents(self) -> Iterator[StoredDocument]:
        for row in self.db.execute("SELECT * FROM documents ORDER BY id"):
            yield _stored(row)

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def versions(self, doc_id: str) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT * FROM versions WHERE doc_id=? ORDER BY version", (doc_id,)
        ).fetchall()

    # -- enrichment ----------------------------------------------------------------------------

    def save_annotations(self, doc_id: str, mentions: list[Mention], quotes: list[Quote]) -> None:
        """Replace a document's mentions and quotes (they are derived from its latest text)."""
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

    def mentions(self, doc_id: str) -> list[Mention]:
        rows = self.db.execute(
            "SELECT * FROM mentions WHERE doc_id=? ORDER BY start", (doc_id,)
        ).fetchall()
        return [Mention(r["text"], r["kind"], r["entity_id"], r["name"], r["start"], r["end"]) for r in rows]

    def entity_names(self) -> dict[str, str]:
        """Canonical name of every entity id mentioned in the archive (to label facets)."""
        rows = self.db.execute("SELECT entity_id, name FROM mentions GROUP BY entity_id")
        return {r["entity_id"]: r["name"] for r in rows}

    def quotes(self, doc_id: str) -> list[Quote]:
        rows = self.db.execute("SELECT * FROM quotes WHERE doc_id=? ORDER BY start", (doc_id,)).fetchall()
        return [Quote(r["text"], r["speaker"], r["speaker_id"], r["cue"], r["start"], r["end"]) for r in rows]


def _document_row(doc: Document, version: int, first_fetched: str) -> tuple[Any, ...]:
    return (
        doc.id, doc.url, doc.canonical_url, doc.source, doc.title, json.dumps(doc.authors),
        _iso(doc.published), doc.published_from, _iso(doc.updated), doc.fetched.isoformat(), first_fetched,
        doc.language, json.dumps(doc.categories), json.dumps(doc.tags), doc.text,
        json.dumps([c.to_dict() for c in doc.comments]), doc.content_hash, version,
        doc.warc_file, doc.warc_offset,
    )


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _stored(row: sqlite3.Row) -> StoredDocument:
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
    )
    return StoredDocument(doc, row["version"], datetime.fromisoformat(row["first_fetched"]))
