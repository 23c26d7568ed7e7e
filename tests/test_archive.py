"""WARC files: records written are read back byte for byte, at their offsets; damage loses only itself."""

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casebook.errors import CasebookError
from crawler.archive import WarcArchive, adopt, iter_pages, read_record

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
