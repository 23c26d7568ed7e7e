"""After an upgrade: pages an older Casebook refused as not articles are read again by the newer extractor,
once, so an article it refused is not lost for good (the first Casebook refused 7% of real articles)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from conftest import ROOT, settings_for
from searching import search

from casebook.archive import WarcArchive
from casebook.cli import cli
from casebook.settings import Settings
from casebook.store import open_store
from casebook.store.migrations import MIGRATIONS, POSTGRES_MIGRATIONS
from indexer.extract.version import extractor_stamp
from indexer.pipeline.check import check
from indexer.pipeline.demo import demo_imports
from indexer.pipeline.ingest import ingest
from indexer.search import open_backend

pytestmark = pytest.mark.slow

LISTING = ROOT / "tests" / "fixtures" / "extract" / "wordpress_category.html"
LISTING_URL = "https://scottishunemployedworkers.net/category/sanctions/"
OLDER = "code-0+trafilatura-1.6.0+htmldate-1.4.0"  # a stamp no Casebook of today gives


def refused_by_an_older_casebook(settings: Settings) -> tuple[str, str]:
    """Archive a real article and a real category page, catalogued as an older extractor left them:
    refused, with the reasons the first Casebook gave. Returns the two records' ids."""
    article = demo_imports(settings.demo_path)[0]
    archive = WarcArchive(settings.warc_dir, prefix="import")
    ids = []
    with open_store(settings) as store, store.write_transaction():
        for url, body, fetched, reason in (
            (
                article.url,
                article.path.read_bytes(),
                article.fetched,
                "too little text (37 words), not an article",
            ),
            (
                LISTING_URL,
                LISTING.read_bytes(),
                datetime(2024, 3, 1, tzinfo=UTC),
                "listing page with 4 posts",
            ),
        ):
            record = archive.write_resource(url, body, "text/html", fetched)
            store.add_record(
                record.record_id,
                record.warc_file,
                record.offset,
                url,
                record.payload_digest,
                fetched,
                None,
                f"{reason}: {url}",
                refused_by=OLDER,
            )
            ids.append(record.record_id)
    return ids[0], ids[1]


def test_an_article_an_older_extractor_refused_becomes_a_document_at_the_next_ingest(
    tmp_path: Path, database_url: str | None
) -> None:
    settings = settings_for(tmp_path / "data", database_url)
    article_record, listing_record = refused_by_an_older_casebook(settings)
    before = check(settings)
    said = [p for p in before.problems if p.kind == "refused-by-another-extractor"]
    assert (
        len(said) == 1
        and said[0].message.startswith("2 pages were refused")
        and "casebook ingest" in said[0].message
    )

    report = ingest(settings, progress=False, enrich=False)
    assert (report.reread, report.rescued, report.outcomes["new"]) == (2, 1, 1)
    assert report.skipped == []  # the category page, refused again, was reported when first refused
    assert "2 pages an earlier Casebook refused read again (1 now documents)" in report.summary()
    with open_store(settings) as store:
        (doc,) = [s.document for s in store.iter_documents()]
        assert "jobcentre" in doc.title.lower() and doc.published is not None
        kept = store.catalogue_entry(article_record)
        assert (kept.doc_id, kept.outcome, kept.refused_by) == (doc.id, "new", None)
        refused = store.catalogue_entry(listing_record)
        assert refused.doc_id is None and "not one article" in refused.outcome
        assert refused.refused_by == extractor_stamp()  # read by this extractor: not read again
    assert [hit["id"] for hit in search(open_backend(settings), "jobcentre")["results"]] == [doc.id]
    assert not [p for p in check(settings).problems if p.kind == "refused-by-another-extractor"]

    again = ingest(settings, progress=False, enrich=False)
    assert (again.reread, sum(again.outcomes.values()), again.skipped) == (0, 0, [])
    with open_store(settings) as store:
        assert store.count() == 1


def _old_store(settings: Settings, database_url: str | None, outcomes: list[tuple[str, str | None]]) -> None:
    """A store as the Casebook before extractor stamps made it (schema 8), with records of these outcomes."""
    rows = [
        (
            f"<urn:r{n}>",
            "f.warc.gz",
            n,
            "https://x.example/a",
            None,
            "2024-01-01T00:00:00+00:00",
            doc_id,
            outcome,
        )
        for n, (outcome, doc_id) in enumerate(outcomes)
    ]
    if database_url is None:
        settings.data_dir.mkdir(parents=True)
        db = sqlite3.connect(settings.db_path)
        for number, script in enumerate(MIGRATIONS[:8], 1):
            db.executescript("BEGIN;" + script + f"; PRAGMA user_version={number};")
        db.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?)", rows)
        db.commit()
        db.close()
        return
    with psycopg.connect(database_url, autocommit=True) as db:
        for script in POSTGRES_MIGRATIONS[:8]:
            db.execute(script)
        db.execute("CREATE TABLE casebook_schema (version INTEGER NOT NULL)")
        db.execute("INSERT INTO casebook_schema VALUES (8)")
        with db.cursor() as cursor:
            cursor.executemany("INSERT INTO records VALUES (%s,%s,%s,%s,%s,%s,%s,%s)", rows)


def test_refusals_catalogued_before_stamps_are_read_again_and_nothing_else(
    tmp_path: Path, database_url: str | None
) -> None:
    settings = settings_for(tmp_path / "data", database_url)
    refusals = [
        "too little text (12 words), not an article: https://x.example/a",  # the first Casebook's words
        "listing page with 8 posts, not one article: https://x.example/a",
        "empty page, no text: https://x.example/a",
        "no article text on the page: https://x.example/a",
        "not an HTML page (application/pdf): https://x.example/a",
    ]
    others = [
        ("new", "d1"),
        ("HTTP status 404", None),
        ("crawl listing: HTTP status 200", None),
        ("crawl: not an article (archived by a crawl stopped before it catalogued the record)", None),
        ("crawl article: a WordPress page, not one article: https://x.example/a", None),
        ("extraction failed (RecursionError: too deep)", None),
        ("pending", None),
    ]
    _old_store(settings, database_url, [(r, None) for r in refusals] + others)
    # read as it is, not yet migrated (casebook check opens the store read-only): the same refusals wait
    with open_store(settings, read_only=True) as store:
        assert store.schema_version == 8
        seen = {e.outcome: e.refused_by for e in store.catalogue()}
    said = [p for p in check(settings).problems if p.kind == "refused-by-another-extractor"]
    assert len(said) == 1 and said[0].message.startswith(f"{len(refusals)} pages were refused")
    with open_store(settings) as store:
        marked = {e.outcome: e.refused_by for e in store.catalogue()}
        assert store.warc_files_to_process(extractor_stamp()) == ["f.warc.gz"]
    assert {o for o, by in marked.items() if by is not None} == set(refusals)
    assert all(by == "unstamped" for o, by in marked.items() if o in refusals)
    assert seen == marked


def test_ingest_alone_reads_the_older_refusals_again(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    refused_by_an_older_casebook(settings)
    ran = CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), "ingest", "--no-progress"])
    assert ran.exit_code == 0, ran.output
    assert "ingest: 1 new, 2 pages an earlier Casebook refused read again (1 now documents)" in ran.output
