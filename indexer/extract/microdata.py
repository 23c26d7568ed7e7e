"""The page's own schema.org microdata item, and the items that are someone else's words.

Microdata marks items all over a page: the article, but also each teaser in a side column, each reader's
comment, each answer under a question. Only the page's main item speaks for the page: the writing its
top-level item names as its ``mainEntity`` (a ``QAPage``'s ``Question``, a ``WebPage``'s ``Article``), or
else the one top-level piece of writing that holds the page's headline (an ``h1``): a teaser in a side
column is an item of its own too, often the only one on the page. An item's own properties are those whose
nearest enclosing item is the item itself: a nested ``Answer``'s or ``Person``'s properties are theirs.

Answers and comments (``Answer``, ``Comment``) are replies: their days and writers are not the page's.
Stack Exchange's 170-odd sites mark a question so (the question, its answers, the comments under each),
and so do other question-and-answer programs; the question's day and asker are the page's.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

# Kinds of writing (schema.org's CreativeWork types a page is about): Article and its kinds (NewsArticle,
# TechArticle...), BlogPosting, DiscussionForumPosting, SocialMediaPosting, Question, Review, Report
_WORK_RE = re.compile(r"schema\.org/(?:\w*Article|\w*Posting|Question|Review|Report)$", re.IGNORECASE)
_REPLY_RE = re.compile(r"schema\.org/(?:Answer|Comment)$", re.IGNORECASE)


def _is_item(el: HtmlElement) -> bool:
    return "itemscope" in el.attrib


def _types(el: HtmlElement) -> list[str]:
    return (el.get("itemtype") or "").split()


def _props(el: HtmlElement) -> list[str]:
    return (el.get("itemprop") or "").split()


def _owner(el: HtmlElement) -> HtmlElement | None:
    """The item ``el``'s property belongs to: its nearest enclosing item."""
    return next((a for a in el.iterancestors() if _is_item(a)), None)


def _is_work(el: HtmlElement) -> bool:
    return any(_WORK_RE.search(t) for t in _types(el))


def main_item(tree: HtmlElement) -> HtmlElement | None:
    """The item the page is about (see the module's docstring), or None."""
    items = [el for el in tree.iter() if isinstance(el.tag, str) and _is_item(el)]
    top = [el for el in items if _owner(el) is None]
    for el in items:
        if "mainEntity" in _props(el) and _owner(el) in top and _is_work(el):
            return el
    works = [el for el in top if _is_work(el) and el.find(".//h1") is not None]
    return works[0] if len(works) == 1 else None


def value(el: HtmlElement) -> str:
    """A property's value as microdata defines it: a ``meta``'s content, a ``time``'s datetime, else the
    element's text."""
    for attribute in ("content", "datetime"):
        if el.get(attribute) is not None:
            return el.get(attribute, "").strip()
    return " ".join(el.text_content().split())


def own(item: HtmlElement, prop: str) -> list[HtmlElement]:
    """The elements giving ``item``'s own ``prop``, in page order."""
    return [el for el in item.iterdescendants() if prop in _props(el) and _owner(el) is item]


def own_values(item: HtmlElement, *props: str) -> list[str]:
    """``item``'s own values of ``props``, in the order of ``props``."""
    return [v for prop in props for v in map(value, own(item, prop)) if v]


def names(el: HtmlElement) -> list[str]:
    """The names an ``author`` property gives: a ``Person`` item's own ``name``, else the property's value."""
    return own_values(el, "name") if _is_item(el) else [v for v in [value(el)] if v]


def reply_items(tree: HtmlElement) -> list[HtmlElement]:
    """Answers and comments marked as such: someone else's day and name, never the page's."""
    return [el for el in tree.xpath("//*[@itemtype]") if any(_REPLY_RE.search(t) for t in _types(el))]
