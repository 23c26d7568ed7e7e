"""What each job does: the same pipeline functions the commands run inline, so a job is idempotent like
the command (run twice, or again after its worker was killed half-way, it stores nothing twice and
finishes what the first run left). Each returns its one-line summary (kept in the worker's log)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workers.state import WorkerState


def crawl_source(
    state: WorkerState, source: str, sources_file: str | None = None, since: str | None = None
) -> str:
    """Crawl one source into the archive, then make documents of what it fetched, as ``casebook crawl``
    does. The queue runs one job of a source at a time (its lock), and the crawler refuses a second
    crawl of a source still running in the data folder (a killed worker's crawl process finishing its
    requests): this job then fails and is tried again later."""
    from crawler.run import crawl
    from indexer.pipeline.ingest import ingest

    settings = state.settings
    report = crawl(
        settings,
        [source],
        sources_file=Path(sources_file) if sources_file else None,
        since=date.fromisoformat(since) if since else None,
        progress=False,
    )
    if sources_file:
        settings = replace(settings, sources_file=str(Path(sources_file).resolve()))
    with state.enricher() as enricher:
        ingested = ingest(settings, paths=report.article_files, progress=False, enricher=enricher)
    report.add_ingest(ingested.outcomes, ingested.skipped)
    return f"{source}: {report.summary()}"


def ingest_paths(state: WorkerState, paths: list[str]) -> str:
    """Archive and ingest these files (WARC files, or a batch of HTML files), as ``casebook ingest`` does.
    Records other runs left pending are finished too, unless another worker is processing them."""
    from indexer.pipeline.ingest import ingest

    with state.enricher() as enricher:
        report = ingest(state.settings, paths=[Path(p) for p in paths], progress=False, enricher=enricher)
    return report.summary()


def enrich_batch(state: WorkerState, ids: list[str]) -> str:
    """Re-enrich the documents of one batch that are still stale (none, when the batch was done before)."""
    from indexer.pipeline.reenrich import reenrich

    with state.enricher() as enricher:
        return reenrich(state.settings, progress=False, enricher=enricher, only=ids).summary()


def reextract_batch(state: WorkerState, ids: list[str]) -> str:
    """Read the documents of one batch an older extractor read again (those of them still stale)."""
    from indexer.pipeline.reextract import reextract

    with state.enricher() as enricher:
        return reextract(state.settings, progress=False, enricher=enricher, only=ids).summary()


def reindex(state: WorkerState) -> str:
    """Rebuild the search index from the store and swap it in."""
    from indexer.pipeline.ingest import Ingester

    ingester = Ingester(state.settings)
    try:
        count = ingester.reindex(progress=False)
    finally:
        ingester.close()
    return f"reindex: {count} documents indexed"


def describe(kwargs: dict[str, Any]) -> str:
    """A job's arguments in a few words: a source, a file, or how many documents."""
    if kwargs.get("source"):
        return f"source {kwargs['source']}"
    paths = kwargs.get("paths") or []
    if paths:
        more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
        return f"{paths[0].rsplit('/', 1)[-1]}{more}"
    if kwargs.get("ids"):
        return f"{len(kwargs['ids'])} documents"
    return ""
