"""The article's scope in the page, and its simpler metadata: categories, tags, language, canonical URL.

``article_scope`` is where the byline, date and category readers look (the post's own element, else
<main>, else <body>), so that a teaser's or a sidebar's metadata is never taken for the article's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from indexer.extract.declared import ld_texts, ld_values, meta
from indexer.extract.markup import cls_any, in_article_proper, without_fragment

log = logging.getLogger(__name__)


def article_scope(tree: HtmlElement) -> HtmlElement:
    """The element holding the main article (for bylines, dates, category links), else <body>."""
    for xpath in (
        "//article[not(ancestor::article)][.//h1]",
        f"//*[{cls_any(['hentry', 'type-post', 'item-page', 'post', 'article'])}][.//h1]",
        "//main",
        "//*[@role='main']",
        "//*[@id='content' or @id='main']",
        "(//article)[1]",
    ):
        found = tree.xpath(xpath)
        if found:
            return found[0]
    body = tree.find(".//body")
    return body if body is not None else tree


def _terms(values: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for value in values:
        # one string lists its terms between commas; a list or a JSON-LD object holds each apart
        items = re.split(r"\s*,\s*", value) if isinstance(value, str) else ld_texts(value)
        for item in items:
            item = " ".join(item.split())
            if item and len(item) < 80 and item.lower() not in (o.lower() for o in out):
                out.append(item)
    return out


def read_categories(
    tree: HtmlElement, scope: HtmlElement, ld: list[dict[str, Any]], fallback: list[str] | None
) -> list[str]:
    links = [
        a.text_content()
        for a in scope.xpath(
            "descendant-or-self::a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"
            f" | descendant-or-self::*[{cls_any(['category-name', 'cat-links', 'post-categories'])}]//a"
        )
        if in_article_proper(a)
    ]
    found = _terms(meta(tree, "article:section") + ld_values(ld, "articleSection", True) + links)
    if not found:
        found = _terms(fallback or [])
    return [c for c in found if c.lower() not in ("uncategorized", "uncategorised")]


def read_tags(
    tree: HtmlElement, scope: HtmlElement, ld: list[dict[str, Any]], fallback: list[str] | None
) -> list[str]:
    links = [
        a.text_content()
        for a in scope.xpath(
            "descendant-or-self::a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')"
            " and not(contains(concat(' ', normalize-space(@rel), ' '), ' category '))]"
            f" | descendant-or-self::*[{cls_any(['tags-links', 'post-tags', 'tags', 'tag-list'])}]//a"
        )
        if in_article_proper(a)
    ]
    found = _terms(meta(tree, "article:tag") + links)
    if not found:
        found = _terms(ld_values(ld, "keywords", True)[:1] or fallback or [])
    return found


def read_language(tree: HtmlElement, fallback: str | None) -> str | None:
    values = [tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""]
    values += meta(tree, "content-language", "language", "og:locale", "dc.language")
    values += [
        el.get("content") or ""
        for el in tree.iter("meta")
        if (el.get("http-equiv") or "").lower() == "content-language"
    ]
    values.append(fallback or "")
    for value in values:
        match = re.match(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$", value)
        if match:
            return match.group(1).lower()
    return None


def read_canonical(tree: HtmlElement, page_url: str) -> str:
    """<link rel=canonical> or og:url, made absolute; the fetched URL (less its fragment) otherwise.

    A canonical that points at the site's home page from a deeper URL is a theme misconfiguration: taking it
    would give every article the same id, so it is ignored.
    """
    hrefs = [
        el.get("href") or ""
        for el in tree.iter("link")
        if "canonical" in (el.get("rel") or "").lower().split()
    ] + meta(tree, "og:url")
    page_path = urlsplit(page_url).path
    for href in hrefs:
        href = href.strip()
        if not href:
            continue
        absolute = without_fragment(urljoin(page_url, href))
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            continue
        if parts.path in ("", "/") and page_path not in ("", "/") and not parts.query:
            log.debug("canonical %s points at the home page from %s: ignored", absolute, page_url)
            continue
        return absolute
    return without_fragment(page_url)
