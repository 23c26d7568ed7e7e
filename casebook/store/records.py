"""The WARC record catalogue (table ``records``): every record ingest or the crawler has seen, where it
is, and what became of it. It is what makes ingest idempotent and ``casebook check`` possible."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from casebook.archive.reader import UNDECODED
from casebook.store.database import Database
from casebook.store.migrations import PRE_STAMP_REFUSAL

# The record catalogue's outcomes that are not final. A pending record has not been processed yet; a
# record that failed for a reason a newer Casebook can fix (a content-coding it could not undo, an
# extraction that crashed) is processed again by every ingest, and `casebook check` reports it meanwhile.
PENDING = "pending"
RETRIED = (UNDECODED, "extraction failed")


def to_retry(outcome: str | None) -> bool:
    """Whether a catalogued record with this outcome is processed again by the next ingest."""
    return outcome is not None and outcome.startswith(RETRIED)


@dataclass(frozen=True)
class CatalogueEntry:
    """One catalogued WARC record: where it is, its payload digest, and what became of it (``outcome``:
    pending, a document's save outcome, or why it is not a document; ``doc_id`` when it made one;
    ``refused_by``: the stamp of the extractor that refused it as not an article)."""

    record_id: str
    warc_file: str
    warc_offset: int
    url: str
    payload_digest: str | None
    fetched: str
    doc_id: str | None
    outcome: str
    refused_by: str | None = None

    def to_process(self, extractor: str) -> bool:
        """Whether ingest (with the extractor of this stamp) processes this record: pending, failed for a
        reason worth another try, or refused by another extractor (an older Casebook's, most often)."""
        return (
            self.outcome == PENDING
            or to_retry(self.outcome)
            or (self.refused_by is not None and self.refused_by != extractor)
        )


class Records(Database):
    """Table ``records``."""

    def record_outcome(self, record_id: str) -> str | None:
        row = self.db.execute("SELECT outcome FROM records WHERE record_id=?", (record_id,)).fetchone()
        return None if row is None else row["outcome"]

    def catalogue_entry(self, record_id: str) -> CatalogueEntry | None:
        row = self.db.execute("SELECT * FROM records WHERE record_id=?", (record_id,)).fetchone()
        return None if row is None else CatalogueEntry(**dict(row))

    def catalogued_digest(self, record_id: str) -> str | None:
        """The payload digest a catalogued record was archived with ("" if none); None if not catalogued."""
        row = self.db.execute("SELECT payload_digest FROM records WHERE record_id=?", (record_id,)).fetchone()
        return None if row is None else row["payload_digest"] or ""

    def warc_files_with(self, outcome: str) -> list[str]:
        """WARC files holding records in this state (e.g. left pending by an interrupted run)."""
        rows = self.db.execute("SELECT DISTINCT warc_file FROM records WHERE outcome=?", (outcome,))
        return sorted(r["warc_file"] for r in rows)

    def warc_files_to_process(self, extractor: str) -> list[str]:
        """WARC files holding records pending, failed for a reason worth another try (:data:`RETRIED`), or
        refused by another extractor than the one of this stamp (see :meth:`CatalogueEntry.to_process`)."""
        tried = " OR ".join("substr(outcome, 1, ?) = ?" for _ in RETRIED)
        values = [v for prefix in RETRIED for v in (len(prefix), prefix)]
        rows = self.db.execute(
            f"SELECT DISTINCT warc_file FROM records WHERE outcome=? OR {tried}"
            " OR (refused_by IS NOT NULL AND refused_by <> ?)",
            (PENDING, *values, extractor),
        )
        return sorted(r["warc_file"] for r in rows)

    def last_catalogued_offsets(self) -> dict[str, int]:
        """Per WARC file, the offset of its last catalogued record (records are appended: an uncatalogued
        one can only follow it)."""
        rows = self.db.execute("SELECT warc_file, MAX(warc_offset) AS last FROM records GROUP BY warc_file")
        return {r["warc_file"]: r["last"] for r in rows}

    def record_for_digest(self, digest: str) -> CatalogueEntry | None:
        """The earliest catalogued record with this payload digest (a file archived before), if any."""
        row = self.db.execute(
            "SELECT * FROM records WHERE payload_digest=? ORDER BY fetched LIMIT 1", (digest,)
        ).fetchone()
        return None if row is None else CatalogueEntry(**dict(row))

    def catalogue(self) -> Iterator[CatalogueEntry]:
        """Every catalogued record, in file and offset order. A store not yet migrated to refusal stamps
        (opened read-only) shows its refusals as migration 9 will mark them, so ``casebook check`` sees
        them before any command has migrated it."""
        stamps = (
            ""
            if self._has_column("records", "refused_by")
            else f", CASE WHEN {PRE_STAMP_REFUSAL} THEN 'unstamped' END AS refused_by"
        )
        for row in self.db.execute(f"SELECT *{stamps} FROM records ORDER BY warc_file, warc_offset"):
            yield CatalogueEntry(**dict(row))

    def add_record(
        self,
        record_id: str,
        warc_file: str,
        warc_offset: int,
        url: str,
        payload_digest: str | None,
        fetched: datetime,
        doc_id: str | None,
        outcome: str,
        refused_by: str | None = None,
    ) -> None:
        """Catalogue a record, or say what became of it; ``refused_by`` is the stamp of the extractor that
        refused it as not an article (None for any other outcome)."""
        self.db.execute(
            "INSERT INTO records (record_id, warc_file, warc_offset, url, payload_digest, fetched, doc_id,"
            " outcome, refused_by) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (record_id) DO UPDATE SET"
            " warc_file=excluded.warc_file, warc_offset=excluded.warc_offset, url=excluded.url,"
            " payload_digest=excluded.payload_digest, fetched=excluded.fetched, doc_id=excluded.doc_id,"
            " outcome=excluded.outcome, refused_by=excluded.refused_by",
            (
                record_id,
                warc_file,
                warc_offset,
                url,
                payload_digest,
                fetched.isoformat(),
                doc_id,
                outcome,
                refused_by,
            ),
        )
