"""Named timelines (tables ``timelines``, ``timeline_items``): a researcher's pinned articles in their order,
each with a note. Rows only: what a timeline may hold and how it changes is ``casebook.timelines``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casebook.store.database import Database
from casebook.store.engine import StoreError, duplicate

GONE = "(article no longer in the store)"  # the title of a pinned article the store no longer holds


class NameTaken(Exception):
    """Another timeline has this name (names are unique)."""


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


class Timelines(Database):
    """Tables ``timelines`` and ``timeline_items``. Items are numbered from 1 in the order shown."""

    def timelines(self) -> list[Timeline]:
        """Every timeline (without its items), the most recently changed first."""
        rows = self.db.execute(
            "SELECT t.*, COUNT(i.doc_id) AS n FROM timelines t LEFT JOIN timeline_items i"
            " ON i.timeline_id=t.id GROUP BY t.id ORDER BY t.updated DESC, t.id DESC"
        )
        return [Timeline(r["id"], r["name"], r["description"], r["created"], r["updated"]) for r in rows]

    def timeline(self, timeline_id: int) -> Timeline | None:
        """A timeline with its items, each with its article's title, source, date and address as stored."""
        row = self.db.execute("SELECT * FROM timelines WHERE id=?", (timeline_id,)).fetchone()
        if row is None:
            return None
        items = self.db.execute(
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
                    r["title"] or GONE,
                    r["source"] or "",
                    r["published"],
                    r["url"] or "",
                )
                for number, r in enumerate(items, 1)
            ),
        )

    def add_timeline(self, name: str, description: str, now: str) -> int:
        """A new, empty timeline; its id. Raises :class:`NameTaken`."""
        try:
            row = self.db.execute(
                "INSERT INTO timelines (name, description, created, updated) VALUES (?,?,?,?) RETURNING id",
                (name, description, now, now),
            ).fetchone()
        except StoreError as exc:
            raise _name_taken(exc, name) from None
        return int(row[0])

    def rename_timeline(self, timeline_id: int, name: str, description: str) -> None:
        """Raises :class:`NameTaken`."""
        try:
            self.db.execute(
                "UPDATE timelines SET name=?, description=? WHERE id=?", (name, description, timeline_id)
            )
        except StoreError as exc:
            raise _name_taken(exc, name) from None

    def touch_timeline(self, timeline_id: int, now: str) -> bool:
        """Note a change to the timeline; False if there is no such timeline."""
        cursor = self.db.execute("UPDATE timelines SET updated=? WHERE id=?", (now, timeline_id))
        return cursor.rowcount > 0

    def delete_timeline(self, timeline_id: int) -> bool:
        """Delete a timeline and its items; False if there is no such timeline."""
        self.db.execute("DELETE FROM timeline_items WHERE timeline_id=?", (timeline_id,))
        return self.db.execute("DELETE FROM timelines WHERE id=?", (timeline_id,)).rowcount > 0

    def timeline_order(self, timeline_id: int) -> list[str]:
        """The ids of the timeline's articles, in its order."""
        rows = self.db.execute(
            "SELECT doc_id FROM timeline_items WHERE timeline_id=? ORDER BY position", (timeline_id,)
        )
        return [r["doc_id"] for r in rows]

    def set_timeline_order(self, timeline_id: int, doc_ids: list[str]) -> None:
        """Number the timeline's articles 1, 2, ... in this order."""
        self.db.executemany(
            "UPDATE timeline_items SET position=? WHERE timeline_id=? AND doc_id=?",
            [(n, timeline_id, doc_id) for n, doc_id in enumerate(doc_ids, 1)],
        )

    def add_timeline_item(self, timeline_id: int, doc_id: str, position: int, note: str, now: str) -> None:
        self.db.execute(
            "INSERT INTO timeline_items VALUES (?,?,?,?,?)", (timeline_id, doc_id, position, note, now)
        )

    def set_item_note(self, timeline_id: int, doc_id: str, note: str) -> bool:
        """False if the article is not on the timeline."""
        cursor = self.db.execute(
            "UPDATE timeline_items SET note=? WHERE timeline_id=? AND doc_id=?", (note, timeline_id, doc_id)
        )
        return cursor.rowcount > 0

    def remove_timeline_item(self, timeline_id: int, doc_id: str) -> bool:
        """False if the article is not on the timeline."""
        cursor = self.db.execute(
            "DELETE FROM timeline_items WHERE timeline_id=? AND doc_id=?", (timeline_id, doc_id)
        )
        return cursor.rowcount > 0


def _name_taken(exc: BaseException, name: str) -> BaseException:
    """:class:`NameTaken` for a broken uniqueness of names, else the error itself."""
    return NameTaken(name) if duplicate(exc) else exc
