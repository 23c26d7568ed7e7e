"""Web logins (table ``login_sessions``): a login is a token kept here, so that logging out and a changed
password end it (``webui/auth.py``)."""

from __future__ import annotations

from datetime import datetime

from casebook.store.database import Database


class Logins(Database):
    """Table ``login_sessions``."""

    def start_login(self, token: str, user: str, now: datetime, expired_before: datetime) -> None:
        """Record a login (and forget the logins that have expired)."""
        with self.transaction():
            self.db.execute("DELETE FROM login_sessions WHERE started < ?", (expired_before.isoformat(),))
            self.db.execute("INSERT INTO login_sessions VALUES (?,?,?)", (token, user, now.isoformat()))

    def login_valid(self, token: str, user: str, started_after: datetime) -> bool:
        row = self.db.execute(
            'SELECT 1 FROM login_sessions WHERE token=? AND "user"=? AND started >= ?',
            (token, user, started_after.isoformat()),
        ).fetchone()
        return row is not None

    def end_login(self, token: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM login_sessions WHERE token=?", (token,))
