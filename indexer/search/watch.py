"""Saved searches, watched: what each matches when it is saved, and what it newly matches among the
documents a run of the pipeline (ingest, crawl, re-enrichment) has just written to the index.

A saved search keeps every document it has matched with the time it first did (``saved_matches``). When it
is saved, all it matches then is recorded as found then: nothing is new yet. After a run, each saved search
is run again over the documents the run indexed only (``among``): a match not recorded before is new, also
an old article that matches now because its text or its entities changed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from casebook.store import SavedSearch, Store
from indexer.search.language import QueryError
from indexer.search.params import SearchParams
from indexer.search.service import SearchService

CHUNK = 500  # documents of a run a saved search is matched against at a time


@dataclass(frozen=True)
class NewMatches:
    """The documents a saved search matched for the first time in one run."""

    search: SavedSearch
    doc_ids: list[str]


def save_search(store: Store, service: SearchService, owner: str, name: str, query: str, now: str) -> int:
    """Save ``query`` (a query string) as ``name`` for ``owner``, with everything it matches now recorded
    as seen; its id. Raises :class:`QueryError` for a query that cannot be run (nothing is saved) and
    ``NameTaken`` for a name the owner has used."""
    params = SearchParams.from_query_string(query)
    _total, hits = service.every_match(params.q or "*", **params.narrowing())
    ids = [hit["id"] for hit in hits]
    with store.write_transaction():
        search_id = store.add_saved_search(owner, name, params.query_string(), now)
        store.add_matches(search_id, ids, now)
    return search_id


def record_new_matches(
    store: Store, service: SearchService, touched: Collection[str], now: str
) -> tuple[list[NewMatches], list[str]]:
    """Match every saved search against the documents ``touched`` (indexed by a run) and record the new
    matches, found ``now``. Returns the searches with new matches, and one line for each saved search that
    could not be run (its query no longer reads); the others are recorded all the same."""
    found: list[NewMatches] = []
    problems: list[str] = []
    touched = sorted(set(touched))
    if not touched:
        return found, problems
    for saved in store.saved_searches():
        params = SearchParams.from_query_string(saved.query)
        matched: list[str] = []
        try:
            for start in range(0, len(touched), CHUNK):
                among = touched[start : start + CHUNK]
                _total, hits = service.every_match(params.q or "*", **params.narrowing(), among=among)
                matched += [hit["id"] for hit in hits]
        except QueryError as exc:
            problems.append(f"saved search {saved.name!r} could not be run: {exc.problem}")
            continue
        with store.write_transaction():
            added = store.add_matches(saved.id, matched, now)
        if added:
            found.append(NewMatches(saved, added))
    return found, problems
