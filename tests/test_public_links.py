"""Links that leave with the reader: every citation and export links under ``public_url``, never to this
computer; while it is unset the cite box says the links are local; URLs shown are canonical, not file://."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import settings_for

from casebook import timelines as tl
from casebook.errors import CasebookError
from casebook.settings import Settings, load_settings
from casebook.store import Store
from indexer.pipeline.ingest import ingest
from webui.app import create_app

pytestmark = pytest.mark.slow

PUBLIC = "https://archive.example.org/casebook"
LOCAL = ("127.0.0.1", "localhost")


@pytest.fixture(scope="module")
def published(demo_archive: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the demo archive with a public address and one named timeline of every document."""
    data = tmp_path_factory.mktemp("published") / "data"
    shutil.copytree(demo_archive.data_dir, data, symlinks=True)
    settings = replace(demo_archive, data_dir=data, public_url=PUBLIC)
    with Store(settings.db_path) as store:
        timeline = tl.create(store, "Everything")
        for row in store.db.execute("SELECT id FROM documents ORDER BY id").fetchall():
            tl.pin(store, timeline, row["id"])
    return settings


def test_public_url_setting_is_read_from_the_environment_and_checked() -> None:
    assert load_settings(env={"CASEBOOK_PUBLIC_URL": "https://archive.example.org/"}).public_url == (
        "https://archive.example.org"
    )
    assert load_settings(env={}).public_url == ""
    for bad in ("archive.example.org", "ftp://archive.example.org", "https://x.org/?q=1"):
        with pytest.raises(CasebookError, match="public_url must be the web address"):
            load_settings(env={"CASEBOOK_PUBLIC_URL": bad})


def test_every_citation_and_export_links_under_the_public_address(published: Settings) -> None:
    client = create_app(published).test_client()
    with Store(published.db_path) as store:
        doc_ids = [r["id"] for r in store.db.execute("SELECT id FROM documents ORDER BY id")]
        (timeline,) = [t.id for t in tl.list_timelines(store)]
    archived = f"{PUBLIC}/doc/{doc_ids[0]}/archived"
    page = client.get(f"/doc/{doc_ids[0]}").get_data(as_text=True)
    cite_box = page.split("Cite this article", 1)[1].split("</section>", 1)[0]
    assert cite_box.count(archived) == 3  # plain, Markdown, Harvard
    assert "readers elsewhere may not reach" not in page
    exports = {
        "csv": client.get("/export/csv?q=*").get_data(as_text=True),
        "jsonl": client.get("/export/jsonl?q=*").get_data(as_text=True),
        "ris": client.get("/export/ris?q=*").get_data(as_text=True),
        "csl": client.get("/export/csl?q=*").get_data(as_text=True),
        "timeline csv": client.get(f"/timelines/{timeline}.csv").get_data(as_text=True),
        "timeline json": client.get(f"/timelines/{timeline}.json").get_data(as_text=True),
        "timelinejs": client.get(f"/timelines/{timeline}/timelinejs.json").get_data(as_text=True),
    }
    for name, body in exports.items():
        assert not any(host in body for host in LOCAL), name
        assert f"{PUBLIC}/doc/" in body, name
    rows = [json.loads(line) for line in exports["jsonl"].splitlines()]
    assert {r["archived_url"] for r in rows} == {f"{PUBLIC}/doc/{d}/archived" for d in doc_ids}
    assert f"N1  - Archived copy: {PUBLIC}/doc/" in exports["ris"]
    assert all(
        item["note"].startswith(f"Archived copy: {PUBLIC}/doc/") for item in json.loads(exports["csl"])
    )
    items = json.loads(exports["timeline json"])["items"]
    assert {i["archived_url"] for i in items} == {f"{PUBLIC}/doc/{d}/archived" for d in doc_ids}


def test_while_unset_the_cite_box_says_the_links_are_local(demo_archive: Settings) -> None:
    client = create_app(demo_archive).test_client()
    with Store(demo_archive.db_path) as store:
        doc_id = next(store.iter_documents()).document.id
    page = client.get(f"/doc/{doc_id}").get_data(as_text=True)
    cite_box = page.split("Cite this article", 1)[1].split("</section>", 1)[0]
    assert "readers elsewhere may not reach" in cite_box and "<code>public_url</code>" in cite_box
    assert f"http://localhost/doc/{doc_id}/archived" in cite_box  # the address the page was opened at


def test_a_page_imported_from_a_file_is_shown_by_its_canonical_url(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from casebook.cli import cli

    page = tmp_path / "story.html"
    page.write_text(
        """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sanctions story</title>
<link rel="canonical" href="https://www.disabilitynewsservice.com/sanctions-story/"></head>
<body><article><h1>Sanctions story</h1>
<time class="entry-date published" datetime="2024-02-01T09:00:00+00:00">1 February 2024</time>
<div class="entry-content"><p>Benefit sanctions were applied to disabled claimants across the country,
campaigners said, and the department refused to publish the figures that would show how many.</p>
<p>Another paragraph about sanctions and the work capability assessment, which campaigners say has failed
thousands of disabled people for years now.</p></div></article></body></html>""",
        encoding="utf-8",
    )
    settings = settings_for(tmp_path / "data")
    assert ingest(settings, [page], progress=False).outcomes["new"] == 1
    canonical = "https://www.disabilitynewsservice.com/sanctions-story/"
    api = create_app(settings).test_client().get("/api/search?q=sanctions").get_json()
    assert [r["url"] for r in api["results"]] == [canonical]
    quotes_free = create_app(settings).test_client().get("/export/csv?q=*").get_data(as_text=True)
    assert "file://" not in quotes_free
    shown = CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), "search", "sanctions"])
    assert canonical in shown.output and "file://" not in shown.output
