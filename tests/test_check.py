"""``casebook check``: a sound archive checks clean; each kind of disagreement is reported, one line each."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import settings_for
from whoosh import index as whoosh_index

from casebook.archive import WarcArchive
from casebook.cli import cli
from casebook.settings import Settings
from indexer.pipeline.check import check
from indexer.pipeline.demo import demo_imports
from indexer.pipeline.ingest import ingest
from indexer.search.whoosh_backend import QUOTES_INDEX


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Four demo pages, archived, stored and indexed (no enrichment: quick)."""
    settings = settings_for(tmp_path_factory.mktemp("check-built"))
    report = ingest(settings, imports=demo_imports(settings.demo_path)[:4], progress=False, enrich=False)
    assert report.outcomes["new"] == 4
    return settings


@pytest.fixture
def archive(built: Settings, tmp_path: Path) -> Settings:
    """A copy of the built archive this test may damage."""
    shutil.copytree(built.data_dir, tmp_path / "data", symlinks=True)
    return settings_for(tmp_path / "data")


def kinds(settings: Settings) -> list[tuple[str, str]]:
    return [(p.kind, p.where) for p in check(settings).problems]


def sql(settings: Settings, statement: str, *args: object) -> list[tuple]:
    with sqlite3.connect(settings.db_path) as conn:
        rows = conn.execute(statement, args).fetchall()
    conn.close()
    return rows


def test_a_sound_archive_checks_clean(archive: Settings) -> None:
    report = check(archive)
    assert report.ok, report.problems
    assert (report.counts["documents"], report.counts["indexed"], report.counts["warc records"]) == (4, 4, 4)
    result = CliRunner().invoke(cli, ["--data-dir", str(archive.data_dir), "check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [report.summary()] and "everything agrees" in result.output
    as_json = json.loads(
        CliRunner().invoke(cli, ["--data-dir", str(archive.data_dir), "check", "--json"]).output
    )
    assert as_json["ok"] is True and as_json["problems"] == [] and as_json["counts"]["documents"] == 4


def test_a_deleted_document_row_is_reported(archive: Settings) -> None:
    (doc_id,) = sql(archive, "SELECT id FROM documents ORDER BY id LIMIT 1")[0]
    sql(archive, "DELETE FROM versions WHERE doc_id=?", doc_id)
    sql(archive, "DELETE FROM documents WHERE id=?", doc_id)
    found = kinds(archive)
    assert ("index-extra", doc_id) in found  # the index holds what the store lost
    assert any(kind == "record-document" for kind, _ in found)  # its record names it still
    result = CliRunner().invoke(cli, ["--data-dir", str(archive.data_dir), "check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == len(found) + 1 and lines[-1].endswith(f"{len(found)} problems")
    assert any(
        line.startswith(f"{doc_id}: the search index holds a document the store lacks") for line in lines
    )


def test_a_document_missing_from_the_index_is_reported(archive: Settings) -> None:
    (doc_id,) = sql(archive, "SELECT id FROM documents ORDER BY id LIMIT 1")[0]
    ix = whoosh_index.open_dir(str(archive.index_dir), indexname="MAIN")
    with ix.writer() as writer:
        writer.delete_by_term("id", doc_id)
    assert kinds(archive) == [("index-missing", doc_id)]
    as_json = json.loads(
        CliRunner().invoke(cli, ["--data-dir", str(archive.data_dir), "check", "--json"]).output
    )
    assert as_json["ok"] is False
    assert as_json["problems"] == [
        {
            "kind": "index-missing",
            "where": doc_id,
            "message": "the document is not in the search index: run casebook reindex",
        }
    ]


def test_a_truncated_warc_file_is_reported(archive: Settings) -> None:
    warc_file, offset, doc_id = sql(
        archive, "SELECT warc_file, warc_offset, doc_id FROM records ORDER BY warc_offset DESC LIMIT 1"
    )[0]
    path = archive.warc_dir / warc_file
    path.write_bytes(path.read_bytes()[: offset + 100])
    found = kinds(archive)
    where = f"{warc_file} at offset {offset}"
    assert ("warc-damaged", where) in found
    assert ("record-missing", where) in found
    assert ("document-original", doc_id) in found
    problems = {p.kind: p.message for p in check(archive).problems}
    assert "truncated gzip member" in problems["warc-damaged"]


def test_an_orphan_record_is_reported_until_ingest_adopts_it(archive: Settings, tmp_path: Path) -> None:
    page = demo_imports(archive.demo_path)[5]
    orphan = WarcArchive(archive.warc_dir, prefix="import").write_resource(
        page.url, page.path.read_bytes(), page.content_type, page.fetched
    )
    assert kinds(archive) == [("record-orphan", f"{orphan.warc_file} at offset {orphan.offset}")]
    message = check(archive).problems[0].message
    assert orphan.record_id in message and page.url in message and "run casebook ingest" in message
    report = ingest(archive, progress=False, enrich=False)
    assert report.recovered == 1 and report.outcomes["new"] == 1
    assert check(archive).ok


def test_pending_records_are_reported_as_one_line(archive: Settings) -> None:
    from indexer.pipeline.ingest import Ingester

    ingester = Ingester(archive, enrich=False)
    try:
        ingester.archive_files(demo_imports(archive.demo_path)[4:6])  # archived, then "killed"
    finally:
        ingester.close()
    assert [str(p) for p in check(archive).problems] == ["store: 2 records pending: run casebook ingest"]
    ingest(archive, progress=False, enrich=False)
    assert check(archive).ok


def test_a_changed_payload_digest_and_a_missing_warc_file_are_reported(archive: Settings) -> None:
    record_id, warc_file, offset = sql(
        archive, "SELECT record_id, warc_file, warc_offset FROM records LIMIT 1"
    )[0]
    sql(archive, "UPDATE records SET payload_digest='sha1:AAAA' WHERE record_id=?", record_id)
    assert kinds(archive) == [("record-mismatch", f"{warc_file} at offset {offset}")]
    (archive.warc_dir / warc_file).rename(archive.data_dir / "elsewhere.warc.gz")
    messages = [str(p) for p in check(archive).problems]
    assert f"{warc_file}: the WARC file is missing; 4 catalogued records were in it" in messages
    assert sum("its original" in m and "the WARC file is missing" in m for m in messages) == 4


def test_an_unreadable_or_missing_index_is_reported(archive: Settings) -> None:
    folder = archive.index_dir.resolve()
    for segment in folder.glob("MAIN_*.seg"):
        segment.write_bytes(b"not a segment")
    assert [k for k, _ in kinds(archive)] == ["index-unreadable"]
    archive.index_dir.unlink()
    assert [str(p) for p in check(archive).problems] == [
        "index: the search index is missing: run casebook reindex"
    ]


def test_check_needs_an_archive(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "none"), "check"])
    assert result.exit_code == 1 and result.output.startswith("casebook: no archive in")
    assert not (tmp_path / "none").exists()  # checking creates nothing


@pytest.mark.slow
def test_the_demo_archive_checks_clean_and_quote_drift_is_reported(
    demo_archive: Settings, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path / "data")
    shutil.copytree(demo_archive.data_dir, settings.data_dir, symlinks=True)
    report = check(settings)
    assert report.ok, report.problems
    assert report.counts["quotes indexed"] == sql(settings, "SELECT COUNT(*) FROM quotes")[0][0] > 0
    (doc_id, n) = sql(
        settings, "SELECT doc_id, COUNT(*) FROM quotes GROUP BY doc_id ORDER BY doc_id LIMIT 1"
    )[0]
    sql(settings, "DELETE FROM quotes WHERE rowid = (SELECT MIN(rowid) FROM quotes WHERE doc_id=?)", doc_id)
    assert [str(p) for p in check(settings).problems] == [
        f"{doc_id}: {n - 1} quotes in the store, {n} in the quotes index: run casebook reindex"
    ]
    ix = whoosh_index.open_dir(str(settings.index_dir), indexname=QUOTES_INDEX)
    with ix.writer() as writer:
        writer.delete_by_term("doc_id", doc_id)
    assert [str(p) for p in check(settings).problems] == [
        f"{doc_id}: {n - 1} quotes in the store, 0 in the quotes index: run casebook reindex"
    ]
