"""Logging in and out (the rules of who may write are ``webui.auth``)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from webui.auth import LOGIN_DAYS, fingerprint, is_public, safe_next, verify
from webui.context import store

auth = Blueprint("auth", __name__)


@auth.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if is_public():
        abort(403, "This archive is published read-only: there is nothing to log in to.")
    error = None
    next_url = safe_next(request.values.get("next"), url_for("search.search_page"))
    if request.method == "POST":
        name = request.form.get("username", "")
        hashed = verify(name, request.form.get("password", ""))
        if hashed is not None:
            now = datetime.now(UTC)
            token = secrets.token_urlsafe(32)
            store().start_login(token, name, now, now - timedelta(days=LOGIN_DAYS))
            session.clear()
            session.update(user=name, login=token, key=fingerprint(hashed))
            return redirect(next_url)
        error = "Wrong user name or password."
    return render_template("login.html", error=error, next_url=next_url), 401 if error else 200


@auth.route("/logout", methods=["POST"])
def logout() -> Any:
    token = session.get("login")
    if isinstance(token, str):
        store().end_login(token)
    session.clear()
    return redirect(url_for("search.search_page"))
