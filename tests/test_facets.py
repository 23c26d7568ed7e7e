"""Facet counts agree with a brute-force count on every backend; the Whoosh backend's matching sets from numpy
arrays agree with Whoosh itself."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from searching import BACKENDS, new_backend, search

from bench.synthetic import Generator, SyntheticDoc
from casebook.models import ENTITY_KINDS
from indexer.search import index_entry
from indexer.search.compiler import DOCUMENTS, compile_query
from indexer.search.lexicon import Lexicon
from indexer.search.whoosh_backend import MAIN, WhooshIndex, _searcher
from indexer.search.whoosh_evaluator import Matches
from indexer.search.whoosh_query import expander, to_whoosh

N = 300


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[SyntheticDoc]]:
    docs = list(Generator(seed=3, mean_words=80).docs(N))
    path = tmp_path_factory.mktemp("facets") / "index"
    ix = WhooshIndex(path)
    ix.rebuild(index_entry(d.stored, d.mentions, d.quotes) for d in docs[: N - 40])
    # A second and third segment, one of them replacing documents of the first: deletions must not count.
    ix.update(index_entry(d.stored, d.mentions, d.quotes) for d in docs[N - 40 : N - 20])
    ix.update(index_entry(d.stored, d.mentions, d.quotes) for d in docs[N - 20 :] + docs[:10])
    return path, docs


@pytest.fixture(scope="module", params=BACKENDS)
def indexed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, list[SyntheticDoc]]:
    """The same documents written the same way (a rebuild, then updates replacing some) in each backend."""
    docs = list(Generator(seed=3, mean_words=80).docs(N))
    backend = new_backend(request.param, tmp_path_factory.mktemp("facets-any"), request)
    backend.rebuild(index_entry(d.stored, d.mentions, d.quotes) for d in docs[: N - 40])
    backend.update(index_entry(d.stored, d.mentions, d.quotes) for d in docs[N - 40 : N - 20])
    backend.update(index_entry(d.stored, d.mentions, d.quotes) for d in docs[N - 20 :] + docs[:10])
    return backend, docs


def values(d: SyntheticDoc, facet: str) -> list[str]:
    doc = d.stored.document
    if facet == "source":
        return [doc.source]
    if facet == "year":
        return [f"{doc.published.year:04d}"] if doc.published else ["undated"]
    if facet == "month":
        return [f"{doc.published.year:04d}-{doc.published.month:02d}"] if doc.published else []
    if facet == "author":
        return list(doc.authors)
    return [m.id for m in d.mentions if m.kind == facet]


def words(d: SyntheticDoc) -> set[str]:
    doc = d.stored.document
    return set(re.findall(r"\w+", (doc.title + " " + doc.text).lower()))


def brute_force_counts(values_per_doc: Iterable[Sequence[str]]) -> dict[str, int]:
    """Reference counting: how many documents carry each value."""
    totals: dict[str, int] = {}
    for values in values_per_doc:
        for value in set(values):
            totals[value] = totals.get(value, 0) + 1
    return totals


FACET_NAMES = ("source", "year", "month", "author", *ENTITY_KINDS)


@pytest.mark.parametrize("word", ["*", "sanctions", "tribunal", "disabled"])
def test_facet_counts_equal_a_brute_force_count(indexed: tuple[Any, list[SyntheticDoc]], word: str) -> None:
    path, docs = indexed
    matching = docs if word == "*" else [d for d in docs if word in words(d)]
    found = search(path, word if word == "*" else f'"{word}"', facet_limit=1000, limit=5)
    assert found["total"] == len(matching) > 0
    for facet in FACET_NAMES:
        expected = brute_force_counts(values(d, facet) for d in matching)
        assert found["facets"][facet] == dict(sorted(expected.items(), key=lambda vc: (-vc[1], vc[0]))), facet


def test_top_n_per_kind_keeps_the_commonest(indexed: tuple[Any, list[SyntheticDoc]]) -> None:
    path, docs = indexed
    top = search(path, "*", facet_limit=3)["facets"]["month"]
    every = brute_force_counts(values(d, "month") for d in docs)
    assert len(top) == 3 and list(top.values()) == sorted(every.values(), reverse=True)[:3]


def whoosh_query(path: Path, query: str) -> tuple[Path, Any, Any]:
    """The folder, this thread's searcher and the Whoosh query the backend runs for ``query``."""
    folder, searcher = _searcher(path, MAIN)
    lexicon = Lexicon.of((), WhooshIndex(path).seen_entities())
    compiled = compile_query(query, DOCUMENTS, lexicon.resolve)
    return folder, searcher, to_whoosh(compiled.query, expander(searcher.reader()))


@pytest.mark.parametrize(
    "query",
    [
        "sanctions",
        "benefit sanctions",
        "tribunal OR appeal",
        '"fit for work"',
        '"cost living"~1',
        '"cost of living"~2',
        '"for work"~3',
        '"work fit for"~4',
        '"the the"',
        '"fit for work" OR "food bank"',
        'title:"benefit"',
        '"no such words here"',
        "sanction* -tribunal",
        "assessmnt~",
        "published:[2010 TO 2012-06]",
        "scheme:synth-rsp OR person:synth-alba-quinton",
        "source:synthetic-vellmoor-echo",
        "(council OR housing) NOT published:2015",
        "comments:sanctions",
        "quote:benefit",
        "speaker:blackwood",
        "-the",
    ],
)
def test_numpy_matching_set_equals_whooshs_own(corpus: tuple[Path, list[SyntheticDoc]], query: str) -> None:
    path, _docs = corpus
    folder, searcher, q = whoosh_query(path, query)
    ours = set(Matches.of(searcher, q, str(folder)).docnums().tolist())
    whoosh = set(searcher.docs_for_query(q))
    assert ours == whoosh
    assert search(path, query)["total"] == len(ours)


def test_date_order_matches_a_python_sort(indexed: tuple[Any, list[SyntheticDoc]]) -> None:
    path, docs = indexed
    found = search(path, "*", sort="oldest", limit=N)["results"]
    days = [r["published"] for r in found]
    assert days == sorted(days) and len(found) == N
    newest = search(path, "*", sort="newest", limit=20)["results"]
    assert [r["published"] for r in newest] == sorted((d.stored.document.published.isoformat() for d in docs),
                                                       reverse=True)[:20]  # fmt: skip


@pytest.mark.parametrize("query", ['"fit for work"', '"cost living"~2', 'sanctions "food bank"'])
def test_phrases_rank_as_the_sum_of_their_words_bm25(
    corpus: tuple[Path, list[SyntheticDoc]], query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phrase scores come from the weights read while matching; the same as from the words' postings."""
    from indexer.search import whoosh_evaluator as facets

    path, _docs = corpus
    folder, searcher, q = whoosh_query(path, query)
    ranked = Matches.of(searcher, q, str(folder)).ranked(q, 0, N).tolist()
    assert ranked
    real = facets.Leaf._phrase_answer

    def without_weights(self: facets.Leaf, q: object) -> facets.PhraseAnswer:
        return facets.PhraseAnswer(real(self, q).docs, {})

    monkeypatch.setattr(facets.Leaf, "_phrase_answer", without_weights)
    facets._cache.clear()
    again = Matches.of(searcher, q, str(folder)).ranked(q, 0, N).tolist()
    assert ranked == again
    facets._cache.clear()
