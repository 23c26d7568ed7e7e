"""The Whoosh backend's query evaluator and ranker: matching sets, BM25 scores, facet counts and date order
as numpy arrays, per segment, instead of Whoosh's matchers walked hit by hit.

For each segment, and once per segment (cached by segment id and deletion count), the values of every
facet field are read from the postings into two flat arrays (document number, value ordinal). Counting a
facet for a query is then ``bincount(ordinals[matched[docs]])``: a few milliseconds at 100,000 documents,
whatever the number of hits. The set of matching documents is computed the same way, by evaluating the
query's boolean structure over postings arrays (phrases over packed positions, a block at a time); a query
of a kind this does not know falls back to Whoosh's own matcher. Results ranked by relevance are scored
here too, with BM25 as Whoosh's ``BM25F`` defines it (Whoosh itself scores nothing). Postings, columns and
positions are read through :mod:`indexer.search.whoosh_internals`; tests/test_facets.py checks the matching
sets against Whoosh's own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.search.bounds import check_time
from indexer.search.whoosh_internals import (
    field_lengths,
    numeric_column,
    positions_in,
    posting_ids,
    postings,
)

NO_DAY = np.iinfo(np.int32).min  # the day of a document without a publication date
POSTINGS_CACHE_BYTES = 96 * 2**20  # decoded postings kept per segment (most-recently used first)
PHRASE_CACHE_BYTES = 32 * 2**20  # phrase answers kept per segment (most-recently used first)
_CACHE_SIZE = 64
_cache: OrderedDict[tuple[Any, ...], SegmentArrays] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass
class Column:
    docs: np.ndarray  # int32 document numbers
    ords: np.ndarray  # int32 value ordinals, parallel to docs
    values: list[str]


@dataclass
class PhraseAnswer:
    """A phrase's documents in one segment (sorted) and each of its words' weights in them."""

    docs: np.ndarray
    weights: dict[str, np.ndarray]

    @property
    def nbytes(self) -> int:
        return self.docs.nbytes + sum(w.nbytes for w in self.weights.values()) + 200


@dataclass
class SegmentArrays:
    """What one segment's readers need for counting: live documents, facet columns, publication days."""

    size: int
    live: np.ndarray
    columns: dict[str, Column] = field(default_factory=dict)
    days: dict[str, np.ndarray] = field(default_factory=dict)  # day-number field -> each document's day
    field_lengths: dict[str, np.ndarray] = field(default_factory=dict)
    postings: OrderedDict[tuple[str, Any], tuple[np.ndarray, np.ndarray | None]] = field(
        default_factory=OrderedDict
    )
    postings_bytes: int = 0
    phrases: OrderedDict[tuple[str, tuple[str, ...], int], PhraseAnswer] = field(default_factory=OrderedDict)
    phrases_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def column(self, reader: Any, fieldname: str) -> Column:
        col = self.columns.get(fieldname)
        if col is not None:
            return col
        with self.lock:
            col = self.columns.get(fieldname)
            if col is None:
                col = _read_column(reader, fieldname)
                self.columns[fieldname] = col
        return col

    def cached_postings(self, key: tuple[str, Any]) -> tuple[np.ndarray, np.ndarray | None] | None:
        with self.lock:
            found = self.postings.get(key)
            if found is not None:
                self.postings.move_to_end(key)
            return found

    def keep_postings(self, key: tuple[str, Any], value: tuple[np.ndarray, np.ndarray | None]) -> None:
        """Keep a term's decoded postings for the next queries (Whoosh decodes them block by block in
        Python, the slowest part of a query), within ``POSTINGS_CACHE_BYTES`` per segment."""
        size = value[0].nbytes + (value[1].nbytes if value[1] is not None else 0)
        if size > POSTINGS_CACHE_BYTES // 8:
            return
        with self.lock:
            self.postings[key] = value
            self.postings_bytes += size
            while self.postings_bytes > POSTINGS_CACHE_BYTES and self.postings:
                _key, (ids, ws) = self.postings.popitem(last=False)
                self.postings_bytes -= ids.nbytes + (ws.nbytes if ws is not None else 0)

    def lengths(self, reader: Any, fieldname: str) -> np.ndarray:
        """Each document's length in ``fieldname`` (Whoosh's byte approximation), for BM25."""
        found = self.field_lengths.get(fieldname)
        if found is None:
            found = field_lengths(reader, fieldname, self.size)
            self.field_lengths[fieldname] = found
        return found

    def published_days(self, reader: Any, fieldname: str = "pubday") -> np.ndarray:
        """Publication day (``date.toordinal``) of every document of the segment; NO_DAY where none. With
        ``fieldname`` ``colday``: the day each was collected."""
        found = self.days.get(fieldname)
        if found is None:
            found = self.days[fieldname] = _day_column(reader, self.size, fieldname)
        return found


def _day_column(reader: Any, size: int, fieldname: str = "pubday") -> np.ndarray:
    days = np.zeros(size, dtype=np.int32)
    if fieldname in reader.schema and reader.has_column(fieldname):
        values = numeric_column(reader, fieldname, size)
        values[values > 10_000_000] = 0  # the column's default, for a document without a date
        days[:] = values
    days[days <= 0] = NO_DAY
    return days


def _read_column(reader: Any, fieldname: str) -> Column:
    docs: list[np.ndarray] = []
    ords: list[np.ndarray] = []
    values: list[str] = []
    if fieldname in reader.schema:
        fieldobj = reader.schema[fieldname]
        for btext in reader.lexicon(fieldname):
            ids = posting_ids(reader.postings(fieldname, fieldobj.from_bytes(btext)))
            if len(ids):
                docs.append(ids.astype(np.int32))
                ords.append(np.full(len(ids), len(values), dtype=np.int32))
                values.append(fieldobj.from_bytes(btext))
    if not docs:
        return Column(np.empty(0, np.int32), np.empty(0, np.int32), [])
    return Column(np.concatenate(docs), np.concatenate(ords), values)


def segment_arrays(reader: Any, folder: str) -> SegmentArrays:
    segment = reader.segment()
    key = (folder, segment.segment_id(), segment.deleted_count(), reader.doc_count_all())
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    size = reader.doc_count_all()
    live = np.ones(size, dtype=bool)
    if reader.has_deletions():
        deleted = np.fromiter(segment.deleted_docs(), dtype=np.int64)
        live[deleted[deleted < size]] = False
    arrays = SegmentArrays(size, live)
    with _cache_lock:
        _cache[key] = arrays
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return arrays


B = 0.75  # BM25, as Whoosh's BM25F defaults
K1 = 1.2
MAX_SCORED_EXPANSIONS = 64


class Leaf:
    """One segment: its reader, its Whoosh sub-searcher, its place in the index, its cached arrays.

    ``mask(q)`` is the set of the segment's live documents matching ``q``; ``score(q)`` their BM25 score
    (Whoosh's formula: the same ranking without walking matchers in Python). Postings read for one are kept
    for the other while the leaf lives (one query).
    """

    def __init__(self, searcher: Any, offset: int, folder: str, top: Any) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.offset = offset
        self.top = top
        self.arrays = segment_arrays(self.reader, folder)
        self._postings: dict[tuple[str, Any], tuple[np.ndarray, np.ndarray | None]] = {}

    def mask(self, q: wq.Query) -> np.ndarray:
        return self._mask(q) & self.arrays.live

    def _read(self, fieldname: str, text: Any, weights: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        key = (fieldname, text)
        held = self._postings.get(key) or self.arrays.cached_postings(key)
        if held is not None and (held[1] is not None or not weights):
            return held
        reader = self.reader
        if fieldname not in reader.schema or (fieldname, text) not in reader:
            found: tuple[np.ndarray, np.ndarray | None] = (
                np.empty(0, dtype=np.int32),
                np.empty(0, dtype=np.float32),
            )
        else:
            ids, ws = postings(reader.postings(fieldname, text), weights=True)
            found = (ids.astype(np.int32), ws)
            self.arrays.keep_postings(key, found)
        self._postings[key] = found
        return found

    def _ids(self, fieldname: str, text: Any) -> np.ndarray:
        return self._read(fieldname, text)[0]

    def _from_ids(self, ids: np.ndarray) -> np.ndarray:
        out = np.zeros(self.arrays.size, dtype=bool)
        out[ids] = True
        return out

    def _mask(self, q: wq.Query) -> np.ndarray:
        check_time()
        size = self.arrays.size
        if isinstance(q, wq.Every):
            return np.ones(size, dtype=bool)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return np.zeros(size, dtype=bool)
        if isinstance(q, wq.Term):
            return self._from_ids(self._ids(q.fieldname, q.text))
        if isinstance(q, wq.AndNot):
            return self._mask(q.a) & ~self._mask(q.b)
        if isinstance(q, wq.And):
            out = np.ones(size, dtype=bool)
            for sub in q.subqueries:
                out &= self._mask(sub)
                if not out.any():
                    break
            return out
        if isinstance(q, wq.Or) and not isinstance(q, wq.DisjunctionMax):
            out = np.zeros(size, dtype=bool)
            for sub in q.subqueries:
                out |= self._mask(sub)
            return out
        if type(q) is wq.NumericRange and q.fieldname in ("pubday", "colday"):
            days = self.arrays.published_days(self.reader, q.fieldname)
            out = days != NO_DAY
            if q.start is not None:
                out &= days >= q.start + (1 if q.startexcl else 0)
            if q.end is not None:
                out &= days <= q.end - (1 if q.endexcl else 0)
            return out
        if isinstance(q, wq.ConstantScoreQuery | wq.WrappingQuery):
            return self._mask(q.child)
        if isinstance(q, wq.Phrase):
            return self._phrase(q)
        if isinstance(q, wq.MultiTerm):
            out = np.zeros(size, dtype=bool)
            for fieldname, text in q.existing_terms(self.reader, expand=True):
                out[self._ids(fieldname, text)] = True
            return out
        return self._from_ids(np.fromiter(q.matcher(self.searcher).all_ids(), dtype=np.int64))

    def _phrase(self, q: wq.Phrase) -> np.ndarray:
        """Documents holding the words in order, at most ``slop`` positions apart (Whoosh's semantics)."""
        found = self._phrase_answer(q)
        out = np.zeros(self.arrays.size, dtype=bool)
        out[found.docs] = True
        return out & self.arrays.live

    def _phrase_answer(self, q: wq.Phrase) -> PhraseAnswer:
        """The phrase's documents and its words' weights in them, kept per segment: paging through a
        phrase search, or asking it again with other facets, decodes no positions again, and ranking it
        reads no postings (the weights are what BM25 needs of the words, in the documents it ranks)."""
        key = (q.fieldname, tuple(q.words), int(q.slop))
        with self.arrays.lock:
            found = self.arrays.phrases.get(key)
            if found is not None:
                self.arrays.phrases.move_to_end(key)
                return found
        found = self._phrase_uncached(q)
        with self.arrays.lock:
            self.arrays.phrases[key] = found
            self.arrays.phrases_bytes += found.nbytes
            while self.arrays.phrases_bytes > PHRASE_CACHE_BYTES and len(self.arrays.phrases) > 1:
                _key, dropped = self.arrays.phrases.popitem(last=False)
                self.arrays.phrases_bytes -= dropped.nbytes
        return found

    def _phrase_uncached(self, q: wq.Phrase) -> PhraseAnswer:
        """Computed over whole arrays of (document << 32 | position) keys, each word's postings read once:
        for an exact phrase the rarest word first, then only the blocks of the others that hold documents
        still in the running."""
        words = list(q.words)
        reader = self.reader
        none = PhraseAnswer(np.empty(0, dtype=np.int32), {})
        if not words or q.fieldname not in reader.schema:
            return none
        if any((q.fieldname, w) not in reader for w in words):
            return none
        fmt = reader.schema[q.fieldname].format
        boost = getattr(fmt, "field_boost", 1.0)
        slop = max(int(q.slop), 1)
        if slop == 1:  # the words at p, p+1, p+2...: any order of reading will do, the rarest first
            order = sorted(range(len(words)), key=lambda i: reader.doc_frequency(q.fieldname, words[i]))
        else:  # each word near the one before it: in phrase order
            order = list(range(len(words)))
        candidates = self.arrays.live
        current: np.ndarray | None = None
        read: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # word -> (documents, frequencies) read
        for i in order:
            check_time()
            found = positions_in(reader, q.fieldname, words[i], candidates, fmt)
            if found is None:  # pragma: no cover - another format or codec: Whoosh's own matcher
                docs = np.fromiter(q.matcher(self.searcher).all_ids(), dtype=np.int64)
                return PhraseAnswer(docs.astype(np.int32), {})
            posting_docs, freqs, docs, positions = found
            read.setdefault(words[i], (posting_docs, freqs))
            if len(words) == 1:
                keys = docs << 32
            elif slop == 1:  # where the phrase would start: position - i
                keep = positions >= i
                keys = (docs[keep] << 32) | (positions[keep] - i)
            else:
                keys = (docs << 32) | positions
            # keys are sorted: documents ascending, positions ascending in each
            if current is None:
                current = keys
            elif slop == 1:
                if len(keys):
                    at = np.minimum(np.searchsorted(keys, current), len(keys) - 1)
                    current = current[keys[at] == current]
                else:
                    current = keys
            else:  # keep the positions that follow one kept for the previous word by 1..slop
                at = np.searchsorted(current, keys - slop, side="left")
                ok = at < len(current)
                ok[ok] = current[at[ok]] <= keys[ok] - 1
                current = keys[ok]
            if current is None or not len(current):
                return none
            candidates = self._from_ids(current >> 32)
        matched = np.unique(current >> 32) if current is not None else np.empty(0, dtype=np.int64)
        weights = {}
        for word, (posting_docs, freqs) in read.items():
            at = np.searchsorted(posting_docs, matched)
            weights[word] = (freqs[at] * boost).astype(np.float32)
        return PhraseAnswer(matched.astype(np.int32), weights)

    # -- scoring --------------------------------------------------------------------------------

    def score(self, q: wq.Query) -> np.ndarray | None:
        if isinstance(q, wq.Term):
            return self._term_score(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.AndNot):
            return self.score(q.a)
        if isinstance(q, wq.And | wq.Or) and not isinstance(q, wq.DisjunctionMax):
            return _sum(self.score(sub) for sub in q.subqueries)
        if isinstance(q, wq.Phrase):
            found = self._phrase_answer(q)
            if not found.weights:  # pragma: no cover - another format: the words' postings
                return _sum(self._term_score(q.fieldname, w, q.boost) for w in dict.fromkeys(q.words))
            docs = found.docs
            return _sum(
                self._bm25(q.fieldname, w, docs, found.weights[w], q.boost) for w in dict.fromkeys(q.words)
            )
        if isinstance(q, wq.ConstantScoreQuery | wq.NumericRange | wq.Every):
            return None
        if isinstance(q, wq.WrappingQuery):
            return self.score(q.child)
        if isinstance(q, wq.MultiTerm):
            terms = list(q.existing_terms(self.reader, expand=True))[:MAX_SCORED_EXPANSIONS]
            return _sum(self._term_score(f, t, q.boost) for f, t in terms)
        return None

    def _term_score(self, fieldname: str, text: Any, boost: float = 1.0) -> np.ndarray | None:
        ids, weights = self._read(fieldname, text, weights=True)
        return self._bm25(fieldname, text, ids, weights, boost)

    def _bm25(
        self, fieldname: str, text: Any, ids: np.ndarray, weights: np.ndarray | None, boost: float
    ) -> np.ndarray | None:
        """BM25 of ``text`` in the documents ``ids`` (its weights there), zero elsewhere."""
        if not len(ids) or weights is None:
            return None
        top = self.top
        total = max(top.doc_count_all(), 1)
        idf = np.log(total / (top.doc_frequency(fieldname, text) + 1)) + 1
        avg = max(top.field_length(fieldname) / total, 1.0)
        lengths = self.arrays.lengths(self.reader, fieldname)[ids]
        part = idf * weights * (K1 + 1) / (weights + K1 * ((1 - B) + B * lengths / avg)) * boost
        out = np.zeros(self.arrays.size, dtype=np.float32)
        out[ids] = part  # a term lists each document once
        return out


def _sum(parts: Iterable[np.ndarray | None]) -> np.ndarray | None:
    total = None
    for part in parts:
        if part is not None:
            total = part.copy() if total is None else total + part
    return total


def leaves(searcher: Any, folder: str) -> list[Leaf]:
    """The index's segments; an index with none (nothing written yet: an archive without quotes) has a
    reader without a segment, and no leaves."""
    return [
        Leaf(sub, offset, folder, searcher)
        for sub, offset in searcher.leaf_searchers()
        if sub.reader().segment() is not None
    ]


@dataclass
class Matches:
    """The documents a query matched, per segment, and what can be counted from them."""

    leaves: list[Leaf]
    masks: list[np.ndarray]

    @classmethod
    def of(cls, searcher: Any, q: wq.Query, folder: str) -> Matches:
        found = leaves(searcher, folder)
        return cls(found, [leaf.mask(q) for leaf in found])

    @property
    def total(self) -> int:
        return int(sum(int(m.sum()) for m in self.masks))

    def docnums(self) -> np.ndarray:
        parts = [np.flatnonzero(m) + leaf.offset for leaf, m in zip(self.leaves, self.masks, strict=True)]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    def ranked(self, q: wq.Query, first: int, last: int) -> np.ndarray:
        """Document numbers of matches ``first`` to ``last`` by BM25 score (then document number)."""
        docs, scores = [], []
        for leaf, mask in zip(self.leaves, self.masks, strict=True):
            local = np.flatnonzero(mask)
            docs.append(local + leaf.offset)
            score = leaf.score(q)
            scores.append(score[local] if score is not None else np.zeros(len(local), dtype=np.float32))
        if not docs:
            return np.empty(0, dtype=np.int64)
        all_docs = np.concatenate(docs)
        all_scores = np.concatenate(scores)
        if last < len(all_docs) // 4:  # only the best matter: partition before sorting them
            cut = np.partition(all_scores, len(all_scores) - last)[len(all_scores) - last]
            keep = all_scores >= cut
            all_docs, all_scores = all_docs[keep], all_scores[keep]
        order = np.lexsort((all_docs, -all_scores))
        return all_docs[order[first:last]]

    def counts(self, fieldname: str) -> dict[str, int]:
        totals: dict[str, int] = {}
        for leaf, mask in zip(self.leaves, self.masks, strict=True):
            col = leaf.arrays.column(leaf.reader, fieldname)
            if not len(col.values):
                continue
            counted = np.bincount(col.ords[mask[col.docs]], minlength=len(col.values))
            for i in np.flatnonzero(counted):
                value = col.values[i]
                totals[value] = totals.get(value, 0) + int(counted[i])
        return totals

    def top(self, fieldname: str, limit: int) -> dict[str, int]:
        counted = self.counts(fieldname)
        ranked = sorted(((v, c) for v, c in counted.items() if v), key=lambda vc: (-vc[1], str(vc[0])))
        return dict(ranked[:limit])

    def by_date(self, newest: bool, field: str = "pubday") -> np.ndarray:
        """Matched document numbers ordered by publication day (``field`` ``colday``: the day collected;
        undated last), then by document number."""
        docs, days = [], []
        for leaf, mask in zip(self.leaves, self.masks, strict=True):
            local = np.flatnonzero(mask)
            docs.append(local + leaf.offset)
            days.append(leaf.arrays.published_days(leaf.reader, field)[local])
        if not docs:
            return np.empty(0, dtype=np.int64)
        all_docs = np.concatenate(docs)
        all_days = np.concatenate(days).astype(np.int64)
        undated = all_days == NO_DAY
        key = -all_days if newest else all_days
        return all_docs[np.lexsort((all_docs, key, undated))]
