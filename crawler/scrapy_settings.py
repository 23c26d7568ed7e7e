"""The Scrapy settings of one crawl job, built from Casebook's settings and the source's registry entry.

All of Scrapy's configuration lives here (as in Scrapy's own project template, one settings module); the
politeness knobs a caller may change (tests set the delays to zero) are :class:`CrawlOptions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.settings import default_settings

from casebook.archive.codings import accept_encoding
from casebook.models import Source
from casebook.settings import Settings

DEFAULT_DELAY = 1.0  # seconds between requests to one site when a job has no source (``--urls``)
SITEMAP_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class CrawlOptions:
    """Politeness and limits. Defaults are what a crawl of real sites uses."""

    download_delay: float | None = None  # None: each source's own ``download_delay``
    autothrottle: bool = True
    max_page_bytes: int = 10 * 1024 * 1024  # a page over this is skipped with a logged reason
    timeout: float = 30.0  # seconds for one download
    retries: int = 3  # on 5xx, 408, 429 and network errors
    retry_backoff: float = 2.0  # first retry waits this long, then twice as long each time (capped)
    concurrency_per_site: int = 2


def scrapy_settings(
    settings: Settings, source: Source | None, options: CrawlOptions, jobdir: Path
) -> dict[str, Any]:
    """Per-job settings (a spider's ``custom_settings``)."""
    delay = options.download_delay
    if delay is None:
        delay = source.download_delay if source is not None else DEFAULT_DELAY
    return {
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_DELAY_JITTER": 0.5 if delay > 0 else 0.0,  # ±50%, as RANDOMIZE_DOWNLOAD_DELAY did
        "AUTOTHROTTLE_ENABLED": options.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(delay, 1.0) if options.download_delay is None else delay,
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.concurrency_per_site,
        "DOWNLOAD_TIMEOUT": options.timeout,
        "DOWNLOAD_MAXSIZE": options.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        # Ask only for the codings the archive's readers can undo (Scrapy would offer its own list).
        "DEFAULT_REQUEST_HEADERS": {
            **default_settings.DEFAULT_REQUEST_HEADERS,
            "Accept-Encoding": accept_encoding(),
        },
        "RETRY_ENABLED": True,
        "RETRY_TIMES": options.retries,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
        "CASEBOOK_RETRY_BACKOFF": options.retry_backoff,
        "JOBDIR": str(jobdir),
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.politeness.RobotsTxtMiddleware": 100,
            "crawler.warc_middleware.IncrementalMiddleware": 110,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.politeness.BackoffRetryMiddleware": 550,
            # Closest to the network: sees every response before retries, redirects and decompression.
            "crawler.warc_middleware.WarcMiddleware": 950,
        },
    }


def process_settings(log_level: int) -> dict[str, Any]:
    """Settings shared by every job of one crawl process."""
    return {
        "BOT_NAME": "casebook",
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "LOG_INSTALL_ROOT_HANDLER": False,  # the crawl process logs above its progress bar
        "REMOTE_CONTROL_ENABLED": False,  # no listening port
        "LOGSTATS_INTERVAL": 0,
        "STATS_DUMP": False,
    }
