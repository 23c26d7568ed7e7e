"""Two downloader middlewares around Scrapy's own.

``WarcMiddleware`` (order 950, next to the network): every response, as received (before retries,
redirects and decompression act on it), goes to WARC with its request the moment it arrives. A crash loses
at most the responses still in flight.

``IncrementalMiddleware`` (order 110): before an article request goes out, asks the ledger whether it needs
sending at all (sitemap ``lastmod`` older than the copy held, or already answered in this job) and adds
``If-None-Match`` / ``If-Modified-Since`` from what the site sent last time.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from casebook.store import StoreError
from crawler.ledger import ARTICLE, ROLE, Ledger

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)


class _LedgerMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> _LedgerMiddleware:
        return cls(crawler)

    @property
    def ledger(self) -> Ledger:
        return self.crawler.spider.ledger  # type: ignore[union-attr]


class WarcMiddleware(_LedgerMiddleware):
    def process_response(self, request: Request, response: Response) -> Response:
        try:
            self.ledger.archive(request, response)
        except (OSError, *StoreError) as exc:
            # Nothing may be fetched that is not kept: stop this job (resumable) rather than crawl on.
            message = f"could not archive {response.url}: {exc}"
            self.ledger.tally.fatal = message
            log.error("%s; stopping the crawl", message)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive error"))
            raise IgnoreRequest(message) from exc
        return response


class IncrementalMiddleware(_LedgerMiddleware):
    def process_request(self, request: Request) -> None:
        if request.meta.get(ROLE) != ARTICLE:
            return None
        reason = self.ledger.prepare(request)
        if reason:
            raise IgnoreRequest(reason)
        return None
