"""What the archive holds, per source."""

from __future__ import annotations

from flask import Blueprint, render_template

from webui.context import source_titles, store

sources_page = Blueprint("sources_page", __name__)


@sources_page.route("/sources")
def sources() -> str:
    return render_template("sources.html", rows=store().source_stats(), titles=source_titles())
