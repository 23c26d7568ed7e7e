"""trafilatura's two readings of a page: on the pruned tree (the article), and on the whole page (the
library's own reading with its defaults and fallbacks), which the stage compares rather than trusts.

A crash inside trafilatura on a hostile page gives no reading, never a failed ingest.
"""

from __future__ import annotations

import logging
from typing import Any

import trafilatura
from lxml.html import HtmlElement

from indexer.extract.body import body_paragraphs

log = logging.getLogger(__name__)

# trafilatura's defaults, not favor_recall: on the pages the fallback was taken (WCXB tune half) its default
# reading scored F1 0.835, favor_recall 0.676 (the recall mode takes navigation and footers back in)
FALLBACK_FAVOR_RECALL = False


def read_article(tree: HtmlElement, url: str, precise: bool = True) -> Any:
    """trafilatura's reading of the pruned tree (precision mode, or with ``precise=False`` its default
    mode), with its metadata as second opinions; None when it fails."""
    try:
        return trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_precision=precise,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # a crash inside trafilatura on a hostile page is "no article", not a failure
        log.warning("trafilatura failed on %s: %s", url, exc)
        return None


def read_page_author(tree: HtmlElement, url: str) -> str | None:
    """trafilatura's author for the whole, untouched page (its meta tags, JSON-LD and byline markup), in its
    fast mode; None when it finds none or fails.

    The article reading above sees the pruned tree, where bylines are already cut as furniture: a byline in
    a side column or under the headline is only found here.
    """
    try:
        return trafilatura.extract_metadata(tree, default_url=url, extensive=False).author
    except Exception as exc:  # a crash inside trafilatura on a hostile page is "no author"
        log.warning("trafilatura metadata failed on %s: %s", url, exc)
        return None


def read_whole_page(tree: HtmlElement, url: str, replies: bool = False) -> list[str]:
    """trafilatura's own reading of the whole page (its defaults and fallbacks), comments left out; with
    ``replies``, a forum thread's replies (which trafilatura reads as comments) follow its main text.

    ``tree`` is consumed: trafilatura cleans the tree it is given.
    """
    try:
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=False,
            include_comments=replies,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_recall=FALLBACK_FAVOR_RECALL,
        )
    except Exception as exc:  # the fallback failing must not lose what we already have
        log.warning("trafilatura fallback failed on %s: %s", url, exc)
        return []
    paras = body_paragraphs(getattr(result, "body", None))
    if replies:
        paras += body_paragraphs(getattr(result, "commentsbody", None))
    return paras
