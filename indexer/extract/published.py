"""The publication day as the publisher printed it, and how far the page's own statements agree on it.

A wrong date is worse than none, so every date comes from the page itself, never from a teaser, a related
post or a comment:

* timestamps the page declares: ``article:published_time`` and friends, JSON-LD ``datePublished`` (read
  leniently), ``time[datetime]`` in the article. A timestamp's day is the day in its own offset; a UTC
  timestamp is moved to the source's time zone (``timezone`` in ``corpus/sources.toml``), or for a site the
  registry does not know to its domain's country's (:mod:`indexer.extract.country`). A timestamp with its
  own offset says where the publisher is, so it is preferred to a UTC one of the same moment (within a
  day of it: a stamp of another day is another statement, an update's, whatever its offset);
* the date printed in the article's byline or header, in the languages of the month names table
  (:func:`written_dates`), less days labelled or marked as a change, a poster's registration or a forum's
  last post, and days not shown to the reader;
* the date in the URL, in every common shape (``/2020/04/13/``, ``/20200413/``, ``-2020-04-13-``);
* htmldate over the page less its chrome, teasers and comments, as a last resort;
* failing that, htmldate over the whole page (its extensive search), taken only when the page also prints
  that very day on a short line of its own outside comments, links and related-post rails (a side column
  beside the story, an 'Updated 13 March 2024' line, 'Samstag, 19. Juli 2014'): two statements that agree.
  On WCXB's tune half this (in htmldate's fast mode, as it first was) found 4 right days on pages left
  without one, and no wrong day, where plain htmldate on the whole page found 4 right, 2 wrong and 3 dates
  on pages that have none; the extensive search added more (``confirmed_htmldate``).

A one-day difference between a timestamp and the printed or URL date is a time-zone artefact: the printed
(or URL) day wins, ``confidence = "near"``. A larger difference is ``"disputed"``, and the document says the
page contradicts itself: the printed day is kept (the reader saw it) unless the URL agrees with the
timestamp; a URL alone does not outweigh a timestamp. Otherwise ``"agreed"`` (a second source says the same
day) or ``"single"``. A page that prints only when it was last updated ("Updated 18 November 2025") is
dated that day with ``"updated"``: published on or before it, as the document page says.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, insort
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import htmldate
from dateutil import parser as dateparser
from lxml import etree
from lxml.html import HtmlElement

from indexer.extract import microdata
from indexer.extract.declared import ld_texts, ld_values, meta
from indexer.extract.markup import (
    ASIDE_RE,
    ancestors,
    cls_any,
    in_article_proper,
    in_comments,
    is_post,
)
from indexer.extract.months import MONTH_NAMES, NUMERIC_DATE_RE, WRITTEN_DATE_RES, written_days

log = logging.getLogger(__name__)

EARLIEST = date(1995, 1, 1)  # no archived news page predates the web
# htmldate's fast mode: its extensive search found 5 more right days on the WCXB tune half's pages left
# without a date, but 8 more wrong ones and 31 dates on pages that have none
HTMLDATE_EXTENSIVE = False

# the names htmldate reads that mean the publication, and 'published' (Splunk's blog, seen on WCXB dev); not
# its loose ones ('timestamp', 'gentime': when the page was generated; 'release_date': a product's; Dublin
# Core's 'dcterms.date', any event in the page's life: umweltbundesamt.de's is four days before its day)
_META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "DC.date.issued", "dcterms.issued",
    "dcterms.created", "pubdate", "publishdate", "publish-date", "publish_date", "parsely-pub-date",
    "sailthru.date", "date", "dc.date", "og:published_time", "article:published", "article.published",
    "article:published_date", "article:post_date", "article_date_original", "og:article:published",
    "og:pubdate", "og:publish_date", "og:datepublished", "date_published", "datepublished", "published",
    "published_date", "published-date", "published_time", "publish_time", "publisheddate",
    "publication_date", "citation_publication_date", "citation_date", "dc.date.created",
    "dc.date.publication", "dc.created", "dc:created", "originalpublicationdate",
    "rnews:datepublished", "cxenseparse:recs:publishtime", "shareaholic:article_published_time",
)  # fmt: skip
_META_MODIFIED = ("article:modified_time", "og:updated_time", "DC.date.modified", "dcterms.modified")

# URL dates: /2020/04/13/, /2020-04-13/, /2020/4/3/, -2020-04-13-, /20200413/ or /20200413-slug
_URL_DATE_RES = [
    re.compile(r"(?<![\d])((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?![\d])"),
    re.compile(r"(?<![\d])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d])"),
]
# the year last: /meldungen/29-10-2021, _vom_22.04.2020_, /12-19-2025; read only where one order makes a day
_URL_YEAR_LAST_RE = re.compile(r"(?<![\d])(\d{1,2})([/_.-])(\d{1,2})\2((?:19|20)\d{2})(?![\d])")


@dataclass(frozen=True)
class Stamp:
    """One statement of the publication day."""

    day: date
    kind: str  # meta, json-ld or markup (a time element in the article)
    moment: datetime | None = None  # aware, when the source gave a time and a zone
    utc: bool = False  # the zone given was UTC: the publisher's own zone is unknown


@dataclass(frozen=True)
class Published:
    day: date | None
    source: str | None  # where the day came from (Document.published_from)
    confidence: str | None  # agreed, single, near, disputed, updated (Document.published_confidence)
    updated: date | None = None  # a day the page prints as its last update


Zones = tuple[ZoneInfo, ...]  # where the publisher keeps time: its source's zone, or its country's zones


def zones(names: Iterable[str]) -> Zones:
    found = []
    for name in names:
        try:
            found.append(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("unknown time zone %r: timestamps are read in their own offset", name)
    return tuple(found)


def parse_timestamp(value: str, kind: str, tz: Zones = ()) -> Stamp | None:
    """An ISO-like timestamp or date; the day in its own offset, or, when it is given in UTC, the day in the
    publisher's zones ``tz`` where they all agree on it (a country of several zones: none is the right one
    to guess; the UTC day is kept). A meta tag's day written out ('July 17, 2025') is read as printed."""
    value = str(value).strip()
    if not re.match(r"\d{4}-?\d{2}", value):
        # a meta tag's day written out ('July 17, 2025', '17.07.2025 10:30'): no format is set for one; not
        # JSON-LD's, which schema.org writes in ISO 8601 (a template's 'Jun 24, 2025' there, seen on WCXB
        # dev, is a day the page prints nowhere)
        written = written_dates(value[:40]) if kind == "meta" else []
        if len(written) == 1 and written[0][0] == 0 and len(value) - len(written[0][1]) <= 12:
            return Stamp(written[0][2], kind)
        return None
    parsed: datetime | None = None
    for candidate in (value, value.replace("Z", "+00:00"), value.replace(" ", "T", 1)):
        try:
            parsed = datetime.fromisoformat(candidate)
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            parsed = dateparser.isoparse(value)
        except (ValueError, OverflowError):
            match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
            if not match:
                return None
            try:
                return Stamp(date(int(match[1]), int(match[2]), int(match[3])), kind)
            except ValueError:
                return None
    has_time = bool(re.search(r"\d[T ]\d{1,2}:\d{2}", value))
    if parsed.tzinfo is None or not has_time:
        return Stamp(parsed.date(), kind)
    utc = parsed.utcoffset() == timedelta(0)
    day = parsed.date()
    if utc and tz:
        local = {parsed.astimezone(z).date() for z in tz}
        day = local.pop() if len(local) == 1 else day
    return Stamp(day, kind, parsed, utc)


def _plausible(stamp: Stamp | None, fetched: datetime) -> bool:
    """A real publication date: not before the web and not after the page was fetched."""
    if stamp is None or stamp.day < EARLIEST:
        return False
    if stamp.moment is not None:
        return stamp.moment <= fetched + timedelta(minutes=5)
    return stamp.day <= fetched.date()


def _stamps(values: Iterable[Any], kind: str, tz: Zones, fetched: datetime) -> list[Stamp]:
    out = []
    for value in ld_texts(list(values)):  # a JSON-LD list or value object ({"@value": "2020-05-04"}) too
        stamp = parse_timestamp(value, kind, tz)
        if _plausible(stamp, fetched):
            out.append(stamp)
    return out


def url_date(url: str) -> date | None:
    """The date written in a URL's path, in any common shape; None when there is none (or it is no date)."""
    path = urlsplit(url).path
    for pattern in _URL_DATE_RES:
        for match in pattern.finditer(path):
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
    for match in _URL_YEAR_LAST_RE.finditer(path):
        first, second, year = int(match[1]), int(match[3]), int(match[4])
        days = {_day_or_none(year, second, first), _day_or_none(year, first, second)} - {None}
        if len(days) == 1:  # '02-01-2022' is 2 January in Berlin and 1 February in Boston: neither
            return days.pop()
    return None


def _day_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# An English month name as printed, full or short (the listing and byline readers use it too)
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ISO_STAMP_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?=T\d)")  # '2022-12-07T10:10:52+01:00' as printed
_PRINTED_OTHER_WORDS = 8  # a date line: "By Jo Bloggs | 13 April 2020 | 5 min read"
# Labels of dates that are not when the page was published: a later change, an event, a forum poster's
# registration ('Joined: 4. Jul 2012', 'Member since May 11, 2017', 'Mitglied seit: 12.03.2009' beside each
# post of a thread), or the founding of whatever the poster stands for ('Founded: Dec 11, 2021')
_NOT_PUBLISHED_RE = re.compile(
    r"updated|modified|reviewed|edited|last changed|event|deadline"
    r"|\bjoin(?:ed)?\b|member since|\bregistered\b|\bfounded\b"
    r"|\blast (?:post|reply|activity)|latest (?:post|reply)|letzter beitrag|letzte antwort|dernier message"
    r"|aktualisiert|geändert|mitglied seit|dabei seit|registriert|beigetreten"
    r"|mis à jour|modifié|membre depuis|inscrit|actualizad[oa]|miembro desde|aggiornat[oa]|iscritto"
    r"|bijgewerkt|gewijzigd|lid sinds|atualizad[oa]|membro desde",
    re.IGNORECASE,
)


def numeric_order(text: str) -> str | None:
    """How the page writes numeric dates, where one of them can be read only one way: 'dmy' ('25.12.2022'),
    'mdy' ('11.24.2025', '8/27/2025'); None where none settles it, or the page writes both."""
    orders = set()
    for match in NUMERIC_DATE_RE.finditer(text):
        first, second = int(match["first"]), int(match["second"])
        if first > 12 >= second:
            orders.add("dmy")
        elif second > 12 >= first:
            orders.add("mdy")
    return orders.pop() if len(orders) == 1 else None


def written_dates(text: str, order: str | None = None) -> list[tuple[int, str, date]]:
    """Each day written out in ``text``, in order: where it starts, as written, the day.

    In every language of :mod:`indexer.extract.months` ('13 April 2020', 'April 13, 2020', '25. Dezember
    2022', '5 de enero de 2020', '2020-04-13'). A numeric date that reads both ways is read in the page's
    ``order`` (:func:`numeric_order`: a US page's '11.24.2025' says its '09.10.2024' is 10 September); where
    the page does not settle it, one written with dots is read day first, as most writers of dots do, and
    one with slashes not at all: '07/11/2023' is 7 November in London and 11 July in New York, and a wrong
    day is worse than none.
    """
    found: list[tuple[int, str, date]] = []
    taken: list[tuple[int, int]] = []  # the spans read so far, in order: a later pattern's overlap is skipped
    for pattern in (*WRITTEN_DATE_RES, _ISO_STAMP_RE):
        for match in pattern.finditer(text):
            at = bisect_left(taken, match.span())
            if (at and taken[at - 1][1] > match.start()) or (at < len(taken) and taken[at][0] < match.end()):
                continue
            if pattern is _ISO_STAMP_RE:
                try:
                    days = [date(int(match[1]), int(match[2]), int(match[3]))]
                except ValueError:
                    continue
            else:
                days = written_days(match)
                if len(set(days)) > 1:  # both readings are days: day first, then month first
                    if order is None and match["sep"] == "/":
                        continue
                    days = days[1:] if order == "mdy" else days[:1]
            if days:
                found.append((match.start(), match.group(0), days[0]))
                insort(taken, match.span())
    return sorted(found)


def _label(el: HtmlElement, text: str, start: int, written: str) -> str:
    """The few words written just before a date: 'Updated', 'Posted on', 'By Jo Bloggs |'."""
    own = " ".join(text[max(0, start - 200) : start].split()[-4:])  # a window: a long text has many dates
    if own or el.getparent() is None:
        return own
    around = " ".join(el.getparent().text_content().split())
    at = around.find(" ".join(written.split()))
    return " ".join(around[: max(at, 0)].split()[-4:])


def printed_dates(
    tree: HtmlElement, scope: HtmlElement, fetched: datetime, skip: set[HtmlElement]
) -> tuple[date | None, date | None]:
    """The dates printed with the headline or in the byline: (published, last updated).

    A date labelled 'Updated' is not when the page was published; it is kept apart.

    Read in the article's element, or in the page when the headline stands outside it; the first date line
    after the headline wins, else the nearest one above it. Reading stops where the story begins (its first
    long paragraph): a date in the story ("the letter, dated 14 March") is not when it was published.
    """
    h1 = next((h for h in scope.iter("h1") if in_article_proper(h)), None)
    body = tree.find(".//body")
    region = scope
    if h1 is None and body is not None:
        h1 = next((h for h in body.iter("h1") if in_article_proper(h)), None)
        region = body if h1 is not None else scope
    order = {el: i for i, el in enumerate(region.iter())}
    anchor = order.get(h1, -1) if h1 is not None else -1
    long = [p for p in region.iter("p") if len(p.text_content().split()) >= 30]
    long_paragraphs = [order[p] for p in long]
    story = min((i for i in long_paragraphs if i > anchor), default=len(order))
    above: date | None = None  # the nearest date line above the headline
    after: date | None = None  # the first one below it
    updated: date | None = None
    writes = numeric_order(" ".join(region.itertext()))
    for text in region.xpath(".//text()"):
        if not re.search(r"\d", text):
            continue
        el = text.getparent()
        if el is not None and text.is_tail:
            el = el.getparent()
        if el is None or not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "textarea"):
            continue
        dates = written_dates(text, writes)
        if not dates:
            continue
        position = order.get(el, len(order))
        if position >= story:
            break
        if _in_skipped(el, skip) or not in_article_proper(el):
            continue
        if any(_not_shown(node) for node in (el, el.getparent()) if node is not None):
            continue  # kept for machines, not printed for the reader
        block_words = len(el.text_content().split())
        for start, written, day in dates:
            if block_words - len(written.split()) > _PRINTED_OTHER_WORDS:
                continue  # a sentence that mentions a date, not a date line
            if not (EARLIEST <= day <= fetched.date()):
                continue
            label = _label(el, text, start, written)
            if _UPDATED_LABEL_RE.search(label) or _marked_updated(el, writes):
                updated = updated or day  # 'Updated 9 July 2025': not when it was published
                continue
            if _NOT_PUBLISHED_RE.search(label):
                continue
            if position > anchor:
                after = after or day
            elif not any(position < i < anchor for i in long_paragraphs):
                above = day
    opening = next((p for p in long if order[p] == story), None)
    if after is None and above is None and opening is not None:
        if in_article_proper(opening) and not _in_skipped(opening, skip):
            return _dateline(opening, writes, fetched), updated
    return after or above, updated


def _in_skipped(el: HtmlElement, skip: set[HtmlElement]) -> bool:
    """``el`` is, or stands in, a block whose dates are someone else's (a teaser, a comment, an answer)."""
    return el in skip or any(a in skip for a in el.iterancestors())


# A dateline's place ('Berlin, ', 'LONDON, '), then the date, then a dash, colon, slash or quote
_DATELINE_PLACE_RE = re.compile(r"(?:[^\W\d_][\w.'’/-]*(?:\s+[^\W\d_][\w.'’/-]*){0,2},\s*)?")
_DATELINE_AFTER_RE = re.compile(r"\s*(?:[-–—:|/„“\"«(]|$)")


def _dateline(paragraph: HtmlElement, writes: str | None, fetched: datetime) -> date | None:
    """The date that opens the story's first paragraph, as press releases and wire copy print it
    ('01.02.2022 „Der Arbeitsmarkt…', 'Berlin, 12. März 2022 – Die…', 'LONDON, March 5, 2023 /PRNewswire/
    --'): the page's day where no line of its own gives one. Only a date standing first, after at most a
    place and its comma, and followed by a dash, a colon, a slash or a quote: 'On 12 March 2020 the
    minister…' is a sentence about a day."""
    text = " ".join(paragraph.text_content().split())[:100]
    dates = written_dates(text, writes)
    if not dates:
        return None
    start, written, day = dates[0]
    place, rest = text[:start], text[start + len(written) :]
    if not _DATELINE_PLACE_RE.fullmatch(place) or _NOT_PUBLISHED_RE.search(place):
        return None
    if not _DATELINE_AFTER_RE.match(rest):
        return None
    return day if EARLIEST <= day <= fetched.date() else None


_DATEISH_RE = re.compile(r"date|time|meta|posted|published|byline|updated|info", re.IGNORECASE)
_UPDATED_LINE_RE = re.compile(r"\W*(?:last\s+)?(?:updated|modified|reviewed|edited)\b", re.IGNORECASE)
_UPDATED_LABEL_RE = re.compile(
    r"\b(?:updated|modified|reviewed|edited|aktualisiert|geändert|mis à jour|modifié|actualizad[oa]"
    r"|aggiornat[oa]|bijgewerkt|gewijzigd|atualizad[oa])\b",
    re.IGNORECASE,
)


def _not_shown(el: HtmlElement) -> bool:
    """Hidden from the reader by the page itself (``hidden``, an inline ``display: none``); a stylesheet's
    rules are not read, and a class that hides on one screen size only is no evidence."""
    return el.get("hidden") is not None or "display:none" in (el.get("style") or "").replace(" ", "").lower()


def _marked_updated(el: HtmlElement, writes: str | None) -> bool:
    """The element is marked as the day of the last change (hAtom's ``updated``, schema.org's
    ``dateModified``, not also ``published``) and another day stands beside it: the publication's. A
    WordPress theme prints '<span class="updated rich-snippet-hidden">' with the day of the last change
    before the day shown; where a theme marks its only day 'updated' (hAtom asks for one), that day is the
    publication's."""
    marks = f"{el.get('class') or ''} {el.get('itemprop') or ''}"
    if not _UPDATED_MARK_RE.search(marks) or _PUBLISHED_MARK_RE.search(marks) or el.getparent() is None:
        return False
    return len(written_dates(" ".join(el.getparent().itertext()), writes)) > 1


_UPDATED_MARK_RE = re.compile(r"\b(?:updated|modified|datemodified)\b", re.IGNORECASE)
_PUBLISHED_MARK_RE = re.compile(r"\b(?:published|datepublished)\b", re.IGNORECASE)


def _dateish(el: HtmlElement) -> bool:
    """The element, or something inside it, is marked up as a date or post metadata."""
    for node in el.iter():
        if isinstance(node.tag, str) and (
            node.tag in ("time", "abbr")
            or _DATEISH_RE.search(f"{node.get('class') or ''} {node.get('id') or ''}")
        ):
            return True
    return False


def _htmldate_probe(tree: HtmlElement) -> HtmlElement:
    """What htmldate may read: the page less its body text, images and URL hints.

    Left alone, htmldate's fast mode also takes a date written in the article's text ("the letter, dated
    14/11/2016"), or a year and month from an image path (/uploads/2022/03/), and returns them as the
    publication date. Those are guesses; a journalist needs the date the page declares.
    """
    probe = deepcopy(tree)
    for el in probe.xpath(
        "//link[@rel='canonical'] | //meta[@property='og:url'] | //img | //picture | //source | //svg"
        " | //video | //audio | //object | //embed"
    ):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(
        probe.iter("p", "blockquote", "li", "pre", "table", "figure", "h2", "h3", "h4", "h5", "h6")
    ):
        if el.getparent() is not None and not _dateish(el):
            el.drop_tree()
    for el in list(probe.iter()):  # 'Updated: 10 December 2023' is not when the page was published
        if (
            isinstance(el.tag, str)
            and el.getparent() is not None
            and _UPDATED_LINE_RE.match(el.text_content() or "")
            and len((el.text_content() or "").split()) <= 12
        ):
            el.drop_tree()
    return probe


def _states_day(text: str, day: date) -> bool:
    """The text writes out this exact day, not only its month ('1 March 2022', '2022-03-01')."""
    month = day.strftime("%b").lower()
    patterns = [
        rf"\b0?1(?:st)?\s+(?:of\s+)?{month}[a-z]*\.?,?\s+{day.year}",
        rf"\b{month}[a-z]*\.?\s+0?1(?:st)?,?\s+{day.year}",
        rf"{day.year}[-/.]0?{day.month}[-/.]0?1\b",
        rf"\b0?1[-/.]0?{day.month}[-/.]{day.year}",
    ]
    return any(re.search(p, text, re.IGNORECASE) for p in patterns)


def _htmldate(tree: HtmlElement, fetched: datetime, extensive: bool) -> date | None:
    """htmldate's publication day for ``tree``, between the earliest plausible day and the fetch."""
    try:
        found = htmldate.find_date(
            tree,
            extensive_search=extensive,
            original_date=True,
            min_date=EARLIEST.isoformat(),
            max_date=fetched.date().isoformat(),
        )
    except Exception as exc:  # htmldate is a heuristic: a failure there must not lose the article
        log.warning("htmldate failed: %s", exc)
        return None
    return _iso_day(found)


def htmldate_day(tree: HtmlElement, fetched: datetime) -> date | None:
    """htmldate's reading of the page (already less its chrome, teasers and comments), as a last resort."""
    probe = _htmldate_probe(tree)
    day = _htmldate(probe, fetched, extensive=HTMLDATE_EXTENSIVE)
    if day is None:
        return None
    if day.day == 1 and not _states_day(etree.tostring(probe, encoding="unicode", method="html"), day):
        log.debug("htmldate returned %s but the page only gives the month: not a publication date", day)
        return None
    return day


def _iso_day(found: str | None) -> date | None:
    try:
        return date.fromisoformat(found) if found else None
    except ValueError:
        return None


def _day_patterns(day: date) -> re.Pattern[str]:
    """This exact day written out as pages print it: '25 Sept 2025', 'September 25, 2025', '25. September
    2025', '25 septembre 2025', '25 de septiembre de 2025', '2025-09-25', '2025-09-25T08:10+02:00',
    '25/09/2025', '09/25/2025'."""
    d, m, y = day.day, day.month, day.year
    month = "(?:" + "|".join(sorted(map(re.escape, MONTH_NAMES[m]), key=len, reverse=True)) + ")"
    return re.compile(
        rf"\b0?{d}(?:st|nd|rd|th|\.)?\s*(?:of\s+|de\s+)?{month}\.?,?\s+(?:de\s+)?{y}\b"
        rf"|\b{month}\.?\s+0?{d}(?:st|nd|rd|th)?,?\s+{y}\b"
        rf"|\b{y}[-/.]0?{m}[-/.]0?{d}(?:\b|(?=T\d))|\b0?{d}[-/.]0?{m}[-/.]{y}\b|\b0?{m}[-/.]0?{d}[-/.]{y}\b",
        re.IGNORECASE,
    )


def _date_line(tree: HtmlElement, day: date, skip: set[HtmlElement]) -> str | None:
    """A short line the reader sees on the page that writes out this day ('Updated March 13, 2024'),
    outside teasers; None when the day stands nowhere, or only inside sentences of the text."""
    pattern = _day_patterns(day)
    for text in tree.xpath("//body//text()"):
        if not pattern.search(text):
            continue
        el = text.getparent()
        if el is not None and text.is_tail:
            el = el.getparent()
        if el is None or not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "textarea"):
            continue
        if _in_skipped(el, skip) or _someone_elses(el):
            continue
        line = " ".join(" ".join(el.itertext()).split())
        written = pattern.search(line)
        if written and len(line.split()) - len(written.group().split()) <= _PRINTED_OTHER_WORDS:
            return line  # a date line ('By Jo Bloggs | 13 April 2020'), not a sentence that mentions a day
    return None


def _someone_elses(el: HtmlElement) -> bool:
    """In a comment, a link, navigation, the site's footer or a related / recent / popular rail: a date
    there belongs to another page or another writer. A plain side column beside the story does not."""
    for node in (el, *ancestors(el)):  # below <body>: its theme classes ('has-sidebar') say nothing
        if node.tag in ("a", "nav") or in_comments(node) or "comment" in (node.get("class") or "").split():
            return True
        if node.tag == "footer" and not any(is_post(a) for a in node.iterancestors()):
            return True
        if ASIDE_RE.search(f"{node.get('id') or ''} {node.get('class') or ''}"):
            return True
    return False


def confirmed_htmldate(tree: HtmlElement, fetched: datetime, skip: set[HtmlElement]) -> Published | None:
    """htmldate's extensive reading of the whole page, taken only when the page also prints that day on a
    line of its own (month names in the languages of :mod:`indexer.extract.months`): two statements that
    agree, neither a guess from an image path nor a date in a sentence. The extensive search reads days
    written out in free text that the fast mode passes over ('Samstag, 19. Juli 2014'); the line check keeps
    its misreadings out (on htmldate's own 1,000 evaluation pages, 11 more right days for 1 more wrong one
    than the fast mode; on WCXB dev 4 more right, none wrong).

    The probe (``htmldate_day``) reads the page less its chrome, which is safer but finds nothing where the
    only date stands in a side column or on an 'Updated' line; this is the last resort for those pages.
    """
    day = _htmldate(tree, fetched, extensive=True)
    line = _date_line(tree, day, skip) if day else None
    if day is None or line is None:
        return None
    return Published(day, "htmldate", "updated" if _UPDATED_LABEL_RE.search(line) else "single")


def _declared(
    tree: HtmlElement,
    scope: HtmlElement,
    ld: list[dict[str, Any]],
    tz: Zones,
    fetched: datetime,
    skip: set[HtmlElement],
    main: HtmlElement | None = None,
) -> list[Stamp]:
    """The page's own timestamps, in order of authority: meta tags, JSON-LD, the day of the page's main
    microdata item (``main``: a question's, not its answers'), then the article's markup."""
    stamps = _stamps(meta(tree, *_META_PUBLISHED), "meta", tz, fetched)
    stamps += _stamps(ld_values(ld, "datePublished", only_articles=True), "json-ld", tz, fetched)
    stamps += _stamps(ld_values(ld, "datePublished"), "json-ld", tz, fetched)
    if main is not None:
        stamps += _stamps(microdata.own_values(main, "datePublished", "dateCreated"), "markup", tz, fetched)
    times = scope.xpath(
        f"descendant-or-self::time[@datetime][{cls_any(['published', 'entry-date', 'post-date'])}"
        " or @itemprop='datePublished' or @pubdate]"
        " | descendant-or-self::*[@itemprop='datePublished'][@datetime or @content]"
    )
    times += scope.xpath("descendant-or-self::time[@datetime]")
    times = [
        t
        for t in times
        if in_article_proper(t)
        and not _in_skipped(t, skip)
        and not _NOT_PUBLISHED_RE.search(f"{t.get('class') or ''} {t.get('itemprop') or ''}")
    ]
    stamps += _stamps((t.get("datetime") or t.get("content") or "" for t in times), "markup", tz, fetched)
    return stamps


def _settle(primary: Stamp, stamps: list[Stamp], printed: date | None, from_url: date | None) -> Published:
    """The page's timestamp against what it prints and what its URL says.

    Meta tags and JSON-LD written by the same plugin are one statement, not two: only a visible source
    (the printed date, a time element in the article, the URL) confirms a timestamp.
    """
    day = primary.day
    if printed is not None and printed != day:
        if abs((printed - day).days) == 1:
            return Published(printed, "printed", "near")  # a time-zone artefact: the reader saw this day
        if from_url == day:
            return Published(day, "metadata", "disputed")
        return Published(printed, "printed", "disputed")  # the page shows another day than it declares
    if printed == day:
        return Published(day, "metadata", "agreed")
    if from_url is not None and from_url != day:
        if abs((from_url - day).days) == 1:
            return Published(from_url, "url", "near")
        return Published(day, "metadata", "disputed")
    if from_url == day:
        return Published(day, "metadata", "agreed")
    visible = {s.day for s in stamps if s.kind == "markup"}
    hidden = {s.day for s in stamps if s.kind != "markup"}
    if visible and hidden and day in visible & hidden:
        return Published(day, "metadata", "agreed")
    if any(abs((s.day - day).days) > 1 for s in stamps):
        return Published(day, "metadata", "disputed")
    return Published(day, "metadata", "single")


def find_published(
    tree: HtmlElement,
    stripped: HtmlElement,
    scope: HtmlElement,
    ld: list[dict[str, Any]],
    url: str,
    fetched: datetime,
    timezones: Iterable[str] = (),
    skip: Iterable[HtmlElement] = (),
    main: HtmlElement | None = None,
) -> Published:
    """The publication day, where it came from and how far the page agrees on it.

    ``tree`` is the page as parsed, ``stripped`` the same page less chrome, teasers and comments (for
    htmldate), ``scope`` the article's element, ``skip`` blocks whose dates are someone else's (teasers,
    comments, answers), ``main`` the page's main microdata item (:func:`microdata.main_item`),
    ``timezones`` where the publisher keeps time (its source's zone, or its country's).
    """
    tz = zones(timezones)
    skipped = set(skip)
    stamps = _declared(tree, scope, ld, tz, fetched, skipped, main)
    from_url = url_date(url)
    if from_url and not (EARLIEST <= from_url <= fetched.date()):
        from_url = None
    printed, updated_printed = printed_dates(tree, scope, fetched, skipped)
    found = _choose(stripped, stamps, printed, from_url, updated_printed, fetched)
    if found.day is None:
        found = confirmed_htmldate(tree, fetched, skipped) or found
    return Published(found.day, found.source, found.confidence, updated_printed)


def thread_day(found: Published, opening: str, timezones: Iterable[str], fetched: datetime) -> Published:
    """A forum thread's day: its opening post's (``opening``, the post's timestamp as its replies' are read),
    over the page's other statements, which date the thread's last activity as readily as its start
    (VerticalScope's forums print the latest reply's time above the opening post). Where the page puts
    the day one day away, the page's day stands when the post's timestamp is in UTC, as for an article
    ('near': the reader saw that day; a UTC timestamp does not say the poster's zone); a timestamp with its
    own offset says the forum's day, and XenForo prints its posts' days for a guest in UTC ('Jan 15' over
    '2024-01-14T21:50:50-0500'), so the post's day is taken ('near' too). More than one day away, the
    post's day is taken and said disputed."""
    stamp = parse_timestamp(opening, "post", zones(timezones))
    if stamp is None or not _plausible(stamp, fetched):
        return found
    if found.day == stamp.day:
        return Published(found.day, found.source, "agreed", found.updated)
    if found.day is not None and abs((found.day - stamp.day).days) == 1:
        if stamp.moment is not None and not stamp.utc:
            return Published(stamp.day, "post", "near", found.updated)
        return Published(found.day, found.source, "near", found.updated)
    return Published(stamp.day, "post", "single" if found.day is None else "disputed", found.updated)


def _choose(
    stripped: HtmlElement,
    stamps: list[Stamp],
    printed: date | None,
    from_url: date | None,
    updated_printed: date | None,
    fetched: datetime,
) -> Published:
    """The day, from the most telling statements first (see the module's docstring)."""
    # a timestamp with its own offset says where the publisher is; a UTC one does not (of the same moment:
    # one of another day is another statement, such as an 'Updated' <time>, whatever its offset)
    if stamps:
        first = stamps[0]
        same_moment = [s for s in stamps if abs((s.day - first.day).days) <= 1]
        own_offset = [s for s in same_moment if s.moment is not None and not s.utc]
        return _settle(own_offset[0] if own_offset else first, stamps, printed, from_url)
    if printed and from_url:
        if printed == from_url:
            return Published(printed, "printed", "agreed")
        gap = abs((printed - from_url).days)
        return Published(printed, "printed", "near" if gap == 1 else "disputed")
    if printed or from_url:
        day, kind = (printed, "printed") if printed else (from_url, "url")
        return Published(day, kind, "single")
    found = htmldate_day(stripped, fetched)
    if found:
        return Published(found, "htmldate", "single")
    if updated_printed:
        # the page prints only when it was last updated: published on or before that day, and said so
        return Published(updated_printed, "printed", "updated")
    return Published(None, None, None)


def find_updated(
    tree: HtmlElement,
    scope: HtmlElement,
    ld: list[dict[str, Any]],
    fetched: datetime,
    timezones: Iterable[str] = (),
) -> date | None:
    """The last-updated day the page declares, if any."""
    tz = zones(timezones)
    values = meta(tree, *_META_MODIFIED) + ld_texts(ld_values(ld, "dateModified"))
    values += [
        t.get("datetime") or t.get("content") or ""
        for t in scope.xpath(
            f"descendant-or-self::time[@datetime][{cls_any(['updated'])} or @itemprop='dateModified']"
            " | descendant-or-self::*[@itemprop='dateModified'][@datetime or @content]"
        )
        if in_article_proper(t)
    ]
    stamps = _stamps(values, "metadata", tz, fetched)
    return stamps[0].day if stamps else None
