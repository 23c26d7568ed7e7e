"""Named timelines: the store functions, the pages and exports, and who may write (login, CSRF, --public)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from casebook import timelines as tl
from casebook.settings import Settings
from casebook.store import open_store
from webui.app import create_app
from webui.auth import add_user, parse_users
from webui.timelines import to_timelinejs

pytestmark = pytest.mark.slow


@pytest.fixture()
def archive(demo_copy: Settings) -> Settings:
    """A private copy of the demo archive, its store on each backend in turn: these tests write timelines
    into it, through the store functions and through the web pages."""
    settings = replace(demo_copy, secret_key="test-secret")
    with open_store(settings) as store, store.transaction():
        store.db.execute("DELETE FROM timeline_items")  # the browser tests pin into the shared demo archive
        store.db.execute("DELETE FROM timelines")
    return settings


def dated_ids(settings: Settings) -> list[tuple[str, str]]:
    """(id, published) of the demo's dated documents, oldest first."""
    with open_store(settings) as store:
        rows = store.db.execute(
            "SELECT id, published FROM documents WHERE published IS NOT NULL ORDER BY published"
        ).fetchall()
    return [(r["id"], r["published"]) for r in rows]


def token(client, path: str = "/timelines") -> str:  # noqa: ANN001
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert match, f"no CSRF field on {path}"
    return match.group(1)


# -- the store functions ---------------------------------------------------------------------------


def test_pin_reorder_note_unpin_and_sort_by_date(archive: Settings) -> None:
    (a, _), (b, _), (c, _) = dated_ids(archive)[:3]
    with open_store(archive) as store:
        tid = tl.create(store, "  PIP   story ")
        assert tl.get(store, tid).name == "PIP story"  # whitespace normalised
        for doc in (c, a, b):
            assert tl.pin(store, tid, doc)
        assert not tl.pin(store, tid, a, note="first")  # pinning again only updates the note
        assert [i.doc_id for i in tl.get(store, tid).items] == [c, a, b]
        tl.move(store, tid, b, 1)
        assert [i.doc_id for i in tl.get(store, tid).items] == [b, c, a]
        tl.move(store, tid, b, 99)  # clamped to the end
        assert [(i.doc_id, i.position) for i in tl.get(store, tid).items] == [(c, 1), (a, 2), (b, 3)]
        tl.sort_by_date(store, tid)
        assert [i.doc_id for i in tl.get(store, tid).items] == [a, b, c]
        tl.set_note(store, tid, c, "the turning point")
        tl.unpin(store, tid, b)
        items = tl.get(store, tid).items
        assert [(i.doc_id, i.position, i.note) for i in items] == [
            (a, 1, "first"),
            (c, 2, "the turning point"),
        ]


def test_timeline_errors_are_clear(archive: Settings) -> None:
    (a, _), *_ = dated_ids(archive)
    with open_store(archive) as store:
        tid = tl.create(store, "One")
        with pytest.raises(tl.TimelineError, match="already a timeline called 'One'"):
            tl.create(store, "One")
        with pytest.raises(tl.TimelineError, match="needs a name"):
            tl.create(store, "   ")
        with pytest.raises(tl.TimelineError, match="no article"):
            tl.pin(store, tid, "0000000000000000")
        with pytest.raises(tl.UnknownTimeline):
            tl.pin(store, 9999, a)
        with pytest.raises(tl.TimelineError, match="not on this timeline"):
            tl.unpin(store, tid, a)
        with pytest.raises(tl.TimelineError, match="at most"):
            tl.pin(store, tid, a, note="x" * (tl.MAX_NOTE + 1))
        assert tl.get(store, tid).items == ()  # nothing half-done


def test_timelinejs_leaves_out_undated_articles_rather_than_invent_a_date(archive: Settings) -> None:
    with open_store(archive) as store:
        undated = store.db.execute("SELECT id FROM documents WHERE published IS NULL").fetchone()["id"]
        (dated, published), *_ = dated_ids(archive)
        tid = tl.create(store, "Mixed <b>dates</b>")
        tl.pin(store, tid, dated, note="<script>alert(1)</script>")
        tl.pin(store, tid, undated)
        data = to_timelinejs(tl.get(store, tid), {}, lambda d: f"https://archive.test/doc/{d}/archived")
    assert [e["unique_id"] for e in data["events"]] == [dated]
    year, month, day = published.split("-")
    assert data["events"][0]["start_date"] == {
        "year": year,
        "month": month.lstrip("0"),
        "day": day.lstrip("0"),
    }
    assert "1 undated article left out" in data["title"]["text"]["text"]
    assert data["title"]["text"]["headline"] == "Mixed &lt;b&gt;dates&lt;/b&gt;"  # TimelineJS renders HTML
    assert "<script>" not in data["events"][0]["text"]["text"]


# -- the pages -------------------------------------------------------------------------------------


def test_build_and_export_a_timeline_through_the_pages(archive: Settings) -> None:
    client = create_app(archive).test_client()
    (a, pa), (b, pb), *_ = dated_ids(archive)
    csrf = token(client)
    created = client.post("/timelines", data={"name": "Sanctions story", "csrf_token": csrf})
    assert created.status_code == 303
    tid = int(created.location.rsplit("/", 1)[1])
    doc_page = client.get(f"/doc/{b}").get_data(as_text=True)
    assert "Pin this article" in doc_page and "Sanctions story" in doc_page
    for doc in (b, a):
        pinned = client.post(
            "/timelines/pin",
            data={"doc_id": doc, "timeline_id": tid, "note": "=HYPERLINK(1)", "csrf_token": csrf},
        )
        assert pinned.status_code == 303
    moved = client.post(f"/timelines/{tid}/items", data={"action": f"up:{a}", "csrf_token": csrf})
    assert moved.status_code == 303
    client.post(f"/timelines/{tid}/items", data={"action": "note", f"note-{b}": "later", "csrf_token": csrf})

    as_json = client.get(f"/api/timelines/{tid}").get_json()
    assert [(i["id"], i["note"]) for i in as_json["items"]] == [(a, "=HYPERLINK(1)"), (b, "later")]
    assert as_json["items"][0]["archived_url"].endswith(f"/doc/{a}/archived")
    assert client.get(f"/timelines/{tid}.json").get_json() == as_json

    exported = client.get(f"/timelines/{tid}.csv")
    assert "attachment" in exported.headers["Content-Disposition"]
    assert exported.get_data(as_text=True).startswith("\ufeffposition,")  # UTF-8 mark for spreadsheets
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).removeprefix("\ufeff"))))
    assert [(r["position"], r["id"], r["published"]) for r in rows] == [("1", a, pa), ("2", b, pb)]
    assert rows[0]["note"] == "'=HYPERLINK(1)"  # a formula is neutralised for spreadsheets

    js = client.get(f"/timelines/{tid}/timelinejs.json").get_json()
    assert [e["unique_id"] for e in js["events"]] == [a, b]

    listing = client.get("/api/timelines").get_json()
    assert [t["name"] for t in listing] == ["Sanctions story"]
    page = client.get(f"/timelines/{tid}").get_data(as_text=True)
    assert page.index(f'id="item-{a}"') < page.index(f'id="item-{b}"')


def test_delete_needs_the_confirmation_box(archive: Settings) -> None:
    client = create_app(archive).test_client()
    csrf = token(client)
    tid = int(
        client.post("/timelines", data={"name": "Doomed", "csrf_token": csrf}).location.rsplit("/", 1)[1]
    )
    refused = client.post(f"/timelines/{tid}/delete", data={"csrf_token": csrf})
    assert refused.status_code == 400 and client.get(f"/timelines/{tid}").status_code == 200
    assert (
        client.post(f"/timelines/{tid}/delete", data={"csrf_token": csrf, "confirm": "yes"}).status_code
        == 303
    )
    assert client.get(f"/timelines/{tid}").status_code == 404
    assert client.get(f"/api/timelines/{tid}").get_json() == {"error": f"no timeline {tid}"}


def test_a_post_without_the_sessions_csrf_token_changes_nothing(archive: Settings) -> None:
    client = create_app(archive).test_client()
    token(client)  # the session has a token; these requests do not carry it
    assert client.post("/timelines", data={"name": "Forged"}).status_code == 400
    assert client.post("/timelines", data={"name": "Forged", "csrf_token": "guess"}).status_code == 400
    other = create_app(archive).test_client()
    stolen = token(other)  # a token from someone else's session is no good either
    assert client.post("/timelines", data={"name": "Forged", "csrf_token": stolen}).status_code == 400
    assert client.get("/api/timelines").get_json() == []


def test_public_mode_is_read_only(archive: Settings) -> None:
    with open_store(archive) as store:
        tid = tl.create(store, "Published")
        tl.pin(store, tid, dated_ids(archive)[0][0], note="context for readers")
    client = create_app(archive, public=True).test_client()
    page = client.get(f"/timelines/{tid}").get_data(as_text=True)
    assert "context for readers" in page and "<form" not in page.split("<main", 1)[1].split("Export:")[1]
    assert "Pin this article" not in client.get(f"/doc/{dated_ids(archive)[0][0]}").get_data(as_text=True)
    assert client.post("/timelines", data={"name": "x"}).status_code == 403
    assert client.post(f"/timelines/{tid}/delete", data={"confirm": "yes"}).status_code == 403
    assert client.get("/login").status_code == 403
    assert client.get(f"/timelines/{tid}.csv").status_code == 200  # exports stay open


def test_writes_need_a_login_once_users_exist(archive: Settings) -> None:
    users = f"alice:{generate_password_hash('correct horse battery')}"
    client = create_app(replace(archive, users=users)).test_client()
    assert "Log in" in client.get("/timelines").get_data(as_text=True)
    csrf = token(client, "/login")
    refused = client.post("/timelines", data={"name": "Mine", "csrf_token": csrf})
    assert refused.status_code == 302 and "/login" in refused.location
    wrong = client.post("/login", data={"username": "alice", "password": "nope", "csrf_token": csrf})
    assert wrong.status_code == 401 and "Wrong user name or password" in wrong.get_data(as_text=True)
    unknown = client.post("/login", data={"username": "mallory", "password": "x", "csrf_token": csrf})
    assert unknown.status_code == 401
    evil = client.post(
        "/login",
        data={
            "username": "alice",
            "password": "correct horse battery",
            "next": "https://evil.example/",
            "csrf_token": csrf,
        },
    )
    assert evil.status_code == 302 and evil.location == "/search"  # no open redirect after login
    csrf = token(client)  # a new session: login clears the old one
    assert client.post("/timelines", data={"name": "Mine", "csrf_token": csrf}).status_code == 303
    assert "Logged in as alice" in client.get("/timelines").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf})
    again = client.post("/timelines", data={"name": "Again", "csrf_token": token(client, "/login")})
    assert again.status_code == 302


def test_users_file_holds_only_hashes(tmp_path: Path) -> None:
    path = tmp_path / "users"
    add_user(path, "alice", "correct horse battery")
    add_user(path, "bob", "another long one")
    add_user(path, "alice", "changed password")
    text = path.read_text()
    assert "correct horse" not in text and "changed password" not in text
    assert list(parse_users(text, "users")) == ["alice", "bob"]
    assert path.stat().st_mode & 0o077 == 0  # owner-only
    with pytest.raises(Exception, match="at least 8"):
        add_user(path, "carol", "short")
    with pytest.raises(Exception, match="expected name:hash"):
        parse_users("justaname", "CASEBOOK_USERS")


def test_two_notes_edited_then_one_button_pressed_keeps_both_edits(archive: Settings) -> None:
    """The page is one form: whichever button is pressed, every note changed on it is saved."""
    client = create_app(archive).test_client()
    (a, _), (b, _), (c, _), *_ = dated_ids(archive)
    with open_store(archive) as store:
        tid = tl.create(store, "Two edits")
        for doc in (a, b, c):
            tl.pin(store, tid, doc, note=f"old {doc}")
    page = client.get(f"/timelines/{tid}").get_data(as_text=True)
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    form |= {f"note-{d}": f"old {d}" for d in (a, b, c)}  # as the page shows them
    form |= {f"note-{a}": "first edit", f"note-{b}": "second edit", "action": f"down:{c}"}
    assert client.post(f"/timelines/{tid}/items", data=form).status_code == 303
    with open_store(archive) as store:
        items = {i.doc_id: i.note for i in tl.get(store, tid).items}
    assert items == {a: "first edit", b: "second edit", c: f"old {c}"}
    sort = client.post(f"/timelines/{tid}/items", data=form | {"action": "sort", f"note-{c}": "third"})
    assert sort.status_code == 303
    with open_store(archive) as store:
        assert [i.note for i in tl.get(store, tid).items if i.doc_id == c] == ["third"]
    assert client.post(f"/timelines/{tid}/items", data=form | {"action": "up:nosuchdoc"}).status_code == 400


def test_the_timeline_link_under_search_results_keeps_the_filters(archive: Settings) -> None:
    client = create_app(archive).test_client()
    search = "/search?q=*&-source=black-triangle&since=2010&originals=1&sort=newest"
    page = client.get(search).get_data(as_text=True)
    link = re.search(r'<a href="(/timeline\?[^"]+)">Timeline</a>', page)
    assert link
    href = link.group(1).replace("&amp;", "&")
    for kept in ("q=*", "-source=black-triangle", "since=2010", "originals=1"):
        assert kept in href, kept
    filtered = client.get("/api/search?q=*&-source=black-triangle&since=2010&originals=1").get_json()
    series = client.get(href.replace("/timeline", "/api/timeline")).get_json()["series"]["*"]
    assert sum(series) == filtered["total"] < client.get("/api/search?q=*&since=2010").get_json()["total"]
    html = client.get(href).get_data(as_text=True)
    assert "not source: Black Triangle Campaign" in html  # said on the page, removable
    assert '<input type="hidden" name="-source" value="black-triangle">' in html  # kept by the form
    assert 'id="since" name="since" type="text" size="10" value="2010"' in html
    periods = re.findall(r'<th scope="row"><a href="([^"]+)">', html)
    assert periods and all("-source=black-triangle" in p.replace("&amp;", "&") for p in periods)
