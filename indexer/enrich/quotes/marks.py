"""Quotation marks to quotation spans, on the plain text (no spaCy).

Marks: curly double, straight double and curly single (‘ ’), the last told apart from apostrophes
(``peoples’``, ``don’t``) by what stands either side. A long quote either reopens its mark on each paragraph
(newspaper style) or closes only at the end of a later paragraph; a mark never closed is dropped at the end
of its paragraph, so an unbalanced mark never swallows the rest of the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPEN_CURLY, CLOSE_CURLY, STRAIGHT = "“", "”", '"'
OPEN_SINGLE, CLOSE_SINGLE = "‘", "’"
CLOSERS = {OPEN_CURLY: CLOSE_CURLY, STRAIGHT: STRAIGHT, OPEN_SINGLE: CLOSE_SINGLE}
LOOKAHEAD_PARAGRAPHS = 8  # how far a quote opened at a paragraph start may run before its closing mark

_ANY_MARK_RE = re.compile('[“"‘]')


@dataclass
class Quotation:
    """Where a quotation sits: ``segments`` are the inner (mark-free) spans of each paragraph it covers.

    ``block``: the quotation is a whole paragraph (or run of paragraphs) by itself, not words inside a
    sentence of the writer's.
    """

    segments: list[tuple[int, int]] = field(default_factory=list)
    mark: str = OPEN_CURLY
    block: bool = False

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, leading and trailing whitespace excluded."""
    out = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            out.append((pos + lead, pos + lead + len(stripped)))
        pos += len(line)
    return out


def _opens(text: str, i: int, lo: int) -> bool:
    """An opening mark at ``i`` (``lo``: start of its paragraph)."""
    ch = text[i]
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if ch == OPEN_CURLY:
        return True
    if ch == STRAIGHT:
        return not prev.isalnum()  # 6'2" is not an opening quote
    if ch == OPEN_SINGLE:
        return (prev.isspace() or prev in "([—–-/:") and nxt.isalnum()
    return False


def _closes(text: str, i: int, mark: str, hi: int) -> bool:
    """The closing mark of a quotation opened with ``mark`` at ``i`` (``hi``: end of the paragraph)."""
    ch = text[i]
    if ch != CLOSERS[mark]:
        return False
    if mark != OPEN_SINGLE:
        return True
    prev = text[i - 1]
    nxt = text[i + 1] if i + 1 < hi else " "
    if prev.isspace() or nxt.isalnum():
        return False  # "don’t", "’90s": an apostrophe
    if prev in "sS" and nxt == " " and i + 2 < hi and text[i + 2].islower():
        following = _WORD_RE.match(text, i + 2)
        if following is None or following.group(0) not in _NOT_AFTER_POSSESSIVE:
            return False  # "disabled peoples’ organisations": a plural possessive
    return True


_WORD_RE = re.compile(r"[a-z]+")
# Words that never follow a possessive: after "members’" these mean the quotation has closed.
_NOT_AFTER_POSSESSIVE = frozenset(
    {
        "at", "in", "on", "and", "or", "but", "to", "for", "of", "by", "with", "as", "from", "is", "are",
        "was", "were", "said", "says", "say", "told", "added", "which", "that", "when", "while", "because",
        "after", "before", "he", "she", "they", "it", "we", "the", "a", "an", "into", "about", "than",
    }
)  # fmt: skip


def _balanced(text: str, lo: int, hi: int) -> bool:
    """No mark left open in ``text[lo:hi]`` (nested pairs allowed)."""
    i = lo
    while i < hi:
        if text[i] in CLOSERS and _opens(text, i, lo):
            mark = text[i]
            j = i + 1
            while j < hi and not _closes(text, j, mark, hi):
                j += 1
            if j >= hi:
                return False
            i = j
        elif text[i] in (CLOSE_CURLY,):
            return False
        i += 1
    return True


def _ends_with_closer(text: str, lo: int, hi: int, mark: str) -> int | None:
    """Index of a closing mark ending ``text[lo:hi]`` (before final punctuation), or None."""
    j = hi - 1
    while j > lo and text[j] in ".,;:!?":
        j -= 1
    if j > lo and _closes(text, j, mark, hi) and _balanced(text, lo, j):
        return j
    return None


def find_quotations(text: str) -> list[Quotation]:
    """Every closed quotation in ``text`` (typographic, straight or single marks), across paragraphs."""
    paras = paragraphs(text)
    found: list[Quotation] = []
    k = 0
    while k < len(paras):
        lo, hi = paras[k]
        i = lo
        while i < hi:
            m = _ANY_MARK_RE.search(text, i, hi)
            if m is None:
                break
            i = m.start()
            if not _opens(text, i, lo):
                i += 1
                continue
            mark, start = text[i], i
            q = Quotation(mark=mark)
            seg_start = i + 1
            j = seg_start
            while j < hi and not _closes(text, j, mark, hi):
                if mark == OPEN_CURLY and text[j] == OPEN_CURLY:
                    break  # unbalanced: a new quotation starts here
                j += 1
            if j < hi and text[j] != OPEN_CURLY:
                q.segments.append((seg_start, j))
                q.block = start == lo and not text[j + 1 : hi].strip(".,;:!? ")
                found.append(q)
                i = j + 1
                continue
            if j < hi:  # restart at the new opening mark
                i = j
                continue
            # Open at the end of the paragraph: continue it, or drop it.
            q.segments.append((seg_start, hi))
            at_start = start == lo or text[lo:start].rstrip().endswith(":")
            end_k = _continue(text, paras, k, mark, q, at_start)
            if end_k is None:
                break
            q.block = start == lo
            found.append(q)
            k = end_k  # read on after the closing mark: “…,” she added, “…”
            lo, hi = paras[k]
            i = q.end + 1
        k += 1
    return [q for q in found if q.segments and q.end > q.start]


def _continue(
    text: str, paras: list[tuple[int, int]], k: int, mark: str, q: Quotation, at_start: bool
) -> int | None:
    """Extend a quotation left open at the end of paragraph ``k``; return its last paragraph, or None.

    Newspaper style: each following paragraph reopens the mark. Otherwise, for a quotation opened at a
    paragraph start or after a colon: the paragraphs up to one that ends with the closing mark, all of them
    balanced in between.
    """
    n = k + 1
    while n < len(paras) and text[paras[n][0]] == mark:
        lo, hi = paras[n]
        j = lo + 1
        while j < hi and not _closes(text, j, mark, hi):
            j += 1
        if j < hi:
            q.segments.append((lo + 1, j))
            return n
        q.segments.append((lo + 1, hi))
        n += 1
    if n > k + 1 or not at_start:
        return None  # reopened and never closed, or opened mid-sentence: not a quotation we can trust
    extra: list[tuple[int, int]] = []
    for n in range(k + 1, min(len(paras), k + 1 + LOOKAHEAD_PARAGRAPHS)):
        lo, hi = paras[n]
        end = _ends_with_closer(text, lo, hi, mark)
        if end is not None:
            q.segments.extend([*extra, (lo, end)])
            return n
        if text[lo] in CLOSERS or not _balanced(text, lo, hi):
            return None
        extra.append((lo, hi))
    return None
