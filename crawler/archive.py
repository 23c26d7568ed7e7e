"""The archive of originals: WARC files under ``DATA/warc/``, written once and never rewritten.

Everything downstream (store, index) can be rebuilt from these files. Records are gzip members
appended to the current file, fsynced before anyone is told they exist, and files rotate at a size
limit so no single file grows without bound.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from casebook.errors import CasebookError
from casebook.models import RawPage

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")
ROTATE_BYTES = 1 << 30  # 1 GiB per file


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
        """Append ready-made records to the current file as one unit: one open, one fsync."""
        path = self._target()
        written: list[WrittenRecord] = []
        with open(path, "ab") as out:
            writer = WARCWriter(out, gzip=True)
            for record in records:
                offset = out.tell()
                writer.write_record(record)
                headers = record.rec_headers
                written.append(
                    WrittenRecord(
                        path.name,
                        offset,
                        headers.get_header("WARC-Record-ID"),
                        headers.get_header("WARC-Payload-Digest") or "",
                    )
                )
            out.flush()
            os.fsync(out.fileno())
        return written

    def _write(
        self,
        url: str,
        record_type: str,
        body: bytes,
        fetched: datetime,
        content_type: str | None = None,
        http_headers: StatusAndHeaders | None = None,
    ) -> WrittenRecord:
        path = self._target()
        with open(path, "ab") as out:
            offset = out.tell()
            writer = WARCWriter(out, gzip=True)
            record = writer.create_warc_record(
                url,
                record_type,
                payload=BytesIO(body),
                warc_content_type=content_type or "",
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": warc_date(fetched)},
            )
            writer.write_record(record)
            out.flush()
            os.fsync(out.fileno())
        headers = record.rec_headers
        return WrittenRecord(
            path.name,
            offset,
            headers.get_header("WARC-Record-ID"),
            headers.get_header("WARC-Payload-Digest") or "",
        )


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


def adopt(path: Path, directory: Path) -> Path:
    """Bring an outside WARC file into the archive folder (copied, never moved), so no original is lost."""
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
    shutil.copy2(path, target)
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
    page: RawPage
    status: int | None  # HTTP status for response records, None for resource records
    payload_digest: str | None


def iter_pages(path: Path) -> Iterator[ArchivedRecord]:
    """Yield every response and resource record of a WARC file as a RawPage with its location.

    A damaged record ends the walk with a logged reason; the records read before it are kept.
    """
    try:
        with open(path, "rb") as stream:
            yield from _records(stream, path.name, 0)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        log.warning("stopped reading %s: damaged WARC data (%s); records before it were kept", path.name, exc)


def read_record(directory: Path, warc_file: str, offset: int) -> ArchivedRecord:
    """The one record at ``offset`` in ``warc_file``: used to serve the archived copy of a document."""
    path = (directory / warc_file).resolve()
    if path.parent != directory.resolve() or not path.is_file():
        raise CasebookError(f"archived copy not found: {warc_file}")
    with open(path, "rb") as stream:
        stream.seek(offset)
        for item in _records(stream, path.name, offset):
            return item
    raise CasebookError(f"no record at offset {offset} in {warc_file}")


def _records(stream: BinaryIO, name: str, base: int) -> Iterator[ArchivedRecord]:
    """Read records from ``stream`` (positioned at ``base`` in file ``name``)."""
    records = ArchiveIterator(stream)
    for record in records:
        if record.rec_type not in ("response", "resource"):
            continue
        headers = record.rec_headers
        status = None
        content_type = headers.get_header("Content-Type") or ""
        if record.rec_type == "response" and record.http_headers is not None:
            status = int(record.http_headers.get_statuscode() or 0)
            content_type = record.http_headers.get_header("Content-Type") or ""
        page = RawPage(
            url=headers.get_header("WARC-Target-URI") or "",
            body=record.content_stream().read(),
            fetched=parse_warc_date(headers.get_header("WARC-Date")),
            content_type=content_type,
            warc_file=name,
            warc_offset=base + records.get_record_offset(),
            record_id=headers.get_header("WARC-Record-ID"),
        )
        yield ArchivedRecord(page, status, headers.get_header("WARC-Payload-Digest"))
