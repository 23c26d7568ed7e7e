"""Pruning before trafilatura reads the page: site chrome and article furniture cut from copies of the tree.

Comment sections, reply forms, cookie banners, share buttons, related posts and teasers, sidebars and
navigation go first (``prune_chrome``); bylines, "Posted in" lines, author boxes, headlines and image
captions next (``prune_furniture``). Neither ever takes the article itself: the block holding most of the
page's prose (``markup.text_core``), the element themes mark as the article body and the headline are
protected, with everything around them. The original tree is left whole for the metadata readers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from copy import deepcopy

from lxml.html import HtmlElement

from indexer.extract.markup import (
    BLOCK_TAGS,
    SUBHEADINGS,
    TEXT_CORE_SHARE,
    class_pattern,
    cls_any,
    document_elements,
    in_copies,
    in_copy,
    link_share,
    main_content,
    remembered,
    words,
)

log = logging.getLogger(__name__)

MAX_ELEMENTS = 30_000  # trafilatura slows quadratically past this; a real article body is a few hundred


# Comment sections and reply forms (WordPress, WordPress.com, Disqus, Joomla-style widgets).
_COMMENT_SECTION_TAGS = frozenset(
    ("div", "section", "aside", "ol", "ul", "form", "h2", "h3", "h4", "p", "nav", "dl", "li")
)
_COMMENT_SECTION_ID_RE = re.compile(
    r"^(comments?|respond|disqus_thread|comments?[-_].*|reply-title|jc|jcomments)$", re.IGNORECASE
)
_COMMENT_SECTION_CLASS_RE = re.compile(
    r"(^|\s)(comments?|commentlist|comments?[-_][\w-]*|jcomments|disqus[\w-]*)(\s|$)", re.IGNORECASE
)


def _comment_sections(tree: HtmlElement) -> list[HtmlElement]:
    """Comment sections and reply forms, by their ids and classes, in document order."""
    return [
        el
        for el in document_elements(tree)
        if el.tag in _COMMENT_SECTION_TAGS
        and (
            _COMMENT_SECTION_ID_RE.search(el.get("id") or "")
            or _COMMENT_SECTION_CLASS_RE.search(el.get("class") or "")
        )
    ]


COMMENT_HEADING_RE = re.compile(
    r"^\s*(?:\d+|one|no|two|three)\s+(?:thoughts?|responses?|comments?|replies|reactions?)\b"
    r"|^\s*(?:leave a (?:reply|comment)|post a comment|add a comment|add comment|join the discussion"
    r"|comments?(?: \(\d+\))?|discussion|reader comments|have your say)\s*:?\s*$",
    re.IGNORECASE,
)

# Site chrome: cookie banners, sharing and "like" widgets, related posts, navigation, sidebars, forms.
_CHROME_TAGS = frozenset(("script", "style", "noscript", "iframe", "nav", "aside", "template", "button"))
_CHROME_ROLES = frozenset(("navigation", "complementary", "banner", "contentinfo", "dialog"))
_CHROME_CLASSED_TAGS = frozenset(("div", "section", "p", "span", "ul", "footer", "header", "dialog", "table"))
_CHROME_ID_RE = re.compile(
    "cookie|gdpr|consent|cc[-_]banner|eu[-_]law|sharing|share|social|sharedaddy|addtoany"
    "|related|jp-post-flair|jp-relatedposts|likes|sidebar|secondary|newsletter|subscribe|colophon"
    "|masthead|site-header|site-footer|breadcrumb|wpcnt|wpadvert|adsense|^ad[-_]|popup|modal|login",
    re.IGNORECASE,
)
_CHROME_CLASS_RE = re.compile(
    "cookie|gdpr|consent|cc[-_]banner|cc-window|eu[-_]law|sharedaddy|sd-sharing|sd-like"
    "|share|sharing|social|addtoany|a2a_kit|jp-relatedposts|related|likes-widget|sidebar"
    "|newsletter|subscribe|subscription|site-header|site-footer|breadcrumb|wpcnt|wpadvert|adsbygoogle"
    "|(^|\\s)ad(s|vert)?(\\s|$)|popup|modal|post-navigation|nav-links|navigation|pagination|login"
    "|print-link|moduletable",
    re.IGNORECASE,
)
_WIDGET_ID_RE = re.compile("widget", re.IGNORECASE)
_WIDGET_CLASS_RE = re.compile("(^|\\s)widget", re.IGNORECASE)


def _chrome(tree: HtmlElement) -> list[HtmlElement]:
    """Site chrome, in document order: scripts, navigation, side columns, dialogs, and blocks whose id or
    class names a cookie banner, sharing, related posts, a sidebar, a newsletter box, a pop-up or the like.

    A widget is a sidebar's box, except in the page's main region, where page builders (SiteOrigin,
    HubSpot, Blogger's 'widget Blog', Drupal's main block) call the story's own blocks widgets."""
    found = []
    for el in document_elements(tree):
        tag = el.tag
        if tag in _CHROME_TAGS or el.get("role") in _CHROME_ROLES or el.get("aria-hidden") == "true":
            found.append(el)
        elif tag in _CHROME_CLASSED_TAGS:
            named = _chrome_name(el.get("id") or "", el.get("class") or "")
            if named == "chrome" or (
                named == "widget"
                and not any(a.tag == "main" or a.get("role") == "main" for a in el.iterancestors())
            ):
                found.append(el)
    return found


@remembered
def _chrome_name(ident: str, classes: str) -> str | None:
    """What an id and class name: "chrome", "widget" or nothing. Remembered: a page repeats the same few
    hundred class strings over thousands of elements, and these searches were 5% of extraction's time."""
    if _CHROME_ID_RE.search(ident) or _CHROME_CLASS_RE.search(classes):
        return "chrome"
    if _WIDGET_ID_RE.search(ident) or _WIDGET_CLASS_RE.search(classes):
        return "widget"
    return None


# Article furniture: bylines, "Posted in" / "Tagged" lines, author boxes, image captions; and a headline
# outside the marked article body.
_FURNITURE_TAGS = frozenset(("div", "p", "span", "footer", "header", "dl", "dd", "ul", "section", "address"))
_FURNITURE_CLASS_RE = re.compile(
    r"(^|\s)(entry-meta|entry-footer|entry-utility|post-meta|postmeta|postmetadata"
    r"|post-info|post-details|meta-info|byline|by-line|posted-on|posted-by|entry-date|cat-links|tags-links"
    r"|post-categories|post-tags|tags|tag-links|categories|author-info|author-bio|author-box|about-author"
    r"|entry-author|article-info|article-meta|createdby|published|modified|hits|wp-caption-text"
    r"|wp-caption-dd|caption|blocks-gallery-caption|wp-element-caption|sharedaddy|tag-list)(\s|$)",
    re.IGNORECASE,
)
_FURNITURE_ID_RE = re.compile(r"^(author-info|author-bio|entry-author-info)$", re.IGNORECASE)
_POST_BODY_CLASS_RE = class_pattern(("entry-content", "post-content", "article-content"))


def _furniture(tree: HtmlElement) -> list[HtmlElement]:
    """Article furniture, in document order (see :func:`_chrome` for why a loop and not an XPath)."""
    found = []
    for el in document_elements(tree):
        tag = el.tag
        if tag == "figcaption":
            found.append(el)
        elif tag == "h1":
            if not any(
                a.get("itemprop") == "articleBody" or _POST_BODY_CLASS_RE.search(a.get("class") or "")
                for a in el.iterancestors()
            ):
                found.append(el)
        elif tag in _FURNITURE_TAGS and (
            _FURNITURE_CLASS_RE.search(el.get("class") or "") or _FURNITURE_ID_RE.search(el.get("id") or "")
        ):
            found.append(el)
    return found


_JUNK_TEXT_RE = re.compile(
    r"^\s*(?:(?:this|our) (?:web)?site uses cookies|we use cookies|by continuing to (?:use|browse)"
    r"|cookies? (?:policy|settings|notice))\b",
    re.IGNORECASE,
)


def protected_elements(tree: HtmlElement, core: Sequence[HtmlElement]) -> set[HtmlElement]:
    """The article body and everything around it, and the h1s heading its sections: pruning must never
    take the article away."""
    keep: set[HtmlElement] = set(core)
    keep.update(_section_headings(core))
    title_h1 = tree.xpath(
        f"//h1[{cls_any(['entry-title', 'post-title', 'article-title'])} or @itemprop='headline']"
        " | //article//h1"
    )
    for el in [*main_content(tree), *title_h1[:1]]:
        keep.add(el)
        keep.update(el.iterancestors())
    return keep


# Words of the story's prose standing before an h1 in the block holding it: the story has begun above it
_SECTION_PROSE_WORDS = 20


def _section_headings(core: Sequence[HtmlElement]) -> list[HtmlElement]:
    """The h1s a story heads its own sections with: inside the innermost block holding most of the page's
    prose (``core``), with prose of that block above them.

    HTML5's sectioning lets a page head every section with an h1 (Google's SRE book, a Substack post's
    'Appendices', a blog's 'Day 7' ... 'Conclusions'). Only the headline, standing above its story, is
    furniture; taken with it, every section lost its heading."""
    if not core:
        return []
    inner = max(core, key=lambda el: sum(1 for _ in el.iterancestors()))
    found, above = [], 0
    for el in inner.iter("p", "h1"):
        if el.tag == "h1":
            if above >= _SECTION_PROSE_WORDS:
                found.append(el)
        else:
            above += words(el.text_content())
    return found


def _drop(elements: Iterable[HtmlElement], keep: set[HtmlElement]) -> None:
    for el in list(elements):
        if el in keep or el.getparent() is None or el.tag in ("html", "body"):
            continue
        el.drop_tree()


def prune_chrome(
    original: HtmlElement,
    protected: set[HtmlElement],
    teasers: list[HtmlElement],
    chosen: Sequence[HtmlElement] = (),
    comments: Sequence[HtmlElement] = (),
) -> tuple[HtmlElement, set[HtmlElement]]:
    """A copy without comment sections, reply forms, cookie banners, sharing, related posts and sidebars,
    and what stays protected in it. ``chosen``: the comments the source's ``comment_selector`` picked,
    dropped even where they hold most of the page's prose (they never hold the article: see
    ``comments.chosen_items``); ``comments``: comments found by a site's own class names, which stand in
    no section named as comments ('kb-comments'; ``comments.Found``), dropped where they are not the page's
    prose."""
    tree = deepcopy(original)
    kept, chosen, comments, teasers = in_copies(original, tree, protected, chosen, comments, teasers)
    keep = set(kept)
    _drop(chosen, set())
    _drop(comments, keep)
    _drop(_comment_sections(tree), keep)
    _drop(
        (h for h in tree.iter("h2", "h3", "h4") if COMMENT_HEADING_RE.match(h.text_content() or "")),
        keep,
    )
    for box in _prose_boxes(tree):
        box.tag = "div"  # read as a block of the story, by us and by trafilatura, which drops every aside
    _drop(_chrome(tree), keep)
    # teasers of other pages (a headline linking elsewhere, with its own date): related / most-read rails
    _drop(teasers, keep)
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


# A box of the story's own prose: paragraphs of this many words or more, at least two of them, this many
# words in all, and prose of the story beside it
_BOX_PARAGRAPH_WORDS = 12
_BOX_WORDS = 40
_BESIDE_BOX_WORDS = 30


def _prose_boxes(tree: HtmlElement) -> list[HtmlElement]:
    """``<aside>``s standing in the story's flow and holding prose of their own: a note boxed beside the
    text ('A note on other devices'), a post quoted in a forum reply (Discourse's ``aside.quote``).

    An aside is a side column's or a related-posts box's tag, so every one went as chrome (trafilatura drops
    them too), with the story's paragraphs in it. One that holds two paragraphs or more, is mostly not
    links, is named as no chrome (related, share, newsletter...) and stands beside paragraphs of the story
    is the story's own. Of the 2,487 WCXB dev and trafilatura pages, two changed, both better."""
    found = []
    for el in tree.iter("aside"):
        parent = el.getparent()
        if parent is None or el.get("role") not in (None, "note"):
            continue
        if _chrome_name(el.get("id") or "", el.get("class") or ""):
            continue
        sizes = [words(p.text_content()) for p in el.iter("p")]
        if sum(1 for n in sizes if n >= _BOX_PARAGRAPH_WORDS) < 2 or sum(sizes) < _BOX_WORDS:
            continue
        if link_share(el) > 0.25:
            continue
        if sum(words(p.text_content()) for p in parent if p.tag == "p") >= _BESIDE_BOX_WORDS:
            found.append(el)
    return found


_LANDMARKS = ("aside", "header", "footer", "nav")


def landmarks_opened(tree: HtmlElement) -> HtmlElement | None:
    """A copy of ``tree`` in which a side column, header, footer or navigation holding most of the page's
    prose is a plain block; None when none holds it.

    A page whose markup leaves a pop-up's ``<aside>`` or the site's ``<header>`` open has its whole story
    parsed inside it (ecocult on WCXB dev: a newsletter pop-up's aside, then the site's header, around the
    article). The pruning keeps the block holding most of the prose, but trafilatura drops such landmarks
    with everything they hold, and the page was refused for having no text. Only for such a page: where
    either reading finds text, a landmark that holds most of the prose is most often a real one holding
    menus or a global footer's small print as well (on WCXB dev, opening them everywhere made 5 pages worse
    for 4 better)."""
    total = sum(words(p.text_content()) for p in tree.iter("p"))
    share = TEXT_CORE_SHARE * total
    held = [
        i
        for i, el in enumerate(tree.iter())
        if el.tag in _LANDMARKS and sum(words(p.text_content()) for p in el.iter("p")) >= share
    ]
    if not total or not held:
        return None
    copy = deepcopy(tree)
    nodes = list(copy.iter())
    for i in held:
        nodes[i].tag = "div"
    return copy


def _unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn tables used for page layout (old sites) into divs, so the article is not read as one table row.

    A data table holds short cells; a layout table holds headings in its cells, several paragraphs of text
    or other tables. A heading in a header cell is the data table's own title (a review's 'JMGO N1 Specs').
    """
    for table in list(tree.iter("table")):
        if table.getparent() is None:
            continue
        cells = table.xpath(".//td | .//th")
        layout = bool(table.xpath(".//table | .//td//h1 | .//td//h2 | .//td//h3")) or any(
            _paragraphs_with_text(cell) >= 2 or len(cell.text_content().split()) > 150 for cell in cells
        )
        if not layout:
            continue
        for el in [table, *table.iter("tbody", "thead", "tfoot", "tr", "td", "th", "caption")]:
            el.tag = "div"


def _paragraphs_with_text(cell: HtmlElement) -> int:
    """A table cell's paragraphs that hold text: an editor's empty ``<p>`` (a row heading written
    '<p><strong>Retail</strong></p><p></p>') says nothing of the page's layout."""
    return sum(1 for p in cell.iter("p") if (p.text_content() or "").strip())


def truncate(tree: HtmlElement, url: str) -> None:
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


def prune_furniture(original: HtmlElement, protected: set[HtmlElement]) -> HtmlElement:
    """A copy without bylines, "Posted in"/"Tagged" lines, author boxes, headlines and image captions."""
    tree = deepcopy(original)
    _drop(_furniture(tree), set(in_copy(original, protected, tree)))
    _unwrap_layout_tables(tree)
    _take_out_textless_before_prose(tree)
    _unwrap_heading_anchors(tree)
    _take_out_markers_in_headings(tree)
    _keep_sentences_whole(tree)
    _paragraphs_at_double_breaks(tree)
    return tree


# What trafilatura's precision mode deletes wherever it stands (its ``PRECISION_DISCARD_XPATH``): an element
# whose class or id is 'link' (a whole token) or starts or ends a token with 'bottom', or whose inline style
# names a border.
_DISCARDED_NAME_RE = re.compile(r"(^|\s)link(\s|$)|(^|\s)bottom|bottom(\s|$)")


def _keep_sentences_whole(tree: HtmlElement) -> None:
    """Keep trafilatura's precision mode from cutting words out of the middle of a sentence.

    That mode deletes a ``<span>`` by its class or style as if it were a block of page furniture. Inside
    a paragraph it takes words out and leaves the sentence closed over the gap: CBS News sets each link
    in its prose in ``<span class="link">`` ('Biden, whose support ___ among black voters'), pasted rich
    text carries ``style="box-sizing: border-box"`` on its runs (8 WCXB dev articles lost words so), and
    a sentence with words missing is a misquotation. A span with words of its block before it and
    anything shown after it is part of a sentence: the names and style that send it to that deletion are
    taken off this copy of the page. A span that stands alone in its block is left to trafilatura."""
    for span in tree.iter("span"):
        named = [k for k in ("class", "id") if _DISCARDED_NAME_RE.search(span.get(k) or "")]
        styled = "border" in (span.get("style") or "")
        if (named or styled) and _inside_a_sentence(span):
            for key in named + (["style"] if styled else []):
                del span.attrib[key]


_SENTENCE_HOLDERS = frozenset((*BLOCK_TAGS, "td", "th", "body"))  # where a sentence ends, whatever follows


def _inside_a_sentence(el: HtmlElement) -> bool:
    """Whether ``el`` has words of its block before it and anything shown after it (a word, a stop)."""
    before = after = False
    node = el
    while not (before and after):
        parent = node.getparent()
        if parent is None:
            return False
        after = after or any(
            _shown(sib.tail) or (sib is not node and _shown(sib.text_content()))
            for sib in (node, *node.itersiblings())
        )
        before = before or any(
            _has_word(sib.text_content()) or _has_word(sib.tail) for sib in node.itersiblings(preceding=True)
        )
        before = before or _has_word(parent.text)
        if parent.tag in _SENTENCE_HOLDERS:
            break
        node = parent
    return before and after


def _shown(text: str | None) -> bool:
    return bool(text) and not text.isspace()


def _has_word(text: str | None) -> bool:
    return bool(text) and any(ch.isalnum() for ch in text)


def _paragraphs_at_double_breaks(tree: HtmlElement) -> None:
    """Set the paragraphs a page writes inside one ``<p>`` as line breaks (``<p>One.<br><br>Two.</p>``) as
    paragraphs of their own, as a browser shows them: a blank line between two blocks.

    trafilatura folds two line breaks into one and its text into single newlines, so such a story came
    out as a few long paragraphs (378 words for twelve of them on one WCXB dev page), a quote in them
    cited by the wrong paragraph. Mozilla Readability's rule (``_replaceBrs``): two or more ``<br>`` in a
    row, white space between them, end a paragraph; the words and inline elements after them, up to the
    next pair or block, are the next one; those before the first pair become the first. One ``<br>``
    stays a line break in its paragraph (an address, a verse). Only inside a ``<p>``, which becomes a
    ``<div>`` of them: trafilatura already reads each line of a ``<div>`` written so as a paragraph of its
    own, and applied there too the rule changed what it kept (WCXB dev article pages 8 worse, 5 better; a
    ``<pre>``'s code lost)."""
    split: set[HtmlElement] = set()  # the paragraphs made divisions of paragraphs
    for br in list(tree.iter("br")):
        parent = br.getparent()
        if parent is None or (parent.tag != "p" and parent not in split) or not _break_pair(br):
            continue
        parent.tag = "div"
        split.add(parent)
        _wrap_before(parent, br)
        while _break_pair(br):  # the breaks after this one, and the white space between them, go
            following = br.getnext()
            br.tail = following.tail
            parent.remove(following)
        br.tag = "p"  # the breaks become the next paragraph
        br.text, br.tail = br.tail, None
        while (nxt := br.getnext()) is not None and nxt.tag not in BLOCK_TAGS and not _break_pair(nxt):
            br.append(nxt)  # moves it, with its tail
        if not br.text and not len(br):
            parent.remove(br)


def _break_pair(el: HtmlElement) -> bool:
    """``el`` is a ``<br>`` followed, across nothing but white space, by another."""
    nxt = el.getnext()
    return el.tag == "br" and nxt is not None and nxt.tag == "br" and not (el.tail or "").strip()


def _wrap_before(parent: HtmlElement, br: HtmlElement) -> None:
    """The text and inline elements in ``parent`` before ``br``, back to the previous block, as a ``<p>``."""
    run: list[HtmlElement] = []
    prev = br.getprevious()
    while prev is not None and prev.tag not in BLOCK_TAGS:
        run.insert(0, prev)
        prev = prev.getprevious()
    lead = prev.tail if prev is not None else parent.text
    if not (lead or "").strip() and not any(isinstance(el.tag, str) for el in run):
        return
    para = parent.makeelement("p")
    para.text = lead
    if prev is not None:
        prev.tail = None
        prev.addnext(para)
    else:
        parent.text = None
        parent.insert(0, para)
    for el in run:
        para.append(el)


# Media the body never shows, and the empty elements that mean something where they stand
MEDIA = frozenset({"img", "picture", "source", "svg", "video", "audio"})
_KEPT_EMPTY = frozenset({"br", "hr", "wbr", "td", "th", "tr", "li", "html", "body", *MEDIA})
_PROSE_WORDS = 25  # shorter text after an image is mostly its caption or credit ('Photo by: ...')


def _take_out_textless_before_prose(tree: HtmlElement) -> None:
    """Take out an element showing no text (empty, or holding nothing but an image) when a paragraph of prose
    follows it, keeping the prose.

    trafilatura's precision mode (in which the pruned tree is read) strips ``<img>`` and then deletes an
    element left empty together with the text after it: a paragraph written as
    ``<p><span><img …></span>Planning a trip to Iceland…</p>`` (lazy-loading themes) loses all of its text,
    and so does a podcast's introduction standing after its player's wrapper, emptied by the pruning of its
    scripts and download form. ``drop_tree`` keeps that text where it stands (with the spaces the element
    held). A short text after an image is left to trafilatura: on WCXB dev such text was captions and
    credits, which the gold leaves out."""
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.tag in _KEPT_EMPTY or el.getparent() is None:
            continue
        if words(el.tail) < _PROSE_WORDS:
            continue
        _take_out_if_textless(el)  # read only behind a tail of prose: a few elements, not every one


def _take_out_markers_in_headings(tree: HtmlElement) -> None:
    """Take out an element showing no text inside a subheading, keeping the heading's words after it.

    Table-of-contents plugins mark each subheading with an empty element before its words
    (``<h2><span class="ez-toc-section" id="x"></span>Why you can trust my advice</h2>``), as do themes with
    an icon (``<h3><i class="icon"></i>Eligibility</h3>``). trafilatura's precision mode deletes an empty
    element together with the text after it, so every subheading of such an article was lost. Inside a
    heading the text after a marker is the heading itself, never a caption, so no length is asked of it."""
    for heading in tree.iter(*SUBHEADINGS):
        for el in list(heading.iterdescendants()):
            if isinstance(el.tag, str) and el.tag not in _KEPT_EMPTY and (el.tail or "").strip():
                _take_out_if_textless(el)


def _take_out_if_textless(el: HtmlElement) -> None:
    """Drop ``el`` and keep its tail where it stands, if it shows no text and holds nothing but media."""
    shown = el.text_content()
    if shown.strip() or any(not isinstance(d.tag, str) or d.tag not in MEDIA for d in el.iterdescendants()):
        return
    el.tail = shown + (el.tail or "")  # a space it held between two words stays
    el.drop_tree()


def _unwrap_heading_anchors(tree: HtmlElement) -> None:
    """Keep a subheading's text and drop its link where the link goes nowhere but this page.

    Many themes link each subheading to itself (``<h3 id="x"><a href="#x">Cognitive benefits</a></h3>``, a
    permalink for the table of contents), or wrap it in a named anchor. trafilatura's precision mode deletes
    headings that are mostly link text, taking every subheading of such an article with it; a link to a
    fragment of the same page is not navigation away from the story, so its text stays and the link goes."""
    for heading in tree.iter(*SUBHEADINGS):
        for link in list(heading.iter("a")):
            href = (link.get("href") or "").strip()
            if not href or href.startswith("#"):
                link.drop_tag()
