"""How sure extraction was, wherever a reader meets a document: store, analyze, check, API, page, search.

A page kept on weak evidence ("uncertain": little text) or read by trafilatura's fallback must be findable
for review, and a date the page contradicts must say so.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import settings_for

from casebook.cli import cli
from casebook.models import Document
from casebook.settings import Settings
from casebook.store import MIGRATIONS, Store
from indexer.pipeline.check import check
from indexer.pipeline.ingest import ingest

SHORT = (
    "<html><head><title>Minister's statement on PIP</title>"
    '<meta property="article:published_time" content="2020-01-10T10:00:00+00:00"></head><body><article>'
    "<h1>Minister's statement on PIP</h1><p>Watch the minister's statement to the Commons on the future"
    " of personal independence payment.</p></article></body></html>"
)
FULL = (
    "<html><head><title>Assessment contract paused</title></head><body><article><h1>Assessment contract"
    " paused</h1><p>The Department for Work and Pensions has paused the roll-out of its new assessment"
    " contract after a report found that claimants waited six months for a decision.</p><p>Campaigners"
    " said the delays had pushed many disabled people into debt, and that the department had been warned"
    " about the backlog a year ago.</p><p>A spokesperson said the pause would allow the provider to train"
    " more assessors before taking on the remaining regions later in the year.</p></article></body></html>"
)


def make_doc(**kw: object) -> Document:
    values: dict = {
        "url": "https://news.example.org/a",
        "canonical_url": "https://news.example.org/a",
        "source": "news.example.org",
        "title": "A",
        "text": "Some text.",
        "fetched": datetime(2024, 5, 1, tzinfo=UTC),
        "published": date(2024, 4, 30),
        "published_from": "metadata",
        "published_confidence": "disputed",
        "extraction": "uncertain",
    }
    values.update(kw)
    return Document(**values)  # type: ignore[arg-type]


def test_the_store_keeps_how_sure_extraction_was(tmp_path: Path) -> None:
    with Store(tmp_path / "c.db") as store:
        store.save(make_doc())
        stored = store.get(make_doc().id).document
    assert (stored.extraction, stored.published_confidence) == ("uncertain", "disputed")


def test_documents_stored_before_the_migration_read_as_full(tmp_path: Path) -> None:
    """An archive made by an earlier Casebook opens, migrates, and reads its documents as fully extracted
    (they passed the stricter old rules) with no date confidence recorded."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:-1], 1):
        conn.executescript(script + f"; PRAGMA user_version={number};")
    conn.execute(
        "INSERT INTO documents (id, url, canonical_url, source, title, authors, published, published_from,"
        " updated, fetched, first_fetched, language, categories, tags, text, comments, content_hash, version,"
        " warc_file, warc_offset) VALUES ('d1', 'u', 'u', 's', 't', '[]', NULL, NULL, NULL,"
        " '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00', NULL, '[]', '[]', 'x', '[]', 'h', 1,"
        " NULL, NULL)"
    )
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        doc = store.get("d1").document
    assert (doc.extraction, doc.published_confidence) == ("full", None)


def test_analyze_says_how_sure_it_was(tmp_path: Path) -> None:
    page = tmp_path / "short.html"
    page.write_text(SHORT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", "--no-enrich", str(page)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["extraction"] == "uncertain"
    assert out["published_confidence"] == "single"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("pages")
    (folder / "short.html").write_text(SHORT, encoding="utf-8")
    (folder / "full.html").write_text(FULL, encoding="utf-8")
    settings = settings_for(tmp_path_factory.mktemp("confidence-data"))
    report = ingest(settings, paths=[folder], progress=False, enrich=False)
    assert report.outcomes["new"] == 2, report
    return settings


def _ids(settings: Settings) -> dict[str, str]:
    with Store(settings.db_path) as store:
        return {s.document.title: s.document.id for s in store.iter_documents()}


def test_check_lists_the_documents_to_review_without_calling_them_problems(archive: Settings) -> None:
    report = check(archive)
    assert report.ok
    short = _ids(archive)["Minister's statement on PIP"]
    assert [(r.doc_id, r.why) for r in report.review] == [(short, "extraction uncertain")]
    assert "1 document to review" in report.summary()
    result = CliRunner().invoke(cli, ["--data-dir", str(archive.data_dir), "check"])
    assert result.exit_code == 0
    assert f"to review: {short}" in result.output and "extraction uncertain" in result.output
    as_json = json.loads(
        CliRunner().invoke(cli, ["--data-dir", str(archive.data_dir), "check", "--json"]).output
    )
    assert as_json["review"] == [
        {"doc_id": short, "url": as_json["review"][0]["url"], "why": "extraction uncertain"}
    ]


@pytest.mark.slow
def test_api_document_page_and_search_facet(archive: Settings) -> None:
    from webui.app import create_app

    client = create_app(archive).test_client()
    short = _ids(archive)["Minister's statement on PIP"]
    doc = client.get(f"/api/doc/{short}").get_json()
    assert (doc["extraction"], doc["published_confidence"]) == ("uncertain", "single")
    page = client.get(f"/doc/{short}").get_data(as_text=True)
    assert "Extraction" in page and "uncertain" in page
    found = client.get("/api/search?q=*").get_json()
    assert found["facets"]["extraction"] == {"full": 1, "uncertain": 1}
    narrowed = client.get("/api/search?q=*&extraction=uncertain").get_json()
    assert [r["id"] for r in narrowed["results"]] == [short]
    search_page = client.get("/search?q=*").get_data(as_text=True)
    assert "Extraction" in search_page
