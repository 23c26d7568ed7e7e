"""The Atom feed of a search (/search.atom): valid Atom 1.0 (RFC 4287) over hostile pages, newest first, its
links under ``public_url`` when set, linked from the search page, served by a ``--public`` archive."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import settings_for

from casebook.settings import Settings
from indexer.pipeline.ingest import FileImport, ingest
from webui.app import create_app

pytestmark = pytest.mark.slow

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
PUBLIC = "https://archive.example.org"
EVIL = "Sanctions <script>alert('feed')</script> & \"quotes\" ]]> \x01\x1b end"


def page(title: str, day: str, body: str) -> str:
    from html import escape

    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta property="article:published_time" content="{day}T09:00:00+00:00"></head>
<body><article><h1>{escape(title)}</h1>
<time class="entry-date published" datetime="{day}T09:00:00+00:00">{day}</time>
<div class="entry-content"><p>{escape(body)}</p><p>{escape(body)} More text about benefit sanctions,
claimants,
the department and the assessments that campaigners say have failed disabled people for years.</p>
</div></article></body></html>"""


PAGES = {
    "old": (
        "https://feed.example/2019/old",
        "Wombat sanctions in 2019",
        "2019-03-01",
        "Wombat sanctions, old.",
    ),
    "new": (
        "https://feed.example/2024/new",
        "Wombat sanctions in 2024",
        "2024-05-02",
        "Wombat sanctions, new.",
    ),
    "evil": (
        "https://feed.example/2023/evil",
        EVIL,
        "2023-01-05",
        "Wombat <img src=x onerror=alert(1)> \x02 body.",
    ),
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    pages = tmp_path_factory.mktemp("feed-pages")
    imports = []
    for name, (url, title, day, body) in PAGES.items():
        path = pages / f"{name}.html"
        path.write_text(page(title, day, body), encoding="utf-8")
        imports.append(FileImport(path, url, datetime(2024, 6, 1, 12, tzinfo=UTC)))
    settings = settings_for(tmp_path_factory.mktemp("feed-data"))
    report = ingest(settings, imports=imports, progress=False, enrich=False)
    assert report.outcomes["new"] == len(PAGES), report.skipped
    return settings


def atom_problems(xml: bytes) -> list[str]:
    """What RFC 4287 requires and this feed lacks (well-formedness is ET.fromstring's)."""
    root = ET.fromstring(xml)
    problems = []
    if root.tag != f"{A}feed":
        return [f"root is {root.tag}"]

    def need(element: ET.Element, where: str, *tags: str) -> None:
        for tag in tags:
            found = element.findall(f"{A}{tag}")
            if len(found) != 1 or not (found[0].text or "").strip():
                problems.append(f"{where}: exactly one non-empty {tag} needed, got {len(found)}")
        for stamp in element.findall(f"{A}updated") + element.findall(f"{A}published"):
            if not RFC3339.match(stamp.text or ""):
                problems.append(f"{where}: {stamp.tag} {stamp.text!r} is not an RFC 3339 date-time")
        alternates = {
            (x.get("type"), x.get("hreflang")) for x in element.findall(f"{A}link[@rel='alternate']")
        }
        if len(alternates) != len(element.findall(f"{A}link[@rel='alternate']")):
            problems.append(f"{where}: two alternate links of the same type")
        for link in element.findall(f"{A}link"):
            if not link.get("href"):
                problems.append(f"{where}: a link without href")

    need(root, "feed", "id", "title", "updated")
    if not root.findall(f"{A}link[@rel='self']"):
        problems.append("feed: no self link")
    feed_author = bool(root.findall(f"{A}author/{A}name"))
    for n, entry in enumerate(root.findall(f"{A}entry")):
        need(entry, f"entry {n}", "id", "title", "updated")
        if not entry.findall(f"{A}link[@rel='alternate']") and entry.find(f"{A}content") is None:
            problems.append(f"entry {n}: neither an alternate link nor content")
        if not feed_author and not entry.findall(f"{A}author/{A}name"):
            problems.append(f"entry {n}: no author")
    return problems


def entries(xml: bytes) -> list[ET.Element]:
    return ET.fromstring(xml).findall(f"{A}entry")


def test_the_feed_is_valid_atom_newest_first_with_both_links(archive: Settings) -> None:
    client = create_app(archive).test_client()
    response = client.get("/search.atom?q=wombat&sort=relevance&page=3")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert atom_problems(response.data) == []
    found = entries(response.data)
    titles = [e.findtext(f"{A}title") for e in found]
    shown_evil = " ".join(EVIL.replace("\x01", "").replace("\x1b", "").split())
    assert titles == ["Wombat sanctions in 2024", shown_evil, "Wombat sanctions in 2019"]
    newest = found[0]
    assert newest.findtext(f"{A}published") == "2024-05-02T00:00:00Z"
    links = {link.get("title"): link.get("href") for link in newest.findall(f"{A}link")}
    assert links["Original"] == "https://feed.example/2024/new"
    assert re.fullmatch(r"http://localhost/doc/[^/]+/archived", links["Archived copy"])
    source = client.get("/api/search?q=wombat&since=2024").get_json()["results"][0]["source"]
    assert newest.find(f"{A}category").get("term") == source
    assert "wombat sanctions, new" in newest.findtext(f"{A}summary").lower()


def test_hostile_titles_and_snippets_are_escaped_text(archive: Settings) -> None:
    body = create_app(archive).test_client().get("/search.atom?q=wombat").data
    assert b"<script>" not in body and b"<img" not in body and b"\x01" not in body and b"\x02" not in body
    assert b"&lt;script&gt;alert('feed')&lt;/script&gt; &amp; \"quotes\" ]]&gt;" in body
    evil = next(e for e in entries(body) if "alert" in (e.findtext(f"{A}title") or ""))
    assert "<img src=x onerror=alert(1)>" in evil.findtext(f"{A}summary")  # as text, for a reader to show


def test_filters_narrow_the_feed_and_a_bad_query_says_where_to_fix_it(archive: Settings) -> None:
    client = create_app(archive).test_client()
    found = entries(client.get("/search.atom?q=wombat&since=2020&until=2023-12").data)
    assert [e.findtext(f"{A}title")[:10] for e in found] == ["Sanctions "]
    bad = client.get("/search.atom?q=%22wombat")
    assert bad.status_code == 400 and "Correct it on the search page" in bad.get_data(as_text=True)


def test_public_archive_serves_the_feed_with_its_public_address(archive: Settings, tmp_path: Path) -> None:
    client = create_app(replace(archive, public_url=PUBLIC), public=True).test_client()
    body = client.get("/search.atom?q=wombat").data
    assert atom_problems(body) == []
    root = ET.fromstring(body)
    assert root.findtext(f"{A}id") == f"{PUBLIC}/search.atom?q=wombat"
    hrefs = [link.get("href") for link in root.iter(f"{A}link")]
    assert all(h.startswith((PUBLIC, "https://feed.example/")) for h in hrefs), hrefs


def test_the_search_page_links_its_feed(archive: Settings) -> None:
    html = create_app(archive).test_client().get("/search?q=wombat&page=1").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/search.atom?q=wombat"' in html
    assert "Atom feed of the newest matches" in html
