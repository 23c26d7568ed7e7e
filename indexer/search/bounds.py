"""The work one search may cause, whatever the backend: a time limit, and few costly searches at once.

Matching checks :func:`check_time` between its steps (per thread: one request cannot keep a server thread,
and the processor, for minutes); proximity, wildcard and fuzzy searches take a place among
``SLOW_AT_ONCE`` (eight long proximity searches at once stalled every other search).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from indexer.search.language import QueryError

SEARCH_SECONDS = 10.0  # matching that takes longer is stopped and the search refused with a message
SLOW_AT_ONCE = 2  # proximity, wildcard and fuzzy searches matched at once per process (the rest wait)
_slow_searches = threading.BoundedSemaphore(SLOW_AT_ONCE)
_limit = threading.local()


@contextmanager
def time_limit(seconds: float, too_slow: Callable[[], Exception]) -> Iterator[None]:
    """Within this block, :func:`check_time` raises ``too_slow()`` once ``seconds`` have passed."""
    _limit.deadline, _limit.too_slow = time.monotonic() + seconds, too_slow
    try:
        yield
    finally:
        _limit.deadline = None


def remaining() -> float | None:
    """Seconds left to this thread's search (None: no limit set), for a backend that hands the limit on
    (PostgreSQL's ``statement_timeout``)."""
    deadline = getattr(_limit, "deadline", None)
    return None if deadline is None else max(deadline - time.monotonic(), 0.0)


def check_time() -> None:
    deadline = getattr(_limit, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise _limit.too_slow()


def quicker(text: str) -> str:
    """The query without what makes it slow: phrases exact (no ``~N``), words whole (no wildcards)."""
    return " ".join(re.sub(r"~[0-9.]*", "", text).replace("*", "").replace("?", "").split())


@contextmanager
def bounded(slow: bool, text: str) -> Iterator[None]:
    """At most ``SEARCH_SECONDS`` of matching for the query ``text``, and when it is ``slow`` (it reads
    positions or expands terms), a place among the ``SLOW_AT_ONCE`` such searches."""
    if slow and not _slow_searches.acquire(timeout=SEARCH_SECONDS):
        raise QueryError(
            "other slow searches (proximity, wildcards, fuzzy words) are running; try again in a moment,"
            " or search the words or the exact phrase",
            quicker(text),
        )
    try:
        with time_limit(
            SEARCH_SECONDS,
            lambda: QueryError(
                f"the search took longer than {SEARCH_SECONDS:g} s and was stopped; narrow it (fewer words"
                " in a proximity search, no wildcards, a date range or a source)",
                quicker(text),
            ),
        ):
            yield
    finally:
        if slow:
            _slow_searches.release()
