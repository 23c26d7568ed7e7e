"""`casebook reextract`: documents an older extractor read are read again from their archived originals, and
what the newer one reads replaces what was stored, without losing an article or inventing an edit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, settings_for
from searching import search

from casebook.archive import WarcArchive, read_record
from casebook.cli import cli
from casebook.models import Document
from casebook.settings import Settings
from casebook.store import open_store
from indexer.extract.version import extractor_stamp
from indexer.pipeline.check import check
from indexer.pipeline.demo import demo_imports
from indexer.pipeline.ingest import Ingester
from indexer.pipeline.reextract import reextract
from indexer.search import open_backend

pytestmark = pytest.mark.slow

OLDER = "code-0+trafilatura-1.6.0+htmldate-1.4.0"  # a stamp no Casebook of today gives
LISTING = ROOT / "tests" / "fixtures" / "extract" / "wordpress_category.html"
JUNK = "Share this article on Facebook"  # what an older pruning let through


def _older(doc: Document) -> Document:
    """How an older extractor read the DNS article: the UTC day before, no author, a share line."""
    return replace(
        doc,
        published=date(2022, 3, 16),
        authors=[],
        text=f"{JUNK}\n\n{doc.text}",
        extractor=OLDER,
    )


def _archive_as_read_before(
    settings: Settings, pages: list[tuple[str, bytes, datetime, Callable[[Document | None], Document]]]
) -> list[str]:
    """Archive each page (url, body, fetch time) and store what an older extractor read from it, as it
    stored it: the document's versions, the catalogue, the index. ``older`` gets this extractor's reading
    (None where it refuses the page) and gives the older one's."""
    archive = WarcArchive(settings.warc_dir, prefix="import")
    ingester = Ingester(settings, enrich=False)
    ids = []
    try:
        for url, body, fetched, older in pages:
            record = archive.write_resource(url, body, "text/html", fetched)
            read = ingester.read(read_record(settings.warc_dir, record.warc_file, record.offset)).doc
            doc = replace(older(read), warc_file=record.warc_file, warc_offset=record.offset)
            with ingester.store.write_transaction():
                outcome = ingester.store.save(doc)
                ingester.store.add_record(
                    record.record_id, record.warc_file, record.offset, url, record.payload_digest, fetched,
                    doc.id, outcome,
                )  # fmt: skip
            ids.append(doc.id)
        ingester.reindex(progress=False)
    finally:
        ingester.close()
    return ids


def _dns(settings: Settings) -> tuple[str, bytes, datetime]:
    item = demo_imports(settings.demo_path)[0]
    return item.url, item.path.read_bytes(), item.fetched


def test_dates_authors_and_text_an_older_extractor_read_are_read_again(
    tmp_path: Path, database_url: str | None, enricher
) -> None:  # noqa: ANN001
    settings = settings_for(tmp_path / "data", database_url)
    (doc_id,) = _archive_as_read_before(settings, [(*_dns(settings), _older)])
    assert search(open_backend(settings), f'"{JUNK}"')["total"] == 1

    report = reextract(settings, progress=False, enricher=enricher)
    assert (report.stale, report.texts, report.metadata, report.kept) == (1, [doc_id], [], [])
    with open_store(settings) as store:
        stored = store.get(doc_id)
        doc = stored.document
        assert (doc.published, doc.authors, doc.extractor) == (
            date(2022, 3, 17),
            ["John Pring"],
            extractor_stamp(),
        )
        assert JUNK not in doc.text and doc.text.startswith("New disturbing evidence")
        (version,) = store.versions(doc_id)  # a reading is not an edit: still one version
        assert (version["text"], version["content_hash"]) == (doc.text, doc.content_hash)
        quotes = store.quotes(doc_id)
        assert quotes and all(doc.text[q.start : q.end] == q.text for q in quotes)  # enriched on the new text
        assert doc_id not in store.stale_enrichments(enricher.version)
    index = open_backend(settings)
    assert search(index, f'"{JUNK}"')["total"] == 0
    (hit,) = search(index, '"harsher new DWP jobcentre tactics"')["results"]
    assert hit["published"] == "2022-03-17"

    assert check(settings).problems == []  # store, originals and index agree after the new reading
    again = reextract(settings, progress=False, enricher=enricher)
    assert again.stale == 0 and again.summary().startswith("reextract: nothing to do")


def test_dates_alone_read_again_leave_the_text_and_its_annotations(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    (doc_id,) = _archive_as_read_before(
        settings, [(*_dns(settings), lambda d: replace(d, published=date(2022, 3, 16), extractor=None))]
    )  # extractor None: stored before stamps
    report = reextract(settings, progress=False)  # no text changes: no spaCy model is loaded
    assert (report.metadata, report.texts, report.unchanged) == ([doc_id], [], 0)
    (hit,) = search(open_backend(settings), '"harsher new DWP jobcentre tactics"')["results"]
    assert hit["published"] == "2022-03-17"
    assert "1 with other readings changed" in report.summary()


def test_two_fetches_that_now_read_alike_keep_their_texts_and_no_article_is_lost(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    url, body, fetched = _dns(settings)
    rails = iter(["Most read: PIP", "Most read: sanctions"])  # a rail that changed between the two fetches

    def older_with_a_rail(doc: Document | None) -> Document:
        return replace(doc, text=f"{doc.text}\n\n{next(rails)}", published=date(2022, 3, 16), extractor=OLDER)

    def older_listing(doc: Document | None) -> Document:
        assert doc is None  # this extractor refuses the category page; an older one kept it
        listing = "https://scottishunemployedworkers.net/category/sanctions/"
        return Document(
            listing, listing, "suwn", "Sanctions", "Posts about sanctions", fetched, extractor=OLDER
        )

    dns_id, _, listing_id = _archive_as_read_before(
        settings,
        [
            (url, body, fetched, older_with_a_rail),
            (url, body, fetched + timedelta(days=7), older_with_a_rail),
            (
                "https://scottishunemployedworkers.net/category/sanctions/",
                LISTING.read_bytes(),
                fetched,
                older_listing,
            ),
        ],
    )
    with open_store(settings) as store:
        texts_before = [v["text"] for v in store.versions(dns_id)]
        assert len(texts_before) == 2
    report = reextract(settings, progress=False)
    assert report.metadata == [dns_id] and report.texts == []
    assert len(report.texts_kept) == 1 and "would read alike" in report.texts_kept[0]
    assert (
        len(report.kept) == 1
        and report.kept[0].startswith(f"{listing_id} ")
        and "not one article" in report.kept[0]
    )
    with open_store(settings) as store:
        assert [v["text"] for v in store.versions(dns_id)] == texts_before  # no edit invented, none lost
        assert store.get(dns_id).document.published == date(2022, 3, 17)
        listing = store.get(listing_id).document  # kept as the older extractor stored it
        assert (listing.title, listing.extractor) == ("Sanctions", extractor_stamp())
    assert (
        reextract(settings, progress=False).stale == 0
    )  # a refusal is not read again until the next upgrade


def test_a_document_whose_original_is_missing_is_kept_and_read_again_later(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    (doc_id,) = _archive_as_read_before(settings, [(*_dns(settings), _older)])
    (warc,) = settings.warc_dir.glob("import-*.warc.gz")
    moved = warc.rename(tmp_path / warc.name)
    report = reextract(settings, progress=False)
    assert len(report.kept) == 1 and "archived copy not found" in report.kept[0]
    with open_store(settings) as store:
        assert store.get(doc_id).document.extractor == OLDER  # not read: left for a later run
    moved.rename(warc)
    assert reextract(settings, progress=False).texts == [doc_id]


def test_the_command_says_what_it_did_and_ingest_says_when_it_is_needed(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    _archive_as_read_before(
        settings, [(*_dns(settings), lambda d: replace(d, published=None, extractor=OLDER))]
    )
    runner = CliRunner()
    args = ["--data-dir", str(settings.data_dir)]
    noted = runner.invoke(cli, [*args, "ingest", str(LISTING)])
    assert "note: 1 documents were read by an older extractor; run casebook reextract" in noted.output
    ran = runner.invoke(cli, [*args, "reextract", "--no-progress"])
    assert ran.exit_code == 0, ran.output
    assert (
        f"reextract: 1 documents read again by {extractor_stamp()}: 0 texts changed, 1 with other"
        in ran.output
    )
    assert "older extractor" not in runner.invoke(cli, [*args, "ingest", str(LISTING)]).output


def test_a_date_read_again_gives_the_first_report_back_its_place_as_the_original(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    item = demo_imports(settings.demo_path)[1]  # Black Triangle, 4 May 2017
    original = item.path.read_text(encoding="utf-8")
    repost = (
        original.replace("blacktrianglecampaign.org/2017/05/04/", "example.org/2017/05/09/")
        .replace("4th May 2017", "9th May 2017")
        .replace("2017-05-04", "2017-05-09")
    )
    repost_url = item.url.replace("blacktrianglecampaign.org/2017/05/04/", "example.org/2017/05/09/")
    first_id, copy_id = _archive_as_read_before(
        settings,
        [
            (
                item.url,
                original.encode(),
                item.fetched,
                lambda d: replace(d, published=date(2017, 5, 10), extractor=OLDER),
            ),
            (repost_url, repost.encode(), item.fetched, lambda d: d),  # read by this extractor
        ],
    )
    with open_store(settings) as store:  # the older reading made the repost look like the first report
        assert store.get(first_id).duplicate_of == copy_id
    report = reextract(settings, progress=False)
    assert report.metadata == [first_id] and report.stale == 1
    with open_store(settings) as store:
        assert store.get(first_id).document.published == date(2017, 5, 4)
        assert store.get(copy_id).duplicate_of == first_id and store.get(first_id).duplicate_of is None
    only = search(open_backend(settings), "boycott", originals_only=True)
    assert [r["id"] for r in only["results"]] == [first_id]


def test_a_document_read_now_under_another_address_stays_where_links_point(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    elsewhere = (
        "https://syndication.example.com/p/182014527"  # an older reading took another site's canonical
    )
    (doc_id,) = _archive_as_read_before(
        settings, [(*_dns(settings), lambda d: replace(_older(d), canonical_url=elsewhere))]
    )
    report = reextract(settings, progress=False)
    assert report.texts == [doc_id] and len(report.addresses) == 1
    assert "read now as https://www.disabilitynewsservice.com/work-coaches" in report.addresses[0]
    with open_store(settings) as store:
        doc = store.get(doc_id).document  # the same id, so /doc/<id> and citations still work
        assert (doc.canonical_url, doc.published) == (elsewhere, date(2022, 3, 17))
