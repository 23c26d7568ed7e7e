"""Kill -9 at many points of ``casebook ingest``, ``casebook reindex`` and ``casebook crawl``, then run the
same command again: the archive ends complete, with no document twice, no WARC record lost or written
twice, and an index that holds exactly the store's documents (``casebook check`` finds nothing).

The commands run as real processes (the installed ``casebook`` script, in a session of their own so the
whole process group dies, as when a machine kills a job); each is killed when the data directory shows it
has reached a given point (WARC bytes written, documents stored, an index folder being built, articles
fetched) or after a random delay, never through a hook in the code.
"""

from __future__ import annotations

import gzip
import html
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from conftest import ROOT, settings_for
from crawlsite import FixtureSite

from bench.synthetic import Generator
from casebook.archive import WarcArchive, iter_records
from casebook.errors import CasebookError
from casebook.settings import Settings
from casebook.store import MIGRATIONS, open_store
from indexer.pipeline.check import check
from indexer.pipeline.demo import demo_imports
from indexer.pipeline.ingest import ingest
from indexer.search.whoosh_backend import WhooshIndex

EXE = Path(sys.executable).parent / "casebook"
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
PAGES = 80
SEED = int(os.environ.get("CASEBOOK_CRASH_SEED", "8"))


# -- running and killing the real command ----------------------------------------------------------------


def start(settings: Settings, log: Path, *args: str) -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115 - handed to the child, closed when it ends
    return subprocess.Popen(
        [str(EXE), "--data-dir", str(settings.data_dir), *args],
        stdout=out,
        stderr=out,
        env=env_for(settings),
        start_new_session=True,
    )


def env_for(settings: Settings) -> dict[str, str]:
    """The command's environment: the store on the PostgreSQL server when the settings put it there."""
    return {**ENV, "CASEBOOK_DATABASE_URL": settings.database_url} if settings.database_url else ENV


def kill_when(proc: subprocess.Popen[bytes], reached: Callable[[], bool], timeout: float = 180) -> bool:
    """SIGKILL the command's whole process group once ``reached()``; False if it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if reached():
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    pytest.fail("the command neither reached the kill point nor ended")


def after(seconds: float) -> Callable[[], bool]:
    at = time.monotonic() + seconds
    return lambda: time.monotonic() >= at


def run_to_end(settings: Settings, log: Path, *args: str) -> None:
    proc = start(settings, log, *args)
    assert proc.wait(timeout=600) == 0, log.read_text(errors="replace")[-3000:]


# -- what the data directory shows -------------------------------------------------------------------------


def warc_bytes(settings: Settings) -> int:
    return (
        sum(p.stat().st_size for p in settings.warc_dir.glob("*.warc.gz"))
        if settings.warc_dir.exists()
        else 0
    )


def stored(settings: Settings, query: str = "SELECT COUNT(*) FROM documents") -> int:
    if settings.database_url:
        try:
            with psycopg.connect(settings.database_url, connect_timeout=5) as conn:
                return conn.execute(query).fetchone()[0]
        except psycopg.Error:  # not made yet
            return 0
    if not settings.db_path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{settings.db_path}?mode=ro", uri=True, timeout=0.05)
        try:
            return conn.execute(query).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def assert_nothing_doubled(settings: Settings) -> None:
    """At any moment, even right after a kill: no WARC record twice, no imported file archived twice, no
    document twice, no record catalogued for a document twice."""
    ids: Counter[str] = Counter()
    imported: Counter[str] = Counter()
    for path in sorted(settings.warc_dir.glob("*.warc.gz")):
        for info in iter_records(path):
            ids[info.record_id] += 1
            if info.rec_type == "resource":
                imported[info.payload_digest or ""] += 1
    assert [k for k, n in ids.items() if n > 1] == []
    assert [k for k, n in imported.items() if n > 1] == []
    with open_store(settings) as store:
        urls = Counter(s.document.url for s in store.iter_documents())
        assert [u for u, n in urls.items() if n > 1] == []
        assert all(s.version == 1 for s in store.iter_documents())


def assert_agrees(settings: Settings) -> None:
    """``casebook check`` finds nothing, but for a record torn by the kill at the very end of a file: that
    write was never acknowledged (nothing catalogues it; the next run wrote it again elsewhere), and the
    check rightly names the torn bytes. A single ``write`` makes such a tear very unlikely."""
    problems = []
    for problem in check(settings).problems:
        path = settings.warc_dir / problem.where.split(" at offset ")[0]
        torn_tail = problem.kind == "warc-damaged" and "truncated gzip member" in problem.message
        if (
            torn_tail
            and int(problem.where.split(" at offset ")[1]) + int(problem.message.split("(")[-1].split()[0])
            == path.stat().st_size
        ):
            continue
        problems.append(str(problem))
    assert problems == []


def write_pages(folder: Path, count: int) -> list[Path]:
    """Distinct synthetic articles (fictional, under .invalid) as HTML pages."""
    folder.mkdir(parents=True)
    paths = []
    for n, item in enumerate(Generator(seed=11, mean_words=250).docs(count)):
        doc = item.stored.document
        sentences = doc.text.split(". ")
        paragraphs = "".join(
            f"<p>{html.escape('. '.join(sentences[i : i + 4]))}.</p>\n" for i in range(0, len(sentences), 4)
        )
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(doc.title)}</title>"
            f'<link rel="canonical" href="{doc.url}">'
            f'<meta property="article:published_time" content="{doc.published}T09:00:00+00:00">'
            f'<meta name="author" content="{doc.authors[0]}"></head><body><nav><a href="/">Home</a></nav>'
            f"<article><h1>{html.escape(doc.title)}</h1><p>By {doc.authors[0]}</p>{paragraphs}</article>"
            "<footer>Synthetic test page</footer></body></html>"
        )
        path = folder / f"page-{n:04d}.html"
        path.write_text(page, encoding="utf-8")
        paths.append(path)
    return paths


# -- ingest --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_ingest_killed_at_many_points_finishes_with_nothing_lost_or_doubled(
    tmp_path: Path, database_url: str | None
) -> None:
    settings = settings_for(tmp_path / "data", database_url)
    pages = write_pages(tmp_path / "pages", PAGES)
    expected_bytes = sum(len(gzip.compress(p.read_bytes())) + 400 for p in pages)
    rng = random.Random(SEED)
    log = tmp_path / "ingest.log"
    kill_points = [
        ("archiving", lambda: warc_bytes(settings) >= 0.35 * expected_bytes),
        ("second batch", lambda: stored(settings) >= 16),
        ("later batch", lambda: stored(settings) >= 48),
        ("random", after(rng.uniform(2.0, 6.0))),
    ]
    killed = []
    for name, reached in kill_points:
        if kill_when(start(settings, log, "ingest", "--no-progress", str(tmp_path / "pages")), reached):
            killed.append(name)
        assert_nothing_doubled(settings)
    assert killed[:2] == ["archiving", "second batch"], killed  # the kills hit phase 1 and phase 2
    run_to_end(settings, log, "ingest", "--no-progress", str(tmp_path / "pages"))

    assert_nothing_doubled(settings)
    with open_store(settings) as store:
        assert store.count() == PAGES
        assert store.warc_files_with("pending") == []
    resources = [
        i for p in settings.warc_dir.glob("*.warc.gz") for i in iter_records(p) if i.rec_type == "resource"
    ]
    assert len(resources) == PAGES  # every page archived once: none lost, none twice
    assert WhooshIndex(settings.index_dir).doc_count() == PAGES
    assert_agrees(settings)
    run_to_end(settings, log, "ingest", "--no-progress", str(tmp_path / "pages"))  # and again: no change
    assert log.read_text().splitlines()[-1] == f"ingest: {PAGES} already archived"


@pytest.mark.slow
def test_two_ingests_of_the_same_pages_at_once_archive_and_store_each_once(
    tmp_path: Path, database_url: str | None
) -> None:
    """Each run decides "archived already?" and "which version?" inside its write transaction."""
    settings = settings_for(tmp_path / "data", database_url)
    write_pages(tmp_path / "pages", 40)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    runs = [start(settings, log, "ingest", "--no-progress", str(tmp_path / "pages")) for log in logs]
    for proc, log in zip(runs, logs, strict=True):
        assert proc.wait(timeout=600) == 0, log.read_text(errors="replace")[-3000:]
    assert_nothing_doubled(settings)
    with open_store(settings) as store:
        assert store.count() == 40
    assert_agrees(settings)


@pytest.mark.slow
def test_two_ingests_of_the_same_warc_files_at_once_store_each_record_once(
    tmp_path: Path, database_url: str | None
) -> None:
    """Two machines handed the same crawl's WARC files: each file is adopted once, each record made a
    document once and catalogued with the outcome of the run that made it (the other run, finding it done
    inside its write transaction, leaves it alone), and ``casebook check`` agrees."""
    settings = settings_for(tmp_path / "data", database_url)
    crawl = WarcArchive(tmp_path / "crawl", prefix="crawl", rotate_bytes=40_000)
    when = datetime(2024, 5, 1, 9, tzinfo=UTC)
    html = [("Content-Type", "text/html; charset=utf-8")]
    for n, page in enumerate(write_pages(tmp_path / "pages", 40)):
        crawl.write_response(f"https://example.invalid/story-{n}/", 200, html, page.read_bytes(), when)
    files = sorted((tmp_path / "crawl").glob("*.warc.gz"))
    assert len(files) >= 2
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    runs = [start(settings, log, "ingest", "--no-progress", str(tmp_path / "crawl")) for log in logs]
    for proc, log in zip(runs, logs, strict=True):
        assert proc.wait(timeout=600) == 0, log.read_text(errors="replace")[-3000:]
    assert sorted(p.name for p in settings.warc_dir.glob("*.warc.gz")) == [p.name for p in files]
    assert_nothing_doubled(settings)
    with open_store(settings) as store:
        assert store.count() == 40
        outcomes = Counter(entry.outcome for entry in store.catalogue())
    assert outcomes == {"new": 40}
    assert_agrees(settings)


# -- reindex -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_reindex_killed_at_any_point_leaves_a_whole_index(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    write_pages(tmp_path / "pages", PAGES)
    ingest(settings, [tmp_path / "pages"], progress=False, enrich=False)
    rng = random.Random(SEED)
    log = tmp_path / "reindex.log"

    def building() -> bool:  # a new index folder beside the live one: the rebuild has begun
        live = settings.index_dir.resolve()
        return any(p != live for p in settings.data_dir.glob("index-*"))

    def committed() -> bool:  # the new folder's main index is committed: the swap comes next
        live = settings.index_dir.resolve()
        return any(p != live and any(p.glob("_MAIN_*.toc")) for p in settings.data_dir.glob("index-*"))

    for reached in (building, committed, after(rng.uniform(0.5, 4.0)), after(rng.uniform(0.5, 4.0))):
        before = settings.index_dir.resolve()
        kill_when(start(settings, log, "reindex", "--no-progress"), reached)
        # Killed or not, the live index is a whole one (the old or the new): the swap is atomic.
        assert settings.index_dir.resolve().is_dir() and (
            before.exists() or settings.index_dir.resolve() != before
        )
        assert_agrees(settings)
    run_to_end(settings, log, "reindex", "--no-progress")
    assert log.read_text().splitlines()[-1] == f"reindex: {PAGES} documents indexed"
    assert_agrees(settings)
    # The folders the killed rebuilds left behind are gone: only the live index remains.
    assert list(settings.data_dir.glob("index-*")) == [settings.index_dir.resolve()]


# -- crawl ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_crawl_killed_while_fetching_and_while_ingesting_finishes_on_the_next_run(
    tmp_path: Path, database_url: str | None
) -> None:
    """tests/test_crawl.py kills the Scrapy process alone (its parent survives and says so); here the whole
    ``casebook crawl`` dies: first while fetching, then while ingesting what was fetched."""
    settings = settings_for(tmp_path / "data", database_url)
    log = tmp_path / "crawl.log"
    with FixtureSite("wordpress", "127.0.0.1") as site:
        site.article_delay = 0.3
        registry = tmp_path / "sources.toml"
        registry.write_text(
            f'[[sources]]\nname = "campaign-news"\nkind = "wordpress"\nurl = "{site.base}/"\n'
            "download_delay = 0\n",
            encoding="utf-8",
        )
        args = ("crawl", "--no-progress", "--sources", str(registry))
        article_records = "SELECT COUNT(*) FROM records WHERE warc_file LIKE 'crawl-campaign-news-%'"
        assert kill_when(start(settings, log, *args), lambda: stored(settings, article_records) >= 3)
        assert stored(settings) == 0  # killed while fetching: nothing ingested yet
        assert kill_when(start(settings, log, *args), lambda: stored(settings) >= 1)
        assert_nothing_doubled(settings)
        site.article_delay = 0.0
        run_to_end(settings, log, *args)
        expected = site.article_urls("disallowed", "missing")
    with open_store(settings) as store:
        docs = [s.document.url for s in store.iter_documents()]
        assert store.warc_files_with("pending") == []
    assert sorted(docs) == sorted(expected)  # each article once
    assert_nothing_doubled(settings)
    assert_agrees(settings)


# -- the window between index and store, deterministically ----------------------------------------------


def test_a_death_after_the_index_commit_and_before_the_store_commit_is_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index is committed just before the store: dying in between leaves index entries the store lacks
    and the records pending; the next run writes both again (by id), so they agree."""
    settings = settings_for(tmp_path)
    imports = demo_imports(settings.demo_path)[:3]
    update = WhooshIndex.update

    def update_then_die(self: WhooshIndex, entries):  # noqa: ANN001, ANN202
        update(self, entries)
        raise KeyboardInterrupt  # the process is gone before the store commits

    monkeypatch.setattr(WhooshIndex, "update", update_then_die)
    with pytest.raises(KeyboardInterrupt):
        ingest(settings, imports=imports, progress=False, enrich=False)
    assert WhooshIndex(settings.index_dir).doc_count() == 3 and stored(settings) == 0
    assert [p.kind for p in check(settings).problems].count("index-extra") == 3
    monkeypatch.setattr(WhooshIndex, "update", update)
    report = ingest(settings, imports=imports, progress=False, enrich=False)
    assert report.outcomes["new"] == 3 and stored(settings) == 3
    assert check(settings).ok


def test_an_index_that_cannot_be_written_leaves_the_batch_pending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, the store committed first: a failed index update left documents the index never got."""
    settings = settings_for(tmp_path)
    imports = demo_imports(settings.demo_path)[:3]

    def locked(self: WhooshIndex, entries):  # noqa: ANN001, ANN202
        raise CasebookError("the search index is locked by another writer")

    monkeypatch.setattr(WhooshIndex, "update", locked)
    with pytest.raises(CasebookError):
        ingest(settings, imports=imports, progress=False, enrich=False)
    assert stored(settings) == 0
    assert [str(p) for p in check(settings).problems] == ["store: 3 records pending: run casebook ingest"]
    monkeypatch.undo()
    ingest(settings, progress=False, enrich=False)  # nothing given: what is pending is finished
    assert check(settings).ok and stored(settings) == 3


def test_the_crawl_worker_is_told_to_stop_when_casebook_crawl_is_killed(tmp_path: Path) -> None:
    """kill -9 of ``casebook crawl`` alone must not leave its Scrapy worker crawling on as an orphan: the
    worker is started so that the kernel sends it SIGTERM (Scrapy's graceful stop) when its parent dies."""
    got = tmp_path / "got-sigterm"
    worker = (
        "import signal, sys, time\n"
        f"signal.signal(signal.SIGTERM, lambda *a: (open({str(got)!r}, 'w').write('yes'), sys.exit(0)))\n"
        "time.sleep(60)\n"
    )
    parent = (
        "import subprocess, sys, time\n"
        "from crawler.run import _stop_with_parent\n"
        f"subprocess.Popen([sys.executable, '-c', {worker!r}], preexec_fn=_stop_with_parent)\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stdout.readline() == b"started\n"
    time.sleep(0.5)  # the worker installs its handler
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    # the handler creates the file, then writes to it: wait for what it writes, not for the file alone
    while not (got.exists() and got.read_text() == "yes") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert got.exists() and got.read_text() == "yes"


def test_processes_opening_a_new_store_at_once_all_succeed(tmp_path: Path, database_url: str | None) -> None:
    """Migrations run once even when several processes (machines) open a brand-new store together."""
    settings = settings_for(tmp_path / "data", database_url)
    script = (
        "import sys; from pathlib import Path; from casebook.settings import load_settings; "
        "from casebook.store import open_store; "
        "open_store(load_settings(data_dir=Path(sys.argv[1]))).close()"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(settings.data_dir)],
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=env_for(settings),
        )
        for _ in range(6)
    ]
    errors = [p.communicate()[1].decode() for p in procs if p.wait() != 0]
    assert errors == []
    with open_store(settings) as store:
        assert store.schema_version == len(MIGRATIONS)
