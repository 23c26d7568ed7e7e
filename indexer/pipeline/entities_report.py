"""The data behind ``casebook entities``: every entity mentioned in the archive, with how often and where.

One row per entity id: its kind, canonical name, number of mentions, number of documents that mention it,
and number of quotes it is the speaker of. Read-only: it only reads the store's mentions and quotes.

An official's mentions are ``official`` on dates when they held a role and ``person`` otherwise; such an
entity is listed as ``official`` (filter ``--kind official`` finds every official the archive has ever
named in office). Any other entity is listed under the kind most of its mentions have.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from casebook.errors import CasebookError
from casebook.models import ENTITY_KINDS
from casebook.store import Store


def list_entities(store: Store, kind: str | None = None) -> list[dict[str, Any]]:
    """Entities in the archive, most mentioned first: id, kind, name, mentions, documents, quotes.

    ``kind``: only entities of this kind (official, person, organisation, scheme, place).
    """
    if kind is not None and kind not in ENTITY_KINDS:
        raise CasebookError(f"unknown entity kind {kind!r}: use one of {', '.join(ENTITY_KINDS)}")
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    mentions: Counter[str] = Counter()
    for row in store.entity_mention_counts():
        kinds[row["entity_id"]][row["kind"]] += row["n"]
        names[row["entity_id"]][row["name"]] += row["n"]
        mentions[row["entity_id"]] += row["n"]
    documents = store.entity_document_counts()
    quotes = store.speaker_quote_counts()
    out = []
    for entity_id, counts in kinds.items():
        entity_kind = "official" if counts["official"] else _most_common(counts)
        if kind is not None and entity_kind != kind:
            continue
        out.append(
            {
                "id": entity_id,
                "kind": entity_kind,
                "name": _most_common(names[entity_id]),
                "mentions": mentions[entity_id],
                "documents": documents.get(entity_id, 0),
                "quotes": quotes.get(entity_id, 0),
            }
        )
    out.sort(key=lambda e: (-e["mentions"], -e["documents"], e["name"].casefold(), e["id"]))
    return out


def _most_common(counter: Counter[str]) -> str:
    """The most frequent key; ties broken alphabetically so the answer never depends on row order."""
    return min(counter, key=lambda k: (-counter[k], k))
