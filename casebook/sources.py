"""The sources registry: which sites Casebook archives, read from ``corpus/sources.toml``."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cssselect import HTMLTranslator, SelectorError

from casebook.errors import CasebookError
from casebook.models import Source
from casebook.settings import Settings

KINDS = ("wordpress", "sitemap", "feed", "listing")
_TUPLE_KEYS = ("start_urls", "allowed_domains", "exclude_patterns")


def load_sources(path: Path) -> list[Source]:
    """Parse and validate the registry; a bad entry is reported by name, with the key at fault."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CasebookError(f"sources registry not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CasebookError(f"sources registry {path} is not valid TOML: {exc}") from None
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw.get("sources", []), 1):
        label = entry.get("name", f"entry {i}")
        for key in ("name", "kind", "url"):
            if not entry.get(key):
                raise CasebookError(f"source {label!r} in {path}: missing {key!r}")
        if entry["kind"] not in KINDS:
            raise CasebookError(f"source {label!r}: kind must be one of {', '.join(KINDS)}")
        if entry["name"] in seen:
            raise CasebookError(f"source {label!r} appears twice in {path}")
        seen.add(entry["name"])
        values = dict(entry)
        for key in _TUPLE_KEYS:
            if key in values:
                values[key] = tuple(values[key])
        if "allowed_domains" not in values:
            values["allowed_domains"] = (urlsplit(entry["url"]).hostname or "",)
        if isinstance(values.get("since"), str):
            try:
                values["since"] = date.fromisoformat(values["since"])
            except ValueError:
                raise CasebookError(f"source {label!r}: since must be an ISO date (YYYY-MM-DD)") from None
        if "timezone" in values:
            try:
                ZoneInfo(str(values["timezone"]))
            except (ZoneInfoNotFoundError, ValueError):
                raise CasebookError(
                    f"source {label!r}: timezone must be a time zone name such as Europe/London"
                ) from None
        selector = values.get("comment_selector")
        if selector is not None:
            try:
                HTMLTranslator().css_to_xpath(str(selector))  # as extraction reads it (lxml.cssselect)
            except SelectorError as exc:
                raise CasebookError(
                    f"source {label!r}: comment_selector is not a CSS selector ({exc}): {selector!r}"
                ) from None
        try:
            sources.append(Source(**values))
        except TypeError as exc:
            raise CasebookError(f"source {label!r} in {path}: {exc}") from None
    return sources


def registered_source(url: str, sources: list[Source]) -> Source | None:
    """The registry entry whose domains cover ``url`` (what extraction is told about the site: its time
    zone, its comment markup); None for a page from elsewhere."""
    host = (urlsplit(url).hostname or "").lower()
    bare = host.removeprefix("www.")
    for source in sources:
        for domain in source.allowed_domains:
            domain = domain.lower().removeprefix("www.")
            if bare == domain or bare.endswith("." + domain):
                return source
    return None


def source_for_url(url: str, sources: list[Source]) -> str:
    """The registry name whose domains cover ``url``; else the bare host name, so nothing is unlabelled."""
    source = registered_source(url, sources)
    if source is not None:
        return source.name
    return (urlsplit(url).hostname or "").lower().removeprefix("www.") or "local"


def archive_sources(settings: Settings) -> list[Source]:
    """Every source an archive's documents can come from: the registry's, then the demo's invented outlets
    (``sample_dir``), which are named here so their pages are labelled, and never crawled."""
    sample = settings.sample_sources_path
    return load_sources(settings.sources_path) + (load_sources(sample) if sample.is_file() else [])


def sample_source_names(settings: Settings) -> frozenset[str]:
    """The names of the demo's invented outlets: their documents are sample data, said so wherever shown."""
    sample = settings.sample_sources_path
    return frozenset(s.name for s in load_sources(sample)) if sample.is_file() else frozenset()
