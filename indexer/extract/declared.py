"""What a page declares about itself in machine-readable form: <meta> tags and JSON-LD.

JSON-LD is read leniently: real pages carry trailing commas, raw line breaks inside strings, HTML comment
wrappers and several objects in one script. Skipping such a block sent the date reader to the next thing it
could find (a teaser's date); mending the common faults keeps the page's own statement. Its strings are
HTML-unescaped: WordPress's SEO plugins write ``"name": "Maria &amp; Katerina"``, which read as written
made two authors of 'Maria' and 'amp'.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from lxml.html import HtmlElement

_ARTICLE_TYPE_RE = re.compile(r"Article|BlogPosting|Report")
_TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")
_WRAPPER_RE = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")


def meta(tree: HtmlElement, *names: str) -> list[str]:
    """Values of <meta property|name=...> tags, in the order of ``names``.

    Microdata (itemprop) is read by the scoped readers instead: a sidebar list of other articles has it too.
    """
    tags = [
        ((el.get("property") or el.get("name") or "").lower(), (el.get("content") or "").strip())
        for el in tree.iter("meta")
    ]  # one walk of the page, not one a name
    values: list[str] = []
    for name in names:
        wanted = name.lower()
        values.extend(content for key, content in tags if key == wanted and content)
    return values


def _decode_all(text: str) -> list[Any]:
    """Every JSON value in ``text``, one after another (several objects pasted into one script)."""
    decoder = json.JSONDecoder(strict=False)
    out, index = [], 0
    while index < len(text):
        while index < len(text) and text[index] in " \t\r\n;,":
            index += 1
        if index >= len(text):
            break
        value, index = decoder.raw_decode(text, index)
        out.append(value)
    return out


def _salvage(text: str) -> list[Any]:
    """Beyond repair as JSON: the first top-level-looking keys read one by one, so the date survives."""
    found: dict[str, Any] = {}
    for key in ("@type", "headline", "datePublished", "dateCreated", "dateModified"):
        match = re.search(rf'"{re.escape(key)}"\s*:\s*"((?:[^"\\]|\\.)*)"', text)
        if match:
            found[key] = match.group(1)
    return [found] if "datePublished" in found or "dateModified" in found else []


def loads_lenient(raw: str) -> list[Any]:
    """JSON-LD text to values, mending trailing commas, raw control characters and comment wrappers."""
    text = _WRAPPER_RE.sub("", raw.strip())
    for attempt in (text, _TRAILING_COMMA_RE.sub(r"\1", text)):
        try:
            return _decode_all(attempt)
        except (json.JSONDecodeError, RecursionError, ValueError):
            continue
    return _salvage(text)


def json_ld(tree: HtmlElement) -> list[dict[str, Any]]:
    """JSON-LD objects, flattened out of lists and @graph, articles first.

    Objects nested inside others (an ItemList's teasers, an author's own page) are not collected: they
    describe other things than this page.
    """
    objects: list[dict[str, Any]] = []

    def collect(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                collect(item)
        elif isinstance(node, dict):
            objects.append(node)
            if "@graph" in node:
                collect(node["@graph"])

    for script in tree.xpath("//script[@type='application/ld+json']"):
        raw = (script.text or "").strip()
        if raw:
            collect(_unescaped(loads_lenient(raw)))

    def rank(obj: dict[str, Any]) -> int:
        if is_article(obj):
            return 0
        return 1 if "WebPage" in json.dumps(obj.get("@type", "")) else 2

    return sorted(objects, key=rank)


def _unescaped(values: list[Any]) -> list[Any]:
    """``values`` with every string in them HTML-unescaped, in place (without recursion: a hostile page's
    nesting is as deep as the JSON decoder allowed)."""
    stack: list[Any] = [values]
    while stack:
        node = stack.pop()
        keys = range(len(node)) if isinstance(node, list) else list(node)
        for key in keys:
            value = node[key]
            if isinstance(value, str):
                if "&" in value:
                    node[key] = html.unescape(value)
            elif isinstance(value, (list, dict)):
                stack.append(value)
    return values


def is_article(obj: dict[str, Any]) -> bool:
    return bool(_ARTICLE_TYPE_RE.search(json.dumps(obj.get("@type", ""))))


_THREAD_TYPE_RE = re.compile(r"\bDiscussionForumPosting\b")


def declares_thread(tree: HtmlElement, objects: list[dict[str, Any]]) -> bool:
    """The page declares itself a forum thread: schema.org's ``DiscussionForumPosting`` as a JSON-LD
    object's type or its page's ``mainEntity`` (XenForo, Invision), or as a microdata item (Discourse).

    A thread's replies are its text, not comments under an article: WCXB's gold keeps each thread whole, as
    trafilatura's own set does for such a page. On WCXB dev, 61 of its 113 forum pages declare it and none
    of its 1,384 other pages do. (A question with its answers, ``QAPage``, is not: its comments are.)
    """
    for obj in objects:
        main = obj.get("mainEntity")
        mains = main if isinstance(main, list) else [main]
        types = [obj.get("@type", ""), *(m.get("@type", "") for m in mains if isinstance(m, dict))]
        if _THREAD_TYPE_RE.search(json.dumps(types)):
            return True
    return any(_THREAD_TYPE_RE.search(el.get("itemtype", "")) for el in tree.xpath("//*[@itemtype]"))


def ld_texts(value: Any) -> list[str]:
    """The texts a JSON-LD value holds, in order: a string; each of a list's; an object's ``name`` (a
    ``DefinedTerm``, a ``Person``) or ``@value`` (a value object). schema.org lets any property hold a list or
    an object. Numbers, booleans and references (``{"@id": "#section"}``) hold no text: their Python spelling
    ("True", "{'@id': '#section'}", "['Jo Bloggs']") was given as a category, a tag or an author's name.
    """
    out: list[str] = []
    stack = [value]
    while stack:  # no recursion: a hostile page's nesting is as deep as the JSON decoder allowed
        node = stack.pop()
        if isinstance(node, str):
            if node.strip():
                out.append(node)
        elif isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            inner = node.get("name", node.get("@value"))
            if inner is not None:
                stack.append(inner)
    return out


def ld_values(objects: list[dict[str, Any]], key: str, only_articles: bool = False) -> list[Any]:
    out = []
    for obj in objects:
        if only_articles and not is_article(obj):
            continue
        if key in obj and obj[key]:
            out.append(obj[key])
    return out
