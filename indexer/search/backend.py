"""The seam between search and an index: what a backend must do, and the shapes that cross it.

:class:`~indexer.search.service.SearchService` parses and compiles queries, folds in filters, bounds the
work, ranks by date or relevance, cuts pages and makes snippets; a :class:`SearchBackend` keeps the index
(written from :class:`~indexer.search.entries.IndexEntry` values) and answers a :class:`Wanted` with a
:class:`Found`. Two backends stand behind it: Whoosh in the data folder
(:mod:`indexer.search.whoosh_backend`) and PostgreSQL full-text search in the database
(:mod:`indexer.search.postgres_backend`); the ``search_backend`` setting picks one
(:mod:`indexer.search.backends`). Nothing here names either.

What every backend must give for the same entries and the same :class:`Wanted`: the same matching entries
for every query tree (a phrase against the words as written, ``gap`` meaning what it means in
:mod:`indexer.search.tree`, a stemmed word widened to the words of the index sharing its Porter stem), the
same facet counts, the same order by date (undated last, then by the order entries were written). Ranking
by relevance is the backend's own (the Whoosh backend's is BM25 as Whoosh defines it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from casebook.errors import CasebookError
from indexer.search.entries import IndexEntry
from indexer.search.lexicon import SeenEntity
from indexer.search.tree import Node

Kind = Literal["documents", "quotes"]  # the two collections of an index
Order = Literal["relevance", "newest", "oldest"]


class IndexCorrupt(CasebookError):
    """The search index cannot be read: a file missing, truncated or garbage, or the link to a missing folder.

    The index is derived data: a rebuild (``casebook reindex``) makes a new one from the store. ``folder``
    is where the damaged index is, ``detail`` what was found wrong with it.
    """

    def __init__(self, folder: Path, detail: str, message: str | None = None) -> None:
        self.folder = Path(folder)
        self.detail = detail
        super().__init__(
            message
            or f"the search index at {folder} is damaged ({detail}); it can be rebuilt from the store"
            " with casebook reindex"
        )


class IndexOutdated(IndexCorrupt):
    """The index was built by another version of Casebook (another schema): rebuilt the same way."""


@dataclass(frozen=True)
class Wanted:
    """What a search asks of a backend: the entries of ``kind`` matching ``query`` (filters folded in), in
    ``order``, the stored values of those ``first`` to ``last`` (``None``: to the end), and the
    ``facet_limit`` commonest values of each of ``facets`` among all the matches; ``newest`` and ``oldest``
    order by the date ``dated_by`` names (:data:`~indexer.search.entries.DATES`)."""

    kind: Kind
    query: Node
    order: Order = "relevance"
    first: int = 0
    last: int | None = None
    facets: tuple[str, ...] = ()
    facet_limit: int = 10
    dated_by: str = "published"  # the date ``newest``/``oldest`` order by: published or collected


@dataclass
class Found:
    """A backend's answer: how many matched, the facet counts (commonest first, then by value), and the
    stored values of the matches asked for, read as the iterator is consumed.

    A document hit holds ``id``, ``url``, ``title``, ``body``, ``comments``, ``quotes`` (texts), ``source``,
    ``published`` (ISO date or absent) and ``duplicate_of`` (absent for an original); a quote hit holds
    ``doc_id``, ``text``, ``speaker``, ``speaker_id``, ``cue``, ``start``, ``end``, ``title``, ``source``,
    ``published`` and ``url`` (absent: not known).
    """

    total: int
    facets: dict[str, dict[str, int]]
    hits: Iterator[Mapping[str, Any]]


@dataclass
class Inventory:
    """What an index holds, for ``casebook check`` to compare with the store."""

    documents: Counter[str]  # document id -> entries holding it (1 when healthy)
    copies: dict[str, str]  # document id -> the original its entry marks it a copy of
    quotes: Counter[str] | None  # document id -> quotes held; None when the quotes index is missing


@runtime_checkable
class SearchBackend(Protocol):
    """An index of :class:`IndexEntry` values that answers searches. Writers may run in other processes;
    every method raises :class:`IndexCorrupt` (or :class:`IndexOutdated`) when the index is unreadable."""

    # -- health

    def exists(self) -> bool:
        """Whether there is an index, readable or not."""
        ...

    def check(self, expected: int | None = None) -> list[str]:
        """What makes the index unusable, one line each (with ``expected``, the store's document count,
        a different count is a problem); empty when it is healthy. Cheap: no full scan."""
        ...

    def doc_count(self) -> int:
        """Documents in the index (0 when there is none)."""
        ...

    def inventory(self) -> Inventory:
        """Every document id held, the copies marked, the quotes held per document: a full scan."""
        ...

    # -- writing

    def update(self, entries: Iterable[IndexEntry], target: Any = None) -> int:
        """Add or replace entries (by id) in the live index, or in ``target`` (a build from
        :meth:`new_build`, before it is swapped in); return how many."""
        ...

    def rebuild(self, entries: Iterable[IndexEntry]) -> int:
        """Build a complete new index from ``entries``, then swap it in for the live one."""
        ...

    def new_build(self) -> Any:
        """Start a new, empty index beside the live one; :meth:`rebuilding` is true until it is swapped in
        or discarded. The handle returned is given back to :meth:`build`, :meth:`update`, :meth:`swap_in`
        and :meth:`discard`."""
        ...

    def build(self, target: Any, entries: Iterable[IndexEntry]) -> int:
        """Write ``entries`` into the new index ``target`` (discarded on failure)."""
        ...

    def swap_in(self, target: Any) -> None:
        """Make the built ``target`` the live index, atomically for readers, and drop the old one."""
        ...

    def discard(self, target: Any) -> None:
        """Give up a build that will not be swapped in."""
        ...

    def rebuilding(self) -> bool:
        """Whether a live process is building a new index."""
        ...

    # -- reading

    def seen_entities(self) -> Mapping[str, SeenEntity]:
        """The entities the indexed documents name, with every name used for them (for ``scheme:ESA``);
        the same object until the index changes."""
        ...

    def known_values(self, kind: Kind, field: str) -> Collection[str]:
        """The values the index holds in a keyword field (``source`` names), to say when a query names
        one it lacks."""
        ...

    def find(self, wanted: Wanted) -> Found:
        """The matches of ``wanted.query``, counted, faceted and ordered."""
        ...
