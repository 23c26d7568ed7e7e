"""Reading the pages that lead to articles: robots.txt, sitemaps, RSS/Atom feeds, listing pages.

Plain functions over bytes, so each is tested without a crawl. Every parser is lenient (sites serve
broken XML) and says ``None`` when the thing is not what it should be (an HTML "not found" page served
with status 200 at ``/sitemap.xml``), which the spiders take as "try the next way in".
"""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one (uncompressed) sitemap file


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None = None


@dataclass(frozen=True)
class ParsedSitemap:
    kind: str  # "urlset" or "sitemapindex"
    entries: list[SitemapEntry]


@dataclass(frozen=True)
class FeedItem:
    link: str
    published: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    items: list[FeedItem]
    next_url: str | None = None


@dataclass
class ListingLinks:
    """Links on a listing page: article permalinks by their markup, every link, and pagination."""

    marked: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    pagination: list[str] = field(default_factory=list)


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt, absolute, in order, without repeats."""
    found: list[str] = []
    for line in body.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            url = urljoin(base_url, value.strip())
            if url not in found:
                found.append(url)
    return found


def _xml_root(body: bytes) -> etree._Element | None:
    if body[:2] == b"\x1f\x8b":
        try:
            body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, MAX_SITEMAP_BYTES)
        except (zlib.error, gzip.BadGzipFile):
            return None
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, remove_comments=True, huge_tree=True
    )
    try:
        root = etree.fromstring(body.lstrip(), parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_sitemap(body: bytes) -> ParsedSitemap | None:
    """A sitemap (``urlset``) or sitemap index; None when the body is neither."""
    root = _xml_root(body)
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        return None
    kind = _local(root.tag)
    item = "url" if kind == "urlset" else "sitemap"
    entries = []
    for element in root:
        if _local(element.tag) != item:
            continue
        loc = _child_text(element, "loc")
        if loc:
            entries.append(SitemapEntry(loc, _child_text(element, "lastmod")))
    return ParsedSitemap(kind, entries)


def parse_feed(body: bytes, base_url: str) -> ParsedFeed | None:
    """An RSS 2.0 / RSS 1.0 / Atom feed's item links and dates; None when the body is not a feed."""
    root = _xml_root(body)
    if root is None:
        return None
    kind = _local(root.tag)
    items: list[FeedItem] = []
    next_url = None
    if kind in ("rss", "rdf"):
        for element in root.iter():
            name = _local(element.tag)
            if name == "item":
                link = _child_text(element, "link")
                if not link:
                    for child in element:
                        permalink = child.get("isPermaLink", "true") != "false"
                        if _local(child.tag) == "guid" and permalink and child.text:
                            link = child.text.strip()
                if link:
                    published = _child_text(element, "pubdate") or _child_text(element, "date")
                    items.append(FeedItem(urljoin(base_url, link), published))
            elif name == "link" and element.get("rel") == "next" and element.get("href"):
                next_url = urljoin(base_url, element.get("href"))
    elif kind == "feed":
        for element in root:
            name = _local(element.tag)
            if name == "link" and element.get("rel") == "next" and element.get("href"):
                next_url = urljoin(base_url, element.get("href"))
            if name != "entry":
                continue
            link = None
            for child in element:
                alternate = child.get("rel", "alternate") == "alternate"
                if _local(child.tag) == "link" and alternate and child.get("href"):
                    link = child.get("href")
                    break
            if link:
                published = _child_text(element, "published") or _child_text(element, "updated")
                items.append(FeedItem(urljoin(base_url, link), published))
    else:
        return None
    return ParsedFeed(items, next_url)


_PAGINATION_CLASS = re.compile(
    r"(?:^|[\s_-])(?:pagination|pager|page-numbers|nav-links|nav-previous|nav-next|older|next|wp-pagenavi)(?:$|[\s_-])",
    re.IGNORECASE,
)
_MARKED_XPATH = (
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' bookmark ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' entry-title ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' post-title ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' article-title ')"
    " or @itemprop='headline']//a"
    " | //article//*[self::h1 or self::h2 or self::h3]//a"
)


def is_next_page(url: str, start_url: str) -> bool:
    """True when ``url`` is another page of the listing that starts at ``start_url``: the same path with a
    different query (``?start=20``, ``?paged=3``), or the path followed by ``/page/N`` or ``/N``."""
    a, b = urlsplit(url), urlsplit(start_url)
    if a.hostname != b.hostname or a.port != b.port:
        return False
    base = b.path.rstrip("/")
    path = a.path.rstrip("/")
    if path == base:
        return a.query != b.query
    rest = path[len(base) :] if path.startswith(base + "/") else ""
    return bool(re.fullmatch(r"/(?:page/)?\d+", rest))


def listing_links(text: str, base_url: str) -> ListingLinks:
    """Links of a listing page, absolute and without fragments, each list in page order without repeats."""
    found = ListingLinks()
    if not text.strip():
        return found
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return found
    base = tree.xpath("//base/@href")
    base_url = urljoin(base_url, base[0]) if base else base_url

    def absolute(href: str | None) -> str | None:
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            return None
        url = urljoin(base_url, href.strip()).split("#", 1)[0]
        return url if urlsplit(url).scheme in ("http", "https") else None

    def add(target: list[str], href: str | None) -> None:
        url = absolute(href)
        if url and url not in target:
            target.append(url)

    for a in tree.xpath(_MARKED_XPATH):
        add(found.marked, a.get("href"))
    for a in tree.iter("a"):
        add(found.links, a.get("href"))
        rel = (a.get("rel") or "").lower().split()
        in_pager = any(_PAGINATION_CLASS.search(el.get("class") or "") for el in [a, *a.iterancestors()])
        if "next" in rel or "prev" in rel or in_pager:
            add(found.pagination, a.get("href"))
    for link in tree.iter("link"):
        if "next" in (link.get("rel") or "").lower().split():
            add(found.pagination, link.get("href"))
    return found
