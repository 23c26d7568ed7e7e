"""The store's connection to its database: opening it (read-write, migrated; or read-only, for the web's
pages and ``casebook check``), transactions, the write lock and who holds it, and what an error of the
database means. The statements themselves live in the table-group modules beside this one.

This is the one module that handles a SQLite connection as such (PRAGMAs, ``BEGIN IMMEDIATE``, the
migration lock). A second backend (PostgreSQL) stands behind the same interface by replacing this class
and giving its table groups the same methods.
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
from pathlib import Path

from casebook.errors import CasebookError
from casebook.processes import pid_alive
from casebook.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)

LOCK_WAIT = 600.0  # seconds a command waits for another's write transaction before giving up
BUSY_POLL = 2.0  # seconds between looks at who holds the write lock while waiting
DAMAGED = ("file is not a database", "database disk image is malformed", "file is encrypted")

# What a statement can raise beyond the store's own errors (a damaged file, a full disk, a lock held too
# long): callers that turn these into one line for the user catch this, never the driver's own classes.
StoreError = sqlite3.Error


class StoreUnreadable(CasebookError):
    """The store's file is not a readable SQLite database."""


class StoreBusy(CasebookError):
    """Another process held the store's write lock for longer than this one would wait."""


def damaged(exc: BaseException) -> bool:
    """Whether a database error says the database file itself is damaged."""
    return isinstance(exc, sqlite3.DatabaseError) and any(d in str(exc) for d in DAMAGED)


def busy(exc: BaseException) -> bool:
    """Whether a database error says another process holds the lock this one waited for."""
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def disk_full(exc: BaseException) -> bool:
    """Whether a database error says the database could not grow."""
    return isinstance(exc, sqlite3.DatabaseError) and "disk is full" in str(exc)


def unreadable(path: Path, exc: BaseException) -> StoreUnreadable:
    return StoreUnreadable(
        f"the store {path} cannot be read ({exc}): restore it from a backup, or move it aside and run"
        " casebook ingest to rebuild the documents from the WARC files"
    )


class Database:
    """A connection to the SQLite store. Use as a context manager, or call :meth:`close`.

    ``timeout``: seconds a statement waits for another process's write lock (the web UI waits less than a
    command); :meth:`write_transaction` waits ``lock_wait`` seconds, saying who it waits for.
    ``read_only``: open the file as it is, for reading only: no journal mode set, no migration looked
    for, nothing created (the web UI's pages and ``casebook check``; whoever writes opens it read-write).
    """

    def __init__(
        self, path: Path, timeout: float = 30, lock_wait: float = LOCK_WAIT, read_only: bool = False
    ) -> None:
        self.path = path
        self.timeout = timeout
        self.lock_wait = lock_wait
        self.read_only = read_only
        if read_only:
            self.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=timeout)
        self.db.row_factory = sqlite3.Row
        if read_only:
            return
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

    def __enter__(self) -> Database:
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

    def _has_column(self, table: str, column: str) -> bool:
        """Whether a table has a column: a read-only store may predate the migration that added it."""
        return any(row["name"] == column for row in self.db.execute(f"PRAGMA table_info({table})"))

    def _rows_for(self, select: str, ids: Iterable[str]) -> Iterator[sqlite3.Row]:
        """The rows of ``select`` for these ids (``{}`` stands where their placeholders go), one query per
        500 of them: SQLite caps the number of bound parameters."""
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            yield from self.db.execute(select.format(",".join("?" * len(chunk))), chunk)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: a crash inside leaves the store as it was before."""
        try:
            yield
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise

    @property
    def holder_path(self) -> Path:
        return self.path.with_name(self.path.name + ".writer")

    @contextmanager
    def write_transaction(self) -> Iterator[None]:
        """A transaction holding the write lock from its start (``BEGIN IMMEDIATE``): what is read inside
        to decide a write cannot change before it commits. While another process holds the lock, says once
        who that is (``casebook.db.writer``, written by every holder) and waits up to ``lock_wait``
        seconds, then raises :class:`StoreBusy` naming it. Keep these short: no model, no network."""
        if self.db.in_transaction:  # nested: the outer transaction holds the lock already
            yield
            return
        deadline = time.monotonic() + self.lock_wait
        poll = 0.0  # the first try does not wait: whoever waits is told at once, then waits
        while True:
            self.db.execute(f"PRAGMA busy_timeout={int(poll * 1000)}")
            try:
                self.db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not busy(exc):
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
                yield
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
        alive = note.get("host") != socket.gethostname() or pid_alive(pid)
        who = f"pid {pid} ({note.get('command') or '?'}, since {note.get('since') or '?'})"
        return who if alive else "another process"
