"""Content-codings: what the crawler asks for it can read back from the archive, and a record that failed
for a reason a newer Casebook can fix is tried again by the next ingest (and reported by check meanwhile).

The loopback site serves each article in another coding (gzip, deflate, br, zstd); responses are archived
as received, still encoded, and ingest decodes them through ``casebook.archive.codings``.
"""

from __future__ import annotations

import gzip
import sqlite3
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import brotli
import pytest
from conftest import settings_for
from crawlsite import FixtureSite
from test_crawl import FAST, documents, registry, warc_records, wordpress_entry

from casebook.archive import WarcArchive, codings, iter_pages
from casebook.archive.codings import (
    ACCEPTED,
    UndecodableBody,
    UnsupportedCoding,
    accept_encoding,
    decode_body,
)
from casebook.cli import crawl_then_ingest
from casebook.settings import Settings
from indexer.pipeline.check import check
from indexer.pipeline.ingest import ingest

try:
    from compression import zstd  # Python 3.14+
except ImportError:
    from backports import zstd

FETCHED = datetime(2024, 5, 2, 9, tzinfo=UTC)
ENCODE = {
    "gzip": lambda b: gzip.compress(b, mtime=0),
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstd.compress,
    "gzip, br": lambda b: brotli.compress(gzip.compress(b, mtime=0)),
}
FILLER = (
    "The tribunal heard that the claimant had waited eleven months for a decision, and that the department"
    " had lost the medical evidence twice before the hearing was finally listed by the court service."
)


def article(word: str) -> bytes:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{word} appeal waits</title></head>"
        f"<body><article><h1>{word} appeal waits</h1><p>{word} {FILLER}</p><p>{FILLER} {word}</p>"
        f"<p>{FILLER}</p></article></body></html>"
    ).encode()


def encoded_warc(settings: Settings, items: dict[str, bytes]) -> None:
    """One response per coding, archived as a server would send it (Content-Encoding, encoded body)."""
    archive = WarcArchive(settings.warc_dir, prefix="crawl-codings")
    for n, (coding, body) in enumerate(items.items()):
        archive.write_exchange(
            f"https://coded.example/{n}",
            "GET",
            [("Accept-Encoding", accept_encoding())],
            b"",
            200,
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", coding)],
            ENCODE[coding](body),
            FETCHED,
        )


def test_every_advertised_coding_decodes_and_nothing_else_is_advertised() -> None:
    page = article("Brotli") * 50
    assert set(ACCEPTED) == {"gzip", "deflate", "br", "zstd"}
    assert accept_encoding() == "gzip, deflate, br, zstd"
    for coding in ENCODE:
        assert decode_body(ENCODE[coding](page), coding) == page, coding
        assert decode_body(ENCODE[coding](page), coding.upper(), 100, prefix=True) == page[:100]
    assert decode_body(zlib.compress(page)[2:-4], "deflate") == page  # raw deflate, as IIS sends it
    assert decode_body(page, "identity") == page
    with pytest.raises(UnsupportedCoding, match="'compress'"):
        decode_body(page, "compress")
    with pytest.raises(UndecodableBody, match="not valid br data"):
        decode_body(page, "br")


def test_a_small_body_cannot_inflate_without_bound() -> None:
    bomb = brotli.compress(b"\0" * (8 << 20))
    assert len(bomb) < 100
    with pytest.raises(UndecodableBody, match="more than 1000000 bytes"):
        decode_body(bomb, "br", 1_000_000)


@pytest.mark.slow
def test_archived_responses_in_every_coding_become_documents(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    words = {"gzip": "Gzipped", "deflate": "Deflated", "br": "Brotlied", "zstd": "Zstandarded"}
    words["gzip, br"] = "Stacked"
    encoded_warc(settings, {coding: article(word) for coding, word in words.items()})
    report = ingest(settings, progress=False, enrich=False)
    assert report.skipped == [] and report.outcomes["new"] == len(words)
    titles = {s.document.title for s in _stored(settings)}
    assert titles == {f"{word} appeal waits" for word in words.values()}
    assert check(settings).ok


@pytest.mark.slow
def test_a_record_that_failed_for_a_fixable_reason_is_retried_and_reported_until_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path / "data")
    encoded_warc(settings, {"zstd": article("Zstandarded"), "br": article("Brotlied")})
    with monkeypatch.context() as without:  # a Casebook installed without the zstd library
        without.delitem(codings.DECODERS, "zstd")
        first = ingest(settings, progress=False, enrich=False)
    assert first.outcomes["new"] == 1
    assert first.skipped == [
        "https://coded.example/0: the payload cannot be decoded: content-coding 'zstd' needs a library that"
        " is not installed"
    ]
    report = check(settings)
    assert [p.kind for p in report.problems] == ["record-failed"]
    assert "run casebook ingest to try it again" in report.problems[0].message
    assert report.summary().endswith("1 problems")

    second = ingest(settings, progress=False, enrich=False)  # the library is there again
    assert second.outcomes["new"] == 1 and second.skipped == []
    assert {s.document.title for s in _stored(settings)} == {
        "Zstandarded appeal waits",
        "Brotlied appeal waits",
    }
    assert check(settings).ok
    third = ingest(settings, progress=False, enrich=False)  # nothing left to try
    assert sum(third.outcomes.values()) == 0 and third.skipped == []


@pytest.mark.slow
def test_a_brotli_failure_stored_by_an_older_casebook_is_retried(tmp_path: Path) -> None:
    """Archives made before this fix hold brotli records marked with warcio's error: the next ingest
    makes them documents."""
    settings = settings_for(tmp_path / "data")
    encoded_warc(settings, {"br": article("Brotlied")})
    record = next(iter_pages(next(settings.warc_dir.glob("*.warc.gz"))))
    from casebook.store import Store

    with Store(settings.db_path) as store, store.transaction():
        store.add_record(
            record.page.record_id or "",
            record.page.warc_file or "",
            record.page.warc_offset or 0,
            record.page.url,
            record.payload_digest,
            record.page.fetched,
            None,
            "the payload cannot be decoded (AttributeError: 'brotli.Decompressor' object has no attribute"
            " 'unused_data')",
        )
    assert [p.kind for p in check(settings).problems] == ["record-failed"]
    report = ingest(settings, progress=False, enrich=False)
    assert report.outcomes["new"] == 1
    assert check(settings).ok


@pytest.mark.slow
def test_a_crawl_of_a_site_serving_every_coding_archives_them_as_sent_and_reads_them(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    slugs = {
        "gzip": "work-coaches-confirm-harsher-jobcentre-tactics",
        "deflate": "food-bank-referrals-rise",
        "br": "mental-health-claimants-sanctioned",
        "zstd": "pip-assessors-told-to-disregard-evidence",
    }
    with FixtureSite("wordpress", "127.0.0.1") as site:
        site.codings = {site.post(slug).path: coding for coding, slug in slugs.items()}
        url_of = {coding: site.url(site.post(slug).path) for coding, slug in slugs.items()}
        titles = {coding: site.post(slug).title for coding, slug in slugs.items()}
        report = crawl_then_ingest(
            settings,
            sources_file=registry(tmp_path, wordpress_entry(site)),
            urls=list(url_of.values()),
            progress=False,
            options=replace(FAST, retries=0),
        )
        hits = site.hits()
    assert report.new == 4 and report.errors == []
    assert {h.headers.get("accept-encoding") for h in hits} == {accept_encoding()}
    records = {r.url: r for r in warc_records(settings) if r.type == "response"}
    for coding, url in url_of.items():
        assert records[url].headers["content-encoding"] == coding  # archived as received: still encoded
        assert titles[coding].encode() not in records[url].raw
    docs = documents(settings)
    assert {url: docs[url].document.title for url in url_of.values()} == {
        url_of[coding]: title for coding, title in titles.items()
    }
    assert check(settings).ok


def _stored(settings: Settings) -> list:
    from casebook.store import Store

    with Store(settings.db_path) as store:
        return list(store.iter_documents())


def test_records_marked_for_retry_are_found_by_ingest(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    from casebook.store import Store

    with Store(settings.db_path) as store, store.transaction():
        for n, outcome in enumerate(
            [
                "new",
                "pending",
                "extraction failed (ValueError: x)",
                "the payload cannot be decoded: y",
                "HTTP 404",
            ]
        ):
            store.add_record(
                f"<urn:{n}>", f"f{n}.warc.gz", 0, "https://x.example/", None, FETCHED, None, outcome
            )
        assert store.warc_files_to_process("code-1") == ["f1.warc.gz", "f2.warc.gz", "f3.warc.gz"]
    conn = sqlite3.connect(settings.db_path)
    assert conn.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 5
    conn.close()
