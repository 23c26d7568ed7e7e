"""The casebook command: JSON shapes, one-line errors, and the installed entry point."""

from __future__ import annotations

import json
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
