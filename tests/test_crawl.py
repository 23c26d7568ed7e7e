"""The crawler against fixture sites on loopback: what is archived, what becomes a document, what is asked.

Crawl tests (``slow``) run real crawls (a Scrapy child process, WARC files, the store, ingest with spaCy)
against ``tests/crawlsite.py``. Nothing here touches the network. Fast tests cover the URL rules, the
parsers and job state on their own.
"""

from __future__ import annotations

import gzip
import os
import signal
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import settings_for
from crawlsite import FixtureSite, Hit
from warcio.archiveiterator import ArchiveIterator

from casebook.archive import AUX_PREFIX
from casebook.cli import crawl_then_ingest
from casebook.errors import CasebookError
from casebook.models import Source
from casebook.settings import Settings
from casebook.store import PENDING, Store, open_store
from crawler.discovery import is_next_page, listing_links, parse_feed, parse_sitemap, robots_sitemaps
from crawler.rules import (
    ArticleFilter,
    inflated_size,
    modified_before,
    older_than,
    url_older_than,
    wordpress_page_kind,
    wordpress_sitemap_kind,
)
from crawler.run import PID_FILE, CrawlOptions, CrawlReport, crawl, run_folder
from crawler.state import JobState, state_root
from indexer.pipeline.ingest import ingest

CAP = 64 * 1024  # the test page size cap: the "oversize" post is ~117 KB
FAST = CrawlOptions(download_delay=0.0, max_page_bytes=CAP, timeout=10.0, retry_backoff=0.0)


def _loopback(address: str) -> str:
    """127.0.0.x where the system allows it (Linux does), so each site has its own host name."""
    try:
        with socket.socket() as probe:
            probe.bind((address, 0))
    except OSError:
        return "127.0.0.1"
    return address


HOST_B, HOST_C = _loopback("127.0.0.2"), _loopback("127.0.0.3")


@pytest.fixture
def wordpress_site():
    with FixtureSite("wordpress", "127.0.0.1") as site:
        yield site


@pytest.fixture
def benefits_site():
    with FixtureSite("benefits", HOST_B) as site:
        yield site


@pytest.fixture
def wordpresscom_site():
    with FixtureSite("wordpresscom", HOST_C) as site:
        yield site


def registry(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def wordpress_entry(site: FixtureSite, name: str = "campaign-news") -> str:
    return f'[[sources]]\nname = "{name}"\nkind = "wordpress"\nurl = "{site.base}/"\n'


def benefits_entry(site: FixtureSite) -> str:
    return (
        f'[[sources]]\nname = "benefits-news"\nkind = "listing"\nurl = "{site.base}/news"\n'
        'article_pattern = "/news/[^/?#]+$"\n'
    )


# -- reading what a crawl left behind -------------------------------------------------------------------


@dataclass(frozen=True)
class Rec:
    file: str
    type: str
    url: str
    status: int | None
    id: str
    concurrent_to: str | None
    headers: dict[str, str]
    raw: bytes  # the payload as stored (still content-encoded)


def warc_records(settings: Settings) -> list[Rec]:
    found = []
    for path in sorted(settings.warc_dir.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                http = record.http_headers
                status = int(http.get_statuscode()) if record.rec_type == "response" and http else None
                found.append(
                    Rec(
                        path.name,
                        record.rec_type,
                        record.rec_headers.get_header("WARC-Target-URI"),
                        status,
                        record.rec_headers.get_header("WARC-Record-ID"),
                        record.rec_headers.get_header("WARC-Concurrent-To"),
                        {k.lower(): v for k, v in (http.headers if http else [])},
                        record.raw_stream.read(),
                    )
                )
    return found


def archived_articles(settings: Settings) -> set[str]:
    """URLs of the responses in article WARC files (the only ones ingest is given)."""
    return {
        r.url
        for r in warc_records(settings)
        if r.type == "response" and not r.file.startswith(AUX_PREFIX) and r.status == 200
    }


def documents(settings: Settings) -> dict[str, object]:
    with open_store(settings) as store:
        return {s.document.url: s for s in store.iter_documents()}


def article_hits(site: FixtureSite, hits: list[Hit]) -> list[Hit]:
    paths = {p.path for p in site.posts} | {p.old_path for p in site.posts if p.old_path}
    return [h for h in hits if h.path.split("?")[0] in paths]


# -- the crawl tests -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_wordpress_site_by_url_alone_archives_exactly_its_posts(
    wordpress_site: FixtureSite, tmp_path: Path
) -> None:
    site = wordpress_site
    settings = settings_for(tmp_path / "data")
    options = replace(FAST, retry_backoff=0.5)
    report = crawl_then_ingest(
        settings,
        ["campaign-news"],
        registry(tmp_path, wordpress_entry(site)),
        progress=False,
        options=options,
    )
    expected = site.article_urls("disallowed", "oversize", "missing")
    assert len(expected) == 7

    # Exactly the posts were archived as articles and became documents; nothing else did.
    assert archived_articles(settings) == expected
    docs = documents(settings)
    assert set(docs) == expected
    assert {d.document.source for d in docs.values()} == {"campaign-news"}
    assert all(d.version == 1 for d in docs.values())
    assert (report.new, report.updated, report.unchanged) == (7, 0, 0)
    assert "\n" not in report.summary() and report.summary().startswith("crawl: ")

    hits = site.hits()
    paths = [h.path for h in hits]
    # robots.txt obeyed; posts found through the post sitemap only (no page, taxonomy or user sitemap).
    assert not [p for p in paths if p.startswith(("/members/", "/wp-admin/"))]
    assert "/wp-sitemap-posts-post-1.xml" in paths
    assert not [p for p in paths if "-page-" in p or "taxonomies" in p or "users" in p or p == "/about/"]
    assert {h.headers.get("user-agent") for h in hits} == {settings.user_agent}

    # Misbehaviour: 500 then 200 was retried; the redirect chain ends at the post; the page over the cap and
    # the listed-but-missing post are errors with a reason, not crashes.
    post = site.post("boycott-call-after-dwp-wrongly-claims-dpos-helped")
    failed, retried = [h for h in hits if h.path == post.path]
    assert (failed.status, retried.status) == (500, 200)
    assert retried.at - failed.at >= options.retry_backoff  # the retry waited: backoff, not hammering
    redirected = site.post("pip-assessors-told-to-disregard-evidence")
    assert [h.status for h in hits if h.path in (redirected.old_path, f"/?p={redirected.id}")] == [301, 301]
    oversize = site.url(site.post("tribunal-backlog-reaches-record").path)
    missing = site.url(site.post("this-post-was-removed-last-year").path)
    assert sorted(report.errors) == sorted(
        [
            f"{oversize}: skipped, larger than the page size cap ({CAP} bytes)",
            f"{missing}: HTTP 404",
        ]
    )

    # Every response the server sent is in the WARC files with its request record, linked.
    records = warc_records(settings)
    responses = [r for r in records if r.type == "response"]
    requests = {r.concurrent_to: r for r in records if r.type == "request"}
    served = Counter((site.url(h.path), h.status) for h in hits if site.url(h.path) != oversize)
    assert Counter((r.url, r.status) for r in responses) == served
    for response in responses:
        request = requests[response.id]
        assert request.file == response.file and request.url == response.url
    assert {(r.url, r.status) for r in responses if r.file.startswith(AUX_PREFIX)} >= {
        (site.url(post.path), 500),
        (site.url(redirected.old_path), 301),
        (site.url("/wp-sitemap.xml"), 200),
        (site.url("/robots.txt"), 200),
        (missing, 404),
    }

    # gzip: the archived response is the compressed body as sent; the document reads the page.
    gzipped = next(r for r in responses if r.url == site.url(post.path) and r.status == 200)
    assert gzipped.headers["content-encoding"] == "gzip" and gzipped.raw[:2] == b"\x1f\x8b"
    assert b"Boycott call after DWP" in gzip.decompress(gzipped.raw)

    # Wrong charset header (utf-8, body windows-1252): the bytes are kept exactly, the text comes out right.
    cp1252 = site.url(site.post("charity-report-counts-cost-of-sanctions").path)
    raw = gzip.decompress(next(r.raw for r in responses if r.url == cp1252))
    assert b"\xa3480" in raw and b"caf\xe9" in raw
    text = docs[cp1252].document.text
    assert "£480" in text and "café" in text and "“choosing between heating and eating”" in text

    # Comments are kept apart from the text.
    commented = docs[site.url(site.post("work-coaches-confirm-harsher-jobcentre-tactics").path)].document
    assert [c.author for c in commented.comments] == ["Sam", "R. Ahmed"]
    assert "matches what happened to my brother" not in commented.text

    # Article records went through ingest; the others are catalogued so ingest never takes them.
    with Store(settings.db_path) as store:
        outcomes = {r["url"]: r["outcome"] for r in store.db.execute("SELECT url, outcome FROM records")}
    assert {outcomes[url] for url in expected} == {"new"}
    assert outcomes[site.url("/wp-sitemap.xml")].startswith("crawl sitemap")
    assert not state_root(settings.data_dir).joinpath("campaign-news").exists()  # a finished job is forgotten


@pytest.mark.slow
def test_the_crawler_archives_and_leaves_ingest_to_the_command(
    wordpress_site: FixtureSite, tmp_path: Path
) -> None:
    """The crawler fetches into the archive and catalogues the articles as pending; making documents of
    them is the command's next step (``crawl_then_ingest``), not the crawler's."""
    site = wordpress_site
    settings = settings_for(tmp_path / "data")
    report = crawl(
        settings, sources_file=registry(tmp_path, wordpress_entry(site)), progress=False, options=FAST
    )
    expected = site.article_urls("disallowed", "oversize", "missing")
    assert archived_articles(settings) == expected
    assert documents(settings) == {}
    assert (report.new, report.updated) == (0, 0)
    assert report.article_files and all(p.parent == settings.warc_dir for p in report.article_files)
    with Store(settings.db_path) as store:
        assert store.warc_files_with(PENDING) == sorted(p.name for p in report.article_files)

    report.add_ingest(ingest(settings, paths=report.article_files, progress=False).outcomes, [])
    assert set(documents(settings)) == expected and report.new == len(expected)


@pytest.mark.slow
def test_wordpress_recrawl_asks_only_for_what_changed(wordpress_site: FixtureSite, tmp_path: Path) -> None:
    site = wordpress_site
    settings = settings_for(tmp_path / "data")
    sources = registry(tmp_path, wordpress_entry(site))
    crawl_then_ingest(settings, sources_file=sources, progress=False, options=FAST)
    held = site.article_urls("disallowed", "oversize", "missing")

    # Unchanged site: sitemaps are read again, no article body is sent.
    mark = site.mark()
    second = crawl_then_ingest(settings, sources_file=sources, progress=False, options=FAST)
    again = site.hits(mark)
    bodies = [h for h in article_hits(site, again) if h.status == 200 and site.url(h.path) in held]
    assert bodies == []
    assert {h.path for h in again} >= {"/robots.txt", "/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml"}
    assert (second.new, second.updated, second.removed) == (0, 0, 0)
    assert second.unchanged == 7  # all skipped by sitemap lastmod (the redirected post through its old URL)
    assert len(documents(settings)) == 7

    # One post edited, one deleted (gone from the sitemap too).
    edited = site.post("mental-health-claimants-sanctioned")
    deleted = site.post("food-bank-referrals-rise")
    site.edit(edited.slug, "new figures released to campaigners show", "new figures released this week show")
    site.delete(deleted.slug)
    mark = site.mark()
    third = crawl_then_ingest(settings, sources_file=sources, progress=False, options=FAST)
    hits = site.hits(mark)
    asked = [h for h in hits if h.path == edited.path]
    assert [h.status for h in asked] == [200] and asked[0].headers.get("if-none-match")
    assert [h.status for h in hits if h.path == deleted.path] == [404]
    assert (third.new, third.updated, third.removed) == (0, 1, 1)

    docs = documents(settings)
    assert len(docs) == 7  # the deleted post is still in the archive
    changed = docs[site.url(edited.path)]
    assert changed.version == 2 and "released this week show" in changed.document.text
    with Store(settings.db_path) as store:
        versions = store.versions(changed.document.id)
        assert [v["version"] for v in versions] == [1, 2]
        assert "released to campaigners show" in versions[0]["text"]
        assert store.removed_urls("campaign-news") == [site.url(deleted.path)]
        state = store.fetch_state(site.url(deleted.path))
        assert state is not None and state.removed and state.held
        assert store.fetch_state(site.url(edited.path)).removed is False  # type: ignore[union-attr]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("disabled", "via"),
    [(("sitemaps",), "/feed/?paged=2"), (("sitemaps", "feed"), "/page/2/")],
    ids=["feed", "listing"],
)
def test_wordpress_without_sitemaps_falls_back(
    wordpress_site: FixtureSite, tmp_path: Path, disabled: tuple[str, ...], via: str
) -> None:
    site = wordpress_site
    site.disable(*disabled)
    settings = settings_for(tmp_path / "data")
    crawl_then_ingest(
        settings, sources_file=registry(tmp_path, wordpress_entry(site)), progress=False, options=FAST
    )
    expected = site.article_urls("disallowed", "oversize", "missing")
    assert archived_articles(settings) == expected
    assert set(documents(settings)) == expected
    paths = [h.path for h in site.hits()]
    assert via in paths
    assert {"/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml"} <= set(paths)  # each way in was tried
    # Listings link to categories, tags, authors, month archives and the About page: none is followed.
    assert not [p for p in paths if p.startswith(("/category/", "/tag/", "/author/", "/2024/", "/about/"))]
    assert not [p for p in paths if p.startswith(("/members/", "/wp-admin/"))]


@pytest.mark.slow
def test_since_limits_a_crawl_to_recent_articles(wordpress_site: FixtureSite, tmp_path: Path) -> None:
    site = wordpress_site
    settings = settings_for(tmp_path / "data")
    crawl_then_ingest(
        settings,
        sources_file=registry(tmp_path, wordpress_entry(site)),
        since=date(2024, 2, 20),
        progress=False,
        options=FAST,
    )
    recent = {site.url(p.path) for p in site.posts if p.published.date() >= date(2024, 2, 20)}
    assert len(recent) == 4
    assert set(documents(settings)) == archived_articles(settings) == recent
    older = {p.path for p in site.posts if p.published.date() < date(2024, 2, 20)}
    assert not [h for h in site.hits() if h.path in older]


@pytest.mark.slow
def test_all_sources_crawl_side_by_side_listing_and_wordpresscom(
    benefits_site: FixtureSite, wordpresscom_site: FixtureSite, tmp_path: Path
) -> None:
    bw, blog = benefits_site, wordpresscom_site
    settings = settings_for(tmp_path / "data")
    sources = registry(tmp_path, benefits_entry(bw), wordpress_entry(blog, "claimants-blog"))
    report = crawl_then_ingest(settings, sources_file=sources, progress=False, options=FAST)  # every source
    assert report.errors == []
    docs = documents(settings)
    assert archived_articles(settings) == set(docs) == bw.article_urls() | blog.article_urls()
    assert len(docs) == 7 + 4
    if HOST_B != HOST_C:  # sources are told apart by host name
        assert {d.document.source for u, d in docs.items() if u.startswith(bw.base)} == {"benefits-news"}
        assert {d.document.source for u, d in docs.items() if u.startswith(blog.base)} == {"claimants-blog"}

    # The listing: every page of it read, none of them a document; the cookie notice is not article text.
    bw_paths = [h.path for h in bw.hits()]
    assert {"/news", "/news?start=3", "/news?start=6"} <= set(bw_paths)
    assert not [p for p in bw_paths if p in ("/login", "/guides", "/forum", "/join")]
    for url, stored in docs.items():
        assert "We use cookies" not in stored.document.text
        if url.startswith(bw.base):
            assert [c.text for c in stored.document.comments] == [
                "Thank you for keeping us informed about this. It is the only place I find out what is really"
                " going on."
            ]

    # The WordPress.com blog: its sitemap mixes pages and the home page with the posts; only posts are asked.
    blog_paths = [h.path for h in blog.hits()]
    assert "/sitemap-1.xml" in blog_paths and "/image-sitemap-1.xml" not in blog_paths
    assert "/about/" not in blog_paths and "/" not in blog_paths

    # Recrawl: the listing site sends Last-Modified only, so held articles are asked conditionally (304);
    # the blog's sitemap lastmod says nothing changed, so its posts are not asked at all.
    bw_mark, blog_mark = bw.mark(), blog.mark()
    again = crawl_then_ingest(settings, sources_file=sources, progress=False, options=FAST)
    bw_articles = article_hits(bw, bw.hits(bw_mark))
    assert len(bw_articles) == 7 and {h.status for h in bw_articles} == {304}
    assert all(h.headers.get("if-modified-since") for h in bw_articles)
    assert article_hits(blog, blog.hits(blog_mark)) == []
    assert (again.new, again.updated, again.not_modified, again.unchanged) == (0, 0, 7, 4)


def _run_in_thread(target, *args, **kwargs):  # noqa: ANN001, ANN202
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = target(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["graceful", "killed"])
def test_interrupted_crawl_finishes_on_the_next_run_without_duplicates(
    wordpress_site: FixtureSite, tmp_path: Path, sig: signal.Signals
) -> None:
    site = wordpress_site
    site.article_delay = 0.4
    settings = settings_for(tmp_path / "data")
    sources = registry(tmp_path, wordpress_entry(site))
    expected = site.article_urls("disallowed", "oversize", "missing")
    thread, outcome = _run_in_thread(crawl, settings, sources_file=sources, progress=False, options=FAST)
    pid_file = run_folder(settings.data_dir, ["campaign-news"]) / PID_FILE
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = {site.url(h.path) for h in site.hits() if h.status == 200} & expected
        if len(done) >= 3 and pid_file.exists():
            break
        time.sleep(0.05)
    os.kill(int(pid_file.read_text()), sig)
    thread.join(60)
    assert isinstance(outcome.get("error"), CasebookError), outcome
    first_run = {site.url(h.path) for h in article_hits(site, site.hits()) if h.status == 200} & expected
    assert 3 <= len(first_run) < len(expected)
    job = state_root(settings.data_dir) / "campaign-news" / "job.json"
    assert job.exists()  # the unfinished job is remembered

    site.article_delay = 0.0
    mark = site.mark()
    report = crawl_then_ingest(settings, sources_file=sources, progress=False, options=FAST)
    assert not job.exists()
    docs = documents(settings)
    assert set(docs) == expected and all(d.version == 1 for d in docs.values())
    assert archived_articles(settings) == expected
    second_run = [site.url(h.path) for h in article_hits(site, site.hits(mark)) if h.status == 200]
    assert len(second_run) == len(set(second_run))
    if sig == signal.SIGTERM:
        # Scrapy finished the requests in flight: everything archived before the stop is not asked again.
        assert not set(second_run) & first_run
    else:
        # Killed: at most the responses in flight were lost and asked for again.
        assert len(set(second_run) & first_run) <= FAST.concurrency_per_site
    # What the stopped run fetched was left pending in the store; this run's ingest finished it.
    assert report.new == len(expected) and report.updated == 0


@pytest.mark.slow
def test_url_list_fetches_single_articles_with_their_source(
    wordpress_site: FixtureSite, benefits_site: FixtureSite, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path / "data")
    sources = registry(tmp_path, wordpress_entry(wordpress_site), benefits_entry(benefits_site))
    story = wordpress_site.url(wordpress_site.post("charity-report-counts-cost-of-sanctions").path)
    news = benefits_site.url(benefits_site.post("tribunal-success-rates").path)
    slow = wordpress_site.post("if-you-dont-ask-you-dont-get")  # answers after 1 s: over this timeout
    forbidden = wordpress_site.url(wordpress_site.post("briefing-for-members").path)
    options = replace(FAST, timeout=0.5, retries=2)
    report = crawl_then_ingest(
        settings,
        sources_file=sources,
        urls=[story, news, wordpress_site.url(slow.path), forbidden],
        progress=False,
        options=options,
    )
    assert report.new == 2
    assert sorted(report.errors) == sorted(
        [
            f"{forbidden}: not fetched, the site's robots.txt forbids it",
            f"{wordpress_site.url(slow.path)}: timed out (gave up after retries)",
        ]
    )
    # Two requests waited for that site's robots.txt; Scrapy 2.19's own middleware let the second one through.
    assert not [h for h in wordpress_site.hits() if h.path.startswith("/members/")]
    assert len([h for h in wordpress_site.hits() if h.path == slow.path]) == 1 + options.retries
    docs = documents(settings)
    assert set(docs) == {story, news}
    if HOST_B != "127.0.0.1":
        assert docs[news].document.source == "benefits-news"
    assert docs[story].document.source == "campaign-news"
    assert not [h for h in wordpress_site.hits() if "sitemap" in h.path or h.path.startswith("/feed")]

    mark = benefits_site.mark()
    again = crawl_then_ingest(settings, sources_file=sources, urls=[news], progress=False, options=FAST)
    assert again.not_modified == 1 and again.new == 0
    assert [h.status for h in benefits_site.hits(mark) if h.path.startswith("/news/")] == [304]


# -- fast tests ------------------------------------------------------------------------------------------


def test_unknown_source_names_the_known_ones(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    sources = registry(
        tmp_path, '[[sources]]\nname = "one"\nkind = "wordpress"\nurl = "http://127.0.0.1:9/"\n'
    )
    with pytest.raises(CasebookError, match=r"^unknown source 'two'; known sources: one$"):
        crawl(settings, ["two"], sources, progress=False)
    with pytest.raises(CasebookError, match="not an http"):
        crawl(settings, sources_file=sources, urls=["ftp://example.org/x"], progress=False)


def test_report_summary_is_one_line() -> None:
    report = CrawlReport(fetched=12, new=3, updated=1, unchanged=4, not_modified=2, removed=1, errors=["x"])
    assert report.summary() == (
        "crawl: 12 pages fetched; articles: 3 new, 1 updated, 4 unchanged, 2 not modified, 1 removed;"
        " 1 errors"
    )


def _source(kind: str = "wordpress", url: str = "https://blog.example.org/", **extra: object) -> Source:
    return Source(name="s", kind=kind, url=url, allowed_domains=("blog.example.org",), **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "post"),
    [
        ("https://blog.example.org/work-coaches-confirm/", True),
        ("https://blog.example.org/2017/05/04/boycott-call/", True),
        ("https://blog.example.org/?p=123", True),
        ("https://blog.example.org/", False),
        ("https://blog.example.org/category/benefits/", False),
        ("https://blog.example.org/news/tag/pip/", False),
        ("https://blog.example.org/author/john/", False),
        ("https://blog.example.org/2017/05/", False),
        ("https://blog.example.org/2017/05/04/", False),
        ("https://blog.example.org/page/2/", False),
        ("https://blog.example.org/category/benefits/page/3/", False),
        ("https://blog.example.org/feed/", False),
        ("https://blog.example.org/boycott-call/feed/", False),
        ("https://blog.example.org/wp-admin/options.php", False),
        ("https://blog.example.org/wp-login.php", False),
        ("https://blog.example.org/?page_id=2", False),
        ("https://blog.example.org/?s=sanctions", False),
        ("https://blog.example.org/2016/10/story/comment-page-1/", False),
        ("https://blog.example.org/wp-content/uploads/2017/05/leaflet.pdf", False),
        ("https://elsewhere.example.com/a-post/", False),
    ],
)
def test_wordpress_url_rules(url: str, post: bool) -> None:
    assert ArticleFilter(_source()).accepts(url) is post


def test_article_pattern_and_exclusions() -> None:
    rules = ArticleFilter(
        _source(
            "listing",
            "https://blog.example.org/news",
            article_pattern=r"/news/[^/?#]+$",
            exclude_patterns=("newsletter",),
        )
    )
    assert rules.accepts("https://blog.example.org/news/pip-review")
    assert not rules.accepts("https://blog.example.org/news?start=20")
    assert not rules.accepts("https://blog.example.org/news/23-april-newsletter")
    assert not rules.accepts("https://blog.example.org/guides/pip")


def test_wordpress_sitemap_kinds() -> None:
    assert wordpress_sitemap_kind("https://x.org/wp-sitemap-posts-post-3.xml") == "post"
    assert wordpress_sitemap_kind("https://x.org/wp-sitemap-posts-page-1.xml") is None
    assert wordpress_sitemap_kind("https://x.org/wp-sitemap-posts-event-1.xml") is None
    assert wordpress_sitemap_kind("https://x.org/wp-sitemap-taxonomies-category-1.xml") is None
    assert wordpress_sitemap_kind("https://x.org/wp-sitemap-users-1.xml") is None
    assert wordpress_sitemap_kind("https://x.org/post-sitemap2.xml") == "post"
    assert wordpress_sitemap_kind("https://x.org/page-sitemap.xml") is None
    assert wordpress_sitemap_kind("https://x.org/category-sitemap.xml") is None
    assert wordpress_sitemap_kind("https://x.org/sitemap-1.xml") == "mixed"
    assert wordpress_sitemap_kind("https://x.org/image-sitemap-1.xml") is None


def test_wordpress_page_kind_reads_the_body_class() -> None:
    post = b'<html><body class="post-template-default single single-post postid-7">'
    page = b'<html><body class="page-template-default page page-id-2">'
    archive = b'<html><body class="archive category category-news">'
    assert wordpress_page_kind(post, None) is None
    assert wordpress_page_kind(gzip.compress(page), "gzip") == "a WordPress page, not a post"
    assert wordpress_page_kind(archive, None) == "a WordPress archive category page, not a post"
    assert wordpress_page_kind(b"<html><body><p>no classes</p></body></html>", None) is None
    assert inflated_size(gzip.compress(b"x" * 100_000), "gzip") == 100_000


def test_lastmod_is_compared_at_its_own_precision() -> None:
    fetched = datetime(2024, 3, 14, 10, 0, 0, 500_000, tzinfo=UTC)
    assert modified_before("2024-03-13", fetched)
    assert not modified_before("2024-03-14", fetched)  # a bare date covers the whole day
    assert modified_before("2024-03-14T09:59:59+00:00", fetched)
    assert not modified_before("2024-03-14T10:00:00Z", fetched)  # same second: could be after the fetch
    assert not modified_before("2024-03-14T10:30:00+00:00", fetched)
    assert not modified_before("2024-03-14T11:00:00+01:00", fetched + timedelta(seconds=-1))
    assert not modified_before(None, fetched) and not modified_before("yesterday", fetched)
    assert older_than("Wed, 01 Mar 2017 09:00:00 +0000", date(2017, 3, 2))
    assert not older_than("2017-03-02", date(2017, 3, 2))
    assert url_older_than("https://x.org/2017/02/slug/", date(2017, 3, 1))
    assert not url_older_than("https://x.org/2017/03/slug/", date(2017, 3, 15))
    assert not url_older_than("https://x.org/slug/", date(2030, 1, 1))


def test_sitemaps_feeds_and_listings_parse_leniently() -> None:
    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://x.org/a.xml</loc><lastmod>2024-01-02</lastmod></sitemap></sitemapindex>"
    )
    parsed = parse_sitemap(gzip.compress(index))
    assert parsed is not None and parsed.kind == "sitemapindex" and parsed.entries[0].lastmod == "2024-01-02"
    assert parse_sitemap(b"<html><body>Not found</body></html>") is None
    rss = (
        b'<rss version="2.0"><channel><item><title>A</title><link>https://x.org/a/</link>'
        b"<pubDate>Wed, 01 Mar 2017 09:00:00 +0000</pubDate></item>"
        b'<item><guid isPermaLink="true">https://x.org/b/</guid></item></channel></rss>'
    )
    feed = parse_feed(rss, "https://x.org/feed/")
    assert feed is not None and [i.link for i in feed.items] == ["https://x.org/a/", "https://x.org/b/"]
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><link rel="next" href="/feed/atom/?page=2"/>'
        b'<entry><link href="https://x.org/c/"/><published>2020-01-01T00:00:00Z</published></entry></feed>'
    )
    feed = parse_feed(atom, "https://x.org/feed/atom/")
    assert feed is not None and feed.items[0].link == "https://x.org/c/"
    assert feed.next_url == "https://x.org/feed/atom/?page=2"
    assert parse_feed(b"<html></html>", "https://x.org/") is None
    assert robots_sitemaps(
        b"User-agent: *\nSitemap: /s.xml\nsitemap: https://x.org/s.xml\n", "https://x.org/robots.txt"
    ) == ["https://x.org/s.xml"]
    page = (
        '<html><body><article><h2 class="entry-title"><a href="/a/#more" rel="bookmark">A</a></h2></article>'
        '<a href="/about/">About</a><nav class="navigation"><div class="nav-links">'
        '<a href="/page/2/">Older</a></div></nav></body></html>'
    )
    links = listing_links(page, "https://x.org/")
    assert links.marked == ["https://x.org/a/"] and links.pagination == ["https://x.org/page/2/"]
    assert is_next_page("https://x.org/page/2/", "https://x.org/")
    assert is_next_page("https://x.org/news?start=20", "https://x.org/news")
    assert not is_next_page("https://x.org/news/story", "https://x.org/news")
    assert not is_next_page("https://y.org/page/2/", "https://x.org/")


def test_job_state_resumes_until_finished(tmp_path: Path) -> None:
    first = JobState.open(tmp_path, "site", "k1")
    assert not first.resumed
    first.jobdir.mkdir(parents=True)
    (first.jobdir / "requests.seen").write_text("x")
    killed = JobState.open(tmp_path, "site", "k1")  # never stopped cleanly: Scrapy's files are dropped
    assert killed.resumed and killed.started == first.started and not killed.jobdir.exists()
    killed.jobdir.mkdir(parents=True)
    killed.stopped()
    graceful = JobState.open(tmp_path, "site", "k1")  # stopped cleanly: Scrapy's queue is resumed
    assert graceful.resumed and graceful.jobdir.exists()
    assert not JobState.open(tmp_path, "site", "k2").resumed  # a different job (the registry entry changed)
    JobState.open(tmp_path, "site", "k2").finished()
    assert not (tmp_path / "site").exists()
