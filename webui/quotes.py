"""The quotes page's data: reported speech searched by text, speaker, date and source, with citations."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from flask import request, url_for

from indexer.search import SORTS, QueryError
from webui.citations import neutralise, quote_anchor, quote_citation, speaker_credit
from webui.context import external_url, sample_entities, search, settings, source_titles, store
from webui.entities import gazetteer
from webui.forms import FormError, date_errors, fix_all, query_error
from webui.links import link_args, requested_page
from webui.marking import paragraph_number

PAGE_SIZE = 20
LABELS = {"q": "Words or phrase in the quote", "source": "Sources", "since": "From", "until": "To"}


@dataclass
class QuoteForm:
    """The quotes form as asked: what the search functions take, and what the form shows back."""

    query: str
    page: int
    speaker: str | None
    sources: list[str]  # registry names
    since: str
    until: str
    sort: str

    def params(self, **overrides: Any) -> dict[str, Any]:
        params = {
            "query": self.query,
            "page": self.page,
            "speaker": self.speaker,
            "source": self.sources or None,
            "since": self.since or None,
            "until": self.until or None,
            "sort": self.sort,
        }
        return params | overrides


def held_sources() -> list[tuple[str, str]]:
    """(name, title) of every source the archive holds documents from, by title."""
    titles = source_titles()
    held = [(row["source"], titles.get(row["source"], row["source"])) for row in store().source_stats()]
    return sorted(held, key=lambda s: s[1].lower())


def quote_form() -> tuple[QuoteForm, list[FormError]]:
    """The form's values, and a problem for each source neither the registry nor the archive knows."""
    args = request.args
    known = list(source_titles().items()) + held_sources()
    names = {name.lower(): name for name, _ in known} | {title.lower(): name for name, title in known}
    sources, errors = [], []
    for given in (s.strip() for s in args.getlist("source") if s.strip()):
        name = names.get(given.lower())  # a registry name, or the outlet's title as readers know it
        if name is None:
            errors.append(
                FormError("source", LABELS["source"], f"no source is called {given!r}; choose from the list.")
            )
        elif name not in sources:
            sources.append(name)
    form = QuoteForm(
        query=args.get("q", "").strip() or "*",
        page=requested_page(),
        speaker=args.get("speaker", "").strip() or None,
        sources=sources,
        since=args.get("since", "").strip(),
        until=args.get("until", "").strip(),
        sort=args.get("sort") if args.get("sort") in SORTS else "relevance",
    )
    return form, errors


def run(form: QuoteForm, limit: int = PAGE_SIZE, **overrides: Any) -> dict[str, Any]:
    params = form.params(**overrides)
    return search().search_quotes(limit=limit, **params)


def relink(changes: dict[str, str]) -> str:
    args = link_args("page")
    args.update({name: [value] for name, value in changes.items()})
    return url_for("quotes.quotes_page", **args)


def page_href(number: int) -> str:
    args = link_args()
    args["page"] = [str(number)]
    return url_for("quotes.quotes_page", **args)


def cite(hits: list[dict[str, Any]]) -> None:
    """Give each hit what a reader cites it with: the speaker's full name and role on the article's date,
    the paragraph it stands in (the link to it names the quote's words too: :func:`quote_anchor`), and the
    line "copy with source" puts on the clipboard."""
    outlets = source_titles()
    known = gazetteer(settings().gazetteer_paths)
    names = store().entity_names(h["speaker_id"] for h in hits if h["speaker_id"])
    texts = store().document_texts(h["doc_id"] for h in hits)
    for hit in hits:
        published = date.fromisoformat(hit["published"]) if hit["published"] else None
        entity = known.get(hit["speaker_id"] or "")
        invented = hit["speaker_id"] in sample_entities()
        hit["credit"] = speaker_credit(
            hit["speaker"], entity, names.get(hit["speaker_id"]), published, invented
        )
        text = texts.get(hit["doc_id"])
        hit["paragraph"] = (
            paragraph_number(text, hit["start"]) if text is not None and hit["start"] is not None else None
        )
        hit["anchor"] = None
        if hit["paragraph"]:
            line = text[text.rfind("\n", 0, hit["start"]) + 1 : hit["start"]]  # its line, up to the quote
            hit["anchor"] = quote_anchor(hit["paragraph"], hit["text"], line)
        hit["outlet"] = outlets.get(hit["source"], hit["source"])
        hit["archived_url"] = external_url("documents.archived_copy", doc_id=hit["doc_id"])
        hit["paragraph_url"] = external_url(
            "documents.document_page", doc_id=hit["doc_id"], _anchor=hit["anchor"]
        )
        hit["citation"] = quote_citation(
            hit["text"],
            hit["credit"],
            hit["title"],
            hit["outlet"],
            published,
            hit["url"],
            hit["archived_url"],
            hit["paragraph_url"],
        )


def page() -> tuple[dict[str, Any], int]:
    """The quotes page's data for the request (the form again with every problem, or the quotes found),
    and its status."""
    form, errors = quote_form()
    errors += date_errors(form.since, form.until, LABELS, relink)
    found = None
    bad = {e.field for e in errors}
    try:
        found = run(
            form,
            since=None if "since" in bad else form.since or None,
            until=None if "until" in bad else form.until or None,
        )
    except QueryError as exc:
        errors.append(query_error(exc, "q", LABELS["q"], relink))
    context = {"form": form, "errors": errors, "sources": held_sources(), "sorts": SORTS}
    if errors:
        return {"found": None, "fix_all": fix_all(errors, relink), **context}, 400
    cite(found["results"])
    return {
        "found": found,
        "pages": max(1, -(-found["total"] // PAGE_SIZE)),
        "page_href": page_href,
        "export": url_for("quotes.quotes_csv", **link_args("page")),
        **context,
    }, 200


def every_quote() -> Iterator[dict[str, Any]]:
    """Every quote the request's form matches, however many, read as they are iterated."""
    form, _ = quote_form()
    params = form.params()
    params.pop("page")
    _total, hits = search().every_match(params.pop("query"), quotes=True, **params)
    return hits


CSV_BATCH = 500  # quotes cited at once: one look-up of names and texts per batch, not per quote


def csv_rows(hits: Iterator[dict[str, Any]]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["quote", "speaker", "speaker_as_written", "speaker_id", "headline", "outlet", "published", "url",
         "archived_url", "paragraph_url", "citation"]
    )  # fmt: skip
    while batch := list(islice(hits, CSV_BATCH)):
        cite(batch)
        for hit in batch:
            row = [
                hit["text"],
                hit["credit"],
                hit["speaker"] or "",
                hit["speaker_id"] or "",
                hit["title"],
                hit["outlet"],
                hit["published"] or "",
                hit["url"],
                hit["archived_url"],
                hit["paragraph_url"],
                hit["citation"],
            ]
            writer.writerow([neutralise(str(cell)) for cell in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()
