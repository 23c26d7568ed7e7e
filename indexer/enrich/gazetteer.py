"""The gazetteer: canonical entities (ids, names, aliases, roles with dates) read from ``corpus/gazetteer``.

It is hand-edited TOML, so the loader is strict: a typo in a key, a date that is not a date, a role
without the page its dates came from, or one alias claimed by two entities would silently give
journalists wrong links, so each stops the load with the file and the entry at fault.

Format, one or more ``*.toml`` files each holding ``[[entities]]``::

    id = "official:liz-kendall"      # stable slug, "prefix:lower-case-words"
    kind = "official"                # official | person | organisation | scheme | place
    name = "Liz Kendall"             # canonical name
    aliases = ["Elizabeth Kendall"]  # ALL-CAPS aliases ("DWP", "DR UK") match case-sensitively
    case_sensitive = false           # optional: true makes every name match as written ("Mind")
    [[entities.roles]]               # officials only, at least one
    title = "Secretary of State for Work and Pensions"
    start = 2024-07-05               # TOML date or "YYYY-MM-DD"
    end = 2025-09-05                 # omitted while current
    source = "https://..."           # where the dates are published

Files by subject: officials.toml (people with sourced roles), persons.toml (people without sourced dates),
schemes.toml, organisations.toml, outlets.toml, places.toml; the split is only for editors: every file is
read the same way. :func:`gazetteer_hash` fingerprints the folder for ``Enricher.version``.

Several folders can be read as one gazetteer (``Settings.gazetteer_paths``: the real one, then the demo's
invented officials in ``corpus/demo/sample/gazetteer``); ids and aliases must not clash across them, and the
lexicon is read from the first.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeAlias

from casebook.errors import CasebookError
from casebook.models import ENTITY_KINDS, Entity, Role

_ID_RE = re.compile(r"^[a-z]+:[a-z0-9]+(?:-[a-z0-9]+)*$")
_ENTITY_KEYS = {"id", "kind", "name", "aliases", "roles", "case_sensitive"}
_ROLE_KEYS = {"title", "start", "end", "source"}


Folders: TypeAlias = Path | str | Iterable[Path | str]  # one gazetteer folder, or several read as one


def gazetteer_folders(folders: Folders) -> tuple[Path, ...]:
    """The folders of a gazetteer given as one folder or several, in reading order."""
    if isinstance(folders, (Path, str)):
        return (Path(folders),)
    return tuple(Path(folder) for folder in folders)


def is_all_caps(alias: str) -> bool:
    """An acronym-like alias ("ESA", "DR UK"): matched case-sensitively so "esa" in prose never links."""
    return any(c.isalpha() for c in alias) and alias == alias.upper()


def gazetteer_hash(folders: Folders) -> str:
    """SHA-256 over the gazetteer and lexicon files' names and bytes: changes whenever any entry does."""
    digest = hashlib.sha256()
    for n, directory in enumerate(gazetteer_folders(folders)):
        for path in [*sorted(directory.glob("*.toml")), *sorted((directory / LEXICON_DIR).glob("*.toml"))]:
            name = str(path.relative_to(directory)) if n == 0 else f"{n}/{path.relative_to(directory)}"
            digest.update(name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_gazetteer(folders: Folders) -> list[Entity]:
    """Read every ``*.toml`` of each folder (sorted) into entities; raise CasebookError on a bad entry, or
    on an id or alias that two entries claim, in one folder or across folders."""
    files = []
    for directory in gazetteer_folders(folders):
        if not directory.is_dir():
            raise CasebookError(
                f"gazetteer folder not found: {directory} (set gazetteer_dir in settings.toml)"
            )
        found = sorted(directory.glob("*.toml"))
        if not found:
            raise CasebookError(f"gazetteer folder {directory} holds no *.toml files")
        files += found
    entities: list[Entity] = []
    where: dict[str, str] = {}  # id -> "file: entry n", to name both sides of a clash
    alias_owner: dict[str, tuple[str, str]] = {}  # matching key -> (entity id, where)
    for path in files:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise CasebookError(f"gazetteer file {path} is not valid TOML: {exc}") from None
        unknown = set(raw) - {"entities"}
        if unknown:
            raise CasebookError(f"gazetteer file {path}: unknown top-level key(s) {sorted(unknown)}")
        items = raw.get("entities", [])
        if not isinstance(items, list):
            raise CasebookError(
                f"gazetteer file {path}: 'entities' must be an array of tables ([[entities]])"
            )
        for index, item in enumerate(items, 1):
            label = f"{path}: entry {index}"
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                label += f" ({item['id']})"
            entity = _parse_entity(item, label)
            if entity.id in where:
                raise CasebookError(f"{label}: id {entity.id!r} is already used by {where[entity.id]}")
            where[entity.id] = label
            for alias in [entity.name, *entity.aliases]:
                key = alias if (entity.case_sensitive or is_all_caps(alias)) else alias.casefold()
                owner = alias_owner.get(key)
                if owner and owner[0] != entity.id:
                    raise CasebookError(f"{label}: alias {alias!r} is already an alias of {owner[1]}")
                alias_owner[key] = (entity.id, label)
            entities.append(entity)
    return entities


def _parse_entity(item: Any, label: str) -> Entity:
    if not isinstance(item, dict):
        raise CasebookError(f"{label}: an entity must be a table")
    unknown = set(item) - _ENTITY_KEYS
    if unknown:
        raise CasebookError(f"{label}: unknown key(s) {sorted(unknown)}; known: {sorted(_ENTITY_KEYS)}")
    for key in ("id", "kind", "name"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise CasebookError(f"{label}: missing or empty {key!r}")
    entity_id, kind, name = item["id"], item["kind"], item["name"].strip()
    if not _ID_RE.match(entity_id):
        raise CasebookError(f"{label}: id {entity_id!r} must look like 'scheme:pip' (lower case, a-z0-9-)")
    if kind not in ENTITY_KINDS:
        raise CasebookError(f"{label}: kind {kind!r} must be one of {', '.join(ENTITY_KINDS)}")
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise CasebookError(f"{label}: aliases must be a list of non-empty strings")
    exact = item.get("case_sensitive", False)
    if not isinstance(exact, bool):
        raise CasebookError(f"{label}: case_sensitive must be true or false")
    raw_roles = item.get("roles", [])
    if not isinstance(raw_roles, list):
        raise CasebookError(f"{label}: roles must be an array of tables ([[entities.roles]])")
    if kind == "official" and not raw_roles:
        raise CasebookError(f"{label}: an official needs at least one role with sourced dates (else: person)")
    if kind != "official" and raw_roles:
        raise CasebookError(f"{label}: only officials have roles (kind is {kind!r})")
    roles = [_parse_role(r, f"{label} role {i}") for i, r in enumerate(raw_roles, 1)]
    unique_aliases = list(dict.fromkeys(a.strip() for a in aliases if a.strip() != name))
    return Entity(
        id=entity_id, kind=kind, name=name, aliases=unique_aliases, roles=roles, case_sensitive=exact
    )


def _parse_role(raw: Any, label: str) -> Role:
    if not isinstance(raw, dict):
        raise CasebookError(f"{label}: a role must be a table")
    unknown = set(raw) - _ROLE_KEYS
    if unknown:
        raise CasebookError(f"{label}: unknown key(s) {sorted(unknown)}; known: {sorted(_ROLE_KEYS)}")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise CasebookError(f"{label}: missing 'title'")
    source = raw.get("source")
    if not isinstance(source, str) or not source.startswith(("http://", "https://")):
        raise CasebookError(f"{label}: 'source' must be the URL where the role's dates are published")
    if "start" not in raw:
        raise CasebookError(f"{label}: missing 'start' (ISO date)")
    start = _date(raw["start"], label, "start")
    end = _date(raw["end"], label, "end") if "end" in raw else None
    if start and end and end < start:
        raise CasebookError(f"{label}: end {end} is before start {start}")
    return Role(title=title.strip(), start=start, end=end, source_url=source)


def _date(value: Any, label: str, key: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CasebookError(f"{label}: {key} {value!r} is not an ISO date (YYYY-MM-DD)")


# --- the lexicon: words the quote component reads (corpus/gazetteer/lexicon/) ------------------------------

LEXICON_DIR = "lexicon"
_GENDERS = ("female", "male")


@dataclass(frozen=True)
class Title:
    """A title written before a name ("Councillor", "Mrs", "Gov."): the role and the gender it gives."""

    role: str | None = None
    gender: str | None = None


@dataclass(frozen=True)
class Lexicon:
    """Verbs of saying and words that describe speakers (``lexicon/speech_verbs.toml``, ``roles.toml``)."""

    speech_verbs: frozenset[str]
    speech_nouns: frozenset[str]  # "statement", "message": "Her message to ministers: “…”"
    person_nouns: dict[str, str | None]  # noun -> gender it gives ("spokeswoman" -> "female"), or None
    spokes_nouns: frozenset[str]
    org_nouns: frozenset[str]
    titles: dict[str, Title]  # lower case, no full stop


def load_lexicon(folders: Folders) -> Lexicon:
    """Read ``lexicon/`` of the (first) gazetteer folder; raise CasebookError naming the file and key on
    anything malformed."""
    folder = gazetteer_folders(folders)[0] / LEXICON_DIR
    verbs = _toml(folder / "speech_verbs.toml", {"verbnet", "news", "excluded", "nouns"})
    roles = _toml(folder / "roles.toml", {"persons", "organisations", "titles"})
    where = folder / "speech_verbs.toml"
    lemmas: set[str] = set()
    for cls, members in _table(verbs, "verbnet", where).items():
        lemmas |= _words(members, f"{where}: verbnet.{cls}")
    lemmas |= _words(_table(verbs, "news", where).get("verbs"), f"{where}: news.verbs")
    lemmas -= _words(_table(verbs, "excluded", where).get("lemmas"), f"{where}: excluded.lemmas")
    nouns_said = _words(_table(verbs, "nouns", where).get("words"), f"{where}: nouns.words")
    where = folder / "roles.toml"
    persons = _table(roles, "persons", where)
    unknown = set(persons) - {"neutral", "spokes", *_GENDERS}
    if unknown:
        raise CasebookError(f"{where}: unknown key(s) in [persons]: {sorted(unknown)}")
    nouns: dict[str, str | None] = dict.fromkeys(_words(persons.get("neutral"), f"{where}: persons.neutral"))
    for gender in _GENDERS:
        nouns.update(dict.fromkeys(_words(persons.get(gender), f"{where}: persons.{gender}"), gender))
    spokes = _words(persons.get("spokes"), f"{where}: persons.spokes")
    orgs = _words(_table(roles, "organisations", where).get("nouns"), f"{where}: organisations.nouns")
    titles = {}
    for word, raw in _table(roles, "titles", where).items():
        if (
            not isinstance(raw, dict)
            or set(raw) - {"role", "gender"}
            or raw.get("gender", "female") not in _GENDERS
        ):
            raise CasebookError(f"{where}: titles.{word} must be a table of role and gender (female or male)")
        titles[word.lower()] = Title(raw.get("role"), raw.get("gender"))
    return Lexicon(
        frozenset(lemmas), frozenset(nouns_said), nouns, frozenset(spokes), frozenset(orgs), titles
    )


def _toml(path: Path, keys: set[str]) -> dict[str, Any]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CasebookError(f"lexicon file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CasebookError(f"lexicon file {path} is not valid TOML: {exc}") from None
    unknown = set(raw) - keys
    if unknown:
        raise CasebookError(f"lexicon file {path}: unknown table(s) {sorted(unknown)}; known: {sorted(keys)}")
    return raw


def _table(raw: dict[str, Any], key: str, where: Path) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise CasebookError(f"{where}: [{key}] must be a table")
    return value


def _words(value: Any, where: str) -> set[str]:
    if value is None:
        return set()
    if not isinstance(value, list) or not all(
        isinstance(w, str) and w.strip() and " " not in w for w in value
    ):
        raise CasebookError(f"{where} must be a list of single words")
    return {w.strip().lower() for w in value}
