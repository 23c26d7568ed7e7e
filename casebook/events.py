"""Key policy events (``corpus/events.toml``): dated, each with the source that states the date."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from casebook.errors import CasebookError


@dataclass(frozen=True)
class Event:
    day: date
    title: str
    source: str


def load_events(path: Path) -> list[Event]:
    """Read and check the events file; a missing file means no events, a bad entry is named."""
    if not path.exists():
        return []
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CasebookError(f"events file {path} is not valid TOML: {exc}") from None
    events = []
    for i, entry in enumerate(raw.get("events", []), 1):
        try:
            day = date.fromisoformat(str(entry["date"]))
            title, source = str(entry["title"]), str(entry["source"])
        except (KeyError, ValueError) as exc:
            raise CasebookError(
                f"event {i} in {path}: needs date (YYYY-MM-DD), title and source ({exc})"
            ) from None
        if not source.startswith(("http://", "https://")):
            raise CasebookError(f"event {i} in {path}: source must be the URL that states the date")
        events.append(Event(day, title, source))
    return sorted(events, key=lambda e: e.day)
