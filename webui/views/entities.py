"""Entity pages."""

from __future__ import annotations

from flask import Blueprint, render_template

from webui import entities as page

entities = Blueprint("entities", __name__)


@entities.route("/entity/<entity_id>")
def entity_page(entity_id: str) -> str:
    return render_template("entity.html", **page.page(entity_id))
