"""Faults of the web UI met through the real server (``casebook serve``, waitress, in its own process):
an archive without quotes, user changes and logouts reaching a running server, a busy or damaged store, a
CR in a stored header or in ``next=``, and a pin refused without leaving an empty timeline behind."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ROOT, settings_for
from webserver import Server, casebook

from casebook.archive import WarcArchive
from casebook.settings import Settings
from casebook.store import Store
from indexer.pipeline.ingest import FileImport, ingest

pytestmark = pytest.mark.slow

FETCHED = datetime(2024, 6, 3, 10, tzinfo=UTC)
FILLER = (
    "The council said the new charging policy would be reviewed after disabled residents told a meeting"
    " that the increases had left them choosing between care at home and paying their rent."
)
CR_URL = "https://odd-server.example/2024/charging-policy"


def article(title: str) -> bytes:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f"<article><h1>{title}</h1><p>{title}. {FILLER}</p><p>{FILLER}</p><p>{FILLER}</p></article>"
        "</body></html>"
    ).encode()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Three articles, no quotes at all (enrichment off); one served with a CR inside its Content-Type."""
    folder = tmp_path_factory.mktemp("web-faults")
    settings = settings_for(folder / "data")
    imports = []
    for n, title in enumerate(["Charging policy reviewed", "Care costs rise", "Residents meet council"]):
        path = folder / f"page-{n}.html"
        path.write_bytes(article(title))
        imports.append(FileImport(path, f"https://council-news.example/{n}", FETCHED))
    outside = folder / "outside"
    WarcArchive(outside, prefix="odd").write_exchange(
        CR_URL,
        "GET",
        [],
        b"",
        200,
        [("Content-Type", "text/html;\rcharset=utf-8")],
        article("Odd header charging policy"),
        FETCHED,
    )
    report = ingest(settings, paths=[outside], imports=imports, progress=False, enrich=False)
    assert report.outcomes["new"] == 4, report.skipped
    with Store(settings.db_path) as store:
        assert store.db.execute("SELECT COUNT(*) FROM quotes").fetchone()[0] == 0
    return settings


@pytest.fixture
def fresh(archive: Settings, tmp_path: Path) -> Settings:
    """A copy of the archive for a test that changes it (users, timelines, a damaged store)."""
    data = tmp_path / "data"
    shutil.copytree(archive.data_dir, data, symlinks=True)
    return settings_for(data)


@pytest.fixture(scope="module")
def server(archive: Settings, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with Server(archive.data_dir, tmp_path_factory.mktemp("log") / "serve.log") as running:
        yield running


def doc_id(settings: Settings, url: str) -> str:
    with Store(settings.db_path) as store:
        return next(s.document.id for s in store.iter_documents() if s.document.url == url)


# -- an archive without quotes -------------------------------------------------------------------------


def test_the_quotes_pages_answer_on_an_archive_without_quotes(server: Server) -> None:
    client = server.client()
    for path in ("/quotes", "/quotes?q=charging&sort=newest", "/quotes?speaker=Anyone&page=3"):
        page = client.get(path)
        assert page.status == 200, (path, page.text[-500:])
    api = client.get("/api/quotes?q=care")
    assert api.status == 200 and json.loads(api.body) == {"total": 0, "results": []}
    csv = client.get("/quotes.csv")
    assert csv.status == 200 and csv.text.strip().splitlines() == [
        "\ufeffquote,speaker,speaker_as_written,speaker_id,headline,outlet,published,url,archived_url,"
        "paragraph_url,citation"
    ]
    assert client.get("/search?q=charging").status == 200


# -- hostile or odd values in headers ----------------------------------------------------------------------


def test_a_cr_inside_a_stored_content_type_is_served_as_text(server: Server, archive: Settings) -> None:
    copy = server.client().get(f"/doc/{doc_id(archive, CR_URL)}/archived/page")
    assert copy.status == 200
    assert "\r" not in copy.headers["content-type"] and b"Odd header charging policy" in copy.body
    assert "sandbox" in copy.headers["content-security-policy"]


def test_serve_runs_the_first_searches_before_it_listens(fresh: Settings, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with Server(fresh.data_dir, log) as running:
        assert running.client().get("/search?q=benefit").status == 200
    lines = log.read_text().splitlines()
    ready = [n for n, line in enumerate(lines) if line.startswith("casebook serve: reading the search index")]
    serving = [n for n, line in enumerate(lines) if line.startswith("Casebook is serving")]
    assert len(ready) == 1 and " ready (" in lines[ready[0]] and serving and ready[0] < serving[0], lines


def test_a_warm_up_stopped_by_the_search_time_bound_still_serves(
    archive: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from casebook.cli import _warm_up
    from indexer.search import bounds
    from webui.app import create_app

    monkeypatch.setattr(bounds, "SEARCH_SECONDS", -1.0)  # every search is past its time at once
    _warm_up(create_app(archive))  # returns: the server goes on to listen
    said = capsys.readouterr().out
    assert said.startswith("casebook serve: reading the search index before serving ... not all of it (")
    assert said.rstrip().endswith("the first searches will read the rest") and "Traceback" not in said


def test_a_cr_or_lf_in_next_never_reaches_a_header(fresh: Settings, tmp_path: Path) -> None:
    assert casebook(fresh.data_dir, "add-user", "alice", "--password", "correct horse").returncode == 0
    with Server(fresh.data_dir, tmp_path / "serve.log") as running:
        client = running.client()
        page = client.get("/login?next=/search%0d%0aSet-Cookie:%20evil=1")
        assert page.status == 200 and "evil" not in page.headers.get("set-cookie", "")
        form = {"username": "alice", "password": "correct horse", "next": "/search\r\nSet-Cookie: evil=1"}
        answer = client.post("/login", {"csrf_token": client.token(), **form})
        assert answer.status == 302 and answer.headers["location"] == "/search"
        assert "evil" not in client.cookies


# -- users and sessions ---------------------------------------------------------------------------------


def test_add_user_reaches_a_running_server_and_logout_or_a_new_password_ends_a_session(
    fresh: Settings, tmp_path: Path
) -> None:
    with Server(fresh.data_dir, tmp_path / "serve.log") as running:
        anonymous = running.client()
        token = anonymous.token()
        assert anonymous.post("/timelines", {"csrf_token": token, "name": "Open door"}).status == 303

        assert casebook(fresh.data_dir, "add-user", "alice", "--password", "correct horse").returncode == 0
        refused = anonymous.post("/timelines", {"csrf_token": token, "name": "After add-user"})
        assert refused.status == 302 and refused.headers["location"].startswith("/login")

        alice = running.client()
        assert alice.login("alice", "correct horse").status == 302
        token = alice.token()
        assert alice.post("/timelines", {"csrf_token": token, "name": "Alice one"}).status == 303
        saved = dict(alice.cookies)  # a copy of the cookie, as a thief or a shared computer keeps it
        assert alice.post("/logout", {"csrf_token": token}).status == 302
        replay = running.client()
        replay.cookies = dict(saved)
        replayed = replay.post("/timelines", {"csrf_token": token, "name": "After logout"})
        assert replayed.status == 302 and replayed.headers["location"].startswith("/login")

        assert alice.login("alice", "correct horse").status == 302
        token = alice.token()
        saved = dict(alice.cookies)
        assert casebook(fresh.data_dir, "add-user", "alice", "--password", "battery staple").returncode == 0
        replay.cookies = dict(saved)
        changed = replay.post("/timelines", {"csrf_token": token, "name": "After new password"})
        assert changed.status == 302 and changed.headers["location"].startswith("/login")
        assert running.client().login("alice", "correct horse").status == 401
        assert running.client().login("alice", "battery staple").status == 302
        names = {t["name"] for t in json.loads(running.client().get("/api/timelines").body)}
    assert names == {"Open door", "Alice one"}


# -- timelines ------------------------------------------------------------------------------------------


def test_a_refused_pin_to_a_new_timeline_leaves_no_timeline(fresh: Settings, tmp_path: Path) -> None:
    with Server(fresh.data_dir, tmp_path / "serve.log") as running:
        client = running.client()
        token = client.token()
        for form in (
            {"doc_id": "0123456789abcdef", "new_name": "Ghost of a pin"},
            {"doc_id": doc_id(fresh, CR_URL), "new_name": "Ghost of a note", "note": "x" * 6000},
        ):
            refused = client.post("/timelines/pin", {"csrf_token": token, **form})
            assert refused.status == 400, refused.text[-300:]
        pinned = client.post(
            "/timelines/pin", {"csrf_token": token, "doc_id": doc_id(fresh, CR_URL), "new_name": "Kept"}
        )
        assert pinned.status == 303
        names = [t["name"] for t in json.loads(client.get("/api/timelines").body)]
    assert names == ["Kept"]


HOLD = """
import sys, time
from pathlib import Path
from casebook.store import Store
with Store(Path(sys.argv[1])) as store, store.write_transaction():
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_timeline_post_while_another_command_writes_is_a_503_not_a_500(
    fresh: Settings, tmp_path: Path
) -> None:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)}
    with Server(fresh.data_dir, tmp_path / "serve.log") as running:
        client = running.client()
        token = client.token()
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(fresh.db_path), "40"], stdout=subprocess.PIPE, text=True, env=env
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
            busy = client.post("/timelines", {"csrf_token": token, "name": "While busy"})
        finally:
            holder.kill()
            holder.wait()
        assert busy.status == 503 and "The archive is busy" in busy.text and "Traceback" not in busy.text
        assert client.post("/timelines", {"csrf_token": token, "name": "After"}).status == 303


# -- a damaged store -------------------------------------------------------------------------------------


def test_a_damaged_store_is_one_line_for_serve_and_a_503_page_for_a_running_server(
    fresh: Settings, tmp_path: Path
) -> None:
    with Server(fresh.data_dir, tmp_path / "serve.log") as running:
        for leftover in fresh.data_dir.glob("casebook.db*"):
            leftover.unlink()
        fresh.db_path.write_bytes(b"this is not a SQLite database, it was overwritten" * 100)
        for path in ("/search?q=charging", "/sources", "/api/sources", "/timelines"):
            page = running.client().get(path)
            assert page.status == 503, (path, page.status)
            assert "cannot be read" in page.text and "Traceback" not in page.text
    started = casebook(fresh.data_dir, "serve", "--port", "9")
    assert started.returncode == 1 and "Traceback" not in started.stderr
    assert started.stderr.strip().splitlines() == [
        f"casebook: the store {fresh.db_path} cannot be read (file is not a database): restore it from a"
        " backup, or move it aside and run casebook ingest to rebuild the documents from the WARC files"
    ]
    for command in (["entities"], ["ingest", str(tmp_path)], ["check"]):
        answer = casebook(fresh.data_dir, *command)
        assert answer.returncode == 1 and "Traceback" not in answer.stderr, command
        assert len(answer.stderr.strip().splitlines()) == 1 and "cannot be read" in answer.stderr, command


# -- a database server that cannot be reached --------------------------------------------------------------


def test_a_database_server_out_of_reach_is_one_line_for_commands_and_a_503_page(tmp_path: Path) -> None:
    import socket

    from webui.app import create_app

    with socket.socket() as probe:  # a port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://casebook:s3cret@127.0.0.1:{port}/casebook"
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "CASEBOOK_DATABASE_URL": url}
    for command in (["entities"], ["check"], ["ingest", str(tmp_path)]):
        answer = subprocess.run(
            [str(Path(sys.executable).parent / "casebook"), "--data-dir", str(tmp_path / "data"), *command],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        lines = answer.stderr.strip().splitlines()
        assert answer.returncode == 1 and len(lines) == 1, (command, answer.stderr[-2000:])
        assert "cannot reach the store's database at postgresql://casebook:***@127.0.0.1" in lines[0], command
        assert "s3cret" not in answer.stderr
    settings = settings_for(tmp_path / "data", url)
    page = create_app(settings).test_client().get("/sources")
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and "cannot reach the store" in text and "s3cret" not in text
