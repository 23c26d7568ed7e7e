"""The search index: Whoosh on disk, derived from the store and rebuildable from it at any time.

``DATA/index`` is a symlink to the live index folder, which holds two Whoosh indexes: documents (``MAIN``)
and quotes (``QUOTES``), plus ``casebook-index.json`` (schema version and the entity names seen, used to
resolve ``scheme:ESA``). ``rebuild`` writes a fresh folder and swaps the link atomically, so readers never
see a half-built index; ``update`` adds or replaces documents in place, one writer at a time (Whoosh's lock,
taken with a timeout; a writer that cannot get it says who holds it). Readers keep a searcher per thread
and refresh it when the index changes or the link is swapped.

``rebuild`` writes through :class:`_BulkWriter` (the segment Whoosh's writer would make, several times
faster); text positions are packed uint32 arrays (:class:`FastPositions`) that phrase matching decodes a
block at a time with numpy. A damaged index (missing, truncated or garbage files, a link to a missing
folder, another schema) raises :class:`IndexCorrupt` with one line naming the folder, from opening,
searching or updating; :meth:`SearchIndex.check` lists such problems; ``rebuild`` (``casebook reindex``)
makes a new index beside it and removes it.

Search goes through :mod:`indexer.query` (the query language) and :mod:`indexer.facets` (matching sets and
facet counts as numpy arrays); Whoosh scores only when results are ranked by relevance.
"""

from __future__ import annotations

import errno
import html
import io
import json
import logging
import os
import pickle
import re
import shutil
import socket
import sqlite3
import struct
import sys
import threading
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index
from whoosh import query as wq
from whoosh.analysis import StandardAnalyzer
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3PostingsWriter
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb import compound as whoosh_compound
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile
from whoosh.formats import Positions
from whoosh.index import TOC, clean_files
from whoosh.searching import Searcher
from whoosh.util.numeric import _length_byte_cache, byte_to_length, length_to_byte
from whoosh.writing import IndexingError, SegmentWriter

from casebook.errors import CasebookError
from casebook.models import ENTITY_KINDS, Mention, Quote
from casebook.store import StoredDocument
from indexer.facets import POSITION_BYTES, Matches, pack_positions, time_limit, unpack_positions
from indexer.query import (
    DOCUMENTS,
    QUOTES,
    Compiled,
    DateOrderError,
    Lexicon,
    Marks,
    QueryError,
    check_date,
    compile_query,
    day_range,
    stem_of,
    stem_prefix,
)

log = logging.getLogger(__name__)

__all__ = [
    "ALL_FACETS",
    "DAMAGE_ERRORS",
    "FACETS",
    "LOCK_TIMEOUT",
    "IndexCorrupt",
    "IndexOutdated",
    "QueryError",
    "SORTS",
    "SearchIndex",
    "document_fields",
    "every_match",
    "plain_snippet",
    "search",
    "search_quotes",
]

SCHEMA_VERSION = 5  # 3: positions packed as uint32 arrays (FastPositions), block data pickled with protocol 4
# 4: the extraction field (how sure extraction was), a facet
# 5: url is the canonical URL; undated documents have year "undated"
UNDATED = "undated"  # the year facet's value for a document without a publication date
LOCK_TIMEOUT = 30.0  # seconds a writer waits for another writer to finish
BUILDING_MARK = ".building"  # in an index folder still being built: the builder's process id
SEGMENT_TOKENS = 24_000_000  # words a rebuild holds in memory before writing a segment (~40,000 articles)
FACETS: tuple[str, ...] = ("source", "year", "author", *ENTITY_KINDS)
ALL_FACETS: tuple[str, ...] = ("source", "year", "month", "author", *ENTITY_KINDS, "extraction")
SORTS = ("relevance", "newest", "oldest")
SEARCH_FIELDS = ("title", "body")
MAIN = "MAIN"
QUOTES_INDEX = "QUOTES"
META_FILE = "casebook-index.json"
WRITER_FILE = "casebook-writer.json"
SNIPPET_CHARS = 240
SEARCH_SECONDS = 10.0  # matching that takes longer is stopped and the search refused with a message
SLOW_AT_ONCE = 2  # proximity, wildcard and fuzzy searches matched at once per process (the rest wait)
_slow_searches = threading.BoundedSemaphore(SLOW_AT_ONCE)
FRAGMENT_CHARS = 220
SURROUND = 60


def _exact() -> StandardAnalyzer:
    """Words as written (lower-cased), stop words kept: phrases are matched against these, exactly."""
    return StandardAnalyzer(stoplist=None, minsize=1)


class FastPositions(Positions):
    """Whoosh's positions format, with the exact analyzer (regex + lower case) inlined at index time, and
    positions stored as a packed array of little-endian 32-bit integers rather than a pickle of deltas.

    Produces the same terms, positions and weights as ``Positions`` with :func:`_exact`, without building
    a Token object per word: indexing is the slow part of Whoosh, and this is its hottest loop. Packed
    positions are encoded and decoded without a Python loop, and :mod:`indexer.facets` decodes a whole
    block of them at once with numpy (a phrase over common words reads the positions of half the archive).
    """

    packed_positions = True  # indexer.facets decodes these with numpy

    def words(self, value: str) -> list[str]:
        """The words of ``value``, lower-cased, in order (what :func:`_exact` makes of it)."""
        lowered = value.lower()
        if len(lowered) == len(value) and "\u03a3" not in value:  # lower-casing kept every character apart
            return _WORDS_RE.findall(lowered)
        # a character whose lower case is longer (or the final sigma): word by word, as the analyzer does
        return [match.group(0).lower() for match in _TOKEN_RE.finditer(value)]

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each word of ``value`` with its positions, in order of first appearance."""
        poses: dict[str, list[int]] = {}
        for pos, word in enumerate(self.words(value)):
            found = poses.get(word)
            if found is None:
                poses[word] = [pos]
            else:
                found.append(pos)
        return poses

    def word_values(
        self, value: Any, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        if not isinstance(value, str):  # pragma: no cover - lists of tokens: the general path
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for word, poslist in self.positions(value).items():
            yield (word, len(poslist), len(poslist) * boost, pack_positions(poslist))

    def encode(self, poslist: list[int]) -> bytes:
        return pack_positions(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return unpack_positions(valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // POSITION_BYTES

    def decode_weight(self, valuestring: bytes) -> float:
        return len(valuestring) // POSITION_BYTES * self.field_boost


_TOKEN_RE = _exact().items[0].expression
_WORDS_RE = re.compile(_TOKEN_RE.pattern.replace("(\\.", "(?:\\."), _TOKEN_RE.flags)


def _text(**kwargs: Any) -> TEXT:
    field = TEXT(analyzer=_exact(), **kwargs)
    field.format = FastPositions(field_boost=field.format.field_boost)
    return field


def make_schema() -> Schema:
    """Text fields are unstemmed with positions; plain words are widened to their stem's forms at query time.

    One field per text (rather than a stemmed and an unstemmed copy) halves what Whoosh writes per document.
    """
    entity = {kind: KEYWORD(stored=True, commas=True, scorable=True) for kind in ENTITY_KINDS}
    return Schema(
        id=ID(stored=True, unique=True),
        url=STORED,
        title=_text(stored=True, field_boost=2.0),
        body=_text(stored=True),
        comments=_text(stored=True),
        quotes=_text(stored=True),
        speakers=_text(),
        speaker_ids=KEYWORD(commas=True),
        source=ID(stored=True),
        author=KEYWORD(stored=True, commas=True, lowercase=False),
        author_text=_text(),
        published=STORED,
        pubday=NUMERIC(int, bits=32, signed=False, sortable=True),
        year=ID(stored=True),
        month=ID(stored=True),
        duplicate_of=ID(stored=True),
        original=ID(),
        extraction=ID(stored=True),
        **entity,
    )


def make_quotes_schema() -> Schema:
    return Schema(
        qid=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        text=_text(stored=True),
        speaker=_text(stored=True),
        speaker_id=ID(stored=True),
        cue=STORED,
        start=STORED,
        end=STORED,
        source=ID(stored=True),
        title=_text(stored=True),
        url=STORED,
        published=STORED,
        pubday=NUMERIC(int, bits=32, signed=False, sortable=True),
        original=ID(),
    )


def _day(value: date | None) -> dict[str, Any]:
    if value is None:
        return {}
    return {"published": value.isoformat(), "pubday": value.toordinal()}


def document_fields(
    stored: StoredDocument, mentions: Iterable[Mention], quotes: Iterable[Quote] | None = None
) -> dict[str, Any]:
    """The index entry of one stored document, its entity mentions and (optionally) its quotes.

    Keys starting with ``_`` are not Whoosh fields: ``_entities`` (names seen, for ``scheme:ESA``) and
    ``_quotes`` (the quotes index). Without ``quotes``, :class:`SearchIndex` reads them from the store
    beside the index, if there is one.
    """
    doc = stored.document
    mentions = list(mentions)
    by_kind: dict[str, set[str]] = {kind: set() for kind in ENTITY_KINDS}
    for mention in mentions:
        by_kind[mention.kind].add(mention.id)
    comments = "\n\n".join(c.text for c in doc.comments)
    duplicate_of = getattr(stored, "duplicate_of", None) or getattr(doc, "duplicate_of", None)
    fields: dict[str, Any] = {
        "id": doc.id,
        "url": doc.canonical_url,  # what readers cite; a file imported from disk has its file:// as url
        "title": doc.title,
        "body": doc.text,
        "comments": comments,
        "source": doc.source,
        "author": ",".join(a.replace(",", " ") for a in doc.authors),
        "author_text": "\n".join(doc.authors),
        "original": "no" if duplicate_of else "yes",
        "extraction": doc.extraction,
        **{kind: ",".join(sorted(ids)) for kind, ids in by_kind.items()},
        **_day(doc.published),
        "_entities": sorted({(m.id, m.kind, m.name, m.text) for m in mentions}),
    }
    if duplicate_of:
        fields["duplicate_of"] = str(duplicate_of)
    if doc.published is not None:
        fields["year"] = f"{doc.published.year:04d}"
        fields["month"] = f"{doc.published.year:04d}-{doc.published.month:02d}"
    else:  # counted, and found by year=undated: a date filter or a timeline must not lose them unsaid
        fields["year"] = UNDATED
    if quotes is not None:
        fields.update(_quote_fields(list(quotes)))
    return fields


def _quote_fields(quotes: list[Quote]) -> dict[str, Any]:
    texts = "\n\n".join(q.text for q in quotes)
    return {
        "quotes": texts,
        "speakers": "\n".join(q.speaker for q in quotes if q.speaker),
        "speaker_ids": ",".join(sorted({q.speaker_id for q in quotes if q.speaker_id})),
        "_quotes": quotes,
    }


def _quote_entries(fields: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for n, q in enumerate(fields.get("_quotes") or []):
        entry: dict[str, Any] = {
            "qid": f"{fields['id']}:{n}",
            "doc_id": fields["id"],
            "text": q.text,
            "cue": q.cue,
            "start": q.start,
            "end": q.end,
            "source": fields["source"],
            "title": fields["title"],
            "url": fields["url"],
            "original": fields.get("original", "yes"),
        }
        if q.speaker:
            entry["speaker"] = q.speaker
        if q.speaker_id:
            entry["speaker_id"] = q.speaker_id
        if "published" in fields:
            entry["published"] = fields["published"]
            entry["pubday"] = fields["pubday"]
        yield entry


def _whoosh_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if not k.startswith("_") and v not in ("", None)}


# -- the index on disk ----------------------------------------------------------------------------


class IndexCorrupt(CasebookError):
    """The search index cannot be read: a file missing, truncated or garbage, or the link to a missing folder.

    The index is derived data: ``SearchIndex.rebuild`` (``casebook reindex``) makes a new one from the
    store. ``folder`` is the damaged folder, ``detail`` what was found wrong with it.
    """

    def __init__(self, folder: Path, detail: str, message: str | None = None) -> None:
        self.folder = Path(folder)
        self.detail = detail
        super().__init__(
            message
            or f"the search index at {folder} is damaged ({detail}); it can be rebuilt from the store"
            " with casebook reindex"
        )


class IndexOutdated(IndexCorrupt):
    """The index was built by another version of Casebook (another schema): rebuilt the same way."""


# Errors reading damaged index files raise, met while searching (opening an index, any exception is one).
DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    zlib.error,
    pickle.UnpicklingError,
    struct.error,
)


def _what(exc: BaseException) -> str:
    """What a reading error says about the index, briefly, on one line."""
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"{Path(exc.filename).name} is missing"
    if isinstance(exc, index.EmptyIndexError):
        return "its table of contents is missing"
    text = " ".join(str(exc).split())
    if len(text) > 120:
        text = text[:117] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _is_damage(exc: BaseException, errors: tuple[type[BaseException], ...] = DAMAGE_ERRORS) -> bool:
    """Whether ``exc`` says an index file is damaged (not a full disk or a permission: nothing to rebuild)."""
    if isinstance(exc, CasebookError | index.LockError):
        return False
    if not isinstance(exc, errors):
        # garbage bytes make Whoosh's decoding fail in any way (a lexicon term its term index lacks,
        # a bare Exception("Block tag error")): any error raised inside Whoosh is damage
        return isinstance(exc, Exception) and _raised_in_whoosh(exc)
    return not (isinstance(exc, OSError) and exc.errno in _NOT_DAMAGE)


_WHOOSH_DIR = str(Path(index.__file__).resolve().parent)


def _raised_in_whoosh(exc: BaseException) -> bool:
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return str(Path(tb.tb_frame.f_code.co_filename).resolve()).startswith(_WHOOSH_DIR)


_NOT_DAMAGE = {
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EFBIG,
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.EMFILE,
    errno.ENFILE,
}


@contextmanager
def _damage_is_corrupt(
    folder: Path, errors: tuple[type[BaseException], ...] = DAMAGE_ERRORS
) -> Iterator[None]:
    """Turn an error reading index files into :class:`IndexCorrupt` (our own errors pass through)."""
    try:
        yield
    except BaseException as exc:
        if _is_damage(exc, errors):
            raise IndexCorrupt(folder, _what(exc)) from exc
        raise


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(folder, f"{META_FILE} is unreadable: {_what(exc)}") from None
    if not isinstance(meta, dict):
        raise IndexCorrupt(folder, f"{META_FILE} is not an object")
    return meta


def _write_meta(folder: Path, entities: Mapping[str, Mapping[str, Any]]) -> None:
    meta = {"schema": SCHEMA_VERSION, "entities": {k: entities[k] for k in sorted(entities)}}
    tmp = folder / f".{META_FILE}.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, folder / META_FILE)


def _merge_entities(entities: dict[str, dict[str, Any]], found: Iterable[tuple[str, str, str, str]]) -> None:
    for entity_id, kind, name, text in found:
        entry = entities.setdefault(entity_id, {"kinds": [], "names": []})
        if kind not in entry["kinds"]:
            entry["kinds"].append(kind)
        for value in (name, text):
            if value and value not in entry["names"]:
                entry["names"].append(value)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SearchIndex:
    """Open (or create) the index behind ``DATA/index``."""

    def __init__(self, path: Path, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    def exists(self) -> bool:
        """Whether there is an index here, readable or not (opening a damaged one raises IndexCorrupt)."""
        if self.path.is_symlink():  # the link is made last, to a complete folder: whatever is there now
            return True
        if not self.path.exists():
            return False
        try:
            return index.exists_in(str(self.path), indexname=MAIN)
        except Exception:  # noqa: BLE001 - a table of contents there, unreadable: an index, damaged
            return True

    def folder(self) -> Path:
        return self.path.resolve()

    def live_folder(self) -> Path:
        """The folder the index link points to; :class:`IndexCorrupt` if it is gone."""
        folder = self.path.resolve()
        if not folder.is_dir():
            detail = "the folder is missing" if not folder.exists() else "it is not a folder"
            raise IndexCorrupt(folder, detail)
        return folder

    def open(self) -> index.Index:
        if not self.exists():
            self._create_live()
        return self._open_index(MAIN)

    def open_quotes(self) -> index.Index:
        if not self.exists():
            self._create_live()
        return self._open_index(QUOTES_INDEX)

    def _open_index(self, indexname: str) -> index.Index:
        """One of the two Whoosh indexes, its table of contents read and its segments' files opened once,
        so that a damaged index is reported here (:class:`IndexCorrupt`), not in the middle of a search."""
        folder = self.live_folder()
        self._check_version(folder)
        try:
            ix = index.open_dir(str(folder), indexname=indexname)
            ix.reader().close()
        except Exception as exc:  # noqa: BLE001 - whatever a damaged Whoosh index raises on opening
            raise IndexCorrupt(folder, f"{indexname}: {_what(exc)}") from exc
        return ix

    def _check_version(self, folder: Path | None = None) -> None:
        folder = folder or self.live_folder()
        meta = _read_meta(folder)
        if meta.get("schema") != SCHEMA_VERSION:
            raise IndexOutdated(
                folder,
                f"schema {meta.get('schema')}, not {SCHEMA_VERSION}",
                f"the search index at {self.path} was built by another version of Casebook;"
                " run casebook reindex to rebuild it from the store",
            )

    def check(self, expected: int | None = None) -> list[str]:
        """What makes the index unusable, one line each; empty when it is healthy.

        Opens both sub-indexes (documents and quotes) and every segment, reads their document counts and,
        in each segment, the first and last document's stored fields and the first term of every field
        with its postings; with ``expected`` (the store's document count), compares the count of documents.
        A missing index is a problem only when documents are expected. Cheap (no full scan): damage deep
        inside a postings file shows when a search reads it, as :class:`IndexCorrupt`.
        """
        if not self.exists():
            return [f"there is no search index at {self.path}"] if expected else []
        problems: list[str] = []
        for indexname in (MAIN, QUOTES_INDEX):
            try:
                ix = self._open_index(indexname)
                folder = self.live_folder()
                with _damage_is_corrupt(folder, (Exception,)), ix.reader() as reader:
                    count = reader.doc_count()
                    for sub, _offset in reader.leaf_readers():
                        _probe(sub)
            except IndexOutdated as exc:
                return [str(exc)]
            except IndexCorrupt as exc:
                problems.append(str(exc))
                continue
            if indexname == MAIN and expected is not None and count != expected:
                problems.append(
                    f"the search index at {folder} holds {count} documents, the store {expected};"
                    " rebuild it with casebook reindex"
                )
        return problems

    def _create_live(self) -> None:
        target = self._new_folder()
        _create_in(target)
        (target / BUILDING_MARK).unlink()
        self._point_to(target)

    def _new_folder(self) -> Path:
        """A new index folder, marked with the building process's id until it is swapped in."""
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        target = self.path.parent / f"{self.path.name}-{stamp}"
        target.mkdir(parents=True)
        (target / BUILDING_MARK).write_text(str(os.getpid()), encoding="ascii")
        return target

    def _sweep_abandoned(self) -> list[Path]:
        """Remove index folders a killed rebuild left behind: marked as building by a process that is gone.
        A folder being built by a live process, and the live index, are left alone."""
        removed = []
        live = self.path.resolve() if self.path.is_symlink() else None
        for folder in self.path.parent.glob(f"{self.path.name}-*"):
            mark = folder / BUILDING_MARK
            if folder == live or not mark.is_file():
                continue
            try:
                builder = int(mark.read_text(encoding="ascii").strip())
            except (OSError, ValueError):
                builder = 0
            if builder <= 0 or not _pid_alive(builder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        return removed

    def _point_to(self, target: Path) -> Path | None:
        """Atomically make ``self.path`` a symlink to ``target``; return the folder it pointed to before."""
        previous = self.path.resolve() if self.path.is_symlink() else None
        if self.path.exists() and not self.path.is_symlink():
            raise CasebookError(f"{self.path} is not an index link; move it away and run casebook reindex")
        tmp = self.path.parent / f".{self.path.name}.link"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(target.name, tmp)
        os.replace(tmp, self.path)
        return previous

    # -- writing ------------------------------------------------------------------------------------

    @contextmanager
    def _writer_lock(self, ix: index.Index, folder: Path) -> Iterator[Any]:
        """Whoosh's write lock, waited for ``lock_timeout`` seconds; who holds it is said if it is not had."""
        try:
            writer = ix.writer(timeout=self.lock_timeout)
        except index.LockError:
            raise CasebookError(self._lock_message(folder)) from None
        holder = folder / WRITER_FILE
        with suppress(OSError):
            holder.write_text(
                json.dumps(
                    {
                        "pid": os.getpid(),
                        "host": socket.gethostname(),
                        "since": datetime.now(UTC).isoformat(timespec="seconds"),
                        "command": " ".join(sys.argv[:3]),
                    }
                ),
                encoding="utf-8",
            )
        try:
            yield writer
        finally:
            with suppress(OSError):
                holder.unlink()

    def _lock_message(self, folder: Path) -> str:
        lockfile = folder / f"{MAIN}_WRITELOCK"
        try:
            holder = json.loads((folder / WRITER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            holder = None
        waited = f"waited {self.lock_timeout:g}s"
        if not holder:
            return (
                f"the search index is locked by another writer ({waited}); wait for it to finish, or if no"
                f" casebook command is running, delete {lockfile} and run again"
            )
        pid, host = int(holder.get("pid", 0)), holder.get("host")
        who = f"pid {pid}, {holder.get('command', '?')!s}, since {holder.get('since', '?')}"
        if host == socket.gethostname() and not _pid_alive(pid):
            return (
                f"the search index lock is stale: the writer that took it ({who}) is gone ({waited});"
                f" delete {lockfile} and {folder / WRITER_FILE}, then run again"
            )
        return (
            f"the search index is being written by another process ({who}); {waited}; run again when it ends"
        )

    def update(self, entries: Iterable[dict[str, Any]], folder: Path | None = None) -> int:
        """Add or replace entries (by id) in the live index, or in ``folder`` (a rebuild's, before it is
        swapped in); one writer at a time."""
        if folder is None:
            ix, quotes_ix = self.open(), self.open_quotes()
            folder = self.folder()
        else:
            ix = index.open_dir(str(folder), indexname=MAIN)
            quotes_ix = index.open_dir(str(folder), indexname=QUOTES_INDEX)
        count = 0
        with self._writer_lock(ix, folder) as writer:
            try:
                quotes_writer = quotes_ix.writer(timeout=self.lock_timeout)
            except index.LockError:
                writer.cancel()
                raise CasebookError(self._lock_message(folder)) from None
            meta = _read_meta(folder)
            entities: dict[str, dict[str, Any]] = meta.get("entities", {})
            try:
                for fields in self._with_quotes(entries):
                    writer.update_document(**_whoosh_fields(fields))
                    quotes_writer.delete_by_term("doc_id", fields["id"])
                    for entry in _quote_entries(fields):
                        quotes_writer.add_document(**_whoosh_fields(entry))
                    _merge_entities(entities, fields.get("_entities", ()))
                    count += 1
            except BaseException as exc:
                for cancelled in (writer, quotes_writer):
                    with suppress(Exception):
                        cancelled.cancel()
                _discard_unlisted(folder)
                if _is_damage(exc):  # replacing a document reads the segments it is in
                    raise IndexCorrupt(folder, _what(exc)) from exc
                raise
            try:
                _write_meta(folder, entities)
                with _damage_is_corrupt(folder):  # committing may merge small segments: read them
                    quotes_writer.commit()
                    writer.commit()
            except BaseException:
                _discard_unlisted(folder)
                raise
        return count

    def rebuild(self, entries: Iterable[dict[str, Any]], procs: int = 1) -> int:
        """Build a complete new index from ``entries`` beside the live one, then swap it in.

        ``procs`` is accepted for compatibility and ignored (one process is faster on two cores). Documents
        written to the live index while this runs are not in the new one: a caller that lets writers run
        meanwhile adds them with :meth:`update` (``folder=``) between :meth:`build` and :meth:`swap_in`, as
        ``casebook reindex`` does.
        """
        target = self.new_build()
        count = self.build(target, entries)
        self.swap_in(target)
        return count

    def new_build(self) -> Path:
        """A new, empty index folder beside the live one, marked as being built by this process (so
        :meth:`rebuilding` is true until :meth:`swap_in`); folders left by killed rebuilds are removed."""
        for folder in self._sweep_abandoned():
            log.info("removed %s, left by a rebuild that did not finish", folder)
        target = self._new_folder()
        try:
            _create_in(target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        return target

    def build(self, target: Path, entries: Iterable[dict[str, Any]]) -> int:
        """Write ``entries`` into the new folder ``target`` with :class:`_BulkWriter`, a segment per
        ``SEGMENT_TOKENS`` words (bounded memory). On any failure the folder is removed."""
        try:
            ix = index.open_dir(str(target), indexname=MAIN)
            quotes_ix = index.open_dir(str(target), indexname=QUOTES_INDEX)
            writer = _BulkWriter(ix)
            quotes_writer = _BulkWriter(quotes_ix)
            entities: dict[str, dict[str, Any]] = {}
            count = 0
            for fields in self._with_quotes(entries):
                writer.add_document(**_whoosh_fields(fields))
                for entry in _quote_entries(fields):
                    quotes_writer.add_document(**_whoosh_fields(entry))
                _merge_entities(entities, fields.get("_entities", ()))
                count += 1
                if writer.tokens_held() >= SEGMENT_TOKENS:
                    writer.commit(merge=False)
                    writer = _BulkWriter(ix)
                if quotes_writer.tokens_held() >= SEGMENT_TOKENS:
                    quotes_writer.commit(merge=False)
                    quotes_writer = _BulkWriter(quotes_ix)
            quotes_writer.commit(merge=False)
            writer.commit(merge=False)
            _write_meta(target, entities)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        return count

    def swap_in(self, target: Path) -> None:
        """Make the built folder ``target`` the live index (an atomic link swap) and remove the old one."""
        (target / BUILDING_MARK).unlink()
        previous = self._point_to(target)
        if previous is not None and previous != target.resolve():
            shutil.rmtree(previous, ignore_errors=True)

    def discard(self, target: Path) -> None:
        """Give up a build that will not be swapped in."""
        shutil.rmtree(target, ignore_errors=True)

    def rebuilding(self) -> bool:
        """Whether a live process is building a new index folder beside this one."""
        for folder in self.path.parent.glob(f"{self.path.name}-*"):
            try:
                builder = int((folder / BUILDING_MARK).read_text(encoding="ascii").strip())
            except (OSError, ValueError):
                continue
            if builder > 0 and _pid_alive(builder):
                return True
        return False

    def _with_quotes(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Entries made without quotes get them from the store beside the index (``DATA/casebook.db``)."""
        db = self.path.parent / "casebook.db"
        conn = None
        try:
            for fields in entries:
                if "_quotes" not in fields:
                    if conn is None and db.exists():
                        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
                    quotes = _stored_quotes(conn, fields["id"]) if conn is not None else []
                    fields = {**fields, **_quote_fields(quotes)}
                yield fields
        finally:
            if conn is not None:
                conn.close()

    def doc_count(self) -> int:
        if not self.exists():
            return 0
        ix = self._open_index(MAIN)
        with _damage_is_corrupt(self.live_folder(), (Exception,)):
            return ix.doc_count()

    def lexicon(self) -> Lexicon:
        return _lexicon(self.folder())


def _discard_unlisted(folder: Path) -> None:
    """After a write that failed half-way (a full disk): remove the segment files and temporary folders
    the table of contents does not list, so a failed write leaves nothing behind (Whoosh removes them only
    at the next commit that succeeds, if one ever comes). Called while this process holds the writer lock."""
    storage = FileStorage(str(folder))
    for indexname in (MAIN, QUOTES_INDEX):
        with suppress(Exception):
            toc = TOC.read(storage, indexname)
            clean_files(storage, indexname, toc.generation, toc.segments)
        shutil.rmtree(folder / f"{indexname}.tmp", ignore_errors=True)


def _stored_quotes(conn: sqlite3.Connection, doc_id: str) -> list[Quote]:
    try:
        rows = conn.execute(
            "SELECT text, speaker, speaker_id, cue, start, end FROM quotes WHERE doc_id=? ORDER BY start",
            (doc_id,),
        ).fetchall()
    except sqlite3.Error:
        return []
    return [Quote(*row) for row in rows]


def _probe(reader: Any) -> None:
    """Read a little of everything in one segment: stored fields, and each field's first term and postings."""
    size = reader.doc_count_all()
    for docnum in {0, size - 1} if size else ():
        reader.stored_fields(docnum)
    for fieldname in reader.indexed_field_names():
        for btext in reader.lexicon(fieldname):
            postings = reader.postings(fieldname, reader.schema[fieldname].from_bytes(btext))
            postings.all_ids().__next__()
            break


def _create_in(folder: Path) -> tuple[index.Index, index.Index]:
    ix = index.create_in(str(folder), make_schema(), indexname=MAIN)
    quotes_ix = index.create_in(str(folder), make_quotes_schema(), indexname=QUOTES_INDEX)
    _write_meta(folder, {})
    return ix, quotes_ix


# -- reading segment files without copying them ---------------------------------------------------


class _ViewReader(io.RawIOBase):
    """A read-only, seekable file over a memoryview (a slice of the memory-mapped segment)."""

    def __init__(self, view: memoryview) -> None:
        super().__init__()
        self._view = view
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = max(0, min(len(buffer), len(self._view) - self._pos))
        buffer[:size] = self._view[self._pos : self._pos + size]
        self._pos += size
        return size

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos


class _ViewFile(BufferFile):
    """Whoosh's ``BufferFile`` for a file inside a compound segment, without its ``BytesIO(buf)``: that
    copies the whole file (the postings of a segment: hundreds of megabytes) into memory each time a
    searcher opens it, which made the first query after opening slow and gave every thread's searcher
    its own copy of the index. Reads go through a buffered reader over the memory map instead."""

    def __init__(self, buf: Any, name: str | None = None, onclose: Any = None) -> None:
        self._buf = buf
        self._name = name
        self.file = io.BufferedReader(_ViewReader(memoryview(buf)), buffer_size=16384)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position: int, length: int, name: str | None = None) -> _ViewFile:
        return _ViewFile(self._buf[position : position + length], name=name or self._name)


whoosh_compound.BufferFile = _ViewFile  # CompoundStorage.open_file makes these (Whoosh-Reloaded 2.7.5)


# -- bulk writing ---------------------------------------------------------------------------------

_LENGTH_BYTES = np.array(_length_byte_cache, dtype=np.int64)


class _Tokens:
    """One text field's words in one segment, as flat arrays: term ids of every token, and per document
    its number and token count (a token's position is its offset from its document's first token)."""

    __slots__ = ("counts", "docs", "terms")

    def __init__(self) -> None:
        self.terms = array("I")
        self.docs = array("I")
        self.counts = array("I")


class _Vocab(dict[str, int]):
    """Words numbered in order of first appearance: ``vocab[word]`` is its number, a new one if unseen."""

    def __missing__(self, word: str) -> int:
        number = self[word] = len(self)
        return number


class _BulkWriter(SegmentWriter):
    """A Whoosh segment writer for building an index from scratch, several times faster than Whoosh's own.

    Whoosh's writer turns every word of every document into a posting tuple (field, term, document,
    weight, encoded positions) in a pool that it sorts at commit (spilling runs of pickled postings to
    disk and merging them back), then looks each posting's field length up in the length column it has
    just written. Here the words of a text field are kept as one array of term ids per segment (a list
    comprehension per document), and at commit numpy sorts them by term into postings and positions, which
    are written a block at a time through Whoosh's own postings writer; other fields keep their postings
    per term in arrays (documents arrive in order, so they are already sorted). The segment is the same as
    Whoosh's writer makes (same terms, postings, blocks, statistics, stored fields and columns: see
    tests/test_index.py); only the way there differs. Documents with ``_boost``/``_stored_`` keys and
    schemas with spelling or vector fields are not for this writer.
    """

    def __init__(self, ix: index.Index, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        schema = self.schema
        if any(field.separate_spelling() or field.vector for _name, field in schema.items()):
            raise IndexingError("the bulk writer takes no spelling or vector fields")
        self._vocab = _Vocab()  # word -> term id, shared by the text fields
        self._tokens: dict[str, _Tokens] = {
            name: _Tokens()
            for name, field in schema.items()
            if isinstance(field.format, FastPositions) and field.scorable
        }
        # other indexed fields: fieldname -> term bytes -> (document numbers, weights, values)
        self._terms: dict[str, dict[bytes, tuple[array, array, list[bytes]]]] = {}
        self._lengths: dict[str, bytearray] = {}  # their length byte per document (scorable ones)
        self._indexed: dict[tuple[str, Any], list[tuple[bytes, int, float, bytes]]] = {}  # their postings
        self._valued = {
            name: field.format is not None and field.format.fixed_value_size() != 0
            for name, field in schema.items()
        }

    def add_document(self, **fields: Any) -> None:
        if any(name.startswith("_") for name in fields):
            raise IndexingError("the bulk writer takes no _boost or _stored_ keys")
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        pdw = self.perdocwriter
        names = sorted(fields)
        self._check_fields(schema, names)
        pdw.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                tokens = self._tokens.get(name)
                if tokens is not None:
                    if not isinstance(value, str):
                        raise IndexingError(f"the bulk writer takes text for {name}, not {type(value)}")
                    words = field.format.words(value)
                    if words:
                        tokens.terms.extend(map(self._vocab.__getitem__, words))
                        tokens.docs.append(docnum)
                        tokens.counts.append(len(words))
                        length = len(words)
                elif field.indexed:
                    length = self._add_postings(name, field, value, docnum)
                pdw.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    pdw.add_column_value(name, column, field.to_column_value(value))
        except BaseException:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def tokens_held(self) -> int:
        """Words of text fields added and not yet written (what the writer's memory grows with)."""
        return sum(len(t.terms) for t in self._tokens.values())

    def _add_postings(self, name: str, field: Any, value: Any, docnum: int) -> int:
        terms = self._terms.get(name)
        if terms is None:
            terms = self._terms[name] = {}
        valued = self._valued[name]
        scorable = field.scorable
        length = 0
        if field.unique or not isinstance(value, str | int):
            postings = list(field.index(value))
        else:  # sources, years, entity ids, days: the same few values again and again
            key = (name, value)
            postings = self._indexed.get(key)
            if postings is None:
                if len(self._indexed) > 200_000:
                    self._indexed.clear()
                postings = self._indexed[key] = list(field.index(value))
        for tbytes, freq, weight, vbytes in postings:
            if scorable:
                length += freq
            held = terms.get(tbytes)
            if held is None:
                held = terms[tbytes] = (array("I"), array("f"), [])
            held[0].append(docnum)
            held[1].append(weight)
            if valued and vbytes:
                held[2].append(vbytes)
        if length:
            lengths = self._lengths.get(name)
            if lengths is None:
                lengths = self._lengths[name] = bytearray()
            if len(lengths) <= docnum:
                lengths.extend(bytes(docnum + 1 - len(lengths)))
            lengths[docnum] = length_to_byte(length)
        return length

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        words = list(self._vocab)
        encoded = [w.encode("utf-8") for w in words]
        in_order = sorted(range(len(words)), key=encoded.__getitem__)  # Whoosh orders terms by UTF-8 bytes
        rank = np.empty(len(words), dtype=np.int64)
        rank[in_order] = np.arange(len(words))
        by_rank = [encoded[i] for i in in_order]
        self._vocab = _Vocab()
        for name in sorted(set(self._terms) | {n for n, t in self._tokens.items() if len(t.docs)}):
            fieldobj = self.schema[name]
            fieldwriter.start_field(name, fieldobj)
            tokens = self._tokens.get(name)
            if tokens is not None and len(tokens.docs):
                _write_text_postings(fieldwriter, tokens, rank, by_rank, fieldobj.format.field_boost)
                self._tokens[name] = _Tokens()
            else:
                _write_term_postings(fieldwriter, self._terms.pop(name), self._lengths.get(name))
            fieldwriter.finish_field()
        fieldwriter.close()


def _write_term_postings(
    fieldwriter: Any, terms: dict[bytes, tuple[array, array, list[bytes]]], lengths: bytearray | None
) -> None:
    for tbytes in sorted(terms):
        fieldwriter.start_term(tbytes)
        writer = fieldwriter._postwriter
        writer.__class__ = _BlockWriter
        ids, weights, values = terms[tbytes]
        for start in range(0, len(ids), writer._blocklimit):
            if start:
                writer._write_block()
            block = ids[start : start + writer._blocklimit]
            block_weights = weights[start : start + writer._blocklimit]
            found = [b for b in (lengths[d] for d in block if d < len(lengths)) if b] if lengths else []
            _set_block(
                writer,
                block,
                block_weights,
                values[start : start + writer._blocklimit] if values else [],
                max(block_weights),
                min(found) if found else 0,
                max(found) if found else 0,
            )
        fieldwriter.finish_term()


def _set_block(
    writer: Any, ids: Any, weights: Any, values: list[bytes], max_weight: float, min_byte: int, max_byte: int
) -> None:
    """Fill ``W3PostingsWriter``'s block buffer as its ``add_posting`` would have, posting by posting."""
    writer._ids = ids
    writer._weights = weights
    writer._values = values
    writer._maxweight = max(max_weight, 0)
    writer._minlength = byte_to_length(min_byte) if min_byte else None
    writer._maxlength = byte_to_length(max_byte) if max_byte else 0


def _write_text_postings(
    fieldwriter: Any, tokens: _Tokens, rank: np.ndarray, by_rank: list[bytes], boost: float
) -> None:
    """A text field's postings from its token arrays: sorted by (term, document, position) with numpy."""
    docs = np.frombuffer(tokens.docs, dtype=np.uint32).astype(np.int64)
    counts = np.frombuffer(tokens.counts, dtype=np.uint32).astype(np.int64)
    total = int(counts.sum())
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    # sort key: term rank (by UTF-8 bytes, as Whoosh orders terms), then token index (document, position)
    key = rank[np.frombuffer(tokens.terms, dtype=np.uint32)] << 32
    key |= np.arange(total, dtype=np.int64)
    key.sort()
    order = key & 0xFFFFFFFF
    term = (key >> 32).astype(np.int32)
    del key
    # the document (index into docs) of each token
    which = np.repeat(np.arange(len(docs), dtype=np.int32), counts)[order]
    position = order - starts[which]
    del order
    new = np.ones(total, dtype=bool)
    new[1:] = (term[1:] != term[:-1]) | (which[1:] != which[:-1])
    first = np.flatnonzero(new)  # each posting's first token
    del new
    posting_term = term[first]
    posting_doc = docs[which[first]]
    freq = np.diff(np.append(first, total))
    length_byte = np.minimum(np.searchsorted(_LENGTH_BYTES, counts), 255)[which[first]]
    del which, term
    packed = position.astype("<u4").tobytes()
    del position
    offsets = np.append(first, total) * POSITION_BYTES
    weights = (freq * boost).astype(np.float32)
    del freq
    _write_blocks(fieldwriter, posting_term, posting_doc, weights, length_byte, by_rank, packed, offsets)


class _BlockWriter(W3PostingsWriter):
    """``W3PostingsWriter`` writing each block's data with pickle protocol 4 rather than 2, and taking the
    block's minified ids and weights worked out beforehand with numpy when given (``_mini``).

    Under protocol 2 every posting's value (its positions) is pickled as a call to ``_codecs.encode`` with
    a latin-1 string: four times the bytes to compress and a function call per posting to read it back.
    Readers are unchanged (``pickle.loads`` reads any protocol); the block info stays at protocol 2.
    """

    _mini: tuple[tuple[int, ...], Any] | None = None

    def _mini_ids(self) -> Any:
        return self._mini[0] if self._mini is not None else super()._mini_ids()

    def _mini_weights(self) -> Any:
        return self._mini[1] if self._mini is not None else super()._mini_weights()

    def _write_block(self, last: bool = False) -> None:  # W3PostingsWriter._write_block, protocol 4 data
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        databytes = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 4)
        comp = self._compression
        if comp:
            databytes = zlib.compress(databytes, comp)
        ids = self._ids
        infobytes = pickle.dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                comp,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        blocklength = len(infobytes) + len(databytes)
        self._postfile.write_int(-blocklength if last else blocklength)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()
        self._mini = None


def _write_blocks(
    fieldwriter: Any,
    posting_term: np.ndarray,
    posting_doc: np.ndarray,
    weights: np.ndarray,
    length_byte: np.ndarray,
    by_rank: list[bytes],
    packed: bytes,
    offsets: np.ndarray,
) -> None:
    """Every term's postings, in blocks of ``_blocklimit`` as ``W3PostingsWriter.add_posting`` makes them:
    each block's statistics (max weight, min and max length) and minified ids (deltas from 0 at the start
    of each block) and weights (None when all are 1, one number when all are equal) computed at once, and
    turned into Python lists a thousand blocks at a time (lists of every posting would take gigabytes)."""
    count = len(posting_term)
    limit = fieldwriter._postwriter._blocklimit
    term_first = np.flatnonzero(np.diff(posting_term, prepend=-1))
    within = np.arange(count) - np.repeat(term_first, np.diff(np.append(term_first, count)))
    block_first = np.flatnonzero(within % limit == 0)
    opens_term = within[block_first] == 0
    del within
    block_end = np.append(block_first[1:], count)
    max_weight = np.maximum.reduceat(weights, block_first)
    min_weight = np.minimum.reduceat(weights, block_first)
    min_byte = np.minimum.reduceat(length_byte, block_first)
    max_byte = np.maximum.reduceat(length_byte, block_first)
    deltas = posting_doc.copy()
    deltas[1:] -= posting_doc[:-1]
    deltas[block_first] = posting_doc[block_first]
    terms = posting_term[block_first]
    writer = None
    for c0 in range(0, len(block_first), _BLOCKS_AT_ONCE):
        c1 = min(c0 + _BLOCKS_AT_ONCE, len(block_first))
        base = int(block_first[c0])
        top = int(block_end[c1 - 1])
        ids = posting_doc[base:top].tolist()
        delta_list = deltas[base:top].tolist()
        weight_list = weights[base:top].tolist()
        cuts = offsets[base : top + 1].tolist()
        for i, start, end, opens, term, low, high, small, large in zip(
            range(c0, c1),
            (block_first[c0:c1] - base).tolist(),
            (block_end[c0:c1] - base).tolist(),
            opens_term[c0:c1].tolist(),
            terms[c0:c1].tolist(),
            min_weight[c0:c1].tolist(),
            max_weight[c0:c1].tolist(),
            min_byte[c0:c1].tolist(),
            max_byte[c0:c1].tolist(),
            strict=True,
        ):
            if opens:
                if writer is not None:
                    fieldwriter.finish_term()
                fieldwriter.start_term(by_rank[term])
                writer = fieldwriter._postwriter
                writer.__class__ = _BlockWriter
            else:
                assert writer is not None and i
                writer._write_block()
            block_weights = weight_list[start:end]
            if low == high:
                mini = None if low == 1.0 else block_weights[0]
            else:
                mini = tuple(block_weights)
            writer._mini = (tuple(delta_list[start:end]), mini)
            _set_block(
                writer,
                ids[start:end],
                block_weights,
                [packed[cuts[k] : cuts[k + 1]] for k in range(start, end)],
                high,
                small,
                large,
            )
    if writer is not None:
        fieldwriter.finish_term()


_BLOCKS_AT_ONCE = 1024


# -- reading --------------------------------------------------------------------------------------

_local = threading.local()


@dataclass
class _Open:
    folder: Path
    searcher: Searcher


def _searcher(path: Path, indexname: str) -> tuple[Path, Searcher]:
    """This thread's searcher for the index behind ``path``, reopened after a swap or a commit."""
    cache: dict[tuple[str, str], _Open] = _local.__dict__.setdefault("searchers", {})
    key = (str(path), indexname)
    folder = path.resolve()
    held = cache.get(key)
    if held is not None and held.folder == folder:
        try:
            if held.searcher.up_to_date():
                return folder, held.searcher
            # Not Searcher.refresh(): it reuses segment readers by segment id, and a reused reader misses
            # deletions committed since (an updated document would still match by its old text).
            held.searcher.close()
        except Exception:  # noqa: BLE001 - a folder removed under us: open again below
            with suppress(Exception):
                held.searcher.close()
    elif held is not None:
        with suppress(Exception):
            held.searcher.close()
    if not folder.is_dir():
        raise IndexCorrupt(folder, "the folder is missing")
    try:
        searcher = index.open_dir(str(folder), indexname=indexname).searcher()
    except Exception as exc:  # noqa: BLE001 - whatever a damaged Whoosh index raises on opening
        raise IndexCorrupt(folder, f"{indexname}: {_what(exc)}") from exc
    cache[key] = _Open(folder, searcher)
    return folder, searcher


_lexicon_cache: dict[str, tuple[float, Lexicon]] = {}


def _lexicon(folder: Path, gazetteer: Path | tuple[Path, ...] | None = None) -> Lexicon:
    meta_path = folder / META_FILE
    try:
        stamp = meta_path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = 0
    key = f"{folder}|{gazetteer}"
    cached = _lexicon_cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    lexicon = Lexicon()
    if gazetteer is not None:
        for entity in _gazetteer_entities(gazetteer):
            lexicon.add(entity[0], entity[1], entity[2])
    for entity_id, entry in _read_meta(folder).get("entities", {}).items():
        for kind in entry.get("kinds") or [None]:
            lexicon.add(entity_id, kind, entry.get("names", []))
    _lexicon_cache[key] = (stamp, lexicon)
    return lexicon


@lru_cache(maxsize=4)
def _gazetteer_entities(path: Path | tuple[Path, ...]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    from indexer.gazetteer import load_gazetteer

    return tuple((e.id, e.kind, (e.name, *e.aliases)) for e in load_gazetteer(path))


def plain_snippet(snippet: str) -> str:
    """A highlighted snippet as one line of terminal text: marks dropped, entities decoded."""
    return " ".join(html.unescape(snippet.replace("<mark>", "").replace("</mark>", "")).split())


_EXACT = _exact()
_stem = lru_cache(maxsize=100_000)(stem_of)  # pure; words recur from query to query


def _expander(searcher: Searcher) -> Any:
    """Forms of a word's stem held in a field: "sanctions" -> sanction, sanctions, sanctioned, ..."""
    reader = searcher.reader()

    def expand(fieldname: str, word: str) -> list[str]:
        if fieldname not in reader.schema:
            return [word]
        target = stem_of(word)
        forms = {word}
        for btext in reader.expand_prefix(fieldname, stem_prefix(word)):
            form = btext.decode("utf-8")
            if stem_of(form) == target:
                forms.add(form)
        return sorted(forms)

    return expand


def _keywords(searcher: Searcher) -> Any:
    """The values a keyword field holds (``source`` names), read once per field and search."""
    reader = searcher.reader()
    held: dict[str, set[str]] = {}

    def values(fieldname: str) -> set[str]:
        if fieldname not in held:
            held[fieldname] = {b.decode("utf-8") for b in reader.lexicon(fieldname)}
        return held[fieldname]

    return values


def _within(a: str, b: str, limit: int) -> bool:
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _is_marked(word: str, marks: Marks) -> bool:
    judged = marks.seen.get(word)
    if judged is None:
        judged = marks.seen[word] = _judge(word, marks)
    return judged


def _judge(word: str, marks: Marks) -> bool:
    if word in marks.exact or (marks.stems and _stem(word) in marks.stems):
        return True
    if any(p.match(word) for p in marks.patterns):
        return True
    return any(_within(word, w, d) for w, d in marks.fuzzy)


_WORD_CHAR = re.compile(r"[\w*]")
_DOTTED_END = re.compile(r"[\w*]\.\Z")  # matched on the two characters before a word: "x.word" is one token


@lru_cache(maxsize=256)
def _word_starts(exact: frozenset[str], stems: frozenset[str]) -> re.Pattern[str]:
    """Where a marked word can start: an exact word, or the prefix every word of a stem starts with
    (Porter rewrites only endings: see ``stem_prefix``). A regex of literals, searched in C."""
    starts = set(exact) | {stem[: max(len(stem) - 1, 2)] for stem in stems}
    alternatives = "|".join(re.escape(s) for s in sorted(starts, key=lambda s: (-len(s), s)) if s)
    return re.compile(alternatives or r"(?!x)x")


_positive: dict[int, tuple[dict[str, bool], set[str]]] = {}  # id(marks.seen) -> (marks.seen, marked words)


def _marked_words(words: set[str], marks: Marks) -> set[str]:
    """Which of ``words`` are marked: each word judged once per query (``marks.seen``), the rest set
    operations (a snippet's text has hundreds of distinct words; a query's snippets, thousands)."""
    seen = marks.seen
    held = _positive.get(id(seen))
    if held is None or held[0] is not seen:
        if len(_positive) > 64:
            _positive.clear()
        held = _positive[id(seen)] = (seen, {w for w, marked in seen.items() if marked})
    positive = held[1]
    for word in words.difference(seen):
        if _is_marked(word, marks):
            positive.add(word)
    return words & positive


@lru_cache(maxsize=256)
def _marked_re(words: frozenset[str]) -> re.Pattern[str]:
    """The words as whole tokens of :data:`_TOKEN_RE` (runs of word characters and ``*`` joined by single
    dots): not preceded by one of those (or by one and a dot), not followed by one (or by a dot and one)."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(rf"(?<![\w*])(?<![\w*]\.)(?:{alternatives})(?![\w*])(?!\.[\w*])")


def _marked_spans(text: str, marks: Marks) -> list[tuple[int, int]]:
    """The (start, end) of every token of ``text`` that ``marks`` marks, in order."""
    lowered = text.lower()
    if len(lowered) == len(text) and "\u03a3" not in text:  # one character for one: spans carry over
        if not marks.patterns and not marks.fuzzy:  # only the tokens starting like a marked word
            starts = _word_starts(frozenset(marks.exact), frozenset(marks.stems))
            hits = []
            for found in starts.finditer(lowered):
                at = found.start()
                if at and (
                    _WORD_CHAR.match(lowered, at - 1) or _DOTTED_END.match(lowered, max(at - 2, 0), at)
                ):
                    continue  # inside a token
                token = _WORDS_RE.match(lowered, at)
                if token is not None and _is_marked(token.group(0), marks):
                    hits.append(token.span())
        else:
            marked = _marked_words(set(_WORDS_RE.findall(lowered)), marks)
            if not marked:
                return []
            hits = [m.span() for m in _marked_re(frozenset(marked)).finditer(lowered)]
    else:
        hits = [m.span() for m in _TOKEN_RE.finditer(text) if _is_marked(m.group(0).lower(), marks)]
    return hits


def highlight_text(text: str, marks: Marks, top: int = 2) -> str:
    """Best fragments of ``text`` with the marked words in ``<mark>``; every piece escaped before marking.

    Fragments are windows of at most ``FRAGMENT_CHARS`` around matched words (a short text is one
    fragment, whole); the ``top`` holding the most distinct matched words are kept, in text order.
    """
    if not text or not marks:
        return ""
    hits = _marked_spans(text, marks)
    if not hits:
        return ""
    if len(text) <= FRAGMENT_CHARS:
        windows = [(0, len(text), hits)]
    else:
        windows = []
        i = 0
        while i < len(hits):
            start = max(0, hits[i][0] - SURROUND)
            j = i + 1
            while j < len(hits) and hits[j][1] - start <= FRAGMENT_CHARS - SURROUND:
                j += 1
            end = min(len(text), hits[j - 1][1] + SURROUND)
            if start > 0:
                space = text.find(" ", start, hits[i][0])
                start = space + 1 if space >= 0 else start
            if end < len(text):
                space = text.rfind(" ", hits[j - 1][1], end)
                end = space if space >= 0 else end
            windows.append((start, end, hits[i:j]))
            i = j
        best = sorted(
            range(len(windows)),
            key=lambda k: (-len({text[a:b].lower() for a, b in windows[k][2]}), -len(windows[k][2]), k),
        )[:top]
        windows = [windows[k] for k in sorted(best)]
    pieces = []
    for start, end, spans in windows:
        out, at = [], start
        for a, b in spans:
            out.append(html.escape(text[at:a], quote=True))
            out.append(f"<mark>{html.escape(text[a:b], quote=True)}</mark>")
            at = b
        out.append(html.escape(text[at:end], quote=True))
        pieces.append("".join(out).strip())
    before = "… " if windows[0][0] > 0 else ""  # a fragment from inside the text says so at each cut end
    after = " …" if windows[-1][1] < len(text) else ""
    return before + " … ".join(pieces) + after


def lead(text: str) -> str:
    """The opening of ``text`` as an escaped snippet: cut at a word boundary, with "…" if cut."""
    if len(text) <= SNIPPET_CHARS:
        return html.escape(text, quote=True)
    cut = text.rfind(" ", 0, SNIPPET_CHARS + 1)
    return html.escape(text[: cut if cut > 0 else SNIPPET_CHARS].rstrip(), quote=True) + " …"


def _snippet(stored: Mapping[str, Any], compiled: Compiled) -> tuple[str, list[str]]:
    """The snippet of one hit: from comments or quotes when the query searched them, else from the body."""
    order = [("comments", "comments"), ("quotes", "quotes"), ("body", "body")]
    matched_in: list[str] = []
    snippet = ""
    for zone, fieldname in order:
        marks = compiled.marks.get(zone)
        if not marks:
            continue
        found = highlight_text(stored.get(fieldname) or "", marks)
        if found:
            matched_in.append(zone)
            snippet = snippet or found
    title_marks = compiled.marks.get("body")
    if title_marks and any(_is_marked(t.text, title_marks) for t in _EXACT(stored.get("title") or "")):
        matched_in.insert(0, "title")
    if not snippet:
        snippet = lead(stored.get("body") or "")
    return snippet, matched_in


def _date_arg(value: date | str | None, upper: bool) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return check_date(str(value), "until" if upper else "since")


def _filter_query(
    filters: Mapping[str, Iterable[str]] | None,
    exclude: Mapping[str, Iterable[str]] | None,
    since: date | str | None,
    until: date | str | None,
    originals_only: bool,
    facet_names: Iterable[str],
) -> tuple[list[wq.Query], list[wq.Query]]:
    """Facet filters as (queries every result must match, queries no result may match)."""
    allowed = set(facet_names)
    include: list[wq.Query] = []
    reject: list[wq.Query] = []
    for name, values in (filters or {}).items():
        bare = name.lstrip("-!")
        if bare not in allowed:
            continue
        target = reject if name != bare else include
        target.extend(wq.Term(bare, v) for v in values if v)
    for name, values in (exclude or {}).items():
        if name in allowed:
            reject.extend(wq.Term(name, v) for v in values if v)
    lo, hi = _date_arg(since, upper=False), _date_arg(until, upper=True)
    if lo and hi and lo > hi:
        raise DateOrderError(lo, hi)
    if lo or hi:
        include.append(day_range("pubday", lo, hi))
    if originals_only:
        reject.append(wq.Term("original", "no"))
    return include, reject


def _combine(q: wq.Query, include: list[wq.Query], reject: list[wq.Query], match_all: bool) -> wq.Query:
    parts = [] if match_all and include else [q]
    parts += [wq.ConstantScoreQuery(f, 0.0) for f in include]
    combined: wq.Query = parts[0] if len(parts) == 1 else wq.And(parts)
    if reject:
        combined = wq.AndNot(combined, wq.Or(reject) if len(reject) > 1 else reject[0])
    return combined


def _slow(q: wq.Query) -> bool:
    """Whether matching ``q`` reads positions or expands terms: proximity phrases, wildcards, fuzzy words."""
    for part in (q, *q.leaves()):
        if isinstance(part, wq.Phrase) and part.slop > 1 or isinstance(part, wq.FuzzyTerm | wq.Wildcard):
            return True
    return False


def _quicker(text: str) -> str:
    """The query without what makes it slow: phrases exact (no ``~N``), words whole (no wildcards)."""
    return " ".join(re.sub(r"~[0-9.]*", "", text).replace("*", "").replace("?", "").split())


@contextmanager
def _bounded(q: wq.Query, text: str) -> Iterator[None]:
    """The work one search may cause: at most ``SEARCH_SECONDS`` of matching, and at most ``SLOW_AT_ONCE``
    costly searches at a time (eight long proximity searches at once stalled every other search)."""
    slow = _slow(q)
    if slow and not _slow_searches.acquire(timeout=SEARCH_SECONDS):
        raise QueryError(
            "other slow searches (proximity, wildcards, fuzzy words) are running; try again in a moment,"
            " or search the words or the exact phrase",
            _quicker(text),
        )
    try:
        with time_limit(
            SEARCH_SECONDS,
            lambda: QueryError(
                f"the search took longer than {SEARCH_SECONDS:g} s and was stopped; narrow it (fewer words"
                " in a proximity search, no wildcards, a date range or a source)",
                _quicker(text),
            ),
        ):
            yield
    finally:
        if slow:
            _slow_searches.release()


def _ranked(
    searcher: Searcher,
    combined: wq.Query,
    matches: Matches,
    sort: str,
    match_all: bool,
    first: int,
    last: int,
) -> list[int]:
    if sort == "relevance" and not match_all:
        return [int(d) for d in matches.ranked(combined, first, last)]
    order = matches.by_date(newest=sort != "oldest")
    return [int(d) for d in order[first:last]]


def _page_bounds(limit: int, page: int) -> tuple[int, int, int, int]:
    limit, page = max(int(limit), 1), max(int(page), 1)
    return limit, page, (page - 1) * limit, page * limit


def search(
    index_path: Path,
    query: str,
    limit: int = 20,
    page: int = 1,
    facet_limit: int = 10,
    filters: Mapping[str, Iterable[str]] | None = None,
    *,
    sort: str = "relevance",
    since: date | str | None = None,
    until: date | str | None = None,
    exclude: Mapping[str, Iterable[str]] | None = None,
    originals_only: bool = False,
    facets: Iterable[str] | None = None,
    gazetteer: Path | tuple[Path, ...] | None = None,
    details: bool = False,
    _all: bool = False,
) -> dict[str, Any]:
    """Run a query; return ``{total, results: [...], facets: {kind: {value: count}}}``.

    ``filters`` narrows to documents having every given facet value (e.g. ``{"source": ["dorset-iww"]}``);
    a key written ``-source`` (or the ``exclude`` mapping) drops documents having any of the values.
    ``since``/``until`` bound the publication date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or dates);
    ``originals_only`` hides documents marked as copies of another. ``sort``: relevance, newest or oldest
    (undated documents last). ``facets`` names the facet kinds to count (default: all of
    :data:`ALL_FACETS`); each is cut to the ``facet_limit`` commonest values. ``gazetteer`` adds the
    gazetteer's aliases to the names entity fields resolve. ``details`` adds ``page``, ``pages``, ``sort``
    and ``notices`` (e.g. an entity name that matched nothing) to the answer, and ``matched_in`` (title,
    body, comments, quotes) and ``duplicate_of`` to each result; without it the shape is exactly
    ``{total, results: [{id, title, url, source, published, snippet}], facets}``.

    Raises :class:`indexer.query.QueryError` (a :class:`CasebookError`) for a malformed query.
    """
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r} (relevance, newest or oldest)", "relevance")
    facet_names = tuple(ALL_FACETS if facets is None else [f for f in facets if f in ALL_FACETS])
    limit, page, first, last = _page_bounds(limit, page)
    search_index = SearchIndex(index_path)
    if not search_index.exists():
        _ = compile_query(query or "*", make_schema())  # a malformed query is reported all the same
        _filter_query(None, None, since, until, False, ())  # and so are dates that are not dates
        empty: dict[str, Any] = {"total": 0, "results": [], "facets": {name: {} for name in facet_names}}
        if details:
            empty.update(page=page, pages=0, sort=sort, notices=[])
        if _all:
            empty["hits"] = iter(())
        return empty
    search_index._check_version()
    folder, searcher = _searcher(search_index.path, MAIN)
    with _damage_is_corrupt(folder):
        lexicon = _lexicon(folder, gazetteer)
        expand = _expander(searcher)
        compiled = compile_query(
            query or "*", searcher.schema, DOCUMENTS, lexicon.resolve, expand, _keywords(searcher)
        )
        include, reject = _filter_query(filters, exclude, since, until, originals_only, ALL_FACETS)
        combined = _combine(compiled.query, include, reject, compiled.match_all)
        with _bounded(combined, query):
            matches = Matches.of(searcher, combined, str(folder))
            total = matches.total
            if _all:  # every match, its stored fields read as it is consumed (every_match)
                first, last = 0, total
            docnums = (
                _ranked(searcher, combined, matches, sort, compiled.match_all, first, last) if total else []
            )
        if _all:
            return {"total": total, "hits": _stream(searcher, folder, docnums, quotes=False)}
        results = []
        for docnum in docnums:
            stored = searcher.stored_fields(docnum)
            published = stored.get("published")
            snippet, matched_in = _snippet(stored, compiled)
            hit = {
                "id": stored["id"],
                "title": stored["title"],
                "url": stored["url"],
                "source": stored["source"],
                "published": published or None,
                "snippet": snippet,
            }
            if details:
                hit.update(matched_in=matched_in, duplicate_of=stored.get("duplicate_of"))
            results.append(hit)
        found: dict[str, Any] = {
            "total": total,
            "results": results,
            "facets": {name: matches.top(name, facet_limit) for name in facet_names},
        }
        if details:
            found.update(page=page, pages=-(-total // limit), sort=sort, notices=compiled.notices)
        return found


def every_match(
    index_path: Path,
    query: str,
    *,
    quotes: bool = False,
    gazetteer: Path | tuple[Path, ...] | None = None,
    **narrowing: Any,
) -> tuple[int, Iterator[dict[str, Any]]]:
    """Every match of a search (``quotes``: of the quotes index), in the order of its pages, without
    building the list: ``(total, hits)``. What exports stream, however many there are.

    The query is run here, once (a malformed one raises :class:`QueryError` before anything is sent);
    ``hits`` then reads each match's stored fields as it is consumed (a hit has the fields of a
    :func:`search` or :func:`search_quotes` result, without the snippet). ``narrowing``: the keyword
    arguments of those functions (filters, exclude, speaker, source, since, until, sort, originals_only).
    """
    run = search_quotes if quotes else search
    found = run(index_path, query, limit=1, gazetteer=gazetteer, _all=True, **narrowing)
    return found["total"], found["hits"]


def _stream(
    searcher: Searcher, folder: Path, docnums: Iterable[int], quotes: bool
) -> Iterator[dict[str, Any]]:
    for docnum in docnums:
        with _damage_is_corrupt(folder):
            stored = searcher.stored_fields(int(docnum))
        published = stored.get("published") or None
        if quotes:
            yield {
                "doc_id": stored["doc_id"],
                "text": stored.get("text") or "",
                "speaker": stored.get("speaker"),
                "speaker_id": stored.get("speaker_id"),
                "cue": stored.get("cue"),
                "start": stored.get("start"),
                "title": stored.get("title"),
                "source": stored.get("source"),
                "published": published,
                "url": stored.get("url"),
            }
        else:
            yield {
                "id": stored["id"],
                "title": stored["title"],
                "url": stored["url"],
                "source": stored["source"],
                "published": published,
            }


def search_quotes(
    index_path: Path,
    query: str = "*",
    limit: int = 20,
    page: int = 1,
    *,
    speaker: str | None = None,
    speaker_id: str | None = None,
    source: str | Iterable[str] | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    sort: str = "relevance",
    originals_only: bool = False,
    gazetteer: Path | tuple[Path, ...] | None = None,
    _all: bool = False,
) -> dict[str, Any]:
    """Search the quotes index; each hit carries its citation.

    ``query`` uses the same language (words, phrases, ``speaker:``, ``source:``, ``published:``); the
    keyword arguments narrow further. Returns ``{total, results: [{doc_id, text, speaker, speaker_id, cue,
    start, title, source, published, url, snippet}]}``.
    """
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r} (relevance, newest or oldest)", "relevance")
    limit, page, first, last = _page_bounds(limit, page)
    search_index = SearchIndex(index_path)
    if not search_index.exists():
        compile_query(query or "*", make_quotes_schema(), QUOTES)
        return {"total": 0, "results": [], **({"hits": iter(())} if _all else {})}
    search_index._check_version()
    folder, searcher = _searcher(search_index.path, QUOTES_INDEX)
    with _damage_is_corrupt(folder):
        lexicon = _lexicon(folder, gazetteer)
        compiled = compile_query(query or "*", searcher.schema, QUOTES, lexicon.resolve, _expander(searcher))
        include: list[wq.Query] = []
        reject: list[wq.Query] = []
        if speaker:
            phrase = speaker.replace('"', " ")
            speaker_q = compile_query(f'speaker:"{phrase}"', searcher.schema, QUOTES, lexicon.resolve)
            include.append(speaker_q.query)
        if speaker_id:
            include.append(wq.Term("speaker_id", speaker_id))
        if source:
            sources = [source] if isinstance(source, str) else list(source)
            include.append(wq.Or([wq.Term("source", s) for s in sources]))
        date_include, date_reject = _filter_query(None, None, since, until, originals_only, ())
        include += date_include
        reject += date_reject
        combined = _combine(compiled.query, include, reject, compiled.match_all)
        with _bounded(combined, query):
            matches = Matches.of(searcher, combined, str(folder))
            total = matches.total
            if _all:  # every match, its stored fields read as it is consumed (every_match)
                first, last = 0, total
            docnums = (
                _ranked(searcher, combined, matches, sort, compiled.match_all, first, last) if total else []
            )
        if _all:
            return {"total": total, "hits": _stream(searcher, folder, docnums, quotes=True)}
        results = []
        for docnum in docnums:
            stored = searcher.stored_fields(docnum)
            published = stored.get("published")
            marks = compiled.marks.get("text")
            text = stored.get("text") or ""
            snippet = highlight_text(text, marks, top=3) if marks else ""
            results.append(
                {
                    "doc_id": stored["doc_id"],
                    "text": text,
                    "speaker": stored.get("speaker"),
                    "speaker_id": stored.get("speaker_id"),
                    "cue": stored.get("cue"),
                    "start": stored.get("start"),  # where it stands in the document's text
                    "title": stored.get("title"),
                    "source": stored.get("source"),
                    "published": published or None,
                    "url": stored.get("url"),
                    "snippet": snippet or lead(text),
                }
            )
        return {"total": total, "results": results}
