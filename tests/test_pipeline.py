"""The whole line on real pages: archive, extract, store, enrich, index; idempotent and resumable."""

from __future__ import annotations

import os
import shutil
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ROOT, settings_for
from searching import search

from casebook.archive import WarcArchive, iter_pages
from casebook.store import open_store
from indexer.pipeline.check import check
from indexer.pipeline.demo import demo_imports
from indexer.pipeline.ingest import FileImport, Ingester, IngestReport, ingest
from indexer.search import open_backend
from indexer.search.whoosh_backend import WhooshIndex

pytestmark = pytest.mark.slow

DEMO = ROOT / "corpus" / "demo"
MANIFEST = tomllib.loads((DEMO / "manifest.toml").read_text())["pages"]


def warc_records(settings) -> int:  # noqa: ANN001
    return sum(1 for path in settings.warc_dir.glob("*.warc.gz") for _ in iter_pages(path))


def test_demo_archive_holds_every_page_with_its_provenance(demo_archive) -> None:  # noqa: ANN001
    with open_store(demo_archive) as store:
        docs = [s.document for s in store.iter_documents()]
    assert len(docs) == len(MANIFEST)
    for page in MANIFEST:
        doc = next(d for d in docs if d.url == page["url"])
        assert doc.source == page["source"], page["file"]
        assert doc.fetched == datetime.fromisoformat(page["fetched"].replace("Z", "+00:00"))
        assert doc.warc_file and doc.warc_offset is not None
    assert warc_records(demo_archive) == len(MANIFEST)
    assert WhooshIndex(demo_archive.index_dir).doc_count() == len(MANIFEST)


def test_demo_search_finds_sanctions_with_facets(demo_archive) -> None:  # noqa: ANN001
    found = search(demo_archive.index_dir, "sanctions")
    assert found["total"] >= 4
    assert sum(found["facets"]["source"].values()) == found["total"]
    assert len(found["facets"]["source"]) >= 3  # several outlets covered sanctions
    assert found["facets"]["year"]


def test_ingesting_twice_changes_nothing(tmp_path: Path, database_url: str | None) -> None:
    settings = settings_for(tmp_path, database_url)
    imports = demo_imports(settings.demo_path)[:3]
    first = ingest(settings, imports=imports, progress=False)
    assert first.outcomes["new"] == 3
    snapshot = (warc_records(settings), sorted(p.name for p in settings.warc_dir.iterdir()))
    second = ingest(settings, imports=imports, progress=False)
    assert second.outcomes["new"] == 0 and second.outcomes["updated"] == 0
    assert (warc_records(settings), sorted(p.name for p in settings.warc_dir.iterdir())) == snapshot
    with open_store(settings) as store:
        assert store.count() == 3
        assert all(s.version == 1 for s in store.iter_documents())


def test_an_edited_article_becomes_a_second_version(tmp_path: Path, database_url: str | None) -> None:
    settings = settings_for(tmp_path, database_url)
    page = tmp_path / "story.html"
    original = (DEMO / "black-triangle-boycott-call-dpos-work-scheme.html").read_text(encoding="utf-8")
    page.write_text(original, encoding="utf-8")
    ingest(settings, [page], progress=False)
    page.write_text(
        original.replace("Disabled activists have called", "Disabled campaigners have called"),
        encoding="utf-8",
    )
    report = ingest(settings, [page], progress=False)
    assert report.outcomes["updated"] == 1
    with open_store(settings) as store:
        (stored,) = list(store.iter_documents())
        versions = store.versions(stored.document.id)
    assert stored.version == 2 and "Disabled campaigners" in stored.document.text
    assert "Disabled activists" in versions[0]["text"]
    assert search(settings.index_dir, '"disabled campaigners"')["total"] == 1
    from webui.app import create_app

    client = create_app(settings).test_client()
    page = client.get(f"/doc/{stored.document.id}").get_data(as_text=True)
    assert "Versions: the text changed" in page and "Disabled campaigners" in page.split("Versions")[1]
    api = client.get(f"/api/doc/{stored.document.id}").get_json()
    assert [v["version"] for v in api["versions"]] == [1, 2] and "Disabled activists" in api["versions"][1][
        "diff"
    ]


def test_records_left_pending_by_an_interrupted_run_are_finished(
    tmp_path: Path, database_url: str | None
) -> None:
    settings = settings_for(tmp_path, database_url)
    imports = demo_imports(settings.demo_path)[:2]
    interrupted = Ingester(settings)
    interrupted.archive_files(imports)  # phase 1 done, then the run "dies" before processing
    interrupted.close()
    report = ingest(settings, progress=False)
    assert report.outcomes["new"] == 2
    assert warc_records(settings) == 2


def test_warc_ingest_copies_the_file_and_skips_errors_with_a_reason(
    tmp_path: Path, database_url: str | None
) -> None:
    settings = settings_for(tmp_path / "data", database_url)
    outside = WarcArchive(tmp_path / "crawl", prefix="crawl")
    body = (DEMO / "black-triangle-boycott-call-dpos-work-scheme.html").read_bytes()
    when = datetime(2017, 5, 11, 10, tzinfo=UTC)
    outside.write_response(
        "https://www.disabilitynewsservice.com/boycott/",
        200,
        [("Content-Type", "text/html; charset=utf-8")],
        body,
        when,
    )
    written = outside.write_response(
        "https://www.disabilitynewsservice.com/gone/",
        404,
        [("Content-Type", "text/html")],
        b"<p>Not found</p>",
        when,
    )
    report = ingest(settings, [tmp_path / "crawl"], progress=False)
    assert report.outcomes["new"] == 1
    assert report.skipped == ["https://www.disabilitynewsservice.com/gone/: HTTP status 404"]
    assert (settings.warc_dir / written.warc_file).read_bytes() == (
        tmp_path / "crawl" / written.warc_file
    ).read_bytes()
    shutil.rmtree(tmp_path / "crawl")  # the archive keeps its own copy
    again = ingest(settings, [settings.warc_dir], progress=False)
    assert again.outcomes["already ingested"] == 2 and again.outcomes["new"] == 0


def test_reindex_rebuilds_the_same_index_from_the_store(demo_archive, tmp_path: Path) -> None:  # noqa: ANN001
    settings = settings_for(tmp_path)
    shutil.copytree(demo_archive.data_dir, tmp_path, dirs_exist_ok=True, symlinks=True)
    before = search(settings.index_dir, "sanctions", limit=50)
    ingester = Ingester(settings)
    try:
        assert ingester.reindex(progress=False) == len(MANIFEST)
    finally:
        ingester.close()
    after = search(settings.index_dir, "sanctions", limit=50)
    assert after["total"] == before["total"]
    assert {r["id"] for r in after["results"]} == {r["id"] for r in before["results"]}
    assert after["facets"] == before["facets"]


def test_report_summary_is_one_line() -> None:
    report = IngestReport()
    report.outcomes["new"] = 2
    report.skipped.append("x: empty page")
    assert report.summary() == "ingest: 2 new, 1 skipped"


def test_a_repost_is_clustered_with_its_original_and_hidden_by_originals_only(
    tmp_path: Path, database_url: str | None
) -> None:
    from webui.app import create_app

    settings = settings_for(tmp_path / "data", database_url)
    original = (DEMO / "black-triangle-boycott-call-dpos-work-scheme.html").read_text(encoding="utf-8")
    repost = (
        original.replace("blacktrianglecampaign.org/2017/05/04/", "example.org/2017/05/09/")
        .replace("4th May 2017", "9th May 2017")
        .replace("2017-05-04", "2017-05-09")
    )
    (tmp_path / "a.html").write_text(repost, encoding="utf-8")  # the later copy is ingested first
    ingest(settings, [tmp_path / "a.html"], progress=False)
    (tmp_path / "b.html").write_text(original, encoding="utf-8")
    ingest(settings, [tmp_path / "b.html"], progress=False)
    with open_store(settings) as store:
        docs = {s.document.canonical_url: s for s in store.iter_documents()}
    copy = next(s for url, s in docs.items() if "example.org" in url)
    first = next(s for url, s in docs.items() if "blacktriangle" in url)
    assert copy.duplicate_of == first.document.id and first.duplicate_of is None
    assert search(settings.index_dir, "boycott")["total"] == 2
    only = search(settings.index_dir, "boycott", originals_only=True)
    assert [r["id"] for r in only["results"]] == [
        first.document.id
    ]  # the index entry of the copy was updated
    page = create_app(settings).test_client().get(f"/doc/{copy.document.id}").get_data(as_text=True)
    assert "Other copies of this article" in page and "original" in page


def test_an_original_rewritten_into_another_story_leaves_its_copy_an_original_in_the_index(
    tmp_path: Path, database_url: str | None
) -> None:
    settings = settings_for(tmp_path / "data", database_url)
    original = (DEMO / "black-triangle-boycott-call-dpos-work-scheme.html").read_text(encoding="utf-8")
    repost = original.replace("blacktrianglecampaign.org/2017/05/04/", "example.org/2017/05/09/")
    (tmp_path / "a.html").write_text(original, encoding="utf-8")
    (tmp_path / "b.html").write_text(repost, encoding="utf-8")
    ingest(settings, [tmp_path / "a.html", tmp_path / "b.html"], progress=False)
    url = "https://blacktrianglecampaign.org/2017/05/04/boycott-call-after-dwp-wrongly-claims-dpos-helped-devise-punitive-work-scheme/"
    other = (DEMO / "dns-work-coaches-harsher-jobcentre-tactics.html").read_text(encoding="utf-8")
    rewritten = other.replace(
        "https://www.disabilitynewsservice.com/work-coaches-confirm-harsher-new-dwp-jobcentre-tactics/", url
    )  # the same address, later, with another story: a new version that is no longer the repost's
    later = tmp_path / "c.html"
    later.write_text(rewritten, encoding="utf-8")
    os.utime(later, (time.time() + 86400, time.time() + 86400))
    assert ingest(settings, [later], progress=False).outcomes["updated"] == 1
    with open_store(settings) as store:
        docs = {s.document.canonical_url: s for s in store.iter_documents()}
    copy = next(s for u, s in docs.items() if "example.org" in u)
    assert copy.duplicate_of is None  # alone now: an original
    only = search(open_backend(settings), "boycott", originals_only=True)
    assert copy.document.id in [r["id"] for r in only["results"]]  # its index entry says so too
    assert not [p for p in check(settings).problems if "copy" in p.message]


def test_a_record_archived_but_not_catalogued_is_adopted_not_archived_again(
    tmp_path: Path, database_url: str | None
) -> None:
    """A run killed between writing a record and cataloguing it left an orphan in the WARC file."""
    settings = settings_for(tmp_path / "data", database_url)
    page = tmp_path / "story.html"
    page.write_bytes((DEMO / "black-triangle-boycott-call-dpos-work-scheme.html").read_bytes())
    item = FileImport.local(page)
    orphan = WarcArchive(settings.warc_dir, prefix="import").write_resource(
        item.url, page.read_bytes(), item.content_type, item.fetched
    )
    report = ingest(settings, [page], progress=False, enrich=False)
    assert report.recovered == 1 and report.outcomes["new"] == 1
    assert warc_records(settings) == 1  # not a second copy of the same file
    with open_store(settings) as store:
        (stored,) = list(store.iter_documents())
        assert store.record_outcome(orphan.record_id) == "new"
    assert (stored.document.warc_file, stored.document.warc_offset) == (orphan.warc_file, orphan.offset)
    assert WhooshIndex(settings.index_dir).doc_count() == 1
    again = ingest(settings, [page], progress=False, enrich=False)
    assert again.recovered == 0 and warc_records(settings) == 1


def test_damaged_warc_data_is_skipped_with_a_reason_and_the_rest_ingested(
    tmp_path: Path, database_url: str | None
) -> None:
    import gzip

    settings = settings_for(tmp_path / "data", database_url)
    crawl = WarcArchive(tmp_path / "crawl", prefix="crawl")
    pages = sorted(DEMO.glob("*.html"))[:4]
    when = datetime(2017, 5, 11, 10, tzinfo=UTC)
    html = [("Content-Type", "text/html; charset=utf-8")]
    first = crawl.write_response(
        "https://www.disabilitynewsservice.com/a/", 200, html, pages[0].read_bytes(), when
    )
    path = tmp_path / "crawl" / first.warc_file
    with open(path, "ab") as out:
        garbage = out.tell()
        out.write(b"\x00 stray bytes between records \x00" * 8)
    crawl.write_response("https://www.disabilitynewsservice.com/b/", 200, html, pages[1].read_bytes(), when)
    bad_length = crawl.write_response(
        "https://www.disabilitynewsservice.com/bad/", 200, html, b"<p>x</p>", when
    )
    # A page whose bytes are not what its label says: decoded all the same, never a crash.
    broken = pages[2].read_bytes().replace(b"</p>", b"\xff\xfe\x81</p>", 3)
    crawl.write_response(
        "https://www.disabilitynewsservice.com/c/",
        200,
        [("Content-Type", "text/html; charset=no-such-charset")],
        broken,
        when,
    )
    last = crawl.write_response(
        "https://www.disabilitynewsservice.com/d/", 200, html, pages[3].read_bytes(), when
    )
    data = bytearray(path.read_bytes())
    last_length = len(data) - last.offset  # the last record is the file's last gzip member
    end = _member_end(data, bad_length.offset)
    member = gzip.decompress(data[bad_length.offset : end])
    data[bad_length.offset : end] = gzip.compress(
        member.replace(b"Content-Length: ", b"Content-Length: 9", 1)
    )
    tail = len(data) - last_length  # where the last record starts now
    path.write_bytes(bytes(data[: tail + 50]))  # the last record cut short

    report = ingest(settings, [path], progress=False, enrich=False)
    assert report.outcomes["new"] == 3
    with open_store(settings) as store:
        urls = sorted(s.document.url for s in store.iter_documents())
    assert urls == [f"https://www.disabilitynewsservice.com/{x}/" for x in "abc"]
    assert len(report.skipped) == 3, report.skipped
    assert f"at offset {garbage}: bytes that are not a gzip member" in report.skipped[0]
    assert f"at offset {bad_length.offset}: Content-Length 9" in report.skipped[1]
    assert "runs past the end of the record" in report.skipped[1]
    assert f"at offset {tail}: truncated gzip member" in report.skipped[2]
    assert all(line.endswith("damaged WARC data") for line in report.skipped)


def _member_end(data: bytes | bytearray, offset: int) -> int:
    import zlib

    inflater = zlib.decompressobj(31)
    inflater.decompress(bytes(data[offset:]))
    return len(data) - len(inflater.unused_data)


def test_a_page_that_breaks_extraction_is_skipped_and_the_rest_ingested(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import indexer.pipeline.ingest as pipeline

    settings = settings_for(tmp_path)
    real = pipeline.extract

    def fragile(page, source, **kwargs):  # noqa: ANN001, ANN003, ANN202
        if "boycott" in page.url:
            raise RecursionError("maximum recursion depth exceeded")
        return real(page, source=source, **kwargs)

    monkeypatch.setattr(pipeline, "extract", fragile)
    imports = demo_imports(settings.demo_path)[:3]
    report = ingest(settings, imports=imports, progress=False, enrich=False)
    assert report.outcomes["new"] == 2
    assert len(report.skipped) == 1 and "extraction failed (RecursionError" in report.skipped[0]


def test_two_machines_share_one_store_and_one_warc_folder_and_either_checks_it(
    tmp_path: Path,
    postgres,  # noqa: ANN001
) -> None:
    """Two data folders (two machines) with one PostgreSQL store and one shared WARC folder: what one
    ingests, the other finds, indexes and checks; each writes WARC files of its own."""
    from dataclasses import replace

    from indexer.pipeline.check import check

    url = postgres.new_database()
    shared = tmp_path / "shared-warc"
    first = replace(settings_for(tmp_path / "a", url), warc_folder=str(shared))
    second = replace(settings_for(tmp_path / "b", url), warc_folder=str(shared))
    imports = demo_imports(first.demo_path)
    assert ingest(first, imports=imports[:2], progress=False, enrich=False).outcomes["new"] == 2
    assert ingest(second, imports=imports[1:3], progress=False, enrich=False).outcomes["new"] == 1
    files = sorted(p.name for p in shared.glob("*.warc.gz"))
    assert len(files) == 2 and all(name.startswith("import-") for name in files)
    assert not (tmp_path / "a" / "warc").exists() and not (tmp_path / "b" / "warc").exists()
    assert not check(first).ok  # its own index lacks what the other machine ingested
    for settings in (first, second):
        ingester = Ingester(settings, enrich=False)
        try:
            assert ingester.reindex(progress=False) == 3
        finally:
            ingester.close()
        report = check(settings)
        assert report.ok, [str(p) for p in report.problems]
        assert report.counts["warc files"] == 2 and report.counts["warc records"] == 3
