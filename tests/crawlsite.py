"""A local web server for the crawl tests: fixture sites on loopback, with scripted misbehaviour.

Each :class:`FixtureSite` serves one folder of ``tests/fixtures/sites/`` at the root of its own
``http://127.0.0.x:PORT`` (a WordPress site lives at a host root, and registry sources are told apart by host
name), from a ``site.toml`` (posts, pages, which validators the server sends), post bodies, page templates
and a ``robots.txt``. Sitemaps, feeds and listing pages are generated from the posts, so an edit or a
deletion shows everywhere at once, as on a real site. Shapes:

* ``wordpress``: self-hosted WordPress: ``/%postname%/`` permalinks, ``/wp-sitemap.xml`` (index of post,
  page, taxonomy and user sitemaps), ``/feed/?paged=N``, home-page pagination ``/page/N/``, category, tag,
  author and month archives, an About page, ``/wp-admin/``.
* ``wordpresscom``: dated permalinks, a Jetpack sitemap index whose ``sitemap-1.xml`` mixes the home page,
  posts and pages, sharing and like widgets.
* ``joomla``: Benefits-and-Work-shaped news: ``/news?start=N`` listing, ``/news/<slug>`` articles, no sitemap
  or feed.

Scripted behaviour per post (``behaviour = [...]`` in ``site.toml``): ``fail-once`` (500, then fine),
``slow`` (answers after 1 s), ``redirect`` (listed under ``old_slug``: 301 to ``/?p=ID``, 301 to the post),
``cp1252`` (windows-1252 bytes sent as ``charset=utf-8``), ``oversize`` (a page over the test size cap),
``missing`` (listed everywhere, answers 404), ``disallowed`` (a marker for tests: the post sits under a
robots.txt ``Disallow`` and is served normally). Per site: gzip when asked (or, per path, the content-coding
named in :attr:`FixtureSite.codings`: gzip, deflate, br or zstd), ``ETag``/``Last-Modified``
with 304 answers, :meth:`FixtureSite.edit`, :meth:`FixtureSite.delete`, :meth:`FixtureSite.disable`
(``sitemaps``, ``feed``), ``article_delay`` (to interrupt a crawl mid-way), and a request log
(:attr:`FixtureSite.log`).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import re
import sys
import threading
import time
import tomllib
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import brotli

try:
    from compression import zstd  # Python 3.14+
except ImportError:
    from backports import zstd

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"
ENCODERS = {
    "gzip": lambda body: gzip.compress(body, mtime=0),
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstd.compress,
}
OVERSIZE_PADDING = 200_000  # bytes of inline page data added to an ``oversize`` post (tests cap pages lower)


@dataclass(frozen=True)
class Hit:
    """One request as the server saw it."""

    method: str
    path: str  # path and query, as requested
    status: int
    headers: dict[str, str]  # request headers, lower-case names
    sent: int  # body bytes in the response
    at: float = 0.0  # time.monotonic() when the request arrived


@dataclass
class Post:
    id: int
    slug: str
    title: str
    author: str
    published: datetime
    modified: datetime
    category: str
    tags: list[str]
    behaviour: set[str]
    path: str
    old_path: str | None
    body: str
    comments: list[dict]
    deleted: bool = False

    @property
    def listed_path(self) -> str:
        return self.old_path if self.old_path else self.path


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    cacheable: bool = False  # send validators and answer conditional requests
    modified: datetime | None = None


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


class FixtureSite:
    """One fixture site served on ``host`` (any 127.x address on Linux) at a free port."""

    def __init__(self, name: str, host: str = "127.0.0.1") -> None:
        self.name = name
        self.root = SITES / name
        config = tomllib.loads((self.root / "site.toml").read_text(encoding="utf-8"))
        self.shape: str = config["shape"]
        self.title: str = config["title"]
        self.gzip: bool = config.get("gzip", False)
        self.etag: bool = config.get("etag", False)
        self.last_modified: bool = config.get("last_modified", False)
        self.per_page: int = config.get("per_page", 10)
        self.templates = {
            p.stem: p.read_text(encoding="utf-8") for p in (self.root / "templates").glob("*.html")
        }
        self.posts = [self._post(i, entry) for i, entry in enumerate(config.get("posts", []))]
        self.pages = {entry["slug"]: entry["title"] for entry in config.get("pages", [])}
        self.host = host
        self.log: list[Hit] = []
        self.disabled: set[str] = set()
        self.article_delay = 0.0
        self.codings: dict[
            str, str
        ] = {}  # path -> content-coding sent when asked for (default: gzip or none)
        self._failed: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def _post(self, index: int, entry: dict) -> Post:
        published = datetime.fromisoformat(entry["published"].replace("Z", "+00:00"))
        slug = entry["slug"]
        if "path" in entry:
            path = entry["path"]
        elif self.shape == "joomla":
            path = f"/news/{slug}"
        elif self.shape == "wordpresscom":
            path = f"/{published:%Y/%m/%d}/{slug}/"
        else:
            path = f"/{slug}/"
        behaviour = set(entry.get("behaviour", []))
        old = f"/{entry['old_slug']}/" if "redirect" in behaviour else None
        body_file = self.root / "posts" / f"{slug}.html"
        body = body_file.read_text(encoding="utf-8") if body_file.exists() else ""
        return Post(
            100 + index,
            slug,
            entry["title"],
            entry.get("author", "Staff"),
            published,
            published,
            entry.get("category", "News"),
            list(entry.get("tags", [])),
            behaviour,
            path,
            old,
            body,
            list(entry.get("comments", [])),
        )

    # -- running -------------------------------------------------------------------------------

    def start(self) -> FixtureSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                site._handle(self)

            def log_message(self, *args: object) -> None:
                pass

        self._server = _Server((self.host, 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FixtureSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    # -- scripting -----------------------------------------------------------------------------

    def post(self, slug: str) -> Post:
        return next(p for p in self.posts if p.slug == slug)

    def edit(self, slug: str, old: str, new: str) -> None:
        """Change a post's text: its validators and sitemap ``lastmod`` change with it."""
        post = self.post(slug)
        assert old in post.body, old
        with self._lock:
            post.body = post.body.replace(old, new)
            post.modified = datetime.now(UTC)

    def delete(self, slug: str) -> None:
        """Take a post down: 404 at its URL, gone from sitemaps, feeds and listings."""
        self.post(slug).deleted = True

    def disable(self, *what: str) -> None:
        """``sitemaps`` (no sitemap anywhere, none in robots.txt) and/or ``feed``."""
        self.disabled.update(what)

    # -- observing -----------------------------------------------------------------------------

    def mark(self) -> int:
        return len(self.log)

    def hits(self, since: int = 0) -> list[Hit]:
        with self._lock:
            return list(self.log[since:])

    def article_urls(self, *behaviours_excluded: str) -> set[str]:
        """Final URLs of the posts a crawl should archive (not deleted, not excluded by behaviour)."""
        return {
            self.url(p.path)
            for p in self.posts
            if not p.deleted and not (p.behaviour & set(behaviours_excluded))
        }

    # -- serving -------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        headers = {k.lower(): v for k, v in handler.headers.items()}
        reply = self._route(handler.path, headers)
        if reply.cacheable:
            reply = self._conditional(reply, headers)
        body = reply.body
        out_headers = {"Content-Type": reply.content_type, **reply.headers}
        accepted = {c.split(";")[0].strip() for c in headers.get("accept-encoding", "").split(",")}
        coding = self.codings.get(urlsplit(handler.path).path, "gzip" if self.gzip else None)
        if body and coding in accepted and reply.status == 200:
            body = ENCODERS[coding](body)
            out_headers["Content-Encoding"] = coding
            out_headers["Vary"] = "Accept-Encoding"
        out_headers["Content-Length"] = str(len(body))
        try:
            handler.send_response(reply.status)
            for name, value in out_headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            if body:
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self._lock:
                self.log.append(Hit("GET", handler.path, reply.status, headers, len(body), arrived))

    def _conditional(self, reply: Reply, headers: dict[str, str]) -> Reply:
        etag = '"' + hashlib.sha1(reply.body).hexdigest()[:20] + '"'
        validators: dict[str, str] = {}
        if self.etag:
            validators["ETag"] = etag
        if self.last_modified and reply.modified is not None:
            validators["Last-Modified"] = format_datetime(reply.modified.replace(microsecond=0), usegmt=True)
        reply.headers.update(validators)
        if self.etag and headers.get("if-none-match") == etag:
            return Reply(304, b"", reply.content_type, validators)
        since = headers.get("if-modified-since")
        if self.last_modified and since and reply.modified is not None and "if-none-match" not in headers:
            try:
                if reply.modified.replace(microsecond=0) <= parsedate_to_datetime(since):
                    return Reply(304, b"", reply.content_type, validators)
            except (TypeError, ValueError):
                pass
        return reply

    def _route(self, raw_path: str, headers: dict[str, str]) -> Reply:
        parts = urlsplit(raw_path)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/robots.txt":
            text = self._fill((self.root / "robots.txt").read_text(encoding="utf-8"))
            if "sitemaps" in self.disabled:
                text = "\n".join(
                    line for line in text.splitlines() if not line.lower().startswith("sitemap:")
                )
            return Reply(200, text.encode(), "text/plain; charset=utf-8")
        for post in self.posts:
            if post.deleted:
                continue
            if post.old_path == path:
                return Reply(301, headers={"Location": self.url(f"/?p={post.id}")})
            if path == "/" and query.get("p") == [str(post.id)]:
                return Reply(301, headers={"Location": self.url(post.path)})
            if path == post.path:
                return self._article(post)
        if self.shape == "joomla":
            return self._joomla(path, query)
        return self._wordpress(path, query)

    # -- pages ---------------------------------------------------------------------------------

    def _fill(self, text: str, **values: object) -> str:
        values = {"base": self.base, "site_title": html.escape(self.title), **values}
        return re.sub(r"\{\{(\w+)\}\}", lambda m: str(values[m.group(1)]), text)

    def _live(self) -> list[Post]:
        return sorted((p for p in self.posts if not p.deleted), key=lambda p: p.published, reverse=True)

    def _article(self, post: Post) -> Reply:
        if "missing" in post.behaviour:
            return self._not_found()
        if "fail-once" in post.behaviour:
            with self._lock:
                first = post.path not in self._failed
                self._failed.add(post.path)
            if first:
                return Reply(500, b"<h1>Internal Server Error</h1>")
        if "slow" in post.behaviour:
            time.sleep(1.0)
        if self.article_delay:
            time.sleep(self.article_delay)
        charset = "windows-1252" if "cp1252" in post.behaviour else "utf-8"
        template = "article" if self.shape == "joomla" else "post"
        page = self._fill(
            self.templates[template],
            charset=charset,
            id=post.id,
            title=html.escape(post.title),
            url=self.url(post.path),
            author=html.escape(post.author),
            author_url=self.url(f"/author/{slugify(post.author)}/"),
            published=post.published.isoformat(),
            published_human=f"{post.published.day} {post.published:%B %Y}",
            category=html.escape(post.category),
            category_url=self.url(f"/category/{slugify(post.category)}/"),
            tag_links=", ".join(
                f'<a href="{self.url(f"/tag/{slugify(t)}/")}" rel="tag">{html.escape(t)}</a>'
                for t in post.tags
            ),
            content=post.body,
            comments=self._comments(post),
            padding=self._padding(post),
        )
        body = page.encode("cp1252") if charset == "windows-1252" else page.encode("utf-8")
        return Reply(200, body, "text/html; charset=utf-8", cacheable=True, modified=post.modified)

    def _padding(self, post: Post) -> str:
        if "oversize" not in post.behaviour:
            return ""
        # Page-builder data that does not compress: over the cap on the wire as well as unpacked.
        data = "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(OVERSIZE_PADDING // 64))
        return f'<script type="application/json" id="page-data">{{"blob": "{data}"}}</script>'

    def _comments(self, post: Post) -> str:
        if not post.comments:
            return ""
        items = []
        for n, comment in enumerate(post.comments, 1):
            when = datetime.fromisoformat(comment["date"].replace("Z", "+00:00"))
            items.append(
                f'<li id="comment-{n}" class="comment depth-1">'
                f'<article id="div-comment-{n}" class="comment-body">'
                f'<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">'
                f'{html.escape(comment["author"])}</b> <span class="says">says:</span></div>'
                f'<div class="comment-metadata"><a href="{self.url(post.path)}#comment-{n}">'
                f'<time datetime="{when.isoformat()}">{when.day} {when:%B %Y at %H:%M}</time></a></div>'
                "</footer>"
                f'<div class="comment-content"><p>{html.escape(comment["text"])}</p></div></article></li>'
            )
        count = len(post.comments)
        return (
            f'<h2 class="comments-title">{count} thoughts on &ldquo;{html.escape(post.title)}&rdquo;</h2>'
            f'<ol class="comment-list">{"".join(items)}</ol>'
        )

    def _not_found(self) -> Reply:
        page = "<!DOCTYPE html><html><head><title>Page not found</title></head>"
        page += '<body class="error404"><h1>Oops! That page can&rsquo;t be found.</h1></body></html>'
        return Reply(404, page.encode())

    def _simple(self, title: str, content: str, page_id: int = 2) -> Reply:
        page = self._fill(
            self.templates["page"],
            id=page_id,
            title=html.escape(title),
            url=self.url(f"/{slugify(title)}/"),
            content=content,
        )
        return Reply(200, page.encode("utf-8"), cacheable=True, modified=datetime(2020, 1, 1, tzinfo=UTC))

    # -- WordPress -----------------------------------------------------------------------------

    def _wordpress(self, path: str, query: dict[str, list[str]]) -> Reply:
        live = self._live()
        slug = path.strip("/")
        if slug in self.pages:
            body_file = self.root / "posts" / f"{slug}.html"
            page = self._fill(
                self.templates["page"],
                id=2,
                title=html.escape(self.pages[slug]),
                url=self.url(f"/{slug}/"),
                content=body_file.read_text(encoding="utf-8"),
            )
            return Reply(200, page.encode("utf-8"), cacheable=True, modified=datetime(2020, 1, 1, tzinfo=UTC))
        if path in ("/wp-admin/", "/wp-login.php"):
            return Reply(200, b'<html><body class="login"><form id="loginform"></form></body></html>')
        if path.rstrip("/") == "/feed" and "feed" not in self.disabled:
            return self._feed(live, int(query.get("paged", ["1"])[0]))
        sitemaps = self._sitemaps(live) if "sitemaps" not in self.disabled else {}
        if path in sitemaps:
            return Reply(200, sitemaps[path].encode("utf-8"), "application/xml; charset=UTF-8")
        for prefix, field_of, kind in (
            ("/category/", "category", "category"),
            ("/tag/", "tags", "tag"),
            ("/author/", "author", "author"),
        ):
            if path.startswith(prefix):
                name, page = self._paged(path[len(prefix) :])
                chosen = [p for p in live if name in {slugify(v) for v in _values(getattr(p, field_of))}]
                if chosen:
                    return self._listing(
                        chosen, page, f"{prefix}{name}/", f"archive {kind} {kind}-{name}", name
                    )
        month = re.fullmatch(r"/(\d{4})/(\d{2})/(?:page/(\d+)/)?", path)
        if month:
            chosen = [p for p in live if f"{p.published:%Y/%m}" == f"{month.group(1)}/{month.group(2)}"]
            if chosen:
                page = int(month.group(3) or 1)
                return self._listing(
                    chosen,
                    page,
                    f"/{month.group(1)}/{month.group(2)}/",
                    "archive date",
                    f"Month: {month.group(2)}/{month.group(1)}",
                )
        home = re.fullmatch(r"/(?:page/(\d+)/)?", path)
        if home:
            return self._listing(live, int(home.group(1) or 1), "/", "home blog", self.title)
        return self._not_found()

    @staticmethod
    def _paged(rest: str) -> tuple[str, int]:
        match = re.fullmatch(r"([^/]+)/(?:page/(\d+)/)?", rest)
        return (match.group(1), int(match.group(2) or 1)) if match else ("", 0)

    def _listing(self, posts: list[Post], page: int, base_path: str, body_class: str, heading: str) -> Reply:
        pages = max(1, -(-len(posts) // self.per_page))
        if page < 1 or page > pages:
            return self._not_found()
        chosen = posts[(page - 1) * self.per_page : page * self.per_page]
        items = "\n".join(self._item(p) for p in chosen)

        def page_url(n: int) -> str:
            return self.url(base_path if n == 1 else f"{base_path}page/{n}/")

        links = []
        head = []
        if page < pages:
            links.append(f'<div class="nav-previous"><a href="{page_url(page + 1)}">Older posts</a></div>')
            head.append(f'<link rel="next" href="{page_url(page + 1)}">')
        if page > 1:
            links.append(f'<div class="nav-next"><a href="{page_url(page - 1)}">Newer posts</a></div>')
            body_class += f" paged paged-{page}"
        pagination = (
            (
                '<nav class="navigation posts-navigation" aria-label="Posts"><div class="nav-links">'
                + "".join(links)
                + "</div></nav>"
            )
            if links
            else ""
        )
        text = self._fill(
            self.templates["listing"],
            heading=html.escape(heading),
            body_class=body_class,
            items=items,
            pagination=pagination,
            head_links="\n".join(head),
        )
        return Reply(200, text.encode("utf-8"))

    def _item(self, post: Post) -> str:
        url = self.url(post.listed_path)
        excerpt = html.escape(" ".join(_text(post.body).split()[:25])) + " &hellip;"
        return (
            f'<article id="post-{post.id}" class="post-{post.id} post type-post status-publish hentry">'
            f'<header class="entry-header"><h2 class="entry-title"><a href="{url}" rel="bookmark">'
            f"{html.escape(post.title)}</a></h2>"
            f'<div class="entry-meta"><time class="entry-date published"'
            f' datetime="{post.published.isoformat()}">'
            f'{post.published:%d %B %Y}</time> by <a href="{self.url(f"/author/{slugify(post.author)}/")}">'
            f"{html.escape(post.author)}</a></div></header>"
            f'<div class="entry-summary"><p>{excerpt} <a class="more-link" href="{url}">Continue reading</a>'
            "</p></div>"
            f'<footer class="entry-footer"><span class="cat-links"><a href="'
            f'{self.url(f"/category/{slugify(post.category)}/")}" rel="category tag">'
            f"{html.escape(post.category)}</a></span></footer></article>"
        )

    def _feed(self, live: list[Post], page: int) -> Reply:
        chosen = live[(page - 1) * self.per_page : page * self.per_page]
        if page < 1 or not chosen:
            return self._not_found()
        items = "".join(
            f"<item><title>{html.escape(p.title)}</title><link>{self.url(p.listed_path)}</link>"
            f"<dc:creator><![CDATA[{p.author}]]></dc:creator>"
            f"<pubDate>{format_datetime(p.published, usegmt=True)}</pubDate>"
            f"<category><![CDATA[{p.category}]]></category>"
            f'<guid isPermaLink="false">{self.url(f"/?p={p.id}")}</guid>'
            f"<description><![CDATA[{_text(p.body)[:200]}]]></description></item>"
            for p in chosen
        )
        rss = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f"<title>{html.escape(self.title)}</title>"
            f'<atom:link href="{self.url("/feed/")}" rel="self" type="application/rss+xml"/>'
            f"<link>{self.base}</link><description>Fixture feed</description>{items}</channel></rss>"
        )
        return Reply(200, rss.encode("utf-8"), "application/rss+xml; charset=UTF-8")

    def _sitemaps(self, live: list[Post]) -> dict[str, str]:
        def urlset(entries: list[tuple[str, datetime | None]]) -> str:
            body = "".join(
                f"<url><loc>{html.escape(loc)}</loc>"
                + (f"<lastmod>{when.isoformat(timespec='seconds')}</lastmod>" if when else "")
                + "</url>"
                for loc, when in entries
            )
            return (
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
            )

        def index(paths: list[str]) -> str:
            body = "".join(f"<sitemap><loc>{self.url(p)}</loc></sitemap>" for p in paths)
            return (
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>'
            )

        posts = [(self.url(p.listed_path), p.modified) for p in live]
        pages = [(self.url(f"/{slug}/"), datetime(2020, 1, 1, tzinfo=UTC)) for slug in self.pages]
        if self.shape == "wordpresscom":
            return {
                "/sitemap.xml": index(["/sitemap-1.xml", "/image-sitemap-1.xml"]),
                "/sitemap-1.xml": urlset([(self.url("/"), None), *posts, *pages]),
                "/image-sitemap-1.xml": urlset(posts[:1]),
            }
        categories = sorted({slugify(p.category) for p in live})
        authors = sorted({slugify(p.author) for p in live})
        return {
            "/wp-sitemap.xml": index(
                [
                    "/wp-sitemap-posts-post-1.xml",
                    "/wp-sitemap-posts-page-1.xml",
                    "/wp-sitemap-taxonomies-category-1.xml",
                    "/wp-sitemap-users-1.xml",
                ]
            ),
            "/wp-sitemap-posts-post-1.xml": urlset(posts),
            "/wp-sitemap-posts-page-1.xml": urlset(pages),
            "/wp-sitemap-taxonomies-category-1.xml": urlset(
                [(self.url(f"/category/{c}/"), None) for c in categories]
            ),
            "/wp-sitemap-users-1.xml": urlset([(self.url(f"/author/{a}/"), None) for a in authors]),
        }

    # -- Joomla (Benefits and Work) ------------------------------------------------------------

    def _joomla(self, path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/news":
            return self._joomla_listing(int(query.get("start", ["0"])[0]))
        if path == "/":
            return self._simple(
                self.title, f'Welcome. Read the <a href="{self.url("/news")}">latest news</a>.', 1
            )
        simple = {
            "/guides": "Guides",
            "/forum": "Forum",
            "/join": "Join",
            "/login": "Log in",
            "/privacy-policy": "Privacy policy",
            "/contact-us": "Contact us",
        }
        if path in simple:
            return self._simple(simple[path], f"The {simple[path].lower()} page.", 3)
        return self._not_found()

    def _joomla_listing(self, start: int) -> Reply:
        live = self._live()
        if start < 0 or (start and start >= len(live)):
            return self._not_found()
        chosen = live[start : start + self.per_page]
        items = "\n".join(
            '<div class="com-content-category-blog__item blog-item" itemprop="blogPost">'
            f'<div class="item-content"><div class="page-header"><h2 itemprop="name">'
            f'<a href="{self.url(p.listed_path)}" itemprop="url">{html.escape(p.title)}</a></h2></div>'
            f"<p>{html.escape(' '.join(_text(p.body).split()[:30]))} &hellip;</p>"
            f'<p class="readmore"><a class="btn btn-secondary" href="{self.url(p.listed_path)}">'
            "Read more &hellip;</a></p></div></div>"
            for p in chosen
        )
        pages = -(-len(live) // self.per_page)
        current = start // self.per_page
        links = []
        head = []
        for n in range(pages):
            href = self.url("/news" if n == 0 else f"/news?start={n * self.per_page}")
            active = ' active" aria-current="true' if n == current else ""
            links.append(f'<li class="page-item{active}"><a class="page-link" href="{href}">{n + 1}</a></li>')
        if current + 1 < pages:
            following = self.url(f"/news?start={(current + 1) * self.per_page}")
            links.append(
                f'<li class="page-item"><a aria-label="Go to next page" class="page-link" href="{following}">'
                "Next</a></li>"
            )
            head.append(f'<link href="{following}" rel="next">')
        pagination = (
            '<div class="com-content-category-blog__navigation w-100"><nav class="pagination__wrapper"'
            ' aria-label="Pagination"><ul class="pagination ms-0 mb-4">'
            + "".join(links)
            + "</ul></nav></div>"
        )
        text = self._fill(
            self.templates["listing"],
            heading="News",
            items=items,
            pagination=pagination,
            head_links="\n".join(head),
        )
        return Reply(200, text.encode("utf-8"))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A crawler hanging up mid-answer (the size cap, a killed crawl) is expected here, not an error."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _values(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
