"""Named timelines' exports (CSV, TimelineJS) and links; the pages are ``webui.views.timelines``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from html import escape
from typing import Any

from flask import url_for

from casebook.store import Timeline
from webui.citations import neutralise
from webui.context import external_url

CSV_COLUMNS = ("position", "published", "title", "outlet", "url", "archived_url", "note", "id")


def to_csv(timeline: Timeline, outlets: dict[str, str], archived_url: Callable[[str], str]) -> str:
    """One row per article in the timeline's order, spreadsheet formulas defused."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in timeline.items:
        row = (
            item.position,
            item.published or "",
            item.title,
            outlets.get(item.source, item.source),
            item.url,
            archived_url(item.doc_id),
            item.note,
            item.doc_id,
        )
        writer.writerow([neutralise(str(cell)) for cell in row])
    return out.getvalue()


def _date_parts(value: str) -> dict[str, str]:
    year, month, day = (value.split("-") + ["", ""])[:3]
    return {k: v for k, v in (("year", year), ("month", month.lstrip("0")), ("day", day.lstrip("0"))) if v}


def to_timelinejs(
    timeline: Timeline, outlets: dict[str, str], archived_url: Callable[[str], str]
) -> dict[str, Any]:
    """TimelineJS 3 JSON (``title`` and ``events``). Its text fields are HTML, so everything is escaped.

    TimelineJS needs a start date for every event; an undated article is left out rather than given a
    date it does not have, and the title slide says how many were left out.
    """
    events = []
    for item in timeline.items:
        if not item.published:
            continue
        outlet = outlets.get(item.source, item.source)
        links = f'<a href="{escape(archived_url(item.doc_id))}">archived copy</a>'
        if item.url.startswith(("http://", "https://")):
            links = f'<a href="{escape(item.url)}">original</a> · ' + links
        body = f"<p>{escape(item.note)}</p>" if item.note else ""
        events.append(
            {
                "unique_id": item.doc_id,
                "start_date": _date_parts(item.published),
                "text": {"headline": escape(item.title), "text": f"{body}<p>{escape(outlet)} · {links}</p>"},
                "group": escape(outlet),
            }
        )
    undated = len(timeline.items) - len(events)
    summary = escape(timeline.description)
    if undated:
        summary += f" ({undated} undated article{'s' if undated != 1 else ''} left out)"
    return {"title": {"text": {"headline": escape(timeline.name), "text": summary.strip()}}, "events": events}


def archived_url(doc_id: str) -> str:
    return external_url("documents.archived_copy", doc_id=doc_id)


def page_url(timeline_id: int) -> str:
    return url_for("timelines.timeline_page", timeline_id=timeline_id)
