"""Named timelines: a researcher's own chronology, articles pinned in an order of their choosing with notes.

Kept in the SQLite store (tables ``timelines`` and ``timeline_items``, migration 4) beside the documents
they point at, so a timeline survives a reindex and travels with the archive. Items hold only a document
id and a note: titles, dates and links are read from the store when the timeline is shown or exported,
so a corrected date in the archive corrects every timeline that cites the article.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from casebook.errors import CasebookError
from casebook.store import Store

MAX_NAME = 200
MAX_NOTE = 5000


class TimelineError(CasebookError):
    """A request a timeline cannot honour (duplicate name, unknown article, note too long)."""


class UnknownTimeline(TimelineError):
    """No timeline has this id."""


@dataclass(frozen=True)
class TimelineItem:
    """One pinned article, with what the store says of it now."""

    doc_id: str
    position: int
    note: str
    added: str
    title: str
    source: str
    published: str | None
    url: str


@dataclass(frozen=True)
class Timeline:
    id: int
    name: str
    description: str
    created: str
    updated: str
    items: tuple[TimelineItem, ...] = ()

    def to_dict(self, archived_url: Any = None) -> dict[str, Any]:
        """The JSON form; ``archived_url(doc_id)`` adds each item's archived-copy link when given."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "created": self.created,
            "updated": self.updated,
            "items": [
                {
                    "position": item.position,
                    "id": item.doc_id,
                    "title": item.title,
                    "source": item.source,
                    "published": item.published,
                    "url": item.url,
                    "note": item.note,
                    "added": item.added,
                    **({"archived_url": archived_url(item.doc_id)} if archived_url else {}),
                }
                for item in self.items
            ],
        }


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
    rows = store.db.execute(
        "SELECT t.*, COUNT(i.doc_id) AS n FROM timelines t LEFT JOIN timeline_items i ON i.timeline_id=t.id "
        "GROUP BY t.id ORDER BY t.updated DESC, t.id DESC"
    )
    return [Timeline(r["id"], r["name"], r["description"], r["created"], r["updated"]) for r in rows]


def create(store: Store, name: str, description: str = "") -> int:
    """A new, empty timeline; its id."""
    name, now = _clean_name(name), _now()
    try:
        with store.transaction():
            cursor = store.db.execute(
                "INSERT INTO timelines (name, description, created, updated) VALUES (?,?,?,?)",
                (name, _clean_note(description), now, now),
            )
    except sqlite3.IntegrityError:
        raise TimelineError(f"there is already a timeline called {name!r}") from None
    return int(cursor.lastrowid or 0)


def get(store: Store, timeline_id: int) -> Timeline:
    row = store.db.execute("SELECT * FROM timelines WHERE id=?", (timeline_id,)).fetchone()
    if row is None:
        raise UnknownTimeline(f"no timeline {timeline_id}")
    items = store.db.execute(
        "SELECT i.*, d.title, d.source, d.published, d.canonical_url AS url FROM timeline_items i "
        "LEFT JOIN documents d ON d.id=i.doc_id WHERE i.timeline_id=? ORDER BY i.position",
        (timeline_id,),
    )
    return Timeline(
        row["id"],
        row["name"],
        row["description"],
        row["created"],
        row["updated"],
        tuple(
            TimelineItem(
                r["doc_id"],
                number,
                r["note"],
                r["added"],
                r["title"] or "(article no longer in the store)",
                r["source"] or "",
                r["published"],
                r["url"] or "",
            )
            for number, r in enumerate(items, 1)
        ),
    )


def _touch(store: Store, timeline_id: int) -> None:
    if store.db.execute("UPDATE timelines SET updated=? WHERE id=?", (_now(), timeline_id)).rowcount == 0:
        raise UnknownTimeline(f"no timeline {timeline_id}")


def _order(store: Store, timeline_id: int) -> list[str]:
    rows = store.db.execute(
        "SELECT doc_id FROM timeline_items WHERE timeline_id=? ORDER BY position", (timeline_id,)
    )
    return [r["doc_id"] for r in rows]


def _write_order(store: Store, timeline_id: int, doc_ids: list[str]) -> None:
    store.db.executemany(
        "UPDATE timeline_items SET position=? WHERE timeline_id=? AND doc_id=?",
        [(n, timeline_id, doc_id) for n, doc_id in enumerate(doc_ids, 1)],
    )


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
        present = doc_id in _order(store, timeline_id)
        if present:
            if note:
                store.db.execute(
                    "UPDATE timeline_items SET note=? WHERE timeline_id=? AND doc_id=?",
                    (note, timeline_id, doc_id),
                )
            return False
        position = len(_order(store, timeline_id)) + 1
        store.db.execute(
            "INSERT INTO timeline_items VALUES (?,?,?,?,?)", (timeline_id, doc_id, position, note, _now())
        )
    return True


def _item_change(store: Store, timeline_id: int, doc_id: str, sql: str, args: tuple[Any, ...]) -> None:
    with store.transaction():
        _touch(store, timeline_id)
        if store.db.execute(sql, args).rowcount == 0:
            raise TimelineError(f"article {doc_id!r} is not on this timeline")
        _write_order(store, timeline_id, _order(store, timeline_id))


def set_note(store: Store, timeline_id: int, doc_id: str, note: str) -> None:
    _item_change(
        store,
        timeline_id,
        doc_id,
        "UPDATE timeline_items SET note=? WHERE timeline_id=? AND doc_id=?",
        (_clean_note(note), timeline_id, doc_id),
    )


def unpin(store: Store, timeline_id: int, doc_id: str) -> None:
    _item_change(
        store,
        timeline_id,
        doc_id,
        "DELETE FROM timeline_items WHERE timeline_id=? AND doc_id=?",
        (timeline_id, doc_id),
    )


def move(store: Store, timeline_id: int, doc_id: str, position: int) -> None:
    """Move an article to a 1-based position (clamped to the ends); the others keep their order."""
    with store.transaction():
        _touch(store, timeline_id)
        order = _order(store, timeline_id)
        if doc_id not in order:
            raise TimelineError(f"article {doc_id!r} is not on this timeline")
        order.remove(doc_id)
        order.insert(max(0, min(position - 1, len(order))), doc_id)
        _write_order(store, timeline_id, order)


def sort_by_date(store: Store, timeline_id: int) -> None:
    """Put the articles in publication order (undated ones last, in their current order)."""
    timeline = get(store, timeline_id)
    ordered = sorted(timeline.items, key=lambda i: (i.published is None, i.published or "", i.position))
    with store.transaction():
        _touch(store, timeline_id)
        _write_order(store, timeline_id, [i.doc_id for i in ordered])


def rename(store: Store, timeline_id: int, name: str, description: str) -> None:
    name = _clean_name(name)
    try:
        with store.transaction():
            _touch(store, timeline_id)
            store.db.execute(
                "UPDATE timelines SET name=?, description=? WHERE id=?",
                (name, _clean_note(description), timeline_id),
            )
    except sqlite3.IntegrityError:
        raise TimelineError(f"there is already a timeline called {name!r}") from None


def delete(store: Store, timeline_id: int) -> None:
    with store.transaction():
        store.db.execute("DELETE FROM timeline_items WHERE timeline_id=?", (timeline_id,))
        if store.db.execute("DELETE FROM timelines WHERE id=?", (timeline_id,)).rowcount == 0:
            raise UnknownTimeline(f"no timeline {timeline_id}")
