"""rel=canonical across sites is a claim, never an identity: a page from another site that names a news
story as its canonical stays a document of its own (it cannot become a version of the story, cited under
the outlet's name), and a syndicated repost that names the original is linked to it as a copy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import settings_for
from searching import search

from casebook.models import stable_id
from casebook.settings import Settings
from casebook.sources import load_sources
from casebook.store import Store
from indexer.dedup.canonical import canonical_identity
from indexer.pipeline.check import check
from indexer.pipeline.ingest import FileImport, ingest
from webui.app import create_app

DNS = "https://www.disabilitynewsservice.com/assessors-told-to-ignore-evidence/"
EVIL = "https://evil-blog.example/2024/assessors"
REPOST = "https://repost-campaign.example/2024/05/assessors-told-to-ignore-evidence/"
STORY = (
    "Assessors working for the department were told to disregard evidence from claimants' own doctors,"
    " according to internal training documents seen by Disability News Service. The documents show that"
    " assessors were advised that letters from consultants should carry less weight than their own"
    " observations during a short face-to-face assessment. Disabled people's organisations said the"
    " guidance explained why so many decisions were overturned at tribunal."
)
LIES = (
    "This version of the story was written by someone else entirely and says the opposite: assessors were"
    " praised for reading every medical letter, and nobody complained about the training at any point in"
    " the year, according to a spokesperson who could not be named for this invented article."
)


def page(folder: Path, name: str, title: str, author: str, text: str, canonical: str) -> Path:
    path = folder / f"{name}.html"
    path.write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="canonical" href="{canonical}"><meta name="author" content="{author}"></head><body>'
        f"<article><h1>{title}</h1><p>By {author}</p><p>{text}</p><p>{text}</p></article></body></html>",
        encoding="utf-8",
    )
    return path


def day(n: int) -> datetime:
    return datetime(2024, 5, n, 9, tzinfo=UTC)


def test_a_canonical_on_another_site_is_only_a_claim() -> None:
    sources = load_sources(settings_for(Path("/tmp")).sources_path)
    assert canonical_identity(EVIL, DNS, sources) == (EVIL, DNS)
    assert canonical_identity(EVIL + "#top", DNS, sources) == (EVIL, DNS)
    assert canonical_identity(DNS + "?amp=1", DNS, sources) == (DNS, None)  # the page's own site
    assert canonical_identity(DNS.replace("www.", ""), DNS, sources) == (DNS, None)
    assert canonical_identity("file:///tmp/saved.html", DNS, sources) == (DNS, None)  # no address of its own


@pytest.mark.slow
def test_another_site_cannot_replace_a_story_and_a_repost_is_linked_to_it(tmp_path: Path) -> None:
    settings: Settings = settings_for(tmp_path / "data")
    repost = page(tmp_path, "repost", "Assessors told to ignore evidence", "Campaign Desk", STORY, DNS)
    original = page(tmp_path, "dns", "Assessors told to ignore evidence", "John Pring", STORY, DNS)
    hostile = page(tmp_path, "evil", "Hijacked headline about assessors", "Mallory Fake", LIES, DNS)
    amp = page(tmp_path, "amp", "Assessors told to ignore evidence", "John Pring", STORY, DNS)
    amp.write_text(amp.read_text(encoding="utf-8") + "<!-- the AMP copy -->", encoding="utf-8")
    outcomes = []
    for item in (  # the repost is fetched first: without the claim it would be taken for the original
        FileImport(repost, REPOST, day(1)),
        FileImport(original, DNS, day(5)),
        FileImport(hostile, EVIL, day(9)),
        FileImport(amp, DNS + "?amp=1", day(10)),
    ):
        report = ingest(settings, imports=[item], progress=False, enrich=False)
        assert report.skipped == []
        outcomes.append(next(k for k, n in report.outcomes.items() if n))
    assert outcomes == ["new", "new", "new", "unchanged"]

    with Store(settings.db_path) as store:
        story = store.get(stable_id(DNS))
        assert story is not None
        assert (story.version, story.document.title, story.document.authors) == (
            1,
            "Assessors told to ignore evidence",
            ["John Pring"],
        )
        assert story.document.source == "disability-news-service" and story.duplicate_of is None
        assert len(store.versions(story.document.id)) == 1

        fake = store.get(stable_id(EVIL))
        assert fake is not None
        assert (fake.document.canonical_url, fake.document.source) == (EVIL, "evil-blog.example")
        assert fake.duplicate_of is None  # a different text: not a copy of anything
        assert store.canonical_claim(fake.document.id) == DNS

        copy = store.get(stable_id(REPOST))
        assert copy is not None
        assert copy.document.source == "repost-campaign.example"
        assert copy.duplicate_of == story.document.id  # linked as a copy of the original it names
        assert store.cluster_members(story.document.id) == [story.document.id, copy.document.id]

    found = search(settings.index_dir, '"hijacked headline"')
    assert [(h["url"], h["source"]) for h in found["results"]] == [(EVIL, "evil-blog.example")]
    client = create_app(settings).test_client()
    answer = client.get(f"/api/doc/{stable_id(EVIL)}").get_json()
    assert answer["canonical_claim"] == DNS and answer["url"] == EVIL
    assert "Names as its original" in client.get(f"/doc/{stable_id(EVIL)}").get_data(as_text=True)
    assert check(settings).ok
