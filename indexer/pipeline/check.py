"""``casebook check``: do the WARC files, the store and the search index agree?

Read-only. Every WARC file is read whole (damaged stretches included), then compared with the store's
record catalogue, its documents and versions, and the search index (documents, their near-duplicate
marks, and the quotes sub-index). Each difference is one :class:`Problem`; an archive that agrees
everywhere gives none.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from casebook.archive import (
    IMPORT_PREFIX,
    OWN_PREFIXES,
    PAGE_TYPES,
    TORN,
    Damage,
    RecordInfo,
    is_warc,
    iter_records,
)
from casebook.errors import CasebookError
from casebook.settings import Settings
from casebook.store import PENDING, Store, StoreError, open_store, store_exists, store_location, to_retry
from indexer.extract.version import extractor_stamp
from indexer.search import SearchBackend, open_backend

REINDEX = "run casebook reindex"
INGEST = "run casebook ingest"


@dataclass(frozen=True)
class Problem:
    """One difference: ``kind`` (stable, for scripts), ``where`` (a WARC location, a document id, the
    index or the store) and a one-line ``message`` saying what is wrong and, where there is one, the fix."""

    kind: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Review:
    """A document kept on weaker evidence than usual, worth a person's look: not a problem of the archive.

    ``why``: "extraction fallback" (trafilatura's reading taken), "extraction uncertain" (little text) or
    "dates disputed" (the page gives publication days more than a day apart)."""

    doc_id: str
    url: str
    why: str

    def __str__(self) -> str:
        return f"{self.doc_id} {self.url}: {self.why}"


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    review: list[Review] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        c = self.counts
        held = (
            f"{c['warc files']} WARC files ({c['warc records']} records), {c['catalogued']} catalogued,"
            f" {c['documents']} documents, {c['indexed']} indexed, {c['quotes indexed']} quotes indexed"
        )
        verdict = "everything agrees" if self.ok else f"{len(self.problems)} problems"
        if self.review:
            n = len(self.review)
            verdict += f"; {n} document{'s' if n != 1 else ''} to review (casebook search: extraction facet)"
        return f"check: {held}: {verdict}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "counts": {key.replace(" ", "_"): value for key, value in sorted(self.counts.items())},
            "problems": [asdict(p) for p in self.problems],
            "review": [asdict(r) for r in self.review],
        }


@dataclass
class Archive:
    """What the WARC files hold: every record by location and by id, and the damage met reading them."""

    by_place: dict[tuple[str, int], RecordInfo] = field(default_factory=dict)
    by_id: dict[str, list[RecordInfo]] = field(default_factory=lambda: defaultdict(list))
    damage: list[Damage] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    sizes: dict[str, int] = field(default_factory=dict)


def check(settings: Settings) -> CheckReport:
    """Compare WARC files, store and index of one data directory."""
    if not store_exists(settings):
        raise CasebookError(
            f"no archive in {settings.data_dir} (no {settings.db_path.name}): nothing to check"
        )
    report = CheckReport()
    try:
        with open_store(settings, read_only=True) as store:
            archive = read_archive(settings.warc_dir)
            report.counts["warc files"] = len(archive.files)
            report.counts["warc records"] = len(archive.by_place)
            report.problems += check_warc(archive)
            report.problems += check_catalogue(store, archive, report.counts)
            report.problems += check_documents(store, archive, report.counts)
            report.review = documents_to_review(store)
            report.problems += check_index(open_backend(settings), store, report.counts)
    except StoreError as exc:
        raise CasebookError(f"the store {store_location(settings)} cannot be read ({exc})") from None
    return report


# -- WARC files ----------------------------------------------------------------------------------------


def read_archive(warc_dir: Path) -> Archive:
    archive = Archive()
    if not warc_dir.is_dir():
        return archive
    for path in sorted(p for p in warc_dir.iterdir() if is_warc(p) and p.is_file()):
        archive.files.add(path.name)
        archive.sizes[path.name] = path.stat().st_size
        for info in iter_records(path, archive.damage):
            archive.by_place.setdefault((info.warc_file, info.offset), info)
            archive.by_id[info.record_id].append(info)
    return archive


def check_warc(archive: Archive) -> list[Problem]:
    """Damaged stretches, a record id written twice, and an imported file archived twice."""
    problems = [
        Problem(
            "warc-damaged",
            f"{d.warc_file} at offset {d.offset}",
            f"{d.reason} ({d.length} bytes unreadable)"
            + (
                "; a write that never finished: casebook ingest sets it aside"
                if _torn_tail(archive, d)
                else ""
            ),
        )
        for d in archive.damage
    ]
    for record_id, copies in archive.by_id.items():
        if len(copies) > 1 and record_id:
            first, *rest = copies
            for copy in rest:
                problems.append(
                    Problem(
                        "warc-duplicate",
                        _at(copy.warc_file, copy.offset),
                        f"record {record_id} ({copy.url}) is also at {_at(first.warc_file, first.offset)}",
                    )
                )
    imported: dict[str, RecordInfo] = {}
    for (name, _offset), info in sorted(archive.by_place.items()):
        if not name.startswith(IMPORT_PREFIX) or info.rec_type != "resource" or not info.payload_digest:
            continue
        first = imported.setdefault(info.payload_digest, info)
        if first is not info:
            problems.append(
                Problem(
                    "warc-duplicate",
                    _at(info.warc_file, info.offset),
                    f"the same imported file ({info.url}) as {_at(first.warc_file, first.offset)},"
                    " archived twice",
                )
            )
    return problems


def _torn_tail(archive: Archive, damage: Damage) -> bool:
    """Whether the damage is a write cut short at the end of one of Casebook's own files."""
    size = archive.sizes.get(damage.warc_file)
    return (
        damage.offset + damage.length == size
        and damage.warc_file.startswith(OWN_PREFIXES)
        and damage.reason.startswith(TORN)
    )


# -- the record catalogue ------------------------------------------------------------------------------


def check_catalogue(store: Store, archive: Archive, counts: Counter[str]) -> list[Problem]:
    """Each catalogued record is where the catalogue says, with its payload digest; each page record of
    the WARC files is catalogued; no record names a document the store lacks; nothing is left pending, and
    no record failed for a reason a newer Casebook can fix (those are tried again by every ingest), and no
    page was refused as not an article by another extractor than this Casebook's (the next ingest reads
    those again)."""
    problems: list[Problem] = []
    doc_ids = set(store.document_ids())
    catalogued: set[str] = set()
    missing_files: Counter[str] = Counter()
    pending = reread = 0
    extractor = extractor_stamp()
    for row in store.catalogue():
        counts["catalogued"] += 1
        record_id, name, offset = row.record_id, row.warc_file, row.warc_offset
        catalogued.add(record_id)
        pending += row.outcome == PENDING
        reread += row.refused_by is not None and row.refused_by != extractor
        if to_retry(row.outcome):
            counts["failed"] += 1
            problems.append(
                Problem(
                    "record-failed",
                    _at(name, offset),
                    f"record {record_id} ({row.url}) did not become a document: {row.outcome};"
                    f" {INGEST} to try it again",
                )
            )
        if row.doc_id and row.doc_id not in doc_ids:
            problems.append(
                Problem(
                    "record-document",
                    _at(name, offset),
                    f"record {record_id} ({row.url}) made document {row.doc_id}, which the store lacks",
                )
            )
        if name not in archive.files:
            missing_files[name] += 1
            continue
        found = archive.by_place.get((name, offset))
        if found is None or found.record_id != record_id:
            elsewhere = [
                c for c in archive.by_id.get(record_id, []) if (c.warc_file, c.offset) != (name, offset)
            ]
            if elsewhere:
                there = f"; it is at {_at(elsewhere[0].warc_file, elsewhere[0].offset)}"
            elif found is not None:
                there = f"; record {found.record_id} is there"
            else:
                there = _damage_note(archive, name, offset)
            problems.append(
                Problem(
                    "record-missing",
                    _at(name, offset),
                    f"catalogued record {record_id} ({row.url}) is not there{there}",
                )
            )
        elif row.payload_digest and found.payload_digest != row.payload_digest:
            problems.append(
                Problem(
                    "record-mismatch",
                    _at(name, offset),
                    f"record {record_id} ({row.url}) has payload digest {found.payload_digest},"
                    f" the catalogue says {row.payload_digest}",
                )
            )
    for name, n in sorted(missing_files.items()):
        problems.append(
            Problem("record-missing", name, f"the WARC file is missing; {n} catalogued records were in it")
        )
    for (name, offset), info in sorted(archive.by_place.items()):
        if info.rec_type in PAGE_TYPES and info.record_id not in catalogued:
            problems.append(
                Problem(
                    "record-orphan",
                    _at(name, offset),
                    f"{info.rec_type} record {info.record_id} ({info.url}) is not catalogued: {INGEST}",
                )
            )
    counts["pending"] = pending
    if pending:
        problems.append(Problem("pending", "store", f"{pending} records pending: {INGEST}"))
    counts["refused by another extractor"] = reread
    if reread:
        problems.append(
            Problem(
                "refused-by-another-extractor",
                "store",
                f"{reread} pages were refused as not articles by an earlier Casebook's extractor:"
                f" {INGEST} to read them again",
            )
        )
    return problems


def _damage_note(archive: Archive, name: str, offset: int) -> str:
    for damage in archive.damage:
        if damage.warc_file == name and damage.offset <= offset < damage.offset + max(damage.length, 1):
            return f" (damaged data there: {damage.reason})"
    return ""


# -- documents -----------------------------------------------------------------------------------------


def check_documents(store: Store, archive: Archive, counts: Counter[str]) -> list[Problem]:
    """Every document and every older version points to a page record in the WARC files."""
    problems: list[Problem] = []
    current = store.current_originals()
    counts["documents"] = len(current)
    versions = store.version_originals()
    counts["versions"] = len(versions)
    latest = {(o.doc_id, o.warc_file, o.warc_offset) for o in current}
    versions = [v for v in versions if (v.doc_id, v.warc_file, v.warc_offset) not in latest]
    for kind, items in (("document", current), ("version", versions)):
        for original in items:
            label = original.doc_id if kind == "document" else f"{original.doc_id} version {original.version}"
            name, offset = original.warc_file, original.warc_offset
            if not name or offset is None:
                problems.append(Problem("document-original", label, "no archived original is recorded"))
                continue
            found = archive.by_place.get((name, offset))
            if found is None or found.rec_type not in PAGE_TYPES:
                why = "the WARC file is missing" if name not in archive.files else "no page record is there"
                problems.append(
                    Problem(
                        "document-original",
                        label,
                        f"its original, {_at(name, offset)}, cannot be found: {why}"
                        f"{_damage_note(archive, name, offset)}",
                    )
                )
    return problems


def documents_to_review(store: Store) -> list[Review]:
    """Documents kept with a fallback or uncertain extraction, or with disputed dates."""
    out = []
    for row in store.documents_to_review():
        if row["extraction"] != "full":
            out.append(Review(row["id"], row["canonical_url"], f"extraction {row['extraction']}"))
        if row["published_confidence"] == "disputed":
            out.append(Review(row["id"], row["canonical_url"], "dates disputed"))
    return out


# -- the search index ----------------------------------------------------------------------------------


def check_index(search_index: SearchBackend, store: Store, counts: Counter[str]) -> list[Problem]:
    """The index holds each document of the store once and nothing else, marks the same near-duplicate
    copies, and its quotes sub-index holds each document's quotes (whichever backend holds the index)."""
    doc_ids = set(store.document_ids())
    copies = store.copies()
    quotes = store.quote_counts()
    if not search_index.exists():
        if doc_ids:
            return [Problem("index-missing", "index", f"the search index is missing: {REINDEX}")]
        return []
    try:
        held = search_index.inventory()
    except Exception as exc:  # noqa: BLE001 - whatever a damaged index raises, the answer is a rebuild
        return [Problem("index-unreadable", "index", f"the search index cannot be read ({exc}): {REINDEX}")]
    if held.quotes is None and quotes:
        return [Problem("index-missing", "index", f"the quotes index is missing: {REINDEX}")]
    indexed, marked, indexed_quotes = held.documents, held.copies, held.quotes or Counter()

    problems: list[Problem] = []
    counts["indexed"] = len(indexed)
    counts["quotes indexed"] = sum(indexed_quotes.values())
    for doc_id in sorted(doc_ids - set(indexed)):
        problems.append(
            Problem("index-missing", doc_id, f"the document is not in the search index: {REINDEX}")
        )
    for doc_id in sorted(set(indexed) - doc_ids):
        problems.append(
            Problem("index-extra", doc_id, f"the search index holds a document the store lacks: {REINDEX}")
        )
    for doc_id, n in sorted(indexed.items()):
        if n > 1:
            problems.append(
                Problem("index-duplicate", doc_id, f"the search index holds it {n} times: {REINDEX}")
            )
    for doc_id in sorted(doc_ids & set(indexed)):
        if marked.get(doc_id) != copies.get(doc_id):
            store_says = f"a copy of {copies[doc_id]}" if doc_id in copies else "not a copy"
            index_says = f"a copy of {marked[doc_id]}" if doc_id in marked else "not a copy"
            problems.append(
                Problem(
                    "index-stale",
                    doc_id,
                    f"the store says it is {store_says}, the search index {index_says}: {REINDEX}",
                )
            )
    for doc_id in sorted(set(quotes) | set(indexed_quotes)):
        held, found = quotes.get(doc_id, 0), indexed_quotes.get(doc_id, 0)
        if held == found:
            continue
        if doc_id not in doc_ids:
            message = f"the quotes index holds {found} quotes of a document the store lacks: {REINDEX}"
        else:
            message = f"{held} quotes in the store, {found} in the quotes index: {REINDEX}"
        problems.append(Problem("quotes-mismatch", doc_id, message))
    return problems


def _at(name: str, offset: int) -> str:
    return f"{name} at offset {offset}"
