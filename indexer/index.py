"""The search index: Whoosh on disk, derived from the store and rebuildable from it at any time.

``DATA/index`` is a symlink to the live index folder, which holds two Whoosh indexes: documents (``MAIN``)
and quotes (``QUOTES``), plus ``casebook-index.json`` (schema version and the entity names seen, used to
resolve ``scheme:ESA``). ``rebuild`` writes a fresh folder and swaps the link atomically, so readers never
see a half-built index; ``update`` adds or replaces documents in place, one writer at a time (Whoosh's lock,
taken with a timeout; a writer that cannot get it says who holds it). Readers keep a searcher per thread
and refresh it when the index changes or the link is swapped.

Search goes through :mod:`indexer.query` (the query language) and :mod:`indexer.facets` (matching sets and
facet counts as numpy arrays); Whoosh scores only when results are ranked by relevance.
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
import socket
import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh import query as wq
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.searching import Searcher

from casebook.errors import CasebookError
from casebook.models import ENTITY_KINDS, Mention, Quote
from casebook.store import StoredDocument
from indexer.facets import Matches
from indexer.query import (
    DOCUMENTS,
    QUOTES,
    Compiled,
    Lexicon,
    Marks,
    QueryError,
    compile_query,
    day_range,
    stem_of,
    stem_prefix,
)

log = logging.getLogger(__name__)

__all__ = [
    "ALL_FACETS",
    "FACETS",
    "LOCK_TIMEOUT",
    "QueryError",
    "SORTS",
    "SearchIndex",
    "document_fields",
    "plain_snippet",
    "search",
    "search_quotes",
]

SCHEMA_VERSION = 2
LOCK_TIMEOUT = 30.0  # seconds a writer waits for another writer to finish
FACETS: tuple[str, ...] = ("source", "year", "author", *ENTITY_KINDS)
ALL_FACETS: tuple[str, ...] = ("source", "year", "month", "author", *ENTITY_KINDS)
SORTS = ("relevance", "newest", "oldest")
SEARCH_FIELDS = ("title", "body")
MAIN = "MAIN"
QUOTES_INDEX = "QUOTES"
META_FILE = "casebook-index.json"
WRITER_FILE = "casebook-writer.json"
SNIPPET_CHARS = 240
FRAGMENT_CHARS = 220
SURROUND = 60


def _exact() -> StandardAnalyzer:
    """Words as written (lower-cased), stop words kept: phrases are matched against these, exactly."""
    return StandardAnalyzer(stoplist=None, minsize=1)


class FastPositions(Positions):
    """Whoosh's positions format, with the exact analyzer (regex + lower case) inlined at index time.

    Produces the same terms, positions and weights as ``Positions`` with :func:`_exact`, without building
    a Token object per word: indexing is the slow part of Whoosh, and this is its hottest loop.
    """

    def word_values(
        self, value: Any, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        if not isinstance(value, str):  # pragma: no cover - lists of tokens: the general path
            yield from super().word_values(value, analyzer, **kwargs)
            return
        poses: dict[str, list[int]] = {}
        for pos, match in enumerate(_TOKEN_RE.finditer(value)):
            word = match.group(0).lower()
            found = poses.get(word)
            if found is None:
                poses[word] = [pos]
            else:
                found.append(pos)
        boost = self.field_boost
        encode = self.encode
        for word, poslist in poses.items():
            yield (word, len(poslist), len(poslist) * boost, encode(poslist))


_TOKEN_RE = _exact().items[0].expression


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
        "url": doc.url,
        "title": doc.title,
        "body": doc.text,
        "comments": comments,
        "source": doc.source,
        "author": ",".join(a.replace(",", " ") for a in doc.authors),
        "author_text": "\n".join(doc.authors),
        "original": "no" if duplicate_of else "yes",
        **{kind: ",".join(sorted(ids)) for kind, ids in by_kind.items()},
        **_day(doc.published),
        "_entities": sorted({(m.id, m.kind, m.name, m.text) for m in mentions}),
    }
    if duplicate_of:
        fields["duplicate_of"] = str(duplicate_of)
    if doc.published is not None:
        fields["year"] = f"{doc.published.year:04d}"
        fields["month"] = f"{doc.published.year:04d}-{doc.published.month:02d}"
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


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise CasebookError(f"{folder / META_FILE} is unreadable ({exc}); run casebook reindex") from None


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
        return self.path.exists() and index.exists_in(str(self.path), indexname=MAIN)

    def folder(self) -> Path:
        return self.path.resolve()

    def open(self) -> index.Index:
        if not self.exists():
            self._create_live()
        self._check_version()
        return index.open_dir(str(self.path), indexname=MAIN)

    def open_quotes(self) -> index.Index:
        if not self.exists():
            self._create_live()
        if not index.exists_in(str(self.path), indexname=QUOTES_INDEX):
            index.create_in(str(self.path), make_quotes_schema(), indexname=QUOTES_INDEX)
        return index.open_dir(str(self.path), indexname=QUOTES_INDEX)

    def _check_version(self) -> None:
        meta = _read_meta(self.folder())
        if meta.get("schema") != SCHEMA_VERSION:
            raise CasebookError(
                f"the search index at {self.path} was built by an older version of Casebook;"
                " run casebook reindex to rebuild it from the store"
            )

    def _create_live(self) -> None:
        target = self._new_folder()
        _create_in(target)
        self._point_to(target)

    def _new_folder(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        target = self.path.parent / f"{self.path.name}-{stamp}"
        target.mkdir(parents=True)
        return target

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
    def _writer_lock(self, ix: index.Index) -> Iterator[Any]:
        """Whoosh's write lock, waited for ``lock_timeout`` seconds; who holds it is said if it is not had."""
        folder = self.folder()
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

    def update(self, entries: Iterable[dict[str, Any]]) -> int:
        """Add or replace entries (by id) in the live index; one writer at a time."""
        ix = self.open()
        quotes_ix = self.open_quotes()
        folder = self.folder()
        count = 0
        with self._writer_lock(ix) as writer:
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
            except BaseException:
                writer.cancel()
                quotes_writer.cancel()
                raise
            _write_meta(folder, entities)
            quotes_writer.commit()
            writer.commit()
        return count

    def rebuild(self, entries: Iterable[dict[str, Any]], procs: int = 1) -> int:
        """Build a complete new index from ``entries`` beside the live one, then swap it in."""
        target = self._new_folder()
        try:
            ix, quotes_ix = _create_in(target)
            options: dict[str, Any] = {"limitmb": 256}
            if procs > 1:
                options.update(procs=procs, multisegment=True)
            writer = ix.writer(**options)
            quotes_writer = quotes_ix.writer(limitmb=128)
            entities: dict[str, dict[str, Any]] = {}
            count = 0
            for fields in self._with_quotes(entries):
                writer.add_document(**_whoosh_fields(fields))
                for entry in _quote_entries(fields):
                    quotes_writer.add_document(**_whoosh_fields(entry))
                _merge_entities(entities, fields.get("_entities", ()))
                count += 1
            quotes_writer.commit()
            writer.commit()
            _write_meta(target, entities)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        previous = self._point_to(target)
        if previous is not None and previous != target.resolve():
            shutil.rmtree(previous, ignore_errors=True)
        return count

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
        return index.open_dir(str(self.path), indexname=MAIN).doc_count()

    def lexicon(self) -> Lexicon:
        return _lexicon(self.folder())


def _stored_quotes(conn: sqlite3.Connection, doc_id: str) -> list[Quote]:
    try:
        rows = conn.execute(
            "SELECT text, speaker, speaker_id, cue, start, end FROM quotes WHERE doc_id=? ORDER BY start",
            (doc_id,),
        ).fetchall()
    except sqlite3.Error:
        return []
    return [Quote(*row) for row in rows]


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
    searcher = index.open_dir(str(folder), indexname=indexname).searcher()
    cache[key] = _Open(folder, searcher)
    return folder, searcher


_lexicon_cache: dict[str, tuple[float, Lexicon]] = {}


def _lexicon(folder: Path, gazetteer: Path | None = None) -> Lexicon:
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
def _gazetteer_entities(path: Path) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    from indexer.gazetteer import load_gazetteer

    return tuple((e.id, e.kind, (e.name, *e.aliases)) for e in load_gazetteer(path))


def plain_snippet(snippet: str) -> str:
    """A highlighted snippet as one line of terminal text: marks dropped, entities decoded."""
    return " ".join(html.unescape(snippet.replace("<mark>", "").replace("</mark>", "")).split())


_EXACT = _exact()
_stem = stem_of


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


def highlight_text(text: str, marks: Marks, top: int = 2) -> str:
    """Best fragments of ``text`` with the marked words in ``<mark>``; every piece escaped before marking.

    Fragments are windows of at most ``FRAGMENT_CHARS`` around matched words (a short text is one
    fragment, whole); the ``top`` holding the most distinct matched words are kept, in text order.
    """
    if not text or not marks:
        return ""
    hits = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text) if _is_marked(m.group(0).lower(), marks)]
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
    return " … ".join(pieces)


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
        snippet = html.escape((stored.get("body") or "")[:SNIPPET_CHARS], quote=True)
    return snippet, matched_in


def _date_arg(value: date | str | None, upper: bool) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from indexer.query import _date_suggestion, parse_date

    try:
        return parse_date(str(value), upper=upper)
    except ValueError:
        which = "until" if upper else "since"
        raise QueryError(
            f"--{which} {value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
            f"--{which} {_date_suggestion(str(value))}",
        ) from None


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
        raise QueryError(f"--since {lo} is after --until {hi}", f"--since {hi} --until {lo}")
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
    gazetteer: Path | None = None,
    details: bool = False,
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
        empty: dict[str, Any] = {"total": 0, "results": [], "facets": {name: {} for name in facet_names}}
        if details:
            empty.update(page=page, pages=0, sort=sort, notices=[])
        return empty
    search_index._check_version()
    folder, searcher = _searcher(search_index.path, MAIN)
    lexicon = _lexicon(folder, gazetteer)
    compiled = compile_query(query or "*", searcher.schema, DOCUMENTS, lexicon.resolve, _expander(searcher))
    include, reject = _filter_query(filters, exclude, since, until, originals_only, ALL_FACETS)
    combined = _combine(compiled.query, include, reject, compiled.match_all)
    matches = Matches.of(searcher, combined, str(folder))
    total = matches.total
    docnums = _ranked(searcher, combined, matches, sort, compiled.match_all, first, last) if total else []
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
    gazetteer: Path | None = None,
) -> dict[str, Any]:
    """Search the quotes index; each hit carries its citation.

    ``query`` uses the same language (words, phrases, ``speaker:``, ``source:``, ``published:``); the
    keyword arguments narrow further. Returns ``{total, results: [{doc_id, text, speaker, speaker_id, cue,
    title, source, published, url, snippet}]}``.
    """
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r} (relevance, newest or oldest)", "relevance")
    limit, page, first, last = _page_bounds(limit, page)
    search_index = SearchIndex(index_path)
    if not search_index.exists() or not index.exists_in(str(search_index.path), indexname=QUOTES_INDEX):
        compile_query(query or "*", make_quotes_schema(), QUOTES)
        return {"total": 0, "results": []}
    search_index._check_version()
    folder, searcher = _searcher(search_index.path, QUOTES_INDEX)
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
    matches = Matches.of(searcher, combined, str(folder))
    total = matches.total
    docnums = _ranked(searcher, combined, matches, sort, compiled.match_all, first, last) if total else []
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
                "title": stored.get("title"),
                "source": stored.get("source"),
                "published": published or None,
                "url": stored.get("url"),
                "snippet": snippet or html.escape(text[:SNIPPET_CHARS], quote=True),
            }
        )
    return {"total": total, "results": results}
