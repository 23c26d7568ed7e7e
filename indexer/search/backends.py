"""Which search backend serves an archive: Whoosh in its data folder (a PostgreSQL one is to come)."""

from __future__ import annotations

from casebook.settings import Settings
from indexer.search.backend import SearchBackend
from indexer.search.whoosh_backend import WhooshIndex


def open_backend(settings: Settings) -> SearchBackend:
    """The search index of the archive ``settings`` describe (made when first written to)."""
    return WhooshIndex(settings.index_dir)
