"""Hostile pages end to end, and bad input to every route and to the CLI.

A small archive is built through the real line (WARC, extraction, store, spaCy, index) from crafted pages
whose titles, bodies, comments, by-lines, URLs and host names carry markup, event handlers, ``javascript:``
and ``data:`` links, broken markup, spreadsheet formulas and a 2 MB title; entity names, a quote's speaker
and a named timeline's name and note carry markup too. Every page Casebook serves (routes are read from
``app.url_map``, so new ones are covered as they are added) must show all of it as text, with its security
headers; exports must keep it as data and neutralise formulas; every route must answer bad input with a 4xx.
"""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import settings_for

from casebook import timelines as tl
from casebook.cli import cli
from casebook.models import Mention, Quote
from casebook.settings import Settings
from casebook.store import Store
from indexer.pipeline.ingest import FileImport, Ingester, ingest
from webui.app import create_app

pytestmark = pytest.mark.slow

FETCHED = datetime(2024, 2, 3, 12, tzinfo=UTC)
SCRIPT = "&lt;script&gt;alert('{0}')&lt;/script&gt;"  # in the HTML source: the text holds a real <script>
IMG = "&lt;img src=x onerror=alert('{0}')&gt;"
FILLER = (
    "Campaigners said the department had refused to publish the figures that would show how many disabled "
    "claimants lost their benefits, and that the work capability assessment had failed thousands of people "
    "for years, according to evidence given to the committee by charities and advice workers."
)
JS_URL = "javascript:alert(document.cookie)//hostile"
DATA_URL = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
BIG_CHARS = 2_000_000  # a 2 MB title (in <title> and <h1>) and a 2 MB comment, as HTML
BIG_TITLE = ("Gargantuan sanctions " + SCRIPT.format("big") + " ")[:100] * (BIG_CHARS // 100)


def page(title: str, body: str, *, head: str = "", byline: str = "", comments: str = "", h1: str = "") -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body class="post-template-default single single-post"><article class="post type-post">
<h1 class="entry-title">{h1 or title[:300]}</h1>
<div class="entry-meta"><time class="entry-date published" datetime="2024-02-01T09:00:00+00:00">1 February
2024</time> {byline}</div>
<div class="entry-content">{body}</div></article>{comments}</body></html>"""


def comment(author: str, text: str) -> str:
    return f"""<div id="comments" class="comments-area"><ol class="comment-list">
<li id="comment-1" class="comment even thread-even depth-1"><article id="div-comment-1" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{author}</b>
<span class="says">says:</span></div><div class="comment-metadata"><a href="#comment-1">
<time datetime="2024-02-02T10:00:00+00:00">February 2, 2024 at 10:00 am</time></a></div></footer>
<div class="comment-content"><p>{text}</p></div></article></li></ol></div>"""


def plain_page(title: str, word: str, **kwargs: str) -> str:
    return page(title, f"<p>{word} sanctions {FILLER}</p><p>{word} {FILLER}</p>", **kwargs)


PAGES = {
    "script": (
        "https://hostile.example/2024/script-title",
        page(
            f"Zanzibarite sanctions {SCRIPT.format('title')} report",
            f"""<p>Benefit sanctions zanzibarite{SCRIPT.format("adjacent")} were applied {IMG.format("body")}
to disabled claimants. {FILLER}</p>
<p>Read <a href="javascript:alert('link')">the javascript link</a>, <a href="data:text/html,x">the data
link</a> and <a href="https://example.org/x" onclick="alert('onclick')">an onclick link</a>.
<script>alert('raw script')</script><img src="x" onerror="alert('raw img')"> {FILLER}</p>
<p>“Sanctions {SCRIPT.format("quote")} are cruel and must end now,” said Jane Hostile, a campaigner.</p>
<p><b><i>Broken markup <div>never closed <p>and a &lt;/textarea&gt;&lt;/title&gt; escape. {FILLER}""",
            head='<meta property="og:title" content="Zanzibarite <script>alert(\'og\')</script> report">'
            '<link rel="canonical" href="https://hostile.example/2024/script-title">',
            byline=f'<span class="byline">By <span class="author vcard"><a class="url fn n" '
            f'href="javascript:alert(1)">Eve {SCRIPT.format("author")} Hacker</a></span></span>',
            comments=comment(
                f"Mallory {SCRIPT.format('commenter')}",
                f"Zanzibarite comment {IMG.format('comment')} about sanctions. {FILLER}",
            ),
        ),
    ),
    "javascript-url": (JS_URL, plain_page("Quokkafied sanctions from a javascript address", "Quokkafied")),
    "data-url": (DATA_URL, plain_page("Dataurlish sanctions from a data address", "Dataurlish")),
    "formula-equals": (
        "https://hostile.example/2024/formula-equals",
        plain_page(
            '=HYPERLINK("https://evil.example","click") sanctions',
            "Formulaic",
            byline='<span class="byline">By <span class="author vcard"><a class="url fn n">@SUM(1+1) '
            "Formula</a></span></span>",
        ),
    ),
    "formula-minus": (
        "https://hostile.example/2024/formula-minus",
        plain_page("-2+3 sanctions minus", "Minusy"),
    ),
    "formula-plus": (
        "https://hostile.example/2024/formula-plus",
        plain_page("+cmd|' /C calc'!A0 sanctions", "Plussy"),
    ),
    "hostile-host": (  # a host name holding markup: the document's source is that host
        "http://<script>alert('host')</script>/2024/host",
        plain_page(
            "Hostile host sanctions",
            "Wombatish",
            head='<link rel="canonical" href="http://&lt;script&gt;alert(\'host\')&lt;/script&gt;/2024/host">',
        ),
    ),
    "hostile-claim": (  # a canonical on another site is shown as a claim: markup in it stays text
        "https://hostile.example/2024/hostile-claim",
        plain_page(
            "Hostile claim sanctions",
            "Numbatish",
            head='<link rel="canonical" href="https://claimed.example/&lt;script&gt;alert(\'claim\')&lt;/script&gt;">',
        ),
    ),
    "big-title": (
        "https://hostile.example/2024/big-title",
        plain_page(BIG_TITLE, "Gargantuan", h1=BIG_TITLE),
    ),
    "big-comment": (
        "https://hostile.example/2024/big-comment",
        plain_page(
            "Colossal comment on sanctions",
            "Colossal",
            comments=comment(
                "Big Talker", ("Colossal " + SCRIPT.format("comment") + " ")[:60] * (BIG_CHARS // 60)
            ),
        ),
    ),
}
EVIL_ENTITY = "person:evil-name"
EVIL_NAME = "Evil <script>alert('entity')</script> Name"
EVIL_SPEAKER = "<img src=x onerror=alert('speaker')>"
SCRIPT_NAME = "<script>alert('saved')</script>"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    pages = tmp_path_factory.mktemp("hostile-pages")
    imports = []
    for name, (url, html) in PAGES.items():
        path = pages / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        imports.append(FileImport(path, url, FETCHED))
    settings = settings_for(tmp_path_factory.mktemp("hostile-data"))
    report = ingest(settings, imports=imports, progress=False)
    assert report.outcomes["new"] == len(PAGES), report.skipped
    # What spaCy and the quote finder could derive from hostile text: markup in entity and speaker names.
    with Store(settings.db_path) as store:
        doc_id = ids(settings)["script"]
        mentions = [*store.mentions(doc_id), Mention("Evil Name", "person", EVIL_ENTITY, EVIL_NAME, 0, 7)]
        quotes = [*store.quotes(doc_id), Quote("Zanzibarite words", EVIL_SPEAKER, EVIL_ENTITY, "said", 0, 9)]
        with store.transaction():
            store.save_annotations(doc_id, mentions, quotes)
        timeline = tl.create(store, "<script>alert('timeline')</script>", "<img src=x onerror=alert('desc')>")
        tl.pin(store, timeline, doc_id, "<script>alert('note')</script> =1+1")
        tl.pin(store, timeline, ids(settings)["javascript-url"], "@note")
        with store.transaction():  # a saved search and a batch named, and holding, what a page could hold
            saved = store.add_saved_search("", SCRIPT_NAME, "q=zanzibarite", "2024-01-01T00:00:00")
            store.add_matches(saved, [doc_id], "2024-02-01T00:00:00")
            store.add_saved_batch("", SCRIPT_NAME, ["zanzibarite", '"<script>alert(1)'], [], "2024-01-01")
    ingester = Ingester(settings, enrich=False)
    try:
        ingester.reindex(progress=False)
    finally:
        ingester.close()
    return settings


def ids(settings: Settings) -> dict[str, str]:
    """Page name -> document id, by the URL each page was imported (or declared canonical) with."""
    with Store(settings.db_path) as store:
        rows = store.db.execute("SELECT id, url, canonical_url FROM documents").fetchall()
    by_url = {r["url"]: r["id"] for r in rows}
    found = {name: by_url.get(url) for name, (url, _) in PAGES.items()}
    assert any("alert('host')" in r["canonical_url"] for r in rows)
    assert all(found.values()), found
    return found  # type: ignore[return-value]


@pytest.fixture(scope="module")
def app(hostile: Settings):  # noqa: ANN201
    app = create_app(hostile)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an exception must show up as the 500 a user would get
    return app


@pytest.fixture(scope="module")
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


# -- what "shown as text" means for an HTML page ---------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset"}


class Inert(HTMLParser):
    """Collects whatever in a page could run script: inline or foreign scripts, event handler attributes,
    script URLs, frames and plug-ins."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "script":
            self.in_script = True
            if not values.get("src", "").startswith("/static/"):
                self.problems.append(f"script not from /static/: {values}")
        sandboxed_copy = (  # the archived page, framed with every sandbox restriction (no allow-*)
            tag == "iframe"
            and values.get("sandbox") == ""
            and re.fullmatch(r"/doc/[0-9a-f]{16}/archived/page", values.get("src", ""))
        )
        if tag in ("iframe", "frame", "object", "embed", "base", "applet") and not sandboxed_copy:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.problems.append("meta refresh")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower().split(":", 1)[0]
                if ":" in value and scheme in ("javascript", "vbscript", "data"):
                    if not (tag == "link" and value == "data:,"):  # the empty favicon
                        self.problems.append(f"<{tag} {name}={value[:80]!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.problems.append(f"inline script: {data[:80]!r}")


def assert_inert(html: str, where: str) -> None:
    parser = Inert()
    parser.feed(html)
    parser.close()
    assert not parser.problems, (where, parser.problems[:5])
    for raw in ("<script>alert", "<img src=x", "<svg onload"):
        assert raw not in html, (where, raw)


def assert_headers(response, where: str) -> None:  # noqa: ANN001
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d for d in (p.strip() for p in csp.split(";")) if d}
    script = directives.get("script-src") or directives.get("default-src", "")
    if csp.startswith("sandbox"):  # the archived copy: no scripts at all, an opaque origin
        assert "allow-scripts" not in csp and "allow-same-origin" not in csp, where
    else:
        assert "'self'" in script and "unsafe-inline" not in script and "unsafe-eval" not in script, where
        assert directives.get("object-src") == "object-src 'none'", where
        assert "frame-ancestors 'none'" in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") in ("DENY", "SAMEORIGIN"), where
    assert headers.get("Referrer-Policy") in (
        "same-origin",
        "no-referrer",
        "strict-origin-when-cross-origin",
    ), where


def check(response, where: str, status: tuple[int, ...] = (200,)) -> str:  # noqa: ANN001
    assert response.status_code in status, (where, response.status_code)
    body = response.get_data(as_text=True)
    assert "Traceback" not in body, where
    assert_headers(response, where)
    sandboxed = response.headers.get("Content-Security-Policy", "").startswith("sandbox")
    if response.mimetype == "text/html" and not sandboxed:  # the archived original is hostile by design
        assert_inert(body, where)
    return body


# -- every page, with the hostile archive behind it ------------------------------------------------

QUERIES = (
    "sanctions",
    "zanzibarite",
    "script",
    "alert",
    "comments:zanzibarite",
    "quote:cruel",
    "author:eve",
    "person:evil",
    "quokkafied",
    "dataurlish",
    "gargantuan",
    "<script>alert(1)</script>",
)


def filled(rule, values: dict[str, list[str]]) -> list[str]:  # noqa: ANN001
    """The rule's path with each parameter replaced by every value given for it."""
    paths = [rule.rule]
    for name in rule.arguments:
        pattern = re.compile(r"<(?:[^:<>]+:)?" + re.escape(name) + r">")
        paths = [pattern.sub(lambda _m, v=v: v, p) for p in paths for v in values[name]]
    return paths


def get_routes(app) -> list:  # noqa: ANN001
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]


def every_page(app, settings: Settings, big: bool = True) -> Iterator[str]:  # noqa: ANN001
    """Paths of every GET route: each path parameter filled with every hostile value, query routes asked
    every query (a route whose index has no such field, such as quotes and ``comments:``, may say 400)."""
    doc_ids = ids(settings)
    with Store(settings.db_path) as store:
        timeline_id = tl.list_timelines(store)[0].id
    values = {
        "doc_id": [i for name, i in doc_ids.items() if big or not name.startswith("big-")],
        "entity_id": [EVIL_ENTITY, "person:jane-hostile", "scheme:sanctions"],
        "timeline_id": [str(timeline_id)],
        "search_id": ["1"],
        "batch_id": ["1"],
        "fmt": ["csv", "jsonl", "ris", "csl"],
    }
    for rule in get_routes(app):
        missing = set(rule.arguments) - set(values)
        assert not missing, f"new path parameter {missing} in {rule.rule}: give this test values for it"
        for path in filled(rule, values):
            if rule.arguments:
                yield path
                yield f"{path}?q=zanzibarite"
            else:
                yield from (f"{path}?q={q}" for q in QUERIES)
                yield f"{path}?q=sanctions&speaker=Jane+Hostile&source=hostile.example"
                yield f"{path}?q=zanzibarite&q=%3Cscript%3Ealert(1)%3C/script%3E&by=year"


def test_every_page_shows_hostile_content_as_text_with_security_headers(app, client, hostile) -> None:  # noqa: ANN001
    pages = list(every_page(app, hostile))
    assert len(pages) > 100
    for path in pages:
        check(client.get(path), path, status=(200, 400) if ":" in path.partition("?")[2] else (200,))


def test_search_results_snippets_and_highlights_escape_before_marking(client) -> None:  # noqa: ANN001
    html = check(client.get("/search?q=zanzibarite"), "search")
    assert "Zanzibarite sanctions &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; report" in html
    assert "<mark>zanzibarite</mark>&lt;script&gt;alert(" in html.lower()
    for q in QUERIES:
        found = client.get("/api/search", query_string={"q": q}).get_json()
        for hit in found["results"]:
            snippet = hit["snippet"]
            unmarked = snippet.replace("<mark>", "").replace("</mark>", "")
            assert "<" not in unmarked and ">" not in unmarked, (q, snippet[:200])
            assert snippet.count("<mark>") == snippet.count("</mark>"), q
    marked = client.get("/api/search?q=script").get_json()["results"]
    assert any("&lt;<mark>script</mark>&gt;" in hit["snippet"] for hit in marked)
    quotes = client.get("/api/quotes?q=cruel").get_json()["results"]
    assert quotes and all("<script>" not in hit["snippet"] for hit in quotes)


def test_source_comment_author_and_entity_names_are_text(client, hostile) -> None:  # noqa: ANN001
    doc = check(client.get(f"/doc/{ids(hostile)['script']}"), "document")
    assert "Mallory &lt;script&gt;alert(&#39;commenter&#39;)" in doc
    assert "Evil &lt;script&gt;alert(&#39;entity&#39;)&lt;/script&gt; Name" in doc
    assert "zanzibarite&lt;script&gt;alert(&#39;adjacent&#39;)" in doc
    search = check(client.get("/search?q=sanctions"), "search")
    assert "&lt;script&gt;alert(&#39;host&#39;)&lt;" in search  # the hostile host name as a source facet
    assert "&lt;script&gt;alert(&#39;host&#39;)&lt;" in check(client.get("/sources"), "sources")
    entity = check(client.get(f"/entity/{EVIL_ENTITY}"), "entity")
    assert "Evil &lt;script&gt;alert(&#39;entity&#39;)&lt;/script&gt; Name" in entity
    quotes = check(client.get("/quotes?q=zanzibarite"), "quotes")
    assert "&lt;img src=x onerror=alert(&#39;speaker&#39;)&gt;" in quotes
    named = check(client.get("/timelines"), "timelines")
    assert "&lt;script&gt;alert(&#39;timeline&#39;)&lt;/script&gt;" in named


def test_non_web_urls_are_never_links(client, hostile) -> None:  # noqa: ANN001
    doc_ids = ids(hostile)
    for name, url in (("javascript-url", JS_URL), ("data-url", DATA_URL)):
        html = check(client.get(f"/doc/{doc_ids[name]}"), name)
        assert url in html  # shown, as text
        assert f'href="{url}' not in html
        assert check(client.get(f"/doc/{doc_ids[name]}/archived"), f"{name}/archived")
        assert check(client.get(f"/doc/{doc_ids[name]}/archived/page"), f"{name}/archived/page")


def test_the_archived_copy_is_sandboxed(client, hostile) -> None:  # noqa: ANN001
    response = client.get(f"/doc/{ids(hostile)['script']}/archived/page")  # framed by .../archived
    check(response, "archived")
    csp = response.headers["Content-Security-Policy"]
    assert csp.split(";")[0].strip() == "sandbox" and "allow-" not in csp
    assert "script-src" not in csp or "'none'" in csp
    assert b"alert('raw script')" in response.data  # the original, byte for byte, but never run
    assert "Set-Cookie" not in response.headers


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def assert_neutralised(text: str, where: str) -> list[list[str]]:
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 2**20))  # the 2 MB title is one cell
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1, where
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_START), (where, cell[:80])
    return rows


def test_exports_keep_hostile_text_as_data_and_neutralise_formulas(client, hostile) -> None:  # noqa: ANN001
    rows = assert_neutralised(client.get("/export/csv?q=sanctions").get_data(as_text=True), "export csv")
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("https://evil.example","click") sanctions' in cells
    assert "'-2+3 sanctions minus" in cells and "'+cmd|' /C calc'!A0 sanctions" in cells
    assert any(cell.startswith("'@SUM") for cell in cells)
    assert_neutralised(client.get("/quotes.csv?q=*").get_data(as_text=True), "quotes csv")
    with Store(hostile.db_path) as store:
        timeline_id = tl.list_timelines(store)[0].id
    assert_neutralised(client.get(f"/timelines/{timeline_id}.csv").get_data(as_text=True), "timeline csv")

    jsonl = client.get("/export/jsonl?q=zanzibarite")
    assert jsonl.mimetype != "text/html"
    titles = [json.loads(line)["title"] for line in jsonl.get_data(as_text=True).splitlines()]
    assert "Zanzibarite sanctions <script>alert('title')</script> report" in titles  # data, exactly
    ris = client.get("/export/ris?q=sanctions").get_data(as_text=True)
    lines = [line for line in ris.split("\r\n") if line]
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines), "a value broke out of its RIS tag"
    assert (
        ris.count("TY  - ")
        == ris.count("ER  - ")
        == client.get("/api/search?q=sanctions").get_json()["total"]
    )
    csl = json.loads(client.get("/export/csl?q=sanctions").get_data(as_text=True))
    assert any("<script>" in item["title"] for item in csl)


def test_json_answers_are_json_with_nosniff(client, hostile) -> None:  # noqa: ANN001
    doc_id = ids(hostile)["script"]
    for path in (
        f"/api/doc/{doc_id}",
        "/api/search?q=zanzibarite",
        f"/api/entity/{EVIL_ENTITY}",
        "/api/quotes",
    ):
        response = client.get(path)
        check(response, path)
        assert response.mimetype == "application/json", path
    data = client.get(f"/api/doc/{doc_id}").get_json()
    assert data["title"] == "Zanzibarite sanctions <script>alert('title')</script> report"
    assert any(c["author"].startswith("Mallory <script>") for c in data["comments"])


def test_a_2_mb_title_and_comment_are_served_as_text(client, hostile) -> None:  # noqa: ANN001
    doc_id = ids(hostile)["big-title"]
    title = client.get(f"/api/doc/{doc_id}").get_json()["title"]
    assert len(title) > BIG_CHARS // 4 and title.startswith("Gargantuan sanctions <script>alert('big')")
    html = check(client.get(f"/doc/{doc_id}"), "big title")
    assert html.count("Gargantuan sanctions &lt;script&gt;alert(") > 1000
    comment_id = ids(hostile)["big-comment"]
    comments = client.get(f"/api/doc/{comment_id}").get_json()["comments"]
    assert len(comments[0]["text"]) > BIG_CHARS // 4
    html = check(client.get(f"/doc/{comment_id}"), "big comment")
    assert "Colossal &lt;script&gt;alert(" in html
    for q in ("gargantuan", "colossal", "comments:colossal"):
        check(client.get("/search", query_string={"q": q}), f"big search {q}")
        hits = client.get("/api/search", query_string={"q": q}).get_json()["results"]
        assert hits and all("<script>" not in hit["snippet"] for hit in hits), q
    rows = assert_neutralised(client.get("/export/csv?q=gargantuan").get_data(as_text=True), "big csv")
    assert any(len(cell) > BIG_CHARS // 4 for row in rows for cell in row)


# -- bad input to every route ----------------------------------------------------------------------

BAD_SEGMENTS = (
    "0000000000000000",
    "zz",
    "..%2f..%2fetc%2fpasswd",
    "..%2F..%2Fcasebook.db",
    "%2e%2e",
    "..",
    "%00",
    "%ff%fe",
    "%ed%a0%80",
    "x" * 5000,
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "-1",
    "0",
    "99999999999999999999999",
    "person:..%2f..",
    "org:",
    "1.5",
    "%20",
)
BAD_QUERIES = (
    "since=2020-13",
    "until=notadate",
    "since=2021&until=2019",
    "since=%ff%fe",
    "page=-5",
    "page=99999999999999999999",
    "sort=%00",
    "q=%22unclosed",
    "q=" + "(" * 300 + "x",
    "q=" + "a" * 20000,
    "q=%ff%fe%00",
    "by=%ff&measure=%00",
    "source=%00&-scheme=%ff",
    "speaker=%22&q=x",
    "endpoint=x&_anchor=y&_external=1&fmt=csv",
    "next=//evil.example",
)


def test_bad_path_parameters_get_a_4xx_on_every_route(app, client) -> None:  # noqa: ANN001
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static":
            continue
        values = {name: list(BAD_SEGMENTS) for name in rule.arguments}
        if "fmt" in values:
            values["fmt"] = ["exe", "..%2f..", "%00", "csv%00", "CSV"]
        for path in filled(rule, values):
            for method in sorted(rule.methods & {"GET", "POST"}):
                response = client.open(path, method=method)
                check(response, f"{method} {path[:120]}", status=(400, 403, 404, 405))


def test_bad_query_strings_never_fail_on_any_route(app, client, hostile) -> None:  # noqa: ANN001
    for path in {p.split("?")[0] for p in every_page(app, hostile, big=False)}:
        for query in BAD_QUERIES:
            response = client.get(f"{path}?{query}")
            check(response, f"{path}?{query[:60]}", status=(200, 400, 404))


def test_path_traversal_never_reaches_the_data_directory(client) -> None:  # noqa: ANN001
    for path in (
        "/static/../casebook.db",
        "/static/..%2fcasebook.db",
        "/static/..%2F..%2Fcasebook-data%2Fcasebook.db",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%5c..%5cetc%5cpasswd",
        "/static/%00",
        "/doc/..%2f..%2fetc%2fpasswd",
        "/doc/../../etc/passwd",
        "/../../etc/passwd",
        "/entity/..%2f..%2fsecret_key",
        "/export/..%2f..%2fsecret_key",
    ):
        response = client.get(path)
        body = check(response, path, status=(400, 404))
        assert "SQLite format 3" not in body and "root:" not in body, path


def csrf_token(client) -> str:  # noqa: ANN001
    """This session's token (a logout, also posted here, ends the session and its token)."""
    client.get("/timelines")
    with client.session_transaction() as session:
        return session["csrf_token"]


def test_every_write_route_answers_hostile_forms_with_a_4xx_or_a_redirect(app, hostile) -> None:  # noqa: ANN001
    client = app.test_client()
    doc_id = ids(hostile)["script"]
    hostile_values = ("", "x" * 100_000, "\x00", "<script>alert(1)</script>", "99999999999999999999999", "-1")
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        ids_of = ["1", "99999999999999999999999"]
        paths = filled(
            rule, {"timeline_id": ids_of, "search_id": ids_of, "batch_id": ids_of, "doc_id": [doc_id, "zz"]}
        )
        for path in paths:
            for value in hostile_values:
                form = {
                    name: value
                    for name in ("name", "description", "note", "doc_id", "timeline_id", "new_name", "action")
                }
                form |= {"position": value, "confirm": value, "username": value, "password": value}
                form |= {"query": value, "lines": value, "column": value, "names": value, "date": value}
                response = client.post(path, data={"csrf_token": csrf_token(client), **form})
                check(
                    response, f"POST {path[:80]} {value[:20]!r}", status=(302, 303, 400, 401, 403, 404, 413)
                )
                without_token = client.post(path, data=form)
                assert without_token.status_code in (400, 403, 413), path
    for value in hostile_values:  # a real article, a hostile timeline
        for form in ({"doc_id": doc_id, "timeline_id": value}, {"doc_id": doc_id, "new_name": value}):
            response = client.post("/timelines/pin", data={"csrf_token": csrf_token(client), **form})
            check(response, f"pin {value[:20]!r}", status=(303, 400, 404))


def test_login_redirects_only_to_this_site(hostile) -> None:  # noqa: ANN001
    from werkzeug.security import generate_password_hash

    app = create_app(replace(hostile, users="eve:" + generate_password_hash("correct horse")))
    client = app.test_client()
    for target in (
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "https://evil.example/",
    ):
        client.get("/login")
        with client.session_transaction() as session:
            token = session["csrf_token"]
        form = {"csrf_token": token, "username": "eve", "password": "correct horse", "next": target}
        response = client.post("/login", data=form)
        location = response.headers["Location"]
        assert response.status_code in (302, 303) and location.startswith("/"), (target, location)
        assert (
            not location.startswith("//")
            and "\\" not in location
            and "evil" not in location.split("?")[0][:2]
        )
        client.post("/logout", data={"csrf_token": token})


def test_raw_bytes_through_the_production_server(app) -> None:  # noqa: ANN001
    """What no test client can send: raw non-UTF-8 bytes and odd request lines, to waitress itself."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for line in (
            b"GET /search?q=\xff\xfe HTTP/1.1",
            b"GET /doc/\xff\xfe HTTP/1.1",
            b"GET /entity/\xc3\xa9\xff HTTP/1.1",
            b"GET /static/../casebook.db HTTP/1.1",
            b"GET /static/%2e%2e/casebook.db HTTP/1.1",
            b"GET /search?q=%00%ff HTTP/1.1",
            b"GET /search?q=" + b"a" * 60_000 + b" HTTP/1.1",
            b"GET //etc/passwd HTTP/1.1",
            b"GET /search?q=x HTTP/9.9",
            b"BREW /search HTTP/1.1",
        ):
            status, body = raw_request(server.effective_port, line)
            assert 200 <= status < 500 and status != 204, (line[:60], status)
            assert b"Traceback" not in body and b"SQLite format 3" not in body, line[:60]
            if b"casebook.db" in line or b"passwd" in line or b"\xff" in line:
                assert status >= 400, (line[:60], status)
    finally:
        server.close()


def raw_request(port: int, line: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


# -- the command line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (['"unclosed phrase'], "never closed"),
        (["(" * 500 + "x"], "nests"),
        (["x" * 20_000], "characters long"),
        (["published:2020-13"], "is not a date"),
        (["titel:sanctions"], "unknown field"),
        (["--since", "2020-13", "x"], "--since '2020-13' is not a date"),
        (["--until", "notadate", "x"], "is not a date"),
        (["--since", "2021", "--until", "2019", "x"], "is after"),
    ],
)
def test_cli_search_errors_are_one_line(hostile, args: list[str], message: str) -> None:  # noqa: ANN001
    result = CliRunner().invoke(cli, ["--data-dir", str(hostile.data_dir), "search", *args])
    assert result.exit_code == 1, result.output[-500:]
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("casebook: ") and message in result.output


def test_cli_search_takes_hostile_and_undecodable_arguments(hostile) -> None:  # noqa: ANN001
    exe = Path(sys.executable).parent / "casebook"
    for query in (b"\xff\xfe", b"zanzibarite \xff", b"<script>alert(1)</script>", b"\x1b[31mred"):
        result = subprocess.run(
            [exe, "--data-dir", hostile.data_dir, "search", query],
            capture_output=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        )
        assert result.returncode in (0, 1), (query, result.stderr[-800:])
        assert b"Traceback" not in result.stderr + result.stdout, (query, result.stderr[-800:])
    found = CliRunner().invoke(cli, ["--data-dir", str(hostile.data_dir), "search", "zanzibarite"])
    assert found.exit_code == 0 and "<mark>" not in found.output


def test_a_2_mb_article_body_is_ingested(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>Paragraph {n} on sanctions: {FILLER} {n * 7919}</p>\n" for n in range(6000))
    path = tmp_path / "big-body.html"
    path.write_text(page("An enormous sanctions article", paragraphs), encoding="utf-8")
    settings = settings_for(tmp_path / "data")
    report = ingest(
        settings, imports=[FileImport(path, "https://hostile.example/2024/big-body", FETCHED)], progress=False
    )
    assert report.outcomes["new"] == 1
    client = create_app(settings).test_client()
    assert client.get("/api/search?q=enormous").get_json()["total"] == 1
    # Enrichment stops near spaCy's limit (1,000,000 characters), the archive does not: the last
    # paragraph, about 2 MB in, is stored and searchable.
    assert client.get(f"/api/search?q={5999 * 7919}").get_json()["total"] == 1
