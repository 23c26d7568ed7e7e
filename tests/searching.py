"""Searches as the tests run them: the search service over the Whoosh index at a path, with no gazetteer
unless one is given (a folder of it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indexer.enrich.gazetteer import load_gazetteer
from indexer.search import SearchService
from indexer.search.whoosh_backend import WhooshIndex


def service(index_dir: Path, gazetteer: Path | None = None) -> SearchService:
    entities = load_gazetteer(gazetteer) if gazetteer is not None else ()
    return SearchService(WhooshIndex(Path(index_dir)), gazetteer=entities)


def search(
    index_dir: Path, query: str = "*", *, gazetteer: Path | None = None, **kwargs: Any
) -> dict[str, Any]:
    return service(index_dir, gazetteer).search(query, **kwargs)


def search_quotes(
    index_dir: Path, query: str = "*", *, gazetteer: Path | None = None, **kwargs: Any
) -> dict[str, Any]:
    return service(index_dir, gazetteer).search_quotes(query, **kwargs)
