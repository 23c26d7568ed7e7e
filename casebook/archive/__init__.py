"""The archive of originals: WARC files under ``DATA/warc/``, written once and never rewritten.

Owns everything about WARC files: writing records (:mod:`.writer`), reading them back damage and all
(:mod:`.reader`), undoing HTTP content-codings (:mod:`.codings`), and the folder as a whole (whose files
are Casebook's own, bringing outside files in, cutting a torn tail: :mod:`.folder`). The crawler writes
here, ingest and ``casebook check`` read here, the web UI serves archived copies from here; it imports
no stage.
"""

from casebook.archive.folder import (
    AUX_PREFIX,
    IMPORT_PREFIX,
    OWN_PREFIXES,
    TORN,
    adopt,
    claim,
    repair_torn_tail,
)
from casebook.archive.reader import (
    PAGE_TYPES,
    UNDECODED,
    ArchivedRecord,
    Damage,
    RecordInfo,
    is_warc,
    iter_pages,
    iter_records,
    read_record,
)
from casebook.archive.writer import WarcArchive, WrittenRecord, payload_digest

__all__ = [
    "AUX_PREFIX",
    "IMPORT_PREFIX",
    "OWN_PREFIXES",
    "PAGE_TYPES",
    "TORN",
    "UNDECODED",
    "ArchivedRecord",
    "Damage",
    "RecordInfo",
    "WarcArchive",
    "WrittenRecord",
    "adopt",
    "claim",
    "is_warc",
    "iter_pages",
    "iter_records",
    "payload_digest",
    "read_record",
    "repair_torn_tail",
]
