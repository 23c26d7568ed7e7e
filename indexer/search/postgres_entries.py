"""How the PostgreSQL backend lays an index entry out: for each document and each quote, a row of what a
hit shows and its facet values, and a row of what it is matched on (its dates, and a weighted
``tsvector`` of field-tagged lexemes built here, in Python, from the words of
:mod:`indexer.search.analysis`, not by PostgreSQL's parser, so both backends match the same words).

A row's ``lexemes`` hold, for every field of the entry:

- ``body:sanctions`` (``field:word``): each word of a text field as written (lower-cased), with its
  positions in that field, for words, phrases, wildcards and fuzzy words;
- ``body~sanction`` (``field~stem``): each word's Porter stem (:func:`~indexer.search.analysis.stem_of`,
  the stemmer the Whoosh backend widens words with), same positions, for plain words of stemmed fields;
- ``body>fit>for`` (``field>word>word``, documents only): each pair of words side by side in a text
  field, without positions, so the GIN index alone answers a two-word phrase and narrows a longer one to
  the rows holding all its pairs before their positions are read from TOAST;
- ``source:dorset-iww``, ``person:person:liz-kendall``, ``original:no``...: each value of a keyword field,
  whole (no positions);
- ``key:...`` (the row's key) and ``loose:no`` or ``loose:yes`` (below), so that a phrase, checked on the
  positions of exact rows and on the text of the others, is still one ``tsquery``.

Weights rank a title above the text (A: title, B: body, C: comments and quotes, D: the rest). PostgreSQL
keeps at most 256 positions per lexeme and none past 16,383: a row whose words go beyond that is marked
``loose``, and a phrase is checked against its text (:mod:`indexer.search.postgres_query`); elsewhere a
phrase is matched on the positions, exactly. Lexemes longer than PostgreSQL takes (2,046 bytes: a run of
letters no one searches for) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from casebook.models import ENTITY_KINDS
from indexer.search.analysis import stem_of, words
from indexer.search.backend import Kind
from indexer.search.entries import IndexEntry

MAX_POSITIONS = 256  # positions PostgreSQL keeps per lexeme
MAX_POSITION = 16383  # the last position it records (later ones are set to this)
MAX_LEXEME_BYTES = 2046
MAX_TSVECTOR_CHARS = 900_000  # under PostgreSQL's 1 MB for a tsvector, with room for escaping

# Text fields of each kind (as the query tree names them) with their weight; every other field is a
# keyword field whose values are lexemes without positions.
TEXT_FIELDS: dict[Kind, dict[str, str]] = {
    "documents": {
        "title": "A",
        "body": "B",
        "comments": "C",
        "quotes": "C",
        "speakers": "D",
        "author_text": "D",
    },
    "quotes": {"text": "B", "speaker": "D", "title": "D"},
}
# Facet fields of the documents (counted over the matches): one value, or several (arrays).
SINGLE_FACETS = ("source", "year", "month", "collected_year", "collected_month", "extraction")
MULTI_FACETS = ("author", *ENTITY_KINDS)
# Whether a kind's rows hold the pairs of words side by side: documents do (their positions are read back
# from TOAST); a quote is short, its lexemes in its row, cheap to check positions on.
PAIRS: dict[Kind, bool] = {"documents": True, "quotes": False}


@dataclass
class Row:
    """One entry's rows: its values (in :data:`DOCUMENT_COLUMNS` or :data:`QUOTE_COLUMNS` order), what
    it is matched on (:data:`DOCUMENT_LEXEMES` or :data:`QUOTE_LEXEMES` order; both rows without their
    ``seq``, given when they are written) and the words of each field, for the vocabulary."""

    values: tuple[Any, ...]
    lexemes: tuple[Any, ...]
    vocabulary: set[tuple[str, str]]  # (field, word or value)


DOCUMENT_COLUMNS = (
    "id",
    "url",
    "title",
    "body",
    "comments",
    "quotes",
    "speakers",
    "author_text",
    "source",
    "published",
    "year",
    "month",
    "collected",
    "collected_year",
    "collected_month",
    "duplicate_of",
    "extraction",
    "author",
    *ENTITY_KINDS,
)
DOCUMENT_LEXEMES = ("published", "collected", "loose", "lexemes")
QUOTE_COLUMNS = (
    "qid",
    "doc_id",
    "text",
    "speaker",
    "speaker_id",
    "cue",
    "start",
    "end",
    "source",
    "title",
    "url",
    "published",
)
QUOTE_LEXEMES = ("published", "loose", "lexemes")


def _escaped(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def lexeme_fits(lexeme: str) -> bool:
    return 0 < len(lexeme.encode("utf-8")) <= MAX_LEXEME_BYTES


class Lexemes:
    """The lexemes of one row, written as a ``tsvector`` literal; ``pairs``: with the pairs of words side by
    side (:data:`PAIRS`)."""

    def __init__(self, pairs: bool) -> None:
        self.with_pairs = pairs
        self.positions: dict[str, list[int]] = {}
        self.weights: dict[str, str] = {}
        self.bare: set[str] = set()
        self.pairs: set[str] = set()
        self.loose = False
        self.vocabulary: set[tuple[str, str]] = set()

    def text(self, field: str, value: str | None, weight: str) -> None:
        """Every word of ``value`` (a text field) and its stem, with positions, and every pair of words
        side by side."""
        found = words(value or "")
        if len(found) > MAX_POSITION:
            self.loose = True
        before = None
        for pos, word in enumerate(found, start=1):
            self.vocabulary.add((field, word))
            if before is not None and self.with_pairs:
                self.pairs.add(f"{field}>{before}>{word}")
            before = word
            at = min(pos, MAX_POSITION)
            for lexeme in (f"{field}:{word}", f"{field}~{stem_of(word)}"):
                held = self.positions.get(lexeme)
                if held is None:
                    self.positions[lexeme] = [at]
                    self.weights[lexeme] = weight
                elif len(held) < MAX_POSITIONS:
                    if held[-1] != at:
                        held.append(at)
                elif lexeme[len(field)] == ":":  # a word's positions cut short: phrases check the text
                    self.loose = True

    def keyword(self, field: str, values: Iterable[str | None]) -> None:
        for value in values:
            if value:
                self.bare.add(f"{field}:{value}")
                self.vocabulary.add((field, value))

    def tsvector(self, key: str) -> str:
        """The literal, with the row's key (``key:...``) and whether its positions are exact
        (``loose:no``) as lexemes, so a phrase is one ``tsquery`` the GIN index answers alone."""
        parts = [
            f"{_escaped(lexeme)}:{','.join(f'{p}{self.weights[lexeme]}' for p in positions)}"
            for lexeme, positions in self.positions.items()
            if lexeme_fits(lexeme)
        ]
        parts += [_escaped(lexeme) for lexeme in (*self.bare, *self.pairs) if lexeme_fits(lexeme)]
        literal = " ".join(parts)
        if len(literal) > MAX_TSVECTOR_CHARS:  # a huge text: its words without positions or pairs (phrases:
            # the text)
            self.loose = True
            parts = [_escaped(lexeme) for lexeme in [*self.positions, *self.bare] if lexeme_fits(lexeme)]
            literal = " ".join(parts)[:MAX_TSVECTOR_CHARS].rsplit("' ", 1)[0] + "'"
        marks = [f"key:{key}", "loose:yes" if self.loose else "loose:no"]
        return " ".join([literal, *(_escaped(x) for x in marks if lexeme_fits(x))]).strip()


def _keywords(values: Iterable[str]) -> list[str]:
    """Values of a comma-separated keyword field as the Whoosh backend splits them: stripped, no empties,
    each once."""
    return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def document_row(entry: IndexEntry) -> Row:
    """The documents table's row for ``entry``."""
    quotes = entry.quotes
    texts = {
        "title": entry.title,
        "body": entry.body,
        "comments": entry.comments,
        "quotes": "\n\n".join(q.text for q in quotes),
        "speakers": "\n".join(q.speaker for q in quotes if q.speaker),
        "author_text": "\n".join(entry.authors),
    }
    authors = _keywords(a.replace(",", " ") for a in entry.authors)
    entities = {kind: _keywords(entry.entities.get(kind, ())) for kind in ENTITY_KINDS}
    lex = Lexemes(PAIRS["documents"])
    for field, weight in TEXT_FIELDS["documents"].items():
        lex.text(field, texts[field], weight)
    keywords: dict[str, list[str | None]] = {
        "id": [entry.id],
        "source": [entry.source],
        "year": [entry.year],
        "month": [entry.month],
        "collected_year": [entry.collected_year],
        "collected_month": [entry.collected_month],
        "extraction": [entry.extraction],
        "original": ["no" if entry.duplicate_of else "yes"],
        "duplicate_of": [entry.duplicate_of],
        "author": list(authors),
        "speaker_ids": list(_keywords(q.speaker_id or "" for q in quotes)),
        **{kind: list(ids) for kind, ids in entities.items()},
    }
    for field, values in keywords.items():
        lex.keyword(field, values)
    tsvector = lex.tsvector(entry.id)
    values = (
        entry.id,
        entry.url,
        *(texts[f] or None for f in ("title", "body", "comments", "quotes", "speakers", "author_text")),
        entry.source,
        entry.published,
        entry.year,
        entry.month,
        entry.collected,
        entry.collected_year,
        entry.collected_month,
        entry.duplicate_of,
        entry.extraction,
        authors,
        *(entities[kind] for kind in ENTITY_KINDS),
    )
    return Row(values, (entry.published, entry.collected, lex.loose, tsvector), lex.vocabulary)


def quote_rows(entry: IndexEntry) -> Iterator[Row]:
    """The quotes table's rows for ``entry``'s quotes, each with its document's citation."""
    for n, q in enumerate(entry.quotes):
        lex = Lexemes(PAIRS["quotes"])
        texts = {"text": q.text, "speaker": q.speaker, "title": entry.title}
        for field, weight in TEXT_FIELDS["quotes"].items():
            lex.text(field, texts[field], weight)
        for field, value in (
            ("doc_id", entry.id),
            ("speaker_id", q.speaker_id),
            ("source", entry.source),
            ("original", "no" if entry.duplicate_of else "yes"),
        ):
            lex.keyword(field, [value])
        tsvector = lex.tsvector(f"{entry.id}:{n}")
        yield Row(
            (
                f"{entry.id}:{n}",
                entry.id,
                q.text or None,
                q.speaker or None,
                q.speaker_id or None,
                q.cue or None,
                q.start,
                q.end,
                entry.source,
                entry.title or None,
                entry.url or None,
                entry.published,
            ),
            (entry.published, lex.loose, tsvector),
            lex.vocabulary,
        )
