"""The archive folder as a whole: whose files are Casebook's own, bringing outside files in, and cutting
off a write that never finished at the end of a file."""

from __future__ import annotations

import fcntl
import glob
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from casebook.archive.reader import Damage, iter_records
from casebook.archive.writer import writer_tag
from casebook.processes import pid_alive

log = logging.getLogger(__name__)

AUX_PREFIX = "crawl-aux-"  # crawl files of responses that are not articles (written by crawler.ledger)
IMPORT_PREFIX = "import-"  # files of imported HTML files (indexer.pipeline.ingest.Ingester.archive_files)
OWN_PREFIXES = ("crawl-", "import-", "casebook-")  # WARC files Casebook writes (crawls, imports, default)
TORN = ("truncated gzip member", "bytes that are not a gzip member")  # how a write cut short reads
CLAIMS = ".processing"  # in the archive folder: one lock file per WARC file being made into documents


def repair_torn_tail(path: Path, quarantine: Path, start: int = 0) -> Damage | None:
    """Cut a torn last gzip member off one of Casebook's own WARC files, keeping its bytes aside.

    A write killed half-way (a power cut; a full disk before writes were taken back) leaves a member that
    never ends at the end of the file: not a record, never acknowledged, and reported by every check. The
    bytes go to ``quarantine/<file>.<offset>.torn`` and the file is cut at the member's start. Only
    Casebook's own files (``OWN_PREFIXES``), only a truncated member at the very end, and only when no
    writer holds the file (writers lock it while they append). Returns the damage repaired, or None.
    """
    if not path.name.startswith(OWN_PREFIXES):
        return None
    with open(path, "rb+") as held:
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # being written: its last member may just not be finished yet
        size = os.fstat(held.fileno()).st_size
        damaged: list[Damage] = []
        for _ in iter_records(path, damaged, start):
            pass
        last = damaged[-1] if damaged else None
        if last is None or last.offset + last.length != size or not last.reason.startswith(TORN):
            return None
        quarantine.mkdir(parents=True, exist_ok=True)
        held.seek(last.offset)
        kept = quarantine / f"{path.name}.{last.offset}.torn"
        kept.write_bytes(held.read())
        held.truncate(last.offset)
        os.fsync(held.fileno())
    log.warning("%s: cut a torn record at its end (%d bytes, kept in %s)", path.name, last.length, kept)
    return last


@contextmanager
def claim(path: Path, wait: bool = True) -> Iterator[bool]:
    """Claim a WARC file of the archive folder for making its records into documents: yields True once this
    process holds the claim (``wait``: waiting for another holder to let go), False when another process
    holds it and ``wait`` is false. Several ingests and workers share one archive: each file's records
    are processed by one of them at a time, instead of each extracting and enriching them all (the store
    would keep each once all the same). The claim is a lock on ``.processing/<file>.lock``, let go when
    the holder ends, even killed; on a shared folder it holds across machines where the file system
    passes locks on (NFS does)."""
    folder = path.parent / CLAIMS
    folder.mkdir(exist_ok=True)
    with open(folder / f"{path.name}.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def adopt(path: Path, directory: Path) -> Path:
    """Bring an outside WARC file into the archive folder (copied, never moved), so no original is lost.

    The copy is made under a temporary name of this process's own and linked under its name when complete
    (never replacing a file there: several machines may adopt files into a shared folder at once): a run
    killed while copying leaves no half file in the archive, only the temporary, which a later copy by the
    same process name overwrites. The same file adopted by two processes at once is kept once.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if path.resolve().parent == directory.resolve():
        return path
    _sweep_partials(directory, path.name)
    partial = directory / f".{path.name}.{writer_tag()}.partial"
    shutil.copy2(path, partial)
    with open(partial, "rb+") as copied:
        os.fsync(copied.fileno())
    stem = path.name.removesuffix(".gz").removesuffix(".warc")
    try:
        n = 0
        while True:
            target = directory / (path.name if n == 0 else f"{stem}-{n}{path.name[len(stem) :]}")
            try:
                os.link(partial, target)  # fails if the name is taken: nothing is ever replaced
                return target
            except FileExistsError:
                if target.stat().st_size == path.stat().st_size and _same_bytes(target, path):
                    return target
            except OSError:  # a file system without hard links: renamed if the name is still free
                if not target.exists():
                    os.replace(partial, target)
                    return target
            n += 1
    finally:
        partial.unlink(missing_ok=True)


def _sweep_partials(directory: Path, name: str) -> None:
    """Remove the temporaries of copies of ``name`` left by killed processes of this machine (another
    machine's may still be copying: theirs are left alone)."""
    host = writer_tag().rsplit("-", 1)[0]
    for left in directory.glob(f".{glob.escape(name)}.*partial"):
        tag = left.name[len(name) + 2 : -len(".partial")]
        owner, _, pid = tag.rpartition("-")
        if not tag or (owner == host and pid.isdigit() and not pid_alive(int(pid))):
            left.unlink(missing_ok=True)


def _same_bytes(a: Path, b: Path) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            ca, cb = fa.read(1 << 20), fb.read(1 << 20)
            if ca != cb:
                return False
            if not ca:
                return True
