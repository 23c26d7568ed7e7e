"""Which URLs are articles: the registry's patterns, plus what every WordPress site has in common.

A WordPress source is configured by its home URL alone, so its rules are generic: posts are kept;
category, tag, author, date-archive, pagination, feed, attachment, admin and login URLs are not, and
neither is the home page. WordPress *pages* ("About") look like posts under ``/%postname%/`` permalinks,
so the first guard is where the URL was found (the post sitemap, the feed); the second is the page's own
``<body class>``, checked when it arrives (:func:`wordpress_page_kind`).

Dates: sitemap ``lastmod`` values are compared to fetch times at their own precision (a bare date covers
the whole day), so a same-day edit is never mistaken for "not modified since".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from casebook.archive.codings import MAX_DECODED_BYTES, UndecodableBody, decode_body
from casebook.errors import CasebookError
from casebook.models import Source

# Paths (relative to the site's home) that are never a post.
_WP_NOT_POST = re.compile(
    r"""^/(?:wp-admin|wp-login\.php|wp-content|wp-includes|wp-json|wp-signup\.php|xmlrpc\.php|wp-cron\.php
          |feed|comments|search|cart|checkout|my-account)(?:/|$)
      | /(?:category|tag|author|topics?|series|type|format|archives)/
      | /page/\d+/?$
      | /(?:feed|rss2?|atom|rdf|trackback|embed|amp)/?$
      | /attachment/
      | /comment-page-\d+/?$
    """,
    re.VERBOSE,
)
_DATE_ARCHIVE = re.compile(r"^/\d{4}/(?:\d{1,2}/(?:\d{1,2}/)?)?$")
_DATE_PERMALINK = re.compile(r"^/\d{4}/\d{1,2}/(?:\d{1,2}/)?[^/]+/?$")
_URL_DATE = re.compile(r"/(\d{4})/(\d{1,2})/(?:(\d{1,2})/)?")
_FILE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|pdf|docx?|xlsx?|pptx?|odt|zip|gz|mp3|mp4|m4a|mov|css|js|xml|txt|json)$",
    re.IGNORECASE,
)
# Query keys of WordPress URLs that are not one post (``?p=123`` is a post under default permalinks).
_WP_QUERY_NOT_POST = {
    "s", "cat", "tag", "author", "m", "paged", "page_id", "replytocom", "attachment_id", "feed", "preview",
    "year", "monthnum", "day", "post_type", "share", "like_comment", "nb",
}  # fmt: skip


def strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


@dataclass
class ArticleFilter:
    """Decides whether a URL found while crawling ``source`` is one of its articles."""

    source: Source

    def __post_init__(self) -> None:
        try:
            self._pattern = re.compile(self.source.article_pattern) if self.source.article_pattern else None
            self._excludes = [re.compile(p) for p in self.source.exclude_patterns]
        except re.error as exc:
            raise CasebookError(
                f"source {self.source.name!r}: bad regular expression in its patterns: {exc}"
            ) from None
        home = urlsplit(self.source.url)
        self._home_path = home.path if home.path.endswith("/") else home.path.rsplit("/", 1)[0] + "/"
        self._domains = [d.lower().removeprefix("www.") for d in self.source.allowed_domains]
        self.wordpress = self.source.kind == "wordpress"

    def same_site(self, url: str) -> bool:
        if urlsplit(url).scheme not in ("http", "https"):
            return False
        host = _host(url)
        return any(host == d or host.endswith("." + d) for d in self._domains)

    def accepts(self, url: str) -> bool:
        if not self.same_site(url) or _FILE.search(urlsplit(url).path):
            return False
        if any(p.search(url) for p in self._excludes):
            return False
        if self._pattern is not None and not self._pattern.search(url):
            return False
        return not self.wordpress or self.wordpress_post(url)

    def relative_path(self, url: str) -> str:
        path = urlsplit(url).path or "/"
        if self._home_path != "/" and path.startswith(self._home_path):
            return "/" + path[len(self._home_path) :]
        return path

    def wordpress_post(self, url: str) -> bool:
        """True unless the URL is one of the kinds of WordPress URL that are never a post."""
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if query.keys() & _WP_QUERY_NOT_POST:
            return False
        path = self.relative_path(url)
        if path == "/":
            return "p" in query  # the home page, unless it is a ?p=123 post link
        return not (_WP_NOT_POST.search(path) or _DATE_ARCHIVE.match(path))

    def dated_permalink(self, url: str) -> bool:
        return bool(_DATE_PERMALINK.match(self.relative_path(url)))


def wordpress_sitemap_kind(url: str) -> str | None:
    """For a sitemap listed in a WordPress sitemap index: "post" (posts only), "mixed" (Jetpack and unknown
    plugins: posts and pages together) or None (pages, taxonomies, users, images...: not followed)."""
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    core = re.match(r"wp-sitemap-posts-([\w-]+?)-\d+\.xml$", name)
    if core:
        return "post" if core.group(1) == "post" else None
    if name.startswith(("wp-sitemap-taxonomies-", "wp-sitemap-users-")):
        return None
    plugin = re.match(r"([a-z_-]+?)-sitemap\d*\.xml(?:\.gz)?$", name)  # Yoast, Rank Math, AIOSEO
    if plugin:
        return "post" if plugin.group(1) == "post" else None
    if re.search(r"(?:image|video|news|page|category|tag|author|taxonom)", name):
        return None
    return "mixed"


def wordpress_page_kind(body: bytes, content_encoding: str | None) -> str | None:
    """Why an HTML response is not a WordPress post, read from its ``<body class>``; None if it is one
    (or says nothing: only a page's own declaration is trusted here)."""
    head = _inflate(body, content_encoding)[: 1 << 20].decode("latin-1")
    match = re.search(r"<body\b[^>]*?\bclass\s*=\s*[\"']([^\"']*)[\"']", head, re.IGNORECASE)
    if not match:
        return None
    classes = set(match.group(1).split())
    if classes & {"single", "single-post"} or any(c.startswith("postid-") for c in classes):
        return None
    if "error404" in classes:
        return "a 'page not found' page"
    if "page" in classes or any(c.startswith("page-id-") for c in classes):
        return "a WordPress page, not a post"
    listing = classes & {"archive", "category", "tag", "author", "date", "blog", "home", "search", "paged"}
    if listing:
        return f"a WordPress {' '.join(sorted(listing))} page, not a post"
    return None


def inflated_size(body: bytes, encoding: str | None, limit: int = MAX_DECODED_BYTES) -> int:
    """Size of a response body once its ``Content-Encoding`` is undone (every coding the crawler asks for),
    counted up to just past ``limit``; a body that does not decode counts as sent."""
    try:
        return len(decode_body(body, encoding, limit + 1, prefix=True))
    except UndecodableBody:
        return len(body)


def _inflate(body: bytes, encoding: str | None) -> bytes:
    try:
        return decode_body(body, encoding, 4 << 20, prefix=True)
    except UndecodableBody:
        return b""


# -- dates -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """A date or time as a site wrote it, with its precision: ``end`` is the last moment it can mean."""

    start: datetime
    end: datetime


def parse_stamp(value: str | None) -> Stamp | None:
    """W3C datetime (sitemaps, Atom) or RFC 822 (RSS); None if unreadable. Naive times are taken as UTC."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        start = datetime(int(text), 1, 1, tzinfo=UTC)
        return Stamp(start, start.replace(year=start.year + 1) - timedelta(microseconds=1))
    if re.fullmatch(r"\d{4}-\d{2}", text):
        start = datetime(int(text[:4]), int(text[5:7]), 1, tzinfo=UTC)
        following = (start + timedelta(days=32)).replace(day=1)
        return Stamp(start, following - timedelta(microseconds=1))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = date.fromisoformat(text)
        start = datetime.combine(day, time(), tzinfo=UTC)
        return Stamp(start, start + timedelta(days=1) - timedelta(microseconds=1))
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    precision = timedelta(minutes=1) if re.search(r"T\d{2}:\d{2}(?:[-+Z]|$)", text) else timedelta(seconds=1)
    if when.microsecond:
        precision = timedelta(microseconds=1)
    return Stamp(when, when + precision - timedelta(microseconds=1))


def modified_before(lastmod: str | None, when: datetime | None) -> bool:
    """True when a sitemap says the page last changed before ``when`` (so the copy held then is current)."""
    stamp = parse_stamp(lastmod)
    return stamp is not None and when is not None and stamp.end < when


def older_than(stamp_text: str | None, since: date | None) -> bool:
    """True when the page's date (lastmod, pubDate) is wholly before ``since``."""
    stamp = parse_stamp(stamp_text)
    return since is not None and stamp is not None and stamp.end < datetime.combine(since, time(), tzinfo=UTC)


def url_older_than(url: str, since: date | None) -> bool:
    """True when a dated permalink's date (the whole month, for ``/2017/05/slug/``) is before ``since``."""
    match = _URL_DATE.search(urlsplit(url).path)
    if since is None or not match:
        return False
    try:
        year, month = int(match.group(1)), int(match.group(2))
        if match.group(3):
            return date(year, month, int(match.group(3))) < since
        following = (date(year, month, 1) + timedelta(days=32)).replace(day=1)
    except ValueError:
        return False
    return following <= since


def url_date(url: str) -> date | None:
    """The date in a dated permalink (``/2017/05/04/slug/``); the first of the month without a day."""
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
    except ValueError:
        return None
