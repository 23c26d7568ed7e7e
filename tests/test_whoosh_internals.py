"""What indexer.search.whoosh_internals knows of Whoosh beyond its public API, pinned against Whoosh itself.

The bulk writer writes the segment Whoosh's own writer writes; the memory-mapped storage reads what Whoosh's
file storage reads, without replacing anything of Whoosh; each fast reader gives what Whoosh's public API
gives for the same thing; the tokenizer pattern finds the words Whoosh's analyzer finds. If an upgrade of
Whoosh changed any of this, these tests say where.
"""

from __future__ import annotations

import random
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from searching import search
from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb import compound, structfile
from whoosh.filedb.filestore import FileStorage

from bench.synthetic import Generator
from indexer.search import index_entry
from indexer.search import whoosh_internals as internals
from indexer.search.analysis import TOKEN_RE, WORDS_RE, words
from indexer.search.whoosh_backend import WhooshIndex
from indexer.search.whoosh_schema import document_fields, make_schema

ODD = [
    "sanction", "Sanctioned", "x", "é", ".", "..", " ", "*", "-", "1", "3.14", "a.b", "_", "ß", "\n", "'",
    "BENEFIT", "İ", "ΟΔΟΣ", "Σ", "ǅ", "ﬁ", "x.y.z", "a*b", "\u0301", "Straße", "\t", "...",
]  # fmt: skip


def odd_texts(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ODD) for _ in range(rng.randint(1, 30))) for _ in range(n)]


def entries(n: int = 150) -> list[dict]:
    found = [
        document_fields(index_entry(d.stored, d.mentions, d.quotes))
        for d in Generator(seed=5, mean_words=120).docs(n)
    ]
    found.append(  # lower-casing that changes lengths, the final sigma, dotted words, stars
        {
            "id": "odd",
            "url": "u",
            "title": "İstanbul ΟΔΟΣ Straße ǅemal",
            "body": "İSTANBUL ΣΑΣ. x.y 3.14 a*b " * 3,
        }
    )
    found.append({"id": "bare", "url": "u2", "title": "", "body": "one", "source": "s"})
    return found


def write_both(tmp_path: Path, docs: list[dict]) -> tuple[Path, Path]:
    """The same documents written by Whoosh's own writer and by the bulk writer, each in its folder."""
    folders = []
    for kind in ("whoosh", "bulk"):
        folder = tmp_path / kind
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), make_schema(), indexname="MAIN")
        writer = ix.writer() if kind == "whoosh" else internals.BulkWriter(ix)
        for entry in docs:
            writer.add_document(**entry)
        writer.commit()
        folders.append(folder)
    return folders[0], folders[1]


def _postings(reader, fieldname, text):  # noqa: ANN001, ANN202
    m = reader.postings(fieldname, text)
    out = []
    while m.is_active():
        out.append(
            (m.id(), m.weight(), m.value(), m.block_min_length(), m.block_max_length(), m.block_max_weight())
        )
        m.next()
    return out


def test_the_bulk_writer_writes_the_segment_whooshs_writer_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(internals, "_BLOCKS_AT_ONCE", 5)  # lists made a few blocks at a time: cross the seams
    docs = entries()
    theirs_at, ours_at = write_both(tmp_path, docs)
    theirs = whoosh_index.open_dir(str(theirs_at), indexname="MAIN").reader()
    ours = whoosh_index.open_dir(str(ours_at), indexname="MAIN").reader()
    terms = list(theirs.all_terms())
    assert terms == list(ours.all_terms()) and len(terms) > 3000
    for fieldname, text in terms:
        a, b = theirs.term_info(fieldname, text), ours.term_info(fieldname, text)
        # the same statistics (the postings' byte offsets differ: blocks are pickled more compactly)
        assert {k: v for k, v in vars(a).items() if k not in ("_offset", "_length")} == {
            k: v for k, v in vars(b).items() if k not in ("_offset", "_length")
        }
        assert _postings(theirs, fieldname, text) == _postings(ours, fieldname, text), (fieldname, text)
    assert list(theirs.all_stored_fields()) == list(ours.all_stored_fields())
    for fieldname in theirs.schema.names():
        assert theirs.field_length(fieldname) == ours.field_length(fieldname)
        assert [theirs.doc_field_length(d, fieldname) for d in range(len(docs))] == [
            ours.doc_field_length(d, fieldname) for d in range(len(docs))
        ]
        if theirs.has_column(fieldname):
            assert list(theirs.column_reader(fieldname)) == list(ours.column_reader(fieldname))
    # the segment records Whoosh's own codec: its table of contents names no class of ours
    assert type(ours.segment().codec()) is W3Codec
    theirs.close()
    ours.close()


def test_positions_are_packed_arrays() -> None:
    fmt = internals.FastPositions(field_boost=2.0)
    value = fmt.encode([0, 3, 70000])
    assert len(value) == 12 and fmt.decode_positions(value) == [0, 3, 70000]
    assert fmt.decode_frequency(value) == 3 and fmt.decode_weight(value) == 6.0
    assert fmt.positions("The cat, the HAT.") == {"the": [0, 2], "cat": [1], "hat": [3]}


def test_the_words_are_the_analyzers_words() -> None:
    """One definition of a word: the findall pattern, the fast lower-casing and Whoosh's analyzer agree."""
    analyzer = StandardAnalyzer(stoplist=None, minsize=1)
    texts = odd_texts(3000)
    for text in texts:
        assert WORDS_RE.findall(text) == [m.group(0) for m in TOKEN_RE.finditer(text)], text
        assert words(text) == [t.text for t in analyzer(text)], text
    assert sum(len(words(t)) for t in texts) > 10_000


def test_segments_are_read_through_the_map_and_whoosh_is_left_as_it_is(tmp_path: Path) -> None:
    _theirs, ours = write_both(tmp_path, entries(40))
    storage = internals.MappedStorage(ours)
    ix = storage.open_index("MAIN", schema=make_schema())
    with ix.reader() as reader:
        segment = reader.segment()
        compound_storage = segment.open_compound_file(storage)
        name = next(n for n in compound_storage.list() if n.endswith(".pst"))
        postings_file = compound_storage.open_file(name)
        assert isinstance(postings_file, internals._ViewFile)
        assert isinstance(postings_file._buf, memoryview)  # a slice of the map, not a copy in a BytesIO
        compound_storage.close()
        # what a reader reads through the map is what it reads through Whoosh's own storage
        plain = FileStorage(str(ours)).open_index("MAIN", schema=make_schema()).reader()
        for fieldname, text in list(plain.all_terms())[::7]:
            assert _postings(reader, fieldname, text) == _postings(plain, fieldname, text)
        assert list(reader.all_stored_fields()) == list(plain.all_stored_fields())
        plain.close()
    assert compound.BufferFile is structfile.BufferFile  # no process-wide replacement


def test_the_fast_readers_read_what_whoosh_reads(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path / "index")
    docs = list(Generator(seed=9, mean_words=150).docs(300))
    index.rebuild(index_entry(d.stored, d.mentions, d.quotes) for d in docs[:250])
    index.update(index_entry(d.stored, d.mentions, d.quotes) for d in docs[240:])  # deletions too
    with index.open().reader() as top:
        leaves = [sub for sub, _offset in top.leaf_readers()]
        assert len(leaves) >= 2 and any(sub.has_deletions() for sub in leaves)
        for reader in leaves:
            size = reader.doc_count_all()
            for fieldname in ("body", "source", "scheme"):
                for btext in list(reader.lexicon(fieldname))[:40]:
                    text = btext.decode("utf-8")
                    expected = list(reader.postings(fieldname, text).items_as("weight"))  # live ones
                    ids, weights = internals.postings(reader.postings(fieldname, text), weights=True)
                    found = list(zip(ids.tolist(), weights.tolist(), strict=True))
                    assert [(i, w) for i, w in found if not reader.is_deleted(i)] == expected
                    assert internals.posting_ids(reader.postings(fieldname, text)).tolist() == ids.tolist()
            for fieldname in ("title", "body", "quotes"):
                lengths = internals.field_lengths(reader, fieldname, size)
                # (Whoosh says None, not 0, for a document without the field)
                whooshs = [reader.doc_field_length(d, fieldname, 0) or 0 for d in range(size)]
                assert lengths.tolist() == whooshs and any(whooshs)
            column = reader.column_reader("pubday", translate=False)
            assert internals.numeric_column(reader, "pubday", size).tolist() == [
                column[d] for d in range(size)
            ]
            fmt = reader.schema["body"].format
            live = np.array([not reader.is_deleted(d) for d in range(size)])
            for btext in list(reader.lexicon("body"))[::50]:
                word = btext.decode("utf-8")
                docs_at, freqs, docs_of, positions = internals.positions_in(reader, "body", word, live, fmt)
                matcher = reader.postings("body", word)
                expected = list(matcher.items_as("positions"))
                assert docs_at.tolist() == [d for d, _p in expected]
                assert freqs.tolist() == [len(p) for _d, p in expected]
                assert list(zip(docs_of.tolist(), positions.tolist(), strict=True)) == [
                    (d, p) for d, ps in expected for p in ps
                ]


def test_an_index_written_before_the_search_package_moved_still_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table of contents pickles the schema with the class of its positions format, which lived in
    indexer.index before the move: the index is opened with the schema of this code, never that pickle."""
    old = types.ModuleType("indexer.index")
    old.FastPositions = internals.FastPositions
    monkeypatch.setitem(sys.modules, "indexer.index", old)
    monkeypatch.setattr(internals.FastPositions, "__module__", "indexer.index")  # where it lived then

    docs = list(Generator(seed=4, mean_words=60).docs(30))
    index = WhooshIndex(tmp_path / "index")
    index.rebuild(index_entry(d.stored, d.mentions, d.quotes) for d in docs[:20])
    toc = next(index.folder().glob("_MAIN_*.toc")).read_bytes()
    assert b"indexer.index" in toc
    monkeypatch.undo()  # the old module is gone, as it is after the move
    assert "indexer.index" not in sys.modules

    assert index.check(expected=20) == []
    assert search(tmp_path / "index", "*")["total"] == 20
    index.update(index_entry(d.stored, d.mentions, d.quotes) for d in docs[20:])
    assert search(tmp_path / "index", "*")["total"] == 30
