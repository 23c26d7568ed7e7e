"""Batch search in the UI: a list pasted (a GET form: the results have an address, also on a ``--public``
archive) or uploaded (a POST with the CSRF token), its combined CSV, and saved batches run again to show
what changed; JSON twins under ``/api/batch``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from casebook.store import NameTaken, SavedBatch
from indexer.search.entries import DATES
from webui import batch as b
from webui.auth import write_action
from webui.context import source_titles, store
from webui.exports import spreadsheet_csv
from webui.views.watch import MAX_NAME, now, owner

batch = Blueprint("batch", __name__)


def asked() -> b.Batch:
    """The batch of this request's arguments (GET) or form (POST)."""
    values = request.values
    dated_by = values.get("date") if values.get("date") in DATES else "published"
    return b.Batch.of(values.get("lines", ""), values.get("names") == "1", dated_by)


def page(current: b.Batch, status: int = 200, problem: str = "") -> tuple[str, int]:
    rows = b.run(current) if current.lines else []
    args = {
        "lines": "\n".join(current.lines),
        "names": "1" if current.names else None,
        "date": current.dated_by,
    }
    return render_template(
        "batch.html", batch=current, rows=rows, outlets=source_titles(), problem=problem, link=args,
        max_lines=b.MAX_LINES,
    ), status  # fmt: skip


@batch.route("/batch")
def batch_page() -> tuple[str, int]:
    return page(asked())


@batch.route("/batch", methods=["POST"])
def batch_upload() -> tuple[str, int]:
    """An uploaded list (text, or a CSV column), searched as a pasted one."""
    upload = request.files.get("upload")
    if upload is None or not upload.filename:
        return page(asked(), 400, "Choose a file to upload, or paste the list in the box above.")
    try:
        lines = b.lines_from_upload(upload.read(), upload.filename, request.form.get("column", ""))
    except ValueError as exc:
        return page(b.Batch([]), 400, f"That file could not be read: {exc}.")
    current = asked()
    return page(b.Batch.of_lines(lines, current.names, current.dated_by))


@batch.route("/api/batch")
def batch_json() -> Any:
    current = asked()
    return jsonify(
        {
            "lines": [r.to_dict() for r in b.run(current)],
            "left_out": current.left_out,
            "max_lines": b.MAX_LINES,
        }
    )


@batch.route("/batch.csv")
def batch_csv() -> Response:
    current = asked()
    return _csv(current, b.run(current), "casebook-batch.csv")


def _csv(current: b.Batch, rows: list[b.Row], filename: str) -> Response:
    body = spreadsheet_csv(b.to_csv(current, rows, source_titles()))
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- saved batches -------------------------------------------------------------------------------


def owned(batch_id: int) -> SavedBatch:
    saved = store().saved_batch(batch_id)
    if saved is None or saved.owner != owner():
        abort(404)
    return saved


def saved_as_batch(saved: SavedBatch) -> b.Batch:
    kept = saved.results[0] if saved.results and "_batch" in saved.results[0] else {}
    return b.Batch(saved.lines, bool(kept.get("names")), kept.get("date", "published"))


def stored_results(current: b.Batch, rows: list[b.Row]) -> list[dict[str, Any]]:
    """The figures kept with a saved batch: how it searches, then one dict per line."""
    return [{"_batch": True, "names": current.names, "date": current.dated_by}] + [r.to_dict() for r in rows]


@batch.route("/batch/save", methods=["POST"])
@write_action
def save() -> Any:
    name = " ".join(request.form.get("name", "").split())
    if not name or len(name) > MAX_NAME:
        abort(400, f"Give the batch a name (at most {MAX_NAME} characters).")
    current = asked()
    if not current.lines:
        abort(400, "The list is empty: paste one query or name a line.")
    rows = b.run(current)
    try:
        with store().transaction():
            batch_id = store().add_saved_batch(
                owner(), name, current.lines, stored_results(current, rows), now()
            )
    except NameTaken:
        abort(400, f"You already have a batch called “{name}”: choose another name.")
    return redirect(url_for("batch.saved_batch_page", batch_id=batch_id), code=303)


def rerun(saved: SavedBatch) -> dict[str, Any]:
    current = saved_as_batch(saved)
    rows = b.run(current)
    before = [r for r in saved.results if "_batch" not in r]
    return {"batch": current, "rows": rows, "changed": b.changes(before, rows)}


@batch.route("/batch/saved/<int:batch_id>")
def saved_batch_page(batch_id: int) -> str:
    saved = owned(batch_id)
    return render_template("saved_batch.html", saved=saved, outlets=source_titles(), **rerun(saved))


@batch.route("/api/batch/saved/<int:batch_id>")
def saved_batch_json(batch_id: int) -> Any:
    saved = owned(batch_id)
    found = rerun(saved)
    return jsonify(
        {
            "id": saved.id,
            "name": saved.name,
            "ran": saved.ran,
            "lines": [r.to_dict() | {"changed": found["changed"].get(r.line, "")} for r in found["rows"]],
        }
    )


@batch.route("/batch/saved/<int:batch_id>.csv")
def saved_batch_csv(batch_id: int) -> Response:
    found = rerun(owned(batch_id))
    return _csv(found["batch"], found["rows"], f"casebook-batch-{batch_id}.csv")


@batch.route("/batch/saved/<int:batch_id>/keep", methods=["POST"])
@write_action
def keep(batch_id: int) -> Any:
    """Keep today's figures: the next run shows what changed from these."""
    saved = owned(batch_id)
    current = saved_as_batch(saved)
    with store().transaction():
        store().set_batch_results(saved.id, stored_results(current, b.run(current)), now())
    return redirect(url_for("batch.saved_batch_page", batch_id=saved.id), code=303)


@batch.route("/batch/saved/<int:batch_id>/delete", methods=["POST"])
@write_action
def delete(batch_id: int) -> Any:
    saved = owned(batch_id)
    with store().transaction():
        store().delete_saved_batch(saved.id)
    return redirect(url_for("watch.saved_page"), code=303)
