"""Alerts: after every run that writes to the index (ingest, crawl, re-enrichment), each saved search
records its new matches (:mod:`indexer.search.watch`); then, when the settings ask for them, an e-mail
digest goes out through SMTP and a JSON POST to a webhook.

The matches are recorded first, in the store: an SMTP server or a webhook that fails costs one line in
the run's report and loses nothing (``casebook alerts`` and the saved searches page list them all the
same). Network work happens after every write, never inside a transaction.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from casebook.settings import Settings
from casebook.store import Store, open_store
from indexer.enrich.gazetteer import load_gazetteer
from indexer.search import SearchService, open_backend
from indexer.search.watch import NewMatches, record_new_matches

SEND_TIMEOUT = 10.0  # seconds an SMTP server or a webhook may take
LISTED = 20  # documents listed per saved search in a digest


@dataclass
class AlertReport:
    """What the alerts of one run did: the saved searches with new matches, and one line per problem."""

    found: list[NewMatches] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = list(self.problems)
        if self.found:
            count = sum(len(f.doc_ids) for f in self.found)
            names = ", ".join(repr(f.search.name) for f in self.found)
            out.insert(0, f"alerts: {count} new matches for {names} (casebook alerts lists them)")
        return out


def now_stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def after_run(settings: Settings, touched: Collection[str]) -> AlertReport:
    """Record the new matches of every saved search among the documents ``touched`` (indexed by the run),
    then send the digest and the webhook when set. Called once at the end of every run that indexes."""
    report = AlertReport()
    if not touched:
        return report
    backend = open_backend(settings)
    if not backend.exists():
        return report
    with open_store(settings) as store:
        if not store.saved_searches():
            return report
        service = SearchService(backend, gazetteer=load_gazetteer(settings.gazetteer_paths))
        report.found, report.problems = record_new_matches(store, service, touched, now_stamp())
        if report.found and (settings.alerts_to or settings.alerts_webhook):
            payload = digest(store, settings, report.found)
        else:
            return report
    if settings.alerts_to:
        report.problems += send_email(settings, payload)
    if settings.alerts_webhook:
        report.problems += post_webhook(settings, payload)
    return report


def base_url(settings: Settings) -> str:
    """Where the links of a digest point: the archive's public address, else the web UI's own."""
    return settings.public_url or f"http://{settings.host}:{settings.port}"


def digest(store: Store, settings: Settings, found: list[NewMatches]) -> dict[str, Any]:
    """The new matches as the webhook's JSON (and the e-mail's content): each saved search with its new
    documents (the first ``LISTED``), their titles, outlets, dates and links."""
    base = base_url(settings)
    searches = []
    for news in found:
        documents = []
        for doc_id in news.doc_ids[:LISTED]:
            stored = store.get(doc_id)
            if stored is None:
                continue
            doc = stored.document
            documents.append(
                {
                    "id": doc.id,
                    "title": doc.title,
                    "source": doc.source,
                    "published": doc.published.isoformat() if doc.published else None,
                    "url": doc.canonical_url,
                    "archived_url": f"{base}/doc/{doc.id}/archived",
                }
            )
        searches.append(
            {
                "id": news.search.id,
                "name": news.search.name,
                "owner": news.search.owner,
                "new": len(news.doc_ids),
                "search_url": f"{base}/search?{news.search.query}",
                "saved_url": f"{base}/saved/{news.search.id}",
                "documents": documents,
            }
        )
    return {"event": "new_matches", "at": now_stamp(), "searches": searches}


def email_text(payload: dict[str, Any]) -> str:
    """The digest as plain text: the saved searches' names, counts and new documents (plain text only: a
    title from a crawled page is never HTML here)."""
    out = []
    for search in payload["searches"]:
        out.append(f"{search['name']}: {search['new']} new since you last looked — {search['saved_url']}")
        for doc in search["documents"]:
            out.append(f"  {doc['published'] or 'undated'}  {doc['source']}  {doc['title']}")
            out.append(f"    {doc['url']}  (archived: {doc['archived_url']})")
        if search["new"] > len(search["documents"]):
            out.append(f"  ... and {search['new'] - len(search['documents'])} more")
        out.append("")
    return "\n".join(out)


def send_email(settings: Settings, payload: dict[str, Any]) -> list[str]:
    """Send the digest to ``alerts_to`` through ``smtp_host``; one line when it could not be sent."""
    message = EmailMessage()
    count = sum(s["new"] for s in payload["searches"])
    message["Subject"] = f"Casebook: {count} new matches for your saved searches"
    message["From"] = settings.smtp_from or f"casebook@{settings.smtp_host or 'localhost'}"
    message["To"] = settings.alerts_to
    message.set_content(email_text(payload))
    where = f"{settings.smtp_host or 'localhost'}:{settings.smtp_port}"
    try:
        with smtplib.SMTP(
            settings.smtp_host or "localhost", settings.smtp_port, timeout=SEND_TIMEOUT
        ) as smtp:
            if settings.smtp_user:
                smtp.starttls()
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return [
            f"alerts: the e-mail digest could not be sent through {where} ({reason}); the new matches are"
            " kept: casebook alerts lists them"
        ]
    return []


def post_webhook(settings: Settings, payload: dict[str, Any]) -> list[str]:
    """POST the digest as JSON to ``alerts_webhook``; one line when it was not taken (no answer, not 2xx)."""
    request = urllib.request.Request(
        settings.alerts_webhook,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": settings.user_agent},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT) as answer:  # noqa: S310 - http(s) only
            answer.read()
    except urllib.error.HTTPError as exc:
        reason = f"it answered {exc.code}"
    except (OSError, ValueError) as exc:
        reason = " ".join(str(getattr(exc, "reason", exc)).split()) or type(exc).__name__
    else:
        return []
    return [
        f"alerts: the webhook {settings.alerts_webhook} did not take the new matches ({reason}); they are"
        " kept: casebook alerts lists them"
    ]
