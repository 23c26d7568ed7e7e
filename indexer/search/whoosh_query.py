"""The query tree (:mod:`indexer.search.tree`) as Whoosh queries, for the Whoosh backend's evaluator.

Each node becomes the Whoosh query that means the same: a stemmed word becomes the words of the index that
share its stem (read from the index's lexicon, field by field), a phrase with ``gap`` N becomes a Whoosh
phrase of slop N + 1, a date range a range over ``pubday`` with explicit bounds (Whoosh's numeric range
with an open end does not match what it should on an unsigned field), a filter a constant score of 0.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from whoosh import query as wq

from indexer.search import tree as t
from indexer.search.analysis import stem_of, stem_prefix
from indexer.search.whoosh_schema import DAY_FIELDS

FIRST_DAY = 1
LAST_DAY = date.max.toordinal()
Expander = Callable[[str, str], list[str]]  # (field, word) -> the forms of the word's stem in the index


def expander(reader: Any) -> Expander:
    """Forms of a word's stem in a field of ``reader``: "sanctions" -> sanction, sanctions, sanctioned."""

    def expand(fieldname: str, word: str) -> list[str]:
        if fieldname not in reader.schema:
            return [word]
        target = stem_of(word)
        forms = {word}
        for btext in reader.expand_prefix(fieldname, stem_prefix(word)):
            form = btext.decode("utf-8")
            if stem_of(form) == target:
                forms.add(form)
        return sorted(forms)

    return expand


def day_range(start: date | None, end: date | None, dated: str = "published") -> wq.Query:
    """Days (``date.toordinal``) from ``start`` to ``end`` inclusive, as a range over ``pubday`` (or
    ``colday``, the days collected)."""
    lo = start.toordinal() if start else FIRST_DAY
    hi = end.toordinal() if end else LAST_DAY
    return wq.NumericRange(DAY_FIELDS[dated], lo, hi)


def to_whoosh(node: t.Node, expand: Expander) -> wq.Query:
    """The Whoosh query matching what ``node`` means; ``expand`` gives the forms of a stemmed word."""
    if isinstance(node, t.Every):
        return wq.Every()
    if isinstance(node, t.Nothing):
        return wq.NullQuery
    if isinstance(node, t.Term):
        return wq.Term(node.field, node.value)
    if isinstance(node, t.Stemmed):
        terms = [wq.Term(f, form) for f in node.fields for form in expand(f, node.word)]
        return _or(terms) if terms else wq.NullQuery
    if isinstance(node, t.Phrase):
        return wq.Phrase(node.field, list(node.words), slop=node.gap + 1)
    if isinstance(node, t.Wildcard):
        return wq.Wildcard(node.field, node.pattern)
    if isinstance(node, t.Fuzzy):
        return wq.FuzzyTerm(node.field, node.word, maxdist=node.distance, prefixlength=1)
    if isinstance(node, t.Days):
        return day_range(node.start, node.end, node.date)
    if isinstance(node, t.And):
        return wq.And([to_whoosh(c, expand) for c in node.children])
    if isinstance(node, t.Or):
        return wq.Or([to_whoosh(c, expand) for c in node.children])
    if isinstance(node, t.AndNot):
        return wq.AndNot(to_whoosh(node.positive, expand), to_whoosh(node.negative, expand))
    if isinstance(node, t.Unscored):
        return wq.ConstantScoreQuery(to_whoosh(node.child, expand), 0.0)
    raise TypeError(node)  # pragma: no cover


def _or(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)
