"""Saved searches in the UI: save a search by name, see what each has newly matched since you last looked,
open the new ones, mark them seen; JSON twins under ``/api/saved``.

Saved searches are their owner's (the user logged in; everyone's on an archive without logins). Every
change is a plain HTML form POST with the CSRF token, guarded by :func:`write_action`; a ``--public``
archive serves none of them (they are the researchers', not the readers').
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from casebook.store import NameTaken, SavedSearch
from indexer.search import QueryError, SearchParams
from indexer.search.watch import save_search
from webui.auth import current_user, is_public, login_required, write_action
from webui.context import search, source_titles, store

watch = Blueprint("watch", __name__)
MAX_NAME = 200
NOT_PUBLIC = "This archive is published read-only: saved searches are kept on the researchers' own copy."


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def owner() -> str:
    """Whose saved searches this request sees: the user logged in, or everyone's ("") without logins.
    Refused on a public archive; a login is asked for when users exist."""
    if is_public():
        abort(403, NOT_PUBLIC)
    if login_required():
        user = current_user()
        if user is None:
            abort(403, "Log in to see and keep saved searches.")
        return user
    return ""


def owned(search_id: int) -> SavedSearch:
    saved = store().saved_search(search_id)
    if saved is None or saved.owner != owner():
        abort(404)
    return saved


def search_href(saved: SavedSearch) -> str:
    return url_for("search.search_page", **SearchParams.from_query_string(saved.query).to_args())


@watch.route("/saved")
def saved_page() -> Any:
    if login_required() and not is_public() and current_user() is None:
        return redirect(url_for("auth.login", next=request.path))
    mine = owner()
    searches, batches = store().saved_searches(mine), store().saved_batches(mine)
    return render_template("saved.html", searches=searches, batches=batches, search_href=search_href)


@watch.route("/api/saved")
def saved_json() -> Any:
    out = [
        s.to_dict() | {"url": url_for("watch.saved_search_page", search_id=s.id)}
        for s in store().saved_searches(owner())
    ]
    return jsonify(out)


@watch.route("/saved", methods=["POST"])
@write_action
def save() -> Any:
    name = " ".join(request.form.get("name", "").split())
    query = request.form.get("query", "")
    if not name:
        abort(400, "Give the saved search a name.")
    if len(name) > MAX_NAME:
        abort(400, f"A name is at most {MAX_NAME} characters long.")
    try:
        search_id = save_search(store(), search(), owner(), name, query, now())
    except NameTaken:
        abort(400, f"You already have a saved search called “{name}”: choose another name.")
    except QueryError as exc:
        abort(400, f"That search could not be saved: {exc.problem}. Correct it on the search page first.")
    return redirect(url_for("watch.saved_search_page", search_id=search_id), code=303)


def matches_of(saved: SavedSearch) -> dict[str, Any]:
    return {
        "new": store().saved_matches(saved.id, new_only=True, limit=500),
        "earlier": [m for m in store().saved_matches(saved.id, limit=50) if not m.new],
    }


@watch.route("/saved/<int:search_id>")
def saved_search_page(search_id: int) -> str:
    saved = owned(search_id)
    return render_template(
        "saved_search.html",
        saved=saved,
        outlets=source_titles(),
        href=search_href(saved),
        **matches_of(saved),
    )


@watch.route("/api/saved/<int:search_id>")
def saved_search_json(search_id: int) -> Any:
    saved = owned(search_id)
    found = matches_of(saved)
    return jsonify(
        saved.to_dict()
        | {"search_url": search_href(saved)}
        | {kind: [m.__dict__ for m in matches] for kind, matches in found.items()}
    )


@watch.route("/saved/<int:search_id>/seen", methods=["POST"])
@write_action
def seen(search_id: int) -> Any:
    saved = owned(search_id)
    with store().transaction():
        store().mark_looked(saved.id, now())
    return redirect(url_for("watch.saved_search_page", search_id=saved.id), code=303)


@watch.route("/saved/<int:search_id>/delete", methods=["POST"])
@write_action
def delete(search_id: int) -> Any:
    saved = owned(search_id)
    with store().transaction():
        store().delete_saved_search(saved.id)
    return redirect(url_for("watch.saved_page"), code=303)
