"""The headline as printed, without the site's name: the theme's entry title, the article's h1 where it is
the headline the page declares, og:title, the article's h1, <title>.

The site's own names (og:site_name, trafilatura's guess, the registry's source name) are read first, so
that " | Disability News Service" can be cut from a <title> and a site name is never taken for a headline.
"""

from __future__ import annotations

import re
from copy import deepcopy

from lxml.html import HtmlElement

from indexer.extract.comments import tidy
from indexer.extract.declared import meta
from indexer.extract.markup import ancestor_attrs, ancestors, cls_any, in_comments, norm, visible_text

_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " » ", " « ", " · ", " • ", " ~ ")


def _outside_comments(el: HtmlElement) -> bool:
    return not any(in_comments(a) or "comment" in (a.get("class") or "").split() for a in ancestors(el))


def strip_site(title: str, site_names: list[str], host: str) -> str:
    """Drop a " – Site Name" / " | Site" suffix (or "Site | " prefix) when it is the site's name."""
    title = " ".join(title.split())
    labels = [norm(x) for x in re.sub(r"^www\.", "", host).split(".")] if host else []
    host_key = labels[0] if labels else ""
    # the site's own name where the page is on a subdomain of it ('investor.vanguard.com': 'Vanguard'),
    # whole: never the top-level domain, 'co' of '.co.uk', nor a headline holding a hosting service's name
    domain_keys = {k for k in labels[1:-1] if len(k) >= 4}
    site_keys = {norm(s) for s in site_names if len(norm(s)) >= 3}

    def is_site(part: str, leading: bool = False) -> bool:
        key = norm(part)
        if not key:
            return False
        if key in site_keys or (len(key) >= 4 and any(key in d for d in domain_keys)):
            return True
        if leading and any(sep in part for sep in _TITLE_SEPARATORS):
            # what comes first and still holds a headline and a name ('Gym Equipment Guide - Urge Fitness'
            # of '... | Affordable Gyms') holds the host's name but is no site's name: a headline comes
            # first (WCXB dev: three articles were titled by the slogan of a site whose declared name holds
            # a separator itself). A last part holding it ('Top Local Movers - Freightwaves Checkpoint') is
            # the site's slogan and name, and goes.
            return False
        return bool(host_key and len(key) >= 4 and (key in host_key or host_key in key))

    changed = True
    while changed:
        changed = False
        for sep in _TITLE_SEPARATORS:
            if sep not in title:
                continue
            head, _, tail = title.rpartition(sep)
            first, _, rest = title.partition(sep)
            if head.strip() and is_site(tail):
                title, changed = head.strip(), True
                break
            if rest.strip() and is_site(first, leading=True):
                title, changed = rest.strip(), True
                break
    return title


_SITE_HEADING_RE = re.compile(r"site-title|logo|brand|masthead|header", re.I)


def _page_headings(tree: HtmlElement) -> set[str]:
    """The keys of the page's headings (h1-h3) outside its masthead and its comments."""
    return {
        norm(visible_text(el))
        for el in tree.iter("h1", "h2", "h3")
        if not _SITE_HEADING_RE.search(ancestor_attrs(el) + (el.get("class") or "")) and _outside_comments(el)
    }


def _printed_part(title: str, headings: set[str]) -> str:
    """Of a declared title 'Headline | Blog's Name', the part the page also prints as a heading of its own,
    when only one part is and it is the longest: the rest is a site's or a section's name the page never
    declared as such ('Alles Neue mach der Mai… | Bibliothek 2.0 und mehr', 'Blog Archive » Interning of
    Small Integers in Python', an old theme printing the post's title as a plain h2)."""
    for sep in _TITLE_SEPARATORS:
        parts = [part.strip() for part in title.split(sep)]
        if len(parts) < 2:
            continue
        printed = [part for part in parts if norm(part) in headings]
        longest = max(parts, key=len)
        if len(printed) == 1 and printed[0] == longest and len(printed[0].split()) >= 2:
            return printed[0]
    return title


def _same_headline(printed: str, declared: str) -> bool:
    """Whether two headlines (site names cut) share at least half the words of the longer: the same
    headline worded for the page and for sharing, not a section name or one word of the headline."""
    a, b = set(re.findall(r"\w+", printed.lower())), set(re.findall(r"\w+", declared.lower()))
    return bool(a and b) and len(a & b) >= 0.5 * max(len(a), len(b))


def _without_kicker(h1: HtmlElement, declared: list[str]) -> str:
    """The text of a headline element, less a kicker printed before the headline in an element of its own
    (a roofline 'Immobilienkrise', an overline, a section label 'Local News |', a date), or a subtitle or
    byline after it ('Veröffentlicht von SeglerBlog am 23. Februar 2020'): where the rest is the headline
    the page declares (og:title, <title>), that declared headline. On the pages of trafilatura's and WCXB's
    sets whose h1 is a declared headline with words before it, the gold title was the declared one on all
    11 where those words stand in an element of their own; with words after it, on 6 of 7. An h1 of plain
    text ('The Best Home Security Cameras of 2026') keeps its words."""
    text = visible_text(h1)
    key = norm(text)
    for headline in declared:
        rest = norm(headline)
        if len(rest) < 10 or key == rest:
            continue
        if key.endswith(rest):
            extra = key[: len(key) - len(rest)]
        elif key.startswith(rest):
            extra = key[len(rest) :]  # a subtitle or a byline after the headline
        else:
            continue
        if any(norm(el.text_content()) == extra for el in h1.iterdescendants() if isinstance(el.tag, str)):
            return headline
    return _without_leading_label(h1, text)


_KICKER_CLASS_RE = re.compile(
    r"kicker|dachzeile|roofline|overline|topline|eyebrow|topic|pretitle|supertitle", re.I
)
_LABEL_PUNCTUATION = " \t\n-–—:|·•"


def _without_leading_label(h1: HtmlElement, text: str) -> str:
    """An h1 opening with an element its class names a kicker ('<span class="dachzeile">Interne Unterlagen
    im Netz</span> Daten von Rheinmetall gehackt'): the headline without it. German news sites print their
    Dachzeile so; on trafilatura's pages the gold title left it out on all 6 such pages (WCXB dev has none).
    Taking the element off wherever the declared title also names it apart ('Daten von Rheinmetall gehackt
    - Interne Unterlagen im Netz') was tried: it cut a product's brand and a Python module's name off their
    titles on WCXB dev (7 titles lost, 1 gained)."""
    first = next((el for el in h1 if isinstance(el.tag, str)), None)
    if first is None or (h1.text or "").strip() or not _KICKER_CLASS_RE.search(first.get("class") or ""):
        return text
    kicker = visible_text(first).strip(_LABEL_PUNCTUATION)
    rest_el = deepcopy(h1)
    rest_el[h1.index(first)].drop_tree()  # its tail, the headline's words after it, stays
    rest = " ".join(visible_text(rest_el).split()).strip(_LABEL_PUNCTUATION)
    return rest if kicker and len(kicker.split()) <= 8 and len(rest.split()) >= 3 else text


def read_title(
    tree: HtmlElement, scope: HtmlElement, site_names: list[str], host: str, fallback: str | None
) -> str:
    """The headline: h1.entry-title, the article's h1 where it words the declared headline, og:title, the
    article's h1, then <title>, without the site name (and an h1's kicker, see :func:`_without_kicker`)."""
    headings = _page_headings(tree)
    og = [
        _printed_part(strip_site(tidy(d), site_names, host), headings)
        for d in meta(tree, "og:title", "twitter:title")
    ]
    title_tag = [_printed_part(strip_site(tidy(tree.findtext(".//title") or ""), site_names, host), headings)]
    declared = [*og, *title_tag]
    entry = [
        _without_kicker(el, declared)
        for el in tree.xpath(
            f"//h1[{cls_any(['entry-title', 'post-title', 'article-title', 'page-title', 'headline'])}"
            " or @itemprop='headline'] | //*[@itemprop='headline'][self::h1 or self::h2]"
        )
        if _outside_comments(el)
    ]
    scoped_h1 = [_without_kicker(el, declared) for el in scope.xpath("descendant-or-self::h1")]
    # old themes (Kubrick and its children) mark a single post's title up as h2.entry-title
    h2_titles = tree.xpath(f"//h2[{cls_any(['entry-title', 'post-title'])}]")
    scoped_h1 += [visible_text(h2_titles[0])] if len(h2_titles) == 1 else []
    any_h1 = [
        visible_text(el)
        for el in tree.iter("h1")
        if not _SITE_HEADING_RE.search(ancestor_attrs(el) + (el.get("class") or ""))
    ]
    # the article's h1 as printed, before og:title, where it is recognisably the same headline as the one
    # the page declares: not a section name ("Blog", "Perspectives") standing in the article's h1
    printed = [h for h in scoped_h1[:1] if any(_same_headline(h, d) for d in declared)]
    # the site's names, and its address: a blog's masthead h1 'davidbau.com' is no headline (WCXB dev)
    not_headlines = {norm(s) for s in [*site_names, host, re.sub(r"^www\.", "", host)] if s}
    for candidate in [*entry, *printed, *og, *scoped_h1, *title_tag, *any_h1, fallback or ""]:
        cleaned = strip_site(tidy(candidate).replace("\n", " "), site_names, host)
        if cleaned and norm(cleaned) not in not_headlines:
            return cleaned
    return ""


def read_site_names(tree: HtmlElement, source: str, traf_site: str | None) -> list[str]:
    # trafilatura guesses a site name from <title> when the page declares none, and on a "Headline | Blog"
    # title it can take the headline; a publisher may fill a web app's name with the headline (MSN's
    # application-name): a guess or an app's name that is the page's own heading is not the site's name
    headings = {norm(h.text_content()) for h in tree.iter("h1", "h2")}
    names = meta(tree, "og:site_name")
    apps = meta(tree, "application-name", "apple-mobile-web-app-title")
    names += [name for name in apps if norm(name) not in headings]
    if traf_site and norm(traf_site) not in headings:
        names.append(traf_site)
    names.append(source.replace("-", " ").replace("_", " "))
    return [n for n in dict.fromkeys(" ".join(n.split()) for n in names) if n]
