"""Which search backend serves an archive: the ``search_backend`` setting, ``whoosh`` (files in the data
folder) or ``postgres`` (full-text tables in the database at ``database_url``). Nothing else in Casebook
knows which one runs."""

from __future__ import annotations

from casebook.settings import Settings
from indexer.search.backend import SearchBackend


def open_backend(settings: Settings) -> SearchBackend:
    """The search index of the archive ``settings`` describe (made when first written to)."""
    if settings.search_backend == "postgres" and settings.database_url:
        from indexer.search.postgres_backend import PostgresIndex

        return PostgresIndex(settings.database_url)
    from indexer.search.whoosh_backend import WhooshIndex

    return WhooshIndex(settings.index_dir)
