"""Named timelines in the UI: pin articles, annotate, reorder, export (CSV, JSON, TimelineJS).

Every change is a plain HTML form POST (works without JavaScript), guarded by :func:`write_action` and
the CSRF check; reading and exporting are open, also on a ``--public`` archive.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from casebook import timelines as tl
from webui.auth import write_action
from webui.context import source_titles, store
from webui.exports import spreadsheet_csv
from webui.timelines import archived_url, page_url, to_csv, to_timelinejs

timelines = Blueprint("timelines", __name__)


@timelines.errorhandler(tl.TimelineError)
def timeline_problem(exc: tl.TimelineError) -> Any:
    code = 404 if isinstance(exc, tl.UnknownTimeline) else 400
    if request.path.startswith("/api/") or request.path.endswith(".json"):
        return jsonify({"error": str(exc)}), code
    return render_template("error.html", code=code, message=str(exc)), code


@timelines.route("/timelines")
def timelines_page() -> str:
    return render_template("timelines.html", timelines=tl.list_timelines(store()))


@timelines.route("/api/timelines")
def timelines_json() -> Any:
    return jsonify([t.to_dict() | {"url": page_url(t.id)} for t in tl.list_timelines(store())])


@timelines.route("/timelines", methods=["POST"])
@write_action
def create() -> Any:
    timeline_id = tl.create(store(), request.form.get("name", ""), request.form.get("description", ""))
    return redirect(page_url(timeline_id), code=303)


@timelines.route("/timelines/<int:timeline_id>")
def timeline_page(timeline_id: int) -> str:
    return render_template(
        "named_timeline.html", timeline=tl.get(store(), timeline_id), outlets=source_titles()
    )


@timelines.route("/api/timelines/<int:timeline_id>")
@timelines.route("/timelines/<int:timeline_id>.json")
def timeline_json(timeline_id: int) -> Any:
    return jsonify(tl.get(store(), timeline_id).to_dict(archived_url))


@timelines.route("/timelines/<int:timeline_id>.csv")
def timeline_csv(timeline_id: int) -> Response:
    timeline = tl.get(store(), timeline_id)
    body = spreadsheet_csv(to_csv(timeline, source_titles(), archived_url))
    return _download(body, "text/csv; charset=utf-8", f"timeline-{timeline_id}.csv")


@timelines.route("/timelines/<int:timeline_id>/timelinejs.json")
def timeline_timelinejs(timeline_id: int) -> Response:
    data = to_timelinejs(tl.get(store(), timeline_id), source_titles(), archived_url)
    response = jsonify(data)
    response.headers["Content-Disposition"] = f'attachment; filename="timeline-{timeline_id}-timelinejs.json"'
    return response


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@timelines.route("/timelines/pin", methods=["POST"])
@write_action
def pin() -> Any:
    """Pin from a document page: to a chosen timeline, or to a new one named in the same form."""
    form = request.form
    doc_id = form.get("doc_id", "")
    new_name = form.get("new_name", "").strip()
    if new_name:
        timeline_id = tl.pin_to_new(store(), new_name, doc_id, form.get("note", ""))
    else:
        try:
            timeline_id = int(form.get("timeline_id", ""))
        except ValueError:
            abort(400, "Choose a timeline, or give a name for a new one.")
        if not -(2**63) <= timeline_id < 2**63:  # past SQLite's integers: no such timeline
            abort(404)
        tl.pin(store(), timeline_id, doc_id, form.get("note", ""))
    return redirect(page_url(timeline_id) + f"#item-{doc_id}", code=303)


@timelines.route("/timelines/<int:timeline_id>/items", methods=["POST"])
@write_action
def change_items(timeline_id: int) -> Any:
    """The one form of a timeline's articles: every note changed on the page is saved (an edited note is
    never lost because another button was pressed), then the button's action: save, move an article up,
    down or to a position, unpin it, or put all in order of publication."""
    form = request.form
    items = {i.doc_id: i for i in tl.get(store(), timeline_id).items}
    for doc_id, item in items.items():
        note = form.get(f"note-{doc_id}")
        if note is not None and note != form.get(f"was-{doc_id}", item.note):
            tl.set_note(store(), timeline_id, doc_id, note)
    action, _, doc_id = form.get("action", "").partition(":")
    if action in ("note", "sort"):
        if action == "sort":
            tl.sort_by_date(store(), timeline_id)
        return redirect(page_url(timeline_id), code=303)
    if doc_id not in items:
        raise tl.TimelineError(f"article {doc_id!r} is not on this timeline")
    current = items[doc_id].position
    if action in ("up", "down"):
        tl.move(store(), timeline_id, doc_id, current - 1 if action == "up" else current + 1)
    elif action == "move":
        try:
            position = int(form.get(f"position-{doc_id}", ""))
        except ValueError:
            abort(400, "A position is a whole number.")
        tl.move(store(), timeline_id, doc_id, position)
    elif action == "remove":
        tl.unpin(store(), timeline_id, doc_id)
        return redirect(page_url(timeline_id), code=303)
    else:
        abort(400, "Unknown action.")
    return redirect(page_url(timeline_id) + f"#item-{doc_id}", code=303)


@timelines.route("/timelines/<int:timeline_id>/edit", methods=["POST"])
@write_action
def edit(timeline_id: int) -> Any:
    tl.rename(store(), timeline_id, request.form.get("name", ""), request.form.get("description", ""))
    return redirect(page_url(timeline_id), code=303)


@timelines.route("/timelines/<int:timeline_id>/delete", methods=["POST"])
@write_action
def delete(timeline_id: int) -> Any:
    if request.form.get("confirm") != "yes":
        abort(400, "Tick the box to confirm that the timeline and its notes should be deleted.")
    tl.delete(store(), timeline_id)
    return redirect(url_for("timelines.timelines_page"), code=303)
