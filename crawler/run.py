"""``casebook crawl``: fetch sources into the WARC archive (ingesting what was fetched is the command's next
step, not the crawler's: see ``casebook.cli``).

Scrapy's Twisted reactor cannot be restarted in one process, so each :func:`crawl` runs Scrapy in a child
process (``python -m crawler.worker``: a fresh interpreter, nothing inherited from the caller's ``__main__``).
The child writes WARC records and the store's ``records`` and ``fetches`` rows as responses arrive and
writes back a tally; the parent returns it with the article WARC files written, which the command then
ingests the way ``casebook ingest`` does (so it also finishes records left pending by an interrupted run).
Errors come back as one-line ``CasebookError`` messages.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from casebook.errors import CasebookError
from casebook.models import Source
from casebook.settings import Settings
from casebook.sources import load_sources
from crawler.scrapy_settings import CrawlOptions
from crawler.spiders import CrawlJob
from crawler.state import fingerprint, state_root

log = logging.getLogger(__name__)

URLS_JOB = "_urls"
PID_FILE = "crawl.pid"  # in run_folder(): the running crawl process (tests stop it with a signal)
PROJECT_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["CrawlOptions", "CrawlReport", "crawl"]


@dataclass
class CrawlReport:
    """What a crawl did. ``new``/``updated``/``unchanged`` are articles as the store judged them once
    ingested (:meth:`add_ingest`); ``unchanged`` also counts held articles not fetched because their sitemap
    ``lastmod`` predates the copy held; ``not_modified`` counts 304 answers; ``removed`` held articles newly
    answering 404/410. ``article_files``: the WARC files the article bodies fetched went to, for ingest."""

    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: int = 0
    removed: int = 0
    errors: list[str] = field(default_factory=list)
    article_files: list[Path] = field(default_factory=list)

    def add_ingest(self, outcomes: Mapping[str, int], skipped: Iterable[str]) -> None:
        """Count the articles fetched as ingest judged them, and the pages it refused as errors."""
        self.new += outcomes.get("new", 0)
        self.updated += outcomes.get("updated", 0)
        self.unchanged += outcomes.get("unchanged", 0)
        self.errors += [f"not an article: {reason}" for reason in skipped]

    def summary(self) -> str:
        return (
            f"crawl: {self.fetched} pages fetched; articles: {self.new} new, {self.updated} updated,"
            f" {self.unchanged} unchanged, {self.not_modified} not modified, {self.removed} removed;"
            f" {len(self.errors)} errors"
        )


@dataclass(frozen=True)
class CrawlPlan:
    """Everything the crawl process needs (pickled to it)."""

    settings: Settings
    jobs: tuple[CrawlJob, ...]
    sources: tuple[Source, ...]
    options: CrawlOptions
    log_level: int
    progress: bool


def _stop_with_parent() -> None:
    """In the worker, before it starts: if the parent dies (even by kill -9), the kernel sends the worker
    SIGTERM, which Scrapy handles as a graceful stop that saves its queue. Linux only; elsewhere a no-op."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def crawl(
    settings: Settings,
    source_names: list[str] | None = None,
    sources_file: Path | None = None,
    since: date | None = None,
    urls: list[str] | None = None,
    progress: bool = True,
    options: CrawlOptions | None = None,
) -> CrawlReport:
    """Crawl the named sources (all of them when none is named and no ``urls`` are given) into the archive.
    The articles fetched are not ingested here: :attr:`CrawlReport.article_files` says where they are."""
    registry = Path(sources_file) if sources_file is not None else settings.sources_path
    sources = load_sources(registry)
    jobs = _plan_jobs(sources, source_names or [], urls or [], since)
    plan = CrawlPlan(
        settings,
        tuple(jobs),
        tuple(sources),
        options or CrawlOptions(),
        logging.getLogger().getEffectiveLevel(),
        progress,
    )
    with _lock(settings.data_dir, [job.name for job in jobs]) as held:
        result = _run_child(plan, held)
    return CrawlReport(
        fetched=result["responses"],
        unchanged=result["unchanged"],
        not_modified=result["not_modified"],
        removed=result["removed"],
        errors=list(result["errors"]),
        article_files=[settings.warc_dir / name for name in sorted(result["article_files"])],
    )


def _plan_jobs(
    sources: list[Source], names: list[str], urls: list[str], since: date | None
) -> list[CrawlJob]:
    by_name = {source.name: source for source in sources}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        known = ", ".join(sorted(by_name)) or "none"
        raise CasebookError(f"unknown source {unknown[0]!r}; known sources: {known}")
    for url in urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise CasebookError(f"not an http(s) URL: {url!r}")
    selected = list(dict.fromkeys(names)) if names or urls else list(by_name)
    jobs = [CrawlJob(name, by_name[name], since=since or by_name[name].since) for name in selected]
    if urls:
        jobs.append(CrawlJob(URLS_JOB, None, urls=tuple(dict.fromkeys(urls))))
    return jobs


@contextmanager
def _lock(data_dir: Path, names: Iterable[str]) -> Iterator[int]:
    """One crawl of each job (a source, or the URL list) at a time per data directory: two would share its
    Scrapy job folder. Crawls of other sources may run beside it (``casebook worker`` runs one source per
    job). Yields a file descriptor holding the locks, for the crawl process to inherit: the locks last
    until both have ended, so a crawl process finishing its requests after its parent was killed is not
    joined by a second crawl of the same source."""
    root = state_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield -1
        return
    with ExitStack() as held:
        first = -1
        for name in sorted(set(names)):
            handle = held.enter_context(open(root / f"{name}.lock", "a+"))
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                what = "a crawl of the URL list" if name == URLS_JOB else f"a crawl of {name}"
                raise CasebookError(
                    f"{what} is already running on {data_dir}; wait for it to finish, then run this one again"
                ) from None
            first = handle.fileno() if first < 0 else first
            held.callback(fcntl.flock, handle, fcntl.LOCK_UN)
        yield first


def run_folder(data_dir: Path, names: Iterable[str]) -> Path:
    """Where a crawl of these jobs keeps its plan, its tally and its process id (``PID_FILE``) while it
    runs: one folder per set of jobs, so crawls of other sources can run beside it."""
    return state_root(data_dir) / f".run-{fingerprint(*sorted(set(names)))}"


def _run_child(plan: CrawlPlan, held: int) -> dict[str, Any]:
    """Run ``python -m crawler.worker`` on a pickled plan; it writes its tally back as JSON. ``held``: the
    descriptor of the crawl's locks, inherited by the child."""
    root = run_folder(plan.settings.data_dir, [job.name for job in plan.jobs])
    root.mkdir(parents=True, exist_ok=True)
    plan_file, result_file, pid_file = root / "plan.pickle", root / "result.json", root / PID_FILE
    with open(plan_file, "wb") as out:
        pickle.dump(plan, out)
    result_file.unlink(missing_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    # Same process group: a Ctrl-C on the terminal reaches the child, which stops gracefully.
    child = subprocess.Popen(
        [sys.executable, "-m", "crawler.worker", str(plan_file), str(result_file)],
        env=env,
        preexec_fn=_stop_with_parent,
        pass_fds=(held,) if held >= 0 else (),
    )
    pid_file.write_text(str(child.pid), encoding="utf-8")
    try:
        code = child.wait()
    except KeyboardInterrupt:
        # Scrapy finishes the requests in flight and saves its queue; a second Ctrl-C forces it.
        try:
            child.wait(timeout=120)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        raise
    finally:
        pid_file.unlink(missing_ok=True)
        plan_file.unlink(missing_ok=True)
    resume = "what was fetched is kept; run the same command to finish"
    try:
        result = json.loads(result_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise CasebookError(f"the crawl process stopped unexpectedly (exit code {code}); {resume}") from None
    finally:
        result_file.unlink(missing_ok=True)
    if result.get("error"):
        raise CasebookError(str(result["error"]))
    if result.get("interrupted"):
        raise CasebookError(f"crawl interrupted; {resume}")
    return result
