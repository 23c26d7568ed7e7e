"""Highlighting: the words a query matched, marked in a stored text, and the snippet a result shows.

The compiler (:mod:`indexer.search.compiler`) says what to mark in each stored text (:class:`Marks`: exact
words, stems, wildcard patterns, fuzzy words); this finds those words as the index tokenizes them
(:mod:`indexer.search.analysis`) and cuts the best fragments around them. Every piece of text is escaped
before ``<mark>`` is added, so a snippet is safe to show as HTML whatever the crawled page held. The same
for every backend: snippets come from the stored text, not from the index.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from indexer.search.analysis import TOKEN_RE, WORDS_RE, stem_of, words

SNIPPET_CHARS = 240
FRAGMENT_CHARS = 220
SURROUND = 60


@dataclass
class Marks:
    """What to highlight in one stored text: exact words, stems, wildcard patterns, fuzzy words."""

    exact: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    fuzzy: list[tuple[str, int]] = field(default_factory=list)
    seen: dict[str, bool] = field(default_factory=dict)  # words already judged, while highlighting

    def __bool__(self) -> bool:
        return bool(self.exact or self.stems or self.patterns or self.fuzzy)


def plain_snippet(snippet: str) -> str:
    """A highlighted snippet as one line of terminal text: marks dropped, entities decoded."""
    return " ".join(html.unescape(snippet.replace("<mark>", "").replace("</mark>", "")).split())


def _within(a: str, b: str, limit: int) -> bool:
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _is_marked(word: str, marks: Marks) -> bool:
    judged = marks.seen.get(word)
    if judged is None:
        judged = marks.seen[word] = _judge(word, marks)
    return judged


def _judge(word: str, marks: Marks) -> bool:
    if word in marks.exact or (marks.stems and stem_of(word) in marks.stems):
        return True
    if any(p.match(word) for p in marks.patterns):
        return True
    return any(_within(word, w, d) for w, d in marks.fuzzy)


_WORD_CHAR = re.compile(r"[\w*]")
_DOTTED_END = re.compile(r"[\w*]\.\Z")  # matched on the two characters before a word: "x.word" is one token


@lru_cache(maxsize=256)
def _word_starts(exact: frozenset[str], stems: frozenset[str]) -> re.Pattern[str]:
    """Where a marked word can start: an exact word, or the prefix every word of a stem starts with
    (Porter rewrites only endings: see ``stem_prefix``). A regex of literals, searched in C."""
    starts = set(exact) | {stem[: max(len(stem) - 1, 2)] for stem in stems}
    alternatives = "|".join(re.escape(s) for s in sorted(starts, key=lambda s: (-len(s), s)) if s)
    return re.compile(alternatives or r"(?!x)x")


_positive: dict[int, tuple[dict[str, bool], set[str]]] = {}  # id(marks.seen) -> (marks.seen, marked words)


def _marked_words(words: set[str], marks: Marks) -> set[str]:
    """Which of ``words`` are marked: each word judged once per query (``marks.seen``), the rest set
    operations (a snippet's text has hundreds of distinct words; a query's snippets, thousands)."""
    seen = marks.seen
    held = _positive.get(id(seen))
    if held is None or held[0] is not seen:
        if len(_positive) > 64:
            _positive.clear()
        held = _positive[id(seen)] = (seen, {w for w, marked in seen.items() if marked})
    positive = held[1]
    for word in words.difference(seen):
        if _is_marked(word, marks):
            positive.add(word)
    return words & positive


@lru_cache(maxsize=256)
def _marked_re(words: frozenset[str]) -> re.Pattern[str]:
    """The words as whole tokens of :data:`TOKEN_RE` (runs of word characters and ``*`` joined by single
    dots): not preceded by one of those (or by one and a dot), not followed by one (or by a dot and one)."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(rf"(?<![\w*])(?<![\w*]\.)(?:{alternatives})(?![\w*])(?!\.[\w*])")


def _marked_spans(text: str, marks: Marks) -> list[tuple[int, int]]:
    """The (start, end) of every token of ``text`` that ``marks`` marks, in order."""
    lowered = text.lower()
    if len(lowered) == len(text) and "\u03a3" not in text:  # one character for one: spans carry over
        if not marks.patterns and not marks.fuzzy:  # only the tokens starting like a marked word
            starts = _word_starts(frozenset(marks.exact), frozenset(marks.stems))
            hits = []
            for found in starts.finditer(lowered):
                at = found.start()
                if at and (
                    _WORD_CHAR.match(lowered, at - 1) or _DOTTED_END.match(lowered, max(at - 2, 0), at)
                ):
                    continue  # inside a token
                token = WORDS_RE.match(lowered, at)
                if token is not None and _is_marked(token.group(0), marks):
                    hits.append(token.span())
        else:
            marked = _marked_words(set(WORDS_RE.findall(lowered)), marks)
            if not marked:
                return []
            hits = [m.span() for m in _marked_re(frozenset(marked)).finditer(lowered)]
    else:
        hits = [m.span() for m in TOKEN_RE.finditer(text) if _is_marked(m.group(0).lower(), marks)]
    return hits


def highlight_text(text: str, marks: Marks, top: int = 2) -> str:
    """Best fragments of ``text`` with the marked words in ``<mark>``; every piece escaped before marking.

    Fragments are windows of at most ``FRAGMENT_CHARS`` around matched words (a short text is one
    fragment, whole); the ``top`` holding the most distinct matched words are kept, in text order.
    """
    if not text or not marks:
        return ""
    hits = _marked_spans(text, marks)
    if not hits:
        return ""
    if len(text) <= FRAGMENT_CHARS:
        windows = [(0, len(text), hits)]
    else:
        windows = []
        i = 0
        while i < len(hits):
            start = max(0, hits[i][0] - SURROUND)
            j = i + 1
            while j < len(hits) and hits[j][1] - start <= FRAGMENT_CHARS - SURROUND:
                j += 1
            end = min(len(text), hits[j - 1][1] + SURROUND)
            if start > 0:
                space = text.find(" ", start, hits[i][0])
                start = space + 1 if space >= 0 else start
            if end < len(text):
                space = text.rfind(" ", hits[j - 1][1], end)
                end = space if space >= 0 else end
            windows.append((start, end, hits[i:j]))
            i = j
        best = sorted(
            range(len(windows)),
            key=lambda k: (-len({text[a:b].lower() for a, b in windows[k][2]}), -len(windows[k][2]), k),
        )[:top]
        windows = [windows[k] for k in sorted(best)]
    pieces = []
    for start, end, spans in windows:
        out, at = [], start
        for a, b in spans:
            out.append(html.escape(text[at:a], quote=True))
            out.append(f"<mark>{html.escape(text[a:b], quote=True)}</mark>")
            at = b
        out.append(html.escape(text[at:end], quote=True))
        pieces.append("".join(out).strip())
    before = "… " if windows[0][0] > 0 else ""  # a fragment from inside the text says so at each cut end
    after = " …" if windows[-1][1] < len(text) else ""
    return before + " … ".join(pieces) + after


def lead(text: str) -> str:
    """The opening of ``text`` as an escaped snippet: cut at a word boundary, with "…" if cut."""
    if len(text) <= SNIPPET_CHARS:
        return html.escape(text, quote=True)
    cut = text.rfind(" ", 0, SNIPPET_CHARS + 1)
    return html.escape(text[: cut if cut > 0 else SNIPPET_CHARS].rstrip(), quote=True) + " …"


def document_snippet(stored: Mapping[str, Any], marks: Mapping[str, Marks]) -> tuple[str, list[str]]:
    """The snippet of one document and where the query matched (title, comments, quotes, body): from the
    comments or the quotes when the query searched them, else from the body; the opening of the body when
    nothing marked is found."""
    order = [("comments", "comments"), ("quotes", "quotes"), ("body", "body")]
    matched_in: list[str] = []
    snippet = ""
    for zone, fieldname in order:
        zone_marks = marks.get(zone)
        if not zone_marks:
            continue
        found = highlight_text(stored.get(fieldname) or "", zone_marks)
        if found:
            matched_in.append(zone)
            snippet = snippet or found
    title_marks = marks.get("body")
    if title_marks and any(_is_marked(word, title_marks) for word in words(stored.get("title") or "")):
        matched_in.insert(0, "title")
    if not snippet:
        snippet = lead(stored.get("body") or "")
    return snippet, matched_in


def quote_snippet(text: str, marks: Mapping[str, Marks]) -> str:
    """A quote's snippet: its matched words marked (in three fragments at most), or its opening."""
    text_marks = marks.get("text")
    snippet = highlight_text(text, text_marks, top=3) if text_marks else ""
    return snippet or lead(text)
