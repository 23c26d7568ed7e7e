"""Politeness that Scrapy's own middlewares do not quite give.

``BackoffRetryMiddleware``: Scrapy's RetryMiddleware re-queues a failed request immediately. This one marks
the retry with the time before which it must not be sent (doubling each time, capped, or the site's
``Retry-After`` when larger) and waits for that time in ``process_request``: only that request waits, the
rest of the crawl goes on.

``RobotsTxtMiddleware``: Scrapy's (2.19) lets every request that arrives while a site's robots.txt is still
being fetched wait on one shared Deferred through ``Deferred.asFuture``, which hands the result to the first
waiter only: the second and later waiters get ``None``, "no robots.txt", and go out unchecked. Each waiter
here gets its own Deferred, relayed from the shared one, so a Disallow applies to every request.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet.defer import Deferred

NOT_BEFORE = "casebook_not_before"
MAX_WAIT = 120.0


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("CASEBOOK_RETRY_BACKOFF", 2.0)

    async def process_request(self, request: Request) -> None:
        wait = float(request.meta.get(NOT_BEFORE, 0)) - time.time()
        if wait > 0:
            from twisted.internet import reactor, task  # the reactor Scrapy installed, never a default one

            await maybe_deferred_to_future(task.deferLater(reactor, min(wait, MAX_WAIT), lambda: None))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        retry_after = _retry_after(response.headers.get(b"Retry-After"))
        if retry_after:
            not_before = time.time() + min(retry_after, MAX_WAIT)
            retry.meta[NOT_BEFORE] = max(retry.meta.get(NOT_BEFORE, 0), not_before)
        return retry

    def _retry(self, request: Request, reason: str | Exception | type[Exception]) -> Request | None:
        retry = super()._retry(request, reason)
        if retry is not None and self.backoff > 0:
            attempt = int(retry.meta.get("retry_times", 1))
            retry.meta[NOT_BEFORE] = time.time() + min(self.backoff * 2 ** (attempt - 1), MAX_WAIT)
        return retry


def _retry_after(value: bytes | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)  # the first request fetches it; later ones find it
        waiter: Deferred = Deferred()

        def relay(result: object) -> object:
            waiter.callback(result)
            return result  # unchanged, for the next waiter

        pending.addBoth(relay)
        return await maybe_deferred_to_future(waiter)
