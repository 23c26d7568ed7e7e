"""Why queued jobs failed (table ``job_failures``): the job queue (Procrastinate, run by ``casebook worker``)
keeps each job's status and attempts but not the error, so the worker that ran a failed attempt writes it
here, and ``casebook jobs`` shows the latest from any machine."""

from __future__ import annotations

from dataclasses import dataclass

from casebook.store.database import Database


@dataclass(frozen=True)
class JobFailure:
    """One failed attempt of a queued job: ``attempt`` counts from 0, ``failed`` is an ISO 8601 time."""

    job_id: int
    attempt: int
    task: str
    failed: str
    worker: str
    error: str


class JobFailures(Database):
    """Table ``job_failures``."""

    def note_job_failure(self, failure: JobFailure) -> None:
        with self.write_transaction():
            self.db.execute(
                "INSERT INTO job_failures VALUES (?,?,?,?,?,?) ON CONFLICT (job_id, attempt) DO UPDATE SET"
                " task=excluded.task, failed=excluded.failed, worker=excluded.worker, error=excluded.error",
                (
                    failure.job_id,
                    failure.attempt,
                    failure.task,
                    failure.failed,
                    failure.worker,
                    failure.error,
                ),
            )

    def job_failures(self, limit: int = 10) -> list[JobFailure]:
        """The latest failed attempts, newest first."""
        rows = self.db.execute(
            "SELECT * FROM job_failures ORDER BY failed DESC, job_id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [JobFailure(**dict(row)) for row in rows]
