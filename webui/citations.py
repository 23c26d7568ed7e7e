"""Citations and exports: one record per document, rendered for people and reference managers.

A campaigner pastes these into a briefing and a journalist into a story, so every format carries the same
facts: author, headline, outlet, publication date, the original URL and the archived copy with its fetch date.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote, urlsplit

from casebook.models import Document, Entity

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|!~"})


def web_url(url: str | None) -> str | None:
    """The URL if it is an http(s) address, else None: a crawled page may give any scheme
    (``javascript:``, ``data:``), and only web addresses may ever become links, in pages or in exports."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _md(text: str) -> str:
    """Text from a crawled page, made inert in Markdown (no links, images, HTML or emphasis)."""
    return " ".join(text.split()).translate(MARKDOWN_SPECIAL)


def _md_target(url: str) -> str:
    """A link target inside ``(<...>)``: characters that could end it are percent-encoded."""
    return url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E").replace("\n", "")


@dataclass(frozen=True)
class Citation:
    """What every citation format needs, resolved once."""

    doc_id: str
    title: str
    authors: list[str]
    outlet: str
    published: date | None
    url: str
    archived_url: str
    fetched: datetime

    @classmethod
    def of(cls, doc: Document, outlet: str, archived_url: str) -> Citation:
        return cls(
            doc.id,
            doc.title,
            list(doc.authors),
            outlet,
            doc.published,
            doc.canonical_url,
            archived_url,
            doc.fetched,
        )


def _long_date(day: date | datetime | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "n.d."


def _harvard_name(name: str) -> str:
    parts = name.split()
    if len(parts) < 2:
        return name
    initials = " ".join(f"{p[0]}." for p in parts[:-1])
    return f"{parts[-1]}, {initials}"


def plain(c: Citation) -> str:
    by = f"{', '.join(c.authors)}, " if c.authors else ""
    return (
        f"{by}“{c.title}”, {c.outlet}, {_long_date(c.published)}. {c.url} "
        f"(archived copy: {c.archived_url}, fetched {_long_date(c.fetched)})"
    )


def markdown(c: Citation) -> str:
    """The headline links to the original only when that is a web address; every crawled string is inert."""
    by = f"{_md(', '.join(c.authors))}, " if c.authors else ""
    original = web_url(c.url)
    title = f"[{_md(c.title)}](<{_md_target(original)}>)" if original else f"{_md(c.title)} ({_md(c.url)})"
    return (
        f"{by}{title}, *{_md(c.outlet)}*, {_long_date(c.published)} "
        f"([archived copy](<{_md_target(c.archived_url)}>), fetched {_long_date(c.fetched)})"
    )


def harvard(c: Citation) -> str:
    names = " and ".join(_harvard_name(a) for a in c.authors) or c.outlet
    year = c.published.year if c.published else "n.d."
    day = f", {c.published.day} {c.published:%B}" if c.published else ""
    return (
        f"{names} ({year}) ‘{c.title}’, {c.outlet}{day}. Available at: {c.url} "
        f"(Accessed: {_long_date(c.fetched)}). Archived at: {c.archived_url}"
    )


def _split_name(name: str) -> dict[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return {"literal": name}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def _ris_name(name: str) -> str:
    """``Family, Given`` as RIS wants it, with the given names in full (``Pring, John``)."""
    parts = _split_name(name)
    return f"{parts['family']}, {parts['given']}" if "family" in parts else parts["literal"]


def csl_json(c: Citation) -> dict:
    item: dict = {
        "id": c.doc_id,
        "type": "article-newspaper",
        "title": c.title,
        "container-title": c.outlet,
        "accessed": {"date-parts": [[c.fetched.year, c.fetched.month, c.fetched.day]]},
        "note": f"Archived copy: {c.archived_url}",
    }
    if web_url(c.url):
        item["URL"] = c.url  # a reference manager opens it: only a web address
    else:
        item["note"] += f"; original address (not a web link): {c.url}"
    if c.authors:
        item["author"] = [_split_name(a) for a in c.authors]
    if c.published:
        item["issued"] = {"date-parts": [[c.published.year, c.published.month, c.published.day]]}
    return item


def ris(c: Citation) -> str:
    """RIS for Zotero and friends: one ``TAG  - value`` per line, values flattened to one line."""
    tags: list[tuple[str, str]] = [("TY", "NEWS"), ("TI", c.title)]
    tags += [("AU", _ris_name(a)) for a in c.authors]
    tags.append(("T2", c.outlet))
    if c.published:
        tags += [("PY", str(c.published.year)), ("DA", f"{c.published:%Y/%m/%d}")]
    tags += [("UR", c.url)] if web_url(c.url) else [("N1", f"Original address (not a web link): {c.url}")]
    tags += [("Y2", f"{c.fetched:%Y/%m/%d}"), ("N1", f"Archived copy: {c.archived_url}")]
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in tags]
    return "\r\n".join([*lines, "ER  - "]) + "\r\n"


def speaker_credit(
    written: str | None, entity: Entity | None, name: str | None, day: date | None, sample: bool = False
) -> str:
    """Who said it, as a citation names them: the canonical name (not "Timms") and, for an official, the
    role held on the article's date ("Stephen Timms, Minister of State for Social Security and
    Disability"). An undated article gets no role: which one applied cannot be known.

    ``entity`` is the gazetteer's entry for the speaker, ``name`` the name the archive knows them by;
    ``sample`` marks one of the demo's invented people, which the credit says, since it is copied alone."""
    full = entity.name if entity else name or written
    if not full:
        return "speaker not identified"
    if entity and entity.kind == "organisation" and written and "spokes" in written.lower():
        credit = f"a {full} spokesperson"
    else:
        roles = [r.title for r in entity.roles if r.holds_on(day)] if entity and day else []
        credit = ", ".join([full, " and ".join(roles)]) if roles else full
    return f"{credit} (sample data: an invented person)" if sample else credit


def quote_citation(
    text: str,
    credit: str,
    title: str,
    outlet: str,
    published: date | None,
    url: str,
    archived_url: str,
    paragraph_url: str,
) -> str:
    """“Quote” — speaker, in “Headline”, Outlet, date. URL (archived copy ...; paragraph ...)."""
    when = _long_date(published) if published else "undated"
    return (
        f"“{text}” — {credit}, in “{title}”, {outlet}, {when}. {url}"
        f" (archived copy: {archived_url}; the quote in context: {paragraph_url})"
    )


# A quote of more words than this is named in its link by its first and last few (a text fragment's start
# and end): the link stays short enough to paste
WHOLE_QUOTE_WORDS = 8
QUOTE_EDGE_WORDS = 4
QUOTE_CONTEXT_WORDS = 3  # words before the quote that place it


def quote_anchor(paragraph: int, text: str, before: str = "") -> str:
    """The fragment that opens a document at a quote: its paragraph and its words, ``p16:~:text=…``.

    Paragraph numbers are the extraction's: a later extraction (``casebook reextract``) that breaks the page
    into paragraphs differently renumbers them, and a published ``#p16`` then opens at other words. The text
    fragment (read by current Chromium, Firefox and Safari) scrolls to the quote's own words wherever they
    stand and highlights them; where the words are no longer found, the browser goes to the paragraph.
    A long quote is named by its first and last words (``text=start,end``). ``before`` is the text of its
    line up to the quote: its last few words go first (``text=prefix-,...``), so that a short quote ("not
    happy") is found where it was said, not where the same words stand earlier in the article.
    """
    words = text.split()
    if len(words) <= WHOLE_QUOTE_WORDS:
        named = _fragment_text(" ".join(words))
    else:
        start, end = words[:QUOTE_EDGE_WORDS], words[-QUOTE_EDGE_WORDS:]
        named = f"{_fragment_text(' '.join(start))},{_fragment_text(' '.join(end))}"
    context = " ".join(before.split()[-QUOTE_CONTEXT_WORDS:])
    if context:
        named = f"{_fragment_text(context)}-,{named}"
    return f"p{paragraph}:~:text={named}"


def _fragment_text(words: str) -> str:
    """Words percent-encoded for a text fragment, where ``,``, ``&`` and ``-`` are its syntax."""
    return quote(words, safe="").replace("-", "%2D")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula is prefixed with an apostrophe and shown as text."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


CSV_FIELDS = ("id", "title", "authors", "outlet", "published", "url", "archived_url", "fetched", "citation")


def row(c: Citation) -> dict[str, str]:
    return {
        "id": c.doc_id,
        "title": c.title,
        "authors": "; ".join(c.authors),
        "outlet": c.outlet,
        "published": c.published.isoformat() if c.published else "",
        "url": c.url,
        "archived_url": c.archived_url,
        "fetched": c.fetched.isoformat(),
        "citation": plain(c),
    }


def iter_csv(citations: Iterable[Citation]) -> Iterator[str]:
    """CSV a row at a time (a header first): exports stream, however many rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for c in citations:
        writer.writerow({k: neutralise(v) for k, v in row(c).items()})
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def iter_jsonl(citations: Iterable[Citation]) -> Iterator[str]:
    for c in citations:
        yield json.dumps(row(c), ensure_ascii=False) + "\n"


def iter_csl_json(citations: Iterable[Citation]) -> Iterator[str]:
    """A CSL-JSON array, an item at a time."""
    yield "["
    for n, c in enumerate(citations):
        item = json.dumps(csl_json(c), ensure_ascii=False, indent=2)
        yield ("," if n else "") + "\n" + textwrap.indent(item, "  ")
    yield "\n]\n"


def iter_ris(citations: Iterable[Citation]) -> Iterator[str]:
    for c in citations:
        yield ris(c)


def to_csv(citations: Iterable[Citation]) -> str:
    return "".join(iter_csv(citations))


def to_jsonl(citations: Iterable[Citation]) -> str:
    return "".join(iter_jsonl(citations))


def to_csl_json(citations: Iterable[Citation]) -> str:
    return "".join(iter_csl_json(citations))


def to_ris(citations: Iterable[Citation]) -> str:
    return "".join(iter_ris(citations))
