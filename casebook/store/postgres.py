"""The PostgreSQL engine: the store on a server several machines share (setting ``database_url``).

The table-group modules write each statement once, in SQL both backends read (``?`` placeholders,
``ON CONFLICT``, ``RETURNING``); :class:`Connection` gives psycopg the face of a sqlite3 connection, turning
``?`` into psycopg's ``%s`` and rows into :class:`Row` (by position and by name, like ``sqlite3.Row``).

Locking across processes and machines: every write transaction takes one transaction-scoped advisory lock
(``pg_advisory_xact_lock``) before its first statement, as SQLite's ``BEGIN IMMEDIATE`` takes its one
writer's lock, so what a writer reads to decide a write (is this record catalogued? which version is
this?) cannot change before it commits, on any machine; the lock goes with the transaction, so a killed
process never leaves it held. Migrations run under another advisory lock, all in one transaction. Who holds
the write lock is read from ``pg_locks`` and ``pg_stat_activity``: each connection names its process in
``application_name``.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

from casebook.store.engine import Engine, StoreUnreachable
from casebook.store.migrations import POSTGRES_MIGRATIONS
from casebook.store.sqlite import command_line

LOCKS = 0x63617365  # "case": the first key of Casebook's advisory locks
WRITE_LOCK = 1  # the second: the store's one write lock
MIGRATE_LOCK = 2  # the second: setting up the schema
CONNECT_TIMEOUT = 10  # seconds to reach the server before saying it cannot be reached


def redact(url: str) -> str:
    """The address without its password, to be shown in messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def application_name() -> str:
    """Who this connection is, as ``pg_stat_activity`` shows it (and :meth:`PostgresEngine.lock_holder`
    reads it): ``casebook <pid>@<host> <command>``, within PostgreSQL's 63 bytes."""
    name = f"casebook {os.getpid()}@{socket.gethostname()} {command_line()}"
    return name.encode()[:63].decode(errors="ignore")


def connect(url: str) -> psycopg.Connection[Any]:
    """A connection to the server, in autocommit mode (the store begins its own transactions); one line
    saying what to do when the server cannot be reached."""
    try:
        return psycopg.connect(
            url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name=application_name()
        )
    except psycopg.OperationalError as exc:
        raise unreachable(url, exc) from None


def unreachable(url: str, exc: BaseException) -> StoreUnreachable:
    reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    return StoreUnreachable(
        f"cannot reach the store's database at {redact(url)} ({reason}): check the setting database_url"
        " (CASEBOOK_DATABASE_URL) and that the PostgreSQL server is running"
    )


def open_pool(url: str, max_size: int = 8) -> ConnectionPool:
    """A pool of connections to the server, for the web app: each request borrows one (a store) and gives
    it back; a connection the server dropped is replaced when next handed out."""
    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        kwargs={"autocommit": True, "application_name": application_name()},
        check=ConnectionPool.check_connection,
        open=False,
        name="casebook",
    )
    try:
        pool.open(wait=True, timeout=CONNECT_TIMEOUT)
    except psycopg.errors.Error as exc:  # pragma: no cover - the pool says PoolTimeout below
        pool.close()
        raise unreachable(url, exc) from None
    except Exception as exc:  # psycopg_pool.PoolTimeout: the server never answered
        pool.close()
        raise unreachable(url, exc) from None
    return pool


class Row:
    """One row, by position (``row[0]``) and by column name (``row["id"]``); ``dict(row)`` gives its
    columns, as ``sqlite3.Row`` does."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        return self._values[key if isinstance(key, int) else self._index[key]]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _rows(cursor: psycopg.Cursor[Any]) -> Any:
    index = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


@lru_cache(maxsize=1024)
def _dialect(sql: str) -> str:
    """A statement with ``?`` placeholders as psycopg reads it (``%s``; a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class Connection:
    """A psycopg connection with the face of a sqlite3 one, as far as the table groups use it."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        cursor = self.conn.cursor(row_factory=_rows)
        if params:
            cursor.execute(_dialect(sql), tuple(params))
        else:
            cursor.execute(sql)
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> psycopg.Cursor[Any]:
        cursor = self.conn.cursor(row_factory=_rows)
        batch = [tuple(row) for row in rows]
        if batch:
            cursor.executemany(_dialect(sql), batch)
        return cursor

    def executescript(self, script: str) -> None:
        self.conn.execute(script)

    @property
    def in_transaction(self) -> bool:
        return self.conn.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR)

    def commit(self) -> None:
        if self.in_transaction:
            self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except psycopg.OperationalError:
                pass  # the connection is gone, and the transaction with it: the error that ended it says why

    def close(self) -> None:
        self.conn.close()


class PostgresEngine(Engine):
    def __init__(self, url: str | None, pool: ConnectionPool | None, timeout: float, read_only: bool) -> None:
        self.pool = pool
        self.read_only = read_only
        self.timeout = timeout
        if pool is not None:
            self.location = redact(pool.conninfo)
            conn = pool.getconn(timeout=max(timeout, 1.0))
        else:
            assert url is not None
            self.location = redact(url)
            conn = connect(url)
        self.db = Connection(conn)
        try:
            # Session settings, set again whenever a pooled connection is borrowed: a reader cannot write,
            # and a statement waiting for another's lock gives up after ``timeout`` (as SQLite's does).
            self.db.execute(
                f"SET default_transaction_read_only = {'on' if read_only else 'off'};"
                f" SET lock_timeout = {_ms(timeout)}"
            )
            if not read_only and pool is None:  # whoever made a pool opened the store (migrated it) first
                self._migrate()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.pool is None:
            self.db.close()
            return
        self.db.rollback()
        self.pool.putconn(self.db.conn)

    def _migrate(self) -> None:
        """Apply the migrations not yet run, in one transaction, under an advisory lock: processes and
        machines opening a new store at once migrate it once (the others wait, then find it done)."""
        self.db.execute("BEGIN")
        try:
            self.db.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCKS, MIGRATE_LOCK))
            current = self.schema_version()
            if current < len(POSTGRES_MIGRATIONS):
                self.db.execute("CREATE TABLE IF NOT EXISTS casebook_schema (version INTEGER NOT NULL)")
                for script in POSTGRES_MIGRATIONS[current:]:
                    self.db.executescript(script)
                self.db.execute("DELETE FROM casebook_schema")
                self.db.execute("INSERT INTO casebook_schema VALUES (?)", (len(POSTGRES_MIGRATIONS),))
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise

    def schema_version(self) -> int:
        if self.db.execute("SELECT to_regclass('casebook_schema')").fetchone()[0] is None:
            return 0
        row = self.db.execute("SELECT version FROM casebook_schema").fetchone()
        return 0 if row is None else row[0]

    def has_column(self, table: str, column: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?",
            (table, column),
        ).fetchone()
        return row is not None

    def begin(self, wait: float) -> None:
        """A transaction of a reader is only that; a writer's takes the write lock, waiting ``wait``."""
        if self.read_only:
            self.db.execute("BEGIN")
        else:
            self.begin_write(wait)

    def begin_write(self, wait: float) -> None:
        self.db.execute("BEGIN")
        try:
            if wait <= 0:
                got = self.db.execute(
                    "SELECT pg_try_advisory_xact_lock(?, ?)", (LOCKS, WRITE_LOCK)
                ).fetchone()
                if not got[0]:
                    raise pg_errors.LockNotAvailable("another process holds the store's write lock")
            else:
                self.db.execute(f"SET LOCAL lock_timeout = {_ms(wait)}")
                self.db.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCKS, WRITE_LOCK))
                self.db.execute(f"SET LOCAL lock_timeout = {_ms(self.timeout)}")
        except BaseException:
            self.db.rollback()
            raise

    def lock_holder(self) -> str:
        """Who holds the write lock: the process its connection names (``application_name``), and since
        when its transaction runs."""
        row = self.db.execute(
            "SELECT a.application_name, a.xact_start FROM pg_locks l"
            " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
            " AND l.classid = ? AND l.objid = ? AND l.objsubid = 2",
            (LOCKS, WRITE_LOCK),
        ).fetchone()
        if row is None:
            return "another process"
        name, since = row[0] or "", row[1]
        when = since.strftime("%Y-%m-%dT%H:%M:%S%z") if since is not None else "?"
        parts = name.split(" ", 2)
        if len(parts) >= 2 and parts[0] == "casebook" and "@" in parts[1]:
            pid, host = parts[1].split("@", 1)
            command = parts[2] if len(parts) > 2 else "?"
            return f"pid {pid} ({command} on {host}, since {when})"
        return f"another connection ({name or 'unnamed'}, since {when})"


def _ms(seconds: float) -> int:
    """Milliseconds for ``lock_timeout``, never 0 (which PostgreSQL reads as: wait for ever)."""
    return max(1, int(seconds * 1000))
