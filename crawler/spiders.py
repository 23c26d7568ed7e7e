"""One spider per kind of source. Spiders only say where to go and which URLs are articles.

What happens to a response (archiving, the store, conditional requests) is done by the middlewares and the
ledger; per-site knowledge stays in ``corpus/sources.toml``. Requests carry their role in ``meta`` (robots,
sitemap, feed, listing, article) so the ledger knows which responses can become documents.

* ``wordpress``: robots.txt ``Sitemap:`` lines, then ``/wp-sitemap.xml``, ``/sitemap_index.xml``,
  ``/sitemap.xml``, then the paged feed ``/feed/?paged=N``, then the home page's listing and its pagination:
  the first way in that works is used. Posts only (see :mod:`crawler.rules`).
* ``sitemap``, ``feed``, ``listing``: the generic building blocks, starting from ``start_urls`` (or ``url``);
  ``article_pattern`` picks article links (required in practice for listings that do not mark them up).
* ``--urls``: single article URLs, as given.

When discovery worked and no ``since`` date limits it, the held articles of the source that were not listed
this time are asked for again (conditionally): that is how an article deleted from the site, and so from its
sitemap, is found to answer 404 and flagged removed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from casebook.models import Source
from crawler.discovery import is_next_page, listing_links, parse_feed, parse_sitemap, robots_sitemaps
from crawler.ledger import ARTICLE, LASTMOD, ROLE, Ledger
from crawler.rules import ArticleFilter, older_than, strip_fragment, url_older_than, wordpress_sitemap_kind
from crawler.scrapy_settings import SITEMAP_MAX_BYTES


@dataclass(frozen=True)
class CrawlJob:
    """One unit of crawling: a registry source, or a list of single article URLs (``source`` None)."""

    name: str
    source: Source | None = None
    urls: tuple[str, ...] = ()
    since: date | None = None


class CasebookSpider(Spider):
    name = "casebook"

    def __init__(self, job: CrawlJob, ledger: Ledger, **kwargs: Any) -> None:
        super().__init__(name=job.name, **kwargs)
        self.job = job
        self.ledger = ledger
        self.source = job.source
        self.since = job.since
        self.rules = ArticleFilter(job.source) if job.source is not None else None
        if job.source is not None:
            self.allowed_domains = list(job.source.allowed_domains)
        self.asked: set[str] = set()  # discovery URLs requested in this run
        self.seen_links: set[str] = set()  # candidate article links met in this run
        self.listed: set[str] = set()  # article URLs requested in this run
        self.listing_ok = False
        self.recheck = job.source is not None
        self._rechecked = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CasebookSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

    def home_url(self) -> str:
        """The source's URL as a folder (a WordPress site lives at its home page's path)."""
        url = self.source.url.split("#", 1)[0] if self.source is not None else ""
        return url if url.endswith("/") else url + "/"

    def start_points(self) -> list[str]:
        assert self.source is not None
        return list(self.source.start_urls) or [self.source.url]

    # -- requests ------------------------------------------------------------------------------

    def ask(self, url: str, role: str, callback: Any, **meta: Any) -> Request | None:
        """A discovery request (robots.txt, sitemap, feed, listing page), once per run."""
        url = strip_fragment(url)
        if url in self.asked:
            return None
        self.asked.add(url)
        meta[ROLE] = role
        if role == "sitemap":
            meta["download_maxsize"] = max(SITEMAP_MAX_BYTES, self.settings.getint("DOWNLOAD_MAXSIZE"))
        return Request(
            url, callback=callback, errback=self.discovery_failed, dont_filter=True, priority=10, meta=meta
        )

    def article(
        self, url: str, lastmod: str | None = None, dated: str | None = None, check: bool = True
    ) -> Request | None:
        """An article request, if the URL is one of the source's articles and not asked for yet."""
        url = strip_fragment(url)
        if url in self.listed:
            return None
        if check and self.rules is not None and not self.rules.accepts(url):
            return None
        since = self.since
        if since and (older_than(lastmod, since) or older_than(dated, since) or url_older_than(url, since)):
            return None
        self.listed.add(url)
        return self.article_request(url, lastmod)

    def article_request(self, url: str, lastmod: str | None = None, dont_filter: bool = False) -> Request:
        return Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            dont_filter=dont_filter,
            meta={ROLE: ARTICLE, LASTMOD: lastmod, "handle_httpstatus_list": [304, 404, 410]},
        )

    def fresh(self, links: Iterable[str]) -> list[str]:
        """The links not met before in this run (to stop paging through a site that ignores ``?paged=``)."""
        new = [strip_fragment(link) for link in links if strip_fragment(link) not in self.seen_links]
        self.seen_links.update(new)
        return new

    # -- responses -----------------------------------------------------------------------------

    def parse_article(self, response: Response) -> None:
        """Nothing to do here: the ledger archived the response; ingest extracts it."""
        return None

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        parsed = parse_sitemap(response.body)
        if parsed is None:
            yield from self.not_there(response.request, f"{response.url}: not a sitemap")
            return
        self.listing_ok = True
        for other in response.meta.get("robots_sitemaps", []):
            if request := self.ask(other, "sitemap", self.parse_sitemap):
                yield request
        if parsed.kind == "sitemapindex":
            for entry in parsed.entries:
                if not self.follow_sitemap(entry.loc):
                    continue
                if request := self.ask(entry.loc, "sitemap", self.parse_sitemap):
                    yield request
            return
        entries = [e for e in parsed.entries if self.rules is None or self.rules.accepts(e.loc)]
        self.fresh(e.loc for e in entries)
        if self.rules is not None and self.rules.wordpress and wordpress_sitemap_kind(response.url) != "post":
            # Posts and pages mixed (Jetpack, WordPress.com): with dated permalinks, undated URLs are pages.
            dated = [e for e in entries if self.rules.dated_permalink(e.loc)]
            if dated and 2 * len(dated) >= len(entries):
                entries = dated
        for entry in entries:
            if request := self.article(entry.loc, lastmod=entry.lastmod):
                yield request

    def follow_sitemap(self, url: str) -> bool:
        if self.rules is not None and self.rules.wordpress:
            return wordpress_sitemap_kind(url) is not None
        return True

    def parse_feed(self, response: Response) -> Iterator[Request]:
        feed = parse_feed(response.body, response.url)
        if feed is None or (not feed.items and "chain" in response.meta):
            yield from self.not_there(response.request, f"{response.url}: not a feed")
            return
        self.listing_ok = True
        recent = [item for item in feed.items if not older_than(item.published, self.since)]
        fresh = self.fresh(item.link for item in feed.items)
        for item in recent:
            if request := self.article(item.link, dated=item.published):
                yield request
        page = int(response.meta.get("page", 1))
        next_url = feed.next_url
        if next_url is None and self.rules is not None and self.rules.wordpress and fresh:
            next_url = _with_query(response.url, paged=str(page + 1))
        if (
            next_url
            and recent
            and (request := self.ask(next_url, "feed", self.parse_feed, page=page + 1, optional=True))
        ):
            yield request

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            yield from self.not_there(response.request, f"{response.url}: not an HTML listing page")
            return
        links = listing_links(response.text, response.url)
        candidates = self.listing_candidates(links.marked, links.links)
        if not candidates:
            pattern = self.source is not None and self.source.article_pattern
            hint = "" if pattern else " (set article_pattern for this source)"
            yield from self.not_there(response.request, f"{response.url}: no article links found{hint}")
            return
        self.listing_ok = True
        fresh = self.fresh(candidates)
        for url in candidates:
            if request := self.article(url):
                yield request
        all_older = self.since is not None and all(url_older_than(url, self.since) for url in candidates)
        if not fresh or all_older:
            return
        start = response.meta.get("listing_start", response.url)
        for url in links.pagination:
            if is_next_page(url, start) and not (self.rules and self.rules.accepts(url)):
                request = self.ask(url, "listing", self.parse_listing, listing_start=start, optional=True)
                if request:
                    yield request

    def listing_candidates(self, marked: list[str], links: list[str]) -> list[str]:
        rules = self.rules
        if rules is None:
            return []
        if self.source is not None and self.source.article_pattern:
            return [url for url in links if rules.accepts(url)]
        found = [url for url in marked if rules.accepts(url)]
        if not found and rules.wordpress:
            found = [url for url in links if rules.accepts(url) and rules.dated_permalink(url)]
        return found

    # -- failures ------------------------------------------------------------------------------

    def not_there(self, request: Request, message: str) -> Iterator[Request]:
        """A discovery page that is missing or is not what it should be: try the next way in, or report it."""
        meta = request.meta
        if "chain" in meta:
            yield from self.follow_chain(meta["chain"], meta.get("robots_sitemaps", []))
        elif not meta.get("optional"):
            self.ledger.error(message)

    def discovery_failed(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        yield from self.not_there(request, describe_failure(request.url, failure, self.settings))

    def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(IgnoreRequest) and not failure.check(HttpError) and not _over_cap(failure):
            if self.source is None and "robots.txt" in str(failure.value):  # a URL someone asked for by name
                self.ledger.error(f"{request.url}: not fetched, the site's robots.txt forbids it")
            return  # robots.txt, offsite, or the ledger said it need not be asked
        self.ledger.error(describe_failure(request.url, failure, self.settings))

    def follow_chain(self, chain: list[list[str]], robots: list[str] | None = None) -> Iterator[Request]:
        """Request the first way in of ``chain`` not yet tried; the rest stay in its meta as fallbacks."""
        callbacks = {"sitemap": self.parse_sitemap, "feed": self.parse_feed, "listing": self.parse_listing}
        while chain:
            (kind, url), chain = chain[0], chain[1:]
            extra: dict[str, Any] = {"robots_sitemaps": robots} if kind == "sitemap" and robots else {}
            request = self.ask(url, kind, callbacks[kind], chain=chain, **extra)
            if request is not None:
                yield request
                return
        where = self.source.url if self.source else self.name
        self.ledger.error(f"{where}: found no sitemap, feed or listing page with articles")

    # -- signals -------------------------------------------------------------------------------

    def on_idle(self, spider: Spider) -> None:
        """Once the listings are done: ask again (conditionally) for held articles no longer listed."""
        if spider is not self or self._rechecked or not self.recheck:
            return
        self._rechecked = True
        if not self.listing_ok or self.since is not None:
            return
        done = self.listed | self.ledger.settled_urls
        unlisted = [url for url in self.ledger.store.held_urls(self.name) if url not in done]
        for url in unlisted:
            self.listed.add(url)
            self.crawler.engine.crawl(self.article_request(url, dont_filter=True))
        if unlisted:
            raise DontCloseSpider

    def on_closed(self, spider: Spider, reason: str) -> None:
        if spider is self:
            self.ledger.closed(reason)


class WordPressSpider(CasebookSpider):
    """A WordPress site (self-hosted or WordPress.com) configured by its home URL alone."""

    async def start(self) -> AsyncIterator[Request]:
        home = self.home_url()
        chain = [
            ["sitemap", urljoin(home, "wp-sitemap.xml")],
            ["sitemap", urljoin(home, "sitemap_index.xml")],
            ["sitemap", urljoin(home, "sitemap.xml")],
            ["feed", urljoin(home, "feed/")],
            ["listing", home],
        ]
        request = self.ask(urljoin(home, "/robots.txt"), "robots", self.parse_robots, chain=chain)
        if request is not None:
            yield request

    def parse_robots(self, response: Response) -> Iterator[Request]:
        listed = robots_sitemaps(response.body, response.url)
        chain = [["sitemap", url] for url in listed]
        chain += [step for step in response.meta["chain"] if step[1] not in listed]
        yield from self.follow_chain(chain, listed)


class SitemapSourceSpider(CasebookSpider):
    """``kind = "sitemap"``: start points are sitemaps, sitemap indexes or a robots.txt listing them."""

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_points():
            if urlsplit(url).path.endswith("/robots.txt"):
                request = self.ask(url, "robots", self.parse_robots)
            else:
                request = self.ask(url, "sitemap", self.parse_sitemap)
            if request is not None:
                yield request

    def parse_robots(self, response: Response) -> Iterator[Request]:
        listed = robots_sitemaps(response.body, response.url)
        if not listed:
            self.ledger.error(f"{response.url}: lists no sitemap")
        for url in listed:
            if request := self.ask(url, "sitemap", self.parse_sitemap):
                yield request


class FeedSourceSpider(CasebookSpider):
    """``kind = "feed"``: start points are RSS or Atom feeds (following ``rel="next"`` pages)."""

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_points():
            if request := self.ask(url, "feed", self.parse_feed):
                yield request


class ListingSourceSpider(CasebookSpider):
    """``kind = "listing"``: start points are listing pages; their pagination is followed."""

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_points():
            if request := self.ask(url, "listing", self.parse_listing):
                yield request


class UrlListSpider(CasebookSpider):
    """``--urls``: single article URLs, fetched as given (conditionally when already held)."""

    async def start(self) -> AsyncIterator[Request]:
        for url in self.job.urls:
            if request := self.article(url, check=False):
                yield request


SPIDERS: dict[str, type[CasebookSpider]] = {
    "wordpress": WordPressSpider,
    "sitemap": SitemapSourceSpider,
    "feed": FeedSourceSpider,
    "listing": ListingSourceSpider,
}


def spider_for(job: CrawlJob) -> type[CasebookSpider]:
    return UrlListSpider if job.source is None else SPIDERS[job.source.kind]


def describe_failure(url: str, failure: Failure, settings: Any) -> str:
    """One line saying why a download failed."""
    if failure.check(HttpError):
        response = failure.value.response  # type: ignore[union-attr]
        return f"{url}: HTTP {response.status}"
    text = " ".join(str(failure.value).split())
    if _over_cap(failure):
        cap = settings.getint("DOWNLOAD_MAXSIZE")
        return f"{url}: skipped, larger than the page size cap ({cap} bytes)"
    if failure.check(IgnoreRequest):
        return f"{url}: {text or 'not requested'}"
    name = type(failure.value).__name__
    if "timeout" in name.lower() or "timed out" in text.lower():
        return f"{url}: timed out (gave up after retries)"
    return f"{url}: {name}: {text}" if text else f"{url}: {name}"


def _over_cap(failure: Failure) -> bool:
    """The download was cancelled, or its decompression stopped, at the page size cap."""
    text = str(failure.value)
    return "max size" in text or "DOWNLOAD_MAXSIZE" in text


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
