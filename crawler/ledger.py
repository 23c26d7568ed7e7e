"""The crawl's book-keeping: every response archived as it arrives, and what the crawler knows of each URL.

One :class:`Ledger` per crawl job (one source, or a ``--urls`` list). For each response it

1. writes the response exactly as received and its request to WARC (fsynced before anything else happens),
2. catalogues the response record in the store's ``records`` table and, for article URLs, notes the answer
   in ``fetches`` (validators, fetch times, the removed flag), in one transaction.

Only article bodies (an article URL answering 200) go to the article files ``crawl-<job>-*.warc.gz``,
catalogued as pending so ``indexer.pipeline.ingest`` turns them into documents (an interrupted run leaves
them pending and the next run finishes them). Everything else fetched on the way (robots.txt, sitemaps,
feeds, listing pages, redirects, 304s, 404s, 5xx answers later retried, WordPress pages that are not
posts) is archived too, in ``crawl-aux-<job>-*.warc.gz``, and catalogued with its final outcome, so ingest
skips those records even when someone passes it the whole archive folder.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Headers, Response
from tqdm import tqdm

from casebook.archive import AUX_PREFIX, WarcArchive
from casebook.settings import Settings
from casebook.store import PENDING, FetchState, Store
from crawler.rules import inflated_size, modified_before, wordpress_page_kind
from crawler.state import JobState

log = logging.getLogger(__name__)

ROLE = "casebook_role"  # request meta: robots, sitemap, feed, listing or article
LASTMOD = "casebook_lastmod"  # request meta: the sitemap's <lastmod> for an article
ARTICLE = "article"
_CONDITIONAL = (b"If-None-Match", b"If-Modified-Since")
_NOT_ARCHIVED_HEADERS = {"transfer-encoding"}  # the body is stored de-chunked; the header would lie


@dataclass
class Tally:
    """What one crawl process did, summed over its jobs."""

    responses: int = 0  # every HTTP response received and archived
    articles: int = 0  # article bodies archived (200)
    new: int = 0  # ... of URLs never held before
    refetched: int = 0  # ... of URLs held before (changed, or the site sends no validators)
    not_modified: int = 0  # 304 answers to conditional requests
    unchanged: int = 0  # held articles skipped unasked: sitemap lastmod older than the copy held
    resumed: int = 0  # articles skipped because this job already has their answer (a resumed run)
    removed: int = 0  # held articles newly answering 404/410
    errors: list[str] = field(default_factory=list)
    article_files: set[str] = field(default_factory=set)
    closed: dict[str, str] = field(default_factory=dict)  # job name -> Scrapy's close reason
    fatal: str | None = None

    def line(self) -> str:
        return (
            f"articles {self.articles} ({self.new} new, {self.refetched} again), 304 {self.not_modified}"
            f", unchanged {self.unchanged}, removed {self.removed}, errors {len(self.errors)}"
        )


class Progress:
    """One progress line on the terminal for the whole crawl process."""

    def __init__(self, enabled: bool) -> None:
        self.bar = tqdm(
            desc="crawl", unit=" pages", disable=not enabled, leave=False, file=sys.stderr, dynamic_ncols=True
        )

    def show(self, tally: Tally, advance: int = 0) -> None:
        if advance:
            self.bar.update(advance)
        self.bar.set_postfix_str(tally.line(), refresh=True)

    def close(self) -> None:
        self.bar.close()


def _safe(name: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "job"
    return f"_{safe}" if safe.startswith("aux-") else safe


def _header_list(headers: Headers, drop: set[str] = frozenset()) -> list[tuple[str, str]]:  # type: ignore[assignment]
    pairs = []
    for name, values in headers.items():
        key = name.decode("latin-1")
        if key.lower() in drop:
            continue
        pairs.extend((key, value.decode("latin-1")) for value in values)
    return pairs


class Ledger:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        job_name: str,
        state: JobState,
        source_of: Callable[[str], str],
        tally: Tally,
        progress: Progress,
        max_page_bytes: int = 0,
        wordpress: bool = False,
    ) -> None:
        self.store = store
        self.job_name = job_name
        self.state = state
        self.source_of = source_of
        self.tally = tally
        self.progress = progress
        self.wordpress = wordpress
        self.max_page_bytes = max_page_bytes
        self.settled_urls: set[str] = set()  # article URLs answered or skipped in this run
        safe = _safe(job_name)
        self.articles = WarcArchive(settings.warc_dir, prefix=f"crawl-{safe}")
        self.aux = WarcArchive(settings.warc_dir, prefix=f"{AUX_PREFIX}{safe}")

    # -- before a request goes out ---------------------------------------------------------------

    def prepare(self, request: Request) -> str | None:
        """For an article request: why it need not be sent; else None, with conditional headers added."""
        for name in _CONDITIONAL:  # a redirect copies the headers of the URL it came from
            request.headers.pop(name, None)
        state = self.store.fetch_state(request.url)
        if state is None:
            return None
        if state.checked >= self.state.started and state.status in (200, 304, 404, 410):
            self.tally.resumed += 1
            self.settled_urls.add(request.url)
            return "already answered earlier in this crawl job"
        if not state.held:
            return None
        if not state.removed and modified_before(request.meta.get(LASTMOD), state.confirmed):
            self.tally.unchanged += 1
            self.settled_urls.add(request.url)
            self.progress.show(self.tally)
            return "unchanged since the copy held (sitemap lastmod)"
        if state.etag:
            request.headers[b"If-None-Match"] = state.etag
        if state.last_modified:
            request.headers[b"If-Modified-Since"] = state.last_modified
        return None

    # -- when a response arrives -----------------------------------------------------------------

    def archive(self, request: Request, response: Response) -> None:
        when = datetime.now(UTC)
        url = response.url
        role = request.meta.get(ROLE) or ("robots" if urlsplit(url).path == "/robots.txt" else "other")
        status = response.status
        is_article = role == ARTICLE and status == 200
        outcome = PENDING if is_article else f"crawl {role}: HTTP status {status}"
        encoding = (response.headers.get(b"Content-Encoding") or b"").decode("latin-1") or None
        if (
            is_article
            and self.max_page_bytes
            and inflated_size(response.body, encoding, self.max_page_bytes) > self.max_page_bytes
        ):
            # Small on the wire, over the cap once decompressed: kept, but not made a document.
            is_article, outcome = False, f"crawl {role}: larger than the page size cap"
        if is_article and self.wordpress:
            reason = wordpress_page_kind(response.body, encoding)
            if reason:
                is_article, outcome = False, f"crawl {role}: {reason}"
        target = self.articles if is_article else self.aux
        record, _ = target.write_exchange(
            url,
            request.method,
            _header_list(request.headers),
            request.body or b"",
            status,
            _header_list(response.headers, _NOT_ARCHIVED_HEADERS),
            response.body,
            when,
            protocol=response.protocol or "HTTP/1.1",
        )
        previous: FetchState | None = None
        with self.store.transaction():
            self.store.add_record(
                record.record_id,
                record.warc_file,
                record.offset,
                url,
                record.payload_digest,
                when,
                None,
                outcome,
            )
            if role == ARTICLE and (is_article or status != 200):
                previous = self.store.fetch_state(url)
                etag = response.headers.get(b"ETag")
                last_modified = response.headers.get(b"Last-Modified")
                self.store.record_fetch(
                    url,
                    self.source_of(url),
                    status,
                    when,
                    etag=etag.decode("latin-1") if etag else None,
                    last_modified=last_modified.decode("latin-1") if last_modified else None,
                    record_id=record.record_id if is_article else None,
                )
        self.tally.responses += 1
        if role == ARTICLE:
            self.settled_urls.add(url)
        if is_article:
            self.tally.articles += 1
            self.tally.article_files.add(record.warc_file)
            if previous is not None and previous.held:
                self.tally.refetched += 1
            else:
                self.tally.new += 1
        elif role == ARTICLE and status == 304:
            self.tally.not_modified += 1
        elif role == ARTICLE and status in (404, 410):
            if previous is not None and previous.held:
                if not previous.removed:
                    self.tally.removed += 1
                    log.warning("%s answers %d: flagged removed (the archived copy is kept)", url, status)
            else:
                self.error(f"{url}: HTTP {status}")
        self.progress.show(self.tally, advance=1)

    def error(self, message: str) -> None:
        message = " ".join(message.split())
        self.tally.errors.append(message)
        log.warning("%s", message)
        self.progress.show(self.tally)

    def closed(self, reason: str) -> None:
        self.tally.closed[self.job_name] = reason

    def settle(self) -> None:
        """After the crawl process has stopped: a finished job is forgotten, any other kept to resume."""
        if self.tally.closed.get(self.job_name) == "finished" and not self.tally.fatal:
            self.state.finished()
        else:
            self.state.stopped()
