"""Re-enrichment: bring every document's entities and quotes up to the current enrichment pipeline.

Each document's annotations carry a stamp (table ``enrichments``): the pipeline version that made them
(``Enricher.version``: spaCy model and version, gazetteer hash, code version) and the hash of the text they
were made from. A document is stale when it has no stamp, or the version or the text differs; editing the
gazetteer, upgrading the model or changing the enrichment code makes every document stale.

:func:`reenrich` enriches the stale documents in batches. Each batch is enriched outside any transaction,
then written in one: annotations, stamps and the batch's index entries, the index before the commit (as
ingest does). Interrupted, a run keeps the batches it finished; run again, it continues with the documents
still stale. A document whose text changed while its batch was being enriched is left stale for the next
run rather than given annotations of the old text.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from casebook.settings import Settings
from casebook.store import Store, open_store
from indexer.pipeline.alerts import after_run
from indexer.search import SearchBackend, index_entry, open_backend


@dataclass
class ReenrichReport:
    """What a re-enrichment run did; ``changed`` are the ids whose annotations (and index entries) changed."""

    version: str
    stale: int = 0  # documents found stale at the start
    changed: list[str] = field(default_factory=list)
    left_stale: list[str] = field(default_factory=list)  # their text changed meanwhile: for the next run
    index_updated: bool = False
    forced: bool = False
    alerts: list[str] = field(default_factory=list)  # saved searches' new matches, and alert problems

    def summary(self) -> str:
        if not self.stale:
            return f"enrich: nothing to do, every document is enriched by {self.version}"
        line = f"enrich: {len(self.changed)} of {self.stale} documents re-enriched by {self.version}"
        if self.forced:
            line += " (forced)"
        if self.left_stale:
            line += f"; {len(self.left_stale)} changed meanwhile, left for the next run"
        if self.changed and not self.index_updated:
            line += "; no search index yet (run casebook reindex)"
        return line


def reenrich(
    settings: Settings,
    progress: bool = True,
    force: bool = False,
    enricher: Any = None,
    update_index: bool = True,
    only: Collection[str] | None = None,
) -> ReenrichReport:
    """``casebook enrich``: enrich every stale document again (every document with ``force``).

    ``enricher``: an :class:`indexer.enrich.Enricher` to use (default: one built from ``settings``, loaded
    only if something is stale). ``update_index``: write the changed documents' entries to the search index
    (when there is one). ``force`` forgets every stamp first, so a forced run that is interrupted is finished
    by a plain one. ``only``: these documents alone, those of them still stale (a batch of a queued
    ``casebook enrich --queue``: run twice, the second run finds nothing to do).
    """
    from indexer.enrich.version import pipeline_version

    version = enricher.version if enricher is not None else None
    version = version or pipeline_version(settings.model, settings.gazetteer_paths)
    with open_store(settings) as store:
        if force:
            with store.write_transaction():
                store.clear_enrichment_stamps()
        stale = _among(store.stale_enrichments(version), only) if version is not None else None
        if stale == []:
            return ReenrichReport(version=version or "", forced=force)
        if enricher is None:
            enricher = _load_enricher(settings)
        if enricher.version != version:  # the model's meta.json could not tell, or told otherwise
            version = enricher.version
            stale = _among(store.stale_enrichments(version), only)
        assert stale is not None
        report = ReenrichReport(version=version, stale=len(stale), forced=force)
        index = _index(settings) if update_index else None
        report.index_updated = index is not None
        size = max(1, settings.enrich_batch_size)
        with tqdm(total=len(stale), desc="enrich", unit="doc", disable=not progress, leave=False) as bar:
            for start in range(0, len(stale), size):
                _batch(store, enricher, index, stale[start : start + size], report)
                bar.update(len(stale[start : start + size]))
    if report.index_updated:
        report.alerts = after_run(settings, report.changed).lines()
    return report


def _among(stale: list[str], only: Collection[str] | None) -> list[str]:
    if only is None:
        return stale
    wanted = set(only)
    return [doc_id for doc_id in stale if doc_id in wanted]


def _batch(
    store: Store, enricher: Any, index: SearchBackend | None, ids: list[str], report: ReenrichReport
) -> None:
    stored = [s for s in (store.get(doc_id) for doc_id in ids) if s is not None]
    if not stored:
        return
    docs = [s.document for s in stored]
    results = list(enricher.enrich_many(docs))
    with store.write_transaction():
        entries = []
        for item, (mentions, quotes) in zip(stored, results, strict=True):
            doc = item.document
            if store.content_hash(doc.id) != doc.content_hash:  # changed meanwhile, or gone
                report.left_stale.append(doc.id)
                continue
            store.save_annotations(doc.id, mentions, quotes, enricher.version, doc.content_hash)
            report.changed.append(doc.id)
            if index is not None:  # as stored now: its near-duplicate flag may have changed meanwhile
                entries.append(index_entry(store.get(doc.id) or item, mentions, quotes))
        if index is not None and entries:
            index.update(entries)
            store.note_indexed([e.id for e in entries], index.rebuilding())


def _index(settings: Settings) -> SearchBackend | None:
    index = open_backend(settings)
    return index if index.exists() else None


def _load_enricher(settings: Settings) -> Any:
    from indexer.enrich.enricher import Enricher

    return Enricher(
        settings.model,
        settings.gazetteer_paths,
        n_process=settings.enrich_processes,
        batch_size=settings.enrich_batch_size,
    )
