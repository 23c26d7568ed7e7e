"""Authors as person names: JSON-LD, <meta name=author>, the article's byline, then trafilatura's reading.

A byline is cleaned down to names: "By John Pring Disability News Service 4th May 2017" gives "John Pring".
Outlets, bodies ("Work and Pensions Committee"), roles ("Editor") and the site's own login are not people
and are dropped; a personal blog's title that is its author's name is kept.
"""

from __future__ import annotations

import re
from typing import Any

from lxml.html import HtmlElement

from indexer.extract.declared import ld_values, meta
from indexer.extract.markup import cls, cls_any, in_article_proper, norm
from indexer.extract.published import MONTH

_AUTHOR_PREFIX_RE = re.compile(
    r"^\s*(?:(?:posted|written|words|report|reported|story|article|published)\s+by|by|authors?"
    r"|posted\s+on\s+.+?\s+by)\s*:?\s+",
    re.IGNORECASE,
)
_DATE_IN_TEXT_RE = re.compile(
    r"\b(?:on\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH},?\s+\d{{4}}|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})\b.*$",
    re.IGNORECASE,
)
_ORG_WORDS = {
    "news", "service", "services", "network", "action", "campaign", "group", "media", "online", "press",
    "agency", "times", "post", "weekly", "daily", "magazine", "blog", "team", "staff", "editor", "reporter",
    "correspondent", "journalist", "iww", "union", "uk", "ltd",
}  # fmt: skip
_ROLE_RE = re.compile(
    r"\b(?:editor|reporter|correspondent|journalist|staff|contributor|admin(?:istrator)?)\b", re.I
)


# Words that end the name of an outlet ("Disability News Service") or a body ("Work and Pensions Committee").
_OUTLET_END_WORDS = {
    "news", "service", "services", "network", "campaign", "media", "press", "agency", "times", "magazine",
    "blog", "union", "group", "iww",
}  # fmt: skip
_BODY_END_WORDS = {
    "committee", "council", "department", "ministry", "office", "commission", "parliament", "government",
    "trust", "foundation", "association", "society", "charity", "partnership", "authority", "board",
    "coalition", "alliance", "federation", "institute", "centre", "center",
}  # fmt: skip
_BODY_NAME_RE = re.compile(
    r"^(?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:and|of|for|the|on|&|[A-Z][\w'’.-]*))*\s+(?:"
    + "|".join(sorted(_BODY_END_WORDS))
    + r")s?$",
    re.IGNORECASE,
)


def _is_organisation(text: str) -> bool:
    """'Work and Pensions Committee', 'Disability News Service': a body or an outlet, not a person."""
    tokens = text.split()
    if len(tokens) < 2 or not all(
        t[:1].isupper() or t.lower() in ("and", "of", "for", "the", "on", "&") for t in tokens
    ):
        return False
    last = tokens[-1].lower().strip(".")
    return last in _BODY_END_WORDS or last in _OUTLET_END_WORDS


def _names(text: str) -> list[str]:
    """Split a cleaned byline into person names, dropping roles and outlet names glued on."""
    names: list[str] = []
    if _BODY_NAME_RE.match(text) and _is_organisation(text):
        return []  # 'Work and Pensions Committee' is one body, not 'Work' and 'Pensions Committee'
    for piece in re.split(r"\s*,\s*|\s+and\s+|\s*&\s*|\s*;\s*", text):
        piece = piece.strip(" .:|-–—")
        if not piece or _ROLE_RE.search(piece) or piece.lower() in ("admin", "guest", "anonymous", "unknown"):
            continue
        tokens = piece.split()
        if len(tokens) > 3:
            # an outlet name glued on: cut at the earliest capitalised run that ends in an outlet word
            for i in range(2, len(tokens)):
                tail = tokens[i:]
                if all(t[:1].isupper() for t in tail) and tail[-1].lower().strip(".") in _ORG_WORDS:
                    tokens = tokens[:i]
                    break
        if len(tokens) > 5 or not any(ch.isalpha() for ch in piece) or _is_organisation(" ".join(tokens)):
            continue
        names.append(" ".join(tokens))
    return names


def clean_author(raw: str, site_names: list[str]) -> list[str]:
    """'By John Pring Disability News Service 4th May 2017' -> ['John Pring']."""
    text = " ".join(raw.replace("\xa0", " ").split())
    if not text or re.match(r"^https?://|^www\.", text) or len(text) > 200:
        return []
    text = _AUTHOR_PREFIX_RE.sub("", text)
    text = _DATE_IN_TEXT_RE.sub("", text).strip()
    text = re.split(r"\s+(?:\||–|—|-|on|at|in)\s+|\s*\(|\s*\bposted\b|\s*\bupdated\b", text, maxsplit=1)[0]
    site_keys = [norm(site) for site in site_names if len(norm(site)) >= 4]
    key = norm(text)
    if " " not in text and any(key == site or (len(key) >= 6 and site.startswith(key)) for site in site_keys):
        return []  # the site's own login ('blacktriangle' posting on Black Triangle Campaign): not a person
    without_site = text
    for site in sorted(site_names, key=len, reverse=True):
        if len(norm(site)) >= 4:
            without_site = re.sub(
                rf"(?:,\s*|\s+of\s+|\s+for\s+|\s+)?\b{re.escape(site)}\b", "", without_site, flags=re.I
            )
    names = _names(without_site)
    if not names and without_site != text:
        # the byline was only the site's name: an outlet is not an author, but a personal blog's title often
        # is its author's name ('Frances Ryan' writing at 'Frances Ryan')
        names = [n for n in _names(text) if not any(t.lower().strip(".") in _ORG_WORDS for t in n.split())]
    return names


def read_authors(
    tree: HtmlElement,
    scope: HtmlElement,
    ld: list[dict[str, Any]],
    site_names: list[str],
    traf_author: str | None,
) -> list[str]:
    """Authors from JSON-LD, <meta name=author>, the article's byline, then trafilatura's reading."""
    raw: list[str] = []
    for value in ld_values(ld, "author", only_articles=True):
        for person in value if isinstance(value, list) else [value]:
            if isinstance(person, dict) and person.get("name"):
                if "Organization" not in str(person.get("@type", "")):
                    raw.append(str(person["name"]))
            elif isinstance(person, str):
                raw.append(person)
        if raw:
            break
    if not raw:
        raw = meta(
            tree, "author", "article:author", "dc.creator", "DC.creator", "parsely-author", "sailthru.author"
        )
    if not raw:
        for xpath in (
            "descendant-or-self::*[@itemprop='author']//*[@itemprop='name']",
            "descendant-or-self::a[contains(concat(' ', @rel, ' '), ' author ')]",
            f"descendant-or-self::*[{cls('author')}]//*[{cls('fn')}]",
            "descendant-or-self::*["
            + cls_any(["byline", "by-line", "entry-author", "author-name", "posted-by"])
            + "]",
            "descendant-or-self::*[@itemprop='author']",
            f"descendant-or-self::*[{cls_any(['createdby', 'author', 'vcard'])}]",
        ):
            found = [el.text_content() for el in scope.xpath(xpath) if in_article_proper(el)]
            if found:
                raw = found[:3]
                break
    if not raw and traf_author:
        raw = [part for part in re.split(r";\s*", traf_author) if part]
    names: list[str] = []
    for value in raw:
        names.extend(clean_author(value, site_names))
    seen: set[str] = set()
    unique = []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            unique.append(name)
    return unique


def authors_from_bylines(paras: list[str], site_names: list[str]) -> list[str]:
    """When the page declares no author: a "By ..." line among the body's first paragraphs."""
    for para in paras[:4]:
        if (
            re.match(r"^\s*(?:by|written by|posted by|words by)\s+[A-Z]", para, re.I)
            and len(para.split()) <= 16
        ):
            names = clean_author(para, site_names)
            if names:
                return names
    return []
