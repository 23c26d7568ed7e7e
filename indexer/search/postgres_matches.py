"""The matches of recent searches, held in each process: a search asked again (the next page, a facet
chosen beside the results, the same words from another reader) takes its matches from here instead of
asking the database to find and visit every matched row again.

A held answer is only used for the index state it came from, which a search reads in its own snapshot
first (:class:`State`): the build (a rebuild swaps in another), the stamp every write changes and the
stamp of the last write that replaced or removed rows. The same build and stamp: the same rows, so the
same matches, and nothing is asked. A write since that only added rows (new articles ingested): the rows up
to the held answer's newest are what they were, every added row has a higher row number (one writer at a
time takes them in order), so only the rows past it are asked for and the answer is extended. A row
replaced or removed since: the database is asked afresh. Elasticsearch's shard request cache and Solr's
filter cache keep answers for the same reason: readers ask the same search again and again between writes.

What is held is what the database answered (the row numbers of the matches, and of those with a ranked
word in the heading); the facets, the order and the ranks are worked out again on every search. Bounded by
bytes (``LIMIT_BYTES``, the least recently used answer out first); answers matching fewer than ``WORTH``
rows are not kept, since the database finds a few rows about as fast as they would be looked up.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

LIMIT_BYTES = 64 * 1024 * 1024  # per process: 170 answers of 100,000 matches each
WORTH = 1000  # fewer matches than this are asked of the database every time


@dataclass(frozen=True)
class State:
    """What the index is in a search's snapshot: its build, the stamp every write changes, and the stamp
    of the last write that replaced or removed rows (None: an index older than that stamp)."""

    build: str
    stamp: str
    removed: str | None


@dataclass(frozen=True)
class Matches:
    """The database's answer to one search's match statement in one index state."""

    newest: int  # the highest row number in the snapshot: how far the columns must be read
    matched: np.ndarray  # the matches' row numbers, ascending
    in_heading: np.ndarray  # those with a ranked word in the heading field (none when nothing is ranked)

    @property
    def size(self) -> int:
        return self.matched.nbytes + self.in_heading.nbytes

    def extended(self, newest: int, matched: np.ndarray, in_heading: np.ndarray) -> Matches:
        """This answer with the matches among the rows past its newest (``matched``, ascending, and
        ``in_heading``) found in a snapshot whose newest row is ``newest``. A snapshot older than this
        answer's (another search held it meanwhile) holds none of the rows past its own newest."""
        if newest < self.newest:
            return Matches(
                newest, self.matched[self.matched <= newest], self.in_heading[self.in_heading <= newest]
            )
        return Matches(
            newest, np.concatenate([self.matched, matched]), np.concatenate([self.in_heading, in_heading])
        )


@dataclass(frozen=True)
class _Held:
    state: State
    matches: Matches


class MatchCache:
    """Answers by search, each for the index state it came from; least recently used out first."""

    def __init__(self, limit_bytes: int = LIMIT_BYTES, worth: int = WORTH) -> None:
        self.limit_bytes = limit_bytes
        self.worth = worth
        self._held: OrderedDict[tuple[object, ...], _Held] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0  # answered from here
        self.extended = 0  # answered from here and the rows added since
        self.misses = 0

    def get(self, key: tuple[object, ...], state: State) -> tuple[Matches | None, bool]:
        """The answer held for ``key`` that serves the index in ``state``, and whether it is its answer
        whole (True) or the answer as far as its newest row, to be extended by the rows added since."""
        with self._lock:
            held = self._held.get(key)
            if held is not None and held.state == state:
                self._held.move_to_end(key)
                self.hits += 1
                return held.matches, True
            if (
                held is not None
                and state.removed is not None
                and (held.state.build, held.state.removed) == (state.build, state.removed)
            ):
                self._held.move_to_end(key)
                self.extended += 1
                return held.matches, False
            self.misses += 1
            return None, False

    def put(self, key: tuple[object, ...], state: State, matches: Matches) -> None:
        """Hold ``matches`` for ``key`` in the index state ``state``, when worth it and room can be made."""
        if len(matches.matched) < self.worth or matches.size > self.limit_bytes:
            return
        for array in (matches.matched, matches.in_heading):
            array.flags.writeable = False  # shared by every later search that finds it here
        with self._lock:
            old = self._held.pop(key, None)
            if old is not None:
                self._bytes -= old.matches.size
            self._held[key] = _Held(state, matches)
            self._bytes += matches.size
            while self._bytes > self.limit_bytes:
                _, evicted = self._held.popitem(last=False)
                self._bytes -= evicted.matches.size

    def __len__(self) -> int:
        return len(self._held)


held_matches = MatchCache()  # this process's
