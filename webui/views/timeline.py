"""The timeline page: coverage of several queries over time, on one chart."""

from __future__ import annotations

from flask import Blueprint, render_template

from webui import timeline as page

timeline = Blueprint("timeline", __name__)


@timeline.route("/timeline")
def timeline_page() -> tuple[str, int]:
    context, status = page.page()
    return render_template("timeline.html", **context), status
