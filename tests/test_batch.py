"""Batch search: one query or name a line (pasted, or uploaded as text or a CSV column), each line's
figures, malformed lines reported one by one with their correction, the combined CSV, the bound on lines,
and a saved batch run again to show what changed."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from test_watch import add_platypus, fresh_archive, token

from webui.app import create_app
from webui.batch import MAX_LINES

pytestmark = pytest.mark.slow


@pytest.fixture()
def archive(tmp_path: Path):  # noqa: ANN201
    return fresh_archive(tmp_path)


def test_each_line_gets_its_figures_and_a_bad_line_its_correction(archive) -> None:  # noqa: ANN001
    client = create_app(archive).test_client()
    lines = 'platypus\n\n"platypus\nechidna OR platypus\nwombat\n'
    found = client.get("/api/batch", query_string={"lines": lines}).get_json()
    rows = {r["line"]: r for r in found["lines"]}
    assert list(rows) == ["platypus", '"platypus', "echidna OR platypus", "wombat"]
    assert (
        rows["platypus"]["documents"] == 1
        and rows["platypus"]["first"] == rows["platypus"]["last"] == "2023-01-02"
    )
    both = rows["echidna OR platypus"]
    assert both["documents"] == 2 and (both["first"], both["last"]) == ("2023-01-02", "2023-02-03")
    assert sum(o["documents"] for o in both["top_outlets"]) == 2
    assert rows["wombat"]["documents"] == 0 and rows["wombat"]["error"] == ""
    assert rows['"platypus']["documents"] is None and "never closed" in rows['"platypus']["error"]
    assert rows['"platypus']["suggestion"] == '"platypus"'
    html = client.get("/batch", query_string={"lines": lines}).get_data(as_text=True)
    assert "4 lines, 1 could not be read" in html and "Could not be read:" in html
    assert 'href="/search?q=%22platypus%22"' in html  # the correction, as a link that runs it
    assert re.search(r'<a href="/search\?q=echidna\+OR\+platypus">2<', html)


def test_names_are_phrases_and_the_csv_holds_every_line(archive) -> None:  # noqa: ANN001
    client = create_app(archive).test_client()
    names = "Platypus sanctions\nsanctions platypus\n=cmd|' /C calc'!A0"
    found = client.get("/api/batch", query_string={"lines": names, "names": "1"}).get_json()["lines"]
    assert [r["query"] for r in found[:2]] == ['"Platypus sanctions"', '"sanctions platypus"']
    assert [r["documents"] for r in found[:2]] == [1, 0]
    body = client.get("/batch.csv", query_string={"lines": names, "names": "1"}).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [r["line"] for r in rows] == ["Platypus sanctions", "sanctions platypus", "'=cmd|' /C calc'!A0"]
    assert rows[0]["documents"] == "1" and rows[0]["search_url"].startswith("http://localhost/search?q=")


def test_an_uploaded_csv_column_is_the_list_and_more_lines_than_allowed_are_said(archive) -> None:  # noqa: ANN001
    client = create_app(archive).test_client()
    upload = b"id,Name\n1,platypus\n2,echidna\n"
    answer = client.post(
        "/batch",
        data={
            "upload": (io.BytesIO(upload), "list.csv"),
            "column": "name",
            "csrf_token": token(client, "/batch"),
        },
        content_type="multipart/form-data",
    )
    html = answer.get_data(as_text=True)
    assert (
        answer.status_code == 200
        and "2 lines" in html
        and ">platypus</th>" in html
        and ">echidna</th>" in html
    )
    wrong = client.post(
        "/batch",
        data={
            "upload": (io.BytesIO(upload), "list.csv"),
            "column": "person",
            "csrf_token": token(client, "/batch"),
        },
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 400 and "has no column called" in wrong.get_data(as_text=True)
    many = "\n".join(f"word{n}" for n in range(MAX_LINES + 7))
    found = client.get("/api/batch", query_string={"lines": many}).get_json()
    assert len(found["lines"]) == MAX_LINES and found["left_out"] == 7
    page = client.get("/batch", query_string={"lines": many}).get_data(as_text=True)
    assert f"Only the first {MAX_LINES} lines were searched: 7 more were left out" in page


def test_a_saved_batch_shows_what_changed_when_run_again(tmp_path: Path, database_url: str | None) -> None:
    archive = fresh_archive(tmp_path, database_url)
    client = create_app(archive).test_client()
    saved = client.post(
        "/batch/save",
        data={"name": "Animals", "lines": "platypus\nechidna", "csrf_token": token(client, "/batch")},
    )
    assert saved.status_code == 303
    batch_id = int(saved.location.rsplit("/", 1)[1])
    assert "0 lines have changed" in client.get(f"/batch/saved/{batch_id}").get_data(as_text=True)
    add_platypus(archive, tmp_path)
    rerun = client.get(f"/api/batch/saved/{batch_id}").get_json()["lines"]
    assert rerun[0]["changed"] == "+1 documents, last now 2024-05-01" and rerun[1]["changed"] == ""
    client.post(f"/batch/saved/{batch_id}/keep", data={"csrf_token": token(client, "/batch")})
    assert "0 lines have changed" in client.get(f"/batch/saved/{batch_id}").get_data(as_text=True)
    assert "Animals" in client.get("/saved").get_data(as_text=True)


def test_a_public_archive_runs_pasted_batches_and_nothing_else(archive) -> None:  # noqa: ANN001
    public = create_app(archive, public=True).test_client()
    assert public.get("/api/batch?lines=platypus").get_json()["lines"][0]["documents"] == 1
    html = public.get("/batch?lines=platypus").get_data(as_text=True)
    assert "Save this batch" not in html and "Or upload a list" not in html
    assert public.post("/batch/save", data={"name": "x", "lines": "a"}).status_code == 403
