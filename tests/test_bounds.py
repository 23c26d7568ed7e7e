"""The work one request can cause is bounded: floods of repeated parameters, proximity searches of many
words or a wide slop, a search past its time limit, slow searches crowding out the rest, and an entity's
co-mentions computed per document (the work grows with the mentions, not with their square)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from conftest import settings_for
from searching import search
from webserver import Server

import indexer.search.bounds as bounds
from casebook.models import Document, Mention
from casebook.settings import Settings
from casebook.store import Store
from indexer.search import index_entry
from indexer.search.bounds import SLOW_AT_ONCE
from indexer.search.language import MAX_NEAR_WORDS, MAX_PHRASE_WORDS, MAX_SLOP, QueryError
from indexer.search.whoosh_backend import WhooshIndex
from webui.entities import entity_mentions

WORDS = "tribunal appeal claimants waited months decision department evidence doctors letters".split()


def doc(n: int, mentions: int = 0) -> tuple[Document, list[Mention]]:
    text = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(400)) + f" marker{n}"
    document = Document(
        url=f"https://bounds.example/{n}",
        canonical_url=f"https://bounds.example/{n}",
        source="bounds",
        title=f"Appeal waits {n}",
        text=text,
        fetched=datetime(2024, 1, 1, tzinfo=UTC),
        published=date(2024, 1, 1 + n % 28),
    )
    found = [Mention("Ann", "person", "person:ann", "Ann", i, i + 3) for i in range(mentions)]
    found += [Mention("Bob", "person", f"person:bob{n % 3}", "Bob", i, i + 3) for i in range(mentions)]
    return document, found


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = settings_for(tmp_path_factory.mktemp("bounds") / "data")
    docs = [doc(n) for n in range(40)]
    with Store(settings.db_path) as store, store.transaction():
        for document, mentions in docs:
            store.save(document)
            store.save_annotations(document.id, mentions, [])
    with Store(settings.db_path) as store:
        stored = [store.get(d.id) for d, _ in docs]
    WhooshIndex(settings.index_dir).rebuild(
        index_entry(s, m, []) for s, (_, m) in zip(stored, docs, strict=True)
    )
    return settings


@pytest.mark.slow
def test_floods_of_parameters_are_refused_in_one_short_answer(archive: Settings, tmp_path: Path) -> None:
    with Server(archive.data_dir, tmp_path / "serve.log") as running:
        client = running.client()
        flood = urlencode([("source", f"s{n}") for n in range(2000)])
        for path in (
            f"/search?{flood}",
            f"/api/search?{flood}",
            f"/export/csv?{flood}",
            f"/timeline?{flood}",
        ):
            answer = client.get(path)
            assert answer.status == 400 and len(answer.body) < 20_000, (path[:40], answer.status)
            assert "Too many" in answer.text, path[:40]
        many = urlencode([("source", f"s{n}") for n in range(21)])
        assert client.get(f"/search?q=appeal&{many}").status == 400
        enough = urlencode([("source", "bounds")] * 20)
        assert client.get(f"/search?q=appeal&{enough}").status == 200
        spread = urlencode([(name, "x") for name in ("source", "year", "author", "person", "place")] * 21)
        assert client.get(f"/search?{spread}").status == 400  # 105 values in all
        slop = client.get("/api/search?q=" + quote(f'"tribunal appeal"~{MAX_SLOP + 1}'))
        assert slop.status == 400 and "too far apart" in slop.text


def test_proximity_and_phrase_searches_are_bounded(archive: Settings) -> None:
    near = " ".join(WORDS[: MAX_NEAR_WORDS + 1])
    with pytest.raises(QueryError, match=f"at most {MAX_NEAR_WORDS} words"):
        search(archive.index_dir, f'"{near}"~3')
    with pytest.raises(QueryError, match=f"at most {MAX_SLOP}"):
        search(archive.index_dir, f'"tribunal appeal"~{MAX_SLOP + 1}')
    long_phrase = " ".join(WORDS * 7)[: MAX_PHRASE_WORDS * 12]
    assert len(long_phrase.split()) > MAX_PHRASE_WORDS
    with pytest.raises(QueryError, match=f"at most {MAX_PHRASE_WORDS} words"):
        search(archive.index_dir, f'"{long_phrase}"')
    exact = " ".join((WORDS * 4)[:40])  # an exact quote of forty words is a journalist's search
    assert search(archive.index_dir, f'"{exact}"')["total"] >= 1
    assert search(archive.index_dir, f'"{" ".join(WORDS[:MAX_NEAR_WORDS])}"~{MAX_SLOP}')["total"] >= 1


def test_a_search_past_its_time_limit_is_stopped_with_one_line(
    archive: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bounds, "SEARCH_SECONDS", 0.0)
    with pytest.raises(QueryError, match=r"took longer than 0 s and was stopped; narrow it") as caught:
        search(archive.index_dir, '"tribunal appeal"~3')
    assert caught.value.suggestion == '"tribunal appeal"'


def test_slow_searches_wait_their_turn_and_the_rest_do_not(
    archive: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bounds, "SEARCH_SECONDS", 0.2)
    held = [bounds._slow_searches.acquire(timeout=1) for _ in range(SLOW_AT_ONCE)]
    try:
        assert all(held)
        with pytest.raises(QueryError, match="other slow searches"):
            search(archive.index_dir, '"tribunal appeal"~3')
        with pytest.raises(QueryError, match="other slow searches"):
            search(archive.index_dir, "tribun*")
        assert search(archive.index_dir, '"tribunal appeal"')["total"] == 40  # exact: not a slow one
        assert search(archive.index_dir, "tribunal appeal")["total"] == 40
    finally:
        for _ in held:
            bounds._slow_searches.release()
    assert search(archive.index_dir, '"tribunal appeal"~3')["total"] == 40


def vm_steps(settings: Settings, entity_id: str) -> int:
    """SQLite virtual-machine steps the entity page's questions take (a count, not a time)."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    with Store(settings.db_path) as store:
        store.db.set_progress_handler(count, 100)
        found = entity_mentions(store, entity_id)
        store.db.set_progress_handler(None, 100)
    assert found is not None
    return steps * 100


def co_mention_store(folder: Path, mentions: int) -> Settings:
    settings = settings_for(folder)
    with Store(settings.db_path) as store, store.transaction():
        for n in range(3):  # three long articles mentioning Ann, and Bob, thousands of times each
            document, found = doc(n, mentions)
            store.save(document)
            store.save_annotations(document.id, found, [])
    return settings


def test_co_mentions_are_counted_per_document_not_per_pair_of_mentions(tmp_path: Path) -> None:
    small = co_mention_store(tmp_path / "small", 1000)
    large = co_mention_store(tmp_path / "large", 2000)
    with Store(small.db_path) as store:
        found = entity_mentions(store, "person:ann")
    assert found is not None
    assert [(c["id"], c["documents"]) for c in found["co_mentioned"]] == [
        ("person:bob0", 1),
        ("person:bob1", 1),
        ("person:bob2", 1),
    ]
    assert found["mentions"] == 3000 and found["documents"] == 3
    # Twice the mentions: about twice the work (pairs of mentions would be four times).
    ratio = vm_steps(large, "person:ann") / vm_steps(small, "person:ann")
    assert ratio < 2.6, ratio
