"""The two search backends agree: the same documents for every boolean query of a generated list, the same
quotes, the same facet counts, on the demo corpus and on the test corpora (ranking may differ), by the
date published and by the date collected (``dated_by``).

The queries are generated from each corpus's own words (common, middling and rare words, phrases cut out
of its texts, proximity with every gap, prefix and other wildcards, fuzzy words, every field, entities,
dates, NOT/OR/AND) and the filters from its facet values (include, exclude, originals only). The Whoosh
index of the demo is the one ``casebook ingest`` wrote, document by document; the PostgreSQL index is
rebuilt from the store: two write paths, one answer.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
from searching import new_backend, service
from test_query import entries as query_entries

from bench.synthetic import Generator
from casebook.models import ENTITY_KINDS
from casebook.settings import Settings
from casebook.store import Store
from indexer.search import ALL_FACETS, IndexEntry, SearchBackend, SearchService, index_entry
from indexer.search.analysis import words
from indexer.search.entries import DATES


@dataclass
class Pair:
    """The same entries in both backends, and a service over each."""

    entries: list[IndexEntry]
    whoosh: SearchService
    postgres: SearchService


def _both(request: pytest.FixtureRequest, folder: Any, batches: list[list[IndexEntry]]) -> Pair:
    """Both backends written the same way: a rebuild from the first batch, then updates (which replace
    entries of the same id)."""
    made: list[SearchBackend] = []
    for name in ("whoosh", "postgres"):
        backend = new_backend(name, folder / name, request)
        backend.rebuild(batches[0])
        for batch in batches[1:]:
            backend.update(batch)
        made.append(backend)
    latest = {e.id: e for batch in batches for e in batch}
    return Pair(list(latest.values()), *(SearchService(b, gazetteer=()) for b in made))


def collected_on_crawl_days(entries: list[IndexEntry], seed: int) -> list[IndexEntry]:
    """The entries collected on a dozen crawl days spread over fifteen years (many on one day, as a crawl
    collects them; unrelated to the day published), one in sixteen on no known day: the generated corpora
    are otherwise all collected on the day they were made."""
    rng = random.Random(seed)
    crawls = [date(2012, 1, 1) + timedelta(days=rng.randrange(15 * 365)) for _ in range(12)]
    return [replace(e, collected=None if n % 16 == 5 else rng.choice(crawls)) for n, e in enumerate(entries)]


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest, demo_archive: Settings) -> Pair:
    """The demo archive: Whoosh as ingest wrote it, PostgreSQL rebuilt from the store."""
    with Store(demo_archive.db_path, read_only=True) as store:
        entries = [index_entry(s, store.mentions(s.document.id), store.quotes(s.document.id))
                   for s in store.iter_documents()]  # fmt: skip
    postgres = new_backend("postgres", demo_archive.data_dir, request)
    postgres.rebuild(entries)
    return Pair(entries, service(demo_archive.index_dir), SearchService(postgres, gazetteer=()))


@pytest.fixture(scope="module")
def synthetic(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Pair:
    """300 synthetic documents (entities, quotes, comments, 20 years of dates, collected on crawl days), in
    three writes, the last replacing ten documents of the first."""
    made = Generator(seed=5, mean_words=90).docs(300)
    docs = collected_on_crawl_days([index_entry(d.stored, d.mentions, d.quotes) for d in made], seed=5)
    return _both(
        request, tmp_path_factory.mktemp("agree"), [docs[:260], docs[260:280], docs[280:] + docs[:10]]
    )


@pytest.fixture(scope="module")
def small(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Pair:
    """The hand-made documents of test_query.py: word forms, hyphens, decimals, an undated document (and
    one collected on no known day)."""
    entries = collected_on_crawl_days(query_entries(), seed=3)
    return _both(request, tmp_path_factory.mktemp("agree-small"), [entries])


# -- the queries ------------------------------------------------------------------------------------


def _tokens(entry: IndexEntry) -> list[str]:
    return words(f"{entry.title} {entry.body}")


def generated_queries(entries: list[IndexEntry], seed: int = 16) -> list[str]:
    """Queries of every kind the language has, made from the corpus's own words."""
    rng = random.Random(seed)
    counts = Counter(w for e in entries for w in set(_tokens(e)) if w.isalpha() and len(w) > 2)
    ranked = [w for w, _n in counts.most_common()]
    common, middling, rare = ranked[:40], ranked[len(ranked) // 4 : len(ranked) // 2], ranked[-200:]
    pick = [*rng.sample(common, 8), *rng.sample(middling, 8), *rng.sample(rare, 6)]
    queries = list(pick)
    a, b, c, d = pick[0], pick[8], pick[1], pick[9]
    queries += [f"{a} {b}", f"{a} OR {b}", f"{a} -{b}", f"({a} OR {b}) -{c}", f"NOT {a}", f"-{a} -{c}",
                f"{a} AND ({b} OR {c} OR {d})", f"{a} OR ({b} -{c})", f"+{a} {d}"]  # fmt: skip
    # phrases and proximity cut out of the texts, and the same words in another order
    texts = [t for t in (_tokens(e) for e in entries) if len(t) > 6]
    for _ in range(14):
        tokens = rng.choice(texts)
        i = rng.randrange(len(tokens) - 4)
        n = rng.choice((2, 2, 3))
        queries.append('"' + " ".join(tokens[i : i + n]) + '"')
        gap = rng.choice((1, 2, 3, 5))
        queries.append(f'"{tokens[i]} {tokens[i + 2]}"~{gap}')
        queries.append(f'"{tokens[i + 2]} {tokens[i]}"~{gap}')
        queries.append(f'"{tokens[i]} {tokens[i + 2]} {tokens[i + 4]}"~{rng.choice((1, 2))}')
    queries += ['"the the"', '"of the"~3', f'"{a} {b}"~20', f'"{a} {b} {c}"~4']
    # wildcards and fuzzy words
    long_words = [w for w in ranked if len(w) >= 6]
    for w in rng.sample(long_words, 8):
        queries.append(w[: rng.randrange(2, 5)] + "*")
        k = rng.randrange(2, len(w) - 1)
        queries.append(w[:k] + "?" + w[k + 1 :])
        queries.append(w[:3] + "*" + w[-2:])
        queries.append(w[:k] + w[k + 1 :] + "~1")
        queries.append(w[:k] + "x" + w[k + 2 :] + "~2")
        queries.append(w[:k] + w[k + 1] + w[k] + w[k + 2 :] + "~1")  # two letters swapped: two edits
    # fields
    for field in ("title", "body", "comments", "quote"):
        queries += [f"{field}:{w}" for w in rng.sample(common, 2)]
        queries.append(f"{field}:{rng.choice(middling)}*")
    authors = sorted({a for e in entries for a in e.authors})
    for author in rng.sample(authors, min(3, len(authors))):
        queries += [f'author:"{author}"', f"author:{author.split()[-1].lower()}"]
    speakers = sorted({q.speaker for e in entries for q in e.quotes if q.speaker})
    for speaker in rng.sample(speakers, min(3, len(speakers))):
        queries += [f'speaker:"{speaker}"', f"speaker:{speaker.split()[-1]}"]
    sources = sorted({e.source for e in entries})
    queries += [f"source:{s}" for s in rng.sample(sources, min(3, len(sources)))]
    queries += [f"source:{sources[0][:4]}*", f"{a} -source:{sources[0]}"]
    named = sorted({(kind, name) for e in entries for _i, kind, name, _t in e.names})
    for kind, name in rng.sample(named, min(8, len(named))):
        queries += [f'{kind}:"{name}"', f'{a} OR {kind}:"{name}"']
    # dates
    years = sorted({e.published.year for e in entries if e.published})
    if years:
        y0, y1 = years[0], years[len(years) // 2]
        queries += [f"published:{y1}", f"published:[{y0} TO {y1}]", f"published:[{y1}-03 TO *]",
                    f"published:[* TO {y1}-06-15]", f"{a} published:[{y0} TO {y1}]",
                    f"{a} -published:{y1}", f"({a} OR {b}) NOT published:[{y1} TO *]"]  # fmt: skip
    queries += ["*", f"{a}* {c}", f'"{a} {b}"~3 OR title:{c}']
    return list(dict.fromkeys(queries))


def generated_filters(entries: list[IndexEntry]) -> list[dict[str, Any]]:
    """Facet filters (include and exclude), date bounds and originals only, from the corpus's values."""
    values: dict[str, Counter[str]] = {f: Counter() for f in ALL_FACETS}
    for e in entries:
        values["source"][e.source] += 1
        values["year"][e.year] += 1
        if e.month:
            values["month"][e.month] += 1
        values["extraction"][e.extraction] += 1
        for author in e.authors:
            values["author"][author] += 1
        for kind in ENTITY_KINDS:
            for entity_id in e.entities.get(kind, ()):
                values[kind][entity_id] += 1
    out: list[dict[str, Any]] = [{"originals_only": True}]
    for facet, counted in values.items():
        if not counted:
            continue
        top = [v for v, _n in counted.most_common(4)]
        out.append({"filters": {facet: [top[0]]}})
        out.append({"exclude": {facet: [top[-1]]}})
        if len(top) > 1:
            out.append({"filters": {facet: top[:2]}})  # both values at once
            out.append({"filters": {f"-{facet}": [top[1]]}, "originals_only": True})
    dated = sorted(e.published for e in entries if e.published)
    if dated:
        middle = dated[len(dated) // 2]
        out += [{"since": middle}, {"until": middle}, {"since": date(middle.year, 1, 1), "until": middle}]
    return out + collected_filters(entries)


def collected_filters(entries: list[IndexEntry]) -> list[dict[str, Any]]:
    """The same by the date collected (``dated_by``): its year and month as filters (include, exclude,
    ``undated``), date bounds on the day collected, and no filter (its year and month facets)."""
    by = {"dated_by": "collected"}
    out: list[dict[str, Any]] = [dict(by), {**by, "originals_only": True}]
    for facet, counted in (
        ("year", Counter(e.collected_year for e in entries)),
        ("month", Counter(e.collected_month for e in entries if e.collected_month)),
    ):
        top = [v for v, _n in counted.most_common(4)]
        out += [{**by, "filters": {facet: [top[0]]}}, {**by, "exclude": {facet: [top[-1]]}}]
        if len(top) > 1:
            out += [{**by, "filters": {facet: top[:2]}}, {**by, "filters": {f"-{facet}": [top[1]]}}]
    if any(e.collected is None for e in entries):
        out.append({**by, "filters": {"year": ["undated"]}})
    days = sorted(e.collected for e in entries if e.collected)
    middle = days[len(days) // 2]
    out += [{**by, "since": middle}, {**by, "until": middle}, {**by, "since": days[0], "until": middle},
            {**by, "since": date(middle.year, 1, 1), "until": date(middle.year, 12, 31)}]  # fmt: skip
    return out


# -- comparing --------------------------------------------------------------------------------------


def matched(svc: SearchService, query: str, **narrowing: Any) -> set[str]:
    total, hits = svc.every_match(query, **narrowing)
    ids = {h["id"] for h in hits}
    assert len(ids) == total
    return ids


def disagreements(pair: Pair, queries: list[str], **narrowing: Any) -> Iterator[str]:
    for query in queries:
        w, p = matched(pair.whoosh, query, **narrowing), matched(pair.postgres, query, **narrowing)
        if w != p:
            yield (
                f"{query!r} {narrowing}: Whoosh {len(w)}, PostgreSQL {len(p)};"
                f" only Whoosh {sorted(w - p)[:3]}, only PostgreSQL {sorted(p - w)[:3]}"
            )


CORPORA = ("small", "synthetic", "demo")


@pytest.mark.parametrize("corpus", CORPORA)
def test_every_generated_query_matches_the_same_documents(
    corpus: str, request: pytest.FixtureRequest
) -> None:
    pair: Pair = request.getfixturevalue(corpus)
    queries = generated_queries(pair.entries)
    assert len(queries) > 120
    found = {q: matched(pair.whoosh, q) for q in queries}
    assert sum(1 for ids in found.values() if ids) > len(queries) * 0.6  # most queries find something
    assert sum(1 for ids in found.values() if 0 < len(ids) < len(pair.entries)) > len(queries) / 2
    assert list(disagreements(pair, queries)) == []


@pytest.mark.parametrize("corpus", CORPORA)
def test_filters_and_facet_counts_agree(corpus: str, request: pytest.FixtureRequest) -> None:
    pair: Pair = request.getfixturevalue(corpus)
    queries = generated_queries(pair.entries)
    rng = random.Random(7)
    problems = []
    for narrowing in generated_filters(pair.entries):
        for query in ["*", *rng.sample(queries, 3)]:
            problems += disagreements(pair, [query], **narrowing)
            w = pair.whoosh.search(query, limit=1, facet_limit=1000, **narrowing)
            p = pair.postgres.search(query, limit=1, facet_limit=1000, **narrowing)
            if (w["total"], w["facets"]) != (p["total"], p["facets"]):
                problems.append(f"facets of {query!r} {narrowing}: {w['facets']} != {p['facets']}")
    assert problems == []
    by_collected = [pair.whoosh.search("*", limit=1, **n)["total"] for n in collected_filters(pair.entries)]
    assert sum(0 < n < len(pair.entries) for n in by_collected) > len(by_collected) / 2  # they narrow


@pytest.mark.parametrize("corpus", CORPORA)
def test_facet_counts_cut_to_the_commonest_agree(corpus: str, request: pytest.FixtureRequest) -> None:
    pair: Pair = request.getfixturevalue(corpus)
    for query in ["*", *generated_queries(pair.entries)[:20]]:
        for dated_by in DATES:
            w = pair.whoosh.search(query, limit=5, facet_limit=3, dated_by=dated_by)
            p = pair.postgres.search(query, limit=5, facet_limit=3, dated_by=dated_by)
            assert (w["total"], w["facets"]) == (p["total"], p["facets"]), (query, dated_by)


@pytest.mark.parametrize("corpus", CORPORA)
def test_quote_searches_agree(corpus: str, request: pytest.FixtureRequest) -> None:
    pair: Pair = request.getfixturevalue(corpus)
    quotes = [q for e in pair.entries for q in e.quotes]
    if not quotes:
        pytest.skip("no quotes in this corpus")  # the small corpus has none; the others do
    rng = random.Random(3)
    said = Counter(w for q in quotes for w in set(words(q.text)) if w.isalpha())
    queries = [
        "*",
        *rng.sample(sorted(said), 12),
        *[f'"{" ".join(words(q.text)[:2])}"' for q in rng.sample(quotes, 5)],
    ]
    speakers = sorted({q.speaker for q in quotes if q.speaker})
    queries += [f'speaker:"{s}"' for s in rng.sample(speakers, min(4, len(speakers)))]
    sources = sorted({e.source for e in pair.entries})
    for query in queries:
        for narrowing in ({}, {"source": sources[0]}, {"originals_only": True}, {"since": "2015"}):
            w = _quotes(pair.whoosh, query, **narrowing)
            p = _quotes(pair.postgres, query, **narrowing)
            assert w == p, (query, narrowing)


def _quotes(svc: SearchService, query: str, **narrowing: Any) -> set[tuple[str, int | None]]:
    total, hits = svc.every_match(query, quotes=True, **narrowing)
    found = {(h["doc_id"], h["start"]) for h in hits}
    assert len(found) == total
    return found


@pytest.mark.parametrize("corpus", CORPORA)
def test_date_order_agrees_and_snippets_are_the_same(corpus: str, request: pytest.FixtureRequest) -> None:
    """Ordered by date (published or collected), both give the same list (undated last, then in the order
    written); the snippets of a page are made by the same highlighter from the same stored texts, and the
    day collected each result carries is the same."""
    pair: Pair = request.getfixturevalue(corpus)
    common = Counter(w for e in pair.entries for w in set(_tokens(e))).most_common(3)
    for query in ["*", *(w for w, _n in common)]:
        for sort in ("newest", "oldest"):
            for dated_by in DATES:
                asked = {"sort": sort, "limit": len(pair.entries), "dated_by": dated_by}
                w = pair.whoosh.search(query, **asked)["results"]
                p = pair.postgres.search(query, **asked)["results"]
                assert [r["id"] for r in w] == [r["id"] for r in p], (query, sort, dated_by)
                assert w == p
    newest = pair.postgres.search("*", sort="newest", limit=len(pair.entries), dated_by="collected")
    days = [r["collected"] for r in newest["results"]]
    dated = [d for d in days if d]
    assert dated == sorted(dated, reverse=True) and days == dated + [None] * (len(days) - len(dated))
    assert dated and all(isinstance(d, str) and date.fromisoformat(d) for d in dated)


@pytest.mark.parametrize("corpus", CORPORA)
def test_searches_among_some_documents_agree(corpus: str, request: pytest.FixtureRequest) -> None:
    """``among`` (the documents a run of the pipeline has just written, the exact ``id`` field): the same
    matches, an id the index does not hold matching nothing, none at all matching nothing."""
    pair: Pair = request.getfixturevalue(corpus)
    rng = random.Random(11)
    some = [e.id for e in rng.sample(pair.entries, max(len(pair.entries) // 3, 2))]
    queries = ["*", *generated_queries(pair.entries)[:12]]
    for among in (some, [some[0]], [*some[:2], "no-such-document"], []):
        for query in queries:
            w = matched(pair.whoosh, query, among=among)
            assert w == matched(pair.postgres, query, among=among), (query, among)
            assert w <= set(among)
    assert matched(pair.postgres, "*", among=some) == set(some)
