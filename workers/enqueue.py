"""Putting work in the queue: ``casebook crawl|ingest|enrich|reextract|reindex --queue``. Each function
checks what it can before queueing (a source that does not exist, a file that is not there), so a mistake
is one line now rather than a failed job later, and returns what it queued for the command's summary
line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from procrastinate.exceptions import AlreadyEnqueued

from casebook.errors import CasebookError
from casebook.settings import Settings
from casebook.sources import load_sources
from casebook.store import open_store
from workers.queue import open_queue

HTML_BATCH = 100  # HTML files per ingest job
ENRICH_BATCH = 200  # documents per enrich job
REEXTRACT_BATCH = 200  # documents per reextract job


@dataclass
class Queued:
    """What was put in the queue: job ids, and what was already waiting there (not queued twice)."""

    kind: str
    jobs: list[int] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    note: str = ""

    def summary(self) -> str:
        if not self.jobs and not self.already:
            return f"{self.kind}: nothing to queue{self.note}"
        line = f"{self.kind}: {len(self.jobs)} jobs queued"
        if self.jobs:
            line += f" (ids {_span(self.jobs)})"
        if self.already:
            line += f"; already waiting in the queue: {', '.join(self.already)}"
        return line + self.note + "; casebook jobs shows how they are getting on"


def _span(ids: list[int]) -> str:
    return str(ids[0]) if len(ids) == 1 else f"{min(ids)}-{max(ids)}"


def queue_crawl(
    settings: Settings, names: list[str], sources_file: Path | None = None, since: date | None = None
) -> Queued:
    """One crawl job per source (every source of the registry when none is named)."""
    registry = Path(sources_file).resolve() if sources_file is not None else settings.sources_path
    known = {source.name for source in load_sources(registry)}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise CasebookError(
            f"unknown source {unknown[0]!r}; known sources: {', '.join(sorted(known)) or 'none'}"
        )
    queued = Queued("crawl")
    with open_queue(settings) as app:
        task = app.tasks["crawl"]
        for name in list(dict.fromkeys(names)) or sorted(known):
            lock = f"crawl:{name}"
            try:
                queued.jobs.append(
                    task.configure(lock=lock, queueing_lock=lock).defer(
                        source=name,
                        sources_file=str(registry) if sources_file is not None else None,
                        since=since.isoformat() if since else None,
                    )
                )
            except AlreadyEnqueued:
                queued.already.append(name)
    return queued


def queue_ingest(settings: Settings, paths: list[Path], batch: int = HTML_BATCH) -> Queued:
    """One ingest job per WARC file, and one per ``batch`` HTML files; with no paths, one job that finishes
    what is left (as ``casebook ingest`` alone does). Paths are queued absolute: the workers must see the
    files at the same paths (a folder every machine mounts)."""
    from indexer.pipeline.ingest import collect_inputs

    html_files, warc_files = collect_inputs(paths)
    groups = [[str(p.resolve())] for p in warc_files]
    html = [str(p.resolve()) for p in html_files]
    groups += [html[start : start + batch] for start in range(0, len(html), max(1, batch))]
    if not paths:
        groups = [[]]
    queued = Queued("ingest")
    with open_queue(settings) as app:
        task = app.tasks["ingest"]
        for group in groups:
            queued.jobs.append(task.defer(paths=group))
    return queued


def queue_enrich(settings: Settings, force: bool = False, batch: int = ENRICH_BATCH) -> Queued:
    """One enrich job per ``batch`` stale documents (every document with ``force``: their enrichment
    stamps are forgotten now, so the jobs find them stale)."""
    from indexer.enrich.version import pipeline_version

    version = pipeline_version(settings.model, settings.gazetteer_paths)
    with open_store(settings) as store:
        if force:
            ids = store.document_ids()
        elif version is not None:
            ids = store.stale_enrichments(version)
        else:  # the model's version cannot be told without loading it: let each job find what is stale
            ids = store.document_ids()
        with open_queue(settings) as app:
            if force:
                with store.write_transaction():
                    store.clear_enrichment_stamps()
            queued = Queued(
                "enrich", _defer_batches(app.tasks["enrich"], ids, batch), note=" (forced)" if force else ""
            )
    if not ids:
        queued.note = f", every document is enriched by {version}"
    return queued


def queue_reextract(settings: Settings, force: bool = False, batch: int = REEXTRACT_BATCH) -> Queued:
    """One reextract job per ``batch`` documents an older extractor read (every document with ``force``:
    their stamps are forgotten now, so the jobs find them stale)."""
    from indexer.extract.version import extractor_stamp

    stamp = extractor_stamp()
    with open_store(settings) as store, open_queue(settings) as app:
        if force:
            with store.write_transaction():
                store.clear_extractor_stamps()
        ids = store.stale_extractions(stamp)
        queued = Queued(
            "reextract", _defer_batches(app.tasks["reextract"], ids, batch), note=" (forced)" if force else ""
        )
    if not ids:
        queued.note = f", every document was read by {stamp}"
    return queued


def _defer_batches(task: Any, ids: list[str], batch: int) -> list[int]:
    """One job of ``task`` per ``batch`` of these document ids; their job ids."""
    size = max(1, batch)
    return [task.defer(ids=ids[start : start + size]) for start in range(0, len(ids), size)]


def queue_reindex(settings: Settings) -> Queued:
    queued = Queued("reindex")
    with open_queue(settings) as app:
        try:
            queued.jobs.append(app.tasks["reindex"].configure(queueing_lock="reindex").defer())
        except AlreadyEnqueued:
            queued.already.append("reindex")
    return queued
