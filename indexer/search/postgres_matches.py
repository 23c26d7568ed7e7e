"""The matches of recent searches, held in each process: a search asked again (the next page, a facet
chosen beside the results, the same words from another reader) takes its matches from here instead of
asking the database to find and visit every matched row again.

A held answer is only ever used for the index state it came from: the build (a rebuild swaps in another) and
the stamp that every write changes in the transaction that changes the rows (``PostgresIndex.update``). A
search reads both in its own snapshot first; the same build and stamp mean the same rows, so the same
matches, and after any write every held answer is passed over and ages out. Elasticsearch's shard request
cache and Solr's filter cache keep answers the same way, for the same reason: a search engine's readers
ask the same questions again and again between writes.

What is held is what the database answered (the row numbers of the matches, and of those with a ranked
word in the heading); the facets, the order and the ranks are worked out again on every search, as before.
Bounded by bytes (``LIMIT_BYTES``, the least recently used answer out first); answers matching fewer than
``WORTH`` rows are not kept, since the database finds a few rows faster than they would be looked up.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

LIMIT_BYTES = 64 * 1024 * 1024  # per process: 170 answers of 100,000 matches each
WORTH = 1000  # fewer matches than this are asked of the database every time


@dataclass(frozen=True)
class Matches:
    """The database's answer to one search's match statement in one index state."""

    newest: int  # the highest row number in the snapshot: how far the columns must be read
    matched: np.ndarray  # the matches' row numbers, ascending; read-only
    in_heading: np.ndarray | None  # those with a ranked word in the heading field (None: nothing ranked)

    @property
    def size(self) -> int:
        return self.matched.nbytes + (self.in_heading.nbytes if self.in_heading is not None else 0)


@dataclass(frozen=True)
class _Held:
    build: str
    stamp: str
    matches: Matches


class MatchCache:
    """Answers by search, each valid for one (build, stamp) of the index; least recently used out first."""

    def __init__(self, limit_bytes: int = LIMIT_BYTES, worth: int = WORTH) -> None:
        self.limit_bytes = limit_bytes
        self.worth = worth
        self._held: OrderedDict[tuple[object, ...], _Held] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[object, ...], build: str, stamp: str) -> Matches | None:
        """The answer held for ``key`` in the index state (``build``, ``stamp``), or None."""
        with self._lock:
            held = self._held.get(key)
            if held is None or (held.build, held.stamp) != (build, stamp):
                self.misses += 1
                return None
            self._held.move_to_end(key)
            self.hits += 1
            return held.matches

    def put(self, key: tuple[object, ...], build: str, stamp: str, matches: Matches) -> None:
        """Hold ``matches`` for ``key`` in the index state (``build``, ``stamp``), when worth it and room
        can be made."""
        if len(matches.matched) < self.worth or matches.size > self.limit_bytes:
            return
        for array in (matches.matched, matches.in_heading):
            if array is not None:
                array.flags.writeable = False  # shared by every later search that finds it here
        with self._lock:
            old = self._held.pop(key, None)
            if old is not None:
                self._bytes -= old.matches.size
            self._held[key] = _Held(build, stamp, matches)
            self._bytes += matches.size
            while self._bytes > self.limit_bytes:
                _, evicted = self._held.popitem(last=False)
                self._bytes -= evicted.matches.size

    def __len__(self) -> int:
        return len(self._held)


held_matches = MatchCache()  # this process's
