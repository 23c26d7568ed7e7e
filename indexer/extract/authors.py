"""Authors as person names: JSON-LD, <meta name=author>, the article's byline, then trafilatura's reading.

A byline is cleaned down to names: "By John Pring Disability News Service 4th May 2017" gives "John Pring".
Outlets, bodies ("Work and Pensions Committee"), teams ("Camphouse Team"), roles ("Editor"), the site's
own login and its address ("tagesschau.de", or "Tagesschau De" as trafilatura writes it) are not people and
are dropped; a personal blog's title that is its author's name is kept. A job title or a degree written
after a name is cut off ("Matt Check Head Winemaker", "Angela Holliday-Bell, MD"), and so is whoever last
updated the page ("Updated by ...").

When nothing on the article says who wrote it, trafilatura's author for the whole, untouched page is the
last resort (``page_authors``), cleaned the same way: on WCXB's tune half it found 8 right authors on pages
left without one (a byline in a side column, cut with the furniture before the article is read).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml.html import HtmlElement

from indexer.extract import microdata
from indexer.extract.country import country_names
from indexer.extract.declared import ld_texts, ld_values, meta
from indexer.extract.markup import cls, cls_any, in_article_proper, norm, words_between
from indexer.extract.months import MONTH_ALTERNATION
from indexer.extract.published import MONTH

_AUTHOR_PREFIX_RE = re.compile(
    r"^\s*(?:(?:posted|written|words|report|reported|story|article|published)\s+by|by|authors?"
    r"|posted\s+on\s+.+?\s+by"
    r"|interview|text"  # a magazine's credit labels ('Interview: Julia Lauter', 'Text: Harald Willenbrock')
    # the same words in the other languages of the web around the archive ('Von Vanessa Franke', 'Auteur
    # Anna Kubišta'); never 'de', 'di' or 'da', which begin surnames
    r"|(?:(?:verfasst|geschrieben)\s+)?von|autor(?:in|e)?|auteur|(?:écrit\s+)?par|(?:escrito\s+)?por|door"
    r"|scritto\s+da)\s*:?(?:\s+|$)",  # a label alone ('Written By') leaves nothing
    re.IGNORECASE,
)
# A comment form's field labels, which a reading of the whole page can take for a byline ('Name'), and what
# a page's script template prints where it had no author ('undefined')
_FORM_LABELS = {
    "name",
    "email",
    "e-mail",
    "website",
    "webseite",
    "url",
    "comment",
    "kommentar",
    "undefined",
    "null",
    # what a theme prints beside or instead of a byline: a social button, wire copy, a date's label
    "follow",
    "agencies",
    "datum",
    # the account buttons a header prints ('Sign In'), taken for a byline by a reading of the whole page
    "sign in",
    "sign up",
    "log in",
    "log out",
    "login",
    "logout",
    "register",
    "subscribe",
}
# A day written out in a byline in another language, year or not ('Fr, 18. Oktober 2019', '07 Dezember')
_DATE_IN_TEXT_RE = re.compile(
    r"\b(?:on\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th|\.)?\s+(?:of\s+)?{MONTH},?\s+\d{{4}}|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})\b.*$"
    rf"|\s+{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?$"  # a day without its year, ending the line ('February 8')
    rf"|,?\s+(?:(?:mo|di|mi|do|fr|sa|so|lun|mar|mer|jeu|ven|sam|dim)\.?,?\s+)?\d{{1,2}}\.?\s+(?:{MONTH_ALTERNATION})\b\.?.*$",
    re.IGNORECASE,
)
# A day run into the name before it, where the page set them in elements side by side ('Yucy3/4/2025')
_GLUED_DATE_RE = re.compile(r"(?<=[^\W\d_])(?=\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b)")
# Where the name ends in a byline: a separator, a bracket, 'posted', 'published', '(Last) Updated', 'Reviewed
# by' (a reviewer or an editor is not the writer)
_BYLINE_END_RE = re.compile(
    r"\s+(?:\||–|—|-|on|at|in)\s+|\s*[(•·⋅»]|\s*(?i:\bposted\b|\bpublished\b|(?:\blast\s+)?\bupdated\b"
    r"|(?:medically\s+)?(?:reviewed|fact[- ]checked|edited)\s+by\b)"
)
_ORG_WORDS = {
    "news", "service", "services", "network", "action", "campaign", "group", "media", "online", "press",
    "agency", "times", "post", "weekly", "daily", "magazine", "blog", "team", "staff", "editor", "reporter",
    "correspondent", "journalist", "iww", "union", "uk", "ltd",
}  # fmt: skip
# A web address ('jungefreiheit.de', 'MesOpinions.com'): the site, not a person. Top-level domains of two
# letters (countries) and the common generic ones; 'St.John' is no address
_ADDRESS_RE = re.compile(r"^(?:[\w-]+\.)+(?:[a-z]{2}|com|org|net|info|edu|gov|blog|news|online)$", re.I)
_ROLE_RE = re.compile(
    r"\b(?:editor|reporter|correspondent|journalist|staff|contributor|admin(?:istrator)?|team|desk|editorial"
    # a forum's ranks ('Titan Moderator', 'Member Joined'); 'author', the field's own name: a label, or a
    # template's key left unfilled ('page.head.extra.author')
    r"|newsroom|webmaster|moderator|member|author)\b",
    re.I,
)
# A social media handle written after the name ('Williams Perdomo @wperdomod'): an address, not a name
_HANDLE_RE = re.compile(r"(?<=\w)\s+@[\w.]+")
# A job title glued after a name ('Matt Check Head Winemaker', 'Jo Bloggs Trending Editor'): the name is
# what stands before its first word. Said of a whole piece ('Senior Editor'), it is no name at all.
_TITLE_WORDS = {
    "editor", "reporter", "correspondent", "journalist", "contributor", "writer", "reviewer", "founder",
    "co-founder", "cofounder", "ceo", "cto", "cfo", "coo", "director", "manager", "president", "head",
    "chief", "senior", "lead", "trending", "executive", "managing", "deputy", "associate", "assistant",
    "contributing", "attorney", "consultant", "certified", "coordinator", "specialist", "strategist",
    "analyst", "former", "freelance",
}  # fmt: skip
# A beat written between a name and its job title ('Harry Rabinowitz Tech Reporter', 'Meghan Neville Content
# Marketing Coordinator'): cut with the title, never the name's own first two words
_BEAT_WORDS = {
    "tech", "technology", "health", "politics", "political", "science", "business", "sport", "sports",
    "culture", "entertainment", "travel", "food", "fashion", "style", "money", "finance", "financial",
    "economics", "education", "environment", "climate", "crime", "legal", "social", "affairs", "digital",
    "data", "features", "news", "investigations", "marketing", "content", "community", "development",
    "security", "policy", "product", "communications", "media", "research", "medical", "gaming",
}  # fmt: skip
# Degrees and post-nominals written after a name ('Angela Holliday-Bell, MD'): not names
_POSTNOMINALS = {
    "md", "phd", "rn", "rd", "do", "mba", "mph", "msc", "bsc", "ma", "ms", "mfa", "cpa", "dvm", "jd", "esq",
    "lcsw", "np", "facs", "cfp", "pharmd", "dds", "ba", "bs", "bsn",
}  # fmt: skip
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
}  # fmt: skip
# What a theme prints where its byline has a date: a month or a weekday, short or in full, alone ('Dec',
# 'Sat'); never 'Jan', a first name
_CALENDAR_WORDS = _MONTHS | {
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed",
    "thu", "thur", "thurs", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "today", "yesterday",
    # German weekdays, short and in full ('Fr, 18. Oktober 2019' leaves 'Fr' once its date is cut)
    "mo", "di", "mi", "do", "fr", "sa", "so", "montag", "dienstag", "mittwoch", "donnerstag", "freitag",
    "samstag", "sonntag",
}  # fmt: skip
_PARTICLES = {
    "de",
    "da",
    "del",
    "della",
    "di",
    "du",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
    "bin",
    "al",
    "y",
}


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


# A company's legal form ending its name ('Wegewerk GmbH', 'NATURSTROM AG', 'SmartEtailing Inc'): the web
# agency, shop or publisher a page's meta tag names, not a person. Not 'Co', a surname ('Emily Co').
_LEGAL_FORMS = {
    "gmbh", "ag", "kg", "gbr", "ohg", "inc", "llc", "llp", "plc", "ltd", "limited", "corp", "corporation",
    "pty", "srl", "sarl", "bv",
}  # fmt: skip

# A body named by its kind first ('Department for Work and Pensions', 'Ministry of Justice', 'Center for Drug
# Evaluation and Research'): split at its 'and', it read as the name 'Pensions'
_BODY_FIRST_RE = re.compile(
    r"^(?:the\s+)?(?i:" + "|".join(sorted(_BODY_END_WORDS)) + r")s?\s+(?:for|of|on)\s+(?:the\s+)?[A-Z]"
)


def _is_organisation(text: str) -> bool:
    """'Work and Pensions Committee', 'Disability News Service', 'Wegewerk GmbH': a body, an outlet or a
    company, not a person."""
    tokens = text.split()
    if tokens and tokens[-1].lower().strip(".") in _LEGAL_FORMS:
        return True  # whatever its other words ('Süddeutsche de GmbH', as trafilatura writes the address)
    if len(tokens) < 2 or not all(
        t[:1].isupper() or t.lower() in ("and", "of", "for", "the", "on", "&") for t in tokens
    ):
        return False
    last = tokens[-1].lower().strip(".")
    return last in _BODY_END_WORDS or last in _OUTLET_END_WORDS


def _person(piece: str, first: bool) -> str | None:
    """One piece of a byline as a person's name, less a job title, degree or date glued on; None if it is
    no name (a role, a team, an outlet, a web address, a phrase).

    A job title is cut off the byline's first piece only ('Matt Check Head Winemaker'): further on, a piece
    with a title in it is the title of the name before it ('May Bulman, Social Affairs Correspondent').
    """
    tokens = piece.strip(" .:|-–—").split()
    if (
        len(tokens) > 2
        and re.fullmatch(r"[A-Z]{2,3}", tokens[0])
        and tokens[0] == "".join(t[:1] for t in tokens[1 : 1 + len(tokens[0])])
    ):
        tokens = tokens[1:]  # an avatar's initials printed before the name ('CM Craig McCarthy')
    cut = next((i for i, t in enumerate(tokens) if t.lower().strip(".,") in _TITLE_WORDS), len(tokens))
    if cut < len(tokens) and (cut < 2 or not first):
        return None  # a job title, no name
    titled = cut < len(tokens)
    tokens = tokens[:cut]  # a name, then its job title
    while titled and len(tokens) > 2 and tokens[-1].lower() in _BEAT_WORDS:
        tokens.pop()  # the title's beat ('Tech Reporter')
    while len(tokens) > 2 and tokens[-1].lower().strip(".,") in _POSTNOMINALS | _MONTHS:
        tokens.pop()  # 'Cara Dumaplin RN', 'Jordana Cepelewicz December'
    piece = " ".join(tokens)
    lowered = [t.lower().strip(".,") for t in tokens]
    if (
        not piece
        or _ROLE_RE.search(piece)
        or piece.lower() in ("admin", "guest", "anonymous", "unknown")
        or piece.lower().replace(".", "") in _POSTNOMINALS
        or any(t in ("www", "com", "http", "https") or _ADDRESS_RE.match(t) for t in lowered)  # an address
        # a date: 'On December 9', 'August' alone ('May Bulman' is a name)
        or lowered[0] == "on"
        or lowered[0] in ("the", "no")  # 'The Author', 'No Author', 'The Editors': a placeholder or a group
        or (lowered[0] in _MONTHS and (len(tokens) == 1 or any(ch.isdigit() for ch in piece)))
        or all(t in _CALENDAR_WORDS for t in lowered)  # 'Dec', 'Sun Dec': a date's words, no name
        # a phrase ('Extension horticulture educators'): a name's words are capitalised, but for particles
        or (len(tokens) > 1 and any(t[:1].islower() and t not in _PARTICLES for t in tokens))
    ):
        return None
    if len(tokens) > 3:
        # an outlet name glued on: cut at the earliest capitalised run that ends in an outlet word
        for i in range(2, len(tokens)):
            tail = tokens[i:]
            if all(t[:1].isupper() for t in tail) and tail[-1].lower().strip(".") in _ORG_WORDS:
                tokens = tokens[:i]
                break
    if len(tokens) > 5 or not any(ch.isalpha() for ch in piece) or _is_organisation(" ".join(tokens)):
        return None
    return " ".join(tokens)


def _is_address(parts: list[str]) -> bool:
    """Who, then where ('Jo Bloggs, Manchester, UK'), as a page's meta author gives its publisher's imprint
    ('hessenschau.de, Frankfurt, Germany', 'GIROMATCH, Frankfurt a. M., Germany'): the parts of a byline
    that end in a country. The city and the country are no one, and a one-word 'who' is the publisher."""
    return len(parts) > 1 and parts[-1].lower().strip(" .") in country_names()


def _who(parts: list[str]) -> list[str]:
    """A byline trafilatura split at its separators, less an address's place (``_is_address``)."""
    if not _is_address(parts):
        return parts
    return parts[:1] if " " in parts[0].strip() else []


def _names(text: str) -> list[str]:
    """Split a cleaned byline into person names, dropping roles and outlet names glued on."""
    if _BODY_NAME_RE.match(text) and _is_organisation(text):
        return []  # 'Work and Pensions Committee' is one body, not 'Work' and 'Pensions Committee'
    parts = re.split(r"\s*[,;]\s*", text)
    if _is_address(parts):
        return [name for name in _names(parts[0]) if " " in name]
    # 'Department for Work and Pensions' is one body too, not 'Department for Work' and 'Pensions'
    text = ", ".join(part for part in parts if not _BODY_FIRST_RE.match(part))
    pieces = (
        _person(piece, i == 0) for i, piece in enumerate(re.split(r"\s*,\s*|\s+and\s+|\s*&\s*|\s*;\s*", text))
    )
    names = [name for name in pieces if name]
    if any(" " in name for name in names):
        # one word beside a full name is a beat or a section ('Zackery Cuevas, Writer, Hardware')
        names = [name for name in names if " " in name]
    return names


# 'Roy, Aniruddha', 'Berger, Emery D.', 'van der Merwe, Marna': a surname (with its particles), a comma,
# then given names or initials
_INVERTED_RE = re.compile(
    r"\s*((?:(?:van|von|der|den|de|del|della|di|da|du|la|le|ter|ten)\s+)*[A-Z][\w'’-]+),"
    r"\s*([A-Z][\w'’-]*\.?(?:\s+[A-Z][\w'’-]*\.?){0,2})\s*"
)


def _uninverted(name: str) -> str:
    """A name as a library catalogues it, surname first, as it is printed: 'Roy, Aniruddha' -> 'Aniruddha
    Roy'. Scholarly pages (Highwire Press's ``citation_author``, read by Google Scholar: journals, arXiv,
    repositories) and Dublin Core's ``DC.creator`` give one author a tag, written so; split at its comma,
    each was two 'authors' ('Roy' and 'Aniruddha'). A name written in order is left as it is."""
    match = _INVERTED_RE.fullmatch(name)
    return f"{match[2]} {match[1]}" if match else name


def clean_author(raw: str, site_names: list[str], host: str = "") -> list[str]:
    """'By John Pring Disability News Service 4th May 2017' -> ['John Pring']; ``host`` is the page's."""
    text = _HANDLE_RE.sub("", " ".join(raw.replace("\xa0", " ").split()))
    if not text or re.match(r"^https?://|^www\.", text) or len(text) > 200:
        return []
    text = _AUTHOR_PREFIX_RE.sub("", text)
    text = _GLUED_DATE_RE.sub(" ", text)
    text = _DATE_IN_TEXT_RE.sub("", text).strip()
    text = _BYLINE_END_RE.split(text, maxsplit=1)[0]
    if text.lower().strip(" :*") in _FORM_LABELS:
        return []
    site_keys = _site_keys(site_names)
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
    # the site's address, as trafilatura writes it ('Tagesschau De' for tagesschau.de), is no person either
    address = norm(re.sub(r"^www\.", "", host))
    return [name for name in names if not address or norm(name) != address]


def read_authors(
    tree: HtmlElement,
    scope: HtmlElement,
    ld: list[dict[str, Any]],
    site_names: list[str],
    traf_author: str | None,
    host: str = "",
    comments: Iterable[HtmlElement] = (),
    main: HtmlElement | None = None,
) -> list[str]:
    """Authors from JSON-LD, <meta name=author>, the page's main microdata item (``main``), the article's
    byline, then trafilatura's reading: the first of them that names anyone, cleaned.

    ``comments``: the page's reader comments (``comments.comment_items``) and the answers marked as such. A
    name marked as an author inside one is a commenter's: a forum thread marks every reply's writer
    ``itemprop=author`` (Discourse), and the thread's author is the opening post's alone.

    A source naming only the site itself (JSON-LD's author ', USA TODAY' over the printed byline 'Brian
    Truitt') gives way to a later one naming a person; it stands only where none does (a personal blog's
    title that is its author's name)."""
    outlet: list[str] = []
    names: list[str] = []
    for raw in _declared_authors(tree, scope, ld, traf_author, set(comments), main):
        if not raw:
            continue
        names = [name for value in raw for name in clean_author(value, site_names, host)]
        if not names or not all(_is_site(name, site_names) for name in names):
            break
        outlet = outlet or names
    else:
        names = outlet
    if any(" " in name for name in names):
        # one word beside a full name is a beat or a section marked as an author too ('Hardware')
        names = [name for name in names if " " in name]
    seen: set[str] = set()
    unique = []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            unique.append(name)
    return unique


_BYLINE_CLASSES = ["byline", "by-line", "entry-author", "author-name", "posted-by"]


def _declared_authors(
    tree: HtmlElement,
    scope: HtmlElement,
    ld: list[dict[str, Any]],
    traf_author: str | None,
    apart: set[HtmlElement],
    main: HtmlElement | None,
) -> Iterator[list[str]]:
    """Each source's author values as written, in the order they are trusted."""
    raw: list[str] = []
    for value in ld_values(ld, "author", only_articles=True):
        for person in value if isinstance(value, list) else [value]:
            if isinstance(person, dict) and person.get("name"):
                if "Organization" not in str(person.get("@type", "")):
                    raw.extend(ld_texts(person["name"]))  # '"name": ["Jo Bloggs"]' is one name
            elif isinstance(person, str):
                raw.append(person)
        if raw:
            yield raw
            break
    raw = [
        *meta(tree, "author", "article:author"),
        *map(_uninverted, meta(tree, "dc.creator", "citation_author")),  # one author a tag, surname first
        *meta(tree, "parsely-author", "sailthru.author"),
    ]
    if raw:
        yield raw
    marked = microdata.own(main, "author") if main is not None else []
    if marked:  # the main item's own: a question's asker (their name, not their reputation), not an answer's
        yield [name for el in _one_byline(marked) for name in microdata.names(el)]
    for xpath in (
        "descendant-or-self::*[@itemprop='author']//*[@itemprop='name']",
        "descendant-or-self::a[contains(concat(' ', @rel, ' '), ' author ')]",
        f"descendant-or-self::*[{cls('author')}]//*[{cls('fn')}]",
        f"descendant-or-self::*[{cls_any(_BYLINE_CLASSES)}]",
        "descendant-or-self::*[@itemprop='author']",
        f"descendant-or-self::*[{cls_any(['createdby', 'author', 'vcard'])}]",
    ):
        marked = [
            el
            for el in scope.xpath(xpath)
            if in_article_proper(el) and not any(a in apart for a in el.iterancestors())
        ]
        if marked:
            bylines = _one_byline(marked)
            yield [microdata.value(el) if el.get("itemprop") else el.text_content() for el in bylines]
            break
    if traf_author:
        yield _who([part for part in re.split(r";\s*", traf_author) if part])


def _site_keys(site_names: list[str]) -> list[str]:
    """The site's names as comparison keys; one of under four letters ('BW') would match too much."""
    return [key for key in map(norm, site_names) if len(key) >= 4]


def _is_site(name: str, site_names: list[str]) -> bool:
    """The name is the site's own ('USA TODAY' on usatoday.com), not a person's."""
    return norm(name) in _site_keys(site_names)


_CO_AUTHOR_GAP = 8  # words between two names of one byline: 'and', 'with', 'Photos by', a separator
_CO_AUTHORS = 3


def _one_byline(marked: list[HtmlElement]) -> list[HtmlElement]:
    """The names marked as authors that stand together in the first byline: co-authors ('By Ann Lee and
    Raj Patel') stand a few words apart, while a forum thread marks each post's writer, posts apart (phpBB's
    'by NAME » date', vBulletin's and XenForo's user names): the thread's author is the first alone."""
    kept = [marked[0]]
    for el in marked[1:]:
        if len(kept) == _CO_AUTHORS:
            break
        previous = kept[-1]
        if previous in el.iterancestors() or el in previous.iterancestors():
            continue
        if words_between(previous, el, _CO_AUTHOR_GAP) > _CO_AUTHOR_GAP:
            break
        kept.append(el)
    return kept


# A byline line: a short line starting 'By', 'Written by', 'Posted by'... then a name ('by ibby': a login)
_BYLINE_START_RE = re.compile(r"\s*(?:by|written|posted|words|published)\b", re.IGNORECASE)
_BYLINE_LINE_RE = re.compile(r"^\s*(?:by|written by|posted by|words by|published by)\s+[a-z]", re.IGNORECASE)
_BYLINE_WORDS = 16  # a byline line is short; a longer one is a sentence or a block holding the story
_BYLINE_HOLDERS = ("p", "div", "span", "li", "small", "address", "em", "i", "strong")
_MENU_RE = re.compile(r"\bmenu", re.IGNORECASE)


def authors_from_bylines(paras: list[str], site_names: list[str], host: str = "") -> list[str]:
    """When the page declares no author: a "By ..." line among the body's first paragraphs."""
    for para in paras[:4]:
        if _BYLINE_LINE_RE.match(para) and len(para.split()) <= _BYLINE_WORDS:
            names = clean_author(para, site_names, host)
            if names:
                return names
    return []


def _short_text(el: HtmlElement, limit: int) -> str | None:
    """``el``'s words, spaced at element boundaries ('Kate Shokurova</a><span>April 8': two words), or None
    past ``limit`` words: read no further than that, so that asking every block of a page stays linear."""
    found: list[str] = []
    for piece in el.itertext():
        found.extend(piece.split())
        if len(found) > limit:
            return None
    return " ".join(found)


def byline_in_article(scope: HtmlElement, site_names: list[str], host: str = "") -> list[str]:
    """When the page declares no author: the first short "Written by ..." / "Posted by ... on ..." line in
    the article (not in comments, sidebars, related posts, navigation or the site's footer).

    Themes without author markup print the byline as a plain line above or below the story, which the
    pruned body no longer holds; a reader's comment header ("Posted by Jo on ...") is left out by where it
    stands. Only full names are taken from such a line: 'By Collection', 'By Research' and 'By Manufacturer'
    are a shop's or a site's ways of sorting things, not writers."""
    for el in scope.iter(*_BYLINE_HOLDERS):
        first = next((piece for piece in el.itertext() if piece.strip()), "")
        if not _BYLINE_START_RE.match(first):  # most blocks: one look at their first words
            continue
        text = _short_text(el, _BYLINE_WORDS)
        if text is None or not _BYLINE_LINE_RE.match(text) or not in_article_proper(el, itself=True):
            continue
        if any(_MENU_RE.search(a.get("class") or "") for a in (el, *el.iterancestors())):
            continue  # a menu's entry ('By Manufacturer', shopping by brand) outside any <nav>
        names = [name for name in clean_author(text, site_names, host) if " " in name]
        if names:
            return names
    return []


def page_authors(traf_author: str | None, site_names: list[str], host: str = "") -> list[str]:
    """The last resort: trafilatura's reading of the whole page's author, cleaned down to names.

    trafilatura splits a byline at 'and' into '; '-separated parts ('Work; Pensions Committee'): the parts are
    joined back with 'and' so that a body's name is read as one name, and dropped as a body.
    """
    parts = _who([part.strip() for part in re.split(r";\s*", traf_author or "") if part.strip()])
    return clean_author(" and ".join(parts), site_names, host) if parts else []
