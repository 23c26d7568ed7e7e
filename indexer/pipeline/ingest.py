"""Ingest: the straight line from originals to a searchable archive.

Phase 0 reconciles: a record written to WARC by a run killed before it could catalogue it is found
(only the tail of each WARC file after its last catalogued record is read) and catalogued, so it is
neither lost nor archived a second time. Phase 1 archives: HTML files become WARC ``resource`` records,
outside WARC files are copied in; each record is catalogued as pending. Phase 2 processes pending
records: extract, store, enrich, index, in batches, one transaction per batch; the index is updated
before that transaction commits, so a run killed anywhere leaves the batch either wholly done (store and
index) or pending (the index may hold the new entries already; the next run writes them again, by id).
A record already processed is never processed again, so ingest is idempotent; the exceptions are a
record whose processing failed for a reason a newer Casebook can fix, and a page refused as not an
article by another extractor than this one (an older Casebook's): such pages are read again, once per
extractor (``indexer.extract.version``), so an article an older version refused is not lost for good.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from tqdm import tqdm

from casebook.archive import (
    AUX_PREFIX,
    PAGE_TYPES,
    ArchivedRecord,
    Damage,
    WarcArchive,
    adopt,
    claim,
    is_warc,
    iter_pages,
    iter_records,
    payload_digest,
    repair_torn_tail,
)
from casebook.errors import CasebookError
from casebook.models import Document, RawPage
from casebook.settings import Settings
from casebook.sources import archive_sources, registered_source, source_for_url
from casebook.store import PENDING, StoredDocument, open_store
from indexer.dedup.canonical import canonical_identity
from indexer.dedup.duplicates import Fingerprint, assign_cluster, rebuild_clusters
from indexer.extract.stage import NotAnArticle, extract
from indexer.extract.version import extractor_stamp
from indexer.pipeline.alerts import after_run
from indexer.search import IndexEntry, index_entry, open_backend

log = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
BATCH = 16
QUARANTINE = "warc-damaged"  # torn WARC tails set aside (in the data folder)
UNCATALOGUED_AUX = "crawl: not an article (archived by a crawl stopped before it catalogued the record)"


@dataclass(frozen=True)
class FileImport:
    """A local file to archive, with what is known of its provenance."""

    path: Path
    url: str
    fetched: datetime
    content_type: str = "text/html"

    @classmethod
    def local(cls, path: Path) -> FileImport:
        """A file of unknown origin: its own file URI, and the time it was saved as the fetch time."""
        return cls(path, path.resolve().as_uri(), datetime.fromtimestamp(path.stat().st_mtime, UTC))


class Extraction(NamedTuple):
    """What extraction made of one record: the document, or None and why not (``refused``: the extractor
    found it not an article, a judgement a newer extractor may not share); the site its canonical claimed."""

    doc: Document | None
    outcome: str
    claimed: str | None = None
    refused: bool = False


@dataclass
class IngestReport:
    """What an ingest run did, for the one-line summary."""

    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    recovered: int = 0  # records found written but not catalogued (a run killed in between)
    reread: int = 0  # pages another (older) extractor refused, read again by this one
    rescued: int = 0  # ... of which this one made documents
    alerts: list[str] = field(default_factory=list)  # saved searches' new matches, and alert problems

    def summary(self) -> str:
        done_before = ("already archived", "already ingested")  # files and records seen by an earlier run
        parts = [
            f"{self.outcomes[k]} {k}"
            for k in ("new", "updated", "unchanged", *done_before)
            if self.outcomes[k]
        ]
        if self.outcomes["earlier"]:
            parts.append(
                f"{self.outcomes['earlier']} earlier fetches filed in their place among the versions"
            )
        if self.skipped or not parts:
            parts.append(f"{len(self.skipped)} skipped")
        if self.recovered:
            parts.append(f"{self.recovered} recovered from an interrupted run")
        if self.reread:
            parts.append(
                f"{self.reread} pages an earlier Casebook refused read again ({self.rescued} now documents)"
            )
        return "ingest: " + ", ".join(parts)


def collect_inputs(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Split the given paths (files or folders, walked recursively) into HTML files and WARC files."""
    html_files: list[Path] = []
    warc_files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise CasebookError(f"no such file or folder: {path}")
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            if is_warc(candidate):
                warc_files.append(candidate)
            elif candidate.suffix.lower() in HTML_SUFFIXES:
                html_files.append(candidate)
            elif not path.is_dir():
                raise CasebookError(f"{candidate}: not an HTML or WARC file (.html, .htm, .warc, .warc.gz)")
    return html_files, warc_files


class Ingester:
    """Runs the line for one data directory; the spaCy model loads only when there is text to enrich."""

    def __init__(self, settings: Settings, enrich: bool = True, enricher: Any = None) -> None:
        """``enricher``: an :class:`indexer.enrich.enricher.Enricher` already loaded (a worker keeps one
        for all its jobs); by default one is loaded from ``settings`` when there is text to enrich."""
        self.settings = settings
        self.sources = archive_sources(settings)  # the registry's, and the demo's invented outlets
        self.store = open_store(settings)
        self.index = open_backend(settings)
        self.enrich = enrich
        self._enricher = enricher
        self.extractor = extractor_stamp()  # refusals by another extractor are read again
        self.already_archived = 0  # files given again that an earlier run archived
        self._rereading: set[str] = set()  # record ids of such refusals found by this run
        self.indexed: set[str] = set()  # documents whose index entries this run wrote (for the alerts)

    def close(self) -> None:
        self.store.close()

    @property
    def enricher(self):  # noqa: ANN201 - indexer.enrich is imported lazily: loading spaCy is slow
        if self._enricher is None:
            from indexer.enrich.enricher import Enricher

            self._enricher = Enricher(
                self.settings.model,
                self.settings.gazetteer_paths,
                n_process=self.settings.enrich_processes,
                batch_size=self.settings.enrich_batch_size,
            )
        return self._enricher

    # -- phase 0 -------------------------------------------------------------------------------

    def reconcile(self) -> int:
        """Catalogue the records a killed run wrote to WARC but never catalogued; return how many. A write
        that never finished at the end of one of Casebook's own files is set aside first (its bytes kept
        in ``DATA/warc-damaged/``: see :func:`casebook.archive.repair_torn_tail`).

        Only the tail of each file is read: from its last catalogued record on (records are appended, one
        writer per file, so an uncatalogued record can only follow the last catalogued one); a file with
        no catalogued record is read whole. Records of crawl article files and imports become pending
        (phase 2 makes them documents); those of ``crawl-aux-`` files are catalogued as not articles.
        """
        if not self.settings.warc_dir.is_dir():
            return 0
        last = self.store.last_catalogued_offsets()
        found = 0
        for path in sorted(p for p in self.settings.warc_dir.iterdir() if is_warc(p) and p.is_file()):
            repair_torn_tail(path, self.settings.data_dir / QUARANTINE, last.get(path.name, 0))
            outcome = UNCATALOGUED_AUX if path.name.startswith(AUX_PREFIX) else PENDING
            orphans = [
                info
                for info in iter_records(path, start=last.get(path.name, 0))
                if info.rec_type in PAGE_TYPES and self.store.record_outcome(info.record_id) is None
            ]
            if not orphans:
                continue
            with self.store.write_transaction():
                for info in orphans:
                    if self.store.record_outcome(info.record_id) is not None:
                        continue  # another run, still writing, has just catalogued it
                    found += 1
                    self.store.add_record(
                        info.record_id,
                        info.warc_file,
                        info.offset,
                        info.url,
                        info.payload_digest,
                        info.fetched,
                        None,
                        outcome,
                    )
                    log.warning(
                        "%s at offset %d: record of %s was archived but not catalogued (an interrupted"
                        " run); catalogued now as %s",
                        info.warc_file,
                        info.offset,
                        info.url,
                        outcome,
                    )
        return found

    # -- phase 1 -------------------------------------------------------------------------------

    def holds_every_record(self, path: Path) -> bool:
        """Whether every page record of an outside WARC file is catalogued already, with the same payload
        (a copy of one of the archive's own files): copying it in would only file each record twice."""
        if path.resolve().parent == self.settings.warc_dir.resolve():
            return False
        pages = [info for info in iter_records(path) if info.rec_type in PAGE_TYPES]
        return bool(pages) and all(
            self.store.catalogued_digest(info.record_id) == (info.payload_digest or "") for info in pages
        )

    def archive_files(self, imports: list[FileImport], prefix: str = "import") -> list[Path]:
        """Write each file not archived before as a WARC resource record; return the WARC files used."""
        archive = WarcArchive(self.settings.warc_dir, prefix=prefix)
        written: set[Path] = set()
        for item in imports:
            body = item.path.read_bytes()
            with self.store.write_transaction():  # no other run can archive the same file meanwhile
                if self.store.record_for_digest(payload_digest(body)) is not None:
                    self.already_archived += 1
                    continue
                record = archive.write_resource(item.url, body, item.content_type, item.fetched)
                self.store.add_record(
                    record.record_id,
                    record.warc_file,
                    record.offset,
                    item.url,
                    record.payload_digest,
                    item.fetched,
                    None,
                    PENDING,
                )
            written.add(self.settings.warc_dir / record.warc_file)
        return sorted(written)

    # -- phase 2 -------------------------------------------------------------------------------

    def process(
        self,
        warc_files: list[Path],
        report: IngestReport,
        progress: bool = True,
        own: Collection[Path] = (),
    ) -> None:
        """Extract, store, enrich and index every record of these WARC files not yet processed.

        Each file is claimed first (:func:`casebook.archive.claim`), one at a time: for the files given to
        this run (``own``) it waits for another run processing them to let go, then finds what is left;
        any other file (one left pending, perhaps being processed right now by a worker) is left to the
        run that holds it. A run holds one claim at a time, so two runs never wait for each other."""
        bar = tqdm(desc="ingest", unit="page", disable=not progress, leave=False)
        for path in warc_files:
            with claim(path, wait=path in own) as claimed:
                if not claimed:
                    log.info("%s: being processed by another run; left to it", path.name)
                    continue
                batch: list[ArchivedRecord] = []
                for record in self._unprocessed([path], report):
                    batch.append(record)
                    if len(batch) >= BATCH:
                        self._process_batch(batch, report)
                        bar.update(len(batch))
                        batch = []
                if batch:
                    self._process_batch(batch, report)
                    bar.update(len(batch))
        bar.close()

    def _unprocessed(self, warc_files: list[Path], report: IngestReport) -> Iterator[ArchivedRecord]:
        for path in warc_files:
            damaged: list[Damage] = []
            for record in iter_pages(path, damaged):
                entry = self.store.catalogue_entry(record.page.record_id or "")
                if entry is not None and not entry.to_process(self.extractor):
                    report.outcomes["already ingested"] += 1
                    continue
                if entry is not None and entry.refused_by is not None:
                    self._rereading.add(entry.record_id)
                yield record
            report.skipped.extend(f"{damage}: damaged WARC data" for damage in damaged)

    def _process_batch(self, batch: list[ArchivedRecord], report: IngestReport) -> None:
        """One short write transaction: documents, record outcomes, clusters, annotations; the index entries
        of what changed are committed just before it, so a kill leaves nothing done that the next run
        skips. Extraction and enrichment (seconds to minutes for a long article) run before it, so other
        commands and the web UI are not kept waiting for the store meanwhile."""
        extracted: list[tuple[ArchivedRecord, Extraction]] = []
        for record in batch:
            found = self.read(record)
            extracted.append((record, found))
            reread = (record.page.record_id or "") in self._rereading
            report.reread += reread
            report.rescued += int(reread and found.doc is not None)
            if found.doc is None and not reread:  # a page refused again was reported when first refused
                report.skipped.append(f"{record.page.url}: {found.outcome}")
        docs = [found.doc for _, found in extracted if found.doc is not None]
        new_texts = [d for d in docs if self.store.content_hash(d.id) != d.content_hash]
        annotations = self.annotate(new_texts)
        prints = {(d.id, d.content_hash): Fingerprint.of(d.text) for d in new_texts}
        with self.store.write_transaction():
            changed: list[Document] = []
            reindex: set[str] = set()
            for record, (doc, outcome, claimed, refused) in extracted:
                if self._done_meanwhile(record):  # another run (machine) processed it since it was read
                    report.outcomes["already ingested"] += 1
                    continue
                if doc is not None:
                    outcome = self.store.save(doc)
                    report.outcomes[outcome] += 1
                    if outcome in ("new", "updated"):
                        changed.append(doc)
                        self.store.set_canonical_claim(doc.id, claimed)
                    if outcome != "unchanged":  # "earlier" may change which copy is the original
                        current = doc if outcome != "earlier" else self.store.get(doc.id).document
                        fingerprint = prints.get((current.id, current.content_hash))
                        # the cluster it leaves and the one it joins: in either an original may have changed
                        reindex.update(self.store.cluster_members(doc.id))
                        assign_cluster(self.store, current, fingerprint=fingerprint)
                        reindex.update(self.store.cluster_members(doc.id))
                page = record.page
                self.store.add_record(
                    page.record_id or "",
                    page.warc_file or "",
                    page.warc_offset or 0,
                    page.url,
                    record.payload_digest,
                    page.fetched,
                    doc.id if doc else None,
                    outcome,
                    refused_by=self.extractor if refused else None,
                )
            if self.enrich:
                # A text saved now that was not enriched above (another run stored the text it replaced
                # meanwhile) is enriched here: rare, and correct rather than fast.
                missed = [d for d in changed if (d.id, d.content_hash) not in annotations]
                annotations.update(self.annotate(missed))
                for doc in changed:
                    mentions, quotes = annotations[(doc.id, doc.content_hash)]
                    self.store.save_annotations(doc.id, mentions, quotes, self.enricher.version)
            if reindex:
                self.index.update(self.entries(sorted(reindex)))
                self.store.note_indexed(reindex, self.index.rebuilding())
        self.indexed |= reindex

    def _done_meanwhile(self, record: ArchivedRecord) -> bool:
        """Whether another run has processed this record since this one found it pending: its outcome,
        and the document it made, stay as that run left them."""
        entry = self.store.catalogue_entry(record.page.record_id or "")
        return entry is not None and not entry.to_process(self.extractor)

    def annotate(self, docs: list[Document]) -> dict[tuple[str, str], tuple[list, list]]:
        """Entities and quotes of these texts, by (document id, content hash)."""
        if not self.enrich or not docs:
            return {}
        results = self.enricher.enrich_many(docs)
        return {(d.id, d.content_hash): found for d, found in zip(docs, results, strict=True)}

    def read(self, record: ArchivedRecord) -> Extraction:
        """The document (or None and why not), and the page on another site its canonical claimed."""
        page: RawPage = record.page
        if record.problem is not None:
            return Extraction(None, record.problem)
        if record.status is not None and record.status != 200:
            return Extraction(None, f"HTTP status {record.status}")
        try:
            doc = extract(
                page,
                source=source_for_url(page.url, self.sources),
                site=registered_source(page.url, self.sources),
            )
        except NotAnArticle as exc:
            return Extraction(None, str(exc), refused=True)
        except Exception as exc:  # noqa: BLE001 - a hostile page must not stop the run: skipped, with why
            log.warning("%s: extraction failed", page.url, exc_info=True)
            return Extraction(None, f"extraction failed ({type(exc).__name__}: {exc})")
        # rel=canonical on another site is a claim, kept, not the page's identity
        doc.canonical_url, claimed = canonical_identity(page.url, doc.canonical_url, self.sources)
        doc.source = source_for_url(doc.canonical_url, self.sources)  # an imported file names its site here
        return Extraction(doc, "extracted", claimed)

    def entries(self, doc_ids: Iterable[str]) -> Iterator[IndexEntry]:
        for doc_id in doc_ids:
            stored = self.store.get(doc_id)
            if stored is not None:
                yield self._fields(stored)

    def reindex(self, progress: bool = True) -> int:
        """Re-derive duplicate clusters, then rebuild the whole index from the store and swap it in.

        Other commands may write meanwhile (ingest, a crawl, enrich): their index entries go to the live
        index and are journalled while the new one is built (:meth:`Store.note_indexed`). The rebuild adds
        what the journal names to the new index, then once more while holding the store's write lock, and
        swaps it in before letting go: nothing written during the rebuild is missing from the new index.
        """
        rebuild_clusters(self.store)
        target = self.index.new_build()  # from here on, writers journal what they index
        try:
            with self.store.write_transaction():  # every write before this one has committed
                mark = self.store.journal_mark()
            total = self.store.count()
            docs = tqdm(
                self.store.iter_documents(),
                total=total,
                desc="reindex",
                unit="doc",
                disable=not progress,
                leave=False,
            )
            self.index.build(target, (self._fields(s) for s in docs))
            mark = self._catch_up(target, mark)  # what was written meanwhile, without holding anyone up
            with self.store.write_transaction():  # and the last of it, while no one writes
                mark = self._catch_up(target, mark)
                self.index.swap_in(target)
                if not self.index.rebuilding():  # another rebuild would still need the entries
                    self.store.prune_journal(mark)
        except BaseException:
            self.index.discard(target)
            raise
        return self.index.doc_count()

    def _catch_up(self, target: Path, mark: int) -> int:
        ids, mark = self.store.journal_since(mark)
        if ids:
            self.index.update(self.entries(ids), target=target)
        return mark

    def _fields(self, stored: StoredDocument) -> IndexEntry:
        doc_id = stored.document.id
        return index_entry(stored, self.store.mentions(doc_id), self.store.quotes(doc_id))


def ingest(
    settings: Settings,
    paths: Iterable[Path] = (),
    imports: Iterable[FileImport] = (),
    progress: bool = True,
    enrich: bool = True,
    enricher: Any = None,
) -> IngestReport:
    """``casebook ingest``: archive the inputs, then process everything not yet processed.

    ``paths`` are files or folders of unknown origin; ``imports`` are files with a known URL and fetch time;
    ``enricher``: a loaded enricher to use (see :class:`Ingester`).
    """
    html_files, warc_files = collect_inputs(paths)
    report = IngestReport()
    ingester = Ingester(settings, enrich=enrich, enricher=enricher)
    try:
        report.recovered = ingester.reconcile()
        adopted = []
        for path in warc_files:
            if ingester.holds_every_record(path):  # a copy of the archive's own file, brought back in
                report.skipped.append(
                    f"{path}: every record in it is already in the archive; not copied again"
                )
                continue
            adopted.append(adopt(path, settings.warc_dir))
        imported = ingester.archive_files([FileImport.local(p) for p in html_files] + list(imports))
        if ingester.already_archived:
            report.outcomes["already archived"] = ingester.already_archived
        left_pending = [
            settings.warc_dir / name for name in ingester.store.warc_files_to_process(ingester.extractor)
        ]
        own = set(adopted) | set(imported)
        ingester.process(sorted(own | set(left_pending)), report, progress=progress, own=own)
    finally:
        ingester.close()
    report.alerts = after_run(settings, ingester.indexed).lines()
    return report
