"""Search on a real Whoosh index on disk: sorting, dates, pages, filters, snippets, quotes, writes."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from searching import search, search_quotes

from casebook.errors import CasebookError
from casebook.models import Comment, Document, Mention, Quote
from casebook.store import StoredDocument
from indexer.search import index_entry, plain_snippet
from indexer.search.whoosh_backend import WhooshIndex


@dataclass(frozen=True)
class Copy:
    """A stored document the dedup stage marked as a copy (the attribute the index reads via getattr)."""

    document: Document
    version: int
    first_fetched: datetime
    duplicate_of: str | None = None


def doc(
    n: int,
    title: str,
    text: str,
    source: str,
    published: date | None,
    comments: tuple[str, ...] = (),
    duplicate_of: str | None = None,
) -> StoredDocument | Copy:
    fetched = datetime(2025, 1, 1, tzinfo=UTC)
    url = f"https://example.org/{n}"
    document = Document(
        url=url,
        canonical_url=url,
        source=source,
        title=title,
        text=text,
        fetched=fetched,
        authors=["John Pring"] if n % 2 else ["Mary O'Hara"],
        published=published,
        comments=[Comment("reader", c) for c in comments],
    )
    if duplicate_of:
        return Copy(document, 1, fetched, duplicate_of)
    return StoredDocument(document, 1, fetched)


D1_TEXT = "Benefit sanctions rose sharply for ESA claimants. The system is broken, said Liz Kendall."
DOCS = [
    doc(1, "Sanctions rise", D1_TEXT, "dns", date(2017, 5, 4), comments=("My sanction lasted months",)),
    doc(
        2,
        "Work coaches",
        "Work coaches were told to sanction more claimants under Employment and Support Allowance rules.",
        "bw",
        date(2024, 3, 1),
    ),
    doc(
        3,
        "Co-op <script>alert(1)</script>",
        "No <script>alert('x')</script> unpaid workers & no sanctions at the Co-op.",
        "dorset-iww",
        None,
        comments=("<b>bold</b> sanctioned & shamed",),
    ),
    doc(
        4,
        "Tribunal appeals",
        "Appeals to the tribunal were sanctioned by judges; claimants won.",
        "dns",
        date(2019, 6, 15),
    ),  # fmt: skip
    doc(6, "Food banks", "Food bank use grew as claimants waited for payments.", "bw", date(2020, 1, 10)),
]
ID = {n: d.document.id for n, d in zip((1, 2, 3, 4, 6), DOCS, strict=True)}
DOCS.append(doc(5, "Sanctions rise (copy)", D1_TEXT, "mirror", date(2017, 5, 4), duplicate_of=ID[1]))
ID[5] = DOCS[-1].document.id

ESA_1 = Mention("ESA", "scheme", "scheme:esa", "Employment and Support Allowance", 32, 35)
KENDALL = Mention("Liz Kendall", "official", "official:liz-kendall", "Liz Kendall", 76, 87)
ESA_2 = Mention(
    "Employment and Support Allowance", "scheme", "scheme:esa", "Employment and Support Allowance", 62, 94
)
QUOTE_1 = Quote("The system is broken", "Liz Kendall", "official:liz-kendall", "said", 51, 71)
HOSTILE_QUOTE = Quote("<img src=x onerror=alert(1)> unpaid & angry", "A <b>worker</b>", None, "said", 3, 40)
MENTIONS = {1: [ESA_1, KENDALL], 2: [ESA_2], 5: [ESA_1, KENDALL]}
QUOTES = {1: [QUOTE_1], 3: [HOSTILE_QUOTE], 5: [QUOTE_1]}


def number(d: StoredDocument | Copy) -> int:
    return int(d.document.url.rsplit("/", 1)[1])


def entries() -> list[dict]:
    return [index_entry(d, MENTIONS.get(number(d), []), QUOTES.get(number(d), [])) for d in DOCS]  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "index"
    WhooshIndex(path).rebuild(entries())
    return path


def ids(found: dict) -> set[str]:
    return {r["id"] for r in found["results"]}


def numbers(found: dict) -> list[int]:
    back = {v: k for k, v in ID.items()}
    return [back[r["id"]] for r in found["results"]]


def test_result_shape_is_unchanged(index_path: Path) -> None:
    found = search(index_path, "sanctions")
    assert set(found) == {"total", "results", "facets"}
    assert set(found["results"][0]) == {"id", "title", "url", "source", "published", "snippet"}
    detailed = search(index_path, "sanctions", details=True)
    assert {"page", "pages", "sort", "notices"} <= set(detailed)
    assert {"matched_in", "duplicate_of"} <= set(detailed["results"][0])
    assert set(found["facets"]) >= {"source", "year", "month", "author", "scheme", "official"}


def test_sort_newest_and_oldest_with_undated_last(index_path: Path) -> None:
    assert numbers(search(index_path, "*", sort="newest", limit=10)) == [2, 6, 4, 1, 5, 3]
    assert numbers(search(index_path, "*", sort="oldest", limit=10)) == [1, 5, 4, 6, 2, 3]
    relevance = search(index_path, "claimants", limit=10)
    assert set(numbers(relevance)) == {1, 2, 4, 5, 6}
    with pytest.raises(CasebookError, match="unknown sort"):
        search(index_path, "*", sort="random")


def test_since_and_until(index_path: Path) -> None:
    assert set(numbers(search(index_path, "*", since="2019", limit=10))) == {2, 4, 6}
    assert set(numbers(search(index_path, "*", until="2019-06", limit=10))) == {1, 4, 5}
    assert set(numbers(search(index_path, "*", since=date(2019, 6, 16), until="2020", limit=10))) == {6}
    with pytest.raises(CasebookError, match="try: 2020-05-13") as raised:  # the caller names the bound
        search(index_path, "*", since="13/05/2020")
    assert raised.value.bound == "since" and raised.value.suggestion == "2020-05-13"


def test_pagination_is_stable_and_total_constant(index_path: Path) -> None:
    for sort in ("relevance", "newest", "oldest"):
        pages = [
            search(index_path, "claimants OR sanctions", limit=2, page=p, sort=sort) for p in (1, 2, 3, 4)
        ]
        assert {p["total"] for p in pages} == {6}
        seen = [r["id"] for p in pages for r in p["results"]]
        assert len(seen) == len(set(seen)) == 6, sort
        again = search(index_path, "claimants OR sanctions", limit=2, page=2, sort=sort)
        assert [r["id"] for r in again["results"]] == [r["id"] for r in pages[1]["results"]]
    assert search(index_path, "claimants", limit=2, page=99)["results"] == []


def test_details_add_page_sort_and_notices(index_path: Path) -> None:
    found = search(index_path, "person:nobody", details=True, limit=2)
    assert found["total"] == 0 and found["notices"] == ["no person known as 'nobody' in this archive"]
    assert search(index_path, "*", details=True, limit=4)["pages"] == 2


def test_originals_only_hides_copies(index_path: Path) -> None:
    everything = search(index_path, '"benefit sanctions"', details=True)
    assert set(numbers(everything)) == {1, 5}
    originals = search(index_path, '"benefit sanctions"', originals_only=True)
    assert numbers(originals) == [1] and originals["total"] == 1
    assert originals["facets"]["source"] == {"dns": 1}
    assert {r["duplicate_of"] for r in everything["results"]} == {None, ID[1]}


def test_include_and_exclude_facet_filters(index_path: Path) -> None:
    assert set(numbers(search(index_path, "claimants", filters={"source": ["dns"]}))) == {1, 4}
    assert set(numbers(search(index_path, "claimants", filters={"-source": ["dns"]}))) == {2, 5, 6}
    assert set(numbers(search(index_path, "claimants", exclude={"source": ["dns", "bw"]}))) == {5}
    assert set(
        numbers(search(index_path, "*", filters={"scheme": ["scheme:esa"], "-source": ["mirror"]}))
    ) == {
        1,
        2,
    }
    assert set(numbers(search(index_path, "*", filters={"month": ["2019-06"]}))) == {4}
    narrowed = search(index_path, "*", exclude={"year": ["2017"]}, limit=10)
    assert "2017" not in narrowed["facets"]["year"] and narrowed["total"] == 4


def test_facets_count_every_match_not_only_the_page(index_path: Path) -> None:
    found = search(index_path, "claimants", limit=1)
    assert found["total"] == 5 and len(found["results"]) == 1
    assert found["facets"]["source"] == {"dns": 2, "bw": 2, "mirror": 1}
    assert found["facets"]["scheme"] == {"scheme:esa": 3}
    assert found["facets"]["month"] == {"2017-05": 2, "2019-06": 1, "2020-01": 1, "2024-03": 1}
    assert search(index_path, "claimants", facet_limit=1)["facets"]["source"] == {"bw": 2}
    assert set(search(index_path, "claimants", facets=("year",))["facets"]) == {"year"}


def test_snippets_from_comments_and_quotes_when_they_matched(index_path: Path) -> None:
    found = search(index_path, "comments:lasted", details=True)
    (hit,) = found["results"]
    assert "<mark>lasted</mark>" in hit["snippet"] and hit["matched_in"] == ["comments"]
    quoted = search(index_path, "quote:broken", originals_only=True, details=True)["results"][0]
    assert "<mark>broken</mark>" in quoted["snippet"] and "quotes" in quoted["matched_in"]
    body = search(index_path, "judges", details=True)["results"][0]
    assert "<mark>judges</mark>" in body["snippet"] and body["matched_in"] == ["body"]


@pytest.mark.parametrize(
    "query",
    ["unpaid", "comments:bold", "comments:shamed", "quote:unpaid", "quote:angry", "speaker:worker", "script"],
)
def test_every_snippet_type_escapes_hostile_text(index_path: Path, query: str) -> None:
    (hit,) = search(index_path, query)["results"]
    snippet = hit["snippet"]
    for raw in ("<script", "<b>", "<img"):
        assert raw not in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert "&lt;" in snippet or "&amp;" in snippet
    assert hit["title"] == "Co-op <script>alert(1)</script>"  # titles are data: the templates escape them


def test_quote_snippets_escape_hostile_text(index_path: Path) -> None:
    (hit,) = search_quotes(index_path, "unpaid")["results"]
    assert "<img" not in hit["snippet"] and "&lt;img" in hit["snippet"]
    assert "<mark>unpaid</mark>" in hit["snippet"] and "&amp;" in hit["snippet"]
    assert plain_snippet(hit["snippet"]) == "<img src=x onerror=alert(1)> unpaid & angry"


def test_quotes_search_carries_citations(index_path: Path) -> None:
    found = search_quotes(index_path, "broken")
    assert found["total"] == 2
    hit = next(r for r in found["results"] if r["doc_id"] == ID[1])
    assert hit == {
        "doc_id": ID[1],
        "text": "The system is broken",
        "speaker": "Liz Kendall",
        "speaker_id": "official:liz-kendall",
        "cue": "said",
        "start": QUOTE_1.start,  # where it stands in the document's text
        "title": "Sanctions rise",
        "source": "dns",
        "published": "2017-05-04",
        "url": "https://example.org/1",
        "snippet": "The system is <mark>broken</mark>",
    }
    assert search_quotes(index_path, "broken", originals_only=True)["total"] == 1


def test_quotes_by_speaker_entity_date_and_source(index_path: Path) -> None:
    assert search_quotes(index_path, "speaker:kendall")["total"] == 2
    assert search_quotes(index_path, 'speaker:"liz kendall"')["total"] == 2
    assert search_quotes(index_path, speaker="Liz Kendall")["total"] == 2
    assert search_quotes(index_path, speaker_id="official:liz-kendall", source="dns")["total"] == 1
    assert search_quotes(index_path, "*", since="2018")["total"] == 0
    assert search_quotes(index_path, "published:2017")["total"] == 2
    assert search_quotes(index_path, "source:dorset-iww")["total"] == 1
    assert search_quotes(index_path, "*", sort="newest")["results"][-1]["published"] is None


def test_incremental_update_replaces_by_id_and_keeps_quotes_and_names(tmp_path: Path) -> None:
    ix = WhooshIndex(tmp_path / "index")
    ix.rebuild(entries()[:2])
    assert search(ix.path, "scheme:esa")["total"] == 2
    revised = doc(
        1, "Sanctions rise", "Nothing about benefits now, said Liz Kendall.", "dns", date(2017, 5, 4)
    )
    ix.update([index_entry(revised, [KENDALL], [])])
    assert ix.doc_count() == 2
    assert search(ix.path, "sharply")["total"] == 0 and search(ix.path, "nothing")["total"] == 1
    assert search_quotes(ix.path, "broken")["total"] == 0
    assert search(ix.path, 'scheme:"employment and support allowance"')["total"] == 1
    ix.update([index_entry(DOCS[3], [], [Quote("Justice was done", "A judge", None, "said", 0, 16)])])
    assert search_quotes(ix.path, "justice")["results"][0]["title"] == "Tribunal appeals"


def test_readers_keep_working_while_a_writer_holds_the_lock(index_path: Path, tmp_path: Path) -> None:
    ix = WhooshIndex(tmp_path / "index", lock_timeout=0.2)
    ix.rebuild(entries())
    writer = ix.open().writer()
    try:
        assert search(ix.path, "sanctions")["total"] == 5
        with pytest.raises(CasebookError, match="being written by another process|locked by another writer"):
            ix.update([index_entry(DOCS[0], [], [])])
    finally:
        writer.cancel()
    ix.update([index_entry(DOCS[0], [], [])])


def test_a_stale_lock_is_named_as_stale(tmp_path: Path) -> None:
    ix = WhooshIndex(tmp_path / "index", lock_timeout=0.1)
    ix.rebuild(entries()[:1])
    dead = multiprocessing.get_context("fork").Process(target=time.sleep, args=(0,))
    dead.start()
    dead.join()
    holder = {"pid": dead.pid, "host": os.uname().nodename, "since": "2025-01-01T00:00:00", "command": "x"}
    writer = ix.open().writer()  # the lock stays held, as on a file system where it outlives its process
    try:
        (ix.folder() / "casebook-writer.json").write_text(json.dumps(holder), encoding="utf-8")
        with pytest.raises(CasebookError, match="lock is stale.*delete .*MAIN_WRITELOCK"):
            ix.update([index_entry(DOCS[0], [], [])])
    finally:
        writer.cancel()


def _hold_lock_forever(path: str) -> None:
    writer = WhooshIndex(Path(path)).open().writer()
    print("locked", flush=True)
    time.sleep(60)
    writer.cancel()


def test_a_killed_writer_does_not_block_the_next(tmp_path: Path) -> None:
    ix = WhooshIndex(tmp_path / "index", lock_timeout=5)
    ix.rebuild(entries()[:1])
    holder = multiprocessing.get_context("fork").Process(target=_hold_lock_forever, args=(str(ix.path),))
    holder.start()
    time.sleep(1.0)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join()
    assert ix.update([index_entry(DOCS[1], [], [])]) == 1


def test_an_index_from_an_older_version_asks_for_reindex(tmp_path: Path) -> None:
    ix = WhooshIndex(tmp_path / "index")
    ix.rebuild(entries()[:1])
    (ix.folder() / "casebook-index.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CasebookError, match="run casebook reindex"):
        search(ix.path, "sanctions")


def test_the_index_holds_the_quotes_its_entries_carry_and_opens_no_store(tmp_path: Path) -> None:
    """The caller passes the quotes inside the entries; a store beside the index is not read."""
    from casebook.store import Store

    with Store(tmp_path / "casebook.db") as store:
        with store.transaction():
            store.save(DOCS[0].document)
            store.save_annotations(ID[1], [ESA_1], [QUOTE_1])
    index = WhooshIndex(tmp_path / "index")
    index.rebuild([index_entry(DOCS[0], [ESA_1], [])])
    assert search_quotes(tmp_path / "index", "broken")["total"] == 0
    assert search(tmp_path / "index", "speaker:kendall")["total"] == 0
    index.rebuild([index_entry(DOCS[0], [ESA_1], [QUOTE_1])])
    assert search_quotes(tmp_path / "index", "broken")["total"] == 1
    assert search(tmp_path / "index", "speaker:kendall")["total"] == 1
