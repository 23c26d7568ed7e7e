"""Workers on the job queue, as real processes: ``casebook worker`` on a throwaway PostgreSQL (the
``postgres`` fixture) holding both the queue and the store, a WARC folder shared in one data folder,
crawling fixture sites on loopback. Jobs are queued, listed, failed and retried, locked per source, and a
worker is killed with SIGKILL mid-crawl: another one runs its job again and every article is archived and
stored once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, settings_for
from crawlsite import FixtureSite
from test_crawl import (
    HOST_B,
    HOST_C,
    article_hits,
    benefits_entry,
    documents,
    registry,
    warc_records,
    wordpress_entry,
)
from test_upgrade import refused_by_an_older_casebook

from casebook.archive import AUX_PREFIX
from casebook.settings import Settings
from casebook.store import open_store
from crawler.run import PID_FILE, run_folder
from workers.status import jobs_report

EXE = Path(sys.executable).parent / "casebook"
DEMO = ROOT / "corpus" / "demo"
DEADLINE = 240  # seconds for a queue to be worked through (the machine may be shared)


def env_for(url: str | None) -> dict[str, str]:
    """The workers' environment: the queue's server; heartbeats every second, a worker silent for 6 s is
    dead (six missed heartbeats: with 3 s, a live worker on a machine loaded by other work was once taken
    for dead, its job put back in the queue while it ran), failed jobs tried again after 1 s (then 2 s,
    3 s)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "CASEBOOK_WORKER_HEARTBEAT": "1",
        "CASEBOOK_WORKER_STALLED_AFTER": "6",
        "CASEBOOK_JOB_RETRY_WAIT": "1",
        "CASEBOOK_JOB_RETRIES": "3",
    }
    if url:
        env["CASEBOOK_DATABASE_URL"] = url
    return env


def casebook(data: Path, url: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), "--data-dir", str(data), *args],
        env=env_for(url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def jobs(data: Path, url: str) -> dict:
    """``casebook jobs --json``, read in this process (polled often: a command each time would load the
    machine the workers share)."""
    return jobs_report(settings_for(data, url), failures=20).to_dict()


@contextmanager
def workers(data: Path, url: str, count: int, log: Path) -> Iterator[list[subprocess.Popen]]:
    """``count`` workers, each in its own process group (a kill reaches it and its crawl process only);
    stopped with SIGTERM at the end, killed if they do not stop."""
    started = []
    with open(log, "a") as out:
        for _ in range(count):
            started.append(
                subprocess.Popen(
                    [str(EXE), "--data-dir", str(data), "worker"],
                    env=env_for(url),
                    stdout=out,
                    stderr=out,
                    start_new_session=True,
                )
            )
    try:
        yield started
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in started:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_for(
    what: str, ready: Callable[[], object], timeout: float = DEADLINE, log: Path | None = None
) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = ready()
        if found:
            return found
        time.sleep(0.5)
    detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{detail}")


def kind(report: dict, name: str) -> dict:
    return report["kinds"].get(name, {})


def all_done(data: Path, url: str, name: str, total: int) -> Callable[[], bool]:
    def ready() -> bool:
        counts = kind(jobs(data, url), name)
        return counts.get("succeeded", 0) == total

    return ready


# -- without a server -----------------------------------------------------------------------------------


def test_queue_commands_without_a_server_say_how_to_set_one(tmp_path: Path) -> None:
    for args in (["jobs"], ["worker"], ["crawl", "--queue"], ["enrich", "--queue"], ["reextract", "--queue"]):
        done = casebook(tmp_path / "data", None, *args)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        assert "CASEBOOK_DATABASE_URL=postgresql://" in lines[0]


@pytest.mark.slow
def test_a_server_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = casebook(tmp_path / "data", f"postgresql://casebook@127.0.0.1:{port}/casebook", "jobs")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"cannot reach the job queue's PostgreSQL server at 127.0.0.1:{port}/casebook" in done.stderr


# -- queueing, listing, retrying --------------------------------------------------------------------------


@pytest.mark.slow
def test_ingest_queued_by_file_runs_once_and_again_stores_nothing_twice(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    data = tmp_path / "data"
    inputs = tmp_path / "in"
    inputs.mkdir()
    pages = sorted(DEMO.glob("*.html"))[:5]
    for page in pages:
        shutil.copy(page, inputs / page.name)

    queued = casebook(data, url, "ingest", "--queue", str(inputs))
    assert queued.returncode == 0, queued.stderr
    assert queued.stdout.startswith("ingest: 1 jobs queued")  # five HTML files: one batch
    listing = casebook(data, url, "jobs")
    assert "ingest    0/1 finished (0%): 1 queued, 0 running, 0 done, 0 failed" in listing.stdout

    run = casebook(data, url, "worker", "--until-empty")
    assert run.returncode == 0, run.stderr
    report = jobs(data, url)
    assert kind(report, "ingest") == {"succeeded": 1, "retried": 0, "total": 1}
    assert (
        "ingest    1/1 finished (100%): 0 queued, 0 running, 1 done, 0 failed"
        in casebook(data, url, "jobs").stdout
    )
    stored = documents(settings_for(data, url))
    assert len(stored) == len(pages)

    # The same files queued again, and the archive's own WARC file: jobs that find everything done.
    warc = next((data / "warc").glob("import-*.warc.gz"))
    again = casebook(data, url, "ingest", "--queue", str(inputs), str(warc))
    assert again.stdout.startswith("ingest: 2 jobs queued"), again.stdout
    assert casebook(data, url, "worker", "--until-empty").returncode == 0
    assert kind(jobs(data, url), "ingest")["succeeded"] == 3
    assert set(documents(settings_for(data, url))) == set(stored)
    records = [r for r in warc_records(settings_for(data, url)) if r.type == "resource"]
    assert len(records) == len(pages)  # nothing archived twice
    check = casebook(data, url, "check")
    assert check.returncode == 0, check.stdout


@pytest.mark.slow
def test_ingest_queued_with_no_path_reads_the_older_refusals_again(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    data = tmp_path / "data"
    refused_by_an_older_casebook(settings_for(data, url))  # an article and a listing, refused before
    queued = casebook(data, url, "ingest", "--queue")
    assert queued.stdout.startswith("ingest: 1 jobs queued"), queued.stdout + queued.stderr
    assert casebook(data, url, "worker", "--until-empty").returncode == 0
    assert kind(jobs(data, url), "ingest") == {"succeeded": 1, "retried": 0, "total": 1}
    assert len(documents(settings_for(data, url))) == 1  # the article; the listing is refused again
    assert casebook(data, url, "check").returncode == 0


@pytest.mark.slow
def test_reextract_queued_in_batches_reads_older_documents_again_once(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    data = tmp_path / "data"
    pages = sorted(DEMO.glob("dns-*.html"))[:3]
    assert casebook(data, url, "ingest", *map(str, pages)).returncode == 0
    settings = settings_for(data, url)
    with open_store(settings) as store, store.write_transaction():  # as an older extractor left them
        read = {s.document.id: s.document for s in store.iter_documents()}
        for doc in read.values():
            store.replace_reading(replace(doc, published=date(2001, 1, 1), extractor="code-0"), {})

    queued = casebook(data, url, "reextract", "--queue")
    assert queued.stdout.startswith("reextract: 1 jobs queued"), queued.stdout + queued.stderr
    assert casebook(data, url, "worker", "--until-empty").returncode == 0
    assert kind(jobs(data, url), "reextract") == {"succeeded": 1, "retried": 0, "total": 1}
    assert "reextract 1/1 finished (100%)" in casebook(data, url, "jobs").stdout
    with open_store(settings) as store:
        now = {s.document.id: s.document for s in store.iter_documents()}
    assert now == read  # every date read again, as this extractor read it at ingest
    again = casebook(data, url, "reextract", "--queue")
    assert again.stdout.startswith("reextract: nothing to queue, every document was read by code-")
    assert casebook(data, url, "check").returncode == 0


@pytest.mark.slow
def test_a_failed_job_is_retried_and_its_failure_shown_in_one_line(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    data = tmp_path / "data"
    page = tmp_path / "in" / "page.html"
    page.parent.mkdir()
    shutil.copy(sorted(DEMO.glob("*.html"))[0], page)
    assert casebook(data, url, "ingest", "--queue", str(page)).returncode == 0
    body = page.read_bytes()
    page.unlink()  # gone when the worker comes to it: the first attempt fails

    log = tmp_path / "workers.log"
    with workers(data, url, 1, log):
        failed = wait_for("the failure to be noted", lambda: jobs(data, url)["failures"], log=log)
        assert failed[0]["task"] == "ingest" and failed[0]["attempt"] == 0
        assert failed[0]["error"] == f"no such file or folder: {page}"
        page.write_bytes(body)  # back before a later attempt
        wait_for("the job to succeed", all_done(data, url, "ingest", 1), log=log)
    listing = casebook(data, url, "jobs").stdout
    assert "ingest    1/1 finished (100%): 0 queued, 0 running, 1 done, 0 failed" in listing
    failure_lines = [line for line in listing.splitlines() if line.startswith("  job ")]
    assert failure_lines and all(f"no such file or folder: {page}" in line for line in failure_lines)
    assert failure_lines[-1].endswith("[done since]")
    assert len(documents(settings_for(data, url))) == 1


@pytest.mark.slow
def test_one_source_is_crawled_by_one_worker_at_a_time(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    data = tmp_path / "data"
    with FixtureSite("benefits", HOST_B) as site:
        site.article_delay = 0.6
        sources = registry(tmp_path, benefits_entry(site) + "download_delay = 0.0\n")
        first = casebook(data, url, "crawl", "--queue", "--sources", str(sources))
        assert first.stdout.startswith("crawl: 1 jobs queued"), first.stdout + first.stderr
        # Waiting in the queue already: not queued twice (its queueing lock).
        twice = casebook(data, url, "crawl", "--queue", "--sources", str(sources), "benefits-news")
        assert twice.stdout.startswith("crawl: 0 jobs queued; already waiting in the queue: benefits-news")

        log = tmp_path / "workers.log"
        with workers(data, url, 2, log):
            wait_for("the crawl to start", lambda: kind(jobs(data, url), "crawl").get("doing"), log=log)
            # Running, not waiting: a second crawl of the source may be queued, but it waits for the first
            # although the other worker is free.
            again = casebook(data, url, "crawl", "--queue", "--sources", str(sources))
            assert again.stdout.startswith("crawl: 1 jobs queued")
            seen: Counter[tuple[int, int]] = Counter()

            def finished() -> bool:
                counts = kind(jobs(data, url), "crawl")
                seen[counts.get("doing", 0), counts.get("todo", 0)] += 1
                return counts.get("succeeded", 0) == 2

            wait_for("both crawls", finished, log=log)
        assert seen[1, 1] > 0, seen  # one running while the other waited
        assert not [state for state in seen if state[0] > 1], seen  # never two at once
        assert set(documents(settings_for(data, url))) == site.article_urls()


# -- three workers, one killed ----------------------------------------------------------------------------


def _parent(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the crawl's worker")
def test_three_workers_one_killed_mid_crawl_every_article_archived_once(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    data = tmp_path / "data"
    settings: Settings = settings_for(data, url)
    with (
        FixtureSite("wordpress", "127.0.0.1") as press,
        FixtureSite("benefits", HOST_B) as news,
        FixtureSite("wordpresscom", HOST_C) as blog,
    ):
        for site in (press, news, blog):
            site.article_delay = 0.4
        fast = "download_delay = 0.0\n"
        sources = registry(
            tmp_path,
            wordpress_entry(press) + fast,
            benefits_entry(news) + fast,
            wordpress_entry(blog, "claimants-blog") + fast,
        )
        queued = casebook(data, url, "crawl", "--queue", "--sources", str(sources))
        assert queued.stdout.startswith("crawl: 3 jobs queued"), queued.stdout + queued.stderr
        expected = press.article_urls("disallowed", "missing") | news.article_urls() | blog.article_urls()
        log = tmp_path / "workers.log"
        with workers(data, url, 3, log) as procs:
            # A crawl well under way: its crawl process is running and has fetched some articles.
            def crawling() -> int | None:
                for name, site in (("campaign-news", press), ("benefits-news", news)):
                    pid_file = run_folder(data, [name]) / PID_FILE
                    fetched = [h for h in article_hits(site, site.hits()) if h.status == 200]
                    if len(fetched) >= 3 and pid_file.exists():
                        try:
                            return int(pid_file.read_text())
                        except ValueError:
                            return None
                return None

            crawl_pid = wait_for("a crawl under way", crawling, log=log)
            victim = next(p for p in procs if p.pid == _parent(crawl_pid))
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            wait_for("every crawl to finish", all_done(data, url, "crawl", 3), log=log)
            report = jobs(data, url)

    assert kind(report, "crawl")["succeeded"] == 3 and not kind(report, "crawl").get("failed")
    stalled = [f for f in report["failures"] if "its worker stopped" in f["error"]]
    assert len(stalled) == 1 and stalled[0]["task"] == "crawl", report["failures"]

    # Every article archived exactly once (one 200 response in the article files) and stored once.
    archived = Counter(
        r.url
        for r in warc_records(settings)
        if r.type == "response" and r.status == 200 and not r.file.startswith(AUX_PREFIX)
    )
    assert set(archived) == expected and set(archived.values()) == {1}, archived
    docs = documents(settings)
    assert set(docs) == expected and {d.version for d in docs.values()} == {1}
    check = casebook(data, url, "check")
    assert check.returncode == 0, check.stdout
    assert check.stdout.strip().endswith("everything agrees")
