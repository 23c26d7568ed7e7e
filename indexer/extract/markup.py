"""What the markup says about an element: its classes, where it sits (comments, sidebars, the post itself).

Shared by the extraction modules (pruning, refusal, dates, metadata, body) so that "inside a comment" or
"inside a related-posts rail" means the same thing everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from copy import deepcopy
from functools import lru_cache, wraps
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from lxml import etree
from lxml.html import HtmlElement

RE_NS = {"re": "http://exslt.org/regular-expressions"}
T = TypeVar("T")


def cls(name: str) -> str:
    """XPath predicate: the class attribute has ``name`` as a whole token."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def cls_any(names: Iterable[str]) -> str:
    return " or ".join(cls(n) for n in names)


def document_elements(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Every element of ``tree``'s document, in document order: what an XPath's ``//*`` visits.

    Tests over every element run here in Python rather than in XPath: a class token test
    (``contains(concat(' ', normalize-space(@class), ' '), ' x ')``) or an EXSLT regular expression (a call
    back into Python per element) costs libxml2 about four times what a loop with a compiled pattern does,
    and the pruning ran such tests over every element of the page several times."""
    return tree.getroottree().getroot().iter(etree.Element)


def class_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """A pattern finding any of ``names`` as a whole token of a class attribute, tokens parted as XPath's
    normalize-space parts them (space, tab, CR, LF): the test :func:`cls_any` writes in XPath."""
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?:^|[ \t\r\n])(?:{alternatives})(?=[ \t\r\n]|$)")


# The article itself, as themes mark it: never pruned, never a sidebar.
MAIN_CONTENT_CLASSES = (
    "entry-content", "post-content", "article-content", "entry-body", "post-entry", "post-body",
    "article-body", "story-body", "td-post-content", "single-content", "article__body",
)  # fmt: skip
_MAIN_CONTENT_CLASS_RE = class_pattern(MAIN_CONTENT_CLASSES)


_REMEMBERED_LENGTH = 256  # a longer id or class is rare, and a hostile page's 4 MB one must not be kept


def remembered(test: Callable[..., T]) -> Callable[..., T]:
    """``test`` of an element's id and class strings, remembered per string (a page repeats a few hundred
    class strings over thousands of elements): strings up to ``_REMEMBERED_LENGTH`` only, so the memory kept
    stays small whatever the pages hold."""
    cached = lru_cache(maxsize=4096)(test)

    @wraps(test)
    def call(*strings: str) -> T:
        return cached(*strings) if sum(map(len, strings)) <= _REMEMBERED_LENGTH else test(*strings)

    return call


def is_main_content(el: HtmlElement) -> bool:
    """The element a theme marks as the article's body (``itemprop=articleBody``, ``entry-content``...)."""
    return el.get("itemprop") == "articleBody" or _main_content_class(el.get("class") or "")


@remembered
def _main_content_class(classes: str) -> bool:
    """Remembered (the test runs on every element of the page, several times)."""
    return bool(_MAIN_CONTENT_CLASS_RE.search(classes))


def main_content(tree: HtmlElement) -> list[HtmlElement]:
    """The elements of the page marked as the article's body, in document order."""
    return [el for el in document_elements(tree) if is_main_content(el)]


def ancestors(el: HtmlElement) -> Iterator[HtmlElement]:
    """Ancestors below <body>: theme classes on <body> ('has-sidebar', 'has-header-image') say nothing."""
    for ancestor in el.iterancestors():
        if ancestor.tag in ("body", "html"):
            return
        yield ancestor


def ancestor_attrs(el: HtmlElement) -> str:
    return " ".join(f"{a.get('id') or ''} {a.get('class') or ''}" for a in ancestors(el))


def in_comments(el: HtmlElement) -> bool:
    """The element itself is a comment section (by id or class)."""
    ident = f"{el.get('id') or ''} {el.get('class') or ''}"
    return bool(
        re.search(r"(^|\s)(comments?|commentlist|comment-list|comments-area|respond)(\s|$)", ident, re.I)
    )


def is_post(el: HtmlElement) -> bool:
    classes = set((el.get("class") or "").split())
    return el.tag == "article" or bool(classes & {"hentry", "post", "type-post", "item-page", "entry"})


# Blocks beside the article: sidebars, widgets, related / recent / popular / "more from" rails, teasers.
ASIDE_RE = re.compile(
    r"(?:^|\s)(?:sidebar|widget|related|footer|recent|latest|popular|trending|most-?read|more-from"
    r"|read-?next|recommend|moduletable|jp-relatedposts|teaser|promo|outbrain|taboola)",
    re.IGNORECASE,
)


def in_article_proper(el: HtmlElement, itself: bool = False) -> bool:
    """Not inside comments, sidebars, widgets, related-post lists, navigation or the site footer (with
    ``itself``: nor one of them).

    A <footer> inside the post (WordPress's entry-footer / entry-meta) belongs to the article.
    """
    chain = [el, *ancestors(el)] if itself else list(ancestors(el))
    for i, ancestor in enumerate(chain):
        if ancestor.tag in ("aside", "nav") or in_comments(ancestor):
            return False
        if "comment" in (ancestor.get("class") or "").split():
            return False
        if ancestor.tag == "footer" and not any(is_post(a) for a in chain[i + 1 :]):
            return False
        if ASIDE_RE.search(f"{ancestor.get('id') or ''} {ancestor.get('class') or ''}"):
            return False
    return True


def without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]")


def norm(text: str) -> str:
    """A comparison key: lower-case letters and digits only, of any script, accents folded ("Work &
    Pensions" and "work-pensions" meet, "Café" and "cafe" too). Letters of every script count: a key of
    ASCII letters alone is empty for a Russian or Arabic paragraph, and every such paragraph would then
    "equal" the headline (and be dropped as it) or a comment."""
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFD", text).casefold())


def shows(text: str) -> bool:
    """Whether ``text`` holds a character a reader sees: not only spaces, control and format characters
    (a zero-width joiner, a soft hyphen: Webflow spaces its paragraphs with ``<p>&zwj;</p>``)."""
    return any(not unicodedata.category(ch).startswith(("Z", "C")) for ch in text)


def words(text: str | None) -> int:
    return len((text or "").split())


def link_share(el: HtmlElement) -> float:
    """The share of ``el``'s text, spaces collapsed, that stands in links: how far a block is a list of links
    (a related-posts box, a teaser) rather than prose."""
    total = len(" ".join(el.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return linked / total if total else 0.0


SUBHEADINGS = ("h2", "h3", "h4", "h5", "h6")  # the headings inside an article (its h1 is the headline)
INVISIBLE = {"script", "style", "noscript", "template", "head", "title", "meta", "link"}
# Elements that start a new block of text: a reader sees the words before and after them apart
BLOCK_TAGS = {
    "p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
    "section", "article", "header", "footer", "dl", "dt", "dd", "figure", "hr", "address",
}  # fmt: skip
PARTING = ("br", *sorted(BLOCK_TAGS))  # and a line break


def visible_words(el: HtmlElement) -> int:
    """Words a reader could see in ``el`` (scripts, styles and templates left out); comments skipped.

    ``<noscript>`` counts: it is what the page shows with scripts off, as an archive replays it and
    trafilatura reads it (Discourse serves a whole thread there)."""
    total = 0
    stack = [el]
    while stack:
        node = stack.pop()
        if isinstance(node.tag, str) and (node.tag not in INVISIBLE or node.tag == "noscript"):
            total += words(node.text)
            stack.extend(node)
        if node is not el:
            total += words(node.tail)
    return total


def words_between(first: HtmlElement | None, second: HtmlElement, limit: int) -> int:
    """Words of visible text after ``first`` ends (None: from the page's start) and before ``second``
    begins, in page order; counting stops once past ``limit``, which is all a caller asks (a byline's gap
    between two names, a headline's distance from a forum's first post)."""
    root = second.getroottree().getroot()
    words = 0
    after = first is None
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if el is second:
            return words
        if el is first and event == "end":
            after = True
        elif after and event == "start" and isinstance(el.tag, str) and el.tag not in INVISIBLE:
            words += len((el.text or "").split())
        if after and event == "end":
            words += len((el.tail or "").split())
        if words > limit:
            return words
    return words


def visible_text(el: HtmlElement) -> str:
    """The text a reader could see in ``el`` (a heading, a byline: a small element), scripts, styles and
    templates left out: ``text_content`` would give a script's code as part of a headline. A line break or
    a block inside parts the words on either side, as the reader sees them: ``text_content`` runs a
    headline set over three lines ('WEEKEND<br>CODING<br>AGENT') into 'WEEKENDCODING AGENT'."""
    hidden = el.tag in INVISIBLE or next(el.iterdescendants(*INVISIBLE), None) is not None
    if not hidden and next(el.iterdescendants(*PARTING), None) is None:
        return el.text_content()  # the common case: nothing hidden, nothing parted, nothing copied
    if el.tag in INVISIBLE:
        return ""
    copy = deepcopy(el)
    for node in list(copy.iterdescendants(*INVISIBLE)):
        node.drop_tree()
    for node in copy.iterdescendants(*PARTING):
        node.tail = f" {node.tail or ''}"
        if node.tag != "br":
            node.text = f" {node.text or ''}"
    return copy.text_content()


COMMENTISH_RE = re.compile(r"comment|disqus|respond", re.IGNORECASE)
TEXT_CORE_SHARE = 0.5  # a block holding this share of the page's paragraph words is the article's home
TEXT_CORE_MIN_WORDS = 40


@remembered
def _commentish(ident: str, classes: str) -> bool:
    """Remembered (every paragraph's ancestors are asked, the same ones many times over)."""
    return bool(COMMENTISH_RE.search(f"{ident} {classes}"))


def text_core(tree: HtmlElement) -> list[HtmlElement]:
    """Every element holding at least half of the page's paragraph words (comment threads left out).

    Class names are only hints: a theme can call the article's own container ``and-w-sidebar`` or
    ``widget Blog``. Whatever a pruning rule says, the block that holds most of the page's prose stays.
    """
    counts: dict[HtmlElement, int] = {}
    total = 0
    for p in tree.iter("p"):
        n = words(p.text_content())
        if not n:
            continue
        chain = list(p.iterancestors())
        if any(_commentish(a.get("id") or "", a.get("class") or "") for a in chain):
            continue
        total += n
        for ancestor in chain:
            counts[ancestor] = counts.get(ancestor, 0) + n
    if total < TEXT_CORE_MIN_WORDS:
        return []
    return [el for el, n in counts.items() if n >= TEXT_CORE_SHARE * total]


def in_copy(original: HtmlElement, elements: Iterable[HtmlElement], copy: HtmlElement) -> list[HtmlElement]:
    """The elements of ``copy`` (a deepcopy of ``original``, not yet changed) standing where ``elements``
    stand in it.

    What is learnt once about a page (where its prose is, which blocks are teasers) carries over to the
    copies that pruning works on, without reading the page again.
    """
    return in_copies(original, copy, elements)[0]


def in_copies(
    original: HtmlElement, copy: HtmlElement, *groups: Iterable[HtmlElement]
) -> list[list[HtmlElement]]:
    """:func:`in_copy` for several groups, in one walk of each tree. All are found before the copy is
    changed: an element's place is its position in the tree's walk, which a dropped block shifts."""
    wanted = [set(group) for group in groups]
    if not any(wanted):
        return [[] for _ in wanted]
    positions: list[list[int]] = [[] for _ in wanted]
    for i, el in enumerate(original.iter()):
        for group, found in zip(wanted, positions, strict=True):
            if el in group:
                found.append(i)
    nodes = list(copy.iter())
    return [[nodes[i] for i in found if i < len(nodes)] for found in positions]
