"""What a search matches, as a tree every backend can run: the seam between the query language and an index.

A query is parsed (:mod:`indexer.search.language`), then compiled (:mod:`indexer.search.compiler`) into
these nodes, with the facet filters and the date bounds of the request folded in; a backend
(:mod:`indexer.search.backend`) evaluates the tree over its index. Field names are those of an index entry
(:mod:`indexer.search.entries`): ``title``, ``body``, ``source``, ``scheme``... Nothing here depends on how an
index stores them; each node says what it means, and every backend must match the same documents for it.

Words are the lower-cased words of :mod:`indexer.search.analysis`; text fields are indexed unstemmed with
positions, so a phrase is checked against the words as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Node:
    """A node of the tree."""


@dataclass(frozen=True)
class Every(Node):
    """Every entry of the index."""


@dataclass(frozen=True)
class Nothing(Node):
    """No entry (an entity name that names nothing, a phrase of punctuation)."""


@dataclass(frozen=True)
class Term(Node):
    """Entries holding ``value`` in ``field``: a word of a text field, or a whole value of a keyword field
    (a source name, an entity id, ``yes``/``no``), exactly."""

    field: str
    value: str


@dataclass(frozen=True)
class Stemmed(Node):
    """Entries holding, in any of ``fields``, a word whose Porter stem is ``word``'s (``sanctions``:
    sanction, sanctioned, sanctions...). Scored as the sum of each such word's score, field by field."""

    fields: tuple[str, ...]
    word: str


@dataclass(frozen=True)
class Phrase(Node):
    """Entries holding ``words`` in ``field`` in this order, each at most ``gap`` words after the one before
    it (``gap`` 0: side by side, an exact phrase; ``"a b"~2`` is ``gap`` 2: up to two words between)."""

    field: str
    words: tuple[str, ...]
    gap: int = 0


@dataclass(frozen=True)
class Wildcard(Node):
    """Entries holding a word of ``field`` that ``pattern`` matches (``*`` any letters, ``?`` one)."""

    field: str
    pattern: str


@dataclass(frozen=True)
class Fuzzy(Node):
    """Entries holding a word of ``field`` with the same first letter as ``word`` and at most ``distance``
    edits (insertions, deletions, substitutions: Levenshtein's distance, as Whoosh's automaton counts it;
    two letters swapped are two edits) from it."""

    field: str
    word: str
    distance: int


@dataclass(frozen=True)
class Days(Node):
    """Entries dated from ``start`` to ``end`` inclusive (None: no bound); undated ones never. ``date`` says
    which date: ``published`` (the article's) or ``collected`` (the day the archive first fetched it)."""

    start: date | None
    end: date | None
    date: str = "published"


@dataclass(frozen=True)
class And(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class AndNot(Node):
    """Entries matching ``positive`` and not ``negative``; scored as ``positive``."""

    positive: Node
    negative: Node


@dataclass(frozen=True)
class Unscored(Node):
    """Matches as ``child``, adds nothing to a score: a filter (a facet value, a date range)."""

    child: Node


def nodes(node: Node) -> Iterator[Node]:
    """``node`` and every node under it."""
    yield node
    if isinstance(node, And | Or):
        for child in node.children:
            yield from nodes(child)
    elif isinstance(node, AndNot):
        yield from nodes(node.positive)
        yield from nodes(node.negative)
    elif isinstance(node, Unscored):
        yield from nodes(node.child)


def is_slow(node: Node) -> bool:
    """Whether matching reads positions beyond a phrase's next word or expands words: proximity phrases,
    wildcards, fuzzy words (the searches :mod:`indexer.search.bounds` lets few run at once)."""
    return any(
        isinstance(part, Wildcard | Fuzzy) or (isinstance(part, Phrase) and part.gap > 0)
        for part in nodes(node)
    )
