"""The scorer of htmldate's evaluation pages (``tests/eval_htmldate.py``) counts exact, wrong and missing days
for each system on the same pages and says when Casebook trails htmldate."""

from __future__ import annotations

import json
from pathlib import Path

from eval_htmldate import main

STORY = " ".join(
    f"Paragraph {n} of the report says the council cut the fund for {n} hundred disabled tenants this year."
    for n in range(1, 30)
)


def _page(day: str) -> str:
    meta = f'<meta property="article:published_time" content="{day}T10:00:00Z">'
    return (
        f"<html><head><title>Fund cut</title>{meta}</head>"
        f"<body><article><h1>Fund cut</h1><p>{STORY}</p></article></body></html>"
    )


def test_days_are_counted_per_part_and_a_trailing_score_misses_the_target(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    tests = tmp_path / "tests"
    for folder in ("eval", "cache"):
        (tests / folder).mkdir(parents=True)
    (tests / "eval" / "a.html").write_text(_page("2019-03-04"))
    (tests / "cache" / "b.html").write_text(_page("2020-05-06"))
    default = {
        "https://example.org/a": {"file": "a.html", "date": "2019-03-04"},
        "https://example.org/gone": {"file": "gone.html", "date": "2019-01-01"},
    }
    media = {"https://example.org/b": {"file": "b.html", "date": "2020-05-07"}}  # the gold says another day
    (tests / "eval_default.json").write_text(json.dumps(default))
    (tests / "eval_mediacloud_2020.json").write_text(json.dumps(media))
    assert main([str(tmp_path)]) == 1  # wrong days as many as htmldate's (one each): not fewer
    out = capsys.readouterr().out
    assert "default: 1 pages" in out and "mediacloud: 1 pages" in out
    lines = out.splitlines()
    exact = [line for line in lines if line.startswith("exact day")]
    assert exact[0].split()[2:] == ["100.0%", "100.0%", "100.0%"] and exact[1].split()[2:] == ["0.0%"] * 3
    assert "pages named but not found: 1" in out
    assert "mediacloud: 0 exact / 1 wrong against htmldate's 0 / 1: MISSED" in out
