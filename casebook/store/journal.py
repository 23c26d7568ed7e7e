"""The index journal (table ``index_journal``): every document whose index entry was written while an index
rebuild ran, in order, so that the rebuild can add them before it swaps its index in."""

from __future__ import annotations

from collections.abc import Iterable

from casebook.store.database import Database


class Journal(Database):
    """Table ``index_journal``."""

    def note_indexed(self, doc_ids: Iterable[str], rebuilding: bool) -> None:
        """Journal the documents whose index entries were just written, in the same transaction, while an
        index rebuild runs (it adds them before it swaps its index in); with none running, the journal is
        emptied instead (nobody needs it)."""
        if rebuilding:
            self.db.executemany("INSERT INTO index_journal (doc_id) VALUES (?)", [(d,) for d in doc_ids])
        else:
            self.db.execute("DELETE FROM index_journal")

    def journal_mark(self) -> int:
        """The journal's last entry: a rebuild that reads the store after this sees everything before it."""
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM index_journal").fetchone()[0]

    def journal_since(self, mark: int) -> tuple[list[str], int]:
        """Documents journalled after ``mark`` (each once), and the new mark."""
        rows = self.db.execute("SELECT seq, doc_id FROM index_journal WHERE seq > ? ORDER BY seq", (mark,))
        ids: dict[str, None] = {}
        for row in rows:
            ids[row["doc_id"]] = None
            mark = row["seq"]
        return list(ids), mark

    def prune_journal(self, mark: int) -> None:
        self.db.execute("DELETE FROM index_journal WHERE seq <= ?", (mark,))
