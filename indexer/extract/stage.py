"""The extraction stage: one archived original in, one ``Document`` out (or ``NotAnArticle``).

Journalists quote and date articles by what comes out of here, so the rules lean towards leaving a thing
out rather than guessing:

* the page is decoded as a browser would (``indexer.encoding``) and parsed once with lxml;
* a page is refused, with a one-line reason, only on strong evidence that it is not one article
  (``indexer.listing``: no text, an error page, a CMS-declared archive, an index of dated teasers, non-HTML);
  every other page is kept and ``Document.extraction`` says how sure the extraction was;
* reader comments are read from the untouched tree (``indexer.comments``) and kept apart;
* site chrome (comment sections, reply forms, cookie banners, share buttons, related posts and teasers,
  sidebars, navigation) and article furniture (bylines, "Posted in" lines, image captions) are cut from a
  copy of the tree before trafilatura sees it, never the block holding most of the page's prose, and
  byline-like paragraphs it still lets through are dropped;
* where that pruning kept less than half of what plain trafilatura finds on the whole page, trafilatura's
  reading is taken instead (``extraction = "fallback"``): never below the library we build on;
* the publication day comes from ``indexer.published`` (the page's timestamps in the source's time zone,
  the printed date, the URL, htmldate last), with ``published_from`` and ``published_confidence``. A date
  is never later than the fetch and never invented: no date anywhere gives ``published=None``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from copy import deepcopy
from datetime import UTC, date
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.xml import xmltotxt

from casebook.errors import CasebookError
from casebook.models import Comment, Document, RawPage
from indexer.extract.comments import extract_comments, paragraphs, tidy
from indexer.extract.declared import json_ld, ld_values, meta
from indexer.extract.encoding import decode_html
from indexer.extract.listing import index_teasers, refusal_reason
from indexer.extract.markup import (
    MAIN_CONTENT_TEST,
    RE_NS,
    ancestor_attrs,
    ancestors,
    cls,
    cls_any,
    in_article_proper,
    in_comments,
    in_copy,
    text_core,
    visible_words,
    without_fragment,
    words,
)
from indexer.extract.published import find_published, find_updated

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 5 * 1024 * 1024  # an article page is rarely over 1 MB; beyond 5 MB it is a dump or a trap
MAX_ELEMENTS = 30_000  # trafilatura slows quadratically past this; a real article body is a few hundred
MIN_WORDS = 40  # below this the page is kept, but marked "uncertain"
# Our pruning is taken unless it kept less than this share of what plain trafilatura finds on the page:
# then trafilatura's reading is the document ("fallback"). Measured on WCXB's dev split (tune half).
FALLBACK_RATIO = 0.5
# trafilatura's defaults, not favor_recall: on the pages the fallback was taken (WCXB tune half) its default
# reading scored F1 0.835, favor_recall 0.676 (the recall mode takes navigation and footers back in)
FALLBACK_FAVOR_RECALL = False
EARLIEST = date(1995, 1, 1)  # no archived news page predates the web


class NotAnArticle(CasebookError):
    """The page is not one article (empty, listing/archive page, no body text).

    The message says why in one line.
    """


# ----------------------------------------------------------------------------------------------------------
# What to prune

_cls, _cls_any, _RE_NS = cls, cls_any, RE_NS

# The article itself: never pruned, whatever its class says.
_MAIN_CONTENT_XPATH = etree.XPath("//*[" + MAIN_CONTENT_TEST + "]")

# Comment sections and reply forms (WordPress, WordPress.com, Disqus, Joomla-style widgets).
_COMMENT_SECTION_XPATH = etree.XPath(
    "//*[self::div or self::section or self::aside or self::ol or self::ul or self::form or self::h2"
    " or self::h3 or self::h4 or self::p or self::nav or self::dl or self::li]["
    "re:test(@id, '^(comments?|respond|disqus_thread|comments?[-_].*|reply-title|jc|jcomments)$', 'i') or "
    "re:test(@class, '(^|\\s)(comments?|commentlist|comments?[-_][\\w-]*|jcomments|disqus[\\w-]*)(\\s|$)',"
    " 'i')]",
    namespaces=_RE_NS,
)
_COMMENT_HEADING_RE = re.compile(
    r"^\s*(?:\d+|one|no|two|three)\s+(?:thoughts?|responses?|comments?|replies|reactions?)\b"
    r"|^\s*(?:leave a (?:reply|comment)|post a comment|add a comment|add comment|join the discussion"
    r"|comments?(?: \(\d+\))?|discussion|reader comments|have your say)\s*:?\s*$",
    re.IGNORECASE,
)

# Site chrome: cookie banners, sharing and "like" widgets, related posts, navigation, sidebars, forms.
_CHROME_XPATH = etree.XPath(
    "//script | //style | //noscript | //iframe | //nav | //aside | //template | //button"
    " | //*[@role='navigation' or @role='complementary' or @role='banner' or @role='contentinfo'"
    " or @role='dialog' or @aria-hidden='true']"
    " | //*[self::div or self::section or self::p or self::span or self::ul or self::footer or self::header"
    " or self::dialog or self::table][("
    "re:test(@id, 'cookie|gdpr|consent|cc[-_]banner|eu[-_]law|sharing|share|social|sharedaddy|addtoany"
    "|related|jp-post-flair|jp-relatedposts|likes|sidebar|secondary|widget|newsletter|subscribe|colophon"
    "|masthead|site-header|site-footer|breadcrumb|wpcnt|wpadvert|adsense|^ad[-_]|popup|modal|login', 'i') or "
    "re:test(@class, 'cookie|gdpr|consent|cc[-_]banner|cc-window|eu[-_]law|sharedaddy|sd-sharing|sd-like"
    "|share|sharing|social|addtoany|a2a_kit|jp-relatedposts|related|likes-widget|sidebar|(^|\\s)widget"
    "|newsletter|subscribe|subscription|site-header|site-footer|breadcrumb|wpcnt|wpadvert|adsbygoogle"
    "|(^|\\s)ad(s|vert)?(\\s|$)|popup|modal|post-navigation|nav-links|navigation|pagination|login"
    "|print-link|moduletable', 'i'))]",
    namespaces=_RE_NS,
)

# Article furniture: bylines, "Posted in" / "Tagged" lines, author boxes, image captions.
_FURNITURE_XPATH = etree.XPath(
    "//figcaption | //h1[not(ancestor::*[@itemprop='articleBody' or "
    f"{_cls_any(['entry-content', 'post-content', 'article-content'])}])]"
    " | //*[self::div or self::p or self::span or self::footer or self::header or self::dl or self::dd"
    " or self::ul or self::section or self::address][("
    "re:test(@class, '(^|\\s)(entry-meta|entry-footer|entry-utility|post-meta|postmeta|postmetadata"
    "|post-info|post-details|meta-info|byline|by-line|posted-on|posted-by|entry-date|cat-links|tags-links"
    "|post-categories|post-tags|tags|tag-links|categories|author-info|author-bio|author-box|about-author"
    "|entry-author|article-info|article-meta|createdby|published|modified|hits|wp-caption-text"
    "|wp-caption-dd|caption|blocks-gallery-caption|wp-element-caption|sharedaddy|tag-list)(\\s|$)', 'i')"
    " or re:test(@id, '^(author-info|author-bio|entry-author-info)$', 'i'))]",
    namespaces=_RE_NS,
)

_JUNK_TEXT_RE = re.compile(
    r"^\s*(?:(?:this|our) (?:web)?site uses cookies|we use cookies|by continuing to (?:use|browse)"
    r"|cookies? (?:policy|settings|notice))\b",
    re.IGNORECASE,
)

# Paragraphs trafilatura can let through that are not the article.
_BYLINE_RE = re.compile(r"^\s*(?:by|written by|posted by|words by|report by|author:)\s", re.IGNORECASE)
_META_LINE_RE = re.compile(
    r"^\s*(?:posted on|published on|published:|published \d|first published|filed under|posted in|tagged\b"
    r"|categor(?:y|ies):|tags?:|this entry was posted|last updated|updated:)",
    re.IGNORECASE,
)
_STOCK_LINE_RE = re.compile(
    r"^\s*(?:share this(?: article| story)?:?|like this:?|like loading\.*|loading\.*"
    r"|related(?: posts| articles)?:?|you may also like:?|read more:?|continue reading.*"
    r"|leave a (?:reply|comment)|cancel reply"
    r"|subscribe to comments.*|notify me of (?:new|follow-up) (?:comments|posts).*|print(?: this)?(?: page)?"
    r"|email(?: this)?|share on (?:facebook|twitter|x|linkedin)|tweet|advertisements?|report this ad"
    r"|(?:\d+|one|no) (?:thoughts? on|responses? to|comments? on)\b.*)\s*$",
    re.IGNORECASE,
)
_CAPTION_RE = re.compile(
    r"\bcourtesy of\b|^\s*(?:picture|photo|photograph|image|pictured)(?: credit)?\s*(?::|by\b|courtesy\b)",
    re.IGNORECASE,
)

# ----------------------------------------------------------------------------------------------------------
# Parsing and pruning


def _content_type_ok(content_type: str | None, body: bytes) -> str | None:
    """None if the response is HTML; otherwise what it is, for the message."""
    mime = (content_type or "").split(";")[0].strip().lower()
    head = body[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "PDF"
    if mime in ("text/html", "application/xhtml+xml", "application/xml+html"):
        return None
    if mime in ("", "application/octet-stream", "text/plain") and re.search(
        rb"<(?:!doctype html|html|body)", head, re.I
    ):
        return None  # no or generic type, but plainly HTML: archives of old servers carry such labels
    return mime or "unknown content type"


def parse_html(text: str) -> HtmlElement | None:
    """Parse decoded HTML leniently (truncated, malformed, NUL bytes); None if there is nothing."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
    if not text.strip():
        return None
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        log.debug("lxml could not parse the page: %s", exc)
        return None
    return tree if tree is not None and len(tree) else None


def _protected(tree: HtmlElement, core: Iterable[HtmlElement]) -> set[HtmlElement]:
    """The article body and everything around it: pruning must never take the article away."""
    keep: set[HtmlElement] = set(core)
    title_h1 = tree.xpath(
        f"//h1[{_cls_any(['entry-title', 'post-title', 'article-title'])} or @itemprop='headline']"
        " | //article//h1"
    )
    for el in [*_MAIN_CONTENT_XPATH(tree), *title_h1[:1]]:
        keep.add(el)
        keep.update(el.iterancestors())
    return keep


def _drop(elements: Iterable[HtmlElement], keep: set[HtmlElement]) -> None:
    for el in list(elements):
        if el in keep or el.getparent() is None or el.tag in ("html", "body"):
            continue
        el.drop_tree()


def _prune_chrome(
    original: HtmlElement, protected: set[HtmlElement], teasers: list[HtmlElement]
) -> tuple[HtmlElement, set[HtmlElement]]:
    """A copy without comment sections, reply forms, cookie banners, sharing, related posts and sidebars,
    and what stays protected in it."""
    tree = deepcopy(original)
    keep = set(in_copy(original, protected, tree))
    _drop(_COMMENT_SECTION_XPATH(tree), keep)
    _drop(
        (h for h in tree.iter("h2", "h3", "h4") if _COMMENT_HEADING_RE.match(h.text_content() or "")),
        keep,
    )
    _drop(_CHROME_XPATH(tree), keep)
    # teasers of other pages (a headline linking elsewhere, with its own date): related / most-read rails
    _drop(in_copy(original, teasers, tree), keep)
    # newsletter sign-up boxes inside the story: a short block around an e-mail field ("Get the latest news
    # straight to your inbox"), dropped whole, before the form alone goes and leaves its blurb behind
    _drop(
        (
            el
            for el in tree.iter("div", "section", "aside", "p")
            if el.xpath(".//input[@type='email']") and len((el.text_content() or "").split()) < 60
        ),
        keep,
    )
    # search boxes, sign-ups, reply forms; not the <form> some old CMSs wrap the whole page in
    _drop((f for f in tree.iter("form") if len(f.text_content() or "") < 1500), keep)
    _drop(
        (
            el
            for el in tree.iter("div", "p", "section")
            if _JUNK_TEXT_RE.match(el.text_content() or "") and len((el.text_content() or "").split()) < 80
        ),
        keep,
    )
    return tree, keep


def _unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn tables used for page layout (old sites) into divs, so the article is not read as one table row.

    A data table holds short cells; a layout table holds headings, several paragraphs or other tables.
    """
    for table in list(tree.iter("table")):
        if table.getparent() is None:
            continue
        cells = table.xpath(".//td | .//th")
        layout = bool(table.xpath(".//table | .//h1 | .//h2 | .//h3")) or any(
            len(cell.findall(".//p")) >= 2 or len(cell.text_content().split()) > 150 for cell in cells
        )
        if not layout:
            continue
        for el in [table, *table.iter("tbody", "thead", "tfoot", "tr", "td", "th", "caption")]:
            el.tag = "div"


def _truncate(tree: HtmlElement, url: str) -> None:
    """Cut a pruned tree after MAX_ELEMENTS elements (document order), keeping the article at its start."""
    for count, el in enumerate(tree.iter(), 1):
        if count < MAX_ELEMENTS:
            continue
        log.warning(
            "page %s still has over %d elements after pruning: the rest is not processed", url, MAX_ELEMENTS
        )
        node = el
        while node is not None:
            for following in list(node.itersiblings()):
                node.getparent().remove(following)
            node = node.getparent()
        return


def _prune_furniture(original: HtmlElement, protected: set[HtmlElement]) -> HtmlElement:
    """A copy without bylines, "Posted in"/"Tagged" lines, author boxes, headlines and image captions."""
    tree = deepcopy(original)
    _drop(_FURNITURE_XPATH(tree), set(in_copy(original, protected, tree)))
    _unwrap_layout_tables(tree)
    return tree


# ----------------------------------------------------------------------------------------------------------
# Metadata readers


def _article_scope(tree: HtmlElement) -> HtmlElement:
    """The element holding the main article (for bylines, dates, category links), else <body>."""
    for xpath in (
        "//article[not(ancestor::article)][.//h1]",
        f"//*[{_cls_any(['hentry', 'type-post', 'item-page', 'post', 'article'])}][.//h1]",
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


def _outside_comments(el: HtmlElement) -> bool:
    return not any(in_comments(a) or "comment" in (a.get("class") or "").split() for a in ancestors(el))


# Titles


_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " » ", " « ", " · ", " ~ ")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _strip_site(title: str, site_names: list[str], host: str) -> str:
    """Drop a " – Site Name" / " | Site" suffix (or "Site | " prefix) when it is the site's name."""
    title = " ".join(title.split())
    host_key = _norm(re.sub(r"^www\.", "", host).split(".")[0]) if host else ""
    site_keys = {_norm(s) for s in site_names if len(_norm(s)) >= 3}

    def is_site(part: str) -> bool:
        key = _norm(part)
        if not key:
            return False
        return key in site_keys or bool(host_key and len(key) >= 4 and (key in host_key or host_key in key))

    changed = True
    while changed:
        changed = False
        for sep in _TITLE_SEPARATORS:
            if sep not in title:
                continue
            head, _, tail = title.rpartition(sep)
            first, _, rest = title.partition(sep)
            if head.strip() and is_site(tail):
                title, changed = head.strip(), True
                break
            if rest.strip() and is_site(first):
                title, changed = rest.strip(), True
                break
    return title


def _title(
    tree: HtmlElement, scope: HtmlElement, site_names: list[str], host: str, fallback: str | None
) -> str:
    """The headline: h1.entry-title, og:title, the article's h1, then <title>, without the site name."""
    entry = [
        el.text_content()
        for el in tree.xpath(
            f"//h1[{_cls_any(['entry-title', 'post-title', 'article-title', 'page-title', 'headline'])}"
            " or @itemprop='headline'] | //*[@itemprop='headline'][self::h1 or self::h2]"
        )
        if _outside_comments(el)
    ]
    og = meta(tree, "og:title", "twitter:title")
    scoped_h1 = [el.text_content() for el in scope.xpath("descendant-or-self::h1")]
    # old themes (Kubrick and its children) mark a single post's title up as h2.entry-title
    h2_titles = tree.xpath(f"//h2[{_cls_any(['entry-title', 'post-title'])}]")
    scoped_h1 += [h2_titles[0].text_content()] if len(h2_titles) == 1 else []
    title_tag = [tree.findtext(".//title") or ""]
    any_h1 = [
        el.text_content()
        for el in tree.iter("h1")
        if not re.search(
            r"site-title|logo|brand|masthead|header", ancestor_attrs(el) + (el.get("class") or ""), re.I
        )
    ]
    for candidate in [*entry, *og, *scoped_h1, *title_tag, *any_h1, fallback or ""]:
        cleaned = _strip_site(tidy(candidate).replace("\n", " "), site_names, host)
        if cleaned and not any(_norm(cleaned) == _norm(s) for s in site_names if s):
            return cleaned
    return ""


def _site_names(tree: HtmlElement, source: str, traf_site: str | None) -> list[str]:
    names = meta(tree, "og:site_name", "application-name", "apple-mobile-web-app-title")
    # trafilatura guesses a site name from <title> when the page declares none, and on a "Headline | Blog"
    # title it can take the headline: a guess that is the page's own heading is not the site's name
    headings = {_norm(h.text_content()) for h in tree.iter("h1", "h2")}
    if traf_site and _norm(traf_site) not in headings:
        names.append(traf_site)
    names.append(source.replace("-", " ").replace("_", " "))
    return [n for n in dict.fromkeys(" ".join(n.split()) for n in names) if n]


# Authors

_AUTHOR_PREFIX_RE = re.compile(
    r"^\s*(?:(?:posted|written|words|report|reported|story|article|published)\s+by|by|authors?"
    r"|posted\s+on\s+.+?\s+by)\s*:?\s+",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_IN_TEXT_RE = re.compile(
    r"\b(?:on\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
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


def _clean_author(raw: str, site_names: list[str]) -> list[str]:
    """'By John Pring Disability News Service 4th May 2017' -> ['John Pring']."""
    text = " ".join(raw.replace("\xa0", " ").split())
    if not text or re.match(r"^https?://|^www\.", text) or len(text) > 200:
        return []
    text = _AUTHOR_PREFIX_RE.sub("", text)
    text = _DATE_IN_TEXT_RE.sub("", text).strip()
    text = re.split(r"\s+(?:\||–|—|-|on|at|in)\s+|\s*\(|\s*\bposted\b|\s*\bupdated\b", text, maxsplit=1)[0]
    site_keys = [_norm(site) for site in site_names if len(_norm(site)) >= 4]
    key = _norm(text)
    if " " not in text and any(key == site or (len(key) >= 6 and site.startswith(key)) for site in site_keys):
        return []  # the site's own login ('blacktriangle' posting on Black Triangle Campaign): not a person
    without_site = text
    for site in sorted(site_names, key=len, reverse=True):
        if len(_norm(site)) >= 4:
            without_site = re.sub(
                rf"(?:,\s*|\s+of\s+|\s+for\s+|\s+)?\b{re.escape(site)}\b", "", without_site, flags=re.I
            )
    names = _names(without_site)
    if not names and without_site != text:
        # the byline was only the site's name: an outlet is not an author, but a personal blog's title often
        # is its author's name ('Frances Ryan' writing at 'Frances Ryan')
        names = [n for n in _names(text) if not any(t.lower().strip(".") in _ORG_WORDS for t in n.split())]
    return names


def _authors(
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
            f"descendant-or-self::*[{_cls('author')}]//*[{_cls('fn')}]",
            "descendant-or-self::*["
            + _cls_any(["byline", "by-line", "entry-author", "author-name", "posted-by"])
            + "]",
            "descendant-or-self::*[@itemprop='author']",
            f"descendant-or-self::*[{_cls_any(['createdby', 'author', 'vcard'])}]",
        ):
            found = [el.text_content() for el in scope.xpath(xpath) if in_article_proper(el)]
            if found:
                raw = found[:3]
                break
    if not raw and traf_author:
        raw = [part for part in re.split(r";\s*", traf_author) if part]
    names: list[str] = []
    for value in raw:
        names.extend(_clean_author(value, site_names))
    seen: set[str] = set()
    unique = []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            unique.append(name)
    return unique


# Categories, tags, language, canonical URL


def _terms(values: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for value in values:
        items = value if isinstance(value, list) else re.split(r"\s*,\s*", str(value))
        for item in items:
            item = " ".join(str(item).split())
            if item and len(item) < 80 and item.lower() not in (o.lower() for o in out):
                out.append(item)
    return out


def _categories(
    tree: HtmlElement, scope: HtmlElement, ld: list[dict[str, Any]], fallback: list[str] | None
) -> list[str]:
    links = [
        a.text_content()
        for a in scope.xpath(
            "descendant-or-self::a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"
            f" | descendant-or-self::*[{_cls_any(['category-name', 'cat-links', 'post-categories'])}]//a"
        )
        if in_article_proper(a)
    ]
    found = _terms(meta(tree, "article:section") + ld_values(ld, "articleSection", True) + links)
    if not found:
        found = _terms(fallback or [])
    return [c for c in found if c.lower() not in ("uncategorized", "uncategorised")]


def _tags(
    tree: HtmlElement, scope: HtmlElement, ld: list[dict[str, Any]], fallback: list[str] | None
) -> list[str]:
    links = [
        a.text_content()
        for a in scope.xpath(
            "descendant-or-self::a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')"
            " and not(contains(concat(' ', normalize-space(@rel), ' '), ' category '))]"
            f" | descendant-or-self::*[{_cls_any(['tags-links', 'post-tags', 'tags', 'tag-list'])}]//a"
        )
        if in_article_proper(a)
    ]
    found = _terms(meta(tree, "article:tag") + links)
    if not found:
        found = _terms(ld_values(ld, "keywords", True)[:1] or fallback or [])
    return found


def _language(tree: HtmlElement, fallback: str | None) -> str | None:
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


def _canonical(tree: HtmlElement, page_url: str) -> str:
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


# ----------------------------------------------------------------------------------------------------------
# Body text


def _body_paragraphs(body: etree._Element | None) -> list[str]:
    """trafilatura's body as paragraphs: one per block (p, head, list, quote, table...)."""
    if body is None:
        return []
    out = []
    for child in body:
        tail, child.tail = child.tail, None
        text = xmltotxt(child, False)
        child.tail = tail
        for part in re.split(r"\n\s*\n", text):
            part = tidy(part)
            if part:
                out.append(part)
        if tail and tail.strip():
            out.append(tidy(tail))
    return out


def _is_byline(para: str, authors: list[str]) -> bool:
    """'By John Pring on 17th March 2022' and 'Posted in News | Tagged DWP' are; 'By 2025, ...' is not."""
    words = para.split()
    ends_sentence = bool(re.search(r"[.?!”\"]\s*$", para))
    has_author = any(a.lower() in para.lower() for a in authors)
    if _BYLINE_RE.match(para):
        after = para.split(None, 1)[1] if len(words) > 1 else ""
        if re.match(r"(?:written|posted|words|report)\s+by\s", para, re.I):
            after = re.split(r"\bby\s+", para, maxsplit=1, flags=re.I)[-1]
        if not after[:1].isupper():
            return False
        return (len(words) <= 12 and not ends_sentence) or (has_author and len(words) <= 20)
    if _META_LINE_RE.match(para):
        return len(words) <= 30 and (not ends_sentence or bool(re.search(r"permalink|bookmark", para, re.I)))
    return False


def _clean_paragraphs(paras: list[str], title: str, authors: list[str]) -> list[str]:
    """Drop what trafilatura lets through that is not the article: the headline, bylines, stock lines."""
    kept = []
    last = len(paras) - 1
    for i, para in enumerate(paras):
        near_edge = i < 4 or i > last - 4
        if title and _norm(para) == _norm(title):
            continue
        if _STOCK_LINE_RE.match(para) and len(para.split()) <= 12:
            continue
        if near_edge and _is_byline(para, authors):
            continue
        if _CAPTION_RE.search(para) and len(para.split()) <= 12 and not re.search(r"[.?!]\s*$", para):
            continue
        kept.append(para)
    return kept


def _authors_from_bylines(paras: list[str], site_names: list[str]) -> list[str]:
    for para in paras[:4]:
        if (
            re.match(r"^\s*(?:by|written by|posted by|words by)\s+[A-Z]", para, re.I)
            and len(para.split()) <= 16
        ):
            names = _clean_author(para, site_names)
            if names:
                return names
    return []


# ----------------------------------------------------------------------------------------------------------
# The stage


def _decode(page: RawPage) -> str:
    body = page.body or b""
    if len(body) > MAX_BODY_BYTES:
        log.warning(
            "page %s is %d bytes: only the first %d are processed", page.url, len(body), MAX_BODY_BYTES
        )
        body = body[:MAX_BODY_BYTES]
    return decode_html(body, page.content_type)


def _run_trafilatura(tree: HtmlElement, url: str) -> Any:
    try:
        return trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_precision=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # a crash inside trafilatura on a hostile page is "no article", not a failure
        log.warning("trafilatura failed on %s: %s", url, exc)
        return None


_GAP_BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "dd", "pre", "blockquote")
_GAP_FILL_TAGS = {"li", "h2", "h3", "h4", "h5", "h6"}


def _leaf_blocks(tree: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """Block elements holding no other block element, with their text, in document order."""
    out = []
    for el in tree.iter(*_GAP_BLOCKS):
        if any(isinstance(d.tag, str) and d.tag in _GAP_BLOCKS for d in el.iterdescendants()):
            continue
        text = " ".join(el.text_content().split())
        if text:
            out.append((el, text))
    return out


def _link_share(el: HtmlElement) -> float:
    total = len(" ".join(el.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return linked / total if total else 0.0


def _fill_gaps(tree: HtmlElement, paras: list[str]) -> list[str]:
    """Put back subheadings and list items trafilatura dropped from between two paragraphs it kept.

    trafilatura's precision mode sometimes drops a short subheading ("Why we wrote it") or a whole list of
    questions from the middle of an article. Anything of that kind sitting in the page *between* two kept
    paragraphs, inside the element that holds them all, is article text: it goes back in its place. Nothing is
    added before the first or after the last kept paragraph (that is where boilerplate lives), and lists of
    links are not added (a "read more" box in the middle of a story).
    """
    blocks = _leaf_blocks(tree)
    if len(paras) < 2 or not blocks:
        return paras
    keys = [_norm(text)[:80] for _, text in blocks]
    matched: dict[int, int] = {}  # block index -> paragraph index
    start = 0
    for pi, para in enumerate(paras):
        for line in para.split("\n"):
            key = _norm(re.sub(r"^\s*[-•*]\s+", "", line))[:80]
            if len(key) < 12:
                continue
            for bi in range(start, len(blocks)):
                if keys[bi] == key:
                    matched[bi] = pi
                    start = bi + 1
                    break
    if len(matched) < 2 or len(set(matched.values())) < 0.6 * len(paras):
        return paras  # trafilatura's text cannot be placed in this page reliably: leave it as it is
    order = sorted(matched)
    kept = {blocks[i][0] for i in order}
    present = {_norm(re.sub(r"^\s*[-•*]\s+", "", line)) for para in paras for line in para.split("\n")}
    everything = _norm(" ".join(paras))  # what is there, however trafilatura split or joined its lines
    common = set(blocks[order[0]][0].iterancestors())
    for i in order[1:]:
        common &= set(blocks[i][0].iterancestors())
    additions: dict[int, list[str]] = {}  # paragraph index -> paragraphs to insert after it
    for left, right in zip(order, order[1:], strict=False):
        after = matched[left]
        pending_list: list[str] = []
        list_parent = None
        for bi in range(left + 1, right):
            el, text = blocks[bi]
            if el in kept or el.tag not in _GAP_FILL_TAGS or not common & set(el.iterancestors()):
                continue
            key = _norm(text)
            if key in present or (len(key) >= 24 and key in everything):
                continue  # kept by trafilatura, only too short (or joined differently) to be matched above
            if _STOCK_LINE_RE.match(text) or _COMMENT_HEADING_RE.match(text) or _link_share(el) > 0.5:
                continue
            if el.tag == "li":
                if pending_list and el.getparent() is not list_parent:
                    additions.setdefault(after, []).append("\n".join(pending_list))
                    pending_list = []
                list_parent = el.getparent()
                pending_list.append(f"- {text}")
                continue
            if pending_list:
                additions.setdefault(after, []).append("\n".join(pending_list))
                pending_list = []
            if len(text.split()) <= 20:
                additions.setdefault(after, []).append(text)
        if pending_list:
            additions.setdefault(after, []).append("\n".join(pending_list))
    if not additions:
        return paras
    out = []
    for pi, para in enumerate(paras):
        out.append(para)
        out.extend(additions.get(pi, []))
    return out


def _fallback_paragraphs(tree: HtmlElement) -> list[str]:
    """When trafilatura finds nothing: the article body element's own paragraphs, if the page marks one."""
    for el in _MAIN_CONTENT_XPATH(tree):
        paras = paragraphs(el)
        if len(" ".join(paras).split()) >= MIN_WORDS:
            return paras
    return []


def _plain_trafilatura(tree: HtmlElement, url: str) -> list[str]:
    """trafilatura's own reading of the whole page (its defaults and fallbacks), comments left out.

    ``tree`` is consumed: trafilatura cleans the tree it is given.
    """
    try:
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_recall=FALLBACK_FAVOR_RECALL,
        )
    except Exception as exc:  # the fallback failing must not lose what we already have
        log.warning("trafilatura fallback failed on %s: %s", url, exc)
        return []
    return _body_paragraphs(getattr(result, "body", None))


def _not_comments(paras: list[str], comments: list[Comment]) -> list[str]:
    """Paragraphs that are not reader comments (a fallback reading can take a thread for the story)."""
    said = {_norm(p) for c in comments for p in c.text.split("\n\n") if len(p.split()) >= 4}
    return [p for p in paras if _norm(p) not in said]


def extract(page: RawPage, source: str, timezone: str | None = None) -> Document:
    """Extract one article from an archived original. Raises NotAnArticle only on strong evidence.

    Every other page is kept, and ``Document.extraction`` says how sure the extraction was. ``timezone``
    (the source's, from the registry) is where a UTC timestamp's day is read.
    """
    url = page.url
    what = _content_type_ok(page.content_type, page.body or b"")
    if what is not None:
        raise NotAnArticle(f"not an HTML page ({what}): {url}")
    text = _decode(page)
    tree = parse_html(text)
    if tree is None or not tree.xpath("//body//text()[normalize-space()]"):
        raise NotAnArticle(f"empty page, no text: {url}")
    core = text_core(tree)  # read once: where the page's prose is, and which blocks are teasers
    teasers = index_teasers(tree, url, core)
    reason = refusal_reason(tree, url, teasers)
    if reason:
        raise NotAnArticle(f"{reason}, not one article: {url}")

    fetched = page.fetched if page.fetched.tzinfo else page.fetched.replace(tzinfo=UTC)
    comments: list[Comment] = extract_comments(tree, fetched, core)
    chrome_free, kept = _prune_chrome(tree, _protected(tree, core), teasers)
    body_tree = _prune_furniture(chrome_free, kept)
    _truncate(body_tree, url)
    result = _run_trafilatura(body_tree, url)

    ld = json_ld(tree)
    scope = _article_scope(tree)
    host = urlsplit(url).hostname or ""
    site_names = _site_names(tree, source, getattr(result, "sitename", None))
    title = _title(tree, scope, site_names, host, getattr(result, "title", None))
    authors = _authors(tree, scope, ld, site_names, getattr(result, "author", None))

    paras = _body_paragraphs(getattr(result, "body", None))
    paras = _fill_gaps(body_tree, paras) if paras else _fallback_paragraphs(body_tree)
    if not authors:
        authors = _authors_from_bylines(paras, site_names)
    paras = _clean_paragraphs(paras, title, authors)

    published = find_published(tree, chrome_free, scope, ld, url, fetched, timezone, teasers)
    updated = find_updated(tree, scope, ld, fetched, timezone) or published.updated
    if updated and published.day and updated <= published.day:
        updated = None
    categories = _categories(tree, scope, ld, getattr(result, "categories", None))
    tags = _tags(tree, scope, ld, getattr(result, "tags", None))
    language = _language(tree, getattr(result, "language", None))
    canonical = _canonical(tree, url)

    extraction = "full"
    ours = words(" ".join(paras))
    # trafilatura cannot find more words than the page shows: only run it when it could find twice ours
    if ours < FALLBACK_RATIO * visible_words(tree):
        theirs = _clean_paragraphs(_not_comments(_plain_trafilatura(tree, url), comments), title, authors)
        if ours < FALLBACK_RATIO * words(" ".join(theirs)):
            log.info("%s: our reading kept %d words, trafilatura's %d: taking trafilatura's", url, ours,
                     words(" ".join(theirs)))  # fmt: skip
            paras, extraction = theirs, "fallback"
    body_text = "\n\n".join(paras)
    count = words(body_text)
    if not count:
        raise NotAnArticle(f"no article text on the page: {url}")
    if count < MIN_WORDS:
        extraction = "uncertain"

    return Document(
        url=url,
        canonical_url=canonical,
        source=source,
        title=title,
        text=body_text,
        fetched=page.fetched,
        authors=authors,
        published=published.day,
        published_from=published.source,
        published_confidence=published.confidence,
        updated=updated,
        comments=comments,
        categories=categories,
        tags=tags,
        language=language,
        warc_file=page.warc_file,
        warc_offset=page.warc_offset,
        extraction=extraction,
    )
