"""Search: the query language, the index derived from the store, and every search of it.

- ``language``: the query language (tokens, grammar, syntax tree, errors); knows no index.
- ``compiler``: a parsed query to the tree every backend runs (``tree``), with what to highlight and what
  to tell the reader; ``analysis`` (what a word is), ``lexicon`` (entity names to ids).
- ``entries``: what the index holds of a document (:class:`IndexEntry`), built by the caller from the store.
- ``backend``: the :class:`SearchBackend` seam and the shapes crossing it; ``backends`` picks one.
- ``params``: :class:`SearchParams`, a search as the query string of ``/search`` says it.
- ``service``: :class:`SearchService`, every search of documents and quotes in one loop; ``bounds`` (time
  limit, slow searches at once), ``highlight`` (snippets).
- ``whoosh_backend``, ``whoosh_schema``, ``whoosh_query``, ``whoosh_evaluator`` (the numpy query evaluator
  and BM25 ranker) and ``whoosh_internals`` (every use of Whoosh's private API or file format): the Whoosh
  backend. No module outside this package imports Whoosh.
- ``postgres_backend``, ``postgres_entries`` (rows and field-tagged tsvectors) and ``postgres_query`` (the
  tree as SQL): the PostgreSQL backend (``search_backend = "postgres"``), with what each process holds of
  it (``postgres_columns``: facet and date columns; ``postgres_matches``: the matches of recent searches);
  its statements are in ``casebook.store.search_index``.
"""

from indexer.search.backend import IndexCorrupt, IndexOutdated, SearchBackend
from indexer.search.backends import open_backend
from indexer.search.entries import UNDATED, IndexEntry, index_entry
from indexer.search.highlight import plain_snippet
from indexer.search.language import DateError, DateOrderError, QueryError, check_date
from indexer.search.params import SearchParams
from indexer.search.service import ALL_FACETS, SORTS, SearchService

__all__ = [
    "ALL_FACETS",
    "SORTS",
    "UNDATED",
    "DateError",
    "DateOrderError",
    "IndexCorrupt",
    "IndexEntry",
    "IndexOutdated",
    "QueryError",
    "SearchBackend",
    "SearchParams",
    "SearchService",
    "check_date",
    "index_entry",
    "open_backend",
    "plain_snippet",
]
