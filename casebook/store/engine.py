"""What differs between the store's backends, and what can go wrong in either: the :class:`Engine` each
backend implements (:mod:`.sqlite`, :mod:`.postgres`), and the errors of the database as the rest of the
project meets them (one class or test for each, whichever driver raised it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from casebook.errors import CasebookError

LOCK_WAIT = 600.0  # seconds a command waits for another's write transaction before giving up
BUSY_POLL = 2.0  # seconds between looks at who holds the write lock while waiting
DAMAGED = ("file is not a database", "database disk image is malformed", "file is encrypted")

# What a statement can raise beyond the store's own errors (a damaged file, a full disk, a lock held too
# long, a server gone): callers that turn these into one line for the user catch these, never a driver's
# own classes. (A tuple: ``except (OSError, StoreError)`` and ``isinstance`` take it as it is.)
StoreError = (sqlite3.Error, psycopg.Error)


class StoreUnreadable(CasebookError):
    """The store's file is not a readable SQLite database."""


class StoreBusy(CasebookError):
    """Another process held the store's write lock for longer than this one would wait."""


class StoreUnreachable(CasebookError):
    """The PostgreSQL server named by ``database_url`` cannot be reached or refuses this login."""


def damaged(exc: BaseException) -> bool:
    """Whether a database error says the database itself is damaged."""
    if isinstance(exc, (pg_errors.DataCorrupted, pg_errors.IndexCorrupted)):
        return True
    return isinstance(exc, sqlite3.DatabaseError) and any(d in str(exc) for d in DAMAGED)


def busy(exc: BaseException) -> bool:
    """Whether a database error says another process holds the lock this one waited for."""
    if isinstance(exc, (pg_errors.LockNotAvailable, pg_errors.DeadlockDetected)):
        return True
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def disk_full(exc: BaseException) -> bool:
    """Whether a database error says the database could not grow."""
    if isinstance(exc, pg_errors.DiskFull):
        return True
    return isinstance(exc, sqlite3.DatabaseError) and "disk is full" in str(exc)


def gone(exc: BaseException) -> bool:
    """Whether a database error says the connection to the database server was lost (or never made)."""
    if isinstance(exc, pg_errors.ConnectionException):
        return True
    return isinstance(exc, psycopg.OperationalError) and getattr(exc, "sqlstate", None) is None


def duplicate(exc: BaseException) -> bool:
    """Whether a database error says a row broke a uniqueness constraint."""
    return isinstance(exc, (sqlite3.IntegrityError, pg_errors.UniqueViolation))


def unreadable(where: Path | str, exc: BaseException) -> StoreUnreadable:
    return StoreUnreadable(
        f"the store {where} cannot be read ({exc}): restore it from a backup, or move it aside and run"
        " casebook ingest to rebuild the documents from the WARC files"
    )


class Engine:
    """What differs between the backends; each method is one backend's way of doing the same thing."""

    db: Any  # a DB-API connection with sqlite3's face: execute, executemany, executescript, commit, ...
    location: str

    def close(self) -> None:
        raise NotImplementedError

    def schema_version(self) -> int:
        raise NotImplementedError

    def has_column(self, table: str, column: str) -> bool:
        raise NotImplementedError

    def begin(self, wait: float) -> None:
        """Start a plain transaction (its writes wait up to ``wait`` seconds for another writer)."""
        raise NotImplementedError

    def begin_write(self, wait: float) -> None:
        """Start a transaction holding the write lock, waiting up to ``wait`` seconds for it (0: not at
        all); raise the driver's error for which :func:`busy` is true when another process holds it."""
        raise NotImplementedError

    def announce_writer(self) -> None:
        """Note who holds the write lock, where waiters can read it (when the database cannot say)."""

    def withdraw_writer(self) -> None:
        """Take back the note of :meth:`announce_writer`."""

    def lock_holder(self) -> str:
        raise NotImplementedError
