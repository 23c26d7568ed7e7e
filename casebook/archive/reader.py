"""Reading WARC files back: every page record with its location, damage and all.

Reading is forgiving: a damaged stretch of a file (a truncated or corrupt gzip member, bytes that are
not a record, a record whose Content-Length does not match its length) is skipped with a reason, and
reading resumes at the next record that can be read, so one bad record never hides the rest of a file.
"""

from __future__ import annotations

import logging
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.bufferedreaders import BufferedReader, ChunkedDataReader
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader

from casebook.archive.codings import UnsupportedCoding, decode_body
from casebook.errors import CasebookError
from casebook.models import RawPage

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")
PAGE_TYPES = ("response", "resource")  # the record types that can hold a page
GZIP_MAGIC = b"\x1f\x8b\x08"
CHUNK = 1 << 16
MAX_HEADER_BYTES = 1 << 20  # a record's WARC headers longer than this are not headers
MAX_RECORD_BYTES = 1 << 30  # a record larger than this, inflated, is not read
UNDECODED = "the payload cannot be decoded"  # how a record whose Content-Encoding fails is marked


def is_warc(path: Path) -> bool:
    return path.name.endswith(WARC_SUFFIXES)


def parse_warc_date(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


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
    :mod:`casebook.archive.codings` (not warcio's ``content_stream()``, which fails on brotli 1.2 and
    lacks zstd)."""
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
