"""The search index: Whoosh on disk, derived from the store and rebuildable from it at any time.

``DATA/index`` is a symlink to the live index folder; ``rebuild`` writes a fresh folder and swaps the
link atomically, so readers never see a half-built index. Writers take Whoosh's lock with a timeout.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import highlight, index, sorting
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.query import And, Every, Query, Term

from casebook.errors import CasebookError
from casebook.models import ENTITY_KINDS, Mention
from casebook.store import StoredDocument

log = logging.getLogger(__name__)

LOCK_TIMEOUT = 30.0  # seconds a writer waits for another writer to finish
FACETS: tuple[str, ...] = ("source", "year", "author", *ENTITY_KINDS)
SEARCH_FIELDS = ("title", "body")


def make_schema() -> Schema:
    stem = StemmingAnalyzer()
    exact = StandardAnalyzer(stoplist=None)
    entity = {kind: KEYWORD(stored=True, commas=True, scorable=True) for kind in ENTITY_KINDS}
    return Schema(
        id=ID(stored=True, unique=True),
        url=STORED,
        title=TEXT(stored=True, analyzer=stem, field_boost=2.0),
        title_exact=TEXT(analyzer=exact),
        body=TEXT(stored=True, analyzer=stem),
        body_exact=TEXT(analyzer=exact),
        comments=TEXT(analyzer=stem),
        source=ID(stored=True),
        author=KEYWORD(stored=True, commas=True, lowercase=False),
        published=DATETIME(stored=True, sortable=True),
        year=ID(stored=True),
        month=ID(stored=True),
        **entity,
    )


def document_fields(stored: StoredDocument, mentions: Iterable[Mention]) -> dict[str, Any]:
    """The index entry of one stored document and its entity mentions."""
    doc = stored.document
    by_kind: dict[str, set[str]] = {kind: set() for kind in ENTITY_KINDS}
    for mention in mentions:
        by_kind[mention.kind].add(mention.id)
    comments = "\n\n".join(c.text for c in doc.comments)
    fields: dict[str, Any] = {
        "id": doc.id,
        "url": doc.url,
        "title": doc.title,
        "title_exact": doc.title,
        "body": doc.text,
        "body_exact": doc.text,
        "comments": comments,
        "source": doc.source,
        "author": ",".join(a.replace(",", " ") for a in doc.authors),
        **{kind: ",".join(sorted(ids)) for kind, ids in by_kind.items()},
    }
    if doc.published is not None:
        fields["published"] = datetime(doc.published.year, doc.published.month, doc.published.day)
        fields["year"] = f"{doc.published.year:04d}"
        fields["month"] = f"{doc.published.year:04d}-{doc.published.month:02d}"
    return fields


class SearchIndex:
    """Open (or create) the index behind ``DATA/index``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.exists() and index.exists_in(str(self.path))

    def open(self) -> index.Index:
        if not self.exists():
            self._create_live()
        return index.open_dir(str(self.path))

    def _create_live(self) -> None:
        target = self._new_folder()
        index.create_in(str(target), make_schema())
        self._point_to(target)

    def _new_folder(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        target = self.path.parent / f"{self.path.name}-{stamp}"
        target.mkdir(parents=True)
        return target

    def _point_to(self, target: Path) -> Path | None:
        """Atomically make ``self.path`` a symlink to ``target``; return the folder it pointed to before."""
        previous = self.path.resolve() if self.path.is_symlink() else None
        if self.path.exists() and not self.path.is_symlink():
            raise CasebookError(f"{self.path} is not an index link; move it away and run casebook reindex")
        tmp = self.path.parent / f".{self.path.name}.link"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(target.name, tmp)
        os.replace(tmp, self.path)
        return previous

    def update(self, entries: Iterable[dict[str, Any]]) -> int:
        """Add or replace entries (by id) in the live index; one writer at a time."""
        ix = self.open()
        writer = ix.writer(timeout=LOCK_TIMEOUT)
        count = 0
        try:
            for fields in entries:
                writer.update_document(**fields)
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def rebuild(self, entries: Iterable[dict[str, Any]]) -> int:
        """Build a complete new index from ``entries`` beside the live one, then swap it in."""
        target = self._new_folder()
        try:
            ix = index.create_in(str(target), make_schema())
            writer = ix.writer(limitmb=256)
            count = 0
            for fields in entries:
                writer.add_document(**fields)
                count += 1
            writer.commit()
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        previous = self._point_to(target)
        if previous is not None and previous != target.resolve():
            shutil.rmtree(previous, ignore_errors=True)
        return count

    def doc_count(self) -> int:
        if not self.exists():
            return 0
        return index.open_dir(str(self.path)).doc_count()


class EscapingFormatter(highlight.Formatter):
    """Escape the page's text first, then mark the matched terms: a snippet can never carry markup."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=True)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=True)}</mark>"


def plain_snippet(snippet: str) -> str:
    """A highlighted snippet as one line of terminal text: marks dropped, entities decoded."""
    return " ".join(html.unescape(snippet.replace("<mark>", "").replace("</mark>", "")).split())


def parse_query(ix: index.Index, text: str) -> Query:
    text = text.strip()
    if text in ("", "*"):
        return Every()
    parser = MultifieldParser(list(SEARCH_FIELDS), schema=ix.schema, group=OrGroup.factory(0.9))
    parser.add_plugin(DateParserPlugin())
    return parser.parse(text)


def search(
    index_path: Path,
    query: str,
    limit: int = 20,
    page: int = 1,
    facet_limit: int = 10,
    filters: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, Any]:
    """Run a query; return ``{total, results: [...], facets: {kind: {value: count}}}``.

    ``filters`` narrows to documents having every given facet value (e.g. ``{"source": ["dorset-iww"]}``).
    """
    searcher_index = SearchIndex(index_path)
    if not searcher_index.exists():
        return {"total": 0, "results": [], "facets": {name: {} for name in FACETS}}
    ix = searcher_index.open()
    q = parse_query(ix, query)
    groups = {name: sorting.FieldFacet(name, allow_overlap=True, maptype=sorting.Count) for name in FACETS}
    with ix.searcher() as searcher:
        terms = [
            Term(name, value)
            for name, values in (filters or {}).items()
            if name in FACETS
            for value in values
        ]
        restrict = And(terms) if terms else None
        hits = searcher.search_page(
            q, max(page, 1), pagelen=max(limit, 1), groupedby=groups, terms=True, filter=restrict
        )
        hits.results.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
        hits.results.formatter = EscapingFormatter()
        results = []
        for hit in hits:
            published = hit.get("published")
            snippet = hit.highlights("body", top=2) or html.escape(hit["body"][:240], quote=True)
            results.append(
                {
                    "id": hit["id"],
                    "title": hit["title"],
                    "url": hit["url"],
                    "source": hit["source"],
                    "published": published.date().isoformat() if published else None,
                    "snippet": snippet,
                }
            )
        facets = {}
        for name in FACETS:
            counts = hits.results.groups(name)
            ranked = sorted(((v, c) for v, c in counts.items() if v), key=lambda vc: (-vc[1], str(vc[0])))
            facets[name] = dict(ranked[:facet_limit])
        return {"total": hits.total, "results": results, "facets": facets}
