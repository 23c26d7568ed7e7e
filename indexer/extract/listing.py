"""Is this page one article? Refused only on strong evidence: a lost article is worse than a kept index.

Three kinds of evidence are strong enough:

* the page says it is an error page (WordPress's ``error404`` body class, or a "page not found" heading on
  a page with little text);
* the CMS says it is an archive (WordPress's ``archive`` / ``category`` / ``tag`` / ``search`` / home-blog
  body classes, Joomla's category and blog views) *and* the page holds at least two posts, or it marks the
  page up as a schema.org Blog of several ``blogPost`` items (Joomla's blog layout);
* the main content is mostly an index of teasers, each carrying its own headline linking elsewhere and
  its own date (``index_teasers``), at least three of them. A forum post's heading is no headline: it
  names who wrote the post (a link to a profile) or links to the post's own place on this page.

And one, read from the text found rather than the markup: the page's whole text is a notice that it needs
JavaScript ('You need to enable JavaScript to run this app.'): a script-built page's empty shell.

Anything weaker (an article with a "related", "most read" or "more from" rail of teasers, a theme that puts
``archive`` on every page, a single post among teasers) keeps the page: the extractor then says how sure it
was instead.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from indexer.extract.markup import (
    COMMENTISH_RE,
    RE_NS,
    ancestor_attrs,
    ancestors,
    cls_any,
    in_article_proper,
    in_comments,
    text_core,
    without_fragment,
    words,
)
from indexer.extract.published import MONTH

# WordPress body classes, and Joomla's view/layout classes, that say what kind of page this is.
_LISTING_BODY_CLASSES = {
    "archive", "category", "tag", "search", "search-results", "paged", "author", "date",
    "view-category", "view-featured", "layout-blog", "view-archive", "view-tag", "view-search",
}  # fmt: skip
_SINGLE_BODY_CLASSES = {"single", "single-post", "page-template-default", "view-article"}

_POST_XPATH = etree.XPath(
    f"//article | //*[@itemprop='blogPost'] | //div[{cls_any(['hentry', 'type-post'])}"
    " or (contains(concat(' ', normalize-space(@class), ' '), ' post ') and re:test(@id, '^post-\\d+$'))]",
    namespaces=RE_NS,
)
_NOT_FOUND_RE = re.compile(r"\b(?:404|page not found|not found|page (?:does not|doesn't) exist)\b", re.I)

DATE_TEXT_RE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{MONTH},?\s+\d{{4}}|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    r"|\d+\s+(?:minutes?|hours?|days?|weeks?|months?)\s+ago)\b",
    re.IGNORECASE,
)
_SKIP = {"nav", "header", "footer", "aside", "form", "script", "style", "noscript", "template"}
MIN_TEASERS = 3
TEASER_MAX_WORDS = 200
TEASER_SHARE = 0.6  # of the main content's words inside the teasers


def _body_classes(tree: HtmlElement) -> set[str]:
    body = tree.find(".//body")
    return set((body.get("class") or "").split()) if body is not None else set()


def _main(tree: HtmlElement) -> HtmlElement:
    found = tree.xpath("//main | //*[@role='main']")
    if len(found) == 1:
        return found[0]
    body = tree.find(".//body")
    return body if body is not None else tree


def _content_words(el: HtmlElement) -> int:
    """Words of ``el`` outside navigation, headers, footers, asides, forms and scripts."""
    total = words(el.text)
    stack = list(el)
    while stack:
        node = stack.pop()
        if isinstance(node.tag, str) and node.tag not in _SKIP:
            total += words(node.text)
            stack.extend(node)
        total += words(node.tail)
    return total


def _counted_in(el: HtmlElement, main: HtmlElement) -> bool:
    """Whether ``_content_words(main)`` counts ``el``'s words: inside ``main`` and not in navigation, a
    header, footer, aside or form on the way. A rail of teasers in the sidebar beside an article is no
    part of the main content's words, so it cannot make up most of them."""
    for node in (el, *el.iterancestors()):
        if node is main:
            return True
        if node.tag in _SKIP:
            return False
    return False


def _has_date(el: HtmlElement, heading: HtmlElement) -> bool:
    if el.xpath(".//time | .//*[@itemprop='datePublished']"):
        return True
    text = " ".join(t for t in el.itertext() if t.strip())
    heading_text = heading.text_content()
    return bool(DATE_TEXT_RE.search(text.replace(heading_text, " ", 1)))


# A link to a person rather than to a page: forum software's profile URLs, and links marked as a user name
_PROFILE_PATH_RE = re.compile(
    r"/(?:members?|users?|u|profiles?|authors?)/[^/]+/?$|/(?:memberlist|member|profile)\.php$", re.IGNORECASE
)
_POSTER_MARK_RE = re.compile(r"(?:^|\s)(?:username|user-name|author)(?:\s|$)", re.IGNORECASE)


def _names_a_poster(link: HtmlElement) -> bool:
    """A heading whose link is a person's name ('felixen' -> /members/felixen.304082/): a forum post's
    header names who wrote it, where a teaser's headline names another page."""
    if _POSTER_MARK_RE.search(link.get("class") or "") or "author" in (link.get("rel") or "").split():
        return True
    return bool(_PROFILE_PATH_RE.search(urlsplit(link.get("href") or "").path))


def _on_this_page(href: str, page_url: str, anchors: set[str]) -> bool:
    """A link to an element of this very page by another address of it ('viewtopic.php?p=550452#p550452'
    on 'viewtopic.php?t=112320': a post's permalink in the thread that holds it): the same path, and a
    fragment naming an element the page holds."""
    target = urlsplit(urljoin(page_url, href))
    return bool(target.fragment) and target.fragment in anchors and target.path == urlsplit(page_url).path


def index_teasers(
    tree: HtmlElement, page_url: str = "", core: list[HtmlElement] | None = None
) -> list[HtmlElement]:
    """Teasers of other pages: around each headline that links elsewhere, the smallest block holding a
    date of its own, widened as far as it goes without taking in another such headline or the block that
    holds most of the page's prose. Rails beside an article are teasers too; whether they make an index is
    a matter of how much of the page they fill (``refusal_reason``)."""
    here = without_fragment(page_url)
    anchors = set(tree.xpath("//@id | //a/@name"))
    headings = []
    for heading in tree.iter("h1", "h2", "h3", "h4", "h5"):
        if COMMENTISH_RE.search(ancestor_attrs(heading)):
            continue  # a comment thread's headings ('Leave a reply') head no teaser
        links = [a for a in heading.iter("a") if (a.get("href") or "").strip()]
        if not links:
            continue
        href = (links[0].get("href") or "").strip()
        if href.startswith("#") or (here and without_fragment(urljoin(page_url, href)) == here):
            continue  # the page's own headline, linked to itself ('/posts/x' on https://site/posts/x)
        if _names_a_poster(links[0]) or _on_this_page(href, page_url, anchors):
            continue  # a forum post's heading: who wrote it, or the post's own permalink
        headings.append(heading)
    if not headings:
        return []
    heading_set = set(headings)
    core_set = set(text_core(tree) if core is None else core)

    def alone(block: HtmlElement) -> bool:
        """One teaser's headline in ``block``, and not the page's own (an <h1> linking nowhere else)."""
        held = [h for h in block.iter("h1", "h2", "h3", "h4", "h5") if h in heading_set or h.tag == "h1"]
        return len(held) == 1 and held[0] in heading_set

    teasers: list[HtmlElement] = []
    for heading in headings:
        dated = None
        for block in ancestors(heading):
            if block in core_set or block.tag == "main" or not alone(block):
                break
            if _has_date(block, heading):
                dated = block
                break
        if dated is None:
            continue
        while True:
            parent = dated.getparent()
            if parent is None or parent.tag in ("body", "html", "main") or parent in core_set:
                break
            if not alone(parent) or _content_words(parent) > TEASER_MAX_WORDS:
                break
            dated = parent
        if _content_words(dated) <= TEASER_MAX_WORDS:  # a teaser is a summary, not a story or a thread
            teasers.append(dated)
    chosen = set(teasers)
    return [t for t in teasers if not any(a in chosen for a in t.iterancestors())]


def _post_blocks(tree: HtmlElement) -> list[HtmlElement]:
    """Outermost posts (<article>, hentry, blogPost...) that are not comments."""
    found = _POST_XPATH(tree)
    marked = set(found)
    out = []
    for post in found:
        if any(a in marked for a in post.iterancestors()):
            continue
        if re.search(r"comment", post.get("class") or "", re.I) or any(
            in_comments(a) for a in ancestors(post)
        ):
            continue
        out.append(post)
    return out


def _not_found(tree: HtmlElement) -> bool:
    """A title or main heading that says 'page not found' over a page with little text."""
    heads = [tree.findtext(".//title") or ""] + [h.text_content() for h in tree.iter("h1")][:2]
    if not any(_NOT_FOUND_RE.search(h) for h in heads):
        return False
    return _content_words(_main(tree)) < 120


_SCRIPT_NOTICE_RE = re.compile(
    r"\b(?:enable|turn on|activate|allow)\s+(?:your\s+)?javascript|javascript\s+(?:is\s+)?(?:required"
    r"|disabled|turned off)|(?:requires?|needs?)\s+javascript",
    re.IGNORECASE,
)
_SCRIPT_NOTICE_WORDS = 30  # a notice, not an article that mentions JavaScript


def only_script_notice(text: str) -> bool:
    """The text is a notice that the page needs JavaScript, and nothing more."""
    return len(text.split()) <= _SCRIPT_NOTICE_WORDS and bool(_SCRIPT_NOTICE_RE.search(text))


def refusal_reason(
    tree: HtmlElement, page_url: str = "", teasers: list[HtmlElement] | None = None
) -> str | None:
    """Why the page is not one article, on strong evidence only; None keeps it. ``teasers``: the page's
    ``index_teasers``, when already read."""
    classes = _body_classes(tree)
    if "error404" in classes or _not_found(tree):
        return "a 'page not found' page"
    looks_single = bool(classes & _SINGLE_BODY_CLASSES) or any(c.startswith("postid-") for c in classes)
    declared = classes & _LISTING_BODY_CLASSES
    if {"home", "blog"} <= classes:
        declared.add("home blog")
    if declared and not looks_single:
        posts = _post_blocks(tree)
        if len(posts) >= 2:
            return f"{' '.join(sorted(declared))} page with {len(posts)} posts"
    blog_posts = [el for el in tree.xpath("//*[@itemprop='blogPost']") if in_article_proper(el)]
    # schema.org: the CMS marks the page a Blog of several BlogPostings, unless it also declares the page a
    # single post (seen: a theme marking each section of one story, and its 'related' slider, blogPost)
    if len(blog_posts) >= 2 and not looks_single:
        return f"blog listing with {len(blog_posts)} posts"
    teasers = index_teasers(tree, page_url) if teasers is None else teasers
    if len(teasers) >= MIN_TEASERS:
        main = _main(tree)
        total = _content_words(main)
        inside = sum(_content_words(t) for t in teasers if _counted_in(t, main))
        if total and inside / total >= TEASER_SHARE:
            return f"an index of {len(teasers)} teasers, each with its own headline, link and date"
    return None
