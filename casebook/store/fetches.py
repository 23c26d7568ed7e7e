"""What the crawler last saw at each URL (table ``fetches``): validators for conditional requests, fetch
times for sitemap ``lastmod`` and for resuming, and the removed flag."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casebook.store.database import Database


@dataclass(frozen=True)
class FetchState(Database):
    """What the crawler last saw at one URL (table ``fetches``).

    ``fetched``: when the copy held was fetched (last 200), None if none ever was; ``confirmed``: when that
    copy was last known current (200 or 304); ``checked``: the last answer of any kind. ``removed``: the URL
    answered 404/410 after a copy was held; the copy stays in the archive and the store.
    """

    url: str
    source: str
    status: int
    etag: str | None
    last_modified: str | None
    fetched: datetime | None
    confirmed: datetime | None
    checked: datetime
    record_id: str | None
    removed: bool
    removed_since: datetime | None

    @property
    def held(self) -> bool:
        return self.fetched is not None


class Fetches(Database):
    """Table ``fetches``."""

    def fetch_state(self, url: str) -> FetchState | None:
        row = self.db.execute("SELECT * FROM fetches WHERE url=?", (url,)).fetchone()
        return None if row is None else _fetch_state(row)

    def record_fetch(
        self,
        url: str,
        source: str,
        status: int,
        when: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        record_id: str | None = None,
    ) -> FetchState:
        """Note one answer from ``url``.

        200: a new copy is held (validators replaced); 304: the held copy is confirmed; 404/410 where a copy
        is held: flagged removed (never deleted); anything else: noted only.
        """
        previous = self.fetch_state(url)
        stamp = when.isoformat()
        if previous is None:
            self.db.execute(
                "INSERT INTO fetches (url, source, status, checked) VALUES (?,?,?,?)",
                (url, source, status, stamp),
            )
        if status == 200:
            self.db.execute(
                "UPDATE fetches SET source=?, status=?, etag=?, last_modified=?, fetched=?, confirmed=?,"
                " checked=?, record_id=?, removed=0, removed_since=NULL WHERE url=?",
                (source, status, etag, last_modified, stamp, stamp, stamp, record_id, url),
            )
        elif status == 304:
            self.db.execute(
                "UPDATE fetches SET status=?, etag=COALESCE(?, etag),"
                " last_modified=COALESCE(?, last_modified), confirmed=?, checked=?, removed=0,"
                " removed_since=NULL WHERE url=?",
                (status, etag, last_modified, stamp, stamp, url),
            )
        elif status in (404, 410) and previous is not None and previous.held:
            self.db.execute(
                "UPDATE fetches SET status=?, checked=?, removed=1, removed_since=COALESCE(removed_since, ?)"
                " WHERE url=?",
                (status, stamp, stamp, url),
            )
        else:
            self.db.execute("UPDATE fetches SET status=?, checked=? WHERE url=?", (status, stamp, url))
        state = self.fetch_state(url)
        assert state is not None
        return state

    def held_urls(self, source: str) -> list[str]:
        """URLs of a source whose copy is held and not flagged removed."""
        rows = self.db.execute(
            "SELECT url FROM fetches WHERE source=? AND fetched IS NOT NULL AND removed=0 ORDER BY url",
            (source,),
        )
        return [r["url"] for r in rows]

    def removed_urls(self, source: str | None = None) -> list[str]:
        """URLs flagged removed (their last answer was 404/410 after a copy was held)."""
        if source is None:
            rows = self.db.execute("SELECT url FROM fetches WHERE removed=1 ORDER BY url")
        else:
            rows = self.db.execute(
                "SELECT url FROM fetches WHERE removed=1 AND source=? ORDER BY url", (source,)
            )
        return [r["url"] for r in rows]


def _fetch_state(row: Mapping[str, Any]) -> FetchState:
    def when(value: str | None) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)

    return FetchState(
        url=row["url"],
        source=row["source"],
        status=row["status"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        fetched=when(row["fetched"]),
        confirmed=when(row["confirmed"]),
        checked=datetime.fromisoformat(row["checked"]),
        record_id=row["record_id"],
        removed=bool(row["removed"]),
        removed_since=when(row["removed_since"]),
    )
