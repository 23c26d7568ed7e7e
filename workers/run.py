"""``casebook worker``: take jobs from the queue until stopped, and put back the jobs of workers that died.

A worker sends a heartbeat to the queue every ``worker_heartbeat`` seconds. Stopped with Ctrl-C or
SIGTERM, it finishes the jobs it is running and leaves. Killed (SIGKILL, a power cut, a machine lost), it
leaves its jobs ``doing`` for ever as far as the queue knows: Procrastinate finds those (its
``JobManager.get_stalled_jobs``: jobs ``doing`` on a worker without a heartbeat for
``worker_stalled_after`` seconds) but leaves retrying them to the application. Here every worker looks for
them every few seconds beside its jobs (not as a job itself, so it happens even while every worker is busy
with a long crawl) and puts them back in the queue; another worker then runs them again from the start,
which the jobs are made for (idempotent, finishing what the killed run left). A job whose workers died
under it at every attempt (it may be what kills them) is failed after ``job_retries`` + 3 attempts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

import procrastinate
from procrastinate.jobs import Job, Status

from casebook.settings import Settings
from workers.queue import QUEUES, build_app, ensure_schema, reachable
from workers.state import WorkerState

log = logging.getLogger(__name__)

EXTRA_STALLED_ATTEMPTS = 3  # a job found stalled this many times beyond its retries is failed


def run_worker(
    settings: Settings, queues: Iterable[str] = QUEUES, concurrency: int = 1, until_empty: bool = False
) -> None:
    """Run one worker in this process (``until_empty``: leave once the queues are empty, for scripts)."""
    reachable(settings)
    app = build_app(settings)
    with app.open():  # the schema first, synchronously, before the worker's pool opens
        ensure_schema(app)
    asyncio.run(_work(app, settings, list(queues), concurrency, until_empty))


async def _work(
    app: procrastinate.App, settings: Settings, queues: list[str], concurrency: int, until_empty: bool
) -> None:
    state = WorkerState(settings)
    async with app.open_async():
        sweeper = asyncio.create_task(_sweep_forever(app, state))
        try:
            await app.run_worker_async(
                queues=queues,
                concurrency=concurrency,
                name=state.name,
                wait=not until_empty,
                additional_context={"casebook": state},
                update_heartbeat_interval=settings.worker_heartbeat,
                stalled_worker_timeout=settings.worker_stalled_after,
                fetch_job_polling_interval=min(5.0, settings.worker_heartbeat),
            )
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper


async def _sweep_forever(app: procrastinate.App, state: WorkerState) -> None:
    interval = max(1.0, state.settings.worker_stalled_after / 3)
    while True:
        try:
            await retry_stalled_jobs(app, state)
        except Exception:  # noqa: BLE001 - a failed sweep (the server restarting) is tried next time
            log.warning("could not look for the jobs of stopped workers", exc_info=True)
        await asyncio.sleep(interval)


async def retry_stalled_jobs(app: procrastinate.App, state: WorkerState) -> list[int]:
    """Put back in the queue the jobs of workers that stopped sending heartbeats; their ids. Each is looked
    at again just before: another worker's sweep may have put it back and a live worker taken it since."""
    settings = state.settings
    retried = []
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=settings.worker_stalled_after)
    for job in stalled:
        if not await _still_stalled(app, job):
            continue
        if job.attempts >= max(0, settings.job_retries) + EXTRA_STALLED_ATTEMPTS:
            await app.job_manager.finish_job(job, Status.FAILED, delete_job=False)
            error = (
                f"its worker stopped while running it at each of {job.attempts + 1} attempts; not tried again"
            )
        else:
            try:
                await app.job_manager.retry_job(job)
            except procrastinate.exceptions.ConnectorException:
                continue  # no longer doing: another sweep has just put it back
            retried.append(job.id)
            error = "its worker stopped (killed, or its machine lost) while running it; put back in the queue"
        log.warning("job %s %s: %s", job.id, job.task_name, error)
        await asyncio.to_thread(state.note_failure, job.id or 0, job.attempts, job.task_name, error)
    return retried


async def _still_stalled(app: procrastinate.App, job: Job) -> bool:
    now = list(await app.job_manager.list_jobs_async(id=job.id))
    return bool(now) and now[0].status == Status.DOING.value and now[0].worker_id in (None, job.worker_id)
