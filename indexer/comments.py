"""Reader comments, kept apart from the article body: campaigners cite them as testimony.

Selectors cover the markup the archived sites use: WordPress (``ol.comment-list`` / ``ol.commentlist`` of
``li.comment``, HTML5 and classic walkers), WordPress.com classic themes (``cite.fn``,
``.comment-meta a``), and a Joomla-style widget (``li.comment`` with ``.comment-author``,
``.comment-date``, ``.comment-text``, relative dates such as "10 months ago"). When none of them matches
but the page has a comment section, trafilatura's own comment extraction is kept as one Comment with no
author: better than losing the testimony.

Dates: machine-readable ``time[datetime]`` first, then the visible text. Relative dates are resolved
against the fetch time in calendar units (a month ago from 31 March is 28/29 February, not 1 March) and
flagged ``approximate``.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from datetime import UTC, date, datetime, timedelta

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta
from lxml import etree
from lxml.html import HtmlElement

from casebook.models import Comment

log = logging.getLogger(__name__)


def _has_class(name: str) -> str:
    """XPath predicate: the class attribute contains ``name`` as a whole token."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# A comment item: li.comment (WordPress, WordPress.com, Joomla-style widgets), or div.comment where a theme
# uses the 'div' walker style. Pingbacks and trackbacks carry their own class instead of "comment".
COMMENT_ITEM_XPATH = etree.XPath(f"//li[{_has_class('comment')}]")
COMMENT_DIV_ITEM_XPATH = etree.XPath(
    f"//div[{_has_class('comment')}][starts-with(@id, 'comment-') or .//*[{_has_class('comment-author')}]]"
)
_PINGBACK_CLASSES = {"pingback", "trackback"}
_SIDEBAR_RE = re.compile(r"(?:^|\s)(?:sidebar|widget|secondary)|recent-?comments", re.IGNORECASE)
_PINGBACK_TEXT = re.compile(r"^\s*(?:pingback|trackback)\s*:", re.IGNORECASE)

# Containers holding a comment thread (used to decide whether the trafilatura fallback is worth running).
COMMENT_SECTION_XPATH = etree.XPath(
    "//*[self::div or self::section or self::ol or self::ul or self::aside]["
    "@id='comments' or @id='disqus_thread' or starts-with(@id, 'comments-') or "
    f"{_has_class('comments')} or {_has_class('comments-area')} or {_has_class('commentlist')} or "
    f"{_has_class('comment-list')} or {_has_class('comments-list')} or {_has_class('comment-section')}]"
)

# Inside one comment: everything that is not what the reader wrote.
_NOT_TEXT_XPATH = etree.XPath(
    "descendant::*["
    + " or ".join(
        _has_class(c)
        for c in (
            "comment-author",
            "comment-meta",
            "comment-metadata",
            "commentmetadata",
            "comment-date",
            "comment-time",
            "comment-header",
            "comment-footer",
            "comment-actions",
            "comment-likes",
            "comment-like",
            "comment-awaiting-moderation",
            "comment-notice",
            "comment-moderation",
            "reply",
            "comment-reply",
            "comment-reply-link",
            "says",
            "edit-link",
            "vcard",
            "avatar",
            "rating",
        )
    )
    + " or self::script or self::style or self::form or self::noscript or self::img or self::button"
    + " or self::input or self::textarea"
    + " or contains(translate(@style, ' ', ''), 'display:none') or @hidden or @aria-hidden='true']"
)
_CHILD_LISTS_XPATH = etree.XPath(
    "descendant::*[(self::ol or self::ul or self::div) and ("
    f"{_has_class('children')} or {_has_class('comment-children')} or {_has_class('replies')})]"
)
_BODY_XPATHS = [
    etree.XPath(f"descendant::*[{_has_class(c)}][1]")
    for c in ("comment-content", "comment-text", "comment-entry", "comment_text", "comment-body")
] + [etree.XPath("descendant::*[@itemprop='text' or @itemprop='description'][1]")]

_AUTHOR_XPATHS = [
    etree.XPath(f"descendant::*[{_has_class('comment-author')}]//*[{_has_class('fn')}][1]"),
    etree.XPath(f"descendant::cite[{_has_class('fn')}][1]"),
    etree.XPath(f"descendant::*[{_has_class('fn')}][1]"),
    etree.XPath("descendant::*[@itemprop='author']//*[@itemprop='name'][1]"),
    etree.XPath("descendant::*[@itemprop='author'][1]"),
    etree.XPath(f"descendant::*[{_has_class('comment-author')}][1]"),
    etree.XPath(f"descendant::*[{_has_class('comment-author-name')} or {_has_class('author-name')}][1]"),
    etree.XPath("descendant::cite[1]"),
]
_DATE_ATTR_XPATH = etree.XPath(
    "descendant::time[@datetime][1]/@datetime | descendant::*[@itemprop='datePublished'][1]/@content"
    " | descendant::*[@itemprop='dateCreated'][1]/@content"
)
_DATE_TEXT_XPATHS = [
    etree.XPath(f"descendant::*[{_has_class(c)}][1]")
    for c in (
        "comment-date",
        "comment-time",
        "comment-metadata",
        "commentmetadata",
        "comment-meta",
        "comment-info",
        "date",
    )
] + [etree.XPath("descendant::time[1]"), etree.XPath("descendant::abbr[@title][1]")]

_BLOCK_TAGS = {
    "p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
    "section", "article", "header", "footer", "dl", "dt", "dd", "figure", "hr", "address",
}  # fmt: skip

# Site notices that widgets print inside or beside a comment: never part of what the reader wrote.
_NOTICE_RE = re.compile(
    r"(?:Thank you for your comment\.?\s*)?(?:All )?Comments are moderated before (?:being )?published\.?"
    r"|Thank you for your comment\.?(?=\s*$)"
    r"|Your comment is awaiting moderation\.?"
    r"|This comment is awaiting moderation\.?",
    re.IGNORECASE,
)
_SAYS_RE = re.compile(r"\s*(?:says|said|wrote)\s*:?\s*$", re.IGNORECASE)
_DEPTH_CLASS_RE = re.compile(r"\b(?:comment-)?(?:depth|level)-(\d+)\b")

# Dates in comment metadata.
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_RELATIVE_RE = re.compile(
    r"\b(\d+|an?|one|two|three|four|five|six)\s+(second|sec|minute|min|hour|hr|day|week|month|year)s?\s+ago\b",
    re.IGNORECASE,
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_TIME = r"(?:\s*(?:at|@|,|-|–)?\s*(\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?))?"
_ABSOLUTE_RES = [
    # November 14, 2016 at 4:21 pm
    re.compile(rf"\b({_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}){_TIME}", re.IGNORECASE),
    # 14 November 2016 at 16:21 / 14th Nov 2016
    re.compile(rf"\b(\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}){_TIME}", re.IGNORECASE),
    # 2016-11-14 16:21
    re.compile(rf"\b(\d{{4}}-\d{{2}}-\d{{2}}){_TIME}"),
    # 14/11/2016 16:21 (a UK archive: day first)
    re.compile(rf"\b(\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}}){_TIME}"),
]


def _classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


def tidy(text: str) -> str:
    """Collapse runs of spaces, keep single line breaks, drop blank edges."""
    lines = (" ".join(line.split()) for line in text.replace("\xa0", " ").split("\n"))
    return "\n".join(line for line in lines if line)


def paragraphs(el: HtmlElement) -> list[str]:
    """The text of ``el`` as paragraphs: a block element starts a new one, ``<br>`` is a line break.

    Line breaks in the HTML source are only whitespace. Iterative, so deeply nested junk cannot overflow.
    """
    out: list[list[str]] = [[]]

    def new_paragraph() -> None:
        if out[-1]:
            out.append([])

    def add(text: str | None) -> None:
        if text:
            out[-1].append(text.replace("\r", " ").replace("\n", " "))

    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                new_paragraph()
            if tag == "br":
                out[-1].append("\n")
            elif tag:
                add(node.text)
        else:
            if tag in _BLOCK_TAGS:
                new_paragraph()
            if node is not el:
                add(node.tail)
    return [text for text in (tidy("".join(parts)) for parts in out) if text]


def _strip_notices(paras: list[str]) -> list[str]:
    cleaned = []
    for para in paras:
        para = tidy(_NOTICE_RE.sub("", para))
        if para:
            cleaned.append(para)
    return cleaned


def _index_path(node: HtmlElement, top: HtmlElement) -> list[int]:
    """Child indices leading from ``top`` down to ``node``."""
    path = []
    while node is not top:
        parent = node.getparent()
        path.append(parent.index(node))
        node = parent
    return path[::-1]


def _own_scope(item: HtmlElement, items: set[HtmlElement]) -> HtmlElement:
    """A copy of one comment without its replies, so a parent's text never includes its children's."""
    nested = [
        el
        for el in item.iterdescendants()
        if el in items and next((a for a in el.iterancestors() if a in items), None) is item
    ]
    paths = [_index_path(el, item) for el in nested]
    scope = deepcopy(item)
    for path in reversed(paths):
        node = scope
        for index in path:
            node = node[index]
        node.getparent().remove(node)
    for el in list(_CHILD_LISTS_XPATH(scope)):
        if el.getparent() is not None:
            el.drop_tree()
    return scope


def _author(scope: HtmlElement) -> str | None:
    for xpath in _AUTHOR_XPATHS:
        for el in xpath(scope):
            el = deepcopy(el)
            for junk in el.xpath(
                f".//img | .//time | .//*[{_has_class('says')}] | .//*[{_has_class('comment-date')}]"
            ):
                junk.drop_tree()
            name = _SAYS_RE.sub("", " ".join(el.text_content().split())).strip(" :|-–")
            if name and len(name) <= 100:
                return name
    return None


def _format(value: datetime, has_time: bool) -> str:
    if has_time:
        return value.replace(microsecond=0).isoformat()
    return value.date().isoformat()


def _before_fetch(value: date | datetime, fetched: datetime) -> bool:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value <= fetched + timedelta(minutes=1)
        value = value.date()
    return value <= fetched.date()


def parse_relative(text: str, fetched: datetime) -> tuple[str, bool] | None:
    """'10 months ago', 'yesterday', '14 hours ago' -> (ISO string, has_time) resolved against fetched."""
    low = text.lower()
    if re.search(r"\b(?:just now|moments? ago|seconds? ago)\b", low):
        return fetched.replace(microsecond=0).isoformat(), True
    if re.search(r"\byesterday\b", low):
        return (fetched.date() - timedelta(days=1)).isoformat(), False
    if re.search(r"\btoday\b", low) and not _RELATIVE_RE.search(low):
        return fetched.date().isoformat(), False
    match = _RELATIVE_RE.search(low)
    if not match:
        return None
    raw, unit = match.group(1), match.group(2)
    count = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw, 1)
    if unit in ("second", "sec", "minute", "min", "hour", "hr"):
        delta = {
            "second": timedelta(seconds=count),
            "sec": timedelta(seconds=count),
            "minute": timedelta(minutes=count),
            "min": timedelta(minutes=count),
        }.get(unit, timedelta(hours=count))
        when = (fetched - delta).replace(second=0, microsecond=0)
        return when.isoformat(), True
    step = {
        "day": relativedelta(days=count),
        "week": relativedelta(weeks=count),
        "month": relativedelta(months=count),
        "year": relativedelta(years=count),
    }[unit]
    return (fetched.date() - step).isoformat(), False


def parse_absolute(text: str, fetched: datetime) -> str | None:
    """A written date ('November 14, 2016 at 4:21 pm', '14/11/2016 16:21') as ISO; None if none or future."""
    for pattern in _ABSOLUTE_RES:
        match = pattern.search(text)
        if not match:
            continue
        day_part, time_part = match.group(1), match.group(2)
        has_time = bool(time_part)
        candidate = f"{day_part} {time_part.replace('.', ':', 1) if has_time else ''}".strip()
        candidate = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", candidate)
        candidate = candidate.replace("a.m.", "am").replace("p.m.", "pm")
        for dayfirst in (True, False):
            try:
                value = dateparser.parse(candidate, dayfirst=dayfirst, default=datetime(2000, 1, 1))
            except (ValueError, OverflowError):
                continue
            if _before_fetch(value, fetched):
                return _format(value, has_time)
        return None
    return None


def parse_iso(value: str, fetched: datetime) -> str | None:
    """A machine-readable date (time[datetime], itemprop content) as ISO; None if unparseable or future."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = dateparser.isoparse(value)
        except (ValueError, OverflowError):
            return None
    if not _before_fetch(parsed, fetched):
        return None
    has_time = "T" in value or " " in value.strip()
    return _format(parsed, has_time)


def _published(scope: HtmlElement, fetched: datetime) -> tuple[str | None, bool]:
    """The comment's date and whether it is approximate (from a relative date)."""
    for value in _DATE_ATTR_XPATH(scope):
        iso = parse_iso(str(value), fetched)
        if iso:
            return iso, False
    texts = []
    for xpath in _DATE_TEXT_XPATHS:
        for el in xpath(scope):
            texts.append(el.get("title") or "")
            texts.append(" ".join(el.text_content().split()))
    for text in texts:
        if not text:
            continue
        iso = parse_absolute(text, fetched)
        if iso:
            return iso, False
        relative = parse_relative(text, fetched)
        if relative:
            return relative[0], True
    return None, False


def _text(scope: HtmlElement) -> str:
    for el in list(_NOT_TEXT_XPATH(scope)):
        if el.getparent() is not None:
            el.drop_tree()
    body = scope
    for xpath in _BODY_XPATHS:
        found = xpath(scope)
        if found:
            body = found[0]
            break
    return "\n\n".join(_strip_notices(paragraphs(body)))


def _depth(item: HtmlElement, items: set[HtmlElement]) -> int:
    """Nesting in the markup; else what flat markup says (data-depth="1", class depth-2 / level-2)."""
    depth = sum(1 for ancestor in item.iterancestors() if ancestor in items)
    if depth:
        return depth
    data_depth = (item.get("data-depth") or "").strip()
    if data_depth.isdigit():
        return int(data_depth)
    match = _DEPTH_CLASS_RE.search(item.get("class") or "")
    return max(int(match.group(1)) - 1, 0) if match else 0


def _is_pingback(item: HtmlElement) -> bool:
    if _classes(item) & _PINGBACK_CLASSES:
        return True
    return bool(_PINGBACK_TEXT.match(item.text_content()[:200]))


def _in_sidebar(el: HtmlElement) -> bool:
    """A 'recent comments' widget lists other pages' comments: not this page's."""
    for ancestor in el.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        if ancestor.tag in ("aside", "footer", "nav"):
            return True
        if _SIDEBAR_RE.search(f"{ancestor.get('id') or ''} {ancestor.get('class') or ''}"):
            return True
    return False


def comment_items(tree: HtmlElement) -> list[HtmlElement]:
    """The elements holding one reader comment each, in page order (pingbacks included)."""
    items = [el for el in COMMENT_ITEM_XPATH(tree) if not _in_sidebar(el)]
    if not items:
        items = [el for el in COMMENT_DIV_ITEM_XPATH(tree) if not _in_sidebar(el)]
    return items


def _fallback(tree: HtmlElement) -> list[Comment]:
    """No selector matched: if the page has a comment section, keep trafilatura's reading of it."""
    sections = [s for s in COMMENT_SECTION_XPATH(tree)]
    if not sections:
        return []
    probe = deepcopy(tree)
    for el in probe.xpath(
        "//form | //*[@id='respond'] | //*[contains(@class, 'comment-respond')]"
        " | //*[contains(@class, 'nocomments')] | //*[contains(@class, 'comments-title')]"
        " | //*[@id='comments-title'] | //script | //style"
    ):
        if el.getparent() is not None:
            el.drop_tree()
    for section in COMMENT_SECTION_XPATH(probe):
        for heading in section.iter("h1", "h2", "h3", "h4", "h5", "h6"):
            if heading.getparent() is not None and len(heading.text_content().split()) <= 12:
                heading.drop_tree()  # "3 comments", "Join the discussion": a heading, not what anyone wrote
    if not any(len(" ".join(s.text_content().split())) > 0 for s in COMMENT_SECTION_XPATH(probe)):
        return []
    try:
        import trafilatura

        result = trafilatura.bare_extraction(
            probe, include_comments=True, with_metadata=False, fast=True, include_tables=False
        )
    except Exception as exc:  # trafilatura is a best-effort fallback here: never fail the page for it
        log.warning("trafilatura comment fallback failed: %s", exc)
        return []
    raw = getattr(result, "comments", None) if result is not None else None
    if not raw:
        return []
    paras = _strip_notices([tidy(line) for line in raw.split("\n")])
    paras = [
        p for p in paras if not re.fullmatch(r"(?:leave a (?:reply|comment)|reply|cancel reply)", p, re.I)
    ]
    text = "\n\n".join(paras)
    if len(text.split()) < 3:
        return []
    return [Comment(author=None, text=text)]


def extract_comments(tree: HtmlElement, fetched: datetime) -> list[Comment]:
    """Reader comments in page order (a reply right after its parent), pingbacks and trackbacks left out."""
    if fetched.tzinfo is None:  # RawPage promises an aware time; a naive one is taken as UTC, not a crash
        fetched = fetched.replace(tzinfo=UTC)
    items = comment_items(tree)
    if not items:
        return _fallback(tree)
    item_set = set(items)
    comments: list[Comment] = []
    for item in items:
        if _is_pingback(item):
            continue
        scope = _own_scope(item, item_set)
        author = _author(scope)
        published, approximate = _published(scope, fetched)
        text = _text(scope)
        if not text:
            log.debug("comment with no text skipped (author %s)", author)
            continue
        comments.append(
            Comment(
                author=author,
                text=text,
                published=published,
                approximate=approximate,
                depth=_depth(item, item_set),
            )
        )
    return comments
