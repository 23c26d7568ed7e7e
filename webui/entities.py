"""The entity page's data (and its JSON twin's): who or what an entity is, how often the archive mentions
it, and what they said."""

from __future__ import annotations

import re
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import abort

from casebook.models import Entity
from casebook.store import Store
from indexer.enrich.gazetteer import load_gazetteer
from webui.charts import every_year, responsive_bar_chart
from webui.context import sample_entities, settings, source_titles, store
from webui.marking import paragraph_number

ENTITY_ID = re.compile(r"^[a-z]+:[a-z0-9][a-z0-9-]*$")


@lru_cache(maxsize=4)
def gazetteer(folders: tuple[Path, ...]) -> dict[str, Entity]:
    return {entity.id: entity for entity in load_gazetteer(folders)}


def labelled(names: dict[str, str]) -> dict[str, str]:
    """Entity names as lists show them: each of the demo's invented people marked as sample data."""
    invented = sample_entities()
    return {key: f"{name} (sample data)" if key in invented else name for key, name in names.items()}


def entity_mentions(store: Store, entity_id: str) -> dict[str, Any] | None:
    """Everything the entity page shows that comes from the archive (:meth:`Store.entity_coverage`), each
    quote with the number of the paragraph it stands in; None if the entity is never mentioned."""
    found = store.entity_coverage(entity_id)
    if found is not None:
        found["quotes"] = [_in_context(quote) for quote in found["quotes"]]
    return found


def _in_context(quote: dict[str, Any]) -> dict[str, Any]:
    """A quote row with the number of the paragraph it stands in (the document page's ¶ anchor)."""
    quote["paragraph"] = paragraph_number(quote.pop("doc_text"), quote["start"])
    return quote


def entity_data(entity_id: str) -> tuple[Entity | None, dict | None]:
    """What the gazetteer knows of the entity and what the archive holds of it; a 404 when neither."""
    if not ENTITY_ID.match(entity_id):
        abort(404)
    known = gazetteer(settings().gazetteer_paths).get(entity_id)
    found = entity_mentions(store(), entity_id)
    if known is None and found is None:
        abort(404)
    return known, found


def page(entity_id: str) -> dict[str, Any]:
    known, found = entity_data(entity_id)
    name = known.name if known else found["name"]  # type: ignore[index]
    points = every_year([(str(row["year"]), row["documents"]) for row in (found or {}).get("by_year", [])])
    return {
        "entity_id": entity_id,
        "name": name,
        "kind": known.kind if known else found["kind"],  # type: ignore[index]
        "known": known,
        "found": found,
        "chart": responsive_bar_chart(points, f"Articles mentioning {name}, by year"),
        "points": points,
        "outlets": source_titles(),
    }


def as_json(entity_id: str) -> dict[str, Any]:
    """The entity page's data for the API: gazetteer facts (aliases, roles with dates), what the archive
    holds."""
    known, found = entity_data(entity_id)
    return {
        "id": entity_id,
        "name": known.name if known else found["name"],  # type: ignore[index]
        "kind": known.kind if known else found["kind"],  # type: ignore[index]
        "gazetteer": asdict(known) if known else None,
        "sample": entity_id in sample_entities(),  # one of the demo's invented people
        "archive": found,
    }
