"""Every use Casebook makes of Whoosh's private API or file format, in one module.

Whoosh-Reloaded 2.7.5 is the last release (the pin in pyproject.toml). Each piece below names what of Whoosh
it relies on; tests/test_whoosh_internals.py pins them: it writes the same documents with Whoosh's own writer
and with :class:`BulkWriter`, reads both back and compares terms, postings, lengths, stored fields and
columns, and checks each fast reader here against Whoosh's public way of reading the same thing.

- :class:`FastPositions`: the positions format of text fields (a :class:`whoosh.formats.Positions` whose
  values are packed little-endian uint32 arrays, not pickled deltas), so that a phrase decodes a block of
  positions at once with numpy. This is the on-disk format of Casebook's text postings.
- :class:`MappedStorage`: a :class:`FileStorage` whose compound segment files are read through a memory map
  without copying: Whoosh's own ``BufferFile`` reads a sub-file through ``BytesIO(buf)``, a copy of the
  whole file (the postings of a segment: hundreds of megabytes) for every searcher that opens it. The
  storage hands ``CompoundStorage`` a file over the map (``supports_mmap=False``: Whoosh then asks that
  file for its sub-files with ``subset``), so nothing of Whoosh is replaced.
- :class:`BulkWriter`: a :class:`SegmentWriter` building a segment from token arrays (rebuilds), several
  times faster than Whoosh's writer, through :class:`BulkCodec` (a ``W3Codec`` whose postings writer,
  :class:`BlockWriter`, takes each block's postings worked out with numpy and pickles block data with
  protocol 4).
- Readers: the document numbers, weights and packed positions of a postings block (``W3LeafMatcher``'s
  private fields), a field-length column and a numeric column as numpy arrays.
- :func:`discard_unlisted`: removes the files a table of contents does not list (``TOC``, ``clean_files``).
"""

from __future__ import annotations

import contextlib
import io
import mmap
import os
import pickle
import shutil
import sys
import zlib
from array import array
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3PostingsWriter,
    W3Segment,
    _lenfield,
)
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.formats import Positions
from whoosh.index import TOC, FileIndex, clean_files
from whoosh.util.numeric import _length_byte_cache, byte_to_length, length_to_byte
from whoosh.writing import IndexingError, SegmentWriter

from indexer.search.analysis import words
from indexer.search.bounds import check_time

# -- positions: our on-disk format for text fields -----------------------------------------------------

POSITION_BYTES = 4  # a position is a little-endian uint32
_POSITION_DTYPE = np.dtype("<u4")
_SWAP = sys.byteorder != "little"
assert array("I").itemsize == POSITION_BYTES


def pack_positions(positions: list[int]) -> bytes:
    packed = array("I", positions)
    if _SWAP:  # pragma: no cover - big-endian machines
        packed.byteswap()
    return packed.tobytes()


def unpack_positions(value: bytes) -> list[int]:
    packed = array("I")
    packed.frombytes(value)
    if _SWAP:  # pragma: no cover - big-endian machines
        packed.byteswap()
    return packed.tolist()


class FastPositions(Positions):
    """Whoosh's positions format, with the analyzer (regex + lower case) inlined at index time, and positions
    stored as a packed array of little-endian 32-bit integers rather than a pickle of deltas.

    Produces the same terms, positions and weights as ``Positions`` with the field's analyzer (see
    :mod:`indexer.search.analysis`), without building a Token object per word: indexing is the slow part of
    Whoosh, and this is its hottest loop. Packed positions are encoded and decoded without a Python loop,
    and :func:`positions_in` decodes a whole block of them at once with numpy (a phrase over common words
    reads the positions of half the archive).
    """

    packed_positions = True  # positions_in decodes these with numpy

    def words(self, value: str) -> list[str]:
        """The words of ``value``, lower-cased, in order."""
        return words(value)

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each word of ``value`` with its positions, in order of first appearance."""
        poses: dict[str, list[int]] = {}
        for pos, word in enumerate(words(value)):
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


# -- opening: segment files read through a memory map -------------------------------------------------


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
    """Whoosh's ``BufferFile`` over a memoryview, without its ``BytesIO(buf)`` (a copy of the whole buffer):
    reads go through a buffered reader over the view, and a sub-file (``subset``) is a slice of it."""

    def __init__(self, buf: memoryview, name: str | None = None, onclose: Any = None) -> None:
        self._buf = buf
        self._name = name
        self.file = io.BufferedReader(_ViewReader(buf), buffer_size=16384)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position: int, length: int, name: str | None = None) -> _ViewFile:
        return _ViewFile(self._buf[position : position + length], name=name or self._name)


class MappedStorage(FileStorage):
    """The index folder, its compound segment files (``*.seg``) opened as memory maps read without copying.

    ``supports_mmap=False`` keeps Whoosh's ``CompoundStorage`` from mapping the file itself (and reading each
    sub-file into a ``BytesIO``): it is handed a file over our map instead, and cuts its sub-files out of it
    with the file's own ``subset``. One map per segment, shared by every reader of the segment's files.
    """

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        super().__init__(str(path), supports_mmap=False, readonly=readonly)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        if not name.endswith(Segment.COMPOUND_EXT):
            return super().open_file(name, **kwargs)
        with open(os.path.join(self.folder, name), "rb") as fh:
            try:
                mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            except (ValueError, OSError):  # an empty file cannot be mapped: read it as Whoosh does
                return super().open_file(name, **kwargs)
        view = memoryview(mapped)

        def unmap(_file: Any) -> None:
            with suppress(BufferError):  # sub-files still open hold the map: it goes when they do
                view.release()
                mapped.close()

        return _ViewFile(view, name=name, onclose=unmap)


def open_index(folder: str | Path, indexname: str, schema: Schema) -> FileIndex:
    """One index of ``folder``, read through :class:`MappedStorage` with ``schema``: the schema pickled in
    its table of contents is never unpickled, so an index written by another version of this code (whose
    field classes lived in other modules) opens all the same."""
    return MappedStorage(folder).open_index(indexname, schema=schema)


def discard_unlisted(folder: Path, schemas: dict[str, Schema]) -> None:
    """After a write that failed half-way (a full disk): remove the segment files and temporary folders
    the table of contents does not list, so a failed write leaves nothing behind (Whoosh removes them only
    at the next commit that succeeds, if one ever comes). Called while this process holds the writer lock."""
    storage = FileStorage(str(folder))
    for indexname, schema in schemas.items():
        with suppress(Exception):
            toc = TOC.read(storage, indexname, schema=schema)
            clean_files(storage, indexname, toc.generation, toc.segments)
        shutil.rmtree(folder / f"{indexname}.tmp", ignore_errors=True)


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


class BulkWriter(SegmentWriter):
    """A Whoosh segment writer for building an index from scratch, several times faster than Whoosh's own.

    Whoosh's writer turns every word of every document into a posting tuple (field, term, document,
    weight, encoded positions) in a pool that it sorts at commit (spilling runs of pickled postings to
    disk and merging them back), then looks each posting's field length up in the length column it has
    just written. Here the words of a text field are kept as one array of term ids per segment (a list
    comprehension per document), and at commit numpy sorts them by term into postings and positions, which
    are written a block at a time through :class:`BlockWriter`; other fields keep their postings
    per term in arrays (documents arrive in order, so they are already sorted). The segment is the same as
    Whoosh's writer makes (same terms, postings, blocks, statistics, stored fields and columns: see
    tests/test_whoosh_internals.py); only the way there differs. Documents with ``_boost``/``_stored_``
    keys and schemas with spelling or vector fields are not for this writer.
    """

    def __init__(self, ix: FileIndex, **kwargs: Any) -> None:
        super().__init__(ix, codec=BulkCodec(), **kwargs)
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


class BlockWriter(W3PostingsWriter):
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


class BulkCodec(W3Codec):
    """Whoosh's codec, its postings written by :class:`BlockWriter`. The segment it makes records a plain
    ``W3Codec`` (what readers use), so an index written this way reads as one written by Whoosh's writer."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> BlockWriter:
        return BlockWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def new_segment(self, storage: Any, indexname: str) -> W3Segment:
        return W3Segment(W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname)


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


# -- reading postings blocks and columns as arrays ----------------------------------------------------


def _raw(matcher: Any) -> Any:
    child = getattr(matcher, "child", None)
    return child if child is not None and hasattr(child, "_read_ids") else matcher


def _is_block_matcher(raw: Any) -> bool:
    """Whether ``raw`` is a ``W3LeafMatcher`` over document numbers (not an inlined list, not byte ids)."""
    return hasattr(raw, "_read_data") and hasattr(raw, "_next_block") and not getattr(raw, "_byteids", False)


def _block_ids(raw: Any) -> np.ndarray:
    """The document numbers of a Whoosh 3 postings block, un-delta-encoded by numpy (not id by id)."""
    if raw._ids is not None:
        return np.asarray(raw._ids, dtype=np.int64)
    if raw._data is None:
        raw._read_data()
    return np.cumsum(np.asarray(raw._data[0], dtype=np.int64))


def _block_weights(raw: Any) -> np.ndarray:
    if raw._weights is not None:
        return np.asarray(raw._weights, dtype=np.float32)
    if raw._data is None:
        raw._read_data()
    found = raw._data[1]
    if found is None:
        return np.ones(raw._blocklength, dtype=np.float32)
    if isinstance(found, float):
        return np.full(raw._blocklength, found, dtype=np.float32)
    return np.asarray(found, dtype=np.float32)


def postings(matcher: Any, weights: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Document numbers (and weights) of a leaf posting list, read a block at a time, not one id per call.

    Deleted documents are included: callers mask them with the segment's live array.
    """
    raw = _raw(matcher)
    if _is_block_matcher(raw):
        ids_parts, weight_parts = [], []
        while raw.is_active():
            at = raw._i
            ids_parts.append(_block_ids(raw)[at:])
            if weights:
                weight_parts.append(_block_weights(raw)[at:])
            raw._next_block()
        ids = np.concatenate(ids_parts) if ids_parts else np.empty(0, dtype=np.int64)
        if not weights:
            return ids, None
        return ids, np.concatenate(weight_parts) if weight_parts else np.empty(0, dtype=np.float32)
    ids_list, weight_list = [], []
    while matcher.is_active():
        ids_list.append(matcher.id())
        weight_list.append(matcher.weight())
        matcher.next()
    return np.array(ids_list, dtype=np.int64), np.array(weight_list, dtype=np.float32)


def posting_ids(matcher: Any) -> np.ndarray:
    """Document numbers of a posting list (deleted ones included)."""
    raw = _raw(matcher)
    if _is_block_matcher(raw):
        return postings(raw)[0]
    return np.fromiter(matcher.all_ids(), dtype=np.int64)


_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def field_lengths(reader: Any, fieldname: str, size: int) -> np.ndarray:
    """Each document's length in ``fieldname`` as Whoosh records it (a byte approximation, decoded), read
    from the segment's length column in one go; ``reader.doc_field_length`` document by document when the
    column is not the one this knows."""
    perdoc = getattr(reader, "_perdoc", None)
    col = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        with contextlib.suppress(Exception):
            col = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if col is not None and hasattr(col, "_dbfile") and getattr(col, "_typecode", None) == "B":
        count = min(col._count, size)
        data = np.frombuffer(col._dbfile.get(col._basepos, count), dtype=np.uint8)
        out = np.zeros(size, dtype=np.float32)
        out[:count] = _BYTE_TO_LENGTH[data]
        return out
    # (Whoosh gives None, not 0, for a document without the field)
    return np.array([reader.doc_field_length(d, fieldname, 0) or 0 for d in range(size)], dtype=np.float32)


def numeric_column(reader: Any, fieldname: str, size: int) -> np.ndarray:
    """The stored values of an unsigned 32-bit numeric column (as ``column_reader(translate=False)`` gives
    them), one per document, read in one go; value by value when the column is another kind. Documents past
    the column's end are 0."""
    out = np.zeros(size, dtype=np.int64)
    col = reader.column_reader(fieldname, translate=False)
    raw = getattr(col, "_dbfile", None)
    count = getattr(col, "_count", None)
    if raw is not None and count is not None and getattr(col, "_typecode", None) == "I":
        data = raw.get(col._basepos, min(count, size) * 4)
        values = np.frombuffer(data, dtype=">u4").astype(np.int64)
    else:  # pragma: no cover - another codec: read value by value
        values = np.fromiter((col[d] for d in range(size)), dtype=np.int64, count=size)
    out[: len(values)] = values
    return out


def positions_in(
    reader: Any, fieldname: str, word: str, candidates: np.ndarray, fmt: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """``word`` in the candidate documents: its postings (documents, frequencies) and its occurrences
    (document, position), all int64 arrays in posting order.

    A block with no candidate (by its id range) is skipped unread; the positions of a block are decoded
    all at once (they are packed arrays: see :class:`FastPositions`). None when the field's format or the
    codec is not the one this knows.
    """
    if not getattr(fmt, "packed_positions", False):
        return None
    raw = _raw(reader.postings(fieldname, word))
    if not (_is_block_matcher(raw) and hasattr(raw, "_read_values")):
        return None
    posting_docs: list[np.ndarray] = []
    freqs: list[np.ndarray] = []
    poses: list[np.ndarray] = []
    low = 0
    blocks = 0
    while raw.is_active():
        blocks += 1
        if not blocks % 64:
            check_time()
        high = int(raw._maxid) + 1
        if candidates[low:high].any():
            ids = _block_ids(raw)
            wanted = candidates[ids]
            if wanted.any():
                if raw._values is None:
                    raw._read_values()
                values = raw._values
                if not wanted.all():
                    keep = np.flatnonzero(wanted)
                    values = [values[i] for i in keep.tolist()]
                    ids = ids[keep]
                counts = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // POSITION_BYTES
                poses.append(np.frombuffer(b"".join(values), dtype=_POSITION_DTYPE).astype(np.int64))
                posting_docs.append(ids)
                freqs.append(counts)
        low = high
        raw._next_block()
    if not posting_docs:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, empty
    docs = np.concatenate(posting_docs)
    counts = np.concatenate(freqs)
    return docs, counts, np.repeat(docs, counts), np.concatenate(poses)
