"""The document text as HTML: entity mentions linked to their pages, quotes marked, every byte escaped.

The text is crawled, hostile input. It is cut at mention and quote offsets and each piece is escaped on
its own before any tag is added around it, so nothing in the text can open or close a tag.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from casebook.models import Mention, Quote

PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class Paragraph:
    number: int
    html: Markup


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    while start <= len(text):
        end = text.find(PARAGRAPH_BREAK, start)
        end = len(text) if end == -1 else end
        if text[start:end].strip():
            spans.append((start, end))
        start = end + len(PARAGRAPH_BREAK)
    return spans


def paragraph_number(text: str, offset: int) -> int | None:
    """The number (from 1, as the page's ¶ anchors count) of the paragraph holding ``offset``."""
    for number, (start, end) in enumerate(_paragraph_spans(text), 1):
        if start <= offset < end:
            return number
    return None


def _non_overlapping(mentions: Sequence[Mention]) -> list[Mention]:
    """Longest first at each start; a mention overlapping one already kept is dropped."""
    kept: list[Mention] = []
    last_end = -1
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if m.start >= last_end and m.end > m.start:
            kept.append(m)
            last_end = m.end
    return kept


def marked_paragraphs(
    text: str, mentions: Sequence[Mention], quotes: Sequence[Quote], entity_href: Callable[[str], str]
) -> list[Paragraph]:
    """Paragraphs (split at blank lines) as safe HTML, numbered from 1 for the ¶ anchors."""
    links = _non_overlapping(mentions)
    quote_spans = sorted((q.start, q.end, q.speaker) for q in quotes if q.end > q.start)
    out = []
    for number, (p_start, p_end) in enumerate(_paragraph_spans(text), 1):
        cuts = {p_start, p_end}
        inside = [m for m in links if p_start <= m.start and m.end <= p_end]
        quoted = [
            (max(s, p_start), min(e, p_end), who) for s, e, who in quote_spans if s < p_end and e > p_start
        ]
        for m in inside:
            cuts.update((m.start, m.end))
        for s, e, _ in quoted:
            cuts.update((s, e))
        bounds = sorted(cuts)
        pieces: list[str] = []
        for a, b in zip(bounds, bounds[1:], strict=False):
            piece = str(escape(text[a:b]))
            mention = next((m for m in inside if m.start <= a and b <= m.end), None)
            if mention is not None:
                piece = (
                    f'<a class="entity kind-{escape(mention.kind)}" href="{escape(entity_href(mention.id))}"'
                    f' title="{escape(mention.name)} ({escape(mention.kind)})">{piece}</a>'
                )
            quote = next((q for q in quoted if q[0] <= a and b <= q[1]), None)
            if quote is not None:
                speaker = f"quote: {quote[2]}" if quote[2] else "quote, speaker not identified"
                piece = f'<mark class="quote" title="{escape(speaker)}">{piece}</mark>'
            pieces.append(piece)
        out.append(Paragraph(number, Markup("".join(pieces))))
    return out
