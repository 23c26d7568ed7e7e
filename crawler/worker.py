"""The crawl process: ``python -m crawler.worker PLAN RESULT`` (started by :func:`crawler.run.crawl`).

Runs every job of the plan in one Scrapy ``CrawlerProcess`` (one reactor: the sites are crawled side by
side, each at its own pace), then writes a JSON tally to RESULT; any failure is written there as one line.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from casebook.errors import CasebookError
from casebook.sources import source_for_url
from crawler.run import CrawlPlan
from crawler.state import fingerprint, state_root

log = logging.getLogger(__name__)


def main(plan_file: str, result_file: str) -> int:
    try:
        with open(plan_file, "rb") as stream:
            plan: CrawlPlan = pickle.load(stream)
        result = crawl_in_this_process(plan)
    except KeyboardInterrupt:
        result = {"interrupted": True}
    except CasebookError as exc:
        result = {"error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        log.debug("crawl failed", exc_info=True)
        result = {"error": f"crawl failed: {type(exc).__name__}: {exc}"}
    target = Path(result_file)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(result), encoding="utf-8")
    os.replace(temporary, target)
    return 0


class _TqdmHandler(logging.Handler):
    """Log lines printed above the progress bar instead of through it."""

    def emit(self, record: logging.LogRecord) -> None:
        from tqdm import tqdm

        try:
            tqdm.write(self.format(record), file=sys.stderr)
        except Exception:  # noqa: BLE001 - logging must never break the crawl
            self.handleError(record)


def crawl_in_this_process(plan: CrawlPlan) -> dict[str, Any]:
    from scrapy.crawler import CrawlerProcess

    from casebook.store import open_store
    from crawler.ledger import Ledger, Progress, Tally
    from crawler.scrapy_settings import process_settings, scrapy_settings
    from crawler.spiders import spider_for
    from crawler.state import JobState

    handler = _TqdmHandler(plan.log_level)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(min(plan.log_level, logging.getLogger().getEffectiveLevel()))

    settings = plan.settings
    settings.warc_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(settings)
    tally = Tally()
    progress = Progress(plan.progress)
    root = state_root(settings.data_dir)
    sources = list(plan.sources)
    ledgers: list[Ledger] = []
    process = CrawlerProcess(process_settings(plan.log_level))
    try:
        for job in plan.jobs:
            if job.source is None:
                key = fingerprint(*job.urls)

                def source_of(url: str) -> str:
                    return source_for_url(url, sources)
            else:
                key = fingerprint(repr(job.source), str(job.since))

                def source_of(url: str, name: str = job.source.name) -> str:
                    return name

            state = JobState.open(root, job.name, key)
            ledger = Ledger(
                settings,
                store,
                job.name,
                state,
                source_of,
                tally,
                progress,
                max_page_bytes=plan.options.max_page_bytes,
                wordpress=job.source is not None and job.source.kind == "wordpress",
            )
            ledgers.append(ledger)
            base = spider_for(job)
            custom = scrapy_settings(settings, job.source, plan.options, state.jobdir)
            process.crawl(type(base.__name__, (base,), {"custom_settings": custom}), job=job, ledger=ledger)
        process.start()
    finally:
        progress.close()
        store.close()
        logging.getLogger().removeHandler(handler)
    for ledger in ledgers:  # after Scrapy has saved its own job state
        ledger.settle()
    if tally.fatal:
        raise CasebookError(f"crawl stopped: {tally.fatal}")
    finished = all(tally.closed.get(job.name) == "finished" for job in plan.jobs)
    return {
        "interrupted": not finished,
        "responses": tally.responses,
        "articles": tally.articles,
        "new": tally.new,
        "unchanged": tally.unchanged,
        "not_modified": tally.not_modified,
        "removed": tally.removed,
        "errors": tally.errors,
        "article_files": sorted(tally.article_files),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
