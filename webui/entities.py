"""Entity pages: who or what an entity is, how often the archive mentions it, and what they said."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, render_template

from casebook.models import Entity
from indexer.gazetteer import load_gazetteer
from webui.app import sample_entities, settings, source_titles, store
from webui.charts import responsive_bar_chart
from webui.queries import entity_mentions

entities = Blueprint("entities", __name__)

ENTITY_ID = re.compile(r"^[a-z]+:[a-z0-9][a-z0-9-]*$")


@lru_cache(maxsize=4)
def gazetteer(folders: tuple[Path, ...]) -> dict[str, Entity]:
    return {entity.id: entity for entity in load_gazetteer(folders)}


def labelled(names: dict[str, str]) -> dict[str, str]:
    """Entity names as lists show them: each of the demo's invented people marked as sample data."""
    invented = sample_entities()
    return {key: f"{name} (sample data)" if key in invented else name for key, name in names.items()}


def entity_data(entity_id: str) -> tuple[Entity | None, dict | None]:
    if not ENTITY_ID.match(entity_id):
        abort(404)
    known = gazetteer(settings().gazetteer_paths).get(entity_id)
    found = entity_mentions(store(), entity_id)
    if known is None and found is None:
        abort(404)
    return known, found


@entities.route("/entity/<entity_id>")
def entity_page(entity_id: str) -> str:
    known, found = entity_data(entity_id)
    name = known.name if known else found["name"]
    points = [(row["year"], row["documents"]) for row in (found or {}).get("by_year", [])]
    return render_template(
        "entity.html",
        entity_id=entity_id,
        name=name,
        kind=known.kind if known else found["kind"],
        known=known,
        found=found,
        chart=responsive_bar_chart(points, f"Articles mentioning {name}, by year"),
        points=points,
        outlets=source_titles(),
    )
