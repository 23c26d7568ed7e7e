"""Saved searches and batches (tables ``saved_searches``, ``saved_matches``, ``saved_batches``): a user's
named searches, each with every document it has matched and when it first did, so that "new since you
last looked" is a count; and named lists of queries with the figures of their last run. Rows only: what
matches is the search service's to say (``indexer.search.watch``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from casebook.store.database import Database
from casebook.store.engine import StoreError, duplicate
from casebook.store.timelines import GONE, NameTaken


@dataclass(frozen=True)
class SavedSearch:
    """A named search (``query``: its query string, as ``/search`` takes it) with its matches counted:
    ``new`` are those found after its owner last ``looked``."""

    id: int
    owner: str
    name: str
    query: str
    created: str
    looked: str
    new: int = 0
    matches: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "owner": self.owner,
            "name": self.name,
            "query": self.query,
            "created": self.created,
            "looked": self.looked,
            "new": self.new,
            "matches": self.matches,
        }


@dataclass(frozen=True)
class SavedMatch:
    """A document a saved search matched, when it first did, and what the store says of it now."""

    doc_id: str
    found: str
    new: bool
    title: str
    source: str
    published: str | None
    url: str


@dataclass(frozen=True)
class SavedBatch:
    """A named list of queries, and the figures of its last run (one dict per line)."""

    id: int
    owner: str
    name: str
    lines: list[str]
    created: str
    ran: str
    results: list[dict[str, Any]] = field(default_factory=list)


class Watch(Database):
    """Tables ``saved_searches``, ``saved_matches`` and ``saved_batches``."""

    _COUNTED = (
        "SELECT s.*, COUNT(m.doc_id) AS matches,"
        " COALESCE(SUM(CASE WHEN m.found > s.looked THEN 1 ELSE 0 END), 0) AS new"
        " FROM saved_searches s LEFT JOIN saved_matches m ON m.search_id = s.id"
    )

    def saved_searches(self, owner: str | None = None) -> list[SavedSearch]:
        """Every saved search (of ``owner`` when given), by name, with its new and total matches."""
        where, args = (" WHERE s.owner = ?", (owner,)) if owner is not None else ("", ())
        rows = self.db.execute(f"{self._COUNTED}{where} GROUP BY s.id ORDER BY s.owner, s.name", args)
        return [_saved(r) for r in rows]

    def saved_search(self, search_id: int) -> SavedSearch | None:
        row = self.db.execute(f"{self._COUNTED} WHERE s.id = ? GROUP BY s.id", (search_id,)).fetchone()
        return _saved(row) if row is not None else None

    def add_saved_search(self, owner: str, name: str, query: str, now: str) -> int:
        """A new saved search, looked at ``now``; its id. Raises :class:`NameTaken` (each owner's names
        are unique)."""
        try:
            row = self.db.execute(
                "INSERT INTO saved_searches (owner, name, query, created, looked) VALUES (?,?,?,?,?)"
                " RETURNING id",
                (owner, name, query, now, now),
            ).fetchone()
        except StoreError as exc:
            raise _name_taken(exc, name) from None
        return int(row[0])

    def delete_saved_search(self, search_id: int) -> bool:
        self.db.execute("DELETE FROM saved_matches WHERE search_id = ?", (search_id,))
        return self.db.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,)).rowcount > 0

    def mark_looked(self, search_id: int, now: str) -> bool:
        """Its owner has seen its matches up to ``now``: none is new any more."""
        cursor = self.db.execute("UPDATE saved_searches SET looked = ? WHERE id = ?", (now, search_id))
        return cursor.rowcount > 0

    def add_matches(self, search_id: int, doc_ids: Iterable[str], now: str) -> list[str]:
        """Record documents the search matches, found ``now``; return those it had not matched before."""
        wanted = sorted(set(doc_ids))
        added: list[str] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            held = {
                r["doc_id"]
                for r in self.db.execute(
                    f"SELECT doc_id FROM saved_matches WHERE search_id = ? AND doc_id IN ({marks})",
                    (search_id, *chunk),
                )
            }
            fresh = [d for d in chunk if d not in held]
            self.db.executemany(
                "INSERT INTO saved_matches (search_id, doc_id, found) VALUES (?,?,?)"
                " ON CONFLICT (search_id, doc_id) DO NOTHING",
                [(search_id, d, now) for d in fresh],
            )
            added += fresh
        return added

    def saved_matches(self, search_id: int, new_only: bool = False, limit: int = 100) -> list[SavedMatch]:
        """The search's matches, the latest found first (then by publication date), with what the store
        says of each document now."""
        new = " AND m.found > s.looked" if new_only else ""
        rows = self.db.execute(
            "SELECT m.doc_id, m.found, m.found > s.looked AS new, d.title, d.source, d.published,"
            " d.canonical_url AS url FROM saved_matches m JOIN saved_searches s ON s.id = m.search_id"
            f" LEFT JOIN documents d ON d.id = m.doc_id WHERE m.search_id = ?{new}"
            " ORDER BY m.found DESC, d.published DESC NULLS LAST, m.doc_id LIMIT ?",
            (search_id, limit),
        )
        return [
            SavedMatch(
                r["doc_id"],
                r["found"],
                bool(r["new"]),
                r["title"] or GONE,
                r["source"] or "",
                r["published"],
                r["url"] or "",
            )  # fmt: skip
            for r in rows
        ]

    # -- batches

    def saved_batches(self, owner: str | None = None) -> list[SavedBatch]:
        where, args = (" WHERE owner = ?", (owner,)) if owner is not None else ("", ())
        rows = self.db.execute(f"SELECT * FROM saved_batches{where} ORDER BY owner, name", args)
        return [_batch(r) for r in rows]

    def saved_batch(self, batch_id: int) -> SavedBatch | None:
        row = self.db.execute("SELECT * FROM saved_batches WHERE id = ?", (batch_id,)).fetchone()
        return _batch(row) if row is not None else None

    def add_saved_batch(
        self, owner: str, name: str, lines: list[str], results: list[dict[str, Any]], now: str
    ) -> int:
        """Raises :class:`NameTaken` (names are the owner's)."""
        try:
            row = self.db.execute(
                "INSERT INTO saved_batches (owner, name, lines, created, ran, results) VALUES (?,?,?,?,?,?)"
                " RETURNING id",
                (owner, name, json.dumps(lines), now, now, json.dumps(results)),
            ).fetchone()
        except StoreError as exc:
            raise _name_taken(exc, name) from None
        return int(row[0])

    def set_batch_results(self, batch_id: int, results: list[dict[str, Any]], now: str) -> bool:
        cursor = self.db.execute(
            "UPDATE saved_batches SET results = ?, ran = ? WHERE id = ?", (json.dumps(results), now, batch_id)
        )
        return cursor.rowcount > 0

    def delete_saved_batch(self, batch_id: int) -> bool:
        return self.db.execute("DELETE FROM saved_batches WHERE id = ?", (batch_id,)).rowcount > 0


def _saved(row: Any) -> SavedSearch:
    return SavedSearch(
        row["id"], row["owner"], row["name"], row["query"], row["created"], row["looked"],
        int(row["new"] or 0), int(row["matches"] or 0),
    )  # fmt: skip


def _batch(row: Any) -> SavedBatch:
    return SavedBatch(
        row["id"], row["owner"], row["name"], json.loads(row["lines"]), row["created"], row["ran"],
        json.loads(row["results"]),
    )  # fmt: skip


def _name_taken(exc: BaseException, name: str) -> BaseException:
    """:class:`NameTaken` for a broken uniqueness of names (each owner's are unique), else the error."""
    return NameTaken(name) if duplicate(exc) else exc
