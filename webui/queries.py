"""Page data the store answers: plain functions over a Store, no Flask in here."""

from __future__ import annotations

from typing import Any

from casebook.store import Store
from webui.marking import paragraph_number


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
