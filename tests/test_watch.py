"""Saved searches and alerts: a search saved from the search page records, after each ingest (or crawl, or
re-enrichment), the documents it matches for the first time; the UI and ``casebook alerts`` say how many
are new since their owner last looked; an e-mail digest (a real SMTP server on 127.0.0.1, aiosmtpd) and a
webhook (a real HTTP server on 127.0.0.1) are sent, and their failures cost one line, never the matches."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import settings_for
from test_feed import page

from casebook.cli import cli
from casebook.settings import Settings
from casebook.store import Store
from indexer.pipeline.ingest import FileImport, ingest
from webui.app import create_app

pytestmark = pytest.mark.slow
FETCHED = datetime(2024, 6, 1, 12, tzinfo=UTC)


def write_page(folder: Path, name: str, title: str, day: str, body: str) -> FileImport:
    path = folder / f"{name}.html"
    path.write_text(page(title, day, body), encoding="utf-8")
    return FileImport(path, f"https://watch.example/{name}", FETCHED)


def fresh_archive(tmp_path: Path, database_url: str | None = None) -> Settings:
    settings = settings_for(tmp_path / "data", database_url)
    imports = [
        write_page(tmp_path, "a", "Platypus sanctions first", "2023-01-02", "Platypus first text."),
        write_page(tmp_path, "b", "Echidna report", "2023-02-03", "Echidna text only."),
    ]
    assert ingest(settings, imports=imports, progress=False, enrich=False).outcomes["new"] == 2
    return settings


def token(client, path: str = "/search?q=platypus") -> str:  # noqa: ANN001
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert match, "no form with a CSRF token"
    return match.group(1)


def save(client, name: str, query: str) -> int:  # noqa: ANN001
    answer = client.post("/saved", data={"name": name, "query": query, "csrf_token": token(client)})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return int(answer.location.rsplit("/", 1)[1])


def add_platypus(settings: Settings, folder: Path, name: str = "c") -> list[str]:
    report = ingest(
        settings,
        imports=[write_page(folder, name, f"Platypus news {name}", "2024-05-01", "Platypus again.")],
        progress=False,
        enrich=False,
    )
    return report.alerts


def test_a_saved_search_counts_only_what_is_new_since_it_was_last_looked_at(
    tmp_path: Path, database_url: str | None
) -> None:
    settings = fresh_archive(tmp_path, database_url)
    client = create_app(settings).test_client()
    search_page = client.get("/search?q=platypus&sort=newest").get_data(as_text=True)
    assert 'name="query" value="q=platypus&amp;sort=newest"' in search_page  # the form saves this search
    search_id = save(client, "Platypus watch", "q=platypus&sort=newest")
    listing = client.get("/saved").get_data(as_text=True)
    assert "Platypus watch" in listing and "nothing new since you last looked" in listing
    assert client.get(f"/api/saved/{search_id}").get_json()["matches"] == 1  # what matched when saved

    alerts = add_platypus(settings, tmp_path)
    assert alerts == ["alerts: 1 new matches for 'Platypus watch' (casebook alerts lists them)"]
    assert "1 new since you last looked" in client.get("/saved").get_data(as_text=True)
    opened = client.get(f"/saved/{search_id}").get_data(as_text=True)
    new_part = opened.split('id="new-heading"')[1].split("Seen before")[0]
    assert "Platypus news c" in new_part and "Platypus sanctions first" not in new_part
    assert "Platypus sanctions first" in opened.split("Seen before")[1]

    env = {"CASEBOOK_DATABASE_URL": database_url or ""}
    cli_out = CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), "alerts"], env=env).output
    assert "Platypus watch: 1 new since last looked, 2 matches in all" in cli_out
    assert "Platypus news c" in cli_out and "https://watch.example/c" in cli_out

    client.post(f"/saved/{search_id}/seen", data={"csrf_token": token(client)})
    assert client.get("/api/saved").get_json()[0]["new"] == 0
    again = ingest(settings, imports=[write_page(tmp_path, "d", "Echidna two", "2024-05-02", "Echidna.")],
                   progress=False, enrich=False)  # fmt: skip
    assert again.alerts == []  # no saved search matches it: nothing to say
    assert client.get("/api/saved").get_json()[0]["new"] == 0


def test_forms_need_their_token_names_are_each_users_and_bad_queries_are_not_saved(
    tmp_path: Path, database_url: str | None
) -> None:
    settings = fresh_archive(tmp_path, database_url)
    client = create_app(settings).test_client()
    assert client.post("/saved", data={"name": "x", "query": "q=platypus"}).status_code == 400
    save(client, "Mine", "q=platypus")
    taken = client.post("/saved", data={"name": "Mine", "query": "q=echidna", "csrf_token": token(client)})
    assert taken.status_code == 400 and "already have a saved search called" in taken.get_data(as_text=True)
    bad = client.post("/saved", data={"name": "Bad", "query": 'q="platypus', "csrf_token": token(client)})
    assert bad.status_code == 400 and "could not be saved" in bad.get_data(as_text=True)
    assert [s["name"] for s in client.get("/api/saved").get_json()] == ["Mine"]
    hostile = save(client, "<script>alert('name')</script>", "q=platypus")
    html = client.get(f"/saved/{hostile}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_a_public_archive_neither_shows_nor_takes_saved_searches(tmp_path: Path) -> None:
    settings = fresh_archive(tmp_path)
    save(create_app(settings).test_client(), "Private", "q=platypus")
    public = create_app(settings, public=True).test_client()
    assert public.get("/saved").status_code == 403
    assert public.get("/api/saved/1").status_code == 403
    assert public.post("/saved", data={"name": "x", "query": "q=a"}).status_code == 403
    assert "Save this search" not in public.get("/search?q=platypus").get_data(as_text=True)
    assert "Saved searches" not in public.get("/search?q=platypus").get_data(as_text=True)


def test_logins_keep_each_users_saved_searches_apart(tmp_path: Path) -> None:
    from werkzeug.security import generate_password_hash

    settings = fresh_archive(tmp_path)
    users = f"ann:{generate_password_hash('ann-password')} bob:{generate_password_hash('bob-password')}"
    app = create_app(replace(settings, users=users))
    ann, bob = app.test_client(), app.test_client()
    assert ann.get("/saved").status_code == 302  # asked to log in
    for client, name in ((ann, "ann"), (bob, "bob")):
        login = client.post(
            "/login",
            data={"username": name, "password": f"{name}-password", "csrf_token": token(client, "/login")},
        )
        assert login.status_code in (302, 303), login.get_data(as_text=True)
    ann_id = save(ann, "Ann's", "q=platypus")
    assert [s["name"] for s in ann.get("/api/saved").get_json()] == ["Ann's"]
    assert bob.get("/api/saved").get_json() == []
    assert bob.get(f"/saved/{ann_id}").status_code == 404


# -- e-mail and webhook ------------------------------------------------------------------------------


@pytest.fixture()
def smtp_server():  # noqa: ANN201
    """A real SMTP server on 127.0.0.1 keeping what it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message) -> None:  # noqa: ANN001
            received.append(message)

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


class Hook(BaseHTTPRequestHandler):
    received: list = []
    status = 204

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture()
def webhook():  # noqa: ANN201
    """A real HTTP server on 127.0.0.1 keeping the JSON POSTed to it."""
    handler = type("Keep", (Hook,), {"received": [], "status": 204})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    server.shutdown()
    server.server_close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_new_matches_go_out_by_email_and_webhook(tmp_path: Path, smtp_server, webhook) -> None:  # noqa: ANN001
    port, received = smtp_server
    hook_url, hook = webhook
    settings = fresh_archive(tmp_path)
    save(create_app(settings).test_client(), "Platypus <watch>", "q=platypus")
    settings = replace(
        settings,
        alerts_to="desk@example.org",
        smtp_host="127.0.0.1",
        smtp_port=port,
        alerts_webhook=hook_url,
        public_url="https://archive.example.org",
    )
    alerts = add_platypus(settings, tmp_path)
    assert alerts == ["alerts: 1 new matches for 'Platypus <watch>' (casebook alerts lists them)"]
    (message,) = received
    assert message["To"] == "desk@example.org" and "1 new matches" in message["Subject"]
    text = message.get_payload()
    assert "Platypus <watch>: 1 new since you last looked" in text and "Platypus news c" in text
    assert "https://archive.example.org/doc/" in text
    ((content_type, payload),) = hook.received
    assert content_type.startswith("application/json")
    (search,) = payload["searches"]
    assert search["name"] == "Platypus <watch>" and search["new"] == 1
    assert search["documents"][0]["title"] == "Platypus news c"
    assert search["documents"][0]["archived_url"].startswith("https://archive.example.org/doc/")


def test_a_failing_smtp_server_or_webhook_is_one_line_and_loses_no_match(tmp_path: Path, webhook) -> None:  # noqa: ANN001
    hook_url, hook = webhook
    hook.status = 500
    settings = fresh_archive(tmp_path)
    search_id = save(create_app(settings).test_client(), "Platypus", "q=platypus")
    settings = replace(
        settings,
        alerts_to="desk@example.org",
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        alerts_webhook=hook_url,
    )
    alerts = add_platypus(settings, tmp_path)
    assert len(alerts) == 3, alerts
    assert alerts[1].startswith("alerts: the e-mail digest could not be sent through 127.0.0.1:")
    assert alerts[2].startswith(
        f"alerts: the webhook {hook_url} did not take the new matches (it answered 500)"
    )
    assert all("\n" not in line and "Traceback" not in line for line in alerts)
    with Store(settings.db_path) as store:
        assert store.saved_search(search_id).new == 1  # recorded all the same


def test_reenrichment_records_new_matches_too(tmp_path: Path, enricher) -> None:  # noqa: ANN001
    """Entities found by re-enrichment make an old article match a saved entity search: it is new."""
    from indexer.pipeline.reenrich import reenrich

    settings = settings_for(tmp_path / "data")
    text = "The Department for Work and Pensions said Universal Credit claimants would be paid."
    imports = [write_page(tmp_path, "uc", "Payments report", "2023-01-02", text)]
    assert ingest(settings, imports=imports, progress=False, enrich=False).outcomes["new"] == 1
    search_id = save(create_app(settings).test_client(), "UC", "q=scheme%3A%22universal+credit%22")
    with Store(settings.db_path) as store:
        assert store.saved_search(search_id).matches == 0
    report = reenrich(settings, progress=False, enricher=enricher)
    assert report.changed and report.alerts == ["alerts: 1 new matches for 'UC' (casebook alerts lists them)"]
