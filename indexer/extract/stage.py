"""The extraction stage: one archived original in, one ``Document`` out (or ``NotAnArticle``).

Journalists quote and date articles by what comes out of here, so the rules lean towards leaving a thing
out rather than guessing. The steps, cheap before expensive, each in its own module:

* the page is decoded as a browser would (``encoding``), with what an earlier wrong decoding garbled put
  back (``encoding.repair_mojibake``), and parsed once with lxml (``parse``);
* a page is refused, with a one-line reason, only on strong evidence that it is not one article
  (``listing``: no text, an error page, a CMS-declared archive, an index of dated teasers, non-HTML, a
  notice that the page needs JavaScript and nothing else);
  every other page is kept and ``Document.extraction`` says how sure the extraction was;
* reader comments are read from the untouched tree (``comments``; by the source's ``comment_selector``
  where the registry names one) and kept apart; a forum thread's replies are its text, not comments
  (``declared.declares_thread``);
* site chrome (comment sections, reply forms, cookie banners, share buttons, related posts and teasers,
  sidebars, navigation) and article furniture (bylines, "Posted in" lines, image captions) are cut from a
  copy of the tree before trafilatura sees it, never the block holding most of the page's prose
  (``prune``), and byline-like paragraphs it still lets through are dropped (``body``);
* title, authors and the rest of the metadata come from the untouched tree (``title``, ``authors``,
  ``metadata``), trafilatura's own metadata only where the page says nothing;
* where that pruning kept less than half of what plain trafilatura finds on the whole page, trafilatura's
  reading is taken instead (``external``, ``extraction = "fallback"``): never below the library we build on
  (a whole block it runs together into one paragraph is read back in the page's blocks: ``in_page_blocks``);
  on a forum thread, its reading with the replies, where ours (each reply headed by its writer and day)
  holds less than three quarters of it, unless every post, the opening one included, was read one by one;
* the publication day comes from ``published`` (the page's timestamps in the source's time zone, the
  printed date, the URL, htmldate last; a forum thread's is its opening post's, where that post was read
  as its replies are), with ``published_from`` and ``published_confidence``. A date is never later than the
  fetch and never invented: no date anywhere gives ``published=None``.
"""

from __future__ import annotations

import html
import logging
from copy import deepcopy
from dataclasses import replace
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from casebook.errors import CasebookError
from casebook.models import Comment, Document, RawPage, Source
from indexer.extract import microdata
from indexer.extract.authors import authors_from_bylines, byline_in_article, page_authors, read_authors
from indexer.extract.body import (
    MIN_WORDS,
    body_paragraphs,
    clean_paragraphs,
    fallback_paragraphs,
    fill_gaps,
    in_page_blocks,
    not_comments,
    unglued,
    with_standfirst,
)
from indexer.extract.comments import (
    chosen_items,
    comment_items,
    extract_comments,
    read_opening,
    thread_paragraphs,
)
from indexer.extract.country import country_zones
from indexer.extract.declared import declares_thread, json_ld, ld_values, meta
from indexer.extract.external import read_article, read_page_author, read_whole_page
from indexer.extract.listing import index_teasers, only_script_notice, refusal_reason
from indexer.extract.markup import in_copy, text_core, visible_text, visible_words, words
from indexer.extract.metadata import (
    article_scope,
    read_canonical,
    read_categories,
    read_language,
    read_tags,
)
from indexer.extract.parse import decode_page, looks_binary, not_html, parse_html
from indexer.extract.prune import (
    landmarks_opened,
    protected_elements,
    prune_chrome,
    prune_furniture,
    truncate,
)
from indexer.extract.published import find_published, find_updated, thread_day
from indexer.extract.title import read_site_names, read_title
from indexer.extract.version import extractor_stamp

log = logging.getLogger(__name__)

# Our pruning is taken unless it kept less than this share of what plain trafilatura finds on the page:
# then trafilatura's reading is the document ("fallback"). Measured on WCXB's dev split (tune half).
FALLBACK_RATIO = 0.5
# A forum thread: trafilatura's reading with the replies (its "comments") is taken when ours, the opening post
# and the replies read one by one, holds less than this share of it (replies our markup rules do not know).
# On WCXB dev's 61 declared threads: body F1 0.717 at 0.5, 0.724 at 0.75, 0.722 at 1.0 (trafilatura 0.673).
THREAD_RATIO = 0.75


class NotAnArticle(CasebookError):
    """The page is not one article (empty, listing/archive page, no body text).

    The message says why in one line.
    """


def extract(page: RawPage, source: str, site: Source | None = None) -> Document:
    """Extract one article from an archived original. Raises NotAnArticle only on strong evidence.

    Every other page is kept, and ``Document.extraction`` says how sure the extraction was. ``source`` is
    the document's source name; ``site`` the registry's entry for the page's site, when it has one: its
    ``timezone`` is where a UTC timestamp's day is read, its ``comment_selector`` picks the comments.
    """
    url = page.url
    # where a UTC timestamp's day is read: the registry's zone for its site, else the address's country's
    timezones = (site.timezone,) if site is not None else country_zones(url)
    what = not_html(page.content_type, page.body or b"")
    if what is not None:
        raise NotAnArticle(f"not an HTML page ({what}): {url}")
    text = decode_page(page)
    if looks_binary(text):
        raise NotAnArticle(f"not an HTML page (binary data): {url}")
    tree = parse_html(text)
    if tree is None or not tree.xpath("//body//text()[normalize-space()]"):
        raise NotAnArticle(f"empty page, no text: {url}")
    core = text_core(tree)  # read once: where the page's prose is, and which blocks are teasers
    teasers = index_teasers(tree, url, core)
    reason = refusal_reason(tree, url, teasers)
    if reason:
        raise NotAnArticle(f"{reason}, not one article: {url}")

    fetched = page.fetched if page.fetched.tzinfo else page.fetched.replace(tzinfo=UTC)
    chosen = chosen_items(tree, site.comment_selector if site is not None else None)
    ld = json_ld(tree)
    found = comment_items(tree, fetched, core, chosen, declares_thread(tree, ld))
    comments: list[Comment] = [] if found.thread else extract_comments(tree, fetched, found.items)
    # a thread's replies leave the body and come back after it, each headed by its writer and day
    reply_items = list(found.replies)
    replies = extract_comments(tree, fetched, reply_items) if reply_items else []
    opening = read_opening(found.opening, reply_items, fetched) if found.opening is not None else None
    leaving = found.items if found.leave_body else reply_items
    chrome_free, kept = prune_chrome(tree, protected_elements(tree, core), teasers, chosen, leaving)
    body_tree = prune_furniture(chrome_free, kept)
    truncate(body_tree, url)
    result = read_article(body_tree, url)

    scope = article_scope(tree)
    host = urlsplit(url).hostname or ""
    site_names = read_site_names(tree, source, getattr(result, "sitename", None))
    title = read_title(tree, scope, site_names, host, getattr(result, "title", None))
    main = microdata.main_item(tree)
    apart = [*found.apart, *microdata.reply_items(tree)]  # someone else's day and name: replies, answers
    authors = read_authors(tree, scope, ld, site_names, getattr(result, "author", None), host, apart, main)
    if opening is not None and opening.author:  # read from the post itself, not from the page around it
        authors = [opening.author]

    paras = _paragraphs(body_tree, url, result)
    if not authors:
        authors = authors_from_bylines(paras, site_names, host)
    if not authors:
        authors = byline_in_article(scope, site_names, host)
    if not authors:
        # less the comments found, not every item marked a Comment: vBulletin 4 marks the opening post so too
        authors = page_authors(read_page_author(_without(tree, found.apart), url), site_names, host)
    paras = clean_paragraphs(paras, title, authors)
    if opening is not None:
        # the opening post marked like its replies stands in what trafilatura takes for a comment section:
        # the thread is its posts, read one by one, each headed by its writer and day
        paras = thread_paragraphs([opening, *replies])
    elif replies:  # where the text held them (the block holding most prose stays whole), they come back once
        paras = _with_replies(paras, replies, tree, reply_items)

    others = [*teasers, *apart, *reply_items]  # teasers', comments', answers' and a thread's replies' days
    published = find_published(tree, chrome_free, scope, ld, url, fetched, timezones, others, main)
    if opening is not None and opening.published and not opening.approximate:
        published = thread_day(published, opening.published, timezones, fetched)
    updated = find_updated(tree, scope, ld, fetched, timezones) or published.updated
    if updated and published.day and updated <= published.day:
        updated = None
    categories = read_categories(tree, scope, ld, getattr(result, "categories", None))
    tags = read_tags(tree, scope, ld, getattr(result, "tags", None))
    language = read_language(tree, getattr(result, "language", None))
    canonical = read_canonical(tree, url)

    extraction = "full"
    ours = words(" ".join(paras))
    # trafilatura cannot find more words than the page shows: only run it when it could find enough more
    ratio = THREAD_RATIO if found.thread else FALLBACK_RATIO
    # a thread whose every post, the opening one included, was read one by one is read whole: what
    # trafilatura finds beyond its posts is the page around them (signatures, a cookie centre)
    every_post = opening is not None and len(replies) == len(reply_items)
    if not every_post and ours < ratio * visible_words(tree):
        elsewhere = visible_text(_without(tree, found.items)) if found.items else ""
        theirs = in_page_blocks(read_whole_page(tree, url, replies=found.thread), tree)
        theirs = not_comments(theirs, comments, elsewhere)
        theirs = clean_paragraphs(theirs, title, authors)
        if ours < ratio * words(" ".join(theirs)):
            if replies:  # a thread's replies, read one by one, come back after its reading as after ours
                theirs = _with_replies(theirs, replies, tree, reply_items)
            else:
                theirs = _looser_reading(body_tree, url, theirs, title, authors) or theirs
            log.info("%s: our reading kept %d words, trafilatura's %d: taking trafilatura's", url, ours,
                     words(" ".join(theirs)))  # fmt: skip
            paras, extraction = theirs, "fallback"
    if opening is None and not replies:
        paras = with_standfirst(tree, paras, _descriptions(tree, ld), title)
    paras = unglued(paras, tree, text)
    body_text = "\n\n".join(paras)
    count = words(body_text)
    opened = landmarks_opened(body_tree) if not count else None
    if opened is not None:  # the story parsed inside a landmark left open: read it as a plain block
        paras = clean_paragraphs(_paragraphs(opened, url, read_article(opened, url)), title, authors)
        body_text = "\n\n".join(paras)
        count = words(body_text)
        log.info("%s: no text outside the landmark holding the page's prose; read it as a block", url)
    if not count and chosen and site is not None:
        # the source's comment selector took the story too: a lost article is worse than comments in it
        log.warning("%s: comment_selector %r leaves no article text here; not applied", url,
                    site.comment_selector)  # fmt: skip
        return extract(page, source, replace(site, comment_selector=None))
    if not count:
        raise NotAnArticle(f"no article text on the page: {url}")
    if only_script_notice(body_text):
        raise NotAnArticle(f"the page shows only a notice that it needs JavaScript: {url}")
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
        extractor=extractor_stamp(),
    )


def _looser_reading(
    body_tree: HtmlElement, url: str, whole: list[str], title: str, authors: list[str]
) -> list[str] | None:
    """trafilatura's default reading of our pruned tree, where its precision reading kept too little: the
    same library's reading as on the whole page (``whole``), less the chrome, furniture and comments the
    pruning took out. None unless it holds at least half of ``whole``'s words and half of its own words
    stand in ``whole``: where the two readings disagree on where the story is (a shop's product grid
    against its description), the library's reading of the whole page stands.

    Precision mode reads a page's first matching block and, where that holds a few words (a 'Skip to main
    content' link, a banner), makes no second attempt; its default mode does. On WCXB dev, of the pages
    that fell back to the whole page's reading, 98 changed: 60 better, 25 worse."""
    looser = _paragraphs(body_tree, url, read_article(deepcopy(body_tree), url, precise=False))
    looser = clean_paragraphs(looser, title, authors)
    count = words(" ".join(looser))
    if count < FALLBACK_RATIO * words(" ".join(whole)):
        return None
    vocabulary = set(" ".join(whole).lower().split())
    found = sum(1 for w in " ".join(looser).lower().split() if w in vocabulary)
    return looser if found >= FALLBACK_RATIO * count else None


def _with_replies(
    paras: list[str], replies: list[Comment], tree: HtmlElement, reply_items: list[HtmlElement]
) -> list[str]:
    """A thread's text: ``paras`` less what its replies (read from ``reply_items``) say, since a reading can
    take a reply for the opening post's text or read the replies without their writers, then each reply
    once, headed by who wrote it when. A paragraph a reply quotes that the page shows outside its replies
    stays."""
    elsewhere = visible_text(_without(tree, reply_items))
    return not_comments(paras, replies, elsewhere) + thread_paragraphs(replies)


def _without(tree: HtmlElement, comments: list[HtmlElement]) -> HtmlElement:
    """The page less the comments given, for readers of the whole page (trafilatura's author: a commenter's
    name marked ``author`` is not the article's; the text the article shows outside its comments)."""
    if not comments:
        return tree
    copy = deepcopy(tree)
    for el in in_copy(tree, comments, copy):
        if el.getparent() is not None:
            el.drop_tree()
    return copy


def _descriptions(tree: HtmlElement, ld: list[dict[str, Any]]) -> list[str]:
    """What the page declares as its summary: its meta descriptions and its article's JSON-LD one."""
    found = meta(tree, "description", "og:description", "twitter:description")
    found += [v for v in ld_values(ld, "description", only_articles=True) if isinstance(v, str)]
    return list(dict.fromkeys(html.unescape(v) for v in found))


def _paragraphs(body_tree: HtmlElement, url: str, result: Any) -> list[str]:
    """The pruned tree's paragraphs as trafilatura read them (``result``, from ``read_article``), the gaps it
    left filled; where it read nothing, the tree's own blocks."""
    paras = body_paragraphs(getattr(result, "body", None))
    return fill_gaps(body_tree, paras, url) if paras else fallback_paragraphs(body_tree)
