"""Reader comments, kept apart from the article body: campaigners cite them as testimony.

A comment is found by its markup, across the families the archived sites (and the web around them) use:
WordPress and WordPress.com themes (``li.comment``, HTML5 and classic walkers, a theme's own callback that
prints only the walker's ``li#comment-N``, plugins such as Epoch), Blogger (``li.comment`` with
``cite.user`` inside the ``widget Blog``), Drupal (``article.comment`` / ``div.comment`` with a
``field--name-comment-body``), and Joomla extensions (JComments' ``comment-item-N`` blocks, Komento's
``kmt-item``, K2's ``itemCommentsList``). Each comment is read from its own part of the page, without its
replies: the reader's name as shown (cut from a date or "says:" written beside it, or read from the byline
a theme prints below the text), the day, and the text. Pingbacks and trackbacks are left out, known by
their class, their label or WordPress's ``[…] excerpt […]``. Failing those families, a block the site's
own class names as one comment ('kb-comment', 'kommentar-item') is one where it shows a name or a day; a
name printed on a line over the day ('Kritiker2010' / '06.11.2023, 13.47 Uhr') is the commenter's. When
no such markup is found but the page has a comment section, trafilatura's own comment extraction is kept as
one Comment with no author: better than losing the testimony.

A comment list in a sidebar ("recent comments") belongs to other pages, but a theme may put the page's own
thread in an ``<aside>`` or a ``<footer>``, or in a widget that also holds the article (Blogger): only a
block that does not hold the article's prose counts as a sidebar.

Dates: machine-readable ``time[datetime]`` first, then the visible text, with month names in English,
German, French, Spanish, Italian, Dutch and Portuguese. Relative dates are resolved against the fetch
time in calendar units (a month ago from 31 March is 28/29 February, not 1 March) and flagged
``approximate``.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from casebook.models import Comment
from indexer.extract.markup import (
    ASIDE_RE,
    BLOCK_TAGS,
    RE_NS,
    document_elements,
    is_main_content,
    shows,
    text_core,
    words_between,
)
from indexer.extract.months import WRITTEN_DATE_RES, written_days

log = logging.getLogger(__name__)


def _has_class(name: str) -> str:
    """XPath predicate: the class attribute contains ``name`` as a whole token."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# A comment item: li.comment (WordPress, WordPress.com, Blogger, Joomla-style widgets), an li with the id
# WordPress's comment walker gives every comment (``comment-N``: themes with their own callback may print
# no class), Komento's li.kmt-item, K2's list; failing those, a block marked as one comment (Drupal's
# article/div.comment, JComments' comment-item-N, a plugin's div#comment-N, schema.org Comment).
COMMENT_ITEM_XPATH = etree.XPath(
    f"//li[{_has_class('comment')} or {_has_class('kmt-item')} or re:test(@id, '^comment-\\d+$')]"
    f" | //ul[{_has_class('itemCommentsList')}]/li",
    namespaces=RE_NS,
)
COMMENT_BLOCK_ITEM_XPATH = etree.XPath(
    f"//*[self::div or self::article or self::section][{_has_class('comment')} or {_has_class('js-comment')}"
    " or starts-with(@id, 'comment-item-') or re:test(@id, '^comment-\\d+$')"
    " or contains(@itemtype, 'schema.org/Comment')]",
    namespaces=RE_NS,
)
# Failing all of those, a block whose class names it one comment, or one reader's letter, in a site's own
# words: 'kb-comment', 'comment-item', 'kommentar-item', 'mo-comment-card', 'js-comment-box', XenForo's
# 'xenforo-comment', reddit's 'Comment', Invision's 'ipsComment', 'leserbrief'. Never a plural: 'comments'
# names the section. Taken only where it shows who wrote it or when (``_named_items``): a form, button or
# counter named so does not.
_NAMED_ITEM_RE = re.compile(
    r"^(?:[a-z][a-z0-9]*[-_]?)?(?:comment|kommentar|commentaire|comentario|commento|reactie|leserbrief)"
    r"(?:[-_]?(?:item|card|entry|box))?$",
    re.IGNORECASE,
)
# A forum software's id for one post: Invision Community's 'elComment_123', XenForo's 'js-post-123', phpBB's
# 'p123' (on a block of class 'post': the id alone is too common a name)
_POST_ID_RE = re.compile(r"^(?:elComment_|js-post-)\d+$")
_PHPBB_POST_ID_RE = re.compile(r"^p\d+$")
_BODYISH_RE = re.compile(r"content|text|body|message", re.IGNORECASE)
_PINGBACK_CLASSES = {"pingback", "trackback"}
_SIDEBAR_RE = re.compile(r"(?:^|\s)(?:sidebar|widget|secondary)(?:$|[\s_-])|recent-?comments", re.I)
_PINGBACK_TEXT = re.compile(r"^\s*(?:pingback|trackback)\b", re.IGNORECASE)  # 'Pingback:', 'Pingback von'
# WordPress prints a pingback as the linking post's excerpt between ellipses: '[…] excerpt […]'
_PINGBACK_EXCERPT = re.compile(r"^\W{0,3}\[(?:…|\.\.\.)\].*\[(?:…|\.\.\.)\]\W{0,3}$", re.DOTALL)

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
            "comment__meta",
            "comment__links",
            "comment-number",
            "links",
            "meta",
            "submitted",
            "datetime",
            "bbCodeBlock-expandLink",  # XenForo's 'Click to expand...' under a quoted post
            "bbCodeBlock-shrinkLink",  # ... and its 'Click to shrink...'
            "onebox",  # Discourse's preview of a linked page: its title and summary, not the reader's words
            "message-signature",  # XenForo's signature under every post of its writer
            "signature",  # phpBB's
            "postprofile",  # phpBB's card of the writer: rank, posts, joined, location
        )
    )
    + " or self::footer or self::header or self::h6 or self::cite[not(ancestor::blockquote)]"
    + " or self::script or self::style or self::form or self::noscript or self::img or self::button"
    + " or self::input or self::textarea"
    + " or contains(translate(@style, ' ', ''), 'display:none') or @hidden or @aria-hidden='true']"
)
_CHILD_LISTS_XPATH = etree.XPath(
    "descendant::*[(self::ol or self::ul or self::div) and ("
    f"{_has_class('children')} or {_has_class('comment-children')} or {_has_class('replies')})]"
)
_BODY_CLASSES = (
    "comment-content", "comment-text", "comment-entry", "comment_text", "comment__content", "comment__text",
    "commentText", "kmt-text", "epoch-comment-content", "field--name-comment-body", "field-name-comment-body",
    "field-comment-body", "comment-message", "comment-body", "bbWrapper",
)  # fmt: skip
_BODY_XPATHS = [etree.XPath(f"descendant::*[{_has_class(c)}]") for c in _BODY_CLASSES] + [
    etree.XPath("descendant::*[@itemprop='text' or @itemprop='description' or @itemprop='comment']"),
    etree.XPath("descendant::*[@data-role='commentContent']"),  # Invision Community's posts
    etree.XPath(f"descendant::*[{_has_class('postbody')}]//*[{_has_class('content')}]"),  # phpBB's
]
_BODY_TEST = "descendant-or-self::*[" + " or ".join(_has_class(c) for c in _BODY_CLASSES) + "]"
# Words a button or link says, never what a reader wrote when they stand alone at the end of a comment.
_ACTION_WORDS_RE = re.compile(
    r"^(?:reply|report|flag|delete|edit|quote|like|share|permalink|antworten|löschen|melden|zitieren"
    r"|répondre|responder|rispondi|beantwoorden|responder)$",
    re.IGNORECASE,
)

_AUTHOR_XPATHS = [
    etree.XPath(f"descendant::*[{_has_class('comment-author')}]//*[{_has_class('fn')}][1]"),
    etree.XPath(f"descendant::cite[{_has_class('fn')}][1]"),
    etree.XPath(f"descendant::*[{_has_class('fn')}][1]"),
    etree.XPath("descendant::*[@itemprop='author' or @itemprop='creator']//*[@itemprop='name'][1]"),
    etree.XPath("descendant::*[@itemprop='author'][1]"),
    etree.XPath(f"descendant::cite[{_has_class('user')}][1]"),
    # Invision Community 4 and 5: the profile link, not the reputation badge beside it
    etree.XPath(
        f"descendant::*[{_has_class('cAuthorPane_author')} or {_has_class('ipsEntry__username')}]//a[1]"
    ),
    etree.XPath(
        "descendant::*["
        + " or ".join(
            _has_class(c)
            for c in (
                "comment-author-name", "comment__author-name", "author-name", "username", "user-name",
                "epoch-author-link", "comment-author-link", "commentAuthorName", "author",
                "MessageCard__user-info__name",  # XenForo's 'california' theme (VerticalScope's forums)
            )
        )
        + "][1]"
    ),
    etree.XPath(f"descendant::*[{_has_class('comment-author')}]//*[self::strong or self::b or self::a][1]"),
    etree.XPath(f"descendant::*[{_has_class('comment-author')}][1]"),
    # WordPress's get_comment_author_link(): the only link it marks class="url" rel="external nofollow"
    etree.XPath(f"descendant::a[{_has_class('url')} and contains(@rel, 'external')][1]"),
    etree.XPath("descendant::cite[1]"),
    etree.XPath("descendant::*[self::footer or self::header or self::h6][1]"),  # 'Name | 21 April 2020'
]  # fmt: skip
# A post's own date where its theme marks it so: XenForo's 'california' theme (VerticalScope's forums) puts
# the thread's latest reply time in the opening post's header, above the post's own
_OWN_DATE_XPATH = etree.XPath(f"descendant::*[{_has_class('MessageCard__date-created')}]//time/@datetime")
_DATE_ATTR_XPATH = etree.XPath(
    "descendant::time[@datetime][1]/@datetime | descendant::*[@itemprop='datePublished'][1]/@content"
    " | descendant::*[@itemprop='dateCreated'][1]/@content"
)
_DATE_TEXT_XPATHS = [
    etree.XPath(f"descendant::*[{_has_class(c)}][1]")
    for c in (
        "comment-date", "comment-time", "comment__time", "comment-metadata", "commentmetadata",
        "comment-meta", "comment-info", "datetime", "date", "submitted", "comment-author", "comment-header",
        "meta",
    )
] + [
    etree.XPath("descendant::time[1]"),
    etree.XPath("descendant::abbr[@title][1]"),
    etree.XPath("descendant::*[self::footer or self::header or self::h6][1]"),
]  # fmt: skip

# Site notices that widgets print inside or beside a comment: never part of what the reader wrote.
_NOTICE_RE = re.compile(
    r"(?:Thank you for your comment\.?\s*)?(?:All )?Comments are moderated before (?:being )?published\.?"
    r"|Thank you for your comment\.?(?=\s*$)"
    r"|Your comment is awaiting moderation\.?"
    r"|This comment is awaiting moderation\.?",
    re.IGNORECASE,
)
_SAYS_RE = re.compile(
    r"\s*(?:says|said|wrote|sagt|schreibt|meint|dit|écrit|dice|escribió|scrive|zegt)\s*:?\s*$", re.IGNORECASE
)
# a line that can be a name: a few words, no sentence ('Kritiker2010', 'Die Redaktion', 'Elke Hinrichs')
_NAME_LINE_RE = re.compile(r"^(?=(?:\S+\s+){0,3}\S+$)[^.!?:;,]{1,50}$")
_DEPTH_CLASS_RE = re.compile(r"\b(?:comment-)?(?:depth|level)-(\d+)\b")

# Dates in comment metadata.
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_RELATIVE_RE = re.compile(
    r"\b(\d+|an?|one|two|three|four|five|six)\s+(second|sec|minute|min|hour|hr|day|week|month|year)s?\s+ago\b",
    re.IGNORECASE,
)
# A time right after the date: "at 4:21 pm", "um 18:05 Uhr", "- 16:40", "/ 6:16", "à 10 h 15", "21.11"
_TIME_RE = re.compile(
    r"^\W{0,3}(?:at|um|à|a las|alle|om|às|@)?\W{0,2}(?P<hour>\d{1,2})\s?[:.h]\s?(?P<minute>\d{2})"
    r"(?::\d{2})?\s*(?:uhr\b)?\s*(?P<ampm>[ap]\.?\s?m\b\.?)?",
    re.IGNORECASE,
)


def _classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


def tidy(text: str) -> str:
    """Collapse runs of spaces, keep single line breaks, drop lines that show nothing (blank, or only
    invisible characters)."""
    lines = (" ".join(line.split()) for line in text.replace("\xa0", " ").split("\n"))
    return "\n".join(line for line in lines if shows(line))


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
            if tag in BLOCK_TAGS:
                new_paragraph()
            if tag == "br":
                out[-1].append("\n")
            elif tag:
                add(node.text)
        else:
            if tag in BLOCK_TAGS:
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


# what follows a name on its line: a separator and the rest, or a dangling 'on' / 'am' left by a date cut
_NAME_CUT_RE = re.compile(r"\s+(?:\||·|•|–|—|-)(?:\s+.*)?$|\s*[|·•]\s*$|\s+(?:on|am|le|el|il|op)$", re.I)


# 'Comment by Daniel', 'Kommentar von Margit Heumann': the words a theme writes before the name
_NAME_LEAD = r"(?:comment|kommentar|commentaire|comentario|commento|reactie)\s+(?:by|von|de|par|di|van)"
_NAME_LEAD_RE = re.compile(rf"^{_NAME_LEAD}\s+", re.I)
_NAME_LABEL_RE = re.compile(rf"^{_NAME_LEAD}\s*:?$", re.I)  # the label left when the name was cut


def _clean_name(text: str) -> str:
    """'Ben 19. Juni 2018 um 15:28 Uhr - Antworten' -> 'Ben'; 'Heidemarie Heim | Di, 21. April' -> ...;
    'Comment by Daniel — 17.07, 2011' -> 'Daniel'."""
    text = _NAME_LEAD_RE.sub("", " ".join(text.split()))
    for pattern in WRITTEN_DATE_RES:
        match = pattern.search(text)
        if match:
            text = text[: match.start()]
    text = _NAME_CUT_RE.sub("", text)
    text = re.sub(r"\s*\b(?:Mo|Di|Mi|Do|Fr|Sa|So|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?,?\s*$", "", text)
    text = _SAYS_RE.sub("", text)
    return text.strip(" :|-–—·,/")  # 'Karsten Dörre / 22.04.2020' leaves 'Karsten Dörre /'


def _author(scope: HtmlElement) -> tuple[str | None, HtmlElement | None]:
    """The commenter's name as shown, and the element it was read from (so the text can leave it out)."""
    for xpath in _AUTHOR_XPATHS:
        for found in xpath(scope):
            el = deepcopy(found)
            for junk in el.xpath(
                f".//img | .//time | .//*[{_has_class('says')}] | .//*[{_has_class('comment-date')}]"
                f" | .//*[{_has_class('comment-reply-link')} or {_has_class('reply')}]"
            ):
                junk.drop_tree()
            lines = [line for para in paragraphs(el) for line in para.split("\n")]
            name = _clean_name(lines[0]) if lines else ""  # 'Martina Berg<br>Author': the name's line only
            if name and len(name) <= 100 and not _ACTION_WORDS_RE.match(name):
                return name, found
    return None, None


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
    """A written date ('November 14, 2016 at 4:21 pm', '10. Februar 2019 um 18:05 Uhr', '14/11/2016 16:21')
    as ISO (with the time when one is written); None if there is none, or it is after the fetch."""
    for pattern in WRITTEN_DATE_RES:
        match = pattern.search(text)
        if not match:
            continue
        clock = _TIME_RE.match(text[match.end() :])
        for day in written_days(match):
            if clock:
                hour, minute = int(clock["hour"]), int(clock["minute"])
                ampm = (clock["ampm"] or "").lower()
                if ampm.startswith("p") and hour < 12:
                    hour += 12
                elif ampm.startswith("a") and hour == 12:
                    hour = 0
                if hour > 23 or minute > 59:
                    clock = None
                else:
                    value = datetime(day.year, day.month, day.day, hour, minute)
                    if _before_fetch(value, fetched):
                        return value.isoformat()
                    continue
            if _before_fetch(day, fetched):
                return day.isoformat()
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
    for value in [*_OWN_DATE_XPATH(scope)[:1], *_DATE_ATTR_XPATH(scope)]:
        iso = parse_iso(str(value), fetched)
        if iso:
            return iso, False
    texts = []
    for xpath in _DATE_TEXT_XPATHS:
        for el in xpath(scope):
            texts.append(el.get("title") or "")
            texts.append(" ".join(el.text_content().split()))
    # last resort: a date written as the comment's first line ('Name<br>März 7, 2018<p>Text'); the pieces
    # kept apart, so a name printed against its date ('Kritiker2010' '06.11.2023') stays a name and a date
    texts.append(" ".join(" ".join(scope.itertext()).split())[:120])
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


def _is_date_line(text: str) -> bool:
    """'März 7, 2018' or '19. Juni 2019 / 13:20' alone on a line."""
    for pattern in WRITTEN_DATE_RES:
        match = pattern.search(text)
        if match:
            rest = text[: match.start()] + text[match.end() :]
            clock = _TIME_RE.match(text[match.end() :])
            if clock:
                rest = text[: match.start()] + text[match.end() + clock.end() :]
            return len(re.findall(r"\w+", rest)) <= 2
    return False


def _text(scope: HtmlElement) -> tuple[str, str | None]:
    """What the reader wrote: the comment's text element(s), less metadata, buttons and site notices; and
    the byline cut from above or below it ('Tobsen · April 19, 2019'), which may hold the commenter's name.

    Some themes print the whole comment inside its author block (WordPress.com's classic themes:
    ``div.comment-author.vcard`` around the avatar, the reader's paragraphs and the 'Comment by' line).
    When cutting the metadata would leave nothing, a metadata block is opened instead of cut: its own
    metadata inside (the name, the date, the reply link) is still cut, and its paragraphs stay.
    """
    text, byline = _cleaned_text(deepcopy(scope), unwrap=False)
    return (text, byline) if text else _cleaned_text(scope, unwrap=True)


def _cleaned_text(scope: HtmlElement, unwrap: bool) -> tuple[str, str | None]:
    for el in list(_NOT_TEXT_XPATH(scope)):
        if el.getparent() is None or (el.tag in ("header", "footer") and el.xpath(_BODY_TEST)):
            continue  # gone with an ancestor, or a <header> a theme left open, the post's text parsed inside
        if unwrap and el.tag == "div" and el.find(".//p") is not None:
            el.drop_tag()
        else:
            el.drop_tree()
    for el in list(scope.iter("a", "span", "button")):
        if el.getparent() is not None and _ACTION_WORDS_RE.match(" ".join(el.text_content().split())):
            el.drop_tree()
    bodies = [scope]
    for xpath in _BODY_XPATHS:
        found = xpath(scope)
        if found:
            chosen = set(found)
            bodies = [el for el in found if not any(a in chosen for a in el.iterancestors())]
            break
    paras = [para for body in bodies for para in paragraphs(body) if not _NAME_LABEL_RE.match(para)]
    while paras and (_ACTION_WORDS_RE.match(paras[-1]) or paras[-1].isdigit()):
        paras.pop()  # 'Reply', 'Antworten', or a bare count of likes under the text
    byline = None
    if len(paras) > 1 and _is_date_line(paras[0]):
        byline = paras.pop(0)  # a date line the theme put above the text, not something the reader wrote
    elif len(paras) > 2 and _is_date_line(paras[1]) and _NAME_LINE_RE.match(paras[0]):
        byline = f"{paras.pop(0)} {paras.pop(0)}"  # 'Kritiker2010' over '06.11.2023, 13.47 Uhr'
    elif len(paras) > 1 and _is_date_line(paras[-1]):
        byline = paras.pop()  # ... or below it
    return "\n\n".join(_strip_notices(paras)), byline


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


def _is_pingback(item: HtmlElement, text: str) -> bool:
    """A pingback or trackback by its class, its label, or ``text`` (what the comment says) being a linking
    post's excerpt."""
    if _classes(item) & _PINGBACK_CLASSES:
        return True
    return bool(_PINGBACK_TEXT.match(item.text_content()[:200]) or _PINGBACK_EXCERPT.match(text))


def _in_sidebar(el: HtmlElement, article: set[HtmlElement]) -> bool:
    """A 'recent comments' widget lists other pages' comments: not this page's.

    A block that holds the article (its prose, its headline, its marked body) is no sidebar, whatever its
    class (Blogger's 'widget Blog').
    """
    for ancestor in el.iterancestors():
        if ancestor.tag in ("body", "html") or ancestor in article:
            return False
        if ancestor.tag == "nav":
            return True
        if _SIDEBAR_RE.search(f"{ancestor.get('id') or ''} {ancestor.get('class') or ''}"):
            return True
    return False


def _holding_article(tree: HtmlElement, core: list[HtmlElement] | None) -> set[HtmlElement]:
    """The blocks that hold the article: its prose (``core``), its headline and its marked body, with
    everything around them."""
    held = set(text_core(tree) if core is None else core)
    for el in document_elements(tree):
        if el.tag == "h1" or is_main_content(el):  # a block holding one of these is no sidebar
            held.add(el)
            held.update(el.iterancestors())
    return held


@lru_cache(maxsize=64)
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


def chosen_items(tree: HtmlElement, selector: str | None) -> list[HtmlElement]:
    """The elements a source's ``comment_selector`` (``corpus/sources.toml``) picks, one comment each, in
    page order: the site's own markup, which no rule here knows. An element holding the headline or the
    marked article body is never one: a selector that also matches the story's block takes the comments,
    not the story. The registry checked the selector when it was read."""
    if not selector:
        return []
    article = _holding_article(tree, [])  # the headline and marked body with what holds them; not the prose
    return [el for el in _css(selector)(tree) if el not in article]


class Found(NamedTuple):
    """The comments' elements on a page, and what to do with them. ``leave_body``: comments found by a site's
    own class names stand in no section the pruning knows as comments ('kb-comments', 'kommentare'), so the
    body must leave them itself, while the families' comments stand in one. ``thread``: the page is a forum
    thread, whose replies are its text: none of its posts is a comment, but its ``replies`` (the posts
    marked like comments, the opening post's excepted) name their writers and days, which are not the
    thread's author and day; ``opening``: the opening post where it is marked like its replies (read as
    they are, it heads the thread's text: trafilatura takes the block it stands in for a comment section)."""

    items: list[HtmlElement]
    leave_body: bool = False
    thread: bool = False
    replies: tuple[HtmlElement, ...] = ()
    opening: HtmlElement | None = None

    @property
    def apart(self) -> list[HtmlElement]:
        """What the page's author and day are never read from: its comments, or a thread's replies."""
        return [*self.items, *self.replies]


def comment_items(
    tree: HtmlElement,
    fetched: datetime,
    core: list[HtmlElement] | None = None,
    chosen: list[HtmlElement] | None = None,
    thread: bool = False,
) -> Found:
    """The elements holding one reader comment each, in page order (pingbacks included): those the source
    names (``chosen``, see :func:`chosen_items`) when it names any on this page; else those found by the
    markup of the families above, else blocks a site's own class names as comments (:func:`_named_items`).
    None on a forum thread: a page that declares itself one (``thread``, see ``declared.declares_thread``)
    or whose first named post opens it; its posts are replies, and where its opening post is marked like
    them, that post is the thread's opening (read first, even where the families mark only the replies)."""
    if chosen:
        return Found(chosen)
    article = _holding_article(tree, core)
    families = _family_items(tree, core, article)
    if families and not thread:
        return Found(families)
    named = _named_items(tree, fetched, article)
    if named and _opens_thread(tree, named[0]):
        # a forum thread whose opening post is marked like its replies (Invision's and XenForo's post ids,
        # Invision's 'ipsComment'), declared or not: the thread is the page's text (as WCXB's gold keeps it)
        return Found([], thread=True, replies=tuple(named[1:]), opening=named[0])
    if thread:
        return Found([], thread=True, replies=tuple(families or named))
    # a post named only by its forum's id for it, opening no thread (a thread's later page), stays text
    return Found([el for el in named if _named_by_class(el)], leave_body=True)


def _family_items(
    tree: HtmlElement, core: list[HtmlElement] | None, article: set[HtmlElement]
) -> list[HtmlElement]:
    """Comments by the families' markup: their list items, failing those their blocks."""
    items = [el for el in COMMENT_ITEM_XPATH(tree) if not _in_sidebar(el, article)]
    if items:
        return items
    prose = set(text_core(tree) if core is None else core)
    blocks = [
        el
        for el in COMMENT_BLOCK_ITEM_XPATH(tree)
        # an empty anchor named like a comment ('<div id="comment-123"></div>' over an Invision post) is none
        if el not in prose and not _in_sidebar(el, article) and (el.text_content() or "").strip()
    ]
    marked = set(blocks)
    return [
        el
        for el in blocks
        # a block marked 'comment' inside another is its text ('section.comment-content.comment'), not a reply
        if not (_BODYISH_RE.search(el.get("class") or "") and any(a in marked for a in el.iterancestors()))
    ]


def _named_items(tree: HtmlElement, fetched: datetime, article: set[HtmlElement]) -> list[HtmlElement]:
    """Blocks whose class names them a comment in a site's own compound (``_NAMED_ITEM_RE``), or whose id is
    a forum software's for a post (``_POST_ID_RE``: Invision 5 and XenForo name no class so), each showing
    its writer's name or its day: what a comment has and a 'write a comment' box, a share button or a
    comment counter has not. A block that holds the article or sits in a rail of other pages' comments
    ('recent-comment') is none, but for a post named by its id: that is one post, and the opening post of a
    thread holds its text."""
    named = [
        el
        for el in tree.iter("div", "article", "section", "li")
        if (_is_post(el) or (_named_by_class(el) and el not in article))
        and not ASIDE_RE.search(f"{el.get('id') or ''} {el.get('class') or ''}")
        and not _in_sidebar(el, article)
    ]
    found = set(named)
    kept = []
    for el in named:
        scope = _own_scope(el, found)
        if _author(scope)[0] or _published(scope, fetched)[0]:
            kept.append(el)
    return kept


def _named_by_class(el: HtmlElement) -> bool:
    return any(_NAMED_ITEM_RE.match(token) for token in _classes(el))


def _is_post(el: HtmlElement) -> bool:
    """One post of a forum's thread, by its forum software's id for it (``_POST_ID_RE``)."""
    name = el.get("id") or ""
    return bool(_POST_ID_RE.match(name) or (_PHPBB_POST_ID_RE.match(name) and "post" in _classes(el)))


_OPENING_GAP = 50  # words: a headline, a breadcrumb, a 'Posted by' line; never an article's text
# phpBB's topic title: its h1 names the site
_TOPIC_TITLE_XPATH = etree.XPath(f"//h2[{_has_class('topic-title')}]")


def _opens_thread(tree: HtmlElement, item: HtmlElement) -> bool:
    """The first post of a forum thread, marked like its replies (Invision's 'ipsComment', a forum's post
    ids): almost nothing stands between the page's headline (phpBB's topic title, else its first h1; with
    none, the page's start) and it. Under an article the first comment follows the article's text. On
    WCXB's dev forum pages the opening post begins 17 to 29 words after its headline begins; on article
    pages with such comments, the first begins 111 or more after."""
    headlines = _TOPIC_TITLE_XPATH(tree) or list(tree.iter("h1"))
    return words_between(headlines[0] if headlines else None, item, _OPENING_GAP) < _OPENING_GAP


def thread_paragraphs(replies: list[Comment]) -> list[str]:
    """A forum thread's replies (and its opening post, where read as they are) as paragraphs of its text,
    each headed by its writer and day as the page heads it ('Jo, 6 March 2024'): run together, a reply's
    words would read as the opening poster's."""
    out: list[str] = []
    for reply in replies:
        day = _heading_day(reply)
        heading = ", ".join(part for part in (reply.author, day) if part)
        if heading:
            out.append(heading)
        out.extend(p for p in reply.text.split("\n\n") if p.strip())
    return out


def _heading_day(reply: Comment) -> str | None:
    if not reply.published:
        return None
    try:
        day = date.fromisoformat(reply.published[:10])
    except ValueError:
        return None
    # a day resolved from '11 months ago' is only as good as its month
    return f"about {day:%B %Y}" if reply.approximate else f"{day.day} {day:%B %Y}"


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


def extract_comments(
    tree: HtmlElement,
    fetched: datetime,
    items: list[HtmlElement] | None = None,
) -> list[Comment]:
    """Reader comments in page order (a reply right after its parent), pingbacks and trackbacks left out.

    ``items``: the page's :func:`comment_items`, when already found (the extraction also prunes the body
    with them); else they are found here."""
    if fetched.tzinfo is None:  # RawPage promises an aware time; a naive one is taken as UTC, not a crash
        fetched = fetched.replace(tzinfo=UTC)
    if items is None:
        items = comment_items(tree, fetched).items
    if not items:
        return _fallback(tree)
    item_set = set(items)
    comments = [_read_item(item, item_set, fetched) for item in items]
    return [c for c in comments if c is not None]


def read_opening(opening: HtmlElement, replies: list[HtmlElement], fetched: datetime) -> Comment | None:
    """A forum thread's opening post marked like its replies (``Found.opening``), read as they are: its
    writer, day and text (None when it holds no text)."""
    return _read_item(opening, {opening, *replies}, fetched)


def _read_item(item: HtmlElement, items: set[HtmlElement], fetched: datetime) -> Comment | None:
    scope = _own_scope(item, items)
    author, author_el = _author(scope)
    published, approximate = _published(scope, fetched)
    if author_el is not None and author_el.getparent() is not None and not author_el.xpath(_BODY_TEST):
        author_el.drop_tree()  # the name is not part of what the reader wrote
    text, byline = _text(scope)
    if not text or _is_pingback(item, text):
        log.debug("comment with no text, or a pingback, skipped (author %s)", author)
        return None
    if byline:  # 'Tobsen · April 19, 2019': the name and day, where this theme puts them
        author = author or _clean_name(byline) or None
        if published is None:
            published, approximate = parse_absolute(byline, fetched), False
    return Comment(
        author=author,
        text=text,
        published=published,
        approximate=approximate,
        depth=_depth(item, items),
    )
