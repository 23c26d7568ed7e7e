"""The job queue: a Procrastinate app on the PostgreSQL server of ``database_url``, with Casebook's tasks.

One task per kind of job, each in its own queue (a worker can be told which queues to take: crawling
machines near the network, enrichment where the cores are):

* ``crawl`` (queue ``crawl``): one source, crawled then ingested. Its lock is ``crawl:<source>``: the
  queue never runs two jobs holding one lock at once, on any machine, so a site is crawled by one worker
  at a time and its politeness (delays, concurrency) holds. Its queueing lock is the same, so a source
  is never waiting in the queue twice.
* ``ingest`` (queue ``ingest``): WARC files, or a batch of HTML files, archived then made documents.
* ``enrich`` (queue ``enrich``): a batch of documents re-enriched (those of them still stale).
* ``reextract`` (queue ``ingest``): a batch of documents an older extractor read, read again from their
  originals (those of them still stale): the work of extraction, where ingest runs.
* ``reindex`` (queue ``index``): the search index rebuilt; one at a time, queued once.

Failed jobs are tried again ``job_retries`` times, ``job_retry_wait`` seconds later, then twice that, and
so on. The queue's own tables (``procrastinate_*``) are made the first time Casebook opens the queue.
"""

from __future__ import annotations

import contextlib
import logging
import os
import traceback
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import procrastinate
import psycopg
from procrastinate import JobContext

from casebook.errors import CasebookError
from casebook.settings import Settings
from workers.state import WorkerState

log = logging.getLogger(__name__)

QUEUES = ("crawl", "ingest", "enrich", "index")
CONNECT_TIMEOUT = 10  # seconds to reach the server before saying it cannot be reached


def where(settings: Settings) -> str:
    """The queue's server as a user may see it printed: host, port and database, never a password."""
    parts = urlsplit(settings.database_url or "")
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or '/'}"


def queue_url(settings: Settings) -> str:
    """The server's address, or one line saying how to give it."""
    url = settings.database_url
    if not url:
        raise CasebookError(
            "the job queue lives on a PostgreSQL server and none is set: set database_url in the settings"
            " (or CASEBOOK_DATABASE_URL=postgresql://user@host/database) on every machine, then run this"
            " again"
        )
    if urlsplit(url).scheme not in ("postgresql", "postgres"):
        raise CasebookError(
            f"database_url must be a postgresql:// address for the job queue, got {urlsplit(url).scheme}://..."
        )
    return url


def reachable(settings: Settings) -> None:
    """Connect once, so a wrong address or a server that is down is one line, not a pool's long wait."""
    try:
        psycopg.connect(queue_url(settings), connect_timeout=CONNECT_TIMEOUT).close()
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CasebookError(
            f"cannot reach the job queue's PostgreSQL server at {where(settings)} ({reason});"
            " check database_url and that the server is running"
        ) from None


def build_app(settings: Settings) -> procrastinate.App:
    """The Procrastinate app of this queue, its tasks registered (not opened: see :func:`open_queue`)."""
    connector = procrastinate.PsycopgConnector(
        conninfo=queue_url(settings), min_size=1, max_size=8, kwargs={"connect_timeout": CONNECT_TIMEOUT}
    )
    app = procrastinate.App(connector=connector)
    _register_tasks(app, settings)
    return app


@contextlib.contextmanager
def open_queue(settings: Settings) -> Iterator[procrastinate.App]:
    """The app opened for this process's synchronous use (enqueueing, listing), its schema made if new."""
    reachable(settings)
    app = build_app(settings)
    with app.open():
        ensure_schema(app)
        yield app


def ensure_schema(app: procrastinate.App) -> None:
    """Make the queue's tables on a database that has none; nothing on one that has them. Several
    workers starting at once on a new database may all try: Procrastinate's schema is one script run in
    one transaction, so one of them makes it and the others, refused, find it made."""
    if app.check_connection():  # its query checks that the jobs table exists
        return
    try:
        app.schema_manager.apply_schema()
    except procrastinate.exceptions.ConnectorException:
        if not app.check_connection():
            raise
    log.info("made the job queue's tables")


# -- the tasks -----------------------------------------------------------------------------------------


def _retry(settings: Settings) -> procrastinate.RetryStrategy | bool:
    if settings.job_retries <= 0:
        return False
    wait = max(0, settings.job_retry_wait)
    return procrastinate.RetryStrategy(max_attempts=settings.job_retries, wait=wait, linear_wait=wait)


def _register_tasks(app: procrastinate.App, settings: Settings) -> None:
    """Casebook's tasks on ``app``. Their bodies are :mod:`workers.jobs`; each runs in the worker with the
    worker's settings (its data folder, its store) and its loaded enricher, and a failure is written to
    the store's ``job_failures`` with the attempt it ended (``casebook jobs`` shows them)."""
    from workers import jobs

    retry = _retry(settings)

    @app.task(name="crawl", queue="crawl", retry=retry, pass_context=True)
    def crawl(
        context: JobContext, source: str, sources_file: str | None = None, since: str | None = None
    ) -> str:
        return _run(context, jobs.crawl_source, source=source, sources_file=sources_file, since=since)

    @app.task(name="ingest", queue="ingest", retry=retry, pass_context=True)
    def ingest(context: JobContext, paths: list[str]) -> str:
        return _run(context, jobs.ingest_paths, paths=paths)

    @app.task(name="enrich", queue="enrich", retry=retry, pass_context=True)
    def enrich(context: JobContext, ids: list[str]) -> str:
        return _run(context, jobs.enrich_batch, ids=ids)

    @app.task(name="reextract", queue="ingest", retry=retry, pass_context=True)
    def reextract(context: JobContext, ids: list[str]) -> str:
        return _run(context, jobs.reextract_batch, ids=ids)

    @app.task(name="reindex", queue="index", retry=retry, pass_context=True, lock="reindex")
    def reindex(context: JobContext) -> str:
        return _run(context, jobs.reindex)


def _run(context: JobContext, body: Callable[..., str], **kwargs: Any) -> str:
    from workers import jobs

    state: WorkerState = context.additional_context["casebook"]
    job = context.job
    log.info("job %s %s %s: started", job.id, job.task_name, jobs.describe(kwargs))
    try:
        summary = body(state, **kwargs)
    except Exception as exc:
        state.note_failure(job.id or 0, job.attempts, job.task_name, _one_line(exc))
        raise
    log.info("job %s %s: %s", job.id, job.task_name, summary)
    return summary


def _one_line(exc: BaseException) -> str:
    """A failure as one line: a Casebook error says it in its own words; anything else names where."""
    if isinstance(exc, CasebookError):
        return str(exc)
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    place = f" (at {os.path.basename(frame.filename)}:{frame.lineno})" if frame else ""
    text = " ".join(str(exc).split()) or "no message"
    return f"{type(exc).__name__}: {text}{place}"
