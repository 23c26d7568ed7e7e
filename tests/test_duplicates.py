"""Near-duplicate clusters: reposts point to the original; different stories on one topic stay apart.

The pages are the extraction gold set's (tests/gold/), extracted for real: the Black Triangle demo repost
of a Disability News Service story and a trimmed DNS-shaped copy of it, a Black Triangle repost of a DNS
story with "This article first appeared on Disability News Service", a Same Difference repost of a Benefits
and Work story, and the other gold articles, several on the same topics (work coaches, PIP appeals).
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from eval_extraction import load_gold

from casebook.models import Document, RawPage
from casebook.store import MIGRATIONS, Store
from indexer.dedup.duplicates import THRESHOLD, assign_cluster, credits, find_duplicates, rebuild_clusters
from indexer.dedup.minhash import bands_for, minhash, shingles, similarity
from indexer.extract.stage import extract

BT_DEMO = "black-triangle-boycott-call-dpos-work-scheme"
DNS_TRIMMED = "dns-boycott-call-trimmed"
DNS_APPEALS = "dns-appeal-waits-long-thread"
BT_APPEALS = "bt-repost-appeal-waits"
BW_DEMO = "bw-work-coaches-no-qualifications"
SD_REPOST = "samedifference-bw-repost-title-suffix"
COPIES = {
    frozenset((BT_DEMO, DNS_TRIMMED)),
    frozenset((BT_APPEALS, DNS_APPEALS)),
    frozenset((SD_REPOST, BW_DEMO)),
}


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    out = {}
    for page in load_gold():
        if page.kind == "article":
            raw = RawPage(page.url, page.path.read_bytes(), page.fetched, page.content_type)
            out[page.name] = extract(raw, page.source)
    return out


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "casebook.db") as s:
        yield s


def add(store: Store, doc: Document) -> str | None:
    with store.transaction():
        store.save(doc)
        return assign_cluster(store, doc)


# ----------------------------------------------------------------------------------------------------------
# The threshold, on the gold set


def test_threshold_separates_copies_from_same_topic_stories(docs: dict[str, Document]) -> None:
    """Copies score near 1, different stories (same topics, same ministers) near 0: 0.5 is far from both."""
    copies, others = [], []
    for (a, da), (b, db) in itertools.combinations(docs.items(), 2):
        (copies if frozenset((a, b)) in COPIES else others).append(similarity(da.text, db.text))
    assert len(copies) == 3
    assert min(copies) >= 0.9
    assert max(others) <= 0.1
    assert min(copies) - THRESHOLD >= 0.3 and THRESHOLD - max(others) >= 0.3


def test_work_coach_stories_from_three_outlets_are_not_copies(docs: dict[str, Document]) -> None:
    stories = ["dns-work-coaches-harsher-jobcentre-tactics", BW_DEMO, "bw-one-thousand-work-coaches",
               "iua-policemen-work-coaches"]  # fmt: skip
    for a, b in itertools.combinations(stories, 2):
        assert similarity(docs[a].text, docs[b].text) < 0.1, (a, b)


def test_a_shared_quotation_does_not_make_a_copy(docs: dict[str, Document]) -> None:
    """Two stories quoting the same DWP statement at length share that paragraph, not the story."""
    statement = (
        "A Department for Work and Pensions spokesperson said: “We are committed to making sure people get "
        "the support they are entitled to, and we continue to work to improve the quality of our decisions. "
        "Most people who are refused an award do not appeal, and of those who do, most decisions are upheld.”"
    )
    other = docs["bw-pip-consultation-comments"].text + "\n\n" + statement
    assert similarity(docs[DNS_APPEALS].text + "\n\n" + statement, other) < THRESHOLD


# ----------------------------------------------------------------------------------------------------------
# Clusters in the store


def test_black_triangle_repost_and_trimmed_dns_copy_form_one_cluster(store: Store, docs) -> None:
    bt, dns = docs[BT_DEMO], docs[DNS_TRIMMED]
    assert add(store, bt) is None  # alone so far
    # the DNS copy is published the same day and was fetched first (4 May against 11 May): the original
    assert add(store, dns) is None
    assert store.duplicate_of(bt.id) == dns.id
    assert store.duplicate_of(dns.id) is None
    assert store.cluster_members(bt.id) == [dns.id, bt.id] == store.cluster_members(dns.id)
    assert store.cluster_similarity(bt.id) == pytest.approx(1.0, abs=0.01)  # the trimmed copy is all in it


def test_the_result_does_not_depend_on_the_order_of_arrival(tmp_path: Path, docs) -> None:
    names = [
        BT_DEMO,
        DNS_TRIMMED,
        BT_APPEALS,
        DNS_APPEALS,
        SD_REPOST,
        BW_DEMO,
        "bw-one-thousand-work-coaches",
    ]
    results = []
    for order in (names, names[::-1], names[2:] + names[:2]):
        with Store(tmp_path / f"{len(results)}.db") as s:
            for name in order:
                add(s, docs[name])
            results.append({name: s.duplicate_of(docs[name].id) for name in names})
    assert results[0] == results[1] == results[2]
    assert results[0] == {
        BT_DEMO: docs[DNS_TRIMMED].id,
        DNS_TRIMMED: None,
        BT_APPEALS: docs[DNS_APPEALS].id,
        DNS_APPEALS: None,
        SD_REPOST: docs[BW_DEMO].id,
        BW_DEMO: None,
        "bw-one-thousand-work-coaches": None,
    }


def test_first_appeared_on_points_to_the_credited_outlet(store: Store, docs) -> None:
    repost, original = docs[BT_APPEALS], docs[DNS_APPEALS]
    assert "disabilitynewsservice" in credits(repost.text)
    # even when the repost claims the earlier date, the copy that credits DNS is not the original
    early = replace(repost, published=original.published - timedelta(days=3))
    add(store, early)
    add(store, original)
    assert store.duplicate_of(repost.id) == original.id


def test_credit_beats_dates_when_the_original_shows_none(store: Store, docs) -> None:
    """Benefits and Work pages carry no date; the Same Difference repost says 11 May 2023 and credits B&W."""
    original, repost = docs[BW_DEMO], docs[SD_REPOST]
    assert original.published is None and repost.published == date(2023, 5, 11)
    assert add(store, repost) is None
    assert add(store, original) is None
    assert store.duplicate_of(repost.id) == original.id


def test_without_credit_the_earliest_published_copy_is_the_original(store: Store, docs) -> None:
    text = docs[DNS_APPEALS].text
    fetched = datetime(2024, 1, 10, tzinfo=UTC)

    def copy(n: int, published: date | None) -> Document:
        url = f"https://blog{n}.example.org/appeal-waits/"
        return replace(docs[DNS_APPEALS], url=url, canonical_url=url, source=f"blog{n}", published=published,
                       fetched=fetched + timedelta(days=n))  # fmt: skip

    late, early, undated = copy(1, date(2023, 12, 9)), copy(2, date(2023, 12, 7)), copy(3, None)
    for doc in (late, undated, early):
        add(store, doc)
    assert store.duplicate_of(late.id) == early.id == store.duplicate_of(undated.id)
    assert store.cluster_members(late.id)[0] == early.id and len(store.cluster_members(late.id)) == 3
    assert similarity(text, text) == 1.0


def test_an_edited_version_that_no_longer_matches_leaves_its_cluster(store: Store, docs) -> None:
    bt, dns = docs[BT_DEMO], docs[DNS_TRIMMED]
    add(store, dns)
    add(store, bt)
    assert store.duplicate_of(bt.id) == dns.id
    rewritten = replace(
        bt, text=docs["iua-policemen-work-coaches"].text, fetched=bt.fetched + timedelta(days=30)
    )
    assert add(store, rewritten) is None
    assert store.duplicate_of(bt.id) is None and store.cluster_members(dns.id) == [dns.id]
    assert store.cluster_count() == 0


def test_gold_set_gives_exactly_the_three_expected_clusters(store: Store, docs) -> None:
    with store.transaction():
        for doc in docs.values():
            store.save(doc)
    assert rebuild_clusters(store) == 3
    clustered = {name for name, doc in docs.items() if len(store.cluster_members(doc.id)) > 1}
    assert clustered == {name for pair in COPIES for name in pair}


def test_candidates_come_from_the_band_index_not_from_every_document(store: Store, docs, monkeypatch) -> None:
    """Adding a document reads only the documents LSH names as candidates, however many are stored."""
    with store.transaction():
        for i, doc in enumerate(docs.values()):
            for n in range(6):  # unrelated documents (the gold texts reversed), indexed: over 100 of them
                url = f"https://archive{n}.example.org/{i}/"
                filler = replace(doc, url=url, canonical_url=url, text=f"{n} {i} " + doc.text[::-1])
                store.save(filler)
                assign_cluster(store, filler)
    count = store.count()
    gets: list[str] = []
    original_get = Store.get
    monkeypatch.setattr(Store, "get", lambda self, doc_id: gets.append(doc_id) or original_get(self, doc_id))
    for doc in docs.values():
        with store.transaction():
            store.save(doc)
            assign_cluster(store, doc)
    assert count > 100
    assert len(gets) < 4 * len(docs)  # each document: itself, its candidates and its cluster, not the archive


def test_short_texts_never_cluster(store: Store, docs) -> None:
    note = replace(docs[DNS_APPEALS], text="Read the full story on Disability News Service.", url="https://x.org/a",
                   canonical_url="https://x.org/a")  # fmt: skip
    assert bands_for(note.text) == []
    add(store, docs[DNS_APPEALS])
    assert add(store, note) is None and store.cluster_members(note.id) == [note.id]


# ----------------------------------------------------------------------------------------------------------
# Pieces


def test_minhash_estimates_jaccard() -> None:
    words = [f"w{i}" for i in range(400)]
    a = shingles(" ".join(words[:300]))
    b = shingles(" ".join(words[100:400]))
    exact = len(a & b) / len(a | b)
    estimate = float(np.mean(minhash(a) == minhash(b)))
    assert abs(estimate - exact) < 0.12
    assert minhash(a).tolist() == minhash(set(a)).tolist()  # deterministic across calls and processes


def test_credit_lines_are_read_from_the_start_and_end_of_a_body() -> None:
    assert "benefitsandwork" in credits("With many thanks to Benefits And Work.\n\nWork coaches, who ...")
    assert "disabilitynewsservice" in credits(
        "Text.\n\nThis article first appeared on Disability News Service."
    )
    middle = "\n\n".join(["a"] * 4 + ["This article first appeared on Disability News Service."] + ["b"] * 4)
    assert credits(middle) == []


def test_find_duplicates_in_memory_for_analyze(docs) -> None:
    names = [BT_DEMO, "iua-policemen-work-coaches", DNS_TRIMMED, SD_REPOST, BW_DEMO]
    found = find_duplicates([docs[n] for n in names])
    assert set(found) == {0, 3}
    assert found[0][0] == 2 and found[3][0] == 4
    assert found[0][1] == pytest.approx(1.0, abs=0.01)


def test_migration_adds_the_cluster_tables_after_the_others(store: Store) -> None:
    assert store.schema_version == len(MIGRATIONS) >= 3
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"clusters", "near_dup_bands", "documents", "versions", "fetches"} <= tables
