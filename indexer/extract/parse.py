"""The archived bytes as a tree: HTML or not, size cap, decoding, one lenient lxml parse.

Cheap checks first: a PDF or an image under an HTML URL is told apart before anything is decoded, and a
page beyond ``MAX_BODY_BYTES`` is cut rather than fed whole to the parser.
"""

from __future__ import annotations

import logging
import re

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from casebook.models import RawPage
from indexer.extract.encoding import as_read, decode_html, repair_mojibake

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 5 * 1024 * 1024  # an article page is rarely over 1 MB; beyond 5 MB it is a dump or a trap


def not_html(content_type: str | None, body: bytes) -> str | None:
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


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
BINARY_SAMPLE = 8192  # characters looked at: the start of the page
BINARY_SHARE = 0.01  # of them control characters: no page of text holds that many


def looks_binary(text: str) -> bool:
    """Whether decoded "HTML" is binary data: an image or an archive a server labelled ``text/html``. Its
    bytes decode to characters like any others, and its printable runs, read as text standing in the page's
    body, were kept as an article of gibberish. Text, in any encoding decoded right, holds next to no
    control characters (tab, line and page breaks apart); a few stray ones are tolerated."""
    sample = text[:BINARY_SAMPLE]
    return len(_CONTROL_RE.findall(sample)) > BINARY_SHARE * len(sample)


# Every element of the tree as an ``HtmlElement``, chosen inside lxml. lxml.html's own lookup is a Python call
# for each element object made (3.1 million of them on 150 pages, about 8% of extraction's time, trafilatura's
# passes over our tree included) only to give forms and inputs their own classes, which nothing here uses.
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


# MathML's annotations of a formula (its TeX source, a content encoding), which MathML leaves unrendered
_UNRENDERED = ("annotation", "annotation-xml")


def parse_html(text: str) -> HtmlElement | None:
    """Parse decoded HTML leniently (truncated, malformed, NUL bytes); None if there is nothing."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
    if not text.strip():
        return None
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    parser.set_element_class_lookup(_ELEMENT_CLASSES)
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        log.debug("lxml could not parse the page: %s", exc)
        return None
    if tree is None or not len(tree):
        return None
    _read_in_after_the_end(tree)
    # a formula's annotations (its TeX source, '{\displaystyle A}') are for software: no browser renders them
    etree.strip_elements(tree, *_UNRENDERED, with_tail=False)
    return tree


def _read_in_after_the_end(tree: HtmlElement) -> None:
    """Move what a page holds after its ``</html>`` into its body, where a browser shows it.

    libxml2 makes such content a second root beside the document, which no walk of the tree sees. A
    browser reads it into the body (HTML's "after after body" insertion mode): a WordPress theme that
    closes the page after its header and goes on with the story (WCXB dev 0310) showed the article to its
    readers and to us only its menu."""
    body = tree.find("body")
    if body is None:
        return
    for root in list(tree.itersiblings()):
        if not isinstance(root.tag, str):
            continue
        if root.text and root.text.strip():
            if len(body):
                body[-1].tail = (body[-1].tail or "") + root.text
            else:
                body.text = (body.text or "") + root.text
        for child in list(root):
            if child.tag in ("head", "body"):
                body.extend(list(child))
            else:
                body.append(child)


def decode_page(page: RawPage) -> str:
    """The page's text as a browser would decode it, up to ``MAX_BODY_BYTES``, with text an earlier wrong
    decoding garbled put back (``encoding.repair_mojibake``), as a reader reads it (``encoding.as_read``)."""
    body = page.body or b""
    if len(body) > MAX_BODY_BYTES:
        log.warning(
            "page %s is %d bytes: only the first %d are processed", page.url, len(body), MAX_BODY_BYTES
        )
        body = body[:MAX_BODY_BYTES]
    return as_read(repair_mojibake(decode_html(body, page.content_type)))
