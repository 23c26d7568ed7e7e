"""The store's connection to its database: opening it (read-write, migrated; or read-only, for the web's
pages and ``casebook check``), transactions, the write lock and who holds it. The statements themselves
live in the table-group modules beside this one, written once for both backends; what differs between
SQLite and PostgreSQL (connecting, migrating, taking the write lock, naming its holder) is an engine:
:mod:`.sqlite` or :mod:`.postgres` (both :class:`.engine.Engine`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casebook.store.engine import (
    BUSY_POLL,
    LOCK_WAIT,
    Engine,
    StoreBusy,
    StoreError,
    busy,
)
from casebook.store.postgres import PostgresEngine
from casebook.store.sqlite import SqliteEngine

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)


class Database:
    """A connection to the store. Use as a context manager, or call :meth:`close`.

    ``location``: the SQLite file (a path), or a PostgreSQL server's ``postgresql://`` address; ``pool``:
    a PostgreSQL connection pool to borrow the connection from (the web app's), given back at :meth:`close`.
    ``timeout``: seconds a statement (or a plain :meth:`transaction`) waits for another process's write
    lock (the web UI waits less than a command); :meth:`write_transaction` waits ``lock_wait`` seconds,
    saying who it waits for. ``read_only``: the database as it is, for reading only: no migration looked
    for, nothing created (the web UI's pages and ``casebook check``; whoever writes opens it read-write).
    """

    def __init__(
        self,
        location: Path | str | None = None,
        timeout: float = 30,
        lock_wait: float = LOCK_WAIT,
        read_only: bool = False,
        pool: ConnectionPool | None = None,
    ) -> None:
        self.timeout = timeout
        self.lock_wait = lock_wait
        self.read_only = read_only
        if pool is not None or (
            isinstance(location, str) and location.startswith(("postgresql:", "postgres:"))
        ):
            self.engine: Engine = PostgresEngine(location, pool, timeout, read_only)
        elif location is None:
            raise ValueError("a store needs a file, a PostgreSQL address or a pool")
        else:
            self.engine = SqliteEngine(Path(location), timeout, read_only)
        self.db = self.engine.db

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.close()

    @property
    def location(self) -> str:
        """Where the store is, for messages: its file, or its server's address without a password."""
        return self.engine.location

    @property
    def schema_version(self) -> int:
        return self.engine.schema_version()

    def _has_column(self, table: str, column: str) -> bool:
        """Whether a table has a column: a read-only store may predate the migration that added it."""
        return self.engine.has_column(table, column)

    def _rows_for(self, select: str, ids: Iterable[str]) -> Iterator[Any]:
        """The rows of ``select`` for these ids (``{}`` stands where their placeholders go), one query per
        500 of them: SQLite caps the number of bound parameters."""
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            yield from self.db.execute(select.format(",".join("?" * len(chunk))), chunk)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: a crash inside leaves the store as it was before. Writes inside wait up to
        ``timeout`` seconds for another process's write (SQLite: its one writer; PostgreSQL: the store's
        write lock, taken at the start)."""
        if not self.db.in_transaction:
            self.engine.begin(self.timeout)
        try:
            yield
            self.db.commit()
        except BaseException:
            self.db.rollback()
            raise

    @contextmanager
    def write_transaction(self) -> Iterator[None]:
        """A transaction holding the write lock from its start (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL:
        an advisory lock every machine's writers take): what is read inside to decide a write cannot change
        before it commits. While another process holds the lock, says once who that is and waits up to
        ``lock_wait`` seconds, then raises :class:`StoreBusy` naming it. Keep these short: no model, no
        network."""
        if self.db.in_transaction:  # nested: the outer transaction holds the lock already
            yield
            return
        deadline = time.monotonic() + self.lock_wait
        poll = 0.0  # the first try does not wait: whoever waits is told at once, then waits
        while True:
            try:
                self.engine.begin_write(poll)
                break
            except StoreError as exc:
                if not busy(exc):
                    raise
                holder = self.engine.lock_holder()
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreBusy(
                        f"the store is being written by {holder} (waited {self.lock_wait:g} s);"
                        " run again when it has finished"
                    ) from None
                if not poll:
                    log.warning("the store is being written by %s: waiting for it to finish", holder)
                poll = max(0.05, min(BUSY_POLL, left))
        self.engine.announce_writer()
        try:
            with self.transaction():
                yield
        finally:
            self.engine.withdraw_writer()

    def lock_holder(self) -> str:
        """Who holds the write lock, as far as the database can tell."""
        return self.engine.lock_holder()
