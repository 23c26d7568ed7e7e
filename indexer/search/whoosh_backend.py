"""The Whoosh backend: the index in the data folder, derived from the store and rebuildable at any time.

``DATA/index`` is a symlink to the live index folder, which holds two Whoosh indexes: documents (``MAIN``)
and quotes (``QUOTES``), plus ``casebook-index.json`` (schema version and the entity names seen, used to
resolve ``scheme:ESA``). ``rebuild`` writes a fresh folder and swaps the link atomically, so readers never
see a half-built index; ``update`` adds or replaces documents in place, one writer at a time (Whoosh's lock,
taken with a timeout; a writer that cannot get it says who holds it). Readers keep a searcher per thread
and refresh it when the index changes or the link is swapped.

Entries are laid out by :mod:`indexer.search.whoosh_schema`; a rebuild writes them with the bulk writer of
:mod:`indexer.search.whoosh_internals` (the segment Whoosh's writer would make, several times faster).
Queries (:mod:`indexer.search.tree`) become Whoosh queries (:mod:`indexer.search.whoosh_query`) that the
numpy evaluator matches, ranks and counts (:mod:`indexer.search.whoosh_evaluator`). A damaged index
(missing, truncated or garbage files, a link to a missing folder, another schema) raises
:class:`IndexCorrupt` with one line naming the folder, from opening, searching or updating;
:meth:`WhooshIndex.check` lists such problems; ``rebuild`` (``casebook reindex``) makes a new index beside
it and removes it.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import pickle
import shutil
import socket
import struct
import sys
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.searching import Searcher

from casebook.errors import CasebookError
from casebook.processes import pid_alive
from indexer.search.backend import Found, IndexCorrupt, IndexOutdated, Inventory, Kind, Wanted
from indexer.search.entries import IndexEntry
from indexer.search.lexicon import SeenEntity
from indexer.search.whoosh_evaluator import Matches
from indexer.search.whoosh_internals import BulkWriter, discard_unlisted, open_index
from indexer.search.whoosh_query import expander, to_whoosh
from indexer.search.whoosh_schema import (
    DAY_FIELDS,
    MAIN,
    QUOTES_INDEX,
    document_fields,
    make_quotes_schema,
    make_schema,
    quote_fields,
    schemas,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 6  # 3: positions packed as uint32 arrays (FastPositions), block data pickled with protocol 4
# 4: the extraction field (how sure extraction was), a facet
# 5: url is the canonical URL; undated documents have year "undated"
# 6: the day the archive first fetched each page (colday, collected, collected_year, collected_month)
LOCK_TIMEOUT = 30.0  # seconds a writer waits for another writer to finish
BUILDING_MARK = ".building"  # in an index folder still being built: the builder's process id
FOLDERS_LOCK = ".{name}.lock"  # beside the link: held while folders are made, swapped in or swept
SEGMENT_TOKENS = 24_000_000  # words a rebuild holds in memory before writing a segment (~40,000 articles)
META_FILE = "casebook-index.json"
WRITER_FILE = "casebook-writer.json"
INDEXES: dict[Kind, str] = {"documents": MAIN, "quotes": QUOTES_INDEX}


# -- damage ---------------------------------------------------------------------------------------

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


_meta_cache: dict[Path, tuple[tuple[int, int, int], dict[str, Any], Mapping[str, SeenEntity]]] = {}


def _current_meta(folder: Path) -> tuple[dict[str, Any], Mapping[str, SeenEntity]]:
    """The folder's ``casebook-index.json`` and the entities it names, read again only when the file has
    changed (a search reads it for the schema version and the names; the file grows with the archive)."""
    path = folder / META_FILE
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
    except FileNotFoundError:
        stamp = (0, 0, 0)
    held = _meta_cache.get(folder)
    if held is not None and held[0] == stamp:
        return held[1], held[2]
    meta = _read_meta(folder)
    seen = {
        entity_id: SeenEntity(tuple(entry.get("kinds") or ()), tuple(entry.get("names") or ()))
        for entity_id, entry in (meta.get("entities") or {}).items()
    }
    if len(_meta_cache) > 16:
        _meta_cache.clear()
    _meta_cache[folder] = (stamp, meta, seen)
    return meta, seen


class WhooshIndex:
    """The index behind ``DATA/index`` (made when first written to): a :class:`SearchBackend`."""

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
            open_index(self.path, MAIN, make_schema())
        except index.EmptyIndexError:
            return False
        except Exception:  # noqa: BLE001 - a table of contents there, unreadable: an index, damaged
            return True
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
        """The Whoosh index of documents (made if there is none yet)."""
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
            ix = open_index(folder, indexname, schemas()[indexname])
            ix.reader().close()
        except Exception as exc:  # noqa: BLE001 - whatever a damaged Whoosh index raises on opening
            raise IndexCorrupt(folder, f"{indexname}: {_what(exc)}") from exc
        return ix

    def _check_version(self, folder: Path | None = None) -> None:
        folder = folder or self.live_folder()
        meta, _seen = _current_meta(folder)
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
        with self._folders_locked():
            if self.exists():  # another process made it while this one waited
                return
            target = self._new_folder()
            _create_in(target)
            self._point_to(target)
            (target / BUILDING_MARK).unlink()

    @contextmanager
    def _folders_locked(self) -> Iterator[None]:
        """Hold the lock under which index folders are made, swapped in and swept (a file lock, let go by
        the system when its holder dies). A sweep then sees every folder either marked by its builder, live,
        or left behind: a process killed between any two steps of a swap leaves only the last kind."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lockfile = self.path.parent / FOLDERS_LOCK.format(name=self.path.name)
        with open(lockfile, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _new_folder(self) -> Path:
        """A new index folder, marked with the building process's id until it is swapped in (made under
        :meth:`_folders_locked`, so no sweep sees it before its mark)."""
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        target = self.path.parent / f"{self.path.name}-{stamp}"
        target.mkdir(parents=True)
        (target / BUILDING_MARK).write_text(str(os.getpid()), encoding="ascii")
        return target

    def _sweep_abandoned(self) -> list[Path]:
        """Remove the index folders a killed process left behind (called under :meth:`_folders_locked`).

        Every folder beside the link is the live one, one being built by a live process (its mark), or left
        behind: marked by a process that is gone, or unmarked (an old index whose removal was cut short, a
        build killed as it was made or discarded). Only the first two are kept."""
        removed = []
        live = self.path.resolve() if self.path.is_symlink() else None
        for folder in self.path.parent.glob(f"{self.path.name}-*"):
            if folder == live or not folder.is_dir():
                continue
            try:
                builder = int((folder / BUILDING_MARK).read_text(encoding="ascii").strip())
            except (OSError, ValueError):
                builder = 0
            if builder <= 0 or not pid_alive(builder):
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
        if host == socket.gethostname() and not pid_alive(pid):
            return (
                f"the search index lock is stale: the writer that took it ({who}) is gone ({waited});"
                f" delete {lockfile} and {folder / WRITER_FILE}, then run again"
            )
        return (
            f"the search index is being written by another process ({who}); {waited}; run again when it ends"
        )

    def update(self, entries: Iterable[IndexEntry], target: Path | None = None) -> int:
        """Add or replace entries (by id) in the live index, or in ``target`` (a rebuild's folder, before it
        is swapped in); one writer at a time."""
        if target is None:
            ix, quotes_ix = self.open(), self.open_quotes()
            folder = self.folder()
        else:
            folder = target
            ix = open_index(folder, MAIN, make_schema())
            quotes_ix = open_index(folder, QUOTES_INDEX, make_quotes_schema())
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
                for entry in entries:
                    writer.update_document(**document_fields(entry))
                    quotes_writer.delete_by_term("doc_id", entry.id)
                    for fields in quote_fields(entry):
                        quotes_writer.add_document(**fields)
                    _merge_entities(entities, entry.names)
                    count += 1
            except BaseException as exc:
                for cancelled in (writer, quotes_writer):
                    with suppress(Exception):
                        cancelled.cancel()
                discard_unlisted(folder, schemas())
                if _is_damage(exc):  # replacing a document reads the segments it is in
                    raise IndexCorrupt(folder, _what(exc)) from exc
                raise
            try:
                _write_meta(folder, entities)
                with _damage_is_corrupt(folder):  # committing may merge small segments: read them
                    quotes_writer.commit()
                    writer.commit()
            except BaseException:
                discard_unlisted(folder, schemas())
                raise
        return count

    def rebuild(self, entries: Iterable[IndexEntry]) -> int:
        """Build a complete new index from ``entries`` beside the live one, then swap it in.

        Documents written to the live index while this runs are not in the new one: a caller that lets
        writers run meanwhile adds them with :meth:`update` (``target=``) between :meth:`build` and
        :meth:`swap_in`, as ``casebook reindex`` does.
        """
        target = self.new_build()
        count = self.build(target, entries)
        self.swap_in(target)
        return count

    def new_build(self) -> Path:
        """A new, empty index folder beside the live one, marked as being built by this process (so
        :meth:`rebuilding` is true until :meth:`swap_in`); folders left by killed rebuilds are removed."""
        with self._folders_locked():
            for folder in self._sweep_abandoned():
                log.info("removed %s, left by a rebuild that did not finish", folder)
            target = self._new_folder()
        try:
            _create_in(target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        return target

    def build(self, target: Path, entries: Iterable[IndexEntry]) -> int:
        """Write ``entries`` into the new folder ``target`` with the bulk writer, a segment per
        ``SEGMENT_TOKENS`` words (bounded memory). On any failure the folder is removed."""
        try:
            ix = open_index(target, MAIN, make_schema())
            quotes_ix = open_index(target, QUOTES_INDEX, make_quotes_schema())
            writer = BulkWriter(ix)
            quotes_writer = BulkWriter(quotes_ix)
            entities: dict[str, dict[str, Any]] = {}
            count = 0
            for entry in entries:
                writer.add_document(**document_fields(entry))
                for fields in quote_fields(entry):
                    quotes_writer.add_document(**fields)
                _merge_entities(entities, entry.names)
                count += 1
                if writer.tokens_held() >= SEGMENT_TOKENS:
                    writer.commit(merge=False)
                    writer = BulkWriter(ix)
                if quotes_writer.tokens_held() >= SEGMENT_TOKENS:
                    quotes_writer.commit(merge=False)
                    quotes_writer = BulkWriter(quotes_ix)
            quotes_writer.commit(merge=False)
            writer.commit(merge=False)
            _write_meta(target, entities)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        return count

    def swap_in(self, target: Path) -> None:
        """Make the built folder ``target`` the live index (an atomic link swap) and remove the old one.
        Its mark goes once it is live: killed before that, it would otherwise be swept as left behind."""
        with self._folders_locked():
            previous = self._point_to(target)
            (target / BUILDING_MARK).unlink()
            if previous is not None and previous != target.resolve():
                shutil.rmtree(previous, ignore_errors=True)

    def discard(self, target: Path) -> None:
        """Give up a build that will not be swapped in."""
        shutil.rmtree(target, ignore_errors=True)

    def rebuilding(self) -> bool:
        """Whether a live process is building a new index folder beside this one (the live folder is not
        being built, whatever mark a swap killed half-way left in it)."""
        live = self.path.resolve() if self.path.is_symlink() else None
        for folder in self.path.parent.glob(f"{self.path.name}-*"):
            if folder == live:
                continue
            try:
                builder = int((folder / BUILDING_MARK).read_text(encoding="ascii").strip())
            except (OSError, ValueError):
                continue
            if builder > 0 and pid_alive(builder):
                return True
        return False

    def doc_count(self) -> int:
        """Documents in the index (0 when there is none)."""
        if not self.exists():
            return 0
        ix = self._open_index(MAIN)
        with _damage_is_corrupt(self.live_folder(), (Exception,)):
            return ix.doc_count()

    def inventory(self) -> Inventory:
        """Every document id held (with how many entries hold it), the copies marked, and the quotes held
        per document (None when the quotes index is missing): a full scan, for ``casebook check``."""
        folder = self.live_folder()
        self._check_version(folder)
        with _damage_is_corrupt(folder, (Exception,)):
            with open_index(folder, MAIN, make_schema()).reader() as reader:
                ids_at = _live_terms(reader, "id")
                copies = {
                    ids_at[docnum][0]: original
                    for docnum, (original, *_) in _live_terms(reader, "duplicate_of").items()
                    if docnum in ids_at
                }
            quotes: Counter[str] | None = None
            if _has_index(folder, QUOTES_INDEX):
                with open_index(folder, QUOTES_INDEX, make_quotes_schema()).reader() as reader:
                    quotes = Counter(doc_id for doc_id, *_ in _live_terms(reader, "doc_id").values())
        return Inventory(Counter(ids[0] for ids in ids_at.values()), copies, quotes)

    # -- reading ------------------------------------------------------------------------------------

    def seen_entities(self) -> Mapping[str, SeenEntity]:
        """The entities the indexed documents name, with the names used (``casebook-index.json``)."""
        folder = self.live_folder()
        self._check_version(folder)
        return _current_meta(folder)[1]

    def known_values(self, kind: Kind, field: str) -> set[str]:
        """The values the index of ``kind`` holds in the keyword field ``field``."""
        folder, searcher = _searcher(self.path, INDEXES[kind])
        with _damage_is_corrupt(folder):
            return {b.decode("utf-8") for b in searcher.reader().lexicon(field)}

    def find(self, wanted: Wanted) -> Found:
        """Match with the numpy evaluator: counted and faceted at once; the page ranked by BM25 or ordered
        by date; stored values read as the hits are consumed."""
        self._check_version()
        folder, searcher = _searcher(self.path, INDEXES[wanted.kind])
        with _damage_is_corrupt(folder):
            q = to_whoosh(wanted.query, expander(searcher.reader()))
            matches = Matches.of(searcher, q, str(folder))
            total = matches.total
            last = total if wanted.last is None else wanted.last
            if not total:
                docnums = []
            elif wanted.order == "relevance":
                docnums = matches.ranked(q, wanted.first, last).tolist()
            else:
                newest = wanted.order == "newest"
                by = DAY_FIELDS[wanted.dated_by]
                docnums = matches.by_date(newest=newest, field=by)[wanted.first : last].tolist()
            facets = {name: matches.top(name, wanted.facet_limit) for name in wanted.facets}
        return Found(total, facets, _stored(searcher, folder, docnums))


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


def _live_terms(reader: Any, fieldname: str) -> dict[int, list[str]]:
    """{document number: its values of ``fieldname``} over the documents not deleted."""
    found: dict[int, list[str]] = defaultdict(list)
    if fieldname not in reader.schema:
        return found
    for term in reader.field_terms(fieldname):
        for docnum in reader.postings(fieldname, term).all_ids():
            if not reader.is_deleted(docnum):
                found[docnum].append(term)
    return found


def _has_index(folder: Path, indexname: str) -> bool:
    try:
        open_index(folder, indexname, schemas()[indexname])
    except index.EmptyIndexError:
        return False
    return True


def _create_in(folder: Path) -> tuple[index.Index, index.Index]:
    ix = index.create_in(str(folder), make_schema(), indexname=MAIN)
    quotes_ix = index.create_in(str(folder), make_quotes_schema(), indexname=QUOTES_INDEX)
    _write_meta(folder, {})
    return ix, quotes_ix


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
        searcher = open_index(folder, indexname, schemas()[indexname]).searcher()
    except Exception as exc:  # noqa: BLE001 - whatever a damaged Whoosh index raises on opening
        raise IndexCorrupt(folder, f"{indexname}: {_what(exc)}") from exc
    cache[key] = _Open(folder, searcher)
    return folder, searcher


def _stored(searcher: Searcher, folder: Path, docnums: Iterable[int]) -> Iterator[dict[str, Any]]:
    """The stored values of each document, read as they are asked for."""
    for docnum in docnums:
        with _damage_is_corrupt(folder):
            stored = searcher.stored_fields(docnum)
        yield stored
