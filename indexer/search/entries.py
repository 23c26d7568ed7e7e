"""What the search index holds of one document: an :class:`IndexEntry`, the same for every backend.

The caller (the ingest pipeline, re-enrichment, a rebuild) builds entries from the store with
:func:`index_entry`, quotes included: the index reads nothing else. Each backend lays an entry out in its
own fields (:mod:`indexer.search.whoosh_schema` for Whoosh); the names of those fields in a query tree
(:mod:`indexer.search.tree`) are the ones listed in :data:`DOCUMENT_FIELDS` and :data:`QUOTE_FIELDS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from casebook.models import ENTITY_KINDS, Mention, Quote
from casebook.store import StoredDocument

UNDATED = "undated"  # the year facet's value for a document without a publication date
DATES = ("published", "collected")  # which date a search's dates, year and month facets and order use

# Fields of the documents index, as a query tree names them, and what each holds:
DOCUMENT_FIELDS: dict[str, str] = {
    "title": "the title's words",
    "body": "the text's words",
    "comments": "the readers' comments' words",
    "quotes": "the words of the quotes found in the text",
    "speakers": "the quotes' speakers as written (words)",
    "speaker_ids": "the quotes' speakers' entity ids (exact)",
    "author_text": "the authors' names (words)",
    "author": "each author's name (exact; a facet)",
    "source": "the source's registry name (exact; a facet)",
    "year": "YYYY of publication, or 'undated' (exact; a facet)",
    "month": "YYYY-MM of publication (exact; a facet)",
    "collected_year": "YYYY the archive first fetched the page, or 'undated' (exact; a facet)",
    "collected_month": "YYYY-MM the archive first fetched the page (exact; a facet)",
    "id": "the document's id (exact)",
    "extraction": "how sure extraction was: full, fallback, uncertain (exact; a facet)",
    "original": "'no' for a near-duplicate copy of another document, else 'yes' (exact)",
    **{kind: f"the ids of the {kind} entities mentioned (exact; a facet)" for kind in ENTITY_KINDS},
}
# Fields of the quotes index:
QUOTE_FIELDS: dict[str, str] = {
    "text": "the quote's words",
    "speaker": "the speaker as written (words)",
    "speaker_id": "the speaker's entity id (exact)",
    "source": "the document's source (exact)",
    "title": "the document's title (words)",
    "original": "'no' when the document is a near-duplicate copy, else 'yes' (exact)",
}


@dataclass(frozen=True)
class IndexEntry:
    """One document as the index holds it: its texts and facets, the entities it names (with the names
    used, for ``scheme:ESA``) and its quotes."""

    id: str
    url: str  # what readers cite: the canonical URL
    title: str
    body: str
    source: str
    comments: str = ""  # every comment's text, one after another
    authors: tuple[str, ...] = ()
    published: date | None = None
    duplicate_of: str | None = None  # the original's id when this is a near-duplicate copy
    extraction: str = "full"
    entities: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> entity ids
    names: tuple[tuple[str, str, str, str], ...] = ()  # (entity id, kind, name, text as written)
    quotes: tuple[Quote, ...] = ()
    collected: date | None = None  # the day (UTC) the archive first fetched the page

    @property
    def year(self) -> str:
        """``YYYY`` of publication; :data:`UNDATED` without a date (counted, and found by year=undated:
        a date filter or a timeline must not lose them unsaid)."""
        return _year(self.published)

    @property
    def month(self) -> str | None:
        return _month(self.published)

    @property
    def collected_year(self) -> str:
        return _year(self.collected)

    @property
    def collected_month(self) -> str | None:
        return _month(self.collected)


def _year(day: date | None) -> str:
    return f"{day.year:04d}" if day is not None else UNDATED


def _month(day: date | None) -> str | None:
    return f"{day.year:04d}-{day.month:02d}" if day is not None else None


def collected_day(first_fetched: datetime | None) -> date | None:
    """The day a page was first fetched, in UTC (a fetch time without a zone is taken as UTC)."""
    if first_fetched is None:
        return None
    if first_fetched.tzinfo is not None:
        first_fetched = first_fetched.astimezone(UTC)
    return first_fetched.date()


def index_entry(stored: StoredDocument, mentions: Iterable[Mention], quotes: Iterable[Quote]) -> IndexEntry:
    """The index entry of one stored document, with its entity mentions and its quotes."""
    doc = stored.document
    mentions = list(mentions)
    by_kind: dict[str, set[str]] = {kind: set() for kind in ENTITY_KINDS}
    for mention in mentions:
        by_kind[mention.kind].add(mention.id)
    duplicate_of = getattr(stored, "duplicate_of", None) or getattr(doc, "duplicate_of", None)
    return IndexEntry(
        id=doc.id,
        url=doc.canonical_url,  # what readers cite; a file imported from disk has its file:// as url
        title=doc.title,
        body=doc.text,
        source=doc.source,
        comments="\n\n".join(c.text for c in doc.comments),
        authors=tuple(doc.authors),
        published=doc.published,
        duplicate_of=str(duplicate_of) if duplicate_of else None,
        extraction=doc.extraction,
        entities={kind: tuple(sorted(ids)) for kind, ids in by_kind.items()},
        names=tuple(sorted({(m.id, m.kind, m.name, m.text) for m in mentions})),
        quotes=tuple(quotes),
        collected=collected_day(getattr(stored, "first_fetched", None)),
    )
