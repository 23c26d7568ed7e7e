"""How the Whoosh backend lays an index entry out: the two schemas (documents, quotes) and the fields written.

Text fields are unstemmed with positions (:class:`~indexer.search.whoosh_internals.FastPositions`); plain
words are widened to their stem's forms at query time. One field per text (rather than a stemmed and an
unstemmed copy) halves what Whoosh writes per document. The publication day is a number (``pubday``,
``date.toordinal``) for date ranges and date order; ``published`` keeps the ISO date to show. The day the
archive first fetched the page is laid out the same way (``colday``, ``collected``, ``collected_year``,
``collected_month``), for searches by the date collected.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from casebook.models import ENTITY_KINDS
from indexer.search.entries import IndexEntry
from indexer.search.whoosh_internals import FastPositions

MAIN = "MAIN"  # the documents index of an index folder
QUOTES_INDEX = "QUOTES"  # the quotes index beside it


def _exact() -> StandardAnalyzer:
    """Words as written (lower-cased), stop words kept: phrases are matched against these, exactly."""
    return StandardAnalyzer(stoplist=None, minsize=1)


def _text(**kwargs: Any) -> TEXT:
    field = TEXT(analyzer=_exact(), **kwargs)
    field.format = FastPositions(field_boost=field.format.field_boost)
    return field


def make_schema() -> Schema:
    """The documents index."""
    entity = {kind: KEYWORD(stored=True, commas=True, scorable=True) for kind in ENTITY_KINDS}
    return Schema(
        id=ID(stored=True, unique=True),
        url=STORED,
        title=_text(stored=True, field_boost=2.0),
        body=_text(stored=True),
        comments=_text(stored=True),
        quotes=_text(stored=True),
        speakers=_text(),
        speaker_ids=KEYWORD(commas=True),
        source=ID(stored=True),
        author=KEYWORD(stored=True, commas=True, lowercase=False),
        author_text=_text(),
        published=STORED,
        pubday=NUMERIC(int, bits=32, signed=False, sortable=True),
        year=ID(stored=True),
        month=ID(stored=True),
        collected=STORED,
        colday=NUMERIC(int, bits=32, signed=False, sortable=True),
        collected_year=ID(stored=True),
        collected_month=ID(stored=True),
        duplicate_of=ID(stored=True),
        original=ID(),
        extraction=ID(stored=True),
        **entity,
    )


def make_quotes_schema() -> Schema:
    """The quotes index: one entry per quote, with its document's citation."""
    return Schema(
        qid=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        text=_text(stored=True),
        speaker=_text(stored=True),
        speaker_id=ID(stored=True),
        cue=STORED,
        start=STORED,
        end=STORED,
        source=ID(stored=True),
        title=_text(stored=True),
        url=STORED,
        published=STORED,
        pubday=NUMERIC(int, bits=32, signed=False, sortable=True),
        original=ID(),
    )


def schemas() -> dict[str, Schema]:
    """The schema of each index of a folder, by index name (new objects: a writer may change its own)."""
    return {MAIN: make_schema(), QUOTES_INDEX: make_quotes_schema()}


DAY_FIELDS = {"published": "pubday", "collected": "colday"}  # a date -> its day-number field


def _day(value: date | None, name: str = "published") -> dict[str, Any]:
    if value is None:
        return {}
    return {name: value.isoformat(), DAY_FIELDS[name]: value.toordinal()}


def _written(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields with a value (Whoosh indexes nothing for an empty one; leaving it out stores nothing)."""
    return {k: v for k, v in fields.items() if v not in ("", None)}


def document_fields(entry: IndexEntry) -> dict[str, Any]:
    """The fields of the documents index for ``entry``."""
    quotes = entry.quotes
    return _written(
        {
            "id": entry.id,
            "url": entry.url,
            "title": entry.title,
            "body": entry.body,
            "comments": entry.comments,
            "source": entry.source,
            "author": ",".join(a.replace(",", " ") for a in entry.authors),
            "author_text": "\n".join(entry.authors),
            "original": "no" if entry.duplicate_of else "yes",
            "duplicate_of": entry.duplicate_of,
            "extraction": entry.extraction,
            **{kind: ",".join(entry.entities.get(kind, ())) for kind in ENTITY_KINDS},
            **_day(entry.published),
            "year": entry.year,
            "month": entry.month,
            **_day(entry.collected, "collected"),
            "collected_year": entry.collected_year,
            "collected_month": entry.collected_month,
            "quotes": "\n\n".join(q.text for q in quotes),
            "speakers": "\n".join(q.speaker for q in quotes if q.speaker),
            "speaker_ids": ",".join(sorted({q.speaker_id for q in quotes if q.speaker_id})),
        }
    )


def quote_fields(entry: IndexEntry) -> list[dict[str, Any]]:
    """The entries of the quotes index for ``entry``'s quotes, each with the document's citation."""
    return [
        _written(
            {
                "qid": f"{entry.id}:{n}",
                "doc_id": entry.id,
                "text": q.text,
                "speaker": q.speaker,
                "speaker_id": q.speaker_id,
                "cue": q.cue,
                "start": q.start,
                "end": q.end,
                "source": entry.source,
                "title": entry.title,
                "url": entry.url,
                "original": "no" if entry.duplicate_of else "yes",
                **_day(entry.published),
            }
        )
        for n, q in enumerate(entry.quotes)
    ]
