"""The query tree (:mod:`indexer.search.tree`) as a SQL condition over an index table of the PostgreSQL
backend, matching what the Whoosh backend matches (the agreement tests compare them, query by query).

Lexemes are field-tagged (:mod:`indexer.search.postgres_entries`), so a word, a stem, a keyword value
and every AND, OR and NOT between them become one ``tsquery`` over one GIN index:

- a word of a field, or a keyword value: ``'body:sanctions'``, ``'source:dorset-iww'``;
- a stemmed word: its Porter stem in each field, ``'title~sanction' | 'body~sanction'`` (the Whoosh backend
  widens it to the indexed words sharing that stem: the same documents);
- a prefix wildcard (``sanc*``) natively, ``'body:sanc':*``; any other wildcard and a fuzzy word are
  widened to the words of the field's vocabulary that match (``LIKE`` through a ``pg_trgm`` index, then
  the same glob as Whoosh's; within the edit distance by ``fuzzystrmatch``'s Levenshtein, first letter
  fixed, as Whoosh's automaton);
- an exact phrase ``'body>fit>for' & 'body>for>work' & ('body:fit' <-> 'body:for' <-> 'body:work')``
  (its pairs of words side by side, found by the GIN index alone, then the positions; two words: the pair
  alone); a proximity phrase (``gap`` N) its
  chains of distances 1..N+1 (``(a <1> b | a <2> b) <1> c ...``) while there are few, on rows whose
  positions are exact; on the others (``loose``: long texts) and for long chains, the words are found by
  the index and the phrase is checked against the field's text, word by word, as Whoosh checks positions;
- a date range on ``published`` (or ``collected``, the day the archive first fetched the page); a filter
  (``Unscored``) as its child, left out of the ranking.

``Lookup`` is what compiling needs to ask the database (vocabulary, phrase checks): the backend's.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from indexer.search import tree as t
from indexer.search.analysis import stem_of, words
from indexer.search.postgres_entries import lexeme_fits

PHRASE_CHAINS = 64  # proximity alternatives written into a tsquery; more are checked against the text
DAY_COLUMNS = {"published": "d.published", "collected": "d.collected"}  # Days.date -> the column it bounds


class Lookup(Protocol):
    """The database questions compiling a tree asks (answered by the backend, in its table's kind)."""

    def vocabulary(self, field: str, like: str) -> list[str]:
        """Words (or keyword values) of ``field`` matching the ``LIKE`` pattern."""
        ...

    def near_words(self, field: str, word: str, distance: int) -> list[str]:
        """Words of ``field`` starting with ``word``'s first letter, at most ``distance`` edits from it."""
        ...

    def texts(self, field: str, tsquery: str, loose_only: bool) -> Iterable[tuple[str, str]]:
        """(key, text of ``field``) of the rows matching ``tsquery`` (only the loose ones, if asked)."""
        ...


def quoted(lexeme: str, prefix: bool = False) -> str:
    """A lexeme as a ``tsquery`` operand."""
    text = "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
    return text + ":*" if prefix else text


@dataclass(frozen=True)
class Ts:
    """A ``tsquery`` over the row's lexemes; a leaf of the tree (a word, stem, wildcard or phrase) also keeps
    its lexemes and how they join (``|`` any, ``&`` all), so the part of it in one field can be asked for."""

    text: str
    lexemes: tuple[str, ...] = ()
    joiner: str = "|"
    prefix: bool = False


@dataclass(frozen=True)
class Sql:
    """A SQL condition (never NULL) with its parameters."""

    text: str
    params: tuple[object, ...] = ()


TRUE = Sql("TRUE")
FALSE = Sql("FALSE")
Part = Ts | Sql


@dataclass
class Condition:
    """What a tree compiled to: the WHERE condition (over the table aliased ``d``), its parameters, the
    ``tsquery`` relevance is ranked by (None: nothing to rank by), and the part of it in the heading field
    (a document's title, a quote's text: None when no ranked word is sought there), which picks the
    likeliest matches for ranking."""

    where: str
    params: list[object]
    rank: str | None
    heading: str | None = None


@dataclass
class QueryCompiler:
    lookup: Lookup
    text_columns: Sequence[str] = ()  # the text fields stored whole (for checking phrases)
    heading: str = "title"  # the field whose words pick the likeliest matches (Condition.heading)
    pairs: bool = True  # whether the rows hold the pairs of words side by side (documents do, quotes not)
    ranked: list[Ts] = field(default_factory=list)

    def compile(self, node: t.Node) -> Condition:
        part = self._node(node, scored=True)
        where, params = self._sql(part)
        ranked = list(dict.fromkeys(self.ranked))
        rank = " | ".join(f"({r.text})" for r in ranked) or None
        in_heading = [x for x in (_in_field(r, self.heading) for r in ranked) if x]
        heading = " | ".join(f"({x})" for x in dict.fromkeys(in_heading)) or None
        return Condition(where, params, rank, heading)

    # -- parts --------------------------------------------------------------------------------

    def _sql(self, part: Part) -> tuple[str, list[object]]:
        if isinstance(part, Ts):
            return "d.lexemes @@ %s::tsquery", [part.text]
        return part.text, list(part.params)

    def _node(self, node: t.Node, scored: bool) -> Part:
        if isinstance(node, t.Every):
            return TRUE
        if isinstance(node, t.Nothing):
            return FALSE
        if isinstance(node, t.Term):
            return self._scored(_term(node.field, node.value), scored)
        if isinstance(node, t.Stemmed):
            stem = stem_of(node.word)
            found = [f"{f}~{stem}" for f in node.fields if lexeme_fits(f"{f}~{stem}")]
            return self._scored(_ts(found) if found else FALSE, scored)
        if isinstance(node, t.Phrase):
            return self._phrase(node, scored)
        if isinstance(node, t.Wildcard):
            return self._scored(self._wildcard(node), scored)
        if isinstance(node, t.Fuzzy):
            found = self.lookup.near_words(node.field, node.word, node.distance)
            return self._scored(_any(node.field, found), scored)
        if isinstance(node, t.Days):
            return _days(node)
        if isinstance(node, t.And):
            return _and([self._node(c, scored) for c in node.children])
        if isinstance(node, t.Or):
            return _or([self._node(c, scored) for c in node.children])
        if isinstance(node, t.AndNot):
            return _and_not(self._node(node.positive, scored), self._node(node.negative, False))
        if isinstance(node, t.Unscored):
            return self._node(node.child, False)
        raise TypeError(node)  # pragma: no cover

    def _scored(self, part: Part, scored: bool) -> Part:
        if scored and isinstance(part, Ts):
            self.ranked.append(part)
        return part

    def _wildcard(self, node: t.Wildcard) -> Part:
        pattern = node.pattern
        if "*" not in pattern and "?" not in pattern and "[" not in pattern:
            return _term(node.field, pattern)
        head = pattern[:-1]
        if pattern.endswith("*") and not any(c in head for c in "*?["):
            lexeme = f"{node.field}:{head}"
            return _ts([lexeme], prefix=True) if lexeme_fits(lexeme) else FALSE
        glob = re.compile(fnmatch.translate(pattern))  # what Whoosh's Wildcard matches words with
        found = [w for w in self.lookup.vocabulary(node.field, _like(pattern)) if glob.match(w)]
        return _any(node.field, found)

    def _phrase(self, node: t.Phrase, scored: bool) -> Part:
        lexemes = [f"{node.field}:{w}" for w in node.words]
        if not all(lexeme_fits(x) for x in lexemes):
            return FALSE
        every = " & ".join(quoted(x) for x in dict.fromkeys(lexemes))
        if scored:
            self.ranked.append(_ts(list(dict.fromkeys(lexemes)), joiner="&"))
        chain = _chain([quoted(x) for x in lexemes], node.gap)
        pairs = [f"{node.field}>{a}>{b}" for a, b in zip(node.words, node.words[1:], strict=False)]
        if self.pairs and chain is not None and node.gap == 0 and pairs and all(map(lexeme_fits, pairs)):
            # the pairs of words side by side: all a two-word phrase needs; a longer one's positions are
            # read only on the rows holding every pair
            both = " & ".join(quoted(x) for x in dict.fromkeys(pairs))
            chain = both if len(node.words) == 2 else f"{both} & ({chain})"
        if node.field not in self.text_columns:  # pragma: no cover - every text field is stored
            raise ValueError(f"no text stored for {node.field}")
        checked = [
            key
            for key, text in self.lookup.texts(node.field, every, loose_only=chain is not None)
            if phrase_in(words(text or ""), node.words, node.gap)
        ]
        keys = [f"key:{k}" for k in checked if lexeme_fits(f"key:{k}")]
        by_text = _ts(keys) if keys else FALSE
        if chain is None:
            return by_text
        return _or([Ts(f"{quoted('loose:no')} & ({chain})"), by_text])


def _ts(lexemes: Sequence[str], joiner: str = "|", prefix: bool = False) -> Ts:
    """A leaf: any (``|``) or all (``&``) of ``lexemes``."""
    text = f" {joiner} ".join(quoted(x, prefix) for x in lexemes)
    return Ts(text, tuple(lexemes), joiner, prefix)


def _in_field(leaf: Ts, field: str) -> str | None:
    """The part of a leaf that a row's lexemes of ``field`` alone can satisfy, as a ``tsquery`` (None: no
    part): the lexemes of that field for "any of", the whole leaf when every lexeme is of it for "all of"."""
    mine = [x for x in leaf.lexemes if x.startswith((f"{field}:", f"{field}~"))]
    if not mine or (leaf.joiner == "&" and len(mine) != len(leaf.lexemes)):
        return None
    return _ts(mine, leaf.joiner, leaf.prefix).text


def _term(field: str, value: str) -> Part:
    lexeme = f"{field}:{value}"
    return _ts([lexeme]) if value and lexeme_fits(lexeme) else FALSE


def _any(field: str, found: Iterable[str]) -> Part:
    operands = [f"{field}:{w}" for w in sorted(set(found)) if lexeme_fits(f"{field}:{w}")]
    return _ts(operands) if operands else FALSE


def _days(node: t.Days) -> Sql:
    column = DAY_COLUMNS[node.date]
    text, params = f"{column} IS NOT NULL", []
    if node.start is not None:
        text += f" AND {column} >= %s"
        params.append(node.start)
    if node.end is not None:
        text += f" AND {column} <= %s"
        params.append(node.end)
    return Sql(f"({text})", tuple(params))


def _join(parts: list[Part], ts_op: str, sql_op: str) -> Part:
    tss = [p.text for p in parts if isinstance(p, Ts)]
    sqls = [p for p in parts if isinstance(p, Sql)]
    if tss:
        ts = Ts(f" {ts_op} ".join(f"({x})" for x in tss) if len(tss) > 1 else tss[0])
        if not sqls:
            return ts
        sqls.insert(0, Sql("d.lexemes @@ %s::tsquery", (ts.text,)))
    if len(sqls) == 1:
        return sqls[0]
    return Sql(
        "(" + f" {sql_op} ".join(p.text for p in sqls) + ")",
        tuple(x for p in sqls for x in p.params),
    )


def _and(parts: list[Part]) -> Part:
    if any(p is FALSE for p in parts):
        return FALSE
    kept = [p for p in parts if p is not TRUE]
    return _join(kept, "&", "AND") if kept else TRUE


def _or(parts: list[Part]) -> Part:
    if any(p is TRUE for p in parts):
        return TRUE
    kept = [p for p in parts if p is not FALSE]
    return _join(kept, "|", "OR") if kept else FALSE


def _and_not(positive: Part, negative: Part) -> Part:
    if positive is FALSE or negative is TRUE:
        return FALSE
    if negative is FALSE:
        return positive
    if isinstance(positive, Ts) and isinstance(negative, Ts):
        return Ts(f"({positive.text}) & !({negative.text})")
    if isinstance(negative, Ts):
        negative = Sql("d.lexemes @@ %s::tsquery", (negative.text,))
    if positive is TRUE:
        return Sql(f"NOT {negative.text}", negative.params)
    pos = positive if isinstance(positive, Sql) else Sql("d.lexemes @@ %s::tsquery", (positive.text,))
    return Sql(f"({pos.text} AND NOT {negative.text})", pos.params + negative.params)


def _like(pattern: str) -> str:
    """A ``LIKE`` pattern matching at least what the glob ``pattern`` matches (``[...]``: one letter)."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append("%")
        elif c == "?":
            out.append("_")
        elif c == "[" and "]" in pattern[i + 2 :]:
            out.append("_")
            i = pattern.index("]", i + 2)
        else:
            out.append("\\" + c if c in "%_\\" else c)
        i += 1
    return "".join(out)


def _chain(operands: list[str], gap: int) -> str | None:
    """The phrase as a ``tsquery``: each word 1..gap+1 positions after the one before (PostgreSQL measures
    ``<N>`` from the end of what is on its left); None when that is more than :data:`PHRASE_CHAINS`
    alternatives."""
    if gap == 0:
        return " <-> ".join(operands)
    if (gap + 1) ** (len(operands) - 1) > PHRASE_CHAINS:
        return None
    left = operands[0]
    for operand in operands[1:]:
        left = " | ".join(f"({left}) <{d}> {operand}" for d in range(1, gap + 2))
    return left


def day_ranges(node: t.Node) -> tuple[t.Node, list[t.Days]]:
    """The date ranges every match must be in (those ANDed at the top of the tree, filters or not), and the
    tree without them. The backend bounds the matches by them on the date columns it holds: in SQL, the
    planner would take a range's B-tree index and read the tsvector of every row in range back from TOAST
    (it counts nothing for that), where the GIN index and the row's date cost a fraction."""
    if isinstance(node, t.Days):
        return t.Every(), [node]
    if isinstance(node, t.Unscored):
        inner, days = day_ranges(node.child)
        return (node if not days else inner if isinstance(inner, t.Every) else t.Unscored(inner)), days
    if isinstance(node, t.AndNot):
        positive, days = day_ranges(node.positive)
        return (t.AndNot(positive, node.negative) if days else node), days
    if isinstance(node, t.And):
        kept, days = [], []
        for child in node.children:
            inner, found = day_ranges(child)
            days += found
            if not isinstance(inner, t.Every):
                kept.append(inner)
        if not days:
            return node, []
        return (t.Every() if not kept else kept[0] if len(kept) == 1 else t.And(tuple(kept))), days
    return node, []


def phrase_in(tokens: Sequence[str], wanted: Sequence[str], gap: int) -> bool:
    """Whether ``wanted`` occurs in ``tokens`` in order, each word 1..gap+1 positions after the one before
    (gap 0: side by side), as the Whoosh backend checks positions."""
    at: dict[str, list[int]] = {}
    for pos, token in enumerate(tokens):
        at.setdefault(token, []).append(pos)
    current = at.get(wanted[0], [])
    for word in wanted[1:]:
        kept = set(current)
        current = [p for p in at.get(word, []) if any(p - d in kept for d in range(1, gap + 2))]
        if not current:
            return False
    return bool(current)
