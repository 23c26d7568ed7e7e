"""Named timelines: a researcher's own chronology, articles pinned in an order of their choosing with notes.

Kept in the store beside the documents they point at (``casebook.store.timelines`` holds the rows; this
module, what a timeline may hold and how it changes), so a timeline survives a reindex and travels with
the archive. Items hold only a document id and a note: titles, dates and links are read from the store
when the timeline is shown or exported, so a corrected date in the archive corrects every timeline that
cites the article.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from casebook.errors import CasebookError
from casebook.store import NameTaken, Store, Timeline

MAX_NAME = 200
MAX_NOTE = 5000


class TimelineError(CasebookError):
    """A request a timeline cannot honour (duplicate name, unknown article, note too long)."""


class UnknownTimeline(TimelineError):
    """No timeline has this id."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise TimelineError("a timeline needs a name")
    if len(name) > MAX_NAME:
        raise TimelineError(f"a timeline name is at most {MAX_NAME} characters")
    return name


def _clean_note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise TimelineError(f"a note is at most {MAX_NOTE} characters")
    return note


def list_timelines(store: Store) -> list[Timeline]:
    return store.timelines()


def create(store: Store, name: str, description: str = "") -> int:
    """A new, empty timeline; its id."""
    name, now = _clean_name(name), _now()
    try:
        with store.transaction():
            return store.add_timeline(name, _clean_note(description), now)
    except NameTaken:
        raise TimelineError(f"there is already a timeline called {name!r}") from None


def get(store: Store, timeline_id: int) -> Timeline:
    timeline = store.timeline(timeline_id)
    if timeline is None:
        raise UnknownTimeline(f"no timeline {timeline_id}")
    return timeline


def _touch(store: Store, timeline_id: int) -> None:
    if not store.touch_timeline(timeline_id, _now()):
        raise UnknownTimeline(f"no timeline {timeline_id}")


def _pinnable(store: Store, doc_id: str, note: str) -> str:
    if store.get(doc_id) is None:
        raise TimelineError(f"no article {doc_id!r} in the archive")
    return _clean_note(note)


def pin_to_new(store: Store, name: str, doc_id: str, note: str = "") -> int:
    """Pin an article to a new timeline called ``name``; its id. A pin that would be refused (no such
    article, a note too long) is refused before the timeline is made, so no empty timeline is left."""
    _pinnable(store, doc_id, note)
    timeline_id = create(store, name)
    pin(store, timeline_id, doc_id, note)
    return timeline_id


def pin(store: Store, timeline_id: int, doc_id: str, note: str = "") -> bool:
    """Add an article at the end; pinning one already there updates its note. True when newly added."""
    note = _pinnable(store, doc_id, note)
    with store.transaction():
        _touch(store, timeline_id)
        order = store.timeline_order(timeline_id)
        if doc_id in order:
            if note:
                store.set_item_note(timeline_id, doc_id, note)
            return False
        store.add_timeline_item(timeline_id, doc_id, len(order) + 1, note, _now())
    return True


def _item_change(store: Store, timeline_id: int, doc_id: str, change: Callable[[], bool]) -> None:
    with store.transaction():
        _touch(store, timeline_id)
        if not change():
            raise TimelineError(f"article {doc_id!r} is not on this timeline")
        store.set_timeline_order(timeline_id, store.timeline_order(timeline_id))


def set_note(store: Store, timeline_id: int, doc_id: str, note: str) -> None:
    note = _clean_note(note)
    _item_change(store, timeline_id, doc_id, lambda: store.set_item_note(timeline_id, doc_id, note))


def unpin(store: Store, timeline_id: int, doc_id: str) -> None:
    _item_change(store, timeline_id, doc_id, lambda: store.remove_timeline_item(timeline_id, doc_id))


def move(store: Store, timeline_id: int, doc_id: str, position: int) -> None:
    """Move an article to a 1-based position (clamped to the ends); the others keep their order."""
    with store.transaction():
        _touch(store, timeline_id)
        order = store.timeline_order(timeline_id)
        if doc_id not in order:
            raise TimelineError(f"article {doc_id!r} is not on this timeline")
        order.remove(doc_id)
        order.insert(max(0, min(position - 1, len(order))), doc_id)
        store.set_timeline_order(timeline_id, order)


def sort_by_date(store: Store, timeline_id: int) -> None:
    """Put the articles in publication order (undated ones last, in their current order)."""
    timeline = get(store, timeline_id)
    ordered = sorted(timeline.items, key=lambda i: (i.published is None, i.published or "", i.position))
    with store.transaction():
        _touch(store, timeline_id)
        store.set_timeline_order(timeline_id, [i.doc_id for i in ordered])


def rename(store: Store, timeline_id: int, name: str, description: str) -> None:
    name = _clean_name(name)
    try:
        with store.transaction():
            _touch(store, timeline_id)
            store.rename_timeline(timeline_id, name, _clean_note(description))
    except NameTaken:
        raise TimelineError(f"there is already a timeline called {name!r}") from None


def delete(store: Store, timeline_id: int) -> None:
    with store.transaction():
        if not store.delete_timeline(timeline_id):
            raise UnknownTimeline(f"no timeline {timeline_id}")
