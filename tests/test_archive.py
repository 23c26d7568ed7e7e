"""WARC files: records written are read back byte for byte, at their offsets; damage loses only itself."""

import gzip
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casebook.archive import WarcArchive, adopt, iter_pages, iter_records, read_record
from casebook.errors import CasebookError

WHEN = datetime(2017, 5, 10, 9, 0, tzinfo=UTC)


def test_written_records_read_back(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path / "warc", prefix="test")
    body = "<html><body><p>Caf\u00e9 “quoted”</p></body></html>".encode()
    first = archive.write_resource("https://a.org/1", body, "text/html; charset=utf-8", WHEN)
    second = archive.write_response("https://a.org/2", 404, [("Content-Type", "text/html")], b"gone", WHEN)
    assert first.warc_file == second.warc_file and second.offset > first.offset
    records = list(iter_pages(tmp_path / "warc" / first.warc_file))
    assert [r.page.url for r in records] == ["https://a.org/1", "https://a.org/2"]
    assert records[0].page.body == body and records[0].status is None
    assert records[0].page.fetched == WHEN and records[0].page.content_type == "text/html; charset=utf-8"
    assert records[1].status == 404
    assert records[0].payload_digest == first.payload_digest
    again = read_record(tmp_path / "warc", second.warc_file, second.offset)
    assert again.page.url == "https://a.org/2" and again.page.body == b"gone"


def test_files_rotate_at_size_limit(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, prefix="rot", rotate_bytes=200)
    names = {
        archive.write_resource(f"https://a.org/{i}", b"x" * 500, "text/html", WHEN).warc_file
        for i in range(3)
    }
    assert len(names) == 3


def test_truncated_file_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, prefix="cut")
    archive.write_resource("https://a.org/1", b"<p>one</p>", "text/html", WHEN)
    last = archive.write_resource("https://a.org/2", b"<p>two</p>" * 200, "text/html", WHEN)
    path = tmp_path / last.warc_file
    data = path.read_bytes()
    path.write_bytes(data[: last.offset + 40])  # cut the second gzip member short
    assert [r.page.url for r in iter_pages(path)] == ["https://a.org/1"]


def test_read_record_refuses_paths_outside_the_archive(tmp_path: Path) -> None:
    (tmp_path / "warc").mkdir()
    with pytest.raises(CasebookError):
        read_record(tmp_path / "warc", "../secret.warc.gz", 0)


def test_adopt_copies_outside_files_and_keeps_distinct_names(tmp_path: Path) -> None:
    outside = tmp_path / "in" / "crawl.warc.gz"
    outside.parent.mkdir()
    outside.write_bytes(gzip.compress(b"one"))
    archive_dir = tmp_path / "warc"
    first = adopt(outside, archive_dir)
    assert first.read_bytes() == outside.read_bytes() and outside.exists()
    assert adopt(outside, archive_dir) == first  # same bytes: not copied twice
    outside.write_bytes(gzip.compress(b"two"))
    second = adopt(outside, archive_dir)
    assert second != first and second.read_bytes() == outside.read_bytes()


# -- damage: skipped with a reason, the records before and after it read --------------------------------


def _raw_record(url: str, block: bytes, record_type: str = "resource", length: int | None = None) -> bytes:
    """One uncompressed WARC record; ``length`` overrides the Content-Length it declares."""
    uuid = hashlib.md5(url.encode()).hexdigest()
    content_type = "text/html" if record_type == "resource" else "application/http; msgtype=response"
    headers = (
        f"WARC/1.0\r\nWARC-Type: {record_type}\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:]}>\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: 2017-05-10T09:00:00Z\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(block) if length is None else length}\r\n\r\n"
    )
    return headers.encode() + block + b"\r\n\r\n"


def _append(path: Path, data: bytes) -> int:
    with open(path, "ab") as out:
        offset = out.tell()
        out.write(data)
    return offset


def test_damaged_stretches_of_a_gzip_file_are_skipped_and_named(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, prefix="damaged")
    first = archive.write_resource("https://a.org/1", b"<p>one</p>", "text/html", WHEN)
    path = tmp_path / first.warc_file
    garbage = _append(path, b"\x00\x01 not a record \x1f\x8b\x08 nor a gzip member " * 4)
    second = archive.write_resource("https://a.org/2", b"<p>two</p>", "text/html", WHEN)
    too_long = _append(path, gzip.compress(_raw_record("https://a.org/long", b"<p>x</p>", length=500)))
    archive.write_resource("https://a.org/3", b"<p>three</p>", "text/html", WHEN)
    too_short = _append(path, gzip.compress(_raw_record("https://a.org/short", b"<p>x</p>" * 9, length=20)))
    archive.write_resource("https://a.org/4", b"<p>four</p>", "text/html", WHEN)
    last = archive.write_resource("https://a.org/5", b"<p>five</p>" * 300, "text/html", WHEN)
    data = path.read_bytes()
    path.write_bytes(data[: last.offset + 60])  # the last gzip member cut short

    damaged: list = []
    pages = list(iter_pages(path, damaged))
    assert [r.page.url for r in pages] == [f"https://a.org/{n}" for n in range(1, 5)]
    assert [r.page.body for r in pages][1] == b"<p>two</p>"
    assert [d.offset for d in damaged] == [garbage, too_long, too_short, last.offset]
    reasons = [d.reason for d in damaged]
    assert "not a gzip member" in reasons[0]
    assert "Content-Length 500 runs past" in reasons[1]
    assert "Content-Length 20 does not match" in reasons[2]
    assert "truncated gzip member" in reasons[3]
    assert damaged[0].length == second.offset - garbage  # reading resumed at the next record
    assert str(damaged[3]).startswith(f"{path.name} at offset {last.offset}: truncated gzip member")
    with pytest.raises(CasebookError, match="damaged"):
        read_record(tmp_path, path.name, too_long)


def test_damaged_stretches_of_an_uncompressed_file_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "plain.warc"
    path.write_bytes(_raw_record("https://a.org/1", b"<p>one</p>"))
    garbage = _append(path, b"junk junk\r\n" * 5)
    _append(path, _raw_record("https://a.org/2", b"<p>two</p>"))
    bad = _append(path, _raw_record("https://a.org/bad", b"<p>bad</p>", length=3))
    _append(path, _raw_record("https://a.org/3", b"<p>three</p>"))
    damaged: list = []
    assert [r.page.url for r in iter_pages(path, damaged)] == [
        "https://a.org/1",
        "https://a.org/2",
        "https://a.org/3",
    ]
    assert [d.offset for d in damaged] == [garbage, bad]
    assert "does not match" in damaged[1].reason


def test_a_sound_record_that_is_not_a_readable_page_says_why(tmp_path: Path) -> None:
    path = tmp_path / "http.warc.gz"
    path.write_bytes(
        gzip.compress(_raw_record("https://a.org/1", b"HTTP/1.1 abc Broken\r\n\r\n<p>x</p>", "response"))
        + gzip.compress(_raw_record("https://a.org/2", b"\x00\x01 not http at all", "response"))
        + gzip.compress(_raw_record("https://a.org/3", b"HTTP/1.1 200 OK\r\n\r\n<p>fine</p>", "response"))
    )
    pages = list(iter_pages(path))
    assert [(r.page.url, r.status) for r in pages] == [
        ("https://a.org/1", None),
        ("https://a.org/2", None),
        ("https://a.org/3", 200),
    ]
    assert "malformed HTTP status line" in (pages[0].problem or "")
    assert "malformed HTTP headers" in (pages[1].problem or "")
    assert pages[2].problem is None and pages[2].page.body == b"<p>fine</p>"


def test_iter_records_lists_every_record_with_its_offset(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, prefix="all")
    response, request = archive.write_exchange(
        "https://a.org/1", "GET", [], b"", 200, [("Content-Type", "text/html")], b"<p>one</p>", WHEN
    )
    records = list(iter_records(tmp_path / response.warc_file))
    assert [(r.rec_type, r.offset, r.record_id) for r in records] == [
        ("response", response.offset, response.record_id),
        ("request", request.offset, request.record_id),
    ]
    assert records[0].payload_digest == response.payload_digest and records[0].fetched == WHEN
    assert list(iter_records(tmp_path / response.warc_file, start=request.offset))[0].rec_type == "request"


def test_adopt_never_leaves_a_half_copy_under_a_warc_name(tmp_path: Path) -> None:
    outside = tmp_path / "in" / "crawl.warc.gz"
    outside.parent.mkdir()
    outside.write_bytes(gzip.compress(b"one"))
    archive_dir = tmp_path / "warc"
    archive_dir.mkdir()
    (archive_dir / ".crawl.warc.gz.partial").write_bytes(b"left by a killed copy")
    copied = adopt(outside, archive_dir)
    assert copied.read_bytes() == outside.read_bytes()
    assert sorted(p.name for p in archive_dir.iterdir()) == ["crawl.warc.gz"]
