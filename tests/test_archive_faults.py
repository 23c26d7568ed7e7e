"""Bad luck at the archive layer: a WARC-Date in the year 9999, a UTF-8 page that says it is UTF-16, an
archive WARC file copied back in, a torn record at the end of a file, and a full disk (a write that fails
half-way, in the WARC files, in the index, and under ``casebook ingest`` on a disk that fills up)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import ROOT, settings_for
from webserver import casebook

from casebook.archive import WarcArchive, iter_records
from casebook.settings import Settings
from casebook.store import Store
from indexer.pipeline.check import check
from indexer.pipeline.ingest import FileImport, ingest

pytestmark = pytest.mark.slow

FILLER = (
    "The committee heard that the charity's advice line had taken twice as many calls as last year, and"
    " that most callers were disabled people whose payments had been stopped without warning."
)


def page(title: str, head: str = "", extra: str = "") -> bytes:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">{head}<title>{title}</title></head>'
        f"<body><article><h1>{title}</h1><p>{title}. {FILLER}</p><p>{FILLER} {extra}</p><p>{FILLER}</p>"
        "</article></body></html>"
    ).encode()


def imported(tmp_path: Path, settings: Settings, n: int = 3) -> list[FileImport]:
    items = []
    for i in range(n):
        path = tmp_path / f"page-{i}.html"
        path.write_bytes(page(f"Advice line calls {i}"))
        items.append(
            FileImport(path, f"https://charity.example/news/{i}", datetime(2024, 3, 1 + i, tzinfo=UTC))
        )
    report = ingest(settings, imports=items, progress=False, enrich=False)
    assert report.outcomes["new"] == n
    return items


def test_a_warc_date_in_the_year_9999_is_taken_as_the_time_of_reading(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    body = page(
        "Future dated advice line",
        head='<meta property="article:published_time" content="2024-01-02T10:00:00+00:00">',
    )
    WarcArchive(tmp_path / "outside", prefix="future").write_resource(
        "https://charity.example/future", body, "text/html", datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    )
    before = datetime.now(UTC)
    report = ingest(settings, paths=[tmp_path / "outside"], progress=False, enrich=False)
    assert report.skipped == [] and report.outcomes["new"] == 1
    with Store(settings.db_path) as store:
        [stored] = list(store.iter_documents())
    assert before - timedelta(seconds=1) <= stored.document.fetched <= datetime.now(UTC)
    assert stored.document.published is not None and stored.document.published.year == 2024
    assert check(settings).ok


def test_a_utf8_page_that_says_utf16_is_read_as_utf8(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    path = tmp_path / "utf16.html"
    path.write_bytes(
        page("Café owners owed £480", extra="The café lost £480 a week.").replace(
            b'<meta charset="utf-8">', b'<meta charset="utf-16">'
        )
    )
    item = FileImport(path, "https://charity.example/utf16", datetime(2024, 3, 1, tzinfo=UTC))
    assert ingest(settings, imports=[item], progress=False, enrich=False).outcomes["new"] == 1
    with Store(settings.db_path) as store:
        [stored] = list(store.iter_documents())
    assert stored.document.title == "Café owners owed £480"
    assert "The café lost £480 a week." in stored.document.text


def test_an_archive_warc_copied_back_in_is_not_filed_twice(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    imported(tmp_path, settings)
    [own] = list(settings.warc_dir.glob("import-*.warc.gz"))
    outside = tmp_path / "backup"
    outside.mkdir()
    shutil.copy2(own, outside / "restored-from-backup.warc.gz")
    report = ingest(settings, paths=[outside], progress=False, enrich=False)
    assert report.skipped == [
        f"{outside / 'restored-from-backup.warc.gz'}: every record in it is already in the archive;"
        " not copied again"
    ]
    assert [p.name for p in settings.warc_dir.glob("*.warc.gz")] == [own.name]
    assert check(settings).ok


def test_a_torn_record_at_the_end_of_a_file_is_set_aside_by_the_next_ingest(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    imported(tmp_path, settings)
    [own] = list(settings.warc_dir.glob("import-*.warc.gz"))
    size = own.stat().st_size
    whole = own.read_bytes()
    torn = whole[: len(whole) // 3]  # the first third of the file's first member: a write cut short
    with open(own, "ab") as out:
        out.write(torn[:200])
    problems = check(settings).problems
    assert [p.kind for p in problems] == ["warc-damaged"]
    assert "a write that never finished: casebook ingest sets it aside" in problems[0].message
    report = ingest(settings, progress=False, enrich=False)
    assert report.skipped == []
    assert own.stat().st_size == size
    [kept] = list((settings.data_dir / "warc-damaged").iterdir())
    assert kept.name == f"{own.name}.{size}.torn" and kept.read_bytes() == torn[:200]
    assert check(settings).ok


WRITE_THEN_FAIL = """
import os, resource, signal, sys
from datetime import UTC, datetime
from pathlib import Path
from casebook.archive import WarcArchive
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
archive = WarcArchive(Path(sys.argv[1]), prefix="crawl-full")
archive.write_resource("https://charity.example/a", b"<p>small</p>" * 10, "text/html", datetime.now(UTC))
path = next(Path(sys.argv[1]).glob("crawl-full-*.warc.gz"))
limit = path.stat().st_size + 3000  # room for a little more than nothing
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    archive.write_resource(
        "https://charity.example/b", os.urandom(200_000), "text/html", datetime.now(UTC)
    )
except OSError as exc:
    print("failed", exc.errno, path.stat().st_size)
"""


def test_a_write_that_fails_half_way_leaves_no_torn_record(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    done = subprocess.run(
        [sys.executable, "-c", WRITE_THEN_FAIL, str(folder)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout.startswith("failed"), done.stderr[-2000:]
    [path] = list(folder.glob("crawl-full-*.warc.gz"))
    damaged: list = []
    records = list(iter_records(path, damaged))
    assert damaged == [] and [r.url for r in records] == ["https://charity.example/a"]
    assert int(done.stdout.split()[-1]) == path.stat().st_size


COMMIT_THEN_FAIL = """
import os, resource, signal, sys
from pathlib import Path
from indexer.search import IndexEntry
from indexer.search.whoosh_backend import WhooshIndex
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
index = WhooshIndex(Path(sys.argv[1]))
entry = IndexEntry(id="big", url="https://charity.example/big", title="Big", source="x",
                   body=" ".join(f"word{n}" for n in range(300_000)))
limit = 200_000  # bytes a file may grow to: the new segment's postings need more
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    index.update([entry])
except OSError as exc:
    print("failed", exc.errno)
"""


def test_an_index_commit_that_fails_half_way_leaves_no_segment_files(tmp_path: Path) -> None:
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    from indexer.search import IndexEntry
    from indexer.search.whoosh_backend import WhooshIndex
    from indexer.search.whoosh_schema import MAIN, QUOTES_INDEX

    index = WhooshIndex(tmp_path / "index")
    index.update([IndexEntry(id="one", url="https://charity.example/1", title="One", source="x", body="a b")])
    folder = index.folder()
    done = subprocess.run(
        [sys.executable, "-c", COMMIT_THEN_FAIL, str(tmp_path / "index")],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout.startswith("failed"), done.stderr[-2000:]
    storage = FileStorage(str(folder))
    listed = {
        name
        for indexname in (MAIN, QUOTES_INDEX)
        for segment in TOC.read(storage, indexname).segments
        for name in os.listdir(folder)
        if segment.segment_id() in name
    }
    leftovers = sorted(
        name
        for name in os.listdir(folder)
        if name.endswith((".seg", ".trm", ".pst", ".fdt", ".tmp")) and name not in listed
    )
    assert leftovers == []
    assert index.update(
        [IndexEntry(id="two", url="https://charity.example/2", title="Two", source="x", body="c")]
    )
    assert index.doc_count() == 2


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.mark.skipif(not _can_mount(), reason="needs root to mount a small tmpfs (a real full disk)")
def test_ingest_on_a_full_disk_is_one_line_and_the_next_run_finishes(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=10m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        settings = settings_for(disk / "data")
        first = tmp_path / "first"
        first.mkdir()
        (first / "a.html").write_bytes(page("Advice line calls first"))
        assert casebook(settings.data_dir, "ingest", "--no-progress", str(first)).returncode == 0
        pages = tmp_path / "pages"
        pages.mkdir()
        for n in range(12):
            (pages / f"p{n}.html").write_bytes(page(f"Advice line calls {n}", extra=os.urandom(25_000).hex()))
        filler = disk / "filler"
        with open(filler, "wb") as out:  # fill the disk, then give back a little: not enough for the pages
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError:
                pass
        with open(filler, "rb+") as out:
            out.truncate(max(0, filler.stat().st_size - 150_000))
        full = casebook(settings.data_dir, "ingest", "--no-progress", str(pages))
        assert full.returncode == 1 and "Traceback" not in full.stderr, full.stderr[-2000:]
        assert full.stderr.strip().splitlines()[-1].startswith("casebook: the disk is full")
        assert len([line for line in full.stderr.splitlines() if line.startswith("casebook:")]) == 1
        problems = [p for p in check(settings).problems if p.kind == "warc-damaged"]
        assert problems == []  # the failed write was taken back: no torn record
        filler.unlink()
        again = casebook(settings.data_dir, "ingest", "--no-progress", str(pages))
        assert again.returncode == 0, again.stderr[-2000:]
        report = check(settings)
        assert report.ok, [str(p) for p in report.problems]
        with Store(settings.db_path) as store:
            assert store.count() == 13
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
    assert signal.SIGXFSZ and resource.RLIMIT_FSIZE  # the other tests' means, available here too
