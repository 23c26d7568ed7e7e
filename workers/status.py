"""``casebook jobs``: how the queued work is getting on, from any machine.

Per kind of job: how many wait, run, succeeded and failed, and how many of those waiting or running are
retries; the jobs running now; the latest failed attempts with why (the store's ``job_failures``, written
by the workers), each marked with what became of its job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from casebook.settings import Settings
from casebook.store import JobFailure, open_store, store_exists
from workers.jobs import describe
from workers.queue import open_queue, where

STATUSES = ("todo", "doing", "succeeded", "failed", "cancelled", "aborted")
SHOWN = {"todo": "queued", "doing": "running", "succeeded": "done", "failed": "failed"}


@dataclass
class KindCounts:
    kind: str
    counts: dict[str, int]
    retried: int  # of those queued or running, how many are a second (or later) attempt

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        done = self.counts.get("succeeded", 0) + self.counts.get("failed", 0)
        parts = [f"{self.counts.get(s, 0)} {SHOWN[s]}" for s in SHOWN]
        for other in ("cancelled", "aborted"):
            if self.counts.get(other):
                parts.append(f"{self.counts[other]} {other}")
        if self.retried:
            parts.append(f"{self.retried} of them retries")
        share = f"{100 * done / self.total:.0f}%" if self.total else "-"
        return f"{self.kind:<9} {done}/{self.total} finished ({share}): {', '.join(parts)}"


@dataclass
class JobsReport:
    queue: str
    kinds: list[KindCounts] = field(default_factory=list)
    running: list[str] = field(default_factory=list)
    failures: list[tuple[JobFailure, str]] = field(default_factory=list)  # and its job's status now

    def lines(self) -> list[str]:
        if not self.kinds:
            return [
                f"jobs: the queue at {self.queue} is empty; casebook crawl|ingest|enrich --queue fills it"
            ]
        out = [f"jobs in the queue at {self.queue}:"]
        out += [f"  {k.line()}" for k in self.kinds]
        if self.running:
            out.append("running now:")
            out += [f"  {line}" for line in self.running]
        if self.failures:
            out.append("latest failures:")
            for failure, now in self.failures:
                out.append(
                    f"  job {failure.job_id} {failure.task}, attempt {failure.attempt + 1},"
                    f" {failure.failed[:19].replace('T', ' ')} on {failure.worker}: {failure.error} [{now}]"
                )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "kinds": {k.kind: {**k.counts, "retried": k.retried, "total": k.total} for k in self.kinds},
            "running": self.running,
            "failures": [{**vars(f), "now": now} for f, now in self.failures],
        }


def jobs_report(settings: Settings, failures: int = 5) -> JobsReport:
    report = JobsReport(where(settings))
    with open_queue(settings) as app:
        manager = app.job_manager
        for row in sorted(manager.list_tasks(), key=lambda r: r["name"]):
            active = [
                job
                for status in ("todo", "doing")
                if row[status]
                for job in manager.list_jobs(task=row["name"], status=status)
            ]
            counts = {s: row.get(s, 0) for s in STATUSES if row.get(s, 0)}
            retried = sum(1 for job in active if job.attempts > 0)
            report.kinds.append(KindCounts(row["name"], counts, retried))
        for job in manager.list_jobs(status="doing"):
            attempt = f", attempt {job.attempts + 1}" if job.attempts else ""
            report.running.append(f"job {job.id} {job.task_name} {describe(job.task_kwargs)}{attempt}")
        latest = []
        if store_exists(settings):  # no store yet: no worker has run a job for this data folder
            with open_store(settings) as store:
                latest = store.job_failures(failures)
        for failure in latest:
            found = list(manager.list_jobs(id=failure.job_id))
            report.failures.append((failure, _fate(found[0].status if found else None, found)))
    return report


def _fate(status: str | None, found: list) -> str:
    if status is None:
        return "job no longer in the queue"
    if status == "todo":
        return f"to be tried again (attempt {found[0].attempts + 1})"
    if status == "doing":
        return "being tried again"
    if status == "succeeded":
        return "done since"
    return {"failed": "failed for good: fix the cause, then queue it again"}.get(status, status)
