"""What one worker process keeps from job to job."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from casebook.settings import Settings
from casebook.store import JobFailure, open_store

log = logging.getLogger(__name__)


class WorkerState:
    """What one worker process keeps between jobs: its settings, and loaded enrichers lent to one job at a
    time (spaCy loads in seconds: once per worker, or once per job running at the same time, not once per
    job; Procrastinate runs each job in a thread of a pool, so a thread is not a job's)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._idle: list[Any] = []
        self._lock = threading.Lock()

    @contextmanager
    def enricher(self) -> Iterator[Any]:
        """An enricher for the length of a job, loaded if every one loaded is lent out."""
        with self._lock:
            enricher = self._idle.pop() if self._idle else None
        if enricher is None:
            from indexer.enrich.enricher import Enricher

            settings = self.settings
            enricher = Enricher(
                settings.model,
                settings.gazetteer_paths,
                n_process=1,  # one process per worker: more workers, not more processes, for more cores
                batch_size=settings.enrich_batch_size,
            )
        try:
            yield enricher
        finally:
            with self._lock:
                self._idle.append(enricher)

    def note_failure(self, job_id: int, attempt: int, task: str, error: str) -> None:
        """Keep why an attempt failed, for ``casebook jobs``; a store that cannot take it is only logged."""
        failure = JobFailure(job_id, attempt, task, datetime.now(UTC).isoformat(), self.name, error)
        try:
            with open_store(self.settings) as store:
                store.note_job_failure(failure)
        except Exception:  # noqa: BLE001 - the job's own failure is what matters; this one is logged
            log.warning("job %s: could not note its failure in the store", job_id, exc_info=True)
