"""The PostgreSQL search backend's own duties: chosen by the settings, rebuilt beside the live index and
swapped in whole, one writer at a time on any machine, damage and old versions repaired by a rebuild,
long texts matched exactly, and every command (ingest, search, check, reindex) working on it unchanged."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import psycopg
import pytest
from click.testing import CliRunner
from searching import new_backend, service

from casebook.cli import _warm_up, cli
from casebook.errors import CasebookError
from casebook.models import Document
from casebook.settings import load_settings
from casebook.store import StoredDocument
from indexer.pipeline.check import check
from indexer.pipeline.demo import demo_imports
from indexer.pipeline.ingest import ingest
from indexer.search import (
    IndexCorrupt,
    IndexEntry,
    IndexOutdated,
    SearchService,
    index_entry,
    open_backend,
    postgres_columns,
    postgres_matches,
)
from indexer.search.entries import DOCUMENT_FIELDS, QUOTE_FIELDS
from indexer.search.postgres_backend import LIVE, WRITE_LOCKS, PostgresIndex
from indexer.search.postgres_entries import (
    MAX_POSITION,
    MULTI_FACETS,
    SINGLE_FACETS,
    document_row,
    quote_rows,
)
from indexer.search.whoosh_backend import WhooshIndex
from webui.app import create_app
from webui.search import SHOWN_FACETS


def entry(n: int, text: str, title: str = "", published: date | None = date(2020, 1, 1)) -> IndexEntry:
    url = f"https://pg.example/{n}"
    fetched = datetime(2025, 1, 1, tzinfo=UTC)
    doc = Document(url=url, canonical_url=url, source="pg", title=title or f"Article {n}", text=text,
                   fetched=fetched, published=published)  # fmt: skip
    return index_entry(StoredDocument(doc, 1, fetched), [], [])


def ids(svc: SearchService, query: str) -> set[str]:
    _total, hits = svc.every_match(query)
    return {h["id"] for h in hits}


# -- settings ---------------------------------------------------------------------------------------


def test_the_search_backend_is_whoosh_unless_postgres_is_asked_for_with_a_database(tmp_path: Path) -> None:
    plain = load_settings(env={}, data_dir=tmp_path)
    assert plain.search_backend == "whoosh" and isinstance(open_backend(plain), WhooshIndex)
    url = "postgresql://casebook@db.example/casebook"
    chosen = load_settings(
        env={"CASEBOOK_SEARCH_BACKEND": "postgres", "CASEBOOK_DATABASE_URL": url}, data_dir=tmp_path
    )
    backend = open_backend(chosen)  # made without connecting: the server is asked when searched
    assert isinstance(backend, PostgresIndex) and backend.url == url
    with pytest.raises(CasebookError, match="search_backend = postgres needs database_url"):
        load_settings(env={"CASEBOOK_SEARCH_BACKEND": "postgres"}, data_dir=tmp_path)
    with pytest.raises(CasebookError, match="must be whoosh or postgres, got 'elastic'"):
        load_settings(env={"CASEBOOK_SEARCH_BACKEND": "elastic"}, data_dir=tmp_path)


def test_an_unreachable_server_is_one_line_saying_what_to_check() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    backend = PostgresIndex(f"postgresql://casebook@127.0.0.1:{port}/casebook")
    with pytest.raises(CasebookError) as caught:
        backend.exists()
    message = str(caught.value)
    assert "\n" not in message and f"127.0.0.1:{port}/casebook cannot be reached" in message
    assert "check database_url" in message


def test_every_field_of_an_entry_is_indexed() -> None:
    """Each field a query tree may name (the seam's list) has lexemes in the rows."""
    from casebook.models import Mention, Quote

    fetched = datetime(2025, 1, 1, tzinfo=UTC)
    doc = Document(url="https://pg.example/all", canonical_url="https://pg.example/all", source="pg",
                   title="Title", text="Body text.", fetched=fetched, published=date(2020, 2, 3),
                   authors=["Ann Author"])  # fmt: skip
    doc.comments = []
    mentions = [Mention("X", kind, f"{kind}:x", "X", 0, 1) for kind in ("official", "person", "organisation",
                                                                       "scheme", "place")]  # fmt: skip
    quote = Quote("Body text", "Ann Speaker", "person:ann", "said", 0, 9)
    full = index_entry(StoredDocument(doc, 1, fetched), mentions, [quote])
    full = IndexEntry(**{**full.__dict__, "comments": "A comment.", "duplicate_of": "other"})
    tagged = {
        lexeme.split(":")[0].split("~")[0].strip("'") for lexeme in document_row(full).lexemes[-1].split()
    }
    assert set(DOCUMENT_FIELDS) <= tagged
    (row,) = quote_rows(full)
    assert set(QUOTE_FIELDS) <= {
        lexeme.split(":")[0].split("~")[0].strip("'") for lexeme in row.lexemes[-1].split()
    }


# -- writing and rebuilding ---------------------------------------------------------------------------


@pytest.fixture
def index(postgres) -> PostgresIndex:  # noqa: ANN001
    return PostgresIndex(postgres.new_database(), lock_timeout=0.5)


def test_rebuild_builds_beside_the_live_index_and_swaps_it_in_whole(index: PostgresIndex) -> None:
    assert not index.exists() and index.doc_count() == 0 and index.check() == []
    assert index.check(expected=2) == [f"there is no search index in the database at {index.where}"]
    index.rebuild([entry(1, "old sanctions"), entry(2, "old appeals")])
    svc = SearchService(index, gazetteer=())
    assert svc.search("old")["total"] == 2
    build = index.new_build()
    assert index.rebuilding() and PostgresIndex(index.url).rebuilding()  # seen from any connection
    index.build(build, [entry(3, "new sanctions")])
    assert svc.search("old")["total"] == 2 and svc.search("new")["total"] == 0  # readers see the old one
    index.update([entry(4, "written meanwhile")], target=build)  # what a reindex catches up with
    index.swap_in(build)
    assert not index.rebuilding()
    assert ids(svc, "*") == {entry(3, "").id, entry(4, "").id} and index.check(expected=2) == []
    with psycopg.connect(index.url) as conn:
        schemas = [
            r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'casebook%'")
        ]
    assert schemas == [LIVE]  # the old index is gone


def test_a_build_whose_process_died_is_dropped_by_the_next(index: PostgresIndex) -> None:
    build = index.new_build()
    index.build(build, [entry(1, "half built")])
    build.conn.close()  # the builder's session ends (a killed process): its lock goes with it
    deadline = time.monotonic() + 10
    while index.rebuilding() and time.monotonic() < deadline:  # once the server has seen the session end
        time.sleep(0.05)
    assert not index.rebuilding()
    index.rebuild([entry(2, "complete")])
    with psycopg.connect(index.url) as conn:
        found = conn.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname = %s", (build.schema,)
        ).fetchone()
    assert found == (0,)
    assert ids(SearchService(index, gazetteer=()), "*") == {entry(2, "").id}


def test_update_replaces_entries_and_their_quotes_by_id(index: PostgresIndex) -> None:
    index.update([entry(1, "first words"), entry(2, "second words")])  # made when first written to
    index.update([entry(1, "replaced text")])
    svc = SearchService(index, gazetteer=())
    assert ids(svc, "first") == set() and ids(svc, "replaced") == {entry(1, "").id}
    held = index.inventory()
    assert held.documents == {entry(1, "").id: 1, entry(2, "").id: 1} and held.copies == {}
    # newest first, then in the order written: the replaced entry was written last
    assert [r["id"] for r in svc.search("words OR text", sort="newest")["results"]] == [
        entry(2, "").id,
        entry(1, "").id,
    ]


def quoted(n: int, words: str) -> IndexEntry:
    """An entry whose text is one quote of ``words``."""
    from casebook.models import Quote

    plain = entry(n, f"{words} here")
    quote = Quote(words, "Ann Speaker", None, "said", 0, len(words))
    return IndexEntry(**{**plain.__dict__, "quotes": [quote]})


def test_each_entry_has_one_row_of_lexemes_whatever_was_replaced(index: PostgresIndex) -> None:
    """The rows of what is matched on and the rows of what is shown are written and removed together."""

    def seqs(conn: psycopg.Connection, table: str) -> list[int]:
        return [n for (n,) in conn.execute(f"SELECT seq FROM {LIVE}.{table} ORDER BY seq")]

    svc = SearchService(index, gazetteer=())
    index.update([quoted(1, "old words"), quoted(2, "other words")])
    index.update([quoted(1, "new words")])  # replaced, with its quote
    with psycopg.connect(index.url, autocommit=True) as conn:
        for table in ("documents", "quotes"):
            assert seqs(conn, table) == seqs(conn, f"{table}_lexemes") and len(seqs(conn, table)) == 2
    assert svc.search_quotes("old")["total"] == 0 and svc.search_quotes("new")["total"] == 1
    assert ids(svc, "old") == set() and ids(svc, "new") == {entry(1, "").id}
    index.rebuild([quoted(3, "rebuilt words")])
    with psycopg.connect(index.url, autocommit=True) as conn:
        for table in ("documents", "quotes"):
            assert seqs(conn, table) == seqs(conn, f"{table}_lexemes") and len(seqs(conn, table)) == 1
    assert svc.search_quotes("words")["total"] == 1


def test_one_writer_at_a_time_and_a_waiting_one_says_so(index: PostgresIndex) -> None:
    index.update([entry(1, "first")])
    with psycopg.connect(index.url) as other, other.transaction():
        other.execute("SELECT pg_advisory_xact_lock(%s, 0)", (WRITE_LOCKS,))
        with pytest.raises(CasebookError, match="being written by another process; waited 0.5s"):
            index.update([entry(2, "second")])
    index.update([entry(2, "second")])
    assert index.doc_count() == 2


def _tidy_pending_lists(url: str, done: threading.Event) -> None:
    """What (auto)vacuum does to the documents' GIN indexes: move their pending lists into the index."""
    with psycopg.connect(url, autocommit=True) as conn:
        names = conn.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass"
            " AND pg_get_indexdef(indexrelid) LIKE '%%USING gin%%'",
            (f"{LIVE}.documents_lexemes",),
        ).fetchall()
        assert len(names) == 2
        for (name,) in names:
            conn.execute("SELECT gin_clean_pending_list(%s::regclass)", (name,))
    done.set()


def test_a_search_excluding_a_source_is_right_while_the_server_tidies_its_index(
    index: PostgresIndex,
) -> None:
    """PostgreSQL's GIN indexes can queue new rows' lexemes in a pending list that (auto)vacuum and
    autoanalyze move into the index proper later, key by key; a search running meanwhile found a row by a
    key already moved and missed it by its excluding key, not moved yet: 'universal -source:x' gave rows of
    x (seen once in CI). Written straight into the index, nothing is pending whenever the server tidies."""
    svc = SearchService(index, gazetteer=())
    wrong: list[int] = []
    for round_ in range(4):
        batch = [
            replace(entry(round_ * 1000 + n, "common " + " ".join(f"w{n}x{k}" for k in range(60))),
                    source="excluded")
            for n in range(600)
        ]  # fmt: skip
        index.update(batch)
        done = threading.Event()
        tidying = threading.Thread(target=_tidy_pending_lists, args=(index.url, done))
        tidying.start()
        while not done.is_set():
            wrong.append(svc.search("common -source:excluded", limit=1)["total"])
        tidying.join()
    assert svc.search("common", limit=1)["total"] == 2400
    assert wrong and set(wrong) == {0}


def test_damage_and_old_versions_are_found_and_rebuilt(index: PostgresIndex) -> None:
    index.rebuild([entry(1, "alpha")])
    with psycopg.connect(index.url, autocommit=True) as conn:
        conn.execute(f"UPDATE {LIVE}.meta SET value = '0' WHERE key = 'schema'")
        with pytest.raises(IndexOutdated, match="built by another version of Casebook; run casebook reindex"):
            SearchService(index, gazetteer=()).search("alpha")
        assert "another version" in index.check()[0]
        index.rebuild([entry(1, "alpha")])
        assert index.check(expected=1) == []
        conn.execute(f"DROP TABLE {LIVE}.vocabulary")
        (problem,) = index.check()
        assert "is damaged" in problem and "casebook reindex" in problem
        with pytest.raises(IndexCorrupt):
            SearchService(index, gazetteer=()).search("alph*a")


def test_an_index_built_before_collected_dates_says_so_and_a_rebuild_brings_them(
    index: PostgresIndex,
) -> None:
    """Schema 1 held no collected dates: searching it says to rebuild (not that it is damaged), and the
    rebuilt index finds and shows the day collected."""
    index.rebuild([entry(1, "alpha")])
    with psycopg.connect(index.url, autocommit=True) as conn:  # the index as schema 1 laid it out
        conn.execute(f"UPDATE {LIVE}.meta SET value = '1' WHERE key = 'schema'")
        conn.execute(f"ALTER TABLE {LIVE}.documents DROP COLUMN collected, DROP COLUMN collected_year,"
                     " DROP COLUMN collected_month")  # fmt: skip
    svc = SearchService(index, gazetteer=())
    with pytest.raises(IndexOutdated, match="built by another version of Casebook; run casebook reindex"):
        svc.search("alpha", dated_by="collected", since="2025")
    assert "another version" in index.check()[0]
    index.rebuild([entry(1, "alpha")])
    found = svc.search("alpha", dated_by="collected", since="2025", facets=["year"])
    assert [r["collected"] for r in found["results"]] == ["2025-01-01"]
    assert found["facets"] == {"year": {"2025": 1}}  # the year collected, not the year published (2020)


# -- long texts: positions PostgreSQL cannot hold -------------------------------------------------------


def test_phrases_in_texts_longer_than_postgresql_positions_match_as_in_whoosh(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Past 16,383 words, or past 256 of one word, PostgreSQL keeps no exact positions: such rows are
    checked against their text, so a phrase there is found, and words far apart are not taken for one."""
    filler = " ".join(f"w{i % 997}" for i in range(MAX_POSITION + 50))
    entries = [
        entry(1, f"{filler} tail phrase here"),  # a phrase past the last position
        entry(2, f"{filler[:-20]} apart {filler[:9000]} together"),  # clamped positions would look adjacent
        entry(3, "the " * 400 + "the end of the road"),  # a word with more positions than are kept
        entry(4, "apart together, short and exact"),
        entry(5, "one two three four five six seven eight"),
    ]
    backends = [new_backend(name, tmp_path / name, request) for name in ("whoosh", "postgres")]
    for backend in backends:
        backend.rebuild(entries)
    whoosh, pg = (SearchService(b, gazetteer=()) for b in backends)
    queries = ['"tail phrase here"', '"apart together"', '"the end"', '"the the end"~1', '"w5 w6 w7"',
               '"one three five seven"~1', '"one four seven"~2', '"one two three four five six"~5',
               '"seven one"~6', '"apart together"~3']  # fmt: skip
    for query in queries:
        assert ids(whoosh, query) == ids(pg, query), query
    assert ids(pg, '"tail phrase here"') == {entries[0].id}
    assert ids(pg, '"apart together"') == {entries[3].id}
    assert ids(pg, '"one two three four five six"~5') == {entries[4].id}  # too many chains: checked as text


# -- every command on it ----------------------------------------------------------------------------------


def test_ingest_search_check_and_reindex_run_on_postgres(postgres, tmp_path: Path) -> None:  # noqa: ANN001
    env = {"CASEBOOK_SEARCH_BACKEND": "postgres", "CASEBOOK_DATABASE_URL": postgres.new_database()}
    settings = load_settings(env=env, data_dir=tmp_path / "data")
    report = ingest(settings, imports=demo_imports(settings.demo_path)[:4], progress=False, enrich=False)
    assert report.outcomes["new"] == 4
    assert not settings.index_dir.exists()  # nothing written to a Whoosh index
    run = CliRunner()
    args = ["--data-dir", str(settings.data_dir)]
    checked = run.invoke(cli, [*args, "check"], env=env)
    assert checked.exit_code == 0 and "everything agrees" in checked.output, checked.output
    assert check(settings).counts["indexed"] == 4
    found = run.invoke(cli, [*args, "search", "*", "--json"], env=env)
    assert found.exit_code == 0 and '"total": 4' in found.output
    with psycopg.connect(env["CASEBOOK_DATABASE_URL"], autocommit=True) as conn:
        first = f"(SELECT min(id) FROM {LIVE}.documents)"
        (doc_id,) = conn.execute(f"DELETE FROM {LIVE}.documents WHERE id = {first} RETURNING id").fetchone()
        assert [(p.kind, p.where) for p in check(settings).problems] == [("index-missing", doc_id)]
        rebuilt = run.invoke(cli, [*args, "reindex", "--no-progress"], env=env)
        assert rebuilt.exit_code == 0 and "reindex: 4 documents indexed" in rebuilt.output
        assert check(settings).ok
        conn.execute(f"UPDATE {LIVE}.meta SET value = '0' WHERE key = 'schema'")  # another version's index
    repaired = run.invoke(cli, [*args, "search", "*", "--json"], env=env)
    assert repaired.exit_code == 0 and '"total": 4' in repaired.output
    assert "rebuilding the search index from the store" in repaired.output
    assert service(open_backend(settings)).search("*")["total"] == 4


def test_serve_reads_the_columns_before_the_first_reader_waits(
    postgres,  # noqa: ANN001
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {"CASEBOOK_SEARCH_BACKEND": "postgres", "CASEBOOK_DATABASE_URL": postgres.new_database()}
    settings = load_settings(env=env, data_dir=tmp_path / "data")
    ingest(settings, imports=demo_imports(settings.demo_path)[:3], progress=False, enrich=True)
    url = settings.database_url
    assert not [key for key in postgres_columns._held if key[0] == url]  # no search run yet
    _warm_up(create_app(settings))
    documents, quotes = postgres_columns._held[(url, "documents")], postgres_columns._held[(url, "quotes")]
    assert set(SHOWN_FACETS) <= set(SINGLE_FACETS + MULTI_FACETS)  # every facet a page shows is a column
    assert set(documents.facets) == set(SHOWN_FACETS)
    assert all(column.loaded == 3 for column in documents.facets.values())
    assert set(documents.dates) == {"published"} and set(quotes.dates) == {"published"}
    assert quotes.dates["published"].loaded > 0  # the demo's articles have quotes, read too
    said = capsys.readouterr().out
    assert said.startswith("casebook serve: reading the search index before serving ... ready (")


# -- facets and order from the columns each process holds ---------------------------------------------


def sourced(n: int, source: str, published: date) -> IndexEntry:
    url = f"https://pg.example/{n}"
    fetched = datetime(2025, 1, 1, tzinfo=UTC)
    doc = Document(url=url, canonical_url=url, source=source, title=f"Article {n}", text="benefit words",
                   fetched=fetched, published=published)  # fmt: skip
    return index_entry(StoredDocument(doc, 1, fetched), [], [])


def doc_id(n: int) -> str:
    return sourced(n, "", date(2000, 1, 1)).id


def test_facets_and_order_follow_every_write_replacement_and_rebuild(index: PostgresIndex) -> None:
    svc = SearchService(index, gazetteer=())

    def seen(query: str = "benefit") -> tuple[dict[str, dict[str, int]], list[str]]:
        answer = svc.search(query, facets=("source", "year"), sort="newest")
        return answer["facets"], [r["id"] for r in answer["results"]]

    index.update([sourced(1, "alpha", date(2019, 5, 1)), sourced(2, "alpha", date(2020, 5, 1))])
    facets, order = seen()
    assert facets["source"] == {"alpha": 2} and facets["year"] == {"2019": 1, "2020": 1}
    assert order == [doc_id(2), doc_id(1)]
    index.update([sourced(3, "beta", date(2021, 5, 1))])  # written after the columns were read
    facets, order = seen()
    assert facets["source"] == {"alpha": 2, "beta": 1} and order[0] == doc_id(3)
    index.update([sourced(1, "gamma", date(2022, 5, 1))])  # replaced: its old values no longer count
    facets, order = seen()
    assert facets["source"] == {"alpha": 1, "beta": 1, "gamma": 1}
    assert facets["year"] == {"2020": 1, "2021": 1, "2022": 1} and order[0] == doc_id(1)
    index.rebuild([sourced(7, "delta", date(2010, 1, 1))])  # another build: its columns start afresh
    facets, order = seen()
    assert facets == {"source": {"delta": 1}, "year": {"2010": 1}} and order == [doc_id(7)]


def test_a_search_asked_again_takes_its_matches_from_the_process_until_the_index_changes(
    index: PostgresIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same search again finds its matches held in the process; after a write that only added rows it
    asks the database for the added rows alone; after a replacement or a rebuild it asks afresh. Every
    answer is the index's as it is."""
    held = postgres_matches.held_matches
    monkeypatch.setattr(held, "worth", 1)  # hold the few matches of this test too
    svc = SearchService(index, gazetteer=())

    def seen(query: str = "benefit") -> tuple[dict[str, int], list[str]]:
        answer = svc.search(query, facets=("source",), sort="newest")
        return answer["facets"]["source"], [r["id"] for r in answer["results"]]

    def asked() -> tuple[int, int, int]:
        return held.hits, held.extended, held.misses

    index.update([sourced(n, "alpha", date(2019, n, 1)) for n in (1, 2, 3)])
    first, before = seen(), asked()
    assert seen() == first and first == ({"alpha": 3}, [doc_id(3), doc_id(2), doc_id(1)])
    assert asked() == (before[0] + 1, before[1], before[2])  # asked again: the held matches
    index.update([sourced(4, "beta", date(2021, 1, 1))])  # a row added: the held matches and the new row
    assert seen() == ({"alpha": 3, "beta": 1}, [doc_id(4), doc_id(3), doc_id(2), doc_id(1)])
    assert asked() == (before[0] + 1, before[1] + 1, before[2])
    index.update([sourced(2, "gamma", date(2022, 1, 1))])  # replaced: its old row matches no more
    assert seen() == ({"alpha": 2, "beta": 1, "gamma": 1}, [doc_id(2), doc_id(4), doc_id(3), doc_id(1)])
    assert asked() == (before[0] + 1, before[1] + 1, before[2] + 1)
    index.update([sourced(5, "beta", date(2023, 1, 1)), sourced(6, "beta", date(2024, 1, 1))])
    assert seen() == ({"beta": 3, "alpha": 2, "gamma": 1}, [doc_id(6), doc_id(5), doc_id(2), doc_id(4),
                                                            doc_id(3), doc_id(1)])  # fmt: skip
    assert seen("beta OR benefit")[0] == {"beta": 3, "alpha": 2, "gamma": 1}  # another search: its own
    index.rebuild([sourced(7, "delta", date(2010, 1, 1))])
    assert seen() == ({"delta": 1}, [doc_id(7)])
    assert held.hits == before[0] + 1 and held.extended == before[1] + 2


def test_a_quote_search_asked_again_grows_with_added_quotes_and_forgets_replaced_ones(
    index: PostgresIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quotes are matched in their own rows (the heading checked in the same pass): held the same way."""
    held = postgres_matches.held_matches
    monkeypatch.setattr(held, "worth", 1)
    svc = SearchService(index, gazetteer=())

    def quotes(query: str = "words") -> tuple[int, list[str]]:
        answer = svc.search_quotes(query)
        return answer["total"], sorted(r["text"] for r in answer["results"])

    index.update([quoted(1, "first words"), quoted(2, "second words")])
    assert quotes() == (2, ["first words", "second words"])
    extended = held.extended
    index.update([quoted(3, "third words")])
    assert quotes() == (3, ["first words", "second words", "third words"])
    assert held.extended == extended + 1
    index.update([quoted(1, "fresh lines")])  # replaced: its old quote matches no more
    assert quotes() == (2, ["second words", "third words"])
    assert quotes("fresh") == (1, ["fresh lines"])


def test_held_matches_serve_one_index_state_grow_with_added_rows_and_the_oldest_go_first() -> None:
    from indexer.search.postgres_matches import MatchCache, Matches, State

    def answer(newest: int) -> Matches:
        return Matches(newest, np.arange(1000, dtype=np.int32), np.arange(0, 1000, 10, dtype=np.int32))

    size = answer(0).size
    cache = MatchCache(limit_bytes=3 * size, worth=1)
    state = State("b1", "s1", "r1")
    cache.put(("a",), state, answer(999))
    assert cache.get(("a",), State("b2", "s1", "r1")) == (None, False)  # another build
    assert cache.get(("a",), State("b1", "s2", "r2")) == (None, False)  # a row replaced or removed since
    assert cache.get(("a",), State("b1", "s2", None)) == (None, False)  # an index that does not say
    held, whole = cache.get(("a",), State("b1", "s2", "r1"))  # rows only added since: to be extended
    assert held is not None and not whole and held.newest == 999
    held, whole = cache.get(("a",), state)
    assert held is not None and whole
    with pytest.raises(ValueError, match="read-only"):
        held.matched[0] = 5  # shared by every search that finds it: never changed in place
    grown = held.extended(1002, np.array([1001], dtype=np.int32), np.array([1001], dtype=np.int32))
    assert grown.newest == 1002 and grown.matched[-2:].tolist() == [999, 1001]
    assert grown.in_heading[-2:].tolist() == [990, 1001]
    older = held.extended(500, np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int32))
    assert older.matched.max() == 500 and older.in_heading.max() == 500  # an older snapshot sees less
    cache.put(("b",), state, answer(1))
    cache.put(("c",), state, answer(1))
    assert cache.get(("a",), state)[0] is not None  # used: the least recently used is now b
    cache.put(("d",), state, answer(1))
    assert cache.get(("b",), state) == (None, False) and len(cache) == 3
    few = MatchCache(worth=10)
    few.put(("x",), state, Matches(1, np.arange(5, dtype=np.int32), np.empty(0, dtype=np.int32)))
    assert len(few) == 0  # a few matches are found again as fast as they would be looked up


def test_a_column_read_further_by_a_newer_search_still_counts_an_older_one() -> None:
    from indexer.search.postgres_columns import ColumnReader, Columns, FacetColumn, facet_counts

    column = FacetColumn()
    column.add([("x", np.array([1, 5], dtype=np.int32)), ("y", np.array([9], dtype=np.int32))])
    column.loaded = 9  # another thread's search saw row 9; this one's snapshot ends at row 5
    columns = Columns("build")
    columns.facets["source"] = column
    reader = ColumnReader(None, "s", "documents", columns)  # type: ignore[arg-type] - nothing to read
    assert facet_counts(reader, {"source": False}, np.array([1, 5], dtype=np.int32), 5, 10) == {
        "source": {"x": 2}
    }


def test_matches_are_put_in_ascending_order() -> None:
    from indexer.search.postgres_columns import ascending

    assert ascending(np.array([2, 3, 9], dtype=np.int32)).tolist() == [2, 3, 9]
    assert ascending(np.array([4, 2, 9, 3, 10, 5], dtype=np.int32)).tolist() == [2, 3, 4, 5, 9, 10]
    assert ascending(np.empty(0, dtype=np.int32)).tolist() == []


def test_among_keeps_the_items_found_in_a_sorted_array() -> None:
    from indexer.search.postgres_columns import among

    pool = np.array([2, 3, 5, 8, 13], dtype=np.int32)
    assert among(np.array([13, 4, 2, 21, 8, 1], dtype=np.int32), pool).tolist() == [2, 8, 13]
    assert among(np.array([1, 4], dtype=np.int32), pool).tolist() == []
    assert among(np.array([3], dtype=np.int32), np.empty(0, dtype=np.int32)).tolist() == []


@pytest.mark.parametrize("seed", range(5))
def test_the_rank_pool_keyed_on_heading_matches_alone_is_the_pool_keyed_on_every_match(seed: int) -> None:
    """When the heading matches among the matches fill the pool, keying only them picks the same rows in
    the same order as keying every match (what ``PostgresIndex._ranked`` relies on)."""
    from indexer.search.postgres_columns import DayColumn, among, first_by, likeliest_first

    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(5000, 2000, replace=False)).astype(np.int32)
    published = DayColumn()
    dated = rows[rng.random(len(rows)) < 0.9]  # some rows undated
    published.add(dated, rng.integers(15000, 15060, len(dated)).astype(np.int32), 5000)  # many on one day
    matched = rows[rng.random(len(rows)) < 0.8]
    in_heading = rng.permutation(rows[rng.random(len(rows)) < 0.3])  # some not matched, out of order
    heading = among(in_heading, matched)
    assert len(heading) >= 300
    every = first_by(likeliest_first(matched, in_heading, published), matched, 300)
    alone = first_by(likeliest_first(heading, in_heading, published), heading, 300)
    assert alone.tolist() == every.tolist()


def test_facet_values_commonest_first_then_by_value_cut_at_the_limit() -> None:
    from indexer.search.postgres_columns import FacetColumn

    column = FacetColumn()
    column.add(
        [("d", np.array([7])), ("c", np.array([4, 5])), ("b", np.array([2, 3])), ("a", np.array([1, 6, 8]))]
    )
    mask = np.ones(9, dtype=bool)
    assert column.counts(mask, 2) == {"a": 3, "b": 2}
    assert column.counts(mask, 3) == {"a": 3, "b": 2, "c": 2}
    assert column.counts(mask, 10) == {"a": 3, "b": 2, "c": 2, "d": 1}
    mask[[1, 6, 8]] = False
    assert column.counts(mask, 10) == {"b": 2, "c": 2, "d": 1}


def test_row_numbers_arrive_as_numpy_arrays(postgres) -> None:  # noqa: ANN001
    from indexer.search.postgres_columns import numpy_cursor

    with psycopg.connect(postgres.new_database()) as conn, numpy_cursor(conn) as cur:
        empty, some = cur.execute("SELECT '{}'::int4[], ARRAY[3, -1, 2147483647]::int4[]").fetchone()
        assert empty.dtype == np.int32 and len(empty) == 0
        assert some.tolist() == [3, -1, 2147483647]
        with pytest.raises(psycopg.DataError, match="without NULLs"):
            cur.execute("SELECT ARRAY[1, NULL]::int4[]").fetchone()


def test_date_ranges_anded_at_the_top_are_bounded_on_the_columns_and_others_stay_in_sql() -> None:
    from indexer.search import tree as t
    from indexer.search.postgres_query import day_ranges

    word, other = t.Term("body", "sanctions"), t.Term("body", "appeal")
    since = t.Days(date(2015, 1, 1), None)
    until = t.Days(None, date(2016, 12, 31), "collected")
    assert day_ranges(t.And((word, t.Unscored(since), until))) == (word, [since, until])
    assert day_ranges(t.AndNot(t.And((word, since)), other)) == (t.AndNot(word, other), [since])
    assert day_ranges(t.Unscored(since)) == (t.Every(), [since])
    nested = t.Or((word, t.And((other, since))))
    assert day_ranges(nested) == (nested, [])  # inside an OR a range is not every match's: SQL keeps it
    assert day_ranges(t.AndNot(word, since)) == (t.AndNot(word, since), [])


def test_date_ranges_count_and_order_on_postgres(index: PostgresIndex) -> None:
    index.update(
        [sourced(n, "alpha", date(2010 + n, 6, 1)) for n in range(1, 6)]
        + [entry(9, "benefit undated", published=None)]
    )
    svc = SearchService(index, gazetteer=())
    answer = svc.search("benefit published:[2012-01-01 TO 2014-12-31]", facets=("year",), sort="oldest")
    assert answer["total"] == 3 and answer["facets"]["year"] == {"2012": 1, "2013": 1, "2014": 1}
    assert [r["id"] for r in answer["results"]] == [doc_id(2), doc_id(3), doc_id(4)]
    assert svc.search("benefit", sort="newest")["results"][-1]["id"] == entry(9, "").id  # undated last


def test_reading_a_column_puts_the_searchs_settings_back(index: PostgresIndex) -> None:
    from indexer.search.postgres_columns import ColumnReader, Columns

    index.update([sourced(1, "alpha", date(2020, 1, 1)), sourced(2, "beta", date(2021, 1, 1))])
    with psycopg.connect(index.url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL statement_timeout = '4321ms'")
        conn.execute("SET LOCAL enable_seqscan = off")
        reader = ColumnReader(conn, LIVE, "documents", Columns("test"))
        assert sorted(reader.facet("source", False, 10).values) == ["alpha", "beta"]
        assert reader.days("published", 10).loaded == 10
        settings = conn.execute(
            "SELECT current_setting('statement_timeout'), current_setting('enable_seqscan')"
        ).fetchone()
    assert settings == ("4321ms", "off")


def test_phrases_by_their_pairs_of_words_then_positions(index: PostgresIndex) -> None:
    index.update([
        entry(1, "judged fit for work in March"),
        entry(2, "fit for the job and then for work"),  # every pair of "fit for work", not side by side
        entry(3, "work for fit people"),
    ])  # fmt: skip
    svc = SearchService(index, gazetteer=())
    assert ids(svc, '"fit for work"') == {entry(1, "").id}
    assert ids(svc, '"fit for"') == {entry(1, "").id, entry(2, "").id}
    assert ids(svc, '"for fit"') == {entry(3, "").id}
    assert ids(svc, '"for work"') == {entry(1, "").id, entry(2, "").id}
    assert ids(svc, '"fit for work" OR "work for"') == {entry(1, "").id, entry(3, "").id}
    row = document_row(entry(1, "judged fit for work"))
    assert "'body>fit>for'" in row.lexemes[-1] and "'body>for>work'" in row.lexemes[-1]


class NoLookup:
    """The database questions of the query compiler, answered by an empty index: no vocabulary for
    wildcards or fuzzy words, no row whose phrase is checked on its text."""

    def vocabulary(self, field: str, like: str) -> list[str]:
        return []

    def near_words(self, field: str, word: str, distance: int) -> list[str]:
        return []

    def texts(self, field: str, tsquery: str, loose_only: bool) -> list[tuple[str, str]]:
        return []


def test_a_quote_search_of_words_in_the_text_checks_no_row_again_for_the_heading() -> None:
    """Every match of such a search holds a word of the quote's text: the shortcut is taken exactly then."""
    from indexer.search.compiler import QUOTES, compile_query
    from indexer.search.postgres_backend import _only
    from indexer.search.postgres_query import QueryCompiler

    def shortcut(query: str) -> bool:
        compiler = QueryCompiler(NoLookup(), ("text", "speaker", "title"), "text", pairs=False)
        cond = compiler.compile(compile_query(query, QUOTES).query)
        assert cond.heading is not None
        return _only(cond.where, cond.params, cond.heading)

    assert shortcut("benefit") and shortcut("benefit OR sanctions")
    assert not shortcut("benefit speaker:kendall")  # a match may hold its word in the speaker alone
    assert not shortcut("benefit -sanctions")  # more than the heading's words
    assert _only("d.lexemes @@ %s::tsquery", ["('text~a')"], "'text~a'")
    assert _only("d.lexemes @@ %s::tsquery", ["'text~a'"], "('text~a')")
    assert not _only("d.lexemes @@ %s::tsquery", ["('text~a') | ('text~b')"], "'text~a'")
    assert not _only("(d.lexemes @@ %s::tsquery) AND d.published >= %s", ["'text~a'", "x"], "'text~a'")


def test_a_two_word_phrase_is_one_tsquery_without_positions() -> None:
    """What keeps it fast: the GIN index answers it alone (no row's tsvector read back to check positions)."""
    from indexer.search.compiler import DOCUMENTS, QUOTES, compile_query
    from indexer.search.postgres_query import QueryCompiler

    compiler = QueryCompiler(NoLookup(), ("title", "body"))
    cond = compiler.compile(compile_query('"food bank"', DOCUMENTS).query)
    assert cond.where == "d.lexemes @@ %s::tsquery" and "<" not in cond.params[0]
    assert "'body>food>bank'" in cond.params[0] and "'loose:no'" in cond.params[0]
    longer = QueryCompiler(NoLookup(), ("title", "body")).compile(
        compile_query('"fit for work"', DOCUMENTS).query
    )
    assert "'body>fit>for' & 'body>for>work'" in longer.params[0] and "<->" in longer.params[0]
    in_rows = QueryCompiler(NoLookup(), ("text",), "text", pairs=False)  # quotes: positions in the row
    quoted_phrase = in_rows.compile(compile_query('"food bank"', QUOTES).query)
    assert (
        "'text:food' <-> 'text:bank'" in quoted_phrase.params[0] and "'text>" not in quoted_phrase.params[0]
    )
