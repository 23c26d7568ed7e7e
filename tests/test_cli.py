"""The casebook command: JSON shapes, one-line errors, and the installed entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from casebook.cli import cli

DEMO = ROOT / "corpus" / "demo"
EXPECTED = {
    p["file"]: p for p in tomllib.loads((ROOT / "tests/data/demo_expected.toml").read_text())["pages"]
}


def run(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it."""
    exe = Path(sys.executable).parent / "casebook"
    extra = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run(
        [str(exe), *extra, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )


@pytest.mark.slow
def test_analyze_prints_one_json_object_per_file() -> None:
    files = sorted(DEMO.glob("*.html"))
    result = run("analyze", *map(str, files))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(files)
    for out in lines:
        gold = EXPECTED[Path(out["file"]).name]
        assert set(out) >= {
            "file",
            "url",
            "title",
            "author",
            "published",
            "text",
            "comments",
            "entities",
            "quotes",
        }
        assert out["title"] == gold["title"]
        assert out["published"] == (gold["published"] or None)
        assert out["author"] == gold["author"]
        assert len(out["comments"]) == gold["comments"]
        for absent in gold["body_absent"]:
            assert absent not in out["text"], (out["file"], absent)
        for entity in out["entities"]:
            assert out["text"][entity["start"] : entity["end"]] == entity["text"]
            assert set(entity) == {"text", "kind", "id", "name", "start", "end"}
        for quote in out["quotes"]:
            assert set(quote) == {"text", "speaker", "speaker_id", "cue", "start", "end"}


def test_analyze_decodes_a_windows_1252_page() -> None:
    (cp1252,) = [p for p in DEMO.glob("*.html") if b"windows-1252" in p.read_bytes()[:2000]]
    result = CliRunner().invoke(cli, ["analyze", "--no-enrich", str(cp1252)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert "’" in out["text"] and "\ufffd" not in out["text"] and "â€" not in out["text"]


def test_analyze_reports_a_listing_page_as_not_one_article() -> None:
    result = CliRunner().invoke(
        cli, ["analyze", "--no-enrich", str(ROOT / "tests/fixtures/pages/aggregator.html")]
    )
    assert result.exit_code == 1
    out = json.loads(result.output)
    assert "error" in out and "text" not in out


@pytest.mark.slow
def test_ingest_then_search_json_from_the_terminal(tmp_path: Path) -> None:
    result = run("ingest", "--no-progress", str(DEMO), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("ingest: ") and "new" in result.stdout
    found = run("search", "--json", "sanctions", data_dir=tmp_path)
    data = json.loads(found.stdout)
    assert set(data) == {"total", "results", "facets"} and data["total"] >= 1
    assert set(data["results"][0]) == {"id", "title", "url", "source", "published", "snippet"}
    everything = json.loads(run("search", "--json", "--limit", "100", "*", data_dir=tmp_path).stdout)
    assert everything["total"] == len(list(DEMO.glob("*.html")))
    text = run("search", "sanctions", data_dir=tmp_path)
    assert text.returncode == 0 and "<mark>" not in text.stdout and "documents match" in text.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "/no/such/place"], "no such file or folder: /no/such/place"),
        (["ingest", "README.md"], "not an HTML or WARC file"),
    ],
)
def test_user_errors_are_one_line_without_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), *args])
    assert result.exit_code == 1
    assert result.output.strip() == f"casebook: {message}" or message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_bad_settings_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "settings.toml"
    bad.write_text("port = [")
    result = CliRunner().invoke(cli, ["search", "x"], env={"CASEBOOK_SETTINGS": str(bad)})
    assert result.exit_code == 1 and "is not valid TOML" in result.output and "Traceback" not in result.output


def test_analyze_reports_versions_and_duplicates(tmp_path: Path) -> None:
    original = (DEMO / "black-triangle-boycott-call-dpos-work-scheme.html").read_text(encoding="utf-8")
    old, new = tmp_path / "v1.html", tmp_path / "v2.html"
    old.write_text(original, encoding="utf-8")
    new.write_text(
        original.replace("Disabled activists have called", "Disabled campaigners have called"), "utf-8"
    )
    os.utime(old, (1_500_000_000, 1_500_000_000))
    os.utime(new, (1_600_000_000, 1_600_000_000))
    copy = tmp_path / "repost.html"
    copy.write_text(
        original.replace("blacktrianglecampaign.org/2017/05/04/", "example.org/repost/").replace(
            "4th May 2017", "9th May 2017"
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["analyze", "--no-enrich", str(old), str(new), str(copy)])
    assert result.exit_code == 0, result.output
    out = {Path(o["file"]).name: o for o in map(json.loads, result.output.splitlines())}
    history = out["v2.html"]["versions"]
    assert [v["version"] for v in history] == [1, 2] and history[0]["file"].endswith("v1.html")
    assert "Disabled campaigners" in history[1]["diff"] and "Disabled activists" in history[1]["diff"]
    assert len(out["repost.html"]["versions"]) == 1  # a different URL: its own single version
    assert out["repost.html"]["duplicate_of"]["url"].startswith("https://blacktrianglecampaign.org/")
    assert out["repost.html"]["duplicate_of"]["similarity"] > 0.9
    assert out["v1.html"]["duplicate_of"] is None


@pytest.mark.slow
def test_entities_and_search_options_on_the_demo_archive(demo_archive) -> None:  # noqa: ANN001
    runner = CliRunner()
    listed = runner.invoke(
        cli, ["--data-dir", str(demo_archive.data_dir), "entities", "--kind", "scheme", "--json"]
    )
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert rows and all(r["kind"] == "scheme" for r in rows)
    assert rows == sorted(rows, key=lambda r: -r["mentions"])
    assert "scheme:esa" in {r["id"] for r in rows}
    found = runner.invoke(
        cli,
        [
            "--data-dir",
            str(demo_archive.data_dir),
            "search",
            "--json",
            "--since",
            "2017",
            "--sort",
            "oldest",
            "*",
        ],
    )
    data = json.loads(found.output)
    dates = [r["published"] for r in data["results"]]
    assert dates and all(d >= "2017" for d in dates) and dates == sorted(dates)


def test_crawl_of_an_unknown_source_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "crawl", "no-such-source"])
    assert result.exit_code == 1 and "no-such-source" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["garbage table of contents", "segment file deleted"])
def test_a_damaged_index_is_rebuilt_from_the_store_with_a_message(
    demo_archive, tmp_path: Path, damage: str
) -> None:  # noqa: ANN001
    import shutil

    data = tmp_path / "data"
    shutil.copytree(demo_archive.data_dir, data, symlinks=True)
    before = json.loads(run("search", "--json", "*", data_dir=data).stdout)["total"]
    live = (data / "index").resolve()
    if damage == "garbage table of contents":
        next(live.glob("_MAIN_*.toc")).write_bytes(b"\x00garbage" * 10)
    else:
        next(live.glob("MAIN_*.seg")).unlink()
    result = run("search", "--json", "*", data_dir=data)
    assert result.returncode == 0, result.stderr
    assert "is damaged" in result.stderr and "search index rebuilt" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["total"] == before
    assert (data / "index").resolve() != live  # a new index folder, swapped in
    again = run("search", "--json", "*", data_dir=data)
    assert again.stderr == "" and json.loads(again.stdout)["total"] == before


# -- what a first real use found (issue 14): one clear line, in the command line's own words -----------


def test_a_taken_port_is_one_line_that_says_how_to_choose_another(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        served = run("serve", "--port", str(port), data_dir=tmp_path / "data")
        demo = run("demo", "--port", str(port), data_dir=tmp_path / "demo")
    assert served.returncode == 1 and "Traceback" not in served.stderr
    assert served.stderr.strip().splitlines() == [
        f"casebook: port {port} on 127.0.0.1 is already in use (another Casebook, or another program);"
        f" choose another port: casebook serve --port {port + 1}"
    ]
    assert "serving" not in served.stdout  # nothing claims to serve
    assert demo.returncode == 1 and len(demo.stderr.strip().splitlines()) == 1
    assert f"make demo PORT={port + 1}" in demo.stderr and f"casebook demo --port {port + 1}" in demo.stderr
    assert not (tmp_path / "demo" / "warc").exists()  # said before the build, not minutes after it


def test_a_query_with_a_leading_minus_says_how_to_search_for_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "search", "-sanctions"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        "casebook: -sanctions reads as an option; to search for a query that starts with a minus,"
        " put -- before it: casebook search -- -sanctions"
    ]
    after_dashes = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "search", "--", "-sanctions"])
    assert after_dashes.exit_code == 0 and "0 documents match '-sanctions'" in after_dashes.output


def test_dates_the_command_line_cannot_read_suggest_a_real_date(tmp_path: Path) -> None:
    from datetime import date, timedelta

    def error(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "search", *args, "x"])
        assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
        return result.output.strip()

    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert error("--since", "yesterday").endswith(
        f"is not a date (use YYYY, YYYY-MM or YYYY-MM-DD); try: --since {yesterday}"
    )
    assert error("--since", "2020-13").endswith("try: --since 2020")
    assert (
        error("--until", "soon") == "casebook: --until 'soon' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"
    )
    assert error("--since", "2021", "--until", "2020") == (
        "casebook: --since 2021 is after --until 2020; try: --since 2020 --until 2021"
    )


def test_crawl_help_shows_the_date_as_users_write_it() -> None:
    result = CliRunner().invoke(cli, ["crawl", "--help"])
    assert "--since YYYY-MM-DD" in result.output and "%Y" not in result.output


@pytest.mark.slow
def test_search_and_entities_on_the_demo_say_what_they_did_not_find(demo_archive) -> None:  # noqa: ANN001
    runner = CliRunner()
    data = ["--data-dir", str(demo_archive.data_dir)]
    rows = json.loads(runner.invoke(cli, [*data, "entities", "--json", "--limit", "2"]).output)
    assert len(rows) == 2
    assert len(runner.invoke(cli, [*data, "entities", "--limit", "3"]).output.strip().splitlines()) == 3
    past = runner.invoke(cli, [*data, "search", "--page", "9", "sanctions"])
    total = int(past.output.split()[0])
    assert past.exit_code == 0 and f"{total} documents match 'sanctions'" in past.output
    assert "page 9 is past the end: 1 page of 10; try: --page 1" in past.output
    unknown_source = runner.invoke(cli, [*data, "search", "source:dns"])
    assert (
        "note: no source known as 'dns' in this archive (known: benefits-and-work," in unknown_source.output
    )
    unknown_scheme = runner.invoke(cli, [*data, "search", "--json", "scheme:nonsense"])
    assert "note: no scheme known as 'nonsense' in this archive" in unknown_scheme.output
    known = runner.invoke(cli, [*data, "search", "source:black-triangle"])
    assert "note:" not in known.output and known.output.startswith("1 documents match")


@pytest.mark.slow
def test_ingesting_the_same_files_again_says_they_are_already_archived(tmp_path: Path) -> None:
    pages = sorted(DEMO.glob("*.html"))[:3]
    first = CliRunner().invoke(
        cli, ["--data-dir", str(tmp_path), "ingest", "--no-progress", *map(str, pages)]
    )
    assert first.output.strip().splitlines()[-1] == "ingest: 3 new"
    again = CliRunner().invoke(
        cli, ["--data-dir", str(tmp_path), "ingest", "--no-progress", *map(str, pages)]
    )
    assert again.output.strip().splitlines()[-1] == "ingest: 3 already archived"
