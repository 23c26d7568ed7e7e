"""Batch search: many queries (or names) at once, one a line, each with its number of matching documents,
first and last dates, top outlets and a link to its search; a combined CSV; what changed since a saved
batch last ran.

A line that cannot be read as a query is reported on its own row with the correction the search page would
suggest; every other line is still searched. The work is bounded: at most ``MAX_LINES`` lines, said so
when a list is longer.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from indexer.search import QueryError, SearchParams
from webui.citations import neutralise
from webui.context import external_url, search
from webui.search import MAX_QUERY

MAX_LINES = 200  # lines searched from one list; the rest are left out, and the page says how many
MAX_UPLOAD_LINES = 10_000  # rows read from an uploaded file to find them
TOP_OUTLETS = 3
CSV_COLUMNS = (
    "line",
    "query",
    "documents",
    "first",
    "last",
    "top_outlets",
    "search_url",
    "error",
    "suggestion",
)


@dataclass
class Batch:
    """A list as asked: its lines (blank ones dropped), whether each is a name, which date, and what was
    left out past ``MAX_LINES``."""

    lines: list[str]
    names: bool = False  # each line a name: searched as an exact phrase
    dated_by: str = "published"
    left_out: int = 0

    @classmethod
    def of(cls, text: str, names: bool = False, dated_by: str = "published") -> Batch:
        return cls.of_lines(text.splitlines(), names, dated_by)

    @classmethod
    def of_lines(cls, lines: list[str], names: bool = False, dated_by: str = "published") -> Batch:
        kept = [" ".join(line.split()) for line in lines]
        kept = [line for line in kept if line]
        return cls(kept[:MAX_LINES], names, dated_by, max(0, len(kept) - MAX_LINES))

    def query(self, line: str) -> str:
        if self.names:
            return '"' + line.replace('"', " ").strip() + '"'
        return line

    def params(self, line: str) -> SearchParams:
        return SearchParams(q=self.query(line), dated_by=self.dated_by)


@dataclass
class Row:
    """One line's figures, or what is wrong with it."""

    line: str
    query: str
    documents: int | None = None
    first: str | None = None
    last: str | None = None
    outlets: list[tuple[str, int]] = field(default_factory=list)
    search_url: str = ""
    error: str = ""
    suggestion: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "query": self.query,
            "documents": self.documents,
            "first": self.first,
            "last": self.last,
            "top_outlets": [{"source": s, "documents": n} for s, n in self.outlets],
            "search_url": self.search_url,
            "error": self.error,
            "suggestion": self.suggestion,
        }


def run_line(batch: Batch, line: str) -> Row:
    """One line searched: how many documents, the first and last dates, the top outlets."""
    params = batch.params(line)
    row = Row(line, params.q, search_url=url_for("search.search_page", **params.to_args()))
    if len(params.q) > MAX_QUERY:
        row.error = f"the line is {len(params.q)} characters long, the limit is {MAX_QUERY}"
        return row
    service = search()
    try:
        newest = service.search(
            params.q,
            limit=1,
            facets=["source"],
            facet_limit=TOP_OUTLETS,
            sort="newest",
            dated_by=batch.dated_by,
        )
        oldest = service.search(params.q, limit=1, facets=[], sort="oldest", dated_by=batch.dated_by)
    except QueryError as exc:
        row.error, row.suggestion = exc.problem, exc.suggestion or ""
        return row
    date_key = "collected" if batch.dated_by == "collected" else "published"
    row.documents = newest["total"]
    row.last = newest["results"][0].get(date_key) if newest["results"] else None
    row.first = oldest["results"][0].get(date_key) if oldest["results"] else None
    row.outlets = list(newest["facets"].get("source", {}).items())[:TOP_OUTLETS]
    return row


def run(batch: Batch) -> list[Row]:
    return [run_line(batch, line) for line in batch.lines]


def changes(before: list[dict[str, Any]], now: list[Row]) -> dict[str, str]:
    """For each line run again: what changed since the figures kept (``+3 documents, last 2024-06-01``)."""
    kept = {r["line"]: r for r in before}
    out: dict[str, str] = {}
    for row in now:
        old = kept.get(row.line)
        if old is None:
            out[row.line] = "new line"
            continue
        parts = []
        if (
            row.documents is not None
            and old.get("documents") is not None
            and row.documents != old["documents"]
        ):
            parts.append(f"{row.documents - old['documents']:+d} documents")
        if row.last != old.get("last") and row.last:
            parts.append(f"last now {row.last}")
        if row.first != old.get("first") and row.first:
            parts.append(f"first now {row.first}")
        if parts:
            out[row.line] = ", ".join(parts)
    return out


def lines_from_upload(data: bytes, filename: str, column: str) -> list[str]:
    """The lines of an uploaded list: a CSV file's column (by header name or number from 1; the first
    column by default, its header row left out when a column is named by it), or a text file's lines.
    Raises ValueError with one line for the reader."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            "the file is not UTF-8 text: save it as UTF-8 (CSV UTF-8) and upload it again"
        ) from None
    if not filename.lower().endswith(".csv") and not column:
        return text.splitlines()[:MAX_UPLOAD_LINES]
    rows = list(csv.reader(io.StringIO(text)))[:MAX_UPLOAD_LINES]
    if not rows:
        return []
    index, skip = 0, 0
    if column.strip().isdigit():
        index = int(column) - 1
    elif column.strip():
        header = [cell.strip().lower() for cell in rows[0]]
        if column.strip().lower() not in header:
            raise ValueError(f"the file has no column called {column!r} (its columns: {', '.join(rows[0])})")
        index, skip = header.index(column.strip().lower()), 1
    if index < 0:
        raise ValueError("columns are numbered from 1")
    return [row[index] for row in rows[skip:] if len(row) > index]


def to_csv(batch: Batch, rows: list[Row], outlets: dict[str, str]) -> str:
    """One row per line, spreadsheet formulas defused; search links under ``public_url`` when set."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        top = "; ".join(f"{outlets.get(s, s)} ({n})" for s, n in row.outlets)
        link = external_url("search.search_page", **batch.params(row.line).to_args())
        count = "" if row.documents is None else row.documents
        cells = (
            row.line,
            row.query,
            count,
            row.first or "",
            row.last or "",
            top,
            link,
            row.error,
            row.suggestion,
        )
        writer.writerow([neutralise(str(cell)) for cell in cells])
    return out.getvalue()
