"""Searches as the tests run them: the search service over an index (a Whoosh index folder, or any search
backend), with no gazetteer unless one is given (a folder of it); and the backends every search test runs on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from indexer.enrich.gazetteer import load_gazetteer
from indexer.search import SearchBackend, SearchService
from indexer.search.whoosh_backend import WhooshIndex

BACKENDS = ("whoosh", "postgres")  # the search tests run on each (parametrised fixtures)


def new_backend(name: str, folder: Path, request: pytest.FixtureRequest) -> SearchBackend:
    """An empty index of the backend ``name``: a Whoosh index in ``folder``, or the PostgreSQL one in a
    fresh database of the suite's throwaway cluster (the ``postgres`` fixture)."""
    if name == "whoosh":
        return WhooshIndex(folder / "index")
    from indexer.search.postgres_backend import PostgresIndex

    return PostgresIndex(request.getfixturevalue("postgres").new_database())


def _backend(index: Path | SearchBackend) -> SearchBackend:
    return WhooshIndex(Path(index)) if isinstance(index, str | Path) else index


def service(index: Path | SearchBackend, gazetteer: Path | None = None) -> SearchService:
    entities = load_gazetteer(gazetteer) if gazetteer is not None else ()
    return SearchService(_backend(index), gazetteer=entities)


def search(
    index: Path | SearchBackend, query: str = "*", *, gazetteer: Path | None = None, **kwargs: Any
) -> dict[str, Any]:
    return service(index, gazetteer).search(query, **kwargs)


def search_quotes(
    index: Path | SearchBackend, query: str = "*", *, gazetteer: Path | None = None, **kwargs: Any
) -> dict[str, Any]:
    return service(index, gazetteer).search_quotes(query, **kwargs)
