"""Crawl jobs that survive Ctrl-C and crashes: ``DATA/crawl-state/<job>/``.

A job is one source crawled to the end. ``job.json`` holds when the job started and whether its last run
stopped cleanly; ``scrapy/`` is Scrapy's JOBDIR (request queue, seen-request fingerprints, spider state).

* Finished: the folder is removed; the next crawl is a new job (an incremental recrawl).
* Stopped cleanly (Ctrl-C, SIGTERM: Scrapy finishes the requests in flight and saves its queue): the next
  run resumes Scrapy's queue.
* Killed (SIGKILL, power cut): Scrapy's queue files are only consistent after a clean stop, so they are
  dropped. Nothing is lost: every response was archived and noted in the store's ``fetches`` table as it
  arrived, so the next run walks the sitemaps again and skips every article already answered since the job
  started (:attr:`JobState.started`) without asking the site again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

STATE_DIR = "crawl-state"


def state_root(data_dir: Path) -> Path:
    return data_dir / STATE_DIR


@dataclass
class JobState:
    directory: Path
    started: datetime
    resumed: bool

    @property
    def jobdir(self) -> Path:
        return self.directory / "scrapy"

    @classmethod
    def open(cls, root: Path, name: str, fingerprint: str = "") -> JobState:
        """Resume the unfinished job called ``name`` (same ``fingerprint``), or start a new one."""
        directory = root / name
        data = _read(directory / "job.json")
        if data is not None and data.get("fingerprint", "") == fingerprint:
            try:
                started = datetime.fromisoformat(data["started"])
            except (KeyError, TypeError, ValueError):
                started = None
            if started is not None:
                if not data.get("clean"):
                    shutil.rmtree(directory / "scrapy", ignore_errors=True)
                state = cls(directory, started, resumed=True)
                state._write(clean=False, fingerprint=fingerprint)
                return state
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True, exist_ok=True)
        state = cls(directory, datetime.now(UTC), resumed=False)
        state._write(clean=False, fingerprint=fingerprint)
        return state

    def stopped(self) -> None:
        """The run stopped cleanly before the end: Scrapy's saved queue can be resumed."""
        data = _read(self.directory / "job.json") or {}
        self._write(clean=True, fingerprint=data.get("fingerprint", ""))

    def finished(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def _write(self, clean: bool, fingerprint: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / "job.json"
        temporary = target.with_suffix(".tmp")
        payload = {"started": self.started.isoformat(), "clean": clean, "fingerprint": fingerprint}
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump(payload, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)


def fingerprint(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _read(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
