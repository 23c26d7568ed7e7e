"""The archive of originals: WARC files under ``DATA/warc/``, written once and never rewritten.

Everything downstream (store, index) can be rebuilt from these files. Records are gzip members
appended to the current file in one write, fsynced before anyone is told they exist, and files rotate at
a size limit so no single file grows without bound.

Reading is forgiving: a damaged stretch of a file (a truncated or corrupt gzip member, bytes that are
not a record, a record whose Content-Length does not match its length) is skipped with a reason, and
reading resumes at the next record that can be read, so one bad record never hides the rest of a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.bufferedreaders import BufferedReader, ChunkedDataReader
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from casebook.errors import CasebookError
from casebook.models import RawPage
from crawler.codings import UnsupportedCoding, decode_body

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")
ROTATE_BYTES = 1 << 30  # 1 GiB per file
AUX_PREFIX = "crawl-aux-"  # crawl files of responses that are not articles (written by crawler.ledger)
PAGE_TYPES = ("response", "resource")  # the record types that can hold a page
GZIP_MAGIC = b"\x1f\x8b\x08"
CHUNK = 1 << 16
MAX_HEADER_BYTES = 1 << 20  # a record's WARC headers longer than this are not headers
MAX_RECORD_BYTES = 1 << 30  # a record larger than this, inflated, is not read
UNDECODED = "the payload cannot be decoded"  # how a record whose Content-Encoding fails is marked


def is_warc(path: Path) -> bool:
    return path.name.endswith(WARC_SUFFIXES)


def warc_date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_warc_date(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class WrittenRecord:
    warc_file: str  # file name, relative to the archive folder
    offset: int
    record_id: str
    payload_digest: str


class WarcArchive:
    """Appends records to rotating ``<prefix>-<timestamp>-<n>.warc.gz`` files in one folder."""

    def __init__(self, directory: Path, prefix: str = "casebook", rotate_bytes: int = ROTATE_BYTES) -> None:
        self.directory = directory
        self.prefix = prefix
        self.rotate_bytes = rotate_bytes
        directory.mkdir(parents=True, exist_ok=True)
        self._current: Path | None = None

    def _target(self) -> Path:
        if self._current is None or self._current.stat().st_size >= self.rotate_bytes:
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
            n = 0
            while True:
                candidate = self.directory / f"{self.prefix}-{stamp}-{n:05d}.warc.gz"
                if not candidate.exists():
                    break
                n += 1
            candidate.touch()
            self._current = candidate
        return self._current

    def write_resource(self, url: str, body: bytes, content_type: str, fetched: datetime) -> WrittenRecord:
        """Archive bytes that were not fetched over HTTP by us (an imported file) as a ``resource`` record."""
        return self._write(url, "resource", body, fetched, content_type=content_type)

    def write_response(
        self, url: str, status: int, headers: list[tuple[str, str]], body: bytes, fetched: datetime
    ) -> WrittenRecord:
        """Archive an HTTP response exactly as received (status line, headers, body)."""
        http = StatusAndHeaders(f"{status} {_reason(status)}", headers, protocol="HTTP/1.1")
        return self._write(url, "response", body, fetched, http_headers=http)

    def write_request(
        self,
        url: str,
        method: str,
        headers: list[tuple[str, str]],
        body: bytes,
        fetched: datetime,
        concurrent_to: str | None = None,
    ) -> WrittenRecord:
        """Archive an HTTP request as sent; ``concurrent_to`` links it to the record of its response."""
        return self._write_records([_request_record(url, method, headers, body, fetched, concurrent_to)])[0]

    def write_exchange(
        self,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        status: int,
        response_headers: list[tuple[str, str]],
        response_body: bytes,
        fetched: datetime,
        protocol: str = "HTTP/1.1",
    ) -> tuple[WrittenRecord, WrittenRecord]:
        """Archive one fetch as the crawler saw it: the response exactly as received, then its request
        (``WARC-Concurrent-To`` the response), in one file, fsynced together. Returns (response, request).
        """
        http = StatusAndHeaders(f"{status} {_reason(status)}", response_headers, protocol=protocol)
        response = WARCWriter(BytesIO(), gzip=True).create_warc_record(
            url,
            "response",
            payload=BytesIO(response_body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": warc_date(fetched)},
        )
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        request = _request_record(url, method, request_headers, request_body, fetched, response_id)
        written = self._write_records([response, request])
        return written[0], written[1]

    def _write_records(self, records: list[ArcWarcRecord]) -> list[WrittenRecord]:
        """Append ready-made records to the current file as one unit: one write, one fsync.

        The records are serialised first and written with a single ``write``, so a process killed while
        archiving leaves either the whole unit or nothing (a power cut can still tear it: readers skip a
        torn tail with a logged reason).
        """
        path = self._target()
        buffer = BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        starts: list[int] = []
        for record in records:
            starts.append(buffer.tell())
            writer.write_record(record)
        with open(path, "ab") as out:
            fcntl.flock(out, fcntl.LOCK_EX)  # repair_torn_tail never cuts a unit being written
            base = out.seek(0, os.SEEK_END)
            try:
                out.write(buffer.getvalue())
                out.flush()
                os.fsync(out.fileno())
            except OSError:
                # A full disk (or any failed write): take back what was written of the unit, so no torn
                # member is left behind (nothing was acknowledged, the caller retries or stops).
                with contextlib.suppress(OSError):
                    out.truncate(base)
                    os.fsync(out.fileno())
                raise
        return [
            WrittenRecord(
                path.name,
                base + start,
                record.rec_headers.get_header("WARC-Record-ID"),
                record.rec_headers.get_header("WARC-Payload-Digest") or "",
            )
            for start, record in zip(starts, records, strict=True)
        ]

    def _write(
        self,
        url: str,
        record_type: str,
        body: bytes,
        fetched: datetime,
        content_type: str | None = None,
        http_headers: StatusAndHeaders | None = None,
    ) -> WrittenRecord:
        record = WARCWriter(BytesIO(), gzip=True).create_warc_record(
            url,
            record_type,
            payload=BytesIO(body),
            warc_content_type=content_type or "",
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": warc_date(fetched)},
        )
        return self._write_records([record])[0]


def _request_record(
    url: str,
    method: str,
    headers: list[tuple[str, str]],
    body: bytes,
    fetched: datetime,
    concurrent_to: str | None,
) -> ArcWarcRecord:
    """A WARC ``request`` record: request line, headers as sent (``Host`` first, as the client adds it)."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not any(name.lower() == "host" for name, _ in headers):
        headers = [("Host", parts.netloc), *headers]
    http = StatusAndHeaders(f"{method.upper()} {target} HTTP/1.1", headers, is_http_request=True)
    warc_headers = {"WARC-Date": warc_date(fetched)}
    if concurrent_to:
        warc_headers["WARC-Concurrent-To"] = concurrent_to
    return WARCWriter(BytesIO(), gzip=True).create_warc_record(
        url, "request", payload=BytesIO(body), http_headers=http, warc_headers_dict=warc_headers
    )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


OWN_PREFIXES = ("crawl-", "import-", "casebook-")  # WARC files Casebook writes (crawls, imports, default)
TORN = ("truncated gzip member", "bytes that are not a gzip member")  # how a write cut short reads


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


def adopt(path: Path, directory: Path) -> Path:
    """Bring an outside WARC file into the archive folder (copied, never moved), so no original is lost.

    The copy is made under a temporary name and renamed when complete: a run killed while copying leaves
    no half file in the archive, only the temporary, which the next copy overwrites.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if path.resolve().parent == directory.resolve():
        return path
    target = directory / path.name
    if target.exists():
        if target.stat().st_size == path.stat().st_size and _same_bytes(target, path):
            return target
        stem = path.name.removesuffix(".gz").removesuffix(".warc")
        n = 1
        while (target := directory / f"{stem}-{n}{path.name[len(stem) :]}").exists():
            n += 1
    partial = directory / f".{target.name}.partial"
    shutil.copy2(path, partial)
    with open(partial, "rb+") as copied:
        os.fsync(copied.fileno())
    os.replace(partial, target)
    return target


def _same_bytes(a: Path, b: Path) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            ca, cb = fa.read(1 << 20), fb.read(1 << 20)
            if ca != cb:
                return False
            if not ca:
                return True


@dataclass(frozen=True)
class ArchivedRecord:
    """A response or resource record read back as a page. ``problem`` says why the record, sound as a WARC
    record, cannot be read as a page (unparseable HTTP headers, a Content-Encoding that does not decode);
    its ``page.body`` is then empty."""

    page: RawPage
    status: int | None  # HTTP status for response records, None for resource records
    payload_digest: str | None
    problem: str | None = None


@dataclass(frozen=True)
class RecordInfo:
    """Any record of a WARC file, by its headers: what ``casebook check`` compares with the catalogue."""

    warc_file: str
    offset: int
    rec_type: str
    record_id: str
    url: str
    payload_digest: str | None
    fetched: datetime


@dataclass(frozen=True)
class Damage:
    """A stretch of a WARC file that could not be read as records, skipped."""

    warc_file: str
    offset: int
    length: int  # bytes skipped
    reason: str

    def __str__(self) -> str:
        return f"{self.warc_file} at offset {self.offset}: {self.reason} ({self.length} bytes skipped)"


def iter_pages(path: Path, damaged: list[Damage] | None = None, start: int = 0) -> Iterator[ArchivedRecord]:
    """Yield every response and resource record of a WARC file as a RawPage with its location.

    A damaged stretch is skipped with a logged reason (and appended to ``damaged``); the records before
    and after it are read. ``start``: the offset of a record to begin at.
    """
    for offset, item in _walk(path, start):
        if isinstance(item, Damage):
            _skipped(item, damaged)
            continue
        if item.rec_type in PAGE_TYPES:
            yield _page(item, path.name, offset)


def iter_records(path: Path, damaged: list[Damage] | None = None, start: int = 0) -> Iterator[RecordInfo]:
    """Every record of a WARC file (any type) by its headers; damaged stretches as in :func:`iter_pages`."""
    for offset, item in _walk(path, start, parse_http=False):
        if isinstance(item, Damage):
            _skipped(item, damaged)
            continue
        headers = item.rec_headers
        yield RecordInfo(
            path.name,
            offset,
            item.rec_type or "",
            headers.get_header("WARC-Record-ID") or "",
            headers.get_header("WARC-Target-URI") or "",
            headers.get_header("WARC-Payload-Digest"),
            _record_date(headers.get_header("WARC-Date")),
        )


def read_record(directory: Path, warc_file: str, offset: int) -> ArchivedRecord:
    """The one record at ``offset`` in ``warc_file``: used to serve the archived copy of a document."""
    path = (directory / warc_file).resolve()
    if path.parent != directory.resolve() or not path.is_file():
        raise CasebookError(f"archived copy not found: {warc_file}")
    for found, item in _walk(path, offset):
        if found != offset:
            break
        if isinstance(item, Damage):
            raise CasebookError(f"the archived copy is damaged: {item}")
        if item.rec_type in PAGE_TYPES:
            return _page(item, path.name, offset)
        break
    raise CasebookError(f"no record at offset {offset} in {warc_file}")


def _skipped(damage: Damage, damaged: list[Damage] | None) -> None:
    log.warning("skipped damaged WARC data: %s", damage)
    if damaged is not None:
        damaged.append(damage)


def _page(record: ArcWarcRecord, name: str, offset: int) -> ArchivedRecord:
    headers = record.rec_headers
    problem = getattr(record, "casebook_problem", None)
    status = None
    content_type = headers.get_header("Content-Type") or ""
    body = b""
    if problem is None and record.rec_type == "response" and record.http_headers is not None:
        try:
            status = int(record.http_headers.get_statuscode() or 0)
        except ValueError:
            problem = f"malformed HTTP status line {record.http_headers.statusline!r}"
        content_type = record.http_headers.get_header("Content-Type") or ""
    if problem is None:
        try:
            body = _payload(record)
        except UnsupportedCoding as exc:
            problem = f"{UNDECODED}: {exc}"
        except Exception as exc:  # noqa: BLE001 - bad codings and chunking: the payload is unreadable
            problem = f"{UNDECODED} ({type(exc).__name__}: {exc})"
    return ArchivedRecord(
        RawPage(
            url=headers.get_header("WARC-Target-URI") or "",
            body=body,
            fetched=_record_date(headers.get_header("WARC-Date")),
            content_type=content_type,
            warc_file=name,
            warc_offset=offset,
            record_id=headers.get_header("WARC-Record-ID"),
        ),
        status,
        headers.get_header("WARC-Payload-Digest"),
        problem,
    )


def _payload(record: ArcWarcRecord) -> bytes:
    """The record's payload as a reader sees it: de-chunked, and its Content-Encoding undone through
    :mod:`crawler.codings` (not warcio's ``content_stream()``, which fails on brotli 1.2 and lacks zstd)."""
    http = record.http_headers if record.rec_type == "response" else None
    if http is None:
        return record.raw_stream.read()
    stream = record.raw_stream
    if (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked":
        stream = ChunkedDataReader(stream)  # falls back to the bytes as they are if they are not chunked
    return decode_body(stream.read(), http.get_header("Content-Encoding"))


FUTURE_SLACK = timedelta(days=1)  # a clock a little ahead; a WARC-Date later than this is not a fetch time


def _record_date(value: str | None) -> datetime:
    """The record's WARC-Date; the time of reading when it is missing, unreadable or in the future (a
    WARC-Date in the year 9999 made every date computed from it overflow): the latest it can have been."""
    now = datetime.now(UTC)
    try:
        found = parse_warc_date(value)
    except ValueError:
        return now
    if found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    if found > now + FUTURE_SLACK:
        log.warning("WARC-Date %s is in the future: taken as the time of reading", value)
        return now
    return found


# -- reading WARC files, damage and all -------------------------------------------------------------
#
# A .warc.gz file is a series of gzip members, normally one record each. Each member is inflated on its
# own (zlib tells where it ends and checks its CRC); inside it, each record must start with a WARC
# version line and end, after Content-Length bytes of block, with CRLF CRLF. Anything else is damage:
# reading resumes at the next gzip member (or, in an uncompressed file, the next "WARC/1." line) that
# holds a record.

_LOADER = ArcWarcRecordLoader()
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)[ \t]*(?=\r\n)", re.IGNORECASE)
_RESYNC_PLAIN = b"\nWARC/1."


def _walk(
    path: Path, start: int = 0, parse_http: bool = True
) -> Iterator[tuple[int, ArcWarcRecord | Damage]]:
    """(offset, record) for each record of the file from ``start``, (offset, Damage) for each bad stretch."""
    name = path.name
    with open(path, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        gzipped = stream.read(3) == GZIP_MAGIC or name.endswith(".gz")
        blocks = _gzip_blocks(stream, start, size) if gzipped else _plain_blocks(stream, start, size)
        for offset, length, data in blocks:
            if isinstance(data, str):
                yield offset, Damage(name, offset, length, data)
                continue
            try:
                record = _parse(data, parse_http)
            except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on malformed headers
                yield offset, Damage(name, offset, length, f"malformed WARC record ({exc})")
                continue
            yield offset, record


def _parse(data: bytes, parse_http: bool) -> ArcWarcRecord:
    """One record from its exact bytes. HTTP headers that cannot be parsed leave the record readable by
    its WARC headers, marked with the reason (``casebook_problem``)."""
    if parse_http:
        try:
            return _LOADER.parse_record_stream(BufferedReader(BytesIO(data)), known_format="warc")
        except Exception as exc:  # noqa: BLE001 - retried below without the HTTP headers
            record = _LOADER.parse_record_stream(
                BufferedReader(BytesIO(data)), known_format="warc", no_record_parse=True
            )
            record.casebook_problem = f"malformed HTTP headers ({exc})"  # type: ignore[attr-defined]
            return record
    return _LOADER.parse_record_stream(
        BufferedReader(BytesIO(data)), known_format="warc", no_record_parse=True
    )


Block = tuple[int, int, bytes | str]  # (offset, length in the file, record bytes or the reason it is bad)


def _split(data: bytes) -> Iterator[bytes | str]:
    """The records of an inflated gzip member (normally one), then the reason the rest is not a record,
    if it is not. Records after the first of a member share the member's offset (not seekable apart)."""
    pos, end = 0, len(data)
    while True:
        while data.startswith(b"\r\n", pos):
            pos += 2
        if pos >= end:
            return
        length = _record_length(data, pos)
        if isinstance(length, str):
            yield length
            return
        yield data[pos : pos + length]
        pos += length


def _record_length(data: bytes, pos: int) -> int | str:
    """The length of the record starting at ``pos`` (headers, block, CRLF CRLF), or why it is not one."""
    if not data.startswith(b"WARC/", pos):
        return "not a WARC record (no WARC version line)"
    head_end = data.find(b"\r\n\r\n", pos, pos + MAX_HEADER_BYTES)
    if head_end < 0:
        return "the record's headers never end"
    found = _CONTENT_LENGTH.search(data, pos, head_end + 2)
    if found is None:
        return "the record has no valid Content-Length"
    block_end = head_end + 4 + int(found.group(1))
    if block_end + 4 > len(data):
        return f"Content-Length {int(found.group(1))} runs past the end of the record"
    if data[block_end : block_end + 4] != b"\r\n\r\n":
        return f"Content-Length {int(found.group(1))} does not match the record's length"
    return block_end + 4 - pos


def _inflate(stream: BinaryIO, offset: int) -> tuple[bytes, int] | str:
    """The inflated gzip member at ``offset`` and its length in the file, or why it cannot be read."""
    stream.seek(offset)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    consumed = inflated = 0
    while not inflater.eof:
        chunk = stream.read(CHUNK)
        if not chunk:
            return "truncated gzip member (the file ends inside it)"
        try:
            part = inflater.decompress(chunk, MAX_RECORD_BYTES - inflated + 1)
        except zlib.error as exc:
            return f"corrupt gzip data ({exc})"
        if inflater.unconsumed_tail:
            return f"a gzip member inflating to more than {MAX_RECORD_BYTES} bytes"
        consumed += len(chunk)
        inflated += len(part)
        parts.append(part)
    return b"".join(parts), consumed - len(inflater.unused_data)


def _find(stream: BinaryIO, offset: int, needle: bytes) -> int | None:
    """The offset of the next ``needle`` at or after ``offset``."""
    stream.seek(offset)
    carry = b""
    base = offset
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return None
        window = carry + chunk
        at = window.find(needle)
        if at >= 0:
            return base - len(carry) + at
        carry = window[-(len(needle) - 1) :]
        base += len(chunk)


def _gzip_blocks(stream: BinaryIO, start: int, size: int) -> Iterator[Block]:
    pos = start
    while pos < size:
        stream.seek(pos)
        if stream.read(3) == GZIP_MAGIC:
            member = _inflate(stream, pos)
        else:
            member = "bytes that are not a gzip member"
        if not isinstance(member, str):
            data, length = member
            for record in _split(data):
                if isinstance(record, str):
                    yield pos, length, f"{record} (inside the gzip member)"
                else:
                    yield pos, length, record
            pos += length
            continue
        resume = _next_member(stream, pos + 1)
        yield pos, (size if resume is None else resume) - pos, member
        if resume is None:
            return
        pos = resume


def _next_member(stream: BinaryIO, offset: int) -> int | None:
    """The offset of the next gzip member that inflates to a WARC record."""
    while (found := _find(stream, offset, GZIP_MAGIC)) is not None:
        member = _inflate(stream, found)
        if not isinstance(member, str) and member[0].lstrip(b"\r\n").startswith(b"WARC/"):
            return found
        offset = found + 1
    return None


def _plain_blocks(stream: BinaryIO, start: int, size: int) -> Iterator[Block]:
    pos = start
    while pos < size:
        stream.seek(pos)
        data = stream.read(CHUNK)
        if data.startswith(b"\r\n"):
            pos += 2
            continue
        if data.startswith(b"WARC/"):
            if b"\r\n\r\n" not in data:
                data += stream.read(MAX_HEADER_BYTES - len(data))
            head_end = data.find(b"\r\n\r\n")
            found = _CONTENT_LENGTH.search(data, 0, head_end + 2) if head_end >= 0 else None
            if found is not None:
                wanted = head_end + 8 + int(found.group(1))
                if len(data) < wanted <= MAX_RECORD_BYTES:
                    data += stream.read(wanted - len(data))
            length = _record_length(data, 0)
        else:
            length = "not a WARC record (no WARC version line)"
        if not isinstance(length, str):
            yield pos, length, data[:length]
            pos += length
            continue
        found_at = _find(stream, pos + 1, _RESYNC_PLAIN)
        resume = None if found_at is None else found_at + 1
        yield pos, (size if resume is None else resume) - pos, length
        if resume is None:
            return
        pos = resume
