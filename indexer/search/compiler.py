"""From the syntax tree of a query to the tree an index matches (:mod:`indexer.search.tree`), for documents or
quotes: which fields a word searches, which words are stemmed, which names an entity goes by, what to
highlight, and what to tell the reader (a source or an entity the archive does not know).

Fields are unstemmed (with positions, for phrases); a plain word of a stemmed field also matches the other
forms of its stem that the index holds (:class:`~indexer.search.tree.Stemmed`). Phrases, wildcards and fuzzy
words never stem. Entity fields (``scheme:ESA``) are resolved to canonical entity ids through the names,
aliases and surface forms the archive has seen and the gazetteer's (:mod:`indexer.search.lexicon`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from casebook.models import ENTITY_KINDS
from indexer.search import tree as t
from indexer.search.analysis import stem_of, words
from indexer.search.highlight import Marks
from indexer.search.language import AllDocs, AndNode, Node, NotNode, OrNode, Phrase, Span, Word, parse


@dataclass(frozen=True)
class Target:
    """Where a field's words go: the index fields searched, the stored text highlighted, whether plain
    words are widened to the forms of their stem."""

    fields: tuple[str, ...]
    zone: str  # the stored text it highlights: body, title, comments, quotes, speaker, author, text
    stem: bool = True


@dataclass
class Profile:
    """The fields one index understands (documents or quotes)."""

    text: dict[str | None, Target]  # None: the default for words without a field
    keyword: dict[str, str] = field(default_factory=dict)  # query field -> index field, exact values
    entity: dict[str, str] = field(default_factory=dict)  # query field -> index field of entity ids
    speaker: tuple[str, str] | None = None  # (speaker text field, speaker id field)
    dates: tuple[str, ...] = ("published",)  # query fields naming the publication date

    @property
    def fields(self) -> tuple[str, ...]:
        names = [k for k in self.text if k is not None]
        names += list(self.keyword) + list(self.entity) + list(self.dates)
        if self.speaker:
            names.append("speaker")
        return tuple(dict.fromkeys(names))


DOCUMENTS = Profile(
    text={
        None: Target(("title", "body"), "body"),
        "title": Target(("title",), "title"),
        "body": Target(("body",), "body"),
        "author": Target(("author_text",), "author", stem=False),
        "comments": Target(("comments",), "comments"),
        "quote": Target(("quotes",), "quotes"),
    },
    keyword={"source": "source"},
    entity={kind: kind for kind in ENTITY_KINDS},
    speaker=("speakers", "speaker_ids"),
)

QUOTES = Profile(
    text={
        None: Target(("text",), "text"),
        "quote": Target(("text",), "text"),
        "title": Target(("title",), "title", stem=False),
    },
    keyword={"source": "source"},
    speaker=("speaker", "speaker_id"),
)


@dataclass
class Compiled:
    """A compiled query: what to match, what to highlight in each stored text, what to tell the reader."""

    query: t.Node
    marks: dict[str, Marks]
    notices: list[str]
    match_all: bool = False  # the query asks for everything (``*``): results are ordered by date


Resolver = Callable[[str, str], list[str]]  # (kind or "speaker", text) -> entity ids
Keywords = Callable[[str], Collection[str]]  # keyword field -> the values the index holds in it

SKIP = t.Nothing()  # a clause with nothing to search ("&"): dropped from its group (compared by identity)


class Compiler:
    def __init__(
        self, profile: Profile, resolve: Resolver | None = None, keywords: Keywords | None = None
    ) -> None:
        self.profile = profile
        self.resolve = resolve or (lambda kind, text: [])
        self.keywords = keywords
        self.marks: dict[str, Marks] = {}
        self.notices: list[str] = []

    def compile(self, node: Node) -> Compiled:
        q = self._node(node, negated=False)
        match_all = isinstance(node, AllDocs) or q is SKIP
        return Compiled(t.Every() if q is SKIP else q, self.marks, self.notices, match_all=match_all)

    def _mark(self, zone: str) -> Marks:
        return self.marks.setdefault(zone, Marks())

    def _node(self, node: Node, negated: bool) -> t.Node:
        if isinstance(node, AllDocs):
            return t.Every()
        if isinstance(node, AndNode):
            positive = _kept(self._node(c, negated) for c in node.children if not isinstance(c, NotNode))
            negative = _kept(
                self._node(c.child, not negated) for c in node.children if isinstance(c, NotNode)
            )
            if not positive and not negative:
                return SKIP
            base = t.And(tuple(positive)) if len(positive) > 1 else positive[0] if positive else t.Every()
            if negative:
                return t.AndNot(base, _or(negative))
            return base
        if isinstance(node, OrNode):
            children = _kept(self._node(c, negated) for c in node.children)
            return _or(children) if children else SKIP
        if isinstance(node, NotNode):
            child = self._node(node.child, not negated)
            return SKIP if child is SKIP else t.AndNot(t.Every(), child)
        if isinstance(node, Span):
            return t.Days(node.start, node.end)
        if isinstance(node, Phrase | Word):
            return self._leaf(node, negated)
        raise TypeError(node)  # pragma: no cover

    def _leaf(self, node: Word | Phrase, negated: bool) -> t.Node:
        name = node.field
        p = self.profile
        if name in p.keyword:
            return self._keyword(p.keyword[name], node, name)
        if name in p.entity:
            ids = self._entities(name, node.text)
            return _any_term(p.entity[name], ids)
        if name == "speaker" and p.speaker:
            text_field, id_field = p.speaker
            ids = self.resolve("speaker", node.text)
            by_text = self._text(Target((text_field,), "speaker", stem=False), node, negated)
            return t.Or((by_text, _any_term(id_field, ids))) if ids else by_text
        return self._text(p.text[name], node, negated)

    def _keyword(self, fieldname: str, node: Word | Phrase, name: str) -> t.Node:
        value = node.text.strip()
        if isinstance(node, Word) and ("*" in value or "?" in value):
            return t.Wildcard(fieldname, value.lower())
        slugged = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        values = list(dict.fromkeys([value, value.lower(), slugged]))
        if self.keywords is not None:
            held = self.keywords(fieldname)
            if not any(v in held for v in values):  # a name the archive has never seen finds nothing: say so
                some = ", ".join(sorted(held)[:12]) + (", ..." if len(held) > 12 else "")
                self.notices.append(f"no {name} known as {value!r} in this archive (known: {some or 'none'})")
        return _or([t.Term(fieldname, v) for v in values])

    def _entities(self, kind: str, text: str) -> list[str]:
        ids = self.resolve(kind, text)
        if not ids:
            self.notices.append(f"no {kind} known as {text!r} in this archive")
        return ids

    def _text(self, target: Target, node: Word | Phrase, negated: bool) -> t.Node:
        marks = None if negated else self._mark(target.zone)
        if isinstance(node, Phrase):
            found = words(node.text)
            if not found:
                return t.Nothing()
            if marks is not None:
                marks.exact.update(found)
            if len(found) == 1:
                return _or([t.Term(f, found[0]) for f in target.fields])
            return _or([t.Phrase(f, tuple(found), node.slop) for f in target.fields])
        text = node.text
        if "*" in text or "?" in text:
            pattern = text.lower()
            if marks is not None:
                marks.patterns.append(re.compile(fnmatch.translate(pattern)))
            return _or([t.Wildcard(f, pattern) for f in target.fields])
        found = words(text)
        if len(found) > 1:  # "co-op", "3.5%": one word as written, several tokens: match them in order
            return self._text(target, Phrase(text, node.field), negated)
        if not found:  # punctuation alone ("-", "&"): nothing to look for, so it does not count
            return SKIP
        word = found[0]
        if node.fuzzy:
            if marks is not None:
                marks.fuzzy.append((word, node.fuzzy))
            return _or([t.Fuzzy(f, word, node.fuzzy) for f in target.fields])
        if not target.stem:
            if marks is not None:
                marks.exact.add(word)
            return _or([t.Term(f, word) for f in target.fields])
        if marks is not None:
            marks.stems.add(stem_of(word))
            marks.exact.add(word)
        return t.Stemmed(target.fields, word)


def _kept(queries: Iterable[t.Node]) -> list[t.Node]:
    return [q for q in queries if q is not SKIP]


def _or(queries: list[t.Node]) -> t.Node:
    return queries[0] if len(queries) == 1 else t.Or(tuple(queries))


def _any_term(fieldname: str, values: list[str]) -> t.Node:
    if not values:
        return t.Nothing()
    return _or([t.Term(fieldname, v) for v in values])


def compile_query(
    text: str,
    profile: Profile = DOCUMENTS,
    resolve: Resolver | None = None,
    keywords: Keywords | None = None,
) -> Compiled:
    """Parse and compile ``text`` for the index ``profile`` describes; raise
    :class:`~indexer.search.language.QueryError` if it is malformed. ``resolve`` finds the entity ids of a
    name; ``keywords`` (the values an index holds in a keyword field) adds a notice for a value it lacks."""
    node = parse(text, profile.fields, profile.dates)
    return Compiler(profile, resolve, keywords).compile(node)
