"""Re-extraction: the stored documents read again from their archived originals by the current extractor.

Each document carries the stamp of the extractor that read it (``documents.extractor``, from
:func:`indexer.extract.version.extractor_stamp`; none before stamps). After an upgrade that changes how
pages are read (a date rule, an author rule, comments, the body), the archive still holds what the older
code read: a UTC day for a London one, a commenter as the author, comments lost. ``casebook reextract``
reads the original of every version of each document another extractor read, and writes what this one
reads:

* the document keeps its identity: id, address, source, and its versions at their fetches (a citation
  keeps pointing at it; a better reading is not an edit of the page);
* its dates, authors, comments, categories, tags, language and extraction level come from the new reading
  of the current version's original;
* each version's title and text come from the new reading of its own original, unless two consecutive
  versions would then read alike (the history would show an edit nobody made): then the texts stay as
  stored, and the run says so;
* a document whose original this extractor refuses, cannot read or cannot find stays as stored (a
  re-reading never loses an article), and the run names it;
* a changed text is enriched again; a changed document is re-clustered (a new date may change which copy
  is the original) and its cluster's index entries rewritten before its batch's transaction commits (as
  ingest does).

Interrupted, a run keeps the batches it finished; run again, it continues with the documents still stale.
A document another run changed while its batch was being read is left for the next run.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from casebook.archive import read_record
from casebook.errors import CasebookError
from casebook.models import Document
from casebook.settings import Settings
from casebook.store import StoredDocument
from indexer.dedup.duplicates import Fingerprint, assign_cluster
from indexer.pipeline.alerts import after_run
from indexer.pipeline.ingest import BATCH, Ingester


@dataclass
class ReextractReport:
    """What a re-extraction run did: ids of the documents whose text changed (``texts``), whose other
    readings alone changed (``metadata``); ``kept`` and ``texts_kept`` say which were kept as stored, why."""

    extractor: str
    stale: int = 0  # documents found read by another extractor at the start
    texts: list[str] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # "ID URL: why", the whole document as stored
    texts_kept: list[str] = field(default_factory=list)  # "ID URL: why", its texts as stored
    addresses: list[str] = field(default_factory=list)  # "ID URL: ...", read now under another address
    left: list[str] = field(default_factory=list)  # changed by another run meanwhile: for the next run
    forced: bool = False
    alerts: list[str] = field(default_factory=list)  # saved searches' new matches, and alert problems

    def summary(self) -> str:
        if not self.stale:
            return f"reextract: nothing to do, every document was read by {self.extractor}"
        parts = [
            f"{len(self.texts)} texts changed",
            f"{len(self.metadata)} with other readings changed (dates, authors, comments, ...)",
            f"{self.unchanged} unchanged",
        ]
        if self.kept:
            parts.append(f"{len(self.kept)} kept as stored")
        if self.texts_kept:
            parts.append(f"{len(self.texts_kept)} with their texts kept as stored")
        if self.addresses:
            parts.append(f"{len(self.addresses)} kept under the address read before")
        if self.left:
            parts.append(f"{len(self.left)} changed meanwhile, left for the next run")
        forced = " (forced)" if self.forced else ""
        return f"reextract: {self.stale} documents read again by {self.extractor}{forced}: " + ", ".join(
            parts
        )


@dataclass
class _Reading:
    """The new reading of one stored document: the current row to write (None: keep it as stored, for
    ``why``), each version's new text by version number (empty: texts as stored)."""

    stored: StoredDocument
    doc: Document | None = None
    texts: dict[int, Document] = field(default_factory=dict)
    why: str | None = None
    read_as: str | None = None  # the address this extractor reads the page as, when not the stored one
    refused: bool = False  # kept as this extractor refuses the page: not read again until the next upgrade


def reextract(
    settings: Settings,
    progress: bool = True,
    force: bool = False,
    enricher: Any = None,
    only: Collection[str] | None = None,
) -> ReextractReport:
    """``casebook reextract``: read every document another extractor read again (every one with ``force``,
    which forgets the stamps first, so a forced run that is interrupted is finished by a plain one).
    ``enricher``: a loaded :class:`indexer.enrich.Enricher` for the changed texts (default: one loaded from
    ``settings`` when a text changes). ``only``: these documents alone, those of them still stale (a batch
    of a queued ``casebook reextract --queue``: run twice, the second run finds nothing to do)."""
    ingester = Ingester(settings, enricher=enricher)
    try:
        if force:
            with ingester.store.write_transaction():
                ingester.store.clear_extractor_stamps()
        stale = ingester.store.stale_extractions(ingester.extractor)
        if only is not None:
            wanted = set(only)
            stale = [doc_id for doc_id in stale if doc_id in wanted]
        report = ReextractReport(ingester.extractor, stale=len(stale), forced=force)
        with tqdm(total=len(stale), desc="reextract", unit="doc", disable=not progress, leave=False) as bar:
            for start in range(0, len(stale), BATCH):
                ids = stale[start : start + BATCH]
                _batch(ingester, settings.warc_dir, ids, report)
                bar.update(len(ids))
    finally:
        ingester.close()
    report.alerts = after_run(settings, ingester.indexed).lines()
    return report


def _batch(ingester: Ingester, warc_dir: Path, ids: list[str], report: ReextractReport) -> None:
    """Read a batch outside any transaction (and enrich its changed texts), then write it in one."""
    store = ingester.store
    readings = [_read(ingester, warc_dir, s) for s in (store.get(i) for i in ids) if s is not None]
    new_texts = [
        r.doc for r in readings if r.doc is not None and r.doc.content_hash != r.stored.document.content_hash
    ]
    annotations = ingester.annotate(new_texts)
    prints = {r.doc.id: Fingerprint.of(r.doc.text) for r in readings if r.doc is not None}
    with store.write_transaction():
        reindex: set[str] = set()
        for reading in readings:
            before = reading.stored
            doc_id, where = before.document.id, f"{before.document.id} {before.document.url}"
            now = store.get(doc_id)
            if (
                now is None
                or now.version != before.version
                or now.document.content_hash != before.document.content_hash
            ):
                report.left.append(doc_id)
                continue
            if reading.doc is None:
                report.kept.append(f"{where}: {reading.why}")
                if reading.refused:
                    store.stamp_extractor(doc_id, ingester.extractor)
                continue
            if reading.why:
                report.texts_kept.append(f"{where}: {reading.why}")
            if reading.read_as:
                report.addresses.append(
                    f"{where}: read now as {reading.read_as}; kept under {before.document.canonical_url}"
                    " (its id is made from that address: moving it would break every link to it)"
                )
            if replace(reading.doc, extractor=None) == replace(now.document, extractor=None):
                store.stamp_extractor(doc_id, ingester.extractor)
                report.unchanged += 1
                continue
            store.replace_reading(reading.doc, reading.texts)
            if reading.doc.content_hash == before.document.content_hash:
                report.metadata.append(doc_id)
            else:
                report.texts.append(doc_id)
                if ingester.enrich:
                    mentions, quotes = annotations[(doc_id, reading.doc.content_hash)]
                    store.save_annotations(doc_id, mentions, quotes, ingester.enricher.version)
            # a new text, or a new date, may change which copy is the original, in the cluster it leaves
            # and in the one it joins
            reindex.update(store.cluster_members(doc_id))
            assign_cluster(store, reading.doc, fingerprint=prints[doc_id])
            reindex.update(store.cluster_members(doc_id))
        if reindex:
            ingester.index.update(ingester.entries(sorted(reindex)))
            store.note_indexed(reindex, ingester.index.rebuilding())
    ingester.indexed |= reindex


def _read(ingester: Ingester, warc_dir: Path, stored: StoredDocument) -> _Reading:
    """Read every version's original of one stored document with this extractor."""
    document = stored.document
    versions = ingester.store.versions(document.id)
    readings: list[Document] = []
    for version in versions:
        if version["warc_file"] is None or version["warc_offset"] is None:
            return _Reading(stored, why=f"version {version['version']} has no archived original")
        try:
            record = read_record(warc_dir, version["warc_file"], version["warc_offset"])
        except CasebookError as exc:
            return _Reading(stored, why=f"version {version['version']}: {exc}")
        found = ingester.read(record)
        if found.doc is None:
            return _Reading(
                stored, why=f"version {version['version']}: {found.outcome}", refused=found.refused
            )
        # the identity stays: what the page names as its canonical address, read anew, does not move it
        read_as = found.doc.canonical_url if found.doc.canonical_url != document.canonical_url else None
        readings.append(
            replace(found.doc, url=document.url, canonical_url=document.canonical_url, source=document.source)
        )
    current = readings[-1]
    hashes = [d.content_hash for d in readings]
    if hashes == [v["content_hash"] for v in versions]:
        return _Reading(stored, current, read_as=read_as)
    if any(a == b for a, b in zip(hashes, hashes[1:], strict=False)):
        why = "two of its versions would read alike, as if the page had been edited to no change"
        kept = replace(current, title=document.title, text=document.text)
        return _Reading(stored, kept, why=why, read_as=read_as)
    texts = {v["version"]: d for v, d in zip(versions, readings, strict=True)}
    return _Reading(stored, current, texts, read_as=read_as)
