"""The article's body as paragraphs: trafilatura's reading, mended and cleaned.

trafilatura's body is cut into one paragraph per block; subheadings and list items its precision mode
dropped from between two kept paragraphs are put back in place (``fill_gaps``); the headline, bylines,
stock lines ("Share this", "Related posts") and photo credits it let through are dropped
(``clean_paragraphs``). Where trafilatura finds nothing, the paragraphs of the element the theme marks as
the article body are taken (``fallback_paragraphs``). The standfirst under the headline, which a theme keeps
apart from the story's block, is put back first (``with_standfirst``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import MANUALLY_CLEANED
from trafilatura.xml import xmltotxt

from casebook.models import Comment
from indexer.extract.comments import paragraphs, tidy
from indexer.extract.markup import (
    INVISIBLE,
    SUBHEADINGS,
    in_article_proper,
    in_comments,
    link_share,
    main_content,
    norm,
    shows,
    visible_text,
    words_between,
)
from indexer.extract.months import WRITTEN_DATE_RES
from indexer.extract.prune import COMMENT_HEADING_RE, MEDIA

MIN_WORDS = 40  # below this the page is kept, but marked "uncertain"

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
    r"|(?:\d+|one|no) (?:thoughts? on|responses? to|comments? on)\b.*"
    # the same rails' and buttons' labels in the other languages the extractor reads
    r"|mehr zum thema|lesen sie (?:auch|mehr)|das könnte (?:dich|sie) auch interessieren|auch interessant"
    r"|(?:weitere|verwandte|ähnliche) (?:artikel|beiträge|themen)|weiterlesen|artikel teilen|teilen"
    r"|(?:à )?lire aussi|sur le même sujet|articles similaires|voir aussi|lire la suite|partager"
    r"|te puede interesar|le puede interesar|le(?:e|a) también|noticias relacionadas|ver también|leer más"
    r"|compartir|leggi anche|potrebbe interessarti|articoli correlati|condividi|lees ook|lees meer"
    r"|gerelateerde artikelen|deel dit artikel|leia também|veja também|saiba mais|compartilhe"
    r"|zobacz (?:także|też|również)|czytaj (?:także|też|również|więcej)|udostępnij"
    # a table of contents' label, its list of the story's own headings gone (or kept) below it
    r"|(?:table of )?contents|in this (?:article|post|guide)|on this page|jump to"
    r"|inhalt(?:sverzeichnis)?|sommaire|table des matières|índice|contenidos?|indice|inhoud(?:sopgave)?"
    r"|spis treści)[:.…#]*\s*$",
    re.IGNORECASE,
)
_CAPTION_RE = re.compile(
    r"\bcourtesy of\b|^\s*(?:picture|photo|photograph|image|pictured)(?: credit)?\s*(?::|by\b|courtesy\b)",
    re.IGNORECASE,
)


def body_paragraphs(body: etree._Element | None) -> list[str]:
    """trafilatura's body as paragraphs: one per block (p, head, list, quote, table...).

    A ``div`` is a wrapper, not a block: where trafilatura keeps the theme's (``<div class="fusion-text">``
    round the whole story, seen on 20 of WCXB dev's article pages), its blocks are read one by one. Read as
    one block, the story was a single paragraph of up to 2,700 words, its lines joined by single line breaks:
    every quote in it cited as paragraph 1, and the lines around it (a 'Share this', a byline) out of reach
    of the rules that drop them."""
    if body is None:
        return []
    out: list[str] = []
    _blocks(body, out, top=True)
    return out


def _blocks(parent: etree._Element, out: list[str], top: bool = False) -> None:
    """``parent``'s blocks into ``out``; its own leading text too where it is a wrapper (a ``div``) or the
    body itself: trafilatura's last resort gives a page whose text stands straight in ``<body>`` (old
    sites' text between ``<br>``s) as one ``<span>`` whose leading text is the page's first paragraph."""
    if parent.text and parent.text.strip() and (top or parent.tag == "div"):
        out.append(tidy(parent.text))
    for child in parent:
        tail, child.tail = child.tail, None
        if child.tag == "div":
            _blocks(child, out)
        else:
            text = xmltotxt(child, False)
            for part in re.split(r"\n\s*\n", text):
                part = tidy(part)
                if part:
                    out.append(part)
        child.tail = tail
        if tail and tail.strip():
            out.append(tidy(tail))


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


# What a line that only dates the article says besides its days: labels and times, in the languages read
_DATELINE_WORDS_RE = re.compile(
    r"\b(?:last|updated|published|posted|modified|on|at|am|pm|a\.m\.|p\.m\.|gmt|bst|utc|et|est|edt|pt|cet|cest"
    r"|stand|veröffentlicht|aktualisiert|zuletzt|um|uhr|publié|mis à jour|le|à)\b"
    r"|\d{1,2}[:.h]\d{2}(?::\d{2})?|[\s|:,.()\-–—/·•]",
    re.IGNORECASE,
)


def _is_dateline(para: str) -> bool:
    """A line that only dates the article: '5 April 2013 Last updated at 11:05 GMT', 'Aktualisiert am
    19.02.2020', 'Jan 13, 2025'. The page prints it over or under the story, the document carries the day,
    and it is no paragraph of the story (on WCXB dev 12 of 13 such lines at an article's edge are not in
    the gold's text). A day said in a sentence ('On 5 April 2013 the tribunal sat.') is not one."""
    if len(para.split()) > 12:
        return False
    rest = para
    for pattern in WRITTEN_DATE_RES:
        rest = pattern.sub(" ", rest)
    return rest != para and not _DATELINE_WORDS_RE.sub("", rest)


def clean_paragraphs(paras: list[str], title: str, authors: list[str]) -> list[str]:
    """Drop what trafilatura lets through that is not the article: the headline, bylines, stock lines, a
    list's lines that show nothing but their marker, and an author box closing the story. A list's items of
    prose, and a block's lines of prose, become paragraphs."""
    paras = [
        shown
        for para in paras
        for part in _prose_lines(para)
        for shown in map(_without_bare_markers, _prose_items(part))
        if shown
    ]
    kept = []
    last = len(paras) - 1
    # a story told under dated headings (a timeline, a diary) keeps its days, the first and last included
    dated = {i for i, para in enumerate(paras) if _is_dateline(para)}
    timeline = any(3 < i < last - 3 for i in dated)
    for i, para in enumerate(paras):
        near_edge = i < 4 or i > last - 4
        if title and norm(para) == norm(title):
            continue
        if _STOCK_LINE_RE.match(para) and len(para.split()) <= 12:
            continue
        if near_edge and (_is_byline(para, authors) or (i in dated and not timeline)):
            continue
        if _CAPTION_RE.search(para) and len(para.split()) <= 12 and not re.search(r"[.?!]\s*$", para):
            continue
        kept.append(para)
    return _before_author_box(kept)


# A label heading the writer's biography, in the languages the extractor reads
_AUTHOR_BOX_RE = re.compile(
    r"^\s*(?:about the (?:author|writer)s?|über (?:den autor|die autorin|die autor\*innen|die autoren)"
    r"|à propos de l'auteur(?:e)?|sobre (?:el|la|los) autor(?:a|es)?|sull'autore|over de auteur"
    r"|o autorze)\s*:?\s*$",
    re.IGNORECASE,
)


def _before_author_box(paras: list[str]) -> list[str]:
    """The story without the author box closing it: a paragraph saying only 'About the author' in the
    story's second half (by words) and what follows it, the writer's biography and the site's furniture
    after it. A box at the story's head (a guest post's introduction) is left alone."""
    total = sum(len(p.split()) for p in paras)
    before = 0
    for i, para in enumerate(paras):
        if _AUTHOR_BOX_RE.match(para) and before >= total / 2:
            return paras[:i]
        before += len(para.split())
    return paras


# A list item this long is prose: a paragraph of its own (a listicle's entry, a numbered step of a guide)
PROSE_ITEM_WORDS = 60


def _prose_items(para: str) -> list[str]:
    """A list (its items written '- ', as trafilatura writes them) holding items of prose, as paragraphs:
    each such item alone, the short items between them together (a list is one paragraph, an item a line).

    A listicle kept as one list was one paragraph of up to 4,000 words, and every quote in it was cited by
    that one paragraph; a report's bullet points of 30 or 40 words stay a list. Split here, once the text
    is read and its gaps filled: those place trafilatura's paragraphs in the page, and more paragraphs to
    place would change what they find."""
    if not para.startswith("- "):
        return [para]
    items: list[str] = []
    for line in para.split("\n"):
        if line.startswith("- ") or not items:
            items.append(line)
        else:
            items[-1] += "\n" + line  # a line break inside the item, or a list inside it
    if not any(_prose(item) for item in items):
        return [para]
    parts: list[str] = []
    short: list[str] = []
    for item in items:
        if not _prose(item):
            short.append(item)
            continue
        if short:
            parts.append("\n".join(short))
            short = []
        parts.append(item)
    if short:
        parts.append("\n".join(short))
    return parts


# A line this long is a paragraph's worth of prose, where a block's lines are mostly such lines
PROSE_LINE_WORDS = 25


def _prose_lines(para: str) -> list[str]:
    """A block whose lines are mostly prose, as paragraphs: a line each.

    A post written with line breaks for paragraphs (Blogger's editor, a CMS's text field, where trafilatura
    makes one <br> of two) was one paragraph of up to 1,900 words, every quote in it cited by that one
    paragraph. An address, a poem, code or text wrapped by hand is lines too, but short ones: a block stays
    whole unless two of its lines, holding two thirds of its words, are of 25 words or more. A list or a
    table in it (lines written '- ' or '| ') stays one paragraph, its items of prose left to
    :func:`_prose_items`."""
    if "\n" not in para or para.startswith(("- ", "| ")):
        return [para]
    lines = para.split("\n")
    sizes = [len(line.split()) for line in lines if not line.startswith(("- ", "| "))]
    long = [n for n in sizes if n >= PROSE_LINE_WORDS]
    if len(long) < 2 or 3 * sum(long) < 2 * len(para.split()):
        return [para]
    parts: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        listed = line.startswith(("- ", "| "))
        if listed and parts and parts[-1].startswith(line[:2]):
            parts[-1] += "\n" + line  # the next item of a list, the next row of a table
        else:
            parts.append(line)
    return parts


def _prose(item: str) -> bool:
    return len(_bare(item).split()) >= PROSE_ITEM_WORDS


def _without_bare_markers(para: str) -> str:
    """``para`` less its list lines showing nothing but the marker ('-': an item holding only an icon or a
    spacer such as Webflow's zero-width joiner, which ``tidy`` drops from every other line)."""
    return "\n".join(line for line in para.split("\n") if shows(_bare(line)))


def _bare(line: str) -> str:
    """A line without its list marker ('- ', '• ')."""
    return re.sub(r"^\s*[-•*](?!\w)\s*", "", line)


# A credit anywhere in a paragraph ('... a queue in Leeds. Photo by: Jo Bloggs'): for paragraphs put back by
# fill_gaps only; _CAPTION_RE, for every paragraph, is narrower ('Cost per Credit:' heads a fees table)
_CREDIT_RE = re.compile(r"\b(?:photo|image|picture)s? (?:by|credit|courtesy)\b|\bcredit:", re.IGNORECASE)
_GAP_BLOCKS = ("p", "li", *SUBHEADINGS, "dd", "pre", "blockquote")
_GAP_FILL_TAGS = {"li", "p", *SUBHEADINGS}
# what may stand in a list item's own line above its sub-list (see _own_line)
_INLINE = frozenset(
    "a abbr b bdi bdo br cite code data dfn em font i kbd mark q s samp small span strong sub sup time u"
    " var wbr".split()
)


def _leaf_blocks(tree: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """Block elements holding no other block element, with their text, in document order; a list item
    holding a nested list stands with its own line, the words it opens with before its first block.

    A bullet that opens a sub-list ('DevTools are now Fission compatible!' over its sub-points) is the
    item's own line: taken for no block, it could neither place trafilatura's line nor go back where
    trafilatura's precision mode dropped it."""
    out = []
    for el in tree.iter(*_GAP_BLOCKS):
        if not _holds_block(el):
            text = " ".join(el.text_content().split())
        elif el.tag == "li":
            text = " ".join("".join(t for t, _ in _own_line(el)).split())
        else:
            continue
        if text:
            out.append((el, text))
    return out


def _holds_block(el: HtmlElement) -> bool:
    return any(isinstance(d.tag, str) and d.tag in _GAP_BLOCKS for d in el.iterdescendants())


def _own_line(el: HtmlElement) -> list[tuple[str, bool]]:
    """The text ``el`` opens with, up to its first child that is not inline (a sub-list, a card), piece by
    piece, each with whether it stands in a link."""
    out = [(el.text or "", False)]
    for child in el:
        if isinstance(child.tag, str):
            if child.tag not in _INLINE or _holds_block(child):
                break
            out.extend(_inline_pieces(child, False))
        out.append((child.tail or "", False))
    return out


def _inline_pieces(el: HtmlElement, linked: bool) -> list[tuple[str, bool]]:
    inside = linked or el.tag == "a"
    out = [(el.text or "", inside)]
    for child in el:
        if isinstance(child.tag, str):
            out.extend(_inline_pieces(child, inside))
        out.append((child.tail or "", inside))
    return out


def _kept(key: str | None, present: set[str], everything: str) -> bool:
    """Whether trafilatura kept the block of ``key``: one of its lines, or, long enough not to stand there
    by chance, within its text however it split or joined its lines."""
    return key is not None and (key in present or (len(key) >= 24 and key in everything))


def _as_trafilatura_reads(el: HtmlElement) -> str | None:
    """``el``'s text as trafilatura reads it, less the elements it cleans out (a formula's ``<math>``, a
    ``<time>``, a ``<button>``), normalised; None where ``el`` holds none, or nothing else. A block
    trafilatura kept so reads differently from the page: counted missing, it went back in beside
    trafilatura's line, the item twice (Wikipedia's formulas)."""
    if not any(isinstance(d.tag, str) and d.tag in MANUALLY_CLEANED for d in el.iterdescendants()):
        return None
    out: list[str] = []

    def walk(node: HtmlElement) -> None:
        out.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str) and child.tag not in MANUALLY_CLEANED:
                walk(child)
            out.append(child.tail or "")

    walk(el)
    return norm("".join(out)) or None


def _link_share(el: HtmlElement) -> float:
    """The share of ``el``'s text that is link text (of a list item's own line, where it holds a sub-list)."""
    if el.tag == "li" and _holds_block(el):
        pieces = _own_line(el)
        total = len(" ".join("".join(t for t, _ in pieces).split()))
        linked = len(" ".join("".join(t for t, link in pieces if link).split()))
        return linked / total if total else 0.0
    return link_share(el)


def _trigrams(text: str) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", text.lower())
    return set(zip(w, w[1:], w[2:], strict=False))


def _in_table_or_link(el: HtmlElement) -> bool:
    return any(a.tag in ("td", "th", "a") for a in el.iterancestors())


def _site(host: str) -> str:
    return host.lower().removeprefix("www.")


def _links_elsewhere(el: HtmlElement, host: str) -> bool:
    """Whether every link of ``el`` goes to another site (a listicle's item named by its link to the shop,
    the course, the product), not to a page of this one (a teaser of another of its articles)."""
    hosts = [urlsplit(a.get("href") or "").hostname or host for a in el.iter("a")]
    return bool(hosts) and all(_site(h) != _site(host) for h in hosts)


_MOST_COPIES = 200  # a line printed more often than this in the page is no landmark (see _placed)


def _placed(blocks: list[tuple[HtmlElement, str]], paras: list[str]) -> dict[int, int]:
    """Where trafilatura's lines stand in the page: block index -> paragraph index, for the longest run of
    lines found in the page in the order trafilatura gives them.

    Taking each line's first block after the last one placed lets one line read out of order (a promotion
    trafilatura puts first that the page prints at its foot) carry every later line past its own block:
    nothing is placed and no gap can be filled. The longest chain in order is what the two agree on; a
    line printed twice ('Average rating: 4.9' under each product) finds its own copy in it. A line printed
    more than ``_MOST_COPIES`` times places nothing: each of its lines would try every copy (a hostile page
    of 3,000 such lines took three times as long to read), and the lines around it place it well enough."""
    where: dict[str, list[int]] = {}
    for bi, (_, text) in enumerate(blocks):
        where.setdefault(norm(text)[:80], []).append(bi)
    placings: list[tuple[int, int]] = []  # (block index, paragraph index): every block each line may be
    for pi, para in enumerate(paras):
        for line in para.split("\n"):
            key = norm(_bare(line))[:80]
            if len(key) < 12:
                continue
            copies = where.get(key, [])
            if len(copies) > _MOST_COPIES:
                continue
            # a line's own blocks, last first, so that one line is never placed twice in a chain
            placings.extend((bi, pi) for bi in reversed(copies))
    return dict(placings[i] for i in _longest_rising([bi for bi, _ in placings]))


def _longest_rising(values: list[int]) -> list[int]:
    """The indices of a longest strictly rising run of ``values`` (not necessarily adjacent), in order."""
    ends: list[int] = []  # ends[k]: the smallest value ending a run of k + 1
    tails: list[int] = []  # tails[k]: the index of that value
    before: list[int] = []  # before[i]: the index before ``i`` in its run, or -1
    for i, value in enumerate(values):
        k = bisect_left(ends, value)
        before.append(tails[k - 1] if k else -1)
        if k == len(ends):
            ends.append(value)
            tails.append(i)
        else:
            ends[k], tails[k] = value, i
    run: list[int] = []
    i = tails[-1] if tails else -1
    while i >= 0:
        run.append(i)
        i = before[i]
    return run[::-1]


def fill_gaps(tree: HtmlElement, paras: list[str], url: str) -> list[str]:
    """Put back subheadings, list items and paragraphs trafilatura dropped from between two it kept.

    trafilatura's precision mode sometimes drops a short subheading ("Why we wrote it"), a whole list of
    questions, or the paragraphs of the article's own cards (a roundup of products, an accordion) from the
    middle of an article. Anything of that kind sitting in the page *between* two kept paragraphs, inside the
    element that holds them all, is article text: it goes back in its place. Nothing is added before the
    first or after the last kept paragraph (that is where boilerplate lives), and lists of links are not
    added (a "read more" box in the middle of a story). A paragraph goes back when it sits beside kept ones,
    or, nested deeper (in a card), when it has 15 words or more (a card's blurb and a promotion's line are
    short); never one inside a link (a teaser), a table cell (trafilatura reads tables its own way), a photo
    credit, or one whose words trafilatura kept written differently ('[1-3]' read as '[-]'). On WCXB dev this
    took body F1 from 0.930 to 0.934 on article pages (59 better, 27 worse) and 0.717 to 0.733 on service
    pages. A heading that is mostly a link goes back only when it heads a paragraph trafilatura kept and
    links to another site: a listicle's item named by its link to the course or the product (27 WCXB dev
    pages better, none worse), where a heading linking to this site's own pages is a teaser. A block of
    which trafilatura kept only pieces takes their place whole (``_whole_for_pieces``).
    """
    blocks = _leaf_blocks(tree)
    if len(paras) < 2 or not blocks:
        return paras
    matched = _placed(blocks, paras)  # block index -> paragraph index
    if len(matched) < 2 or len(set(matched.values())) < 0.6 * len(paras):
        return paras  # trafilatura's text cannot be placed in this page reliably: leave it as it is
    order = sorted(matched)
    kept = {blocks[i][0] for i in order}
    present = {norm(_bare(line)) for para in paras for line in para.split("\n")}
    everything = norm(" ".join(paras))  # what is there, however trafilatura split or joined its lines
    common = set(blocks[order[0]][0].iterancestors())
    for i in order[1:]:
        common &= set(blocks[i][0].iterancestors())
    holding = {a for el in kept for a in el.iterancestors()}
    said = _trigrams(" ".join(paras))
    host = urlsplit(url).hostname or ""
    lines: list[list[str | None]] = [list(para.split("\n")) for para in paras]
    keys = [norm(text) for _, text in blocks]
    pieces = _pieces(lines, set(keys))
    additions: dict[int, list[str]] = {}  # paragraph index -> paragraphs to insert after it
    rewritten = False  # a line of trafilatura's replaced by the whole block it was a piece of
    for left, right in zip(order, order[1:], strict=False):
        after = matched[left]
        pending_list: list[str] = []
        list_parent = None
        for bi in range(left + 1, right):
            el, text = blocks[bi]
            if el in kept or el.tag not in _GAP_FILL_TAGS or not common & set(el.iterancestors()):
                continue
            key = norm(text)
            if _kept(key, present, everything) or _kept(_as_trafilatura_reads(el), present, everything):
                continue  # kept by trafilatura, only too short, joined differently or less its formulas
            if _whole_for_pieces(el, key, pieces, lines, keys):
                rewritten = True
                continue
            if el.tag == "p" and (
                _in_table_or_link(el)
                or _CREDIT_RE.search(text)
                or (el.getparent() not in holding and len(text.split()) < 15)
                or len(_trigrams(text) & said) > 0.5 * len(_trigrams(text))
            ):
                continue
            if _STOCK_LINE_RE.match(text) or COMMENT_HEADING_RE.match(text):
                continue
            if _link_share(el) > 0.5 and not (
                el.tag in SUBHEADINGS and blocks[bi + 1][0] in kept and _links_elsewhere(el, host)
            ):
                continue  # links, unless a heading of a paragraph kept, naming a thing on another site
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
            if el.tag == "p" or len(text.split()) <= 20:
                additions.setdefault(after, []).append(text)
        if pending_list:
            additions.setdefault(after, []).append("\n".join(pending_list))
    if not additions and not rewritten:
        return paras
    out = []
    for pi, para in enumerate(lines):
        kept_lines = [line for line in para if line is not None]
        if kept_lines:
            out.append("\n".join(kept_lines))
        out.extend(additions.get(pi, []))
    return out


_PIECE_CHARS = 24  # a piece shorter than this may stand in any paragraph by chance


def _pieces(lines: list[list[str | None]], printed: set[str]) -> list[tuple[str, int, int]]:
    """trafilatura's lines that the page prints as no block of its own, with their place (key, paragraph
    index, line index): candidates for a piece of a block it read in part."""
    out = []
    for pi, para in enumerate(lines):
        for li, line in enumerate(para):
            key = norm(_bare(line or ""))
            if len(key) >= _PIECE_CHARS and key not in printed:
                out.append((key, pi, li))
    return out


def _whole_for_pieces(
    el: HtmlElement,
    key: str,
    pieces: list[tuple[str, int, int]],
    lines: list[list[str | None]],
    keys: list[str],
) -> bool:
    """Where trafilatura kept only pieces of this block, the block as the page prints it takes the first
    piece's place and the other pieces go; True if so.

    trafilatura sometimes loses an inline element from a line it keeps (a link holding ``<code>``, a
    formula), and keeps the words around it as lines of their own: 'which provides a nice API over' for
    '<code>gccjit</code> which provides a nice API over <code>gccjit-sys</code>.' Put back beside them, the
    whole item would stand twice, once garbled; in their place, it stands once and whole, its words
    parted where the page parts them. Not a block of links (a link's address holds its title's words), nor
    one framing a picture with its caption (trafilatura left the caption out on purpose)."""
    if _in_table_or_link(el) or _link_share(el) > 0.5 or _frames_a_picture(el):
        return False
    found = [
        (pi, li)
        for piece, pi, li in pieces
        if lines[pi][li] is not None and piece in key and sum(piece in k for k in keys) == 1
    ]  # a line standing in two blocks ('What Not to Flush' in a heading and the list under it) is neither's
    if not found:
        return False
    shown = " ".join(visible_text(el).split())
    whole = f"- {shown}" if el.tag == "li" else shown
    for n, (pi, li) in enumerate(found):
        lines[pi][li] = whole if n == 0 else None
    return True


def _frames_a_picture(el: HtmlElement) -> bool:
    """``el`` holds a figure, or a box holding a picture: the frame of a picture and its caption."""
    frames = el.iterdescendants("figure", "figcaption", "div")
    return any(f.tag != "div" or next(f.iter(*MEDIA), None) is not None for f in frames)


def fallback_paragraphs(tree: HtmlElement) -> list[str]:
    """When trafilatura finds nothing: the article body element's own paragraphs, if the page marks one."""
    for el in main_content(tree):
        paras = paragraphs(el)
        if len(" ".join(paras).split()) >= MIN_WORDS:
            return paras
    return []


# A paragraph this long without a line break is a whole block of the page run together
RUN_TOGETHER_WORDS = 300
# Characters searched at most to place the page's blocks in one such paragraph (its length times the
# blocks): a hostile page of thousands of near-identical blocks is left as trafilatura read it
PLACING_BUDGET = 200_000_000


def in_page_blocks(paras: list[str], tree: HtmlElement) -> list[str]:
    """trafilatura's reading of the whole page with each paragraph run together back in the page's own
    blocks, in their order.

    Its last resorts give a whole ``<article>`` (or a JSON-LD body) as one paragraph: taken as the
    document where our reading found too little (``extraction = "fallback"``), an article of 5,000 words
    was one paragraph, every quote in it cited as paragraph 1. Where the page's blocks found in such a
    paragraph (the longest run of them in the page's order) make up nine tenths of it, they are its
    paragraphs, and the words between them stay as paragraphs of their own: not a word is lost. Otherwise
    it stays as it is (a JSON-LD body the page does not print in blocks)."""
    if not any(len(p.split()) >= RUN_TOGETHER_WORDS and "\n" not in p for p in paras):
        return paras
    body = tree.find(".//body")
    blocks = paragraphs(body) if body is not None else []
    out: list[str] = []
    for para in paras:
        if len(para.split()) < RUN_TOGETHER_WORDS or "\n" in para:
            out.append(para)
            continue
        places = [i for i, ch in enumerate(para) if not ch.isspace()]  # key[k] is para[places[k]]
        key = "".join(para[i] for i in places)
        if len(key) * len(blocks) > PLACING_BUDGET:
            out.append(para)
            continue
        run = _in_order(key, blocks)
        if len(run) < 2 or sum(len(_squashed(b)) for _, b in run) < 0.9 * len(key):
            out.append(para)
            continue
        done = 0
        for at, block in run:
            if at > done:
                out.append(para[places[done] : places[at]].strip())  # words no block of the page holds
            out.append(block)
            done = at + len(_squashed(block))
        if done < len(key):
            out.append(para[places[done] :].strip())
    return out


def _in_order(key: str, blocks: list[str]) -> list[tuple[int, str]]:
    """The longest run of ``blocks`` found in ``key`` in the same order, each at its first place there after
    the block before it, with that place."""
    found = [(key.find(_squashed(b)), b) for b in blocks]
    found = [(at, b) for at, b in found if at >= 0]
    run = [found[i] for i in _longest_rising([at for at, _ in found])]
    # blocks found at their first place may overlap (a short block inside a longer one): keep the first
    kept: list[tuple[int, str]] = []
    for at, block in run:
        if not kept or at >= kept[-1][0] + len(_squashed(kept[-1][1])):
            kept.append((at, block))
    return kept


def _squashed(text: str) -> str:
    return "".join(text.split())


def not_comments(paras: list[str], comments: list[Comment], elsewhere: str = "") -> list[str]:
    """Paragraphs that are not reader comments (a fallback reading can take a thread for the story).

    ``elsewhere``: the page's text outside its comments. A paragraph a comment quotes that the page also
    shows there is the article's own (a reply quoting a forum's opening post, a reader quoting the story):
    trafilatura's reading keeps a repeated paragraph once, and it was lost with the quote."""
    said = {norm(p) for c in comments for p in c.text.split("\n\n") if len(p.split()) >= 4}
    shown = norm(elsewhere)
    return [p for p in paras if norm(p) not in said or norm(p) in shown]


_LEAD_TAGS = ("p", "div", "h2", "h3", "span", "strong", "section")
_LEAD_WORDS = 8  # a standfirst is a sentence or two, not a strapline
_LEAD_DISTANCE = 80  # words between the headline and the standfirst at most: a byline, a date, a caption


def with_standfirst(tree: HtmlElement, paras: list[str], descriptions: list[str], title: str) -> list[str]:
    """``paras`` with the article's standfirst first, where the page prints one under its headline that the
    body lacks.

    A theme sets the standfirst ('Die Jugendverbände der Landwirtschaft in NRW fordern ...') in a block of
    its own above the story's, and the reading of the story's block leaves it out, while it is what the
    article says first. It is recognised by what the publisher declares it to be: the text of the page's
    description (``<meta name=description>``, ``og:description``, JSON-LD's), printed whole in one block
    within a few lines of the headline, not in a link, navigation, an aside or comments. A description the
    page prints nowhere, or already in the body, adds nothing; nor does a block holding a paragraph of
    the body whole.
    """
    body = tree.find(".//body")
    h1 = next((h for h in body.iter("h1") if in_article_proper(h)), None) if body is not None else None
    if h1 is None or not paras:
        return paras
    present = norm(" ".join(paras))
    # each description's key: whether it ends a sentence, so that what a block prints after it is no longer
    # the standfirst (a description cut short, with '...' or without, does not)
    wanted: dict[str, bool] = {}
    for description in descriptions:
        whole = " ".join(description.split())
        text = re.sub(r"\s*(?:\.\.\.|…)$", "", whole)
        key = norm(text)
        if not key or key in present:
            return paras  # the body holds it already
        if len(text.split()) >= _LEAD_WORDS and key != norm(title):
            wanted[key] = text == whole and bool(re.search(r"[.!?][\"'”’)]?$", text))
    if not wanted:
        return paras
    longest = max(len(w) for w in wanted)
    seen = 0  # words printed after the headline so far (tails left out: never more than there are)
    for el in h1.xpath("following::*"):  # in page order, the headline's own elements left out
        if el.tag in _LEAD_TAGS and _short(el, 2 * longest):
            key = norm(visible_text(el))
            # the description whole, or its start where the description was cut short ('...')
            found = next(
                (w for w in wanted if key == w or (key.startswith(w) and len(key) < 1.5 * len(w))), None
            )
            if key and found is not None:
                lead = tidy(visible_text(el))
                if key != found and wanted[found]:
                    # the whole description, then more in the same block: a byline or a 'Share:' label
                    # run in ('... a treat. By Sara Coughlin June 5, 2024'); the standfirst ends where the
                    # publisher's description does
                    lead = _printed_prefix(lead, found)
                if (
                    not _in_a_rail(el)
                    and words_between(h1, el, _LEAD_DISTANCE) <= _LEAD_DISTANCE
                    and not _holds_the_story(lead, paras)
                ):
                    return [lead, *paras]
                return paras
        if el.tag not in INVISIBLE:
            seen += len((el.text or "").split())
        if seen > _LEAD_DISTANCE:
            return paras
    return paras


def _printed_prefix(text: str, key: str) -> str:
    """The start of ``text`` whose comparison key is ``key`` (which it starts with), with the punctuation
    closing its last word ('a treat.'), as printed."""
    got = ""
    for i, ch in enumerate(text):
        got += norm(ch)
        if len(got) >= len(key):
            end = i + 1
            while end < len(text) and not text[end].isspace() and not norm(text[end]):
                end += 1
            return text[:end].rstrip()
    return text


def _holds_the_story(text: str, paras: list[str]) -> bool:
    """``text`` holds a paragraph of the story whole: it repeats the story rather than adding to it. Shops'
    and some blog themes' descriptions are the story's first few hundred characters (a table of contents
    run in, or the headline twice, so the body does not hold the description whole), printed above the
    story: taken as a standfirst, the story's opening, or the whole story, was read twice. A standfirst the
    story repeats in part ('... for repeat offenders' in a longer first sentence) is still one."""
    key = norm(text)
    return any(norm(p) in key for p in paras if len(p.split()) >= _LEAD_WORDS)


def _short(el: HtmlElement, limit: int) -> bool:
    """``el``'s text is at most ``limit`` characters long, read no further than that: a wrapper holding the
    whole story is passed over without reading the story (a thousand nested blocks under a headline would
    otherwise be read a thousand times: 6.6 s for a 220 KB page)."""
    size = 0
    for piece in el.itertext():
        size += len(piece)
        if size > limit:
            return False
    return True


def _in_a_rail(el: HtmlElement) -> bool:
    """In a link, navigation, an aside or comments: a rail's card can show this very article's description.
    Class names are not read: a German theme's 'teaser-text' is the standfirst (a 'Teaser' in German
    newsrooms), where an English one's 'teaser' is a card."""
    return any(a.tag in ("a", "nav", "aside") or in_comments(a) for a in (el, *el.iterancestors()))


_WORD_RE = re.compile(r"\w+")
# what a reader does not see between two letters and the page's text still holds: the zero-width space and
# joiners (soft hyphens, word joiners and C1 controls are gone at decoding: ``encoding.as_read``)
_UNSEEN_RE = re.compile("[\u200b-\u200d]")
_APOSTROPHE_RE = re.compile("['\u2019\u02bc]")


def unglued(paras: list[str], tree: HtmlElement, source: str) -> list[str]:
    """The paragraphs with words run together put apart where the page itself shows them apart.

    trafilatura's fallback reading (its readability port, which it prefers on some pages) loses a space
    standing alone between two inline elements: 'Ankush Dua</b> <i>contributed' came out 'Ankush
    Duacontributed', 'see our</span> <a>affiliate' 'see ouraffiliate'. Search cannot find such a word and a
    quote carries it. Every word of the body comes from the page, so a word the page never shows, which two
    words the page shows side by side make, was run together: the space goes back between them. Only words
    with a letter in them (numbers are written too many ways), and a run of several (a rating's
    'starstarstar') is put apart at its first join only. A zero-width space ('accumu&#8203;lation') parts
    no word."""
    asked = {w.casefold() for para in paras for w in _WORD_RE.findall(para)}
    shown = _UNSEEN_RE.sub("", tree.text_content()).casefold()
    words = set(_WORD_RE.findall(shown))
    unseen = {w for w in asked - words if any(ch.isalpha() for ch in w)}
    if unseen:
        # every other way the page writes a word: without its apostrophes ('we’re' read as 'were' is no
        # word run together), and as it came (the tree may be cleaned by now)
        unseen -= set(_WORD_RE.findall(_APOSTROPHE_RE.sub("", shown)))
        written = source.casefold()
        unseen = {w for w in unseen if w not in written}
    joins = {w: at for w in unseen if (at := _shown_apart(w, shown, words))}
    if not joins:
        return paras

    def apart(match: re.Match[str]) -> str:
        word = match.group(0)
        at = joins.get(word.casefold())
        return word if at is None or len(word) != len(word.casefold()) else f"{word[:at]} {word[at:]}"

    return [_WORD_RE.sub(apart, para) for para in paras]


def _shown_apart(word: str, shown: str, words: set[str]) -> int | None:
    """Where ``word`` parts into two of the ``words`` that ``shown`` prints side by side (only spaces or
    marks between them), if it does: the first such place."""
    for at in range(1, len(word)):
        if word[:at] not in words or word[at:] not in words:
            continue
        pattern = rf"(?<!\w){re.escape(word[:at])}\W+{re.escape(word[at:])}(?!\w)"
        if re.search(pattern, shown):
            return at
    return None
