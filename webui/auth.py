"""Who may write: read-only publishing, logins for write actions, and CSRF protection on every form.

Reading is always open. Writing (named timelines and their notes) is refused outright when the archive is
served with ``--public``; otherwise it needs a login once any user is configured (``CASEBOOK_USERS`` or a
users file), and is open to anyone who can reach the UI when none is (a researcher on 127.0.0.1).
Passwords are stored as werkzeug hashes only. Every POST carries a per-session CSRF token.

The users file is read again whenever it changes, so ``casebook add-user`` reaches a running server at its
next request. A login is a token held in the store (``login_sessions``) and in the signed session cookie,
with a fingerprint of the password hash it was made with: logging out deletes the token, and a changed
password no longer matches the fingerprint, so a copied cookie stops working in both cases (a signed
cookie alone cannot be taken back). Logins last ``LOGIN_DAYS`` at most.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from casebook.errors import CasebookError
from casebook.settings import Settings
from webui.context import store

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_DAYS = 14
# A hash of a password nobody has: checked when the user is unknown, so a wrong name costs the same time.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def parse_users(text: str, origin: str) -> dict[str, str]:
    """``name:hash`` entries separated by whitespace or newlines; ``#`` starts a comment line."""
    users: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip().startswith("#"):
            continue
        for entry in line.split():
            name, sep, hashed = entry.partition(":")
            if not sep or not name or not hashed:
                raise CasebookError(f"{origin}: expected name:hash, got {entry[:40]!r}")
            users[name] = hashed
    return users


def load_users(settings: Settings) -> dict[str, str]:
    users = parse_users(settings.users, "CASEBOOK_USERS")
    path = settings.users_path
    if path.exists():
        users |= parse_users(path.read_text(encoding="utf-8"), str(path))
    return users


class Users:
    """The configured users, read again when the users file changes (its size, time or inode)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._users = load_users(settings)
        self._stamp = self._file_stamp()

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            found = self.settings.users_path.stat()
        except OSError:
            return None
        return (found.st_mtime_ns, found.st_size, found.st_ino)

    def get(self) -> dict[str, str]:
        stamp = self._file_stamp()
        if stamp != self._stamp:
            with self._lock:
                self._users, self._stamp = load_users(self.settings), stamp
        return self._users


def fingerprint(hashed: str) -> str:
    """Names the password a login was made with, without holding its hash in the cookie."""
    return hashlib.sha256(hashed.encode("utf-8")).hexdigest()[:32]


def add_user(path: Path, name: str, password: str) -> None:
    """Add or replace one user in a users file, keeping the others; the password is stored hashed."""
    if not name or any(c.isspace() or c == ":" for c in name):
        raise CasebookError("a user name cannot be empty or contain spaces or ':'")
    if len(password) < 8:
        raise CasebookError("a password needs at least 8 characters")
    users = parse_users(path.read_text(encoding="utf-8"), str(path)) if path.exists() else {}
    users[name] = generate_password_hash(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a running server reads the file when it changes, never half of it.
    partial = path.with_name(f".{path.name}.partial")
    partial.touch(mode=0o600)
    partial.chmod(0o600)
    partial.write_text("".join(f"{n}:{h}\n" for n, h in users.items()), encoding="utf-8")
    os.replace(partial, path)


def secret_key(settings: Settings) -> str:
    """The configured key, else one generated once and kept (owner-only) in the data directory."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret_key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32), encoding="ascii")
    return path.read_text(encoding="ascii").strip()


def init_app(app: Flask, settings: Settings, public: bool) -> None:
    app.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        CASEBOOK_PUBLIC=public,
        CASEBOOK_USERS=Users(settings),
    )
    app.before_request(check_csrf)
    app.jinja_env.globals.update(
        csrf_token=csrf_token, can_write=can_write, login_required=login_required, current_user=current_user
    )


def csrf_token() -> str:
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    """Refuse any state-changing request that does not carry this session's token."""
    if request.method in SAFE_METHODS:
        return
    if is_public():
        abort(403, "This archive is published read-only.")
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not secrets.compare_digest(str(expected), sent):
        abort(400, "This form has expired or did not come from Casebook: reload the page and try again.")


def is_public() -> bool:
    return bool(current_app.config.get("CASEBOOK_PUBLIC"))


def users() -> dict[str, str]:
    return current_app.config["CASEBOOK_USERS"].get()


def login_required() -> bool:
    return bool(users())


def current_user() -> str | None:
    """The user this session logged in as, while that login stands: the user still exists with the same
    password, and the login was not ended (logout) nor is older than ``LOGIN_DAYS``."""
    name, token = session.get("user"), session.get("login")
    hashed = users().get(name) if isinstance(name, str) else None
    if hashed is None or not isinstance(token, str) or session.get("key") != fingerprint(hashed):
        return None
    since = datetime.now(UTC) - timedelta(days=LOGIN_DAYS)
    return name if store().login_valid(token, name, since) else None


def can_write() -> bool:
    return not is_public() and (not login_required() or current_user() is not None)


def write_action(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse a write on a public archive; ask for a login when users are configured."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if is_public():
            abort(403, "This archive is published read-only.")
        if login_required() and current_user() is None:
            return redirect(url_for("auth.login", next=request.referrer or request.path))
        return view(*args, **kwargs)

    return guarded


def verify(name: str, password: str) -> str | None:
    """The user's password hash when ``password`` is theirs; None otherwise, in the same time whether or
    not the user exists."""
    hashed = users().get(name)
    if check_password_hash(hashed or _DUMMY_HASH, password) and hashed:
        return hashed
    return None


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site: an open redirect would let a link send users anywhere after login. Control
    characters (a CR or LF would split the Location header) make any target the fallback."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        if parts.netloc == request.host and parts.scheme in ("http", "https"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return fallback
    return target
