"""The PostgreSQL backend: the search index as full-text tables in the database at ``database_url``, shared
by every machine that reads or writes the archive; derived from the store, rebuildable at any time.

The live index is the schema ``casebook_index``: ``documents`` and ``quotes`` (one row per entry: stored
values and facet columns), ``documents_lexemes`` and ``quotes_lexemes`` (the same entries by ``seq``: what
they are matched on, a weighted ``tsvector`` of field-tagged lexemes with a GIN index, and the dates; laid out
by :mod:`indexer.search.postgres_entries`), ``vocabulary`` (every word and keyword value of each field, with a
``pg_trgm`` index, for wildcards and fuzzy words), ``entities`` (the names documents use for each entity, for
``scheme:ESA``) and ``meta`` (schema version; a stamp changed by every write; the build's id). Queries
(:mod:`indexer.search.tree`) become SQL (:mod:`indexer.search.postgres_query`); one statement finds the row
numbers of the matches through the GIN index; the facets are counted and the matches ordered on columns each
process holds (:mod:`indexer.search.postgres_columns`: visiting every match once per facet in SQL cost ten
times as much); the page's stored values are read as the hits are consumed. A search asked again before
the next write takes its matches from the process, and after a write that only added rows asks for the
added rows alone (:mod:`indexer.search.postgres_matches`).

Relevance is ``ts_rank`` over the weighted lexemes (PostgreSQL's default weights: a title word counts 2.5
times a body word, a body word twice a word of the comments or quotes). Reading a row's whole tsvector
costs tens of microseconds, so when more than ``RANK_POOL`` documents match, the ranked ones are the
likeliest: those with a query word in the title (a quote's text) first, newest first, found by the same
GIN index; the matches past them follow in that order. With fewer matches, every match is ranked. Ranking
is each backend's own (the seam promises the same matches, not the same order).

Writers take a transaction-level advisory lock (one writer at a time, on any machine; a writer waits
``lock_timeout`` seconds, then says so). A rebuild fills a schema of its own (``casebook_index_build_N``),
held by a session advisory lock for as long as it lives (so :meth:`PostgresIndex.rebuilding` is true on
every machine, and a build whose process died is dropped by the next one), then swaps it in by renaming
the schemas in one transaction: readers see the old index or the new one, never half of one.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import psycopg
from psycopg import sql

from casebook.errors import CasebookError
from casebook.models import ENTITY_KINDS
from casebook.store import search_index as Q
from indexer.search.backend import Found, IndexCorrupt, IndexOutdated, Inventory, Kind, Wanted
from indexer.search.bounds import check_time, remaining
from indexer.search.entries import IndexEntry
from indexer.search.language import QueryError
from indexer.search.lexicon import SeenEntity
from indexer.search.postgres_columns import (
    ColumnReader,
    DayColumn,
    among,
    ascending,
    columns_of,
    day_keys,
    facet_counts,
    first_by,
    in_range,
    likeliest_first,
    numpy_cursor,
)
from indexer.search.postgres_entries import (
    DOCUMENT_COLUMNS,
    DOCUMENT_LEXEMES,
    MULTI_FACETS,
    PAIRS,
    QUOTE_COLUMNS,
    QUOTE_LEXEMES,
    SINGLE_FACETS,
    TEXT_FIELDS,
    document_row,
    quote_rows,
)
from indexer.search.postgres_matches import Matches, State, held_matches
from indexer.search.postgres_query import QueryCompiler, day_ranges

log = logging.getLogger(__name__)

SCHEMA_VERSION = 7  # 2: day first fetched; 3: narrow rows, build id; 4: pairs of words; 5: key, loose;
# 6: the lexemes in a table of their own; 7: their GIN indexes without a pending list
LIVE = "casebook_index"
BUILD_PREFIX = "casebook_index_build_"
WRITE_LOCKS = 0x43425752  # advisory lock space of writers ("CBWR"): key 0 the live index, N build N
BUILD_LOCKS = 0x43424244  # advisory lock space held by a live build ("CBBD"), key N for build N
LOCK_TIMEOUT = 30.0
BATCH = 200  # entries written per round trip
COPY_BATCH = 2000  # entries copied at once by a rebuild
RANK_POOL = 300  # matches ranked by ts_rank: all of them when fewer match, else the likeliest (see find)
HITS_AT_ONCE = 500  # stored values read per round trip as hits are consumed


@dataclass(frozen=True)
class Table:
    name: str  # the table of what a hit shows and the facet columns; ``{name}_lexemes``: what is matched
    key: str
    columns: tuple[str, ...]
    lexemes: tuple[str, ...]  # the columns of ``{name}_lexemes`` but its seq
    stored: tuple[str, ...]  # what a hit holds
    single: tuple[str, ...]  # facet columns holding one value
    multi: tuple[str, ...]  # facet columns holding several (arrays)
    heading: str  # the text field whose ranked words pick the likeliest matches (the title, a quote's text)
    lexemes_in_row: bool  # short entries (quotes): their lexemes stay in the row (under 2 KB), not in TOAST

    @property
    def matches(self) -> str:
        """The table of what its entries are matched on."""
        return f"{self.name}_lexemes"


TABLES: dict[Kind, Table] = {
    "documents": Table(
        "documents",
        "id",
        DOCUMENT_COLUMNS,
        DOCUMENT_LEXEMES,
        (
            "id",
            "url",
            "title",
            "body",
            "comments",
            "quotes",
            "source",
            "published",
            "collected",
            "duplicate_of",
        ),
        SINGLE_FACETS,
        MULTI_FACETS,
        "title",
        False,
    ),
    "quotes": Table(
        "quotes",
        "qid",
        QUOTE_COLUMNS,
        QUOTE_LEXEMES,
        (
            "qid",
            "doc_id",
            "text",
            "speaker",
            "speaker_id",
            "cue",
            "start",
            "end",
            "title",
            "source",
            "published",
            "url",
        ),
        ("source", "speaker_id"),
        (),
        "text",
        True,
    ),  # fmt: skip
}
DATE_COLUMNS = {"published": "published", "collected": "collected"}  # Wanted.dated_by -> its column
DAY_COLUMNS = frozenset(DATE_COLUMNS.values())  # stored as dates, shown as ISO days (as Whoosh stores them)
KEYWORD_COLUMNS = {
    "documents": {
        "source",
        "year",
        "month",
        "collected_year",
        "collected_month",
        "extraction",
        "duplicate_of",
    },
    "quotes": {"source"},
}


@dataclass
class Build:
    """A new index being built: its schema and the connection holding its advisory lock."""

    schema: str
    number: int
    conn: psycopg.Connection


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _merge_entities(entities: dict[str, tuple[list[str], list[str]]], entry: IndexEntry) -> None:
    for entity_id, kind, name, text in entry.names:
        kinds, names = entities.setdefault(entity_id, ([], []))
        if kind not in kinds:
            kinds.append(kind)
        for value in (name, text):
            if value and value not in names:
                names.append(value)


def _part(table: Table, lexemes: bool) -> tuple[str, tuple[str, ...]]:
    """Where one of an entry's two rows goes, and its columns: what it is matched on (``lexemes``), or
    what a hit shows and the facet columns."""
    return (table.matches, ("seq", *table.lexemes)) if lexemes else (table.name, ("seq", *table.columns))


def _numbered(seqs: list[int], rows: list[Any], lexemes: bool) -> list[tuple[Any, ...]]:
    """The values of one of the two rows of each of ``rows`` (postgres_entries.Row), after its ``seq``."""
    return [(n, *(row.lexemes if lexemes else row.values)) for n, row in zip(seqs, rows, strict=True)]


_local = threading.local()
_seen_cache: dict[tuple[str, str], Mapping[str, SeenEntity]] = {}
_seen_lock = threading.Lock()


class PostgresIndex:
    """The index in the database at ``url`` (made when first written to): a :class:`SearchBackend`."""

    def __init__(self, url: str, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.url = url
        self.lock_timeout = lock_timeout
        parts = urlsplit(url)
        self.where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or ''}"

    # -- connections and errors --------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection:
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10, application_name="casebook")
        except psycopg.OperationalError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CasebookError(
                f"the search database at {self.where} cannot be reached ({first}); check database_url"
                " and that PostgreSQL is running"
            ) from None

    def _conn(self) -> psycopg.Connection:
        """This thread's connection to the database (made again if it was lost)."""
        held: dict[str, psycopg.Connection] = _local.__dict__.setdefault("connections", {})
        conn = held.get(self.url)
        if conn is None or conn.closed or conn.broken:
            conn = held[self.url] = self._connect()
        return conn

    def _damaged(self, detail: str) -> IndexCorrupt:
        return IndexCorrupt(
            Path(f"{LIVE}@{self.where}"),
            detail,
            f"the search index in the database at {self.where} is damaged ({detail}); it can be rebuilt"
            " from the store with casebook reindex",
        )

    @contextmanager
    def _reading(self) -> Iterator[psycopg.Connection]:
        """A connection to read the live index with; missing tables are a damaged index."""
        conn = self._conn()
        try:
            yield conn
        except (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName,
                psycopg.errors.UndefinedColumn) as exc:  # fmt: skip
            raise self._damaged(str(exc).strip().splitlines()[0]) from None
        except psycopg.errors.QueryCanceled:
            check_time()  # the search's time is up: the bounds' message
            raise QueryError("the search took too long and was stopped; narrow it", "") from None
        except psycopg.OperationalError as exc:
            raise CasebookError(
                f"the search database at {self.where} stopped answering ({str(exc).strip()[:200]});"
                " run the command again"
            ) from None

    # -- health ---------------------------------------------------------------------------------------

    def exists(self) -> bool:
        """Whether there is a live index (its tables may still be damaged)."""
        row = self._conn().execute(Q.SCHEMA_EXISTS, (LIVE,)).fetchone()
        return bool(row and row[0])

    def _meta(self, conn: psycopg.Connection) -> dict[str, str]:
        rows = conn.execute(sql.SQL(Q.META).format(sql.Identifier(LIVE))).fetchall()
        meta = dict(rows)
        if meta.get("schema") != str(SCHEMA_VERSION):
            raise IndexOutdated(
                Path(f"{LIVE}@{self.where}"),
                f"schema {meta.get('schema')}, not {SCHEMA_VERSION}",
                f"the search index in the database at {self.where} was built by another version of"
                " Casebook; run casebook reindex to rebuild it from the store",
            )
        return meta

    def check(self, expected: int | None = None) -> list[str]:
        """What makes the index unusable, one line each; empty when it is healthy (no full scan)."""
        if not self.exists():
            return [f"there is no search index in the database at {self.where}"] if expected else []
        try:
            with self._reading() as conn:
                self._meta(conn)
                count = self._count(conn, "documents")
                self._count(conn, "quotes")
                for name in ("documents_lexemes", "quotes_lexemes", "vocabulary", "entities"):
                    conn.execute(sql.SQL(Q.PROBE).format(
                        sql.Identifier(LIVE), sql.Identifier(name))).fetchall()  # fmt: skip
        except IndexCorrupt as exc:
            return [str(exc)]
        if expected is not None and count != expected:
            return [
                f"the search index in the database at {self.where} holds {count} documents, the store"
                f" {expected}; rebuild it with casebook reindex"
            ]
        return []

    def _count(self, conn: psycopg.Connection, table: str) -> int:
        query = sql.SQL(Q.COUNT).format(sql.Identifier(LIVE), sql.Identifier(table))
        row = conn.execute(query).fetchone()
        return int(row[0]) if row else 0

    def doc_count(self) -> int:
        if not self.exists():
            return 0
        with self._reading() as conn:
            return self._count(conn, "documents")

    def inventory(self) -> Inventory:
        """Every document id held, the copies marked, the quotes held per document (a full scan)."""
        with self._reading() as conn:
            self._meta(conn)
            s = sql.Identifier(LIVE)
            documents: Counter[str] = Counter()
            copies: dict[str, str] = {}
            for doc_id, original in conn.execute(sql.SQL(Q.IDS_AND_COPIES).format(s)):
                documents[doc_id] += 1
                if original:
                    copies[doc_id] = original
            quotes: Counter[str] = Counter(dict(conn.execute(sql.SQL(Q.QUOTE_COUNTS).format(s))))
        return Inventory(documents, copies, quotes)

    # -- writing ------------------------------------------------------------------------------------

    def _ensure_live(self, conn: psycopg.Connection) -> None:
        """Make the live index if there is none (under the writers' lock, once on every machine)."""
        if conn.execute(Q.SCHEMA_EXISTS, (LIVE,)).fetchone()[0]:
            return
        with conn.transaction():
            self._lock(conn, 0)
            if conn.execute(Q.SCHEMA_EXISTS, (LIVE,)).fetchone()[0]:
                return
            self._create(conn, LIVE)
            for statement in Q.INDEXES:
                conn.execute(sql.SQL(statement).format(sql.Identifier(LIVE)))

    def _create(self, conn: psycopg.Connection, schema: str) -> None:
        for extension in Q.EXTENSIONS:
            conn.execute(extension)
        lz4 = conn.execute(Q.HAS_LZ4).fetchone()
        for statement in Q.tables(schema, ENTITY_KINDS, bool(lz4 and lz4[0])):
            conn.execute(statement)
        conn.execute(
            sql.SQL(Q.NEW_META).format(sql.Identifier(schema)),
            (str(SCHEMA_VERSION), uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex),
        )

    def _lock(self, conn: psycopg.Connection, key: int) -> None:
        """The writers' lock on the live index (0) or a build, for this transaction; waited for
        ``lock_timeout`` seconds."""
        conn.execute(sql.SQL(Q.LOCK_TIMEOUT).format(sql.Literal(f"{int(self.lock_timeout * 1000)}ms")))
        try:
            conn.execute(Q.WRITE_LOCK, (WRITE_LOCKS, key))
        except psycopg.errors.LockNotAvailable:
            raise CasebookError(
                f"the search index in the database at {self.where} is being written by another process;"
                f" waited {self.lock_timeout:g}s; run again when it ends"
            ) from None

    def update(self, entries: Iterable[IndexEntry], target: Build | None = None) -> int:
        """Add or replace entries (by id) in the live index, or in the build ``target``; one writer at a
        time."""
        conn = self._conn() if target is None else target.conn
        schema = LIVE if target is None else target.schema
        if target is None:
            self._ensure_live(conn)
        count = 0
        s = sql.Identifier(schema)
        documents, quotes = TABLES["documents"], TABLES["quotes"]
        upsert = sql.SQL(Q.UPSERT_DOCUMENT).format(
            s=s,
            cols=sql.SQL(", ").join(map(sql.Identifier, ("seq", *DOCUMENT_COLUMNS))),
            values=sql.SQL(", ").join(sql.Placeholder() * (1 + len(DOCUMENT_COLUMNS))),
            sets=sql.SQL(", ").join(
                sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(c))
                for c in ("seq", *DOCUMENT_COLUMNS[1:])
            ),
        )
        removed = False  # whether a row was replaced or removed (see indexer.search.postgres_matches)
        with self._reading(), conn.transaction():
            self._lock(conn, 0 if target is None else target.number)
            for batch in _chunks(entries, BATCH):
                ids = [e.id for e in batch]
                rows = [document_row(e) for e in batch]
                quoted = [r for e in batch for r in quote_rows(e)]
                with conn.cursor() as cur:
                    for table, key in ((documents, "id"), (quotes, "doc_id")):
                        delete = sql.SQL(Q.DELETE_LEXEMES).format(
                            s=s,
                            t=sql.Identifier(table.name),
                            m=sql.Identifier(table.matches),
                            k=sql.Identifier(key),
                        )
                        removed |= cur.execute(delete, (ids,)).rowcount > 0
                    removed |= cur.execute(sql.SQL(Q.DELETE_QUOTES).format(s), (ids,)).rowcount > 0
                    seqs = self._new_seqs(cur, schema, len(rows) + len(quoted))
                    doc_seqs, quote_seqs = seqs[: len(rows)], seqs[len(rows) :]
                    cur.executemany(upsert, _numbered(doc_seqs, rows, lexemes=False))
                    self._insert(cur, schema, documents, doc_seqs, rows, lexemes=True)
                    if quoted:
                        self._insert(cur, schema, quotes, quote_seqs, quoted, lexemes=False)
                        self._insert(cur, schema, quotes, quote_seqs, quoted, lexemes=True)
                    self._add_vocabulary(cur, schema, rows, quoted)
                    entities: dict[str, tuple[list[str], list[str]]] = {}
                    for entry in batch:
                        _merge_entities(entities, entry)
                    if entities:
                        cur.executemany(
                            sql.SQL(Q.MERGE_ENTITY).format(s),
                            [(i, kinds, names) for i, (kinds, names) in entities.items()],
                        )
                count += len(batch)
            conn.execute(sql.SQL(Q.NEW_STAMP).format(s), (uuid.uuid4().hex,))
            if removed:
                conn.execute(sql.SQL(Q.NEW_REMOVED).format(s), (uuid.uuid4().hex,))
        return count

    @staticmethod
    def _new_seqs(cur: psycopg.Cursor, schema: str, count: int) -> list[int]:
        """``count`` new row numbers, ascending (the rows are written in their order, one writer at a
        time, so seq order is the order of writing)."""
        if not count:
            return []
        statement = sql.SQL(Q.NEW_SEQS).format(seq=sql.Literal(f"{schema}.written"))
        return [n for (n,) in cur.execute(statement, (count,)).fetchall()]

    @staticmethod
    def _insert(
        cur: psycopg.Cursor, schema: str, table: Table, seqs: list[int], rows: list[Any], lexemes: bool
    ) -> None:
        """Insert ``rows`` into ``table`` (``lexemes``: into the table of what they are matched on)."""
        name, columns = _part(table, lexemes)
        statement = sql.SQL(Q.INSERT_ROW).format(
            s=sql.Identifier(schema),
            t=sql.Identifier(name),
            cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
            values=sql.SQL(", ").join(sql.Placeholder() * len(columns)),
        )
        cur.executemany(statement, _numbered(seqs, rows, lexemes))

    def _add_vocabulary(self, cur: psycopg.Cursor, schema: str, rows: list[Any], quotes: list[Any]) -> None:
        found = {("documents", f, w) for r in rows for f, w in r.vocabulary}
        found |= {("quotes", f, w) for r in quotes for f, w in r.vocabulary}
        if not found:
            return
        kinds, fields, words = zip(*sorted(found), strict=True)
        cur.execute(
            sql.SQL(Q.ADD_VOCABULARY).format(sql.Identifier(schema)),
            (list(kinds), list(fields), list(words)),
        )

    def rebuild(self, entries: Iterable[IndexEntry]) -> int:
        """Build a complete new index from ``entries`` beside the live one, then swap it in."""
        target = self.new_build()
        count = self.build(target, entries)
        self.swap_in(target)
        return count

    def new_build(self) -> Build:
        """A new, empty index schema, locked as being built by this process until it is swapped in or
        discarded; builds left by processes that died are dropped first."""
        self._sweep_abandoned()
        conn = self._connect()
        number = random.randrange(1, 2**31 - 1)
        conn.execute(Q.SESSION_LOCK, (BUILD_LOCKS, number))
        schema = f"{BUILD_PREFIX}{number}"
        try:
            with conn.transaction():
                self._create(conn, schema)
        except BaseException:
            conn.close()
            raise
        return Build(schema, number, conn)

    def _builds(self, conn: psycopg.Connection) -> list[tuple[str, bool]]:
        """Every build schema, and whether a live session holds it."""
        rows = conn.execute(
            Q.BUILDS,
            (BUILD_LOCKS, len(BUILD_PREFIX) + 1, BUILD_PREFIX.replace("_", "\\_") + "%"),
        ).fetchall()
        return [(name, bool(held)) for name, held in rows]

    def _sweep_abandoned(self) -> None:
        conn = self._conn()
        for name, held in self._builds(conn):
            if not held:
                conn.execute(sql.SQL(Q.DROP_SCHEMA).format(sql.Identifier(name)))
                log.info("dropped %s, left by a rebuild that did not finish", name)

    def build(self, target: Build, entries: Iterable[IndexEntry]) -> int:
        """Copy ``entries`` into the new schema, then index it (dropped on failure)."""
        conn = target.conn
        s = sql.Identifier(target.schema)
        count = 0
        vocabulary: set[tuple[str, str, str]] = set()
        entities: dict[str, tuple[list[str], list[str]]] = {}
        documents, quotes = TABLES["documents"], TABLES["quotes"]
        try:
            for batch in _chunks(entries, COPY_BATCH):  # one COPY at a time on a connection: by turns
                rows = [document_row(entry) for entry in batch]
                quoted = [quote for entry in batch for quote in quote_rows(entry)]
                for entry in batch:
                    _merge_entities(entities, entry)
                vocabulary.update(("documents", f, w) for row in rows for f, w in row.vocabulary)
                vocabulary.update(("quotes", f, w) for row in quoted for f, w in row.vocabulary)
                with conn.transaction(), conn.cursor() as cur:
                    seqs = self._new_seqs(cur, target.schema, len(rows) + len(quoted))
                    for table, part, numbers in (
                        (documents, rows, seqs[: len(rows)]),
                        (quotes, quoted, seqs[len(rows) :]),
                    ):
                        for lexemes in (False, True):
                            self._copy(cur, target.schema, table, numbers, part, lexemes)
                count += len(batch)
            with conn.transaction(), conn.cursor() as cur:
                with cur.copy(sql.SQL(Q.COPY_ALL_INTO).format(s, sql.Identifier("vocabulary"))) as copy:
                    for row in vocabulary:
                        copy.write_row(row)
                with cur.copy(sql.SQL(Q.COPY_ALL_INTO).format(s, sql.Identifier("entities"))) as copy:
                    for entity_id, (kinds, names) in entities.items():
                        copy.write_row((entity_id, kinds, names))
            conn.execute(Q.BUILD_MEMORY)
            for statement in (*Q.INDEXES, *Q.ANALYZE):
                conn.execute(sql.SQL(statement).format(s))
        except BaseException:
            self.discard(target)
            raise
        return count

    @staticmethod
    def _copy(
        cur: psycopg.Cursor, schema: str, table: Table, seqs: list[int], rows: list[Any], lexemes: bool
    ) -> None:
        """COPY ``rows`` into ``table`` (``lexemes``: into the table of what they are matched on)."""
        name, columns = _part(table, lexemes)
        statement = sql.SQL(Q.COPY_INTO).format(
            sql.Identifier(schema), sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with cur.copy(statement) as copy:
            for values in _numbered(seqs, rows, lexemes):
                copy.write_row(values)

    def swap_in(self, target: Build) -> None:
        """Make the built schema the live index (one transaction renames both) and drop the old one."""
        conn = self._conn()
        old = f"casebook_index_old_{target.number}"
        with conn.transaction():
            self._lock(conn, 0)
            if conn.execute(Q.SCHEMA_EXISTS, (LIVE,)).fetchone()[0]:
                conn.execute(sql.SQL(Q.RENAME_SCHEMA).format(sql.Identifier(LIVE), sql.Identifier(old)))
            conn.execute(sql.SQL(Q.RENAME_SCHEMA).format(sql.Identifier(target.schema), sql.Identifier(LIVE)))
            conn.execute(sql.SQL(Q.DROP_SCHEMA).format(sql.Identifier(old)))
        target.conn.close()  # lets go of the build's lock

    def discard(self, target: Build) -> None:
        """Give up a build that will not be swapped in."""
        try:
            if not target.conn.closed:
                target.conn.execute(sql.SQL(Q.DROP_SCHEMA).format(sql.Identifier(target.schema)))
        finally:
            target.conn.close()

    def size(self) -> int:
        """Bytes the live index takes on the server (tables, their indexes and TOAST), for the bench."""
        row = self._conn().execute(Q.SIZE, (LIVE,)).fetchone()
        return int(row[0]) if row else 0

    def rebuilding(self) -> bool:
        """Whether a live process, on any machine, is building a new index."""
        return any(held for _name, held in self._builds(self._conn()))

    # -- reading ------------------------------------------------------------------------------------

    def seen_entities(self) -> Mapping[str, SeenEntity]:
        """The entities the indexed documents name, with the names used; the same object until a write."""
        with self._reading() as conn:
            stamp = self._meta(conn).get("stamp", "")
            key = (self.url, stamp)
            with _seen_lock:
                held = _seen_cache.get(key)
            if held is not None:
                return held
            rows = conn.execute(sql.SQL(Q.ENTITIES).format(sql.Identifier(LIVE)))
            seen = {i: SeenEntity(tuple(kinds or ()), tuple(names or ())) for i, kinds, names in rows}
        with _seen_lock:
            if len(_seen_cache) > 16:
                _seen_cache.clear()
            _seen_cache[key] = seen
        return seen

    def known_values(self, kind: Kind, field: str) -> set[str]:
        """The values the index of ``kind`` holds in the keyword field ``field``."""
        table = TABLES[kind]
        s = sql.Identifier(LIVE)
        with self._reading() as conn:
            if field in KEYWORD_COLUMNS[kind]:
                query = sql.SQL(Q.DISTINCT_VALUES).format(
                    c=sql.Identifier(field), s=s, t=sql.Identifier(table.name)
                )
                return {v for (v,) in conn.execute(query)}
            query = sql.SQL(Q.FIELD_VOCABULARY).format(s)
            return {v for (v,) in conn.execute(query, (kind, field))}

    def find(self, wanted: Wanted) -> Found:
        """The matches' row numbers from the database (one statement, in one snapshot with the columns
        read after it), or held in this process for the same search and index state, or held and extended
        by the rows added since (:mod:`indexer.search.postgres_matches`); the count, the facets and the
        order from the columns held in this process (:mod:`indexer.search.postgres_columns`); ranked by
        relevance, the page comes from the ``RANK_POOL`` likeliest matches (module docstring); stored values
        read as hits are consumed."""
        table = TABLES[wanted.kind]
        s, m = sql.Identifier(LIVE), sql.Identifier(table.matches)
        with self._reading() as conn, conn.transaction():
            conn.execute(Q.REPEATABLE_READ)
            left = remaining()
            timeout = None if left is None else str(max(int(left * 1000), 1))
            conn.execute(Q.SEARCH_SETTINGS, (timeout,))  # no sequential scans, no JIT (see the SQL)
            lookup = _Lookup(conn, wanted.kind, table)
            tree, ranges = day_ranges(wanted.query)  # bounded on the date columns (see day_ranges)
            compiler = QueryCompiler(
                lookup, tuple(TEXT_FIELDS[wanted.kind]), table.heading, PAIRS[wanted.kind]
            )
            cond = compiler.compile(tree)
            ranked = wanted.order == "relevance" and cond.rank is not None
            heading = cond.heading if ranked else None
            all_heading = heading is not None and _only(cond.where, cond.params, heading)
            if all_heading:
                heading = None  # every match is a heading match: no row checked again
            where = sql.SQL(cond.where)
            row = conn.execute(sql.SQL(Q.STATE).format(s=s)).fetchone()
            state = State(row[0] or "", row[1] or "", row[2]) if row else State("", "", None)
            key = (self.url, table.name, cond.where, repr([heading, *cond.params]))
            answer, whole = held_matches.get(key, state)
            if not whole:  # asked for the first time since a write: the database finds the matches
                after = answer.newest if answer is not None else 0  # held: only the rows added since
                if table.lexemes_in_row:  # the heading checked in the same pass (its tsquery comes first)
                    matches = sql.SQL(Q.MATCHES_IN_ROW).format(s=s, m=m, where=where)
                    params: list[object] = [heading, *cond.params, after]
                else:  # the heading found apart by the GIN index (each row's lexemes are in TOAST)
                    matches = sql.SQL(Q.MATCHES_APART).format(s=s, m=m, where=where)
                    params = [*cond.params, after, heading, after]
                statement = sql.SQL(Q.MATCHED).format(s=s, m=m, matches=matches)
                with numpy_cursor(conn) as cur:
                    found = cur.execute(statement, params).fetchone()
                assert found is not None
                newest, added, added_heading = int(found[0]), ascending(found[1]), found[2]
                if answer is None:
                    answer = Matches(newest, added, added_heading)
                else:
                    answer = answer.extended(newest, added, added_heading)
                held_matches.put(key, state, answer)
            newest, matched = answer.newest, answer.matched
            in_heading = matched if all_heading else answer.in_heading
            reader = ColumnReader(conn, LIVE, table.name, columns_of(self.url, table.name, state.build))
            for bound in ranges:
                column = reader.days(DATE_COLUMNS[bound.date], newest)
                matched = matched[in_range(column, matched, bound.start, bound.end)]
            facets = {f: f in table.multi for f in wanted.facets if f in table.single or f in table.multi}
            counted = facet_counts(reader, facets, matched, newest, wanted.facet_limit)
            if ranked:
                published = reader.days("published", newest)
                order = self._ranked(
                    conn, table, cond.rank or "", matched, in_heading, published, wanted.last
                )
            elif wanted.order in ("newest", "oldest"):
                days = reader.days(DATE_COLUMNS[wanted.dated_by], newest)
                keys = day_keys(days, matched, wanted.order == "newest").astype(np.int64) << 32 | matched
                order = first_by(keys, matched, wanted.last)
            else:
                order = matched  # as written
        page = order[wanted.first : wanted.last]
        found = {name: counted.get(name, {}) for name in wanted.facets}
        return Found(len(matched), found, self._stored(table, page.tolist()))

    def _ranked(
        self,
        conn: psycopg.Connection,
        table: Table,
        rank: str,
        matched: np.ndarray,
        in_heading: np.ndarray,
        published: DayColumn,
        upto: int | None,
    ) -> np.ndarray:
        """The matches in relevance order, the first ``upto`` of them at least (None: all): the
        ``RANK_POOL`` likeliest (a ranked word in the heading field first, then newest first) ranked by
        ``ts_rank``, then the others in the order they were picked in."""
        count = RANK_POOL if upto is not None and upto <= RANK_POOL else None
        if count is not None and in_heading is not matched:
            heading = among(in_heading, matched)
            if len(heading) >= count:  # the pool is heading matches only: no other match is keyed
                matched = heading
        keys = likeliest_first(matched, in_heading, published)
        picked = first_by(keys, matched, count)
        pool = picked[:RANK_POOL]
        if not len(pool):
            return pool
        query = sql.SQL(Q.RANKS).format(s=sql.Identifier(LIVE), m=sql.Identifier(table.matches))
        ranks = dict(conn.execute(query, (rank, pool.tolist())).fetchall())
        scores = np.array([ranks.get(x, 0.0) for x in pool.tolist()])
        ranked = pool[np.lexsort((pool, -scores))]
        return np.concatenate([ranked, picked[RANK_POOL:]])

    def _stored(self, table: Table, seqs: list[int]) -> Iterator[dict[str, Any]]:
        """The stored values of each hit, read a few hundred at a time as they are asked for."""
        query = sql.SQL(Q.STORED).format(
            c=sql.SQL(", ").join(map(sql.Identifier, table.stored)),
            s=sql.Identifier(LIVE),
            t=sql.Identifier(table.name),
        )
        for chunk in _chunks(seqs, HITS_AT_ONCE):
            with self._reading() as conn:
                rows = {r[0]: r[1:] for r in conn.execute(query, (chunk,))}
            for seq in chunk:
                row = rows.get(seq)
                if row is None:  # replaced or removed since the search: nothing to show
                    continue
                hit: dict[str, Any] = {}
                for name, value in zip(table.stored, row, strict=True):
                    if value is None or value == "":
                        continue
                    hit[name] = value.isoformat() if name in DAY_COLUMNS else value
                yield hit


def _only(where: str, params: list[Any], heading: str) -> bool:
    """Whether a search is the ``heading`` tsquery and nothing else (a quote search of words, all in the
    quote's text): then every match holds a heading word, and checking each matched row again for one
    (a quarter of the statement for "benefit" among 221,000 quotes) is needless. Only when the texts
    are the same, bar one pair of parentheses around either whole: otherwise the rows are checked."""
    if where != "d.lexemes @@ %s::tsquery" or len(params) != 1 or not isinstance(params[0], str):
        return False
    text, heading = params[0].strip(), heading.strip()
    return text in (heading, f"({heading})") or heading == f"({text})"


class _Lookup:
    """The database questions the query compiler asks, on the connection of the search."""

    def __init__(self, conn: psycopg.Connection, kind: Kind, table: Table) -> None:
        self.conn = conn
        self.kind = kind
        self.table = table

    def vocabulary(self, field: str, like: str) -> list[str]:
        query = sql.SQL(Q.VOCABULARY_LIKE).format(sql.Identifier(LIVE))
        return [w for (w,) in self.conn.execute(query, (self.kind, field, like))]

    def near_words(self, field: str, word: str, distance: int) -> list[str]:
        if len(word) > 255:  # fuzzystrmatch's limit; no one types such a word
            return []
        first = word[0]
        like = ("\\" + first if first in "%_\\" else first) + "%"
        query = sql.SQL(Q.NEAR_WORDS).format(sql.Identifier(LIVE))
        params = (
            self.kind,
            field,
            like,
            len(word) - distance,
            min(len(word) + distance, 255),
            word,
            distance,
            distance,
        )
        return [w for (w,) in self.conn.execute(query, params)]

    def texts(self, field: str, tsquery: str, loose_only: bool) -> Iterator[tuple[str, str]]:
        query = sql.SQL(Q.TEXTS).format(
            k=sql.Identifier(self.table.key),
            f=sql.Identifier(field),
            s=sql.Identifier(LIVE),
            t=sql.Identifier(self.table.name),
            m=sql.Identifier(self.table.matches),
            loose=sql.SQL(" AND d.loose") if loose_only else sql.SQL(""),
        )
        with self.conn.cursor(name=None) as cur:
            cur.execute(query, (tsquery,))
            for n, row in enumerate(cur):
                if not n % 256:
                    check_time()
                yield row
