"""The store: SQLite, the system of record between extraction and the index. Every SQL statement of the
project lives in this package, and nowhere else.

One module per table group, each a part of :class:`Store`: documents and their versions
(:mod:`.documents`), the WARC record catalogue (:mod:`.records`), annotations (:mod:`.annotations`:
mentions, quotes, enrichment stamps), near-duplicates (:mod:`.clusters`), the crawler's fetches
(:mod:`.fetches`), named timelines (:mod:`.timelines`), web logins (:mod:`.logins`), the index journal
(:mod:`.journal`) and saved searches and batches (:mod:`.watch`). The connection, its transactions and
the write lock are :mod:`.database`; the schema is :mod:`.migrations`. Methods take and return the
project's dataclasses or plain dicts, never a driver's rows, so another backend can stand behind the
same methods.
"""

from __future__ import annotations

from casebook.store.annotations import Annotations
from casebook.store.clusters import Clusters
from casebook.store.database import (
    LOCK_WAIT,
    StoreBusy,
    StoreError,
    StoreUnreadable,
    busy,
    damaged,
    disk_full,
    unreadable,
)
from casebook.store.documents import Documents, Original, SaveOutcome, StoredDocument
from casebook.store.fetches import Fetches, FetchState
from casebook.store.journal import Journal
from casebook.store.logins import Logins
from casebook.store.migrations import MIGRATIONS
from casebook.store.records import PENDING, RETRIED, CatalogueEntry, Records, to_retry
from casebook.store.timelines import GONE, NameTaken, Timeline, TimelineItem, Timelines
from casebook.store.watch import SavedBatch, SavedMatch, SavedSearch, Watch


class Store(Documents, Records, Annotations, Clusters, Fetches, Timelines, Logins, Journal, Watch):
    """The store of one data folder: ``Store(path)`` opens it read-write (applying any migration),
    ``Store(path, read_only=True)`` only reads it. Use as a context manager, or call :meth:`close`."""

    def __enter__(self) -> Store:
        return self


__all__ = [
    "GONE",
    "LOCK_WAIT",
    "MIGRATIONS",
    "PENDING",
    "RETRIED",
    "CatalogueEntry",
    "FetchState",
    "NameTaken",
    "Original",
    "SaveOutcome",
    "SavedBatch",
    "SavedMatch",
    "SavedSearch",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreUnreadable",
    "StoredDocument",
    "Timeline",
    "TimelineItem",
    "busy",
    "damaged",
    "disk_full",
    "to_retry",
    "unreadable",
]
