"""Writing WARC files: the archive of originals under ``DATA/warc/``, written once and never rewritten.

Everything downstream (store, index) can be rebuilt from these files. Records are gzip members
appended to the current file in one write, fsynced before anyone is told they exist, and files rotate at
a size limit so no single file grows without bound.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import os
import re
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROTATE_BYTES = 1 << 30  # 1 GiB per file


def warc_date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def payload_digest(body: bytes) -> str:
    """The WARC payload digest (``sha1:`` + base32), as warcio writes it: used to spot a file seen before."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


@dataclass(frozen=True)
class WrittenRecord:
    warc_file: str  # file name, relative to the archive folder
    offset: int
    record_id: str
    payload_digest: str


def writer_tag() -> str:
    """This process's mark in the names of the WARC files it writes: host name and process id. The folder
    may be shared by several machines (setting ``warc_folder``), and each file must have one writer: the
    catalogue's reconciliation reads only a file's tail after its last catalogued record."""
    host = re.sub(r"[^A-Za-z0-9.]+", "_", socket.gethostname()) or "host"
    return f"{host}-{os.getpid()}"


class WarcArchive:
    """Appends records to rotating ``<prefix>-<timestamp>-<host>-<pid>-<n>.warc.gz`` files in one folder:
    every file is made by one process (created exclusively, never opened by another writer)."""

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
                candidate = self.directory / f"{self.prefix}-{stamp}-{writer_tag()}-{n:05d}.warc.gz"
                try:
                    candidate.open("xb").close()  # made here, or another writer's: never shared
                    break
                except FileExistsError:
                    n += 1
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
