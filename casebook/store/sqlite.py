"""The SQLite engine: the store in one file of the data folder (the default). The one module that handles a
SQLite connection as such: PRAGMAs, ``BEGIN IMMEDIATE``, the setup lock, the note naming the writer."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from casebook.processes import pid_alive
from casebook.store.engine import Engine, damaged, unreadable
from casebook.store.migrations import MIGRATIONS


class SqliteEngine(Engine):
    def __init__(self, path: Path, timeout: float, read_only: bool) -> None:
        self.path = path
        self.location = str(path)
        self.timeout = timeout
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
        current = self.schema_version()
        for number, script in enumerate(MIGRATIONS[current:], current + 1):
            try:
                self.db.executescript("BEGIN;" + script + f"; PRAGMA user_version={number};")
                self.db.commit()
            except BaseException:
                self.db.rollback()
                raise

    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def has_column(self, table: str, column: str) -> bool:
        return any(row["name"] == column for row in self.db.execute(f"PRAGMA table_info({table})"))

    def begin(self, wait: float) -> None:
        """Nothing to do: the driver begins at the first write, which waits ``timeout`` for the writer."""

    def begin_write(self, wait: float) -> None:
        self.db.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
        try:
            self.db.execute("BEGIN IMMEDIATE")
        finally:
            self.db.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")

    @property
    def holder_path(self) -> Path:
        return self.path.with_name(self.path.name + ".writer")

    def announce_writer(self) -> None:
        """A note beside the database (``casebook.db.writer``), which SQLite cannot tell: who writes."""
        note = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": command_line(),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        try:
            self.holder_path.write_text(json.dumps(note), encoding="utf-8")
        except OSError:
            pass  # only a courtesy to whoever waits

    def withdraw_writer(self) -> None:
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


def command_line() -> str:
    """The command this process runs, short (``casebook ingest --no-progress``): to name a writer."""
    return " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv[:3]))
