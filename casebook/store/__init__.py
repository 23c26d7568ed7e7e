"""The store: the system of record between extraction and the index, in SQLite (the default, one file in
the data folder) or on a PostgreSQL server (setting ``database_url``). Every SQL statement of the project
lives in this package, and nowhere else; every caller opens the store through :func:`open_store`.

One module per table group, each a part of :class:`Store`: documents and their versions (:mod:`.documents`),
the WARC record catalogue (:mod:`.records`), annotations (:mod:`.annotations`: mentions, quotes, enrichment
stamps), near-duplicates (:mod:`.clusters`), the crawler's fetches (:mod:`.fetches`), named timelines
(:mod:`.timelines`), web logins (:mod:`.logins`), the index journal (:mod:`.journal`), why queued jobs failed
(:mod:`.jobs`) and saved searches and batches (:mod:`.watch`). The connection, its transactions and the write
lock are :mod:`.database`, with an engine per backend (:mod:`.sqlite`, :mod:`.postgres`); the schema is
:mod:`.migrations`. Each statement is written once, in SQL both backends read. Methods take and return the
project's dataclasses or plain dicts, never a driver's rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from casebook.store.annotations import Annotations
from casebook.store.clusters import Clusters
from casebook.store.documents import Documents, Original, SaveOutcome, StoredDocument
from casebook.store.engine import (
    LOCK_WAIT,
    StoreBusy,
    StoreError,
    StoreUnreachable,
    StoreUnreadable,
    busy,
    damaged,
    disk_full,
    gone,
    unreadable,
)
from casebook.store.fetches import Fetches, FetchState
from casebook.store.jobs import JobFailure, JobFailures
from casebook.store.journal import Journal
from casebook.store.logins import Logins
from casebook.store.migrations import MIGRATIONS, POSTGRES_MIGRATIONS
from casebook.store.records import PENDING, RETRIED, CatalogueEntry, Records, to_retry
from casebook.store.timelines import GONE, NameTaken, Timeline, TimelineItem, Timelines
from casebook.store.watch import SavedBatch, SavedMatch, SavedSearch, Watch

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

    from casebook.settings import Settings


class Store(
    Documents, Records, Annotations, Clusters, Fetches, Timelines, Logins, Journal, JobFailures, Watch
):
    """The store: ``Store(path_or_url)`` opens it read-write (applying any migration),
    ``Store(path_or_url, read_only=True)`` only reads it. Use as a context manager, or call :meth:`close`.
    Callers open it with :func:`open_store`, which reads where it is from the settings."""

    def __enter__(self) -> Store:
        return self


def open_store(
    settings: Settings, read_only: bool = False, timeout: float = 30, pool: ConnectionPool | None = None
) -> Store:
    """The store the settings name: on the PostgreSQL server of ``database_url`` when it is set (from
    ``pool`` when given: the web app's), else SQLite in the data folder. Writers wait ``lock_wait``
    seconds for another's write (:meth:`Store.write_transaction`), statements ``timeout`` seconds."""
    if settings.database_url or pool is not None:
        return Store(
            settings.database_url,
            timeout=timeout,
            lock_wait=settings.lock_wait,
            read_only=read_only,
            pool=pool,
        )
    return Store(settings.db_path, timeout=timeout, lock_wait=settings.lock_wait, read_only=read_only)


def store_exists(settings: Settings) -> bool:
    """Whether there is a store to read: SQLite's file in the data folder; a server is asked when opened."""
    return bool(settings.database_url) or settings.db_path.is_file()


def store_location(settings: Settings) -> str:
    """Where the store is, for messages: its file, or its server's address without a password."""
    if settings.database_url:
        from casebook.store.postgres import redact

        return redact(settings.database_url)
    return str(settings.db_path)


def store_pool(settings: Settings, max_size: int = 8) -> ConnectionPool | None:
    """A pool of connections for a long-lived process serving many requests (the web app) when the store
    is on a server; None for SQLite, whose connections are opened per request."""
    if not settings.database_url:
        return None
    from casebook.store.postgres import open_pool

    return open_pool(settings.database_url, max_size)


__all__ = [
    "GONE",
    "LOCK_WAIT",
    "MIGRATIONS",
    "POSTGRES_MIGRATIONS",
    "PENDING",
    "RETRIED",
    "CatalogueEntry",
    "FetchState",
    "JobFailure",
    "NameTaken",
    "Original",
    "SaveOutcome",
    "SavedBatch",
    "SavedMatch",
    "SavedSearch",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreUnreachable",
    "StoreUnreadable",
    "StoredDocument",
    "Timeline",
    "TimelineItem",
    "busy",
    "damaged",
    "disk_full",
    "gone",
    "open_store",
    "store_exists",
    "store_location",
    "store_pool",
    "to_retry",
    "unreadable",
]
