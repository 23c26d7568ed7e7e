"""The document store: SQLite, the system of record between extraction and the index.

Every extracted version is kept (``versions``); ``documents`` holds the latest one per stable id.
``records`` is the catalogue of WARC records already ingested, which makes ingest idempotent.
Migrations are numbered and applied in order; ``PRAGMA user_version`` says which have run.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from casebook.errors import CasebookError
from casebook.models import Comment, Document, Mention, Quote

log = logging.getLogger(__name__)

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
    # 2: what the crawler last saw at each URL: validators for conditional requests, fetch times for
    # sitemap lastmod and for resuming, and the removed flag (a held article answering 404/410).
    """
    CREATE TABLE fetches (
        url TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        status INTEGER NOT NULL,
        etag TEXT,
        last_modified TEXT,
        fetched TEXT,
        confirmed TEXT,
        checked TEXT NOT NULL,
        record_id TEXT,
        removed INTEGER NOT NULL DEFAULT 0,
        removed_since TEXT
    );
    CREATE INDEX fetches_source ON fetches(source);
    """,
    # 3: near-duplicate clusters (indexer/duplicates.py). near_dup_bands: each document's MinHash LSH band
    # hashes, looked up by (band, hash) to find candidate copies without comparing all pairs. clusters: one
    # row per document in a cluster of two or more; cluster_id is the original's id, duplicate_of is NULL
    # for the original and the original's id for every copy, similarity the copy's containment in it.
    """
    CREATE TABLE near_dup_bands (
        band INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        doc_id TEXT NOT NULL,
        PRIMARY KEY (band, hash, doc_id)
    ) WITHOUT ROWID;
    CREATE INDEX near_dup_bands_doc ON near_dup_bands(doc_id);
    CREATE TABLE clusters (
        doc_id TEXT PRIMARY KEY,
        cluster_id TEXT NOT NULL,
        duplicate_of TEXT,
        similarity REAL
    );
    CREATE INDEX clusters_cluster ON clusters(cluster_id);
    """,
    # 4: named timelines (webui/timelines.py): a user's pinned articles in their order, each with a note;
    # and the enrichment stamp: which pipeline version annotated which text, so that a document is
    # re-enriched when its text or the pipeline changes and skipped otherwise.
    """
    CREATE TABLE timelines (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE timeline_items (
        timeline_id INTEGER NOT NULL REFERENCES timelines(id) ON DELETE CASCADE,
        doc_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        added TEXT NOT NULL,
        PRIMARY KEY (timeline_id, doc_id)
    );
    CREATE INDEX timeline_items_order ON timeline_items(timeline_id, position);
    CREATE TABLE enrichments (
        doc_id TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        content_hash TEXT NOT NULL
    );
    """,
    # 5 (reliability): canonical_claims: a page whose rel=canonical names a page on another site keeps its
    # own id; the address it named is kept here (shown, and used to elect the original of a cluster).
    # index_journal: every document whose index entry was written, in order, so that a rebuild of the
    # index can add what was written while it ran. login_sessions: web logins, so logout and a changed
    # password end them (webui/auth.py).
    """
    CREATE TABLE canonical_claims (
        doc_id TEXT PRIMARY KEY,
        claimed_url TEXT NOT NULL
    );
    CREATE TABLE index_journal (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL
    );
    CREATE TABLE login_sessions (
        token TEXT PRIMARY KEY,
        user TEXT NOT NULL,
        started TEXT NOT NULL
    );
    """,
    # 6: how sure extraction was (Document.extraction: full, fallback, uncertain) and how far the page's
    # dates agree (Document.published_confidence), so that the pages worth a second look can be found.
    # Documents stored before read as full (they passed the stricter old rules), with no date confidence.
    """
    ALTER TABLE documents ADD COLUMN extraction TEXT NOT NULL DEFAULT 'full';
    ALTER TABLE documents ADD COLUMN published_confidence TEXT;
    CREATE INDEX documents_extraction ON documents(extraction);
    """,
]

SaveOutcome = Literal["new", "updated", "unchanged", "earlier"]

# The record catalogue's outcomes that are not final. A pending record has not been processed yet; a
# record that failed for a reason a newer Casebook can fix (a content-coding it could not undo, an
# extraction that crashed) is processed again by every ingest, and `casebook check` reports it meanwhile.
PENDING = "pending"
RETRIED = ("the payload cannot be decoded", "extraction failed")


def to_retry(outcome: str | None) -> bool:
    """Whether a catalogued record with this outcome is processed again by the next ingest."""
    return outcome is not None and outcome.startswith(RETRIED)


@dataclass(frozen=True)
class FetchState:
    """What the crawler last saw at one URL (table ``fetches``).

    ``fetched``: when the copy held was fetched (last 200), None if none ever was; ``confirmed``: when that
    copy was last known current (200 or 304); ``checked``: the last answer of any kind. ``removed``: the URL
    answered 404/410 after a copy was held; the copy stays in the archive and the store.
    """

    url: str
    source: str
    status: int
    etag: str | None
    last_modified: str | None
    fetched: datetime | None
    confirmed: datetime | None
    checked: datetime
    record_id: str | None
    removed: bool
    removed_since: datetime | None

    @property
    def held(self) -> bool:
        return self.fetched is not None


@dataclass(frozen=True)
class StoredDocument:
    """A document as the store holds it, with its version number and first fetch time."""

    document: Document
    version: int
    first_fetched: datetime
    duplicate_of: str | None = None  # the original's id when this is a near-duplicate copy


LOCK_WAIT = 600.0  # seconds a command waits for another's write transaction before giving up
BUSY_POLL = 2.0  # seconds between looks at who holds the write lock while waiting
DAMAGED = ("file is not a database", "database disk image is malformed", "file is encrypted")


class StoreUnreadable(CasebookError):
    """The store's file is not a readable SQLite database."""


class StoreBusy(CasebookError):
    """Another process held the store's write lock for longer than this one would wait."""


def damaged(exc: sqlite3.Error) -> bool:
    """Whether a SQLite error says the database file itself is damaged."""
    return isinstance(exc, sqlite3.DatabaseError) and any(d in str(exc) for d in DAMAGED)


def unreadable(path: Path, exc: sqlite3.Error) -> StoreUnreadable:
    return StoreUnreadable(
        f"the store {path} cannot be read ({exc}): restore it from a backup, or move it aside and run"
        " casebook ingest to rebuild the documents from the WARC files"
    )


class Store:
    """A connection to the SQLite store. Use as a context manager, or call :meth:`close`.

    ``timeout``: seconds a statement waits for another process's write lock (the web UI waits less than a
    command); :meth:`write_transaction` waits ``lock_wait`` seconds, saying who it waits for.
    """

    def __init__(self, path: Path, timeout: float = 30, lock_wait: float = LOCK_WAIT) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.timeout = timeout
        self.lock_wait = lock_wait
        self.db = sqlite3.connect(path, timeout=timeout)
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA foreign_keys=ON")
            with self._setup_lock():
                self.db.execute("PRAGMA journal_mode=WAL")
                self._migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            if damaged(exc):
                raise unreadable(path, exc) from None
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _setup_lock(self) -> Iterator[None]:
        """Serialise the setting-up of the store between processes. Switching a new database to WAL needs
        an exclusive lock and SQLite answers "database is locked" at once (without waiting) when another
        connection is switching it too; and two processes opening a new store must not both migrate it
        (the second would fail on "table already exists"). A file lock beside the database serialises
        both; it is held only while setting up, not while the store is used. (A SQLite write lock cannot
        be held across ``executescript``, which commits any open transaction first.)"""
        with open(self.path.with_name(self.path.name + ".migrate-lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _migrate(self) -> None:
        """Apply the migrations not yet run (called under :meth:`_setup_lock`, so the version read here
        is not changed by another process before the migrations run)."""
        current = self.schema_version
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

    @property
    def holder_path(self) -> Path:
        return self.path.with_name(self.path.name + ".writer")

    @contextmanager
    def write_transaction(self) -> Iterator[sqlite3.Connection]:
        """A transaction holding the write lock from its start (``BEGIN IMMEDIATE``): what is read inside
        to decide a write cannot change before it commits. While another process holds the lock, says once
        who that is (``casebook.db.writer``, written by every holder) and waits up to ``lock_wait``
        seconds, then raises :class:`StoreBusy` naming it. Keep these short: no model, no network."""
        if self.db.in_transaction:  # nested: the outer transaction holds the lock already
            yield self.db
            return
        deadline = time.monotonic() + self.lock_wait
        poll = 0.0  # the first try does not wait: whoever waits is told at once, then waits
        while True:
            self.db.execute(f"PRAGMA busy_timeout={int(poll * 1000)}")
            try:
                self.db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                holder = self.lock_holder()
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreBusy(
                        f"the store is being written by {holder} (waited {self.lock_wait:g} s);"
                        " run again when it has finished"
                    ) from None
                if not poll:
                    log.warning("the store is being written by %s: waiting for it to finish", holder)
                poll = max(0.05, min(BUSY_POLL, left))
            finally:
                self.db.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
        note = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv[:3])),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        try:
            self.holder_path.write_text(json.dumps(note), encoding="utf-8")
        except OSError:
            pass  # only a courtesy to whoever waits
        try:
            with self.transaction():
                yield self.db
        finally:
            try:
                if json.loads(self.holder_path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                    self.holder_path.unlink()
            except (OSError, ValueError):
                pass

    def lock_holder(self) -> str:
        """Who holds the write lock, as far as the note its holder left says."""
        try:
            note = json.loads(self.holder_path.read_text(encoding="utf-8"))
            pid = int(note["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return "another process"
        alive = note.get("host") != socket.gethostname() or _pid_alive(pid)
        who = f"pid {pid} ({note.get('command') or '?'}, since {note.get('since') or '?'})"
        return who if alive else "another process"

    # -- the WARC record catalogue -------------------------------------------------------------

    def record_outcome(self, record_id: str) -> str | None:
        row = self.db.execute("SELECT outcome FROM records WHERE record_id=?", (record_id,)).fetchone()
        return None if row is None else row["outcome"]

    def catalogued_digest(self, record_id: str) -> str | None:
        """The payload digest a catalogued record was archived with ("" if none); None if not catalogued."""
        row = self.db.execute("SELECT payload_digest FROM records WHERE record_id=?", (record_id,)).fetchone()
        return None if row is None else row["payload_digest"] or ""

    def warc_files_with(self, outcome: str) -> list[str]:
        """WARC files holding records in this state (e.g. left pending by an interrupted run)."""
        rows = self.db.execute("SELECT DISTINCT warc_file FROM records WHERE outcome=?", (outcome,))
        return sorted(r["warc_file"] for r in rows)

    def warc_files_to_process(self) -> list[str]:
        """WARC files holding records pending, or failed for a reason worth another try (:data:`RETRIED`)."""
        tried = " OR ".join("substr(outcome, 1, ?) = ?" for _ in RETRIED)
        values = [v for prefix in RETRIED for v in (len(prefix), prefix)]
        rows = self.db.execute(
            f"SELECT DISTINCT warc_file FROM records WHERE outcome=? OR {tried}", (PENDING, *values)
        )
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
            f"INSERT OR REPLACE INTO documents ({','.join(values)}) VALUES ({','.join('?' * len(values))})",
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

    def versions(self, doc_id: str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM versions WHERE doc_id=? ORDER BY version", (doc_id,)).fetchall()

    # -- enrichment ----------------------------------------------------------------------------

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
            "INSERT OR REPLACE INTO enrichments (doc_id, version, content_hash) VALUES (?,?,?)",
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
        wanted = sorted(set(ids))
        names: dict[str, str] = {}
        for start in range(0, len(wanted), 500):  # SQLite caps the number of bound parameters
            chunk = wanted[start : start + 500]
            rows = self.db.execute(
                f"SELECT entity_id, name FROM mentions WHERE entity_id IN ({','.join('?' * len(chunk))})"
                " GROUP BY entity_id",
                chunk,
            )
            names.update({r["entity_id"]: r["name"] for r in rows})
        return names

    def quotes(self, doc_id: str) -> list[Quote]:
        rows = self.db.execute("SELECT * FROM quotes WHERE doc_id=? ORDER BY start", (doc_id,)).fetchall()
        return [Quote(r["text"], r["speaker"], r["speaker_id"], r["cue"], r["start"], r["end"]) for r in rows]

    # -- crawl state ---------------------------------------------------------------------------

    def fetch_state(self, url: str) -> FetchState | None:
        row = self.db.execute("SELECT * FROM fetches WHERE url=?", (url,)).fetchone()
        return None if row is None else _fetch_state(row)

    def record_fetch(
        self,
        url: str,
        source: str,
        status: int,
        when: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        record_id: str | None = None,
    ) -> FetchState:
        """Note one answer from ``url``.

        200: a new copy is held (validators replaced); 304: the held copy is confirmed; 404/410 where a copy
        is held: flagged removed (never deleted); anything else: noted only.
        """
        previous = self.fetch_state(url)
        stamp = when.isoformat()
        if previous is None:
            self.db.execute(
                "INSERT INTO fetches (url, source, status, checked) VALUES (?,?,?,?)",
                (url, source, status, stamp),
            )
        if status == 200:
            self.db.execute(
                "UPDATE fetches SET source=?, status=?, etag=?, last_modified=?, fetched=?, confirmed=?,"
                " checked=?, record_id=?, removed=0, removed_since=NULL WHERE url=?",
                (source, status, etag, last_modified, stamp, stamp, stamp, record_id, url),
            )
        elif status == 304:
            self.db.execute(
                "UPDATE fetches SET status=?, etag=COALESCE(?, etag),"
                " last_modified=COALESCE(?, last_modified), confirmed=?, checked=?, removed=0,"
                " removed_since=NULL WHERE url=?",
                (status, etag, last_modified, stamp, stamp, url),
            )
        elif status in (404, 410) and previous is not None and previous.held:
            self.db.execute(
                "UPDATE fetches SET status=?, checked=?, removed=1, removed_since=COALESCE(removed_since, ?)"
                " WHERE url=?",
                (status, stamp, stamp, url),
            )
        else:
            self.db.execute("UPDATE fetches SET status=?, checked=? WHERE url=?", (status, stamp, url))
        state = self.fetch_state(url)
        assert state is not None
        return state

    def held_urls(self, source: str) -> list[str]:
        """URLs of a source whose copy is held and not flagged removed."""
        rows = self.db.execute(
            "SELECT url FROM fetches WHERE source=? AND fetched IS NOT NULL AND removed=0 ORDER BY url",
            (source,),
        )
        return [r["url"] for r in rows]

    def removed_urls(self, source: str | None = None) -> list[str]:
        """URLs flagged removed (their last answer was 404/410 after a copy was held)."""
        if source is None:
            rows = self.db.execute("SELECT url FROM fetches WHERE removed=1 ORDER BY url")
        else:
            rows = self.db.execute(
                "SELECT url FROM fetches WHERE removed=1 AND source=? ORDER BY url", (source,)
            )
        return [r["url"] for r in rows]

    # -- near-duplicate clusters (indexer/duplicates.py) -----------------------------------------

    def set_bands(self, doc_id: str, bands: list[int]) -> None:
        """Replace a document's LSH band hashes (position in the list = band number)."""
        self.db.execute("DELETE FROM near_dup_bands WHERE doc_id=?", (doc_id,))
        self.db.executemany(
            "INSERT OR IGNORE INTO near_dup_bands VALUES (?,?,?)",
            [(band, value, doc_id) for band, value in enumerate(bands)],
        )

    def band_candidates(self, bands: list[int]) -> list[str]:
        """Documents sharing at least one band hash with these (one index look-up per band)."""
        found: set[str] = set()
        for band, value in enumerate(bands):
            rows = self.db.execute("SELECT doc_id FROM near_dup_bands WHERE band=? AND hash=?", (band, value))
            found.update(r["doc_id"] for r in rows)
        return sorted(found)

    def set_cluster(self, original_id: str, duplicates: dict[str, float]) -> None:
        """Record a cluster: the original and its copies ({copy id: similarity}), replacing their old rows."""
        members = [original_id, *duplicates]
        self.db.executemany("DELETE FROM clusters WHERE doc_id=?", [(m,) for m in members])
        self.db.execute("INSERT INTO clusters VALUES (?,?,NULL,NULL)", (original_id, original_id))
        self.db.executemany(
            "INSERT INTO clusters VALUES (?,?,?,?)",
            [(doc_id, original_id, original_id, sim) for doc_id, sim in duplicates.items()],
        )

    def remove_from_cluster(self, doc_id: str) -> None:
        self.db.execute("DELETE FROM clusters WHERE doc_id=?", (doc_id,))

    def duplicate_of(self, doc_id: str) -> str | None:
        """The id of the original this document is a copy of; None for an original or an unclustered one."""
        row = self.db.execute("SELECT duplicate_of FROM clusters WHERE doc_id=?", (doc_id,)).fetchone()
        return None if row is None else row["duplicate_of"]

    def cluster_similarity(self, doc_id: str) -> float | None:
        """A copy's containment in its original (1.0: wholly inside it); None if not a copy."""
        row = self.db.execute("SELECT similarity FROM clusters WHERE doc_id=?", (doc_id,)).fetchone()
        return None if row is None else row["similarity"]

    def cluster_members(self, doc_id: str) -> list[str]:
        """Every document of this document's cluster, the original first, then copies by similarity;
        ``[doc_id]`` when it is in no cluster."""
        row = self.db.execute("SELECT cluster_id FROM clusters WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return [doc_id]
        rows = self.db.execute(
            "SELECT doc_id FROM clusters WHERE cluster_id=?"
            " ORDER BY duplicate_of IS NOT NULL, similarity DESC, doc_id",
            (row["cluster_id"],),
        )
        return [r["doc_id"] for r in rows]

    def cluster_count(self) -> int:
        return self.db.execute("SELECT COUNT(DISTINCT cluster_id) FROM clusters").fetchone()[0]

    # -- canonical claims (indexer/duplicates.py) -------------------------------------------------

    def set_canonical_claim(self, doc_id: str, claimed_url: str | None) -> None:
        """Note the page on another site a document's rel=canonical named (None: it named none)."""
        if claimed_url is None:
            self.db.execute("DELETE FROM canonical_claims WHERE doc_id=?", (doc_id,))
        else:
            self.db.execute("INSERT OR REPLACE INTO canonical_claims VALUES (?,?)", (doc_id, claimed_url))

    def canonical_claim(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT claimed_url FROM canonical_claims WHERE doc_id=?", (doc_id,)).fetchone()
        return None if row is None else row["claimed_url"]

    # -- the index journal ----------------------------------------------------------------------

    def note_indexed(self, doc_ids: Iterable[str], rebuilding: bool) -> None:
        """Journal the documents whose index entries were just written, in the same transaction, while an
        index rebuild runs (it adds them before it swaps its index in); with none running, the journal is
        emptied instead (nobody needs it)."""
        if rebuilding:
            self.db.executemany("INSERT INTO index_journal (doc_id) VALUES (?)", [(d,) for d in doc_ids])
        else:
            self.db.execute("DELETE FROM index_journal")

    def journal_mark(self) -> int:
        """The journal's last entry: a rebuild that reads the store after this sees everything before it."""
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM index_journal").fetchone()[0]

    def journal_since(self, mark: int) -> tuple[list[str], int]:
        """Documents journalled after ``mark`` (each once), and the new mark."""
        rows = self.db.execute("SELECT seq, doc_id FROM index_journal WHERE seq > ? ORDER BY seq", (mark,))
        ids: dict[str, None] = {}
        for row in rows:
            ids[row["doc_id"]] = None
            mark = row["seq"]
        return list(ids), mark

    def prune_journal(self, mark: int) -> None:
        self.db.execute("DELETE FROM index_journal WHERE seq <= ?", (mark,))

    # -- web logins (webui/auth.py) --------------------------------------------------------------

    def start_login(self, token: str, user: str, now: datetime, expired_before: datetime) -> None:
        """Record a login (and forget the logins that have expired)."""
        with self.transaction():
            self.db.execute("DELETE FROM login_sessions WHERE started < ?", (expired_before.isoformat(),))
            self.db.execute("INSERT INTO login_sessions VALUES (?,?,?)", (token, user, now.isoformat()))

    def login_valid(self, token: str, user: str, started_after: datetime) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM login_sessions WHERE token=? AND user=? AND started >= ?",
            (token, user, started_after.isoformat()),
        ).fetchone()
        return row is not None

    def end_login(self, token: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM login_sessions WHERE token=?", (token,))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _version_of(doc: Document) -> dict[str, Any]:
    return {
        "content_hash": doc.content_hash,
        "fetched": doc.fetched.isoformat(),
        "title": doc.title,
        "text": doc.text,
        "warc_file": doc.warc_file,
        "warc_offset": doc.warc_offset,
    }


def _fetch_state(row: sqlite3.Row) -> FetchState:
    def when(value: str | None) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)

    return FetchState(
        url=row["url"],
        source=row["source"],
        status=row["status"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        fetched=when(row["fetched"]),
        confirmed=when(row["confirmed"]),
        checked=datetime.fromisoformat(row["checked"]),
        record_id=row["record_id"],
        removed=bool(row["removed"]),
        removed_since=when(row["removed_since"]),
    )


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
    }


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
        extraction=row["extraction"],
        published_confidence=row["published_confidence"],
    )
    first_fetched = datetime.fromisoformat(row["first_fetched"])
    return StoredDocument(doc, row["version"], first_fetched, row["duplicate_of"])
