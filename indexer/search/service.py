"""The search service: every search of an archive, of its documents or its quotes, in one loop.

A search is parsed and compiled (:mod:`indexer.search.compiler`) with the archive's entity names: those
the indexed documents use and the gazetteer's, which the service is given when it is made, so no caller
can search without them (``scheme:ESA`` finds the same documents on every page). The request's filters
(facet values, dates, originals only) are folded into the query tree, the work is bounded
(:mod:`indexer.search.bounds`), and the backend (:class:`~indexer.search.backend.SearchBackend`) matches,
counts and orders; the page's results get their snippets here (:mod:`indexer.search.highlight`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, cast

from casebook.models import ENTITY_KINDS, Entity
from indexer.search import tree as t
from indexer.search.backend import Found, Kind, Order, SearchBackend, Wanted
from indexer.search.bounds import bounded
from indexer.search.compiler import DOCUMENTS, QUOTES, Compiled, Profile, compile_query
from indexer.search.entries import DATES
from indexer.search.highlight import document_snippet, quote_snippet
from indexer.search.language import DateOrderError, QueryError, check_date
from indexer.search.lexicon import Lexicon, SeenEntity

ALL_FACETS: tuple[str, ...] = ("source", "year", "month", "author", *ENTITY_KINDS, "extraction")
SORTS = ("relevance", "newest", "oldest")
DATED_FACETS = {"year": "collected_year", "month": "collected_month"}  # their fields by the date collected


class SearchService:
    """Searches of one archive's index (``backend``), its entity names resolved with ``gazetteer``'s too.

    One service serves many threads: it holds no per-search state.
    """

    def __init__(self, backend: SearchBackend, *, gazetteer: Iterable[Entity]) -> None:
        self.backend = backend
        self._gazetteer = tuple(gazetteer)
        self._lexicon: tuple[Mapping[str, SeenEntity], Lexicon] | None = None

    def lexicon(self) -> Lexicon:
        """The names entity fields resolve: the gazetteer's, then those the indexed documents use (made
        again when the index has changed)."""
        seen = self.backend.seen_entities()
        held = self._lexicon
        if held is None or held[0] is not seen:
            held = self._lexicon = (seen, Lexicon.of(self._gazetteer, seen))
        return held[1]

    def search(
        self,
        query: str = "*",
        limit: int = 20,
        page: int = 1,
        facet_limit: int = 10,
        filters: Mapping[str, Iterable[str]] | None = None,
        *,
        sort: str = "relevance",
        since: date | str | None = None,
        until: date | str | None = None,
        exclude: Mapping[str, Iterable[str]] | None = None,
        originals_only: bool = False,
        facets: Iterable[str] | None = None,
        details: bool = False,
        dated_by: str = "published",
    ) -> dict[str, Any]:
        """Search the documents; return ``{total, results: [...], facets: {kind: {value: count}}}``.

        ``filters`` narrows to documents having every given facet value (e.g. ``{"source": ["dorset-iww"]}``);
        a key written ``-source`` (or the ``exclude`` mapping) drops documents having any of the values.
        ``since``/``until`` bound the publication date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or dates);
        ``dated_by="collected"`` makes them, the ``year`` and ``month`` facets and filters and the date
        order use the day the archive first fetched each page instead;
        ``originals_only`` hides documents marked as copies of another. ``sort``: relevance, newest or
        oldest (undated documents last). ``facets`` names the facet kinds to count (default: all of
        :data:`ALL_FACETS`); each is cut to the ``facet_limit`` commonest values. ``details`` adds ``page``,
        ``pages``, ``sort`` and ``notices`` (e.g. an entity name that matched nothing) to the answer, and
        ``matched_in`` (title, body, comments, quotes) and ``duplicate_of`` to each result; without it the
        shape is exactly ``{total, results: [{id, title, url, source, published, snippet}], facets}``, and
        ``collected`` (the day the archive first fetched it) is in each result only with ``details`` or
        when searching by that date.

        Raises :class:`~indexer.search.language.QueryError` (a ``CasebookError``) for a malformed query.
        """
        _check_sort(sort)
        _check_dated_by(dated_by)
        facet_names = tuple(ALL_FACETS if facets is None else [f for f in facets if f in ALL_FACETS])
        limit, page, first, last = _page_bounds(limit, page)
        compiled = self._compile(query, DOCUMENTS, notices=True)
        include, reject = _facet_filters(filters, exclude, dated_by)
        include += _dates(since, until, dated_by)
        if originals_only:
            reject.append(t.Term("original", "no"))
        fields = tuple(_facet_field(name, dated_by) for name in facet_names)
        found = self._find(
            "documents", query, compiled, include, reject, sort, first, last, fields, facet_limit, dated_by
        )
        found.facets = {name: found.facets[field] for name, field in zip(facet_names, fields, strict=True)}
        results = []
        for stored in found.hits:
            snippet, matched_in = document_snippet(stored, compiled.marks)
            hit = _document(stored) | {"snippet": snippet}
            if details or dated_by == "collected":
                hit["collected"] = stored.get("collected") or None
            if details:
                hit.update(matched_in=matched_in, duplicate_of=stored.get("duplicate_of"))
            results.append(hit)
        answer: dict[str, Any] = {"total": found.total, "results": results, "facets": found.facets}
        if details:
            answer.update(page=page, pages=-(-found.total // limit), sort=sort, notices=compiled.notices)
        return answer

    def search_quotes(
        self,
        query: str = "*",
        limit: int = 20,
        page: int = 1,
        *,
        speaker: str | None = None,
        speaker_id: str | None = None,
        source: str | Iterable[str] | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        sort: str = "relevance",
        originals_only: bool = False,
    ) -> dict[str, Any]:
        """Search the quotes; each hit carries its citation.

        ``query`` uses the same language (words, phrases, ``speaker:``, ``source:``, ``published:``); the
        keyword arguments narrow further. Returns ``{total, results: [{doc_id, text, speaker, speaker_id,
        cue, start, title, source, published, url, snippet}]}``.
        """
        _check_sort(sort)
        limit, page, first, last = _page_bounds(limit, page)
        compiled = self._compile(query, QUOTES)
        include, reject = self._quote_filters(speaker, speaker_id, source, since, until, originals_only)
        found = self._find("quotes", query, compiled, include, reject, sort, first, last)
        results = [_quote(stored) | {"snippet": quote_snippet(stored.get("text") or "", compiled.marks)}
                   for stored in found.hits]  # fmt: skip
        return {"total": found.total, "results": results}

    def every_match(
        self, query: str = "*", *, quotes: bool = False, **narrowing: Any
    ) -> tuple[int, Iterator[dict[str, Any]]]:
        """Every match of a search (``quotes``: of the quotes), in the order of its pages, without building
        the list: ``(total, hits)``. What exports stream, however many there are.

        The query is run here, once (a malformed one raises :class:`QueryError` before anything is sent);
        ``hits`` then reads each match as it is consumed (a hit has the fields of a :meth:`search` or
        :meth:`search_quotes` result, without the snippet). ``narrowing``: the keyword arguments of those
        methods (filters, exclude, speaker, source, since, until, sort, originals_only, dated_by), and
        ``among``: only documents with these ids (what a run of the pipeline has just written).
        """
        sort = narrowing.pop("sort", "relevance")
        _check_sort(sort)
        if quotes:
            compiled = self._compile(query, QUOTES)
            include, reject = self._quote_filters(**narrowing)
            found = self._find("quotes", query, compiled, include, reject, sort, 0, None)
            return found.total, (_quote(stored) for stored in found.hits)
        compiled = self._compile(query, DOCUMENTS)
        dated_by = narrowing.pop("dated_by", "published")
        _check_dated_by(dated_by)
        filters, exclude = narrowing.pop("filters", None), narrowing.pop("exclude", None)
        include, reject = _facet_filters(filters, exclude, dated_by)
        include += _dates(narrowing.pop("since", None), narrowing.pop("until", None), dated_by)
        if narrowing.pop("originals_only", False):
            reject.append(t.Term("original", "no"))
        among = narrowing.pop("among", None)
        if among is not None:
            ids = tuple(t.Term("id", doc_id) for doc_id in sorted(set(among)))
            include.append(t.Or(ids) if ids else t.Nothing())
        if narrowing:
            raise TypeError(f"every_match got unexpected arguments: {', '.join(sorted(narrowing))}")
        found = self._find("documents", query, compiled, include, reject, sort, 0, None, dated_by=dated_by)
        return found.total, (
            _document(stored) | {"collected": stored.get("collected")} for stored in found.hits
        )

    # -- the one loop: compile, narrow, bound, find ----------------------------------------------

    def _compile(self, query: str, profile: Profile, notices: bool = False) -> Compiled:
        """The query compiled for ``profile`` with the archive's names (and, with ``notices``, a word about a
        source the archive lacks); without an index, compiled all the same, so a malformed query is said."""
        if not self.backend.exists():
            return compile_query(query or "*", profile)
        kind: Kind = "documents" if profile is DOCUMENTS else "quotes"
        known = (lambda field: self.backend.known_values(kind, field)) if notices else None
        return compile_query(query or "*", profile, self.lexicon().resolve, _once(known))

    def _quote_filters(
        self,
        speaker: str | None = None,
        speaker_id: str | None = None,
        source: str | Iterable[str] | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        originals_only: bool = False,
    ) -> tuple[list[t.Node], list[t.Node]]:
        include: list[t.Node] = []
        if speaker:
            phrase = speaker.replace('"', " ")
            include.append(self._compile(f'speaker:"{phrase}"', QUOTES).query)
        if speaker_id:
            include.append(t.Term("speaker_id", speaker_id))
        if source:
            sources = [source] if isinstance(source, str) else list(source)
            include.append(t.Or(tuple(t.Term("source", s) for s in sources)))
        include += _dates(since, until)
        return include, [t.Term("original", "no")] if originals_only else []

    def _find(
        self,
        kind: Kind,
        text: str,
        compiled: Compiled,
        include: list[t.Node],
        reject: list[t.Node],
        sort: str,
        first: int,
        last: int | None,
        facets: tuple[str, ...] = (),
        facet_limit: int = 10,
        dated_by: str = "published",
    ) -> Found:
        if not self.backend.exists():
            return Found(0, {name: {} for name in facets}, iter(()))
        query = _combine(compiled.query, include, reject, compiled.match_all)
        # everything (``*``) has no relevance to rank by: newest first
        order = cast(Order, "newest" if sort == "relevance" and compiled.match_all else sort)
        with bounded(t.is_slow(query), text):
            return self.backend.find(Wanted(kind, query, order, first, last, facets, facet_limit, dated_by))


def _once(known: Any) -> Any:
    """``known`` with each field's values read once per search."""
    if known is None:
        return None
    held: dict[str, Any] = {}

    def values(field: str) -> Any:
        if field not in held:
            held[field] = known(field)
        return held[field]

    return values


def _check_sort(sort: str) -> None:
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r} (relevance, newest or oldest)", "relevance")


def _check_dated_by(dated_by: str) -> None:
    if dated_by not in DATES:
        raise QueryError(f"unknown date {dated_by!r} (published or collected)", "published")


def _facet_field(name: str, dated_by: str) -> str:
    """The index field a facet reads: ``year`` and ``month`` are those of the date searched by."""
    return DATED_FACETS.get(name, name) if dated_by == "collected" else name


def _page_bounds(limit: int, page: int) -> tuple[int, int, int, int]:
    limit, page = max(int(limit), 1), max(int(page), 1)
    return limit, page, (page - 1) * limit, page * limit


def _date_arg(value: date | str | None, upper: bool) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return check_date(str(value), "until" if upper else "since")


def _dates(since: date | str | None, until: date | str | None, dated_by: str = "published") -> list[t.Node]:
    """The dates asked for (published, or ``dated_by`` collected), as a filter (none without either end)."""
    lo, hi = _date_arg(since, upper=False), _date_arg(until, upper=True)
    if lo and hi and lo > hi:
        raise DateOrderError(lo, hi)
    return [t.Days(lo, hi, dated_by)] if lo or hi else []


def _facet_filters(
    filters: Mapping[str, Iterable[str]] | None,
    exclude: Mapping[str, Iterable[str]] | None,
    dated_by: str = "published",
) -> tuple[list[t.Node], list[t.Node]]:
    """Facet filters as (values every result must have, values no result may have); a year or month is
    the date ``dated_by`` names."""
    include: list[t.Node] = []
    reject: list[t.Node] = []
    for name, values in (filters or {}).items():
        bare = name.lstrip("-!")
        if bare not in ALL_FACETS:
            continue
        target = reject if name != bare else include
        target.extend(t.Term(_facet_field(bare, dated_by), v) for v in values if v)
    for name, values in (exclude or {}).items():
        if name in ALL_FACETS:
            reject.extend(t.Term(_facet_field(name, dated_by), v) for v in values if v)
    return include, reject


def _combine(q: t.Node, include: list[t.Node], reject: list[t.Node], match_all: bool) -> t.Node:
    """The query narrowed by the filters (which add nothing to the score); ``*`` with filters is the
    filters alone."""
    parts = [] if match_all and include else [q]
    parts += [t.Unscored(f) for f in include]
    combined = parts[0] if len(parts) == 1 else t.And(tuple(parts))
    if reject:
        combined = t.AndNot(combined, t.Or(tuple(reject)) if len(reject) > 1 else reject[0])
    return combined


def _document(stored: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": stored["id"],
        "title": stored.get("title", ""),
        "url": stored["url"],
        "source": stored["source"],
        "published": stored.get("published") or None,
    }


def _quote(stored: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "doc_id": stored["doc_id"],
        "text": stored.get("text") or "",
        "speaker": stored.get("speaker"),
        "speaker_id": stored.get("speaker_id"),
        "cue": stored.get("cue"),
        "start": stored.get("start"),  # where it stands in the document's text
        "title": stored.get("title"),
        "source": stored.get("source"),
        "published": stored.get("published") or None,
        "url": stored.get("url"),
    }
