"""The web UI over a real demo archive, through Flask's test client; hostile pages stay text."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import settings_for

from casebook.store import Store
from indexer.pipeline.ingest import ingest
from webui.app import create_app

pytestmark = pytest.mark.slow

HOSTILE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Sanctions &lt;script&gt;alert('title')&lt;/script&gt;</title>
<meta property="og:title" content="Sanctions <script>alert('title')</script> story">
<link rel="canonical" href="https://evil.example/sanctions/"></head>
<body><article><h1>Sanctions <script>alert('title')</script> story</h1>
<time class="entry-date published" datetime="2024-02-01T09:00:00+00:00">1 February 2024</time>
<div class="entry-content">
<p>Benefit sanctions &lt;img src=x onerror=alert(1)&gt; were applied to disabled claimants across the country,
campaigners said, and the department refused to publish the figures that would show how many.</p>
<p>Another paragraph about sanctions &lt;a href="javascript:alert(2)"&gt;click&lt;/a&gt; and the work
capability assessment, which campaigners say has failed thousands of disabled people for years now.</p>
</div></article></body></html>"""


@pytest.fixture(scope="module")
def client(demo_archive):  # noqa: ANN001, ANN201
    return create_app(demo_archive).test_client()


def first_doc_id(settings) -> str:  # noqa: ANN001
    with Store(settings.db_path) as store:
        return next(store.iter_documents()).document.id


def test_search_page_shows_results_and_facet_counts(client) -> None:  # noqa: ANN001
    page = client.get("/search?q=sanctions")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<mark>" in html.lower()
    assert "Source" in html and "Year" in html and "Benefits and Work" in html
    assert 'class="count">(' in html


def test_facet_link_filters_and_api_agrees(client) -> None:  # noqa: ANN001
    everything = client.get("/api/search?q=sanctions").get_json()
    source, count = next(iter(everything["facets"]["source"].items()))
    narrowed = client.get(f"/api/search?q=sanctions&source={source}").get_json()
    assert narrowed["total"] == count < everything["total"]
    assert {r["source"] for r in narrowed["results"]} == {source}
    assert set(everything) == {"total", "results", "facets"}


def test_document_page_and_archived_copy(client, demo_archive) -> None:  # noqa: ANN001
    doc_id = first_doc_id(demo_archive)
    page = client.get(f"/doc/{doc_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"/doc/{doc_id}/archived" in html and "Fetched" in html
    archived = client.get(f"/doc/{doc_id}/archived/page")
    assert archived.status_code == 200
    csp = archived.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox") and "allow-scripts" not in csp and "allow-same-origin" not in csp
    assert archived.data.startswith(b"<!") or b"<html" in archived.data[:500].lower()
    data = client.get(f"/api/doc/{doc_id}").get_json()
    assert data["id"] == doc_id and data["text"] and data["fetched"]


def test_only_web_urls_become_links(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from casebook.archive import WarcArchive

    archive = WarcArchive(tmp_path / "in", prefix="odd")
    archive.write_resource(
        "javascript:alert(1)//x",
        HOSTILE.replace('<link rel="canonical" href="https://evil.example/sanctions/">', "").encode(),
        "text/html",
        datetime(2024, 2, 2, tzinfo=UTC),
    )
    settings = settings_for(tmp_path / "data")
    assert ingest(settings, [tmp_path / "in"], progress=False).outcomes["new"] == 1
    html = create_app(settings).test_client().get(f"/doc/{first_doc_id(settings)}").get_data(as_text=True)
    assert 'href="javascript:' not in html and "javascript:alert(1)//x" in html


def test_unknown_and_malformed_ids_are_404(client) -> None:  # noqa: ANN001
    for path in (
        "/doc/0000000000000000",
        "/doc/../../etc/passwd",
        "/doc/%3Cscript%3E",
        "/api/doc/zz",
        "/doc/0000000000000000/archived",
    ):
        assert client.get(path).status_code == 404, path


def test_security_headers_on_every_page(client) -> None:  # noqa: ANN001
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_hostile_page_is_shown_as_text_everywhere(tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(HOSTILE, encoding="utf-8")
    settings = settings_for(tmp_path / "data")
    report = ingest(settings, [page], progress=False)
    assert report.outcomes["new"] == 1, report.skipped
    client = create_app(settings).test_client()
    results = client.get("/search?q=sanctions").get_data(as_text=True)
    doc_id = first_doc_id(settings)
    document = client.get(f"/doc/{doc_id}").get_data(as_text=True)
    for html in (results, document):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
    assert "&lt;script&gt;" in results or "&lt;script&gt;" in document
    api = client.get("/api/search?q=sanctions").get_json()
    assert "<script>" not in api["results"][0]["snippet"]


def test_document_page_has_a_cite_box_and_paragraph_anchors(client, demo_archive) -> None:  # noqa: ANN001
    doc_id = first_doc_id(demo_archive)
    html = client.get(f"/doc/{doc_id}").get_data(as_text=True)
    assert html.count("data-copy") == 3 and "Harvard" in html and "Markdown" in html
    assert f"/doc/{doc_id}/archived" in html.split("Cite this article")[1]
    assert 'id="p1"' in html and 'href="#p1"' in html


def test_exports_of_a_search(client) -> None:  # noqa: ANN001
    total = client.get("/api/search?q=sanctions").get_json()["total"]
    csv_text = client.get("/export/csv?q=sanctions").get_data(as_text=True)
    assert len(csv_text.strip().splitlines()) >= total + 1 and csv_text.startswith("\ufeffid,title,authors")
    assert client.get("/export/csv?q=sanctions&bom=0").get_data(as_text=True) == csv_text[1:]
    assert "AU  - Pring, John" in client.get("/export/ris?q=boycott").get_data(as_text=True)
    ris_text = client.get("/export/ris?q=sanctions").get_data(as_text=True)
    assert ris_text.count("TY  - NEWS") == total and ris_text.count("ER  - ") == total
    csl = client.get("/export/csl?q=sanctions").get_json()
    assert len(csl) == total and all(item["URL"].startswith("http") for item in csl)
    jsonl = client.get("/export/jsonl?q=sanctions").get_data(as_text=True).splitlines()
    assert len(jsonl) == total
    response = client.get("/export/csv?q=sanctions")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert client.get("/export/exe?q=x").status_code == 404


def test_sources_and_entity_pages(client) -> None:  # noqa: ANN001
    html = client.get("/sources").get_data(as_text=True)
    assert "Benefits and Work" in html and "Black Triangle Campaign" in html
    dwp = client.get("/entity/org:dwp")
    assert dwp.status_code == 200
    page = dwp.get_data(as_text=True)
    assert "Department for Work and Pensions" in page and "Latest articles" in page
    assert "<svg" in page and "<table" in page  # every chart has a table alternative
    assert client.get("/entity/not-an-id").status_code == 404
    assert client.get("/entity/org:no-such-thing").status_code == 404


def test_malformed_query_is_a_400_with_a_suggestion_never_a_500(client) -> None:  # noqa: ANN001
    for q in ('"unclosed phrase', "(sanctions OR", "published:2019-13", "nosuchfield:x", "x" * 3000):
        page = client.get("/search", query_string={"q": q})
        assert page.status_code == 400, q
        assert "That search could not be run" in page.get_data(as_text=True)
        api = client.get("/api/search", query_string={"q": q})
        assert api.status_code == 400 and set(api.get_json()) == {"error", "suggestion"}, q


def test_date_range_sort_and_originals_switch(client) -> None:  # noqa: ANN001
    everything = client.get("/api/search?q=*&sort=oldest").get_json()
    dated = [r["published"] for r in everything["results"] if r["published"]]
    assert dated == sorted(dated)
    only_2017 = client.get("/api/search?q=*&since=2017&until=2017").get_json()
    assert only_2017["total"] >= 1 and all(r["published"].startswith("2017") for r in only_2017["results"])
    html = client.get("/search?q=*&since=2017&originals=1").get_data(as_text=True)
    assert "from 2017" in html and "originals only" in html


def test_timeline_compares_series_with_table_and_events(client) -> None:  # noqa: ANN001
    page = client.get("/timeline?q=sanctions&q=scheme:ESA&by=year")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "<table" in html and "Key policy events" in html
    assert "Personal Independence Payment introduced" in html
    assert "/search?q=sanctions&amp;since=2017&amp;until=2017" in html
    share = client.get("/timeline?q=sanctions&measure=share&by=year").get_data(as_text=True)
    assert "% of all coverage" in share
    assert client.get("/timeline").status_code == 200


def test_quotes_page_search_by_speaker_with_citation_and_csv(client) -> None:  # noqa: ANN001
    page = client.get("/quotes?speaker=Peter Jackson")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "There was no conditionality to it." in html and "— Peter Jackson" in html
    assert "Liz Sayce" not in html.split("<ol")[1]  # only his quotes
    assert (
        "Black Triangle Campaign, 4 May 2017. https://blacktrianglecampaign.org/" in html
    )  # copy with source
    rows = client.get("/quotes.csv?speaker=Peter Jackson").get_data(as_text=True).splitlines()
    assert rows[0] == (
        "\ufeffquote,speaker,speaker_as_written,speaker_id,headline,outlet,published,url,archived_url,"
        "paragraph_url,citation"
    )
    assert any("Peter Jackson" in row for row in rows[1:])
    assert client.get("/quotes", query_string={"q": '"unclosed'}).status_code == 400
    assert "0 quotes" in client.get("/quotes?q=zzzznotaword").get_data(as_text=True)


def test_no_page_can_load_more_than_200_kb_of_static_assets() -> None:
    """Pages load only files from webui/static (the CSP forbids anything else): their sum is the bound."""
    from bench.webui_bench import STATIC_BUDGET, static_weight

    assert 0 < static_weight() <= STATIC_BUDGET


def test_every_page_has_a_json_twin_with_the_same_data(client) -> None:  # noqa: ANN001
    from markupsafe import escape

    entity = client.get("/api/entity/org:dwp").get_json()
    assert entity["name"] == "Department for Work and Pensions" and entity["kind"] == "organisation"
    assert entity["archive"]["documents"] >= 1 and "DWP" in entity["gazetteer"]["aliases"]
    official = client.get("/api/entity/official:iain-duncan-smith").get_json()
    assert official["gazetteer"]["roles"][0]["start"] == "2010-05-12"  # ISO dates, not HTTP dates
    timeline = client.get("/api/timeline?q=sanctions&q=scheme:ESA&by=year").get_json()
    assert list(timeline["series"]) == ["sanctions", "scheme:ESA"]
    assert all(len(v) == len(timeline["periods"]) for v in timeline["series"].values())
    assert timeline["events"][0]["date"][:4].isdigit() and timeline["events"][0]["source"].startswith("http")
    sources = client.get("/api/sources").get_json()
    page = client.get("/sources").get_data(as_text=True)
    assert sources and all(str(escape(row["title"])) in page for row in sources)
    assert sum(row["documents"] for row in sources) == client.get("/api/search?q=*").get_json()["total"]
    quotes = client.get("/api/quotes?speaker=Liz+Sayce").get_json()
    assert quotes["total"] >= 1 and all("Liz Sayce" in q["citation"] for q in quotes["results"])
    assert client.get("/api/entity/org:no-such-thing").status_code == 404
    assert client.get("/api/entity/org:no-such-thing").get_json() == {
        "error": "no such document, entity or page"
    }


def test_facet_groups_offer_more_values_on_request(client) -> None:  # noqa: ANN001
    import re

    short = client.get("/search?q=*").get_data(as_text=True)
    more = re.search(r'href="([^"]*more=(\w+)[^"]*)#facet-\w+">More', short)
    assert more, "a facet group with more than ten values offers more"
    group = more.group(2)
    full = client.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)

    def values(html: str) -> int:
        section = html.split(f'id="facet-{group}"', 1)[1].split("</section>", 1)[0]
        return section.count('<span class="count">')

    assert values(short) == 10 < values(full)
    assert "Fewer" in full


def test_document_text_links_mentions_and_marks_quotes(client, demo_archive) -> None:  # noqa: ANN001
    with Store(demo_archive.db_path) as store:
        doc_id = store.db.execute(
            "SELECT doc_id FROM quotes GROUP BY doc_id ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()["doc_id"]
        first = store.quotes(doc_id)[0]
        mention = store.mentions(doc_id)[0]
    html = client.get(f"/doc/{doc_id}").get_data(as_text=True)
    body = html.split('<div class="body">', 1)[1].split("</div>", 1)[0]
    assert f'href="/entity/{mention.id}"' in body
    assert '<mark class="quote"' in body
    assert first.text.split()[0] in body.split('<mark class="quote"', 1)[1]


def test_marking_escapes_every_piece_before_tagging_it() -> None:
    from casebook.models import Mention, Quote
    from webui.marking import marked_paragraphs

    text = "Minister <script>x</script> said.\n\n“Cut <b>it</b>,” she said."
    mentions = [Mention("Minister", "official", "official:x", "A <Minister>", 0, 8)]
    quotes = [Quote("Cut <b>it</b>,", "Minister", None, "said", text.index("Cut"), text.index(",”") + 1)]
    first, second = marked_paragraphs(text, mentions, quotes, lambda i: f"/entity/{i}")
    assert str(first.html).startswith('<a class="entity kind-official" href="/entity/official:x"')
    assert "&lt;script&gt;x&lt;/script&gt;" in first.html and "<script>" not in first.html
    assert 'title="A &lt;Minister&gt; (official)"' in first.html
    assert '<mark class="quote" title="quote: Minister">Cut &lt;b&gt;it&lt;/b&gt;,</mark>' in second.html
    assert (first.number, second.number) == (1, 2)


def test_the_archived_copy_has_its_context_outside_the_sandbox(client, demo_archive) -> None:  # noqa: ANN001
    with Store(demo_archive.db_path) as store:
        doc = next(store.iter_documents()).document
    page = client.get(f"/doc/{doc.id}/archived")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    banner = html.split('class="archived-banner"', 1)[1].split("</section>", 1)[0]
    assert "Archived copy of" in banner and doc.canonical_url in banner
    assert f"{doc.fetched.day} {doc.fetched:%B %Y}" in banner and f'href="/doc/{doc.id}"' in banner
    frame = html.split("<iframe", 1)[1].split(">", 1)[0]
    assert f'src="/doc/{doc.id}/archived/page"' in frame and 'sandbox=""' in frame  # no allow-anything
    framed = client.get(f"/doc/{doc.id}/archived/page")
    csp = framed.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "allow-" not in csp and "frame-ancestors 'self'" in csp
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"  # only Casebook's own page may frame it


def test_timeline_resolves_names_as_search_does(client) -> None:  # noqa: ANN001
    """A gazetteer alias (not a name the index was written with) means the same entity on the timeline, in
    its key articles and in search: every page searches through the one search service."""
    query = 'scheme:"Employment Support Allowance"'
    found = client.get("/api/search", query_string={"q": query}).get_json()
    assert found["total"] > 0
    series = client.get("/api/timeline", query_string={"q": query, "by": "year"}).get_json()
    assert sum(series["series"][query]) + series["undated"][query] == found["total"]
    page = client.get("/timeline", query_string={"q": query, "by": "year"})
    assert page.status_code == 200 and "Key articles" in page.get_data(as_text=True)


def test_pages_read_through_a_read_only_store_and_forms_write(demo_archive) -> None:  # noqa: ANN001
    """A GET opens the store read-only (no PRAGMA, no migration check per request); a POST read-write."""
    from casebook.store import StoreError
    from webui import context

    app = create_app(demo_archive)
    with app.test_request_context("/search?q=pip"):
        reading = context.store()
        assert reading.read_only and reading is context.store()  # one per request
        assert reading.count() > 0
        with pytest.raises(StoreError, match="readonly"):
            reading.db.execute("CREATE TABLE never (x)")
    with app.test_request_context("/timelines", method="POST"):
        assert not context.store().read_only
