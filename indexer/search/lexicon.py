"""Entity names: which canonical entity ids a name in a query (``scheme:ESA``, ``speaker:"Liz Kendall"``)
stands for, from the names, aliases and surface forms the archive's documents use and the gazetteer's.

Names are compared with case, accents, apostrophes and spacing aside; failing an exact name, every word of
the query's name must be in the entity's (``scheme:jobseekers``).
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from casebook.models import ENTITY_KINDS, Entity


@dataclass(frozen=True)
class SeenEntity:
    """What an archive's documents call one entity: the kinds it was found as and every name used for it."""

    kinds: tuple[str, ...]
    names: tuple[str, ...]


def name_key(text: str) -> str:
    """How names are compared: case, accents, apostrophes and spacing aside."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.casefold().replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", text).split())


class Lexicon:
    """Entity ids by the names they go by: canonical names, aliases, surface forms seen in documents."""

    def __init__(self) -> None:
        self.names: dict[str, set[str]] = {}  # name key -> ids
        self.kinds: dict[str, set[str]] = {}  # id -> kinds seen

    @classmethod
    def of(cls, gazetteer: Iterable[Entity], seen: Mapping[str, SeenEntity]) -> Lexicon:
        """The gazetteer's entities (names and aliases), then those the archive's documents name."""
        lexicon = cls()
        for entity in gazetteer:
            lexicon.add(entity.id, entity.kind, (entity.name, *entity.aliases))
        for entity_id, found in seen.items():
            for kind in found.kinds or [None]:
                lexicon.add(entity_id, kind, found.names)
        return lexicon

    def add(self, entity_id: str, kind: str | None, names: Iterable[str]) -> None:
        if kind:
            self.kinds.setdefault(entity_id, set()).add(kind)
        else:
            self.kinds.setdefault(entity_id, set())
        for name in [*names, entity_id, entity_id.split(":", 1)[-1].replace("-", " ")]:
            key = name_key(name)
            if key:
                self.names.setdefault(key, set()).add(entity_id)

    def resolve(self, kind: str, text: str) -> list[str]:
        """Ids whose name is ``text``; failing that, ids whose name holds every word of it (same kind)."""
        text = text.strip()
        if "*" in text or "?" in text:
            pieces = re.split(r"([*?])", text)  # name_key would drop the wildcards: keep them between pieces
            pattern = re.compile(fnmatch.translate("".join(p if p in "*?" else name_key(p) for p in pieces)))
            found = {i for key, ids in self.names.items() if pattern.match(key) for i in ids}
            return sorted(i for i in found if self._kind_ok(i, kind))
        if text.lower().startswith(tuple(f"{k}:" for k in ENTITY_KINDS)) and text.lower() in self.kinds:
            return [text.lower()]
        key = name_key(text)
        if not key:
            return []
        exact = self.names.get(key)
        if exact:
            return sorted(exact)
        words = set(key.split())
        found = {i for name, ids in self.names.items() if words <= set(name.split()) for i in ids}
        return sorted(i for i in found if self._kind_ok(i, kind))

    def _kind_ok(self, entity_id: str, kind: str) -> bool:
        kinds = self.kinds.get(entity_id) or set()
        if kind == "speaker":
            return bool(kinds & {"person", "official"}) or not kinds
        return (
            kind in kinds
            or not kinds
            or (kind in ("person", "official") and bool(kinds & {"person", "official"}))
        )
