"""The scorer for trafilatura's evaluation pages (``tests/eval_trafbench.py``) counts snippets as the
benchmark's ``evaluate.py`` does, says nothing for a refused page, and tells comments kept apart from
comments left in the body."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_trafbench import Snippets, main
from eval_wcxb import author_match, calendar_day

STORY = " ".join(
    f"Paragraph {n} of the report says the council cut the fund for {n} hundred disabled tenants this year."
    for n in range(1, 30)
)
COMMENT = "My mother lost her award at the same tribunal last spring."


def test_snippets_are_counted_as_the_benchmark_counts_them() -> None:
    entry = {"with": ["cut  the fund", "not there"], "without": ["Impressum", "tenants this"]}
    counts = Snippets()
    counts.add(entry, "The council cut the\nfund for tenants this year.")  # whitespace does not matter
    assert (counts.tp, counts.fn, counts.fp, counts.tn) == (1, 1, 1, 1)
    counts.add(entry, None)  # a refused page: every 'with' missed, every 'without' rightly absent
    assert (counts.tp, counts.fn, counts.fp, counts.tn) == (1, 3, 1, 3)
    precision, recall, accuracy, f1 = counts.scores()
    assert precision == 0.5 and recall == 0.25 and accuracy == 0.5 and f1 == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("gold", "got", "matched"),
    [
        ("Lars Fischer und Alina Schadwinkel", "Lars Fischer, Alina Schadwinkel", True),
        ("Lars Fischer und Alina Schadwinkel", "Lars Fischer", True),  # the gold's first name given
        ("Lars Fischer und Alina Schadwinkel", "Alina Schadwinkel", False),
        ("Dylan Bailey, MS, RD", "Dylan Bailey", True),
        ("Jo Bloggs", "Jo Bloggs, Sam Smith", False),  # someone else named too
        ("Jo Bloggs", None, False),
        (None, None, True),
    ],
)
def test_authors_match_name_by_name_joined_in_english_or_german(
    gold: str | None, got: str | None, matched: bool
) -> None:
    """trafilatura's pages write co-authors with 'und': a reading that names both separately is right."""
    assert author_match(gold, got) is matched


def test_a_gold_day_that_is_no_calendar_day_is_not_a_day() -> None:
    assert calendar_day("2022-11-29T08:00:00+01:00") == "2022-11-29"
    assert calendar_day("2022-29-11") is None  # trafilatura's gold for a page dated 2022/11/29 in its URL
    assert calendar_day("2023-02-29") is None
    assert calendar_day("29.11.2022") is None


def test_a_letter_written_in_either_canonical_form_is_the_same_text() -> None:
    """Bengali 'য়' as one code point (U+09DF) in the page and as two (U+09AF U+09BC) in the gold, cut from
    trafilatura's NFC output: the same text, found."""
    entry = {"with": ["\u0995\u09c1\u09b7\u09cd\u099f\u09bf\u09af\u09bc\u09be"], "without": []}
    counts = Snippets()
    counts.add(entry, "\u0995\u09c1\u09b7\u09cd\u099f\u09bf\u09df\u09be-\u09e7")
    assert (counts.tp, counts.fn) == (1, 0)


def test_a_run_scores_bodies_comments_and_refusals(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    story = (
        "<html><head><title>Fund cut</title></head><body><article><h1>Fund cut</h1>"
        "<p class='byline'>By Sam Wright</p>"
        f"<p>{STORY}</p></article><ol class='commentlist'><li class='comment' id='comment-1'>"
        f"<cite class='fn'>Ann</cite><div class='comment-content'><p>{COMMENT}</p></div></li></ol>"
        "<footer>Impressum</footer></body></html>"
    )
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "story.html").write_text(story, encoding="utf-8")
    (tmp_path / "eval" / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    gold = {
        "https://example.org/2024/05/02/fund-cut/": {
            "file": "story.html", "with": ["Paragraph 3 of the report", "Fund cut"], "without": ["Impressum"],
            "title": "Fund cut", "date": "2024-05-02", "author": "Jo Marsh",
            "comments": [COMMENT, "A comment the page never shows."],
        },
        "https://example.org/empty": {"file": "empty.html", "with": ["Text it never had"], "without": ["x"]},
    }  # fmt: skip
    (tmp_path / "evaldata.json").write_text(json.dumps(gold), encoding="utf-8")
    assert main([str(tmp_path)]) == 1  # a page in two refused: more than 1%
    out = capsys.readouterr().out
    assert "refused (say nothing)          1 (50.0%)" in out and "refused: https://example.org/empty" in out
    assert "comment snippets: 2, 1 shown in the saved page" in out
    found = next(line for line in out.splitlines() if line.startswith("found, of those shown"))
    assert found.split()[-2] == "100.0%"  # the comment is kept apart, found
    leak = next(line for line in out.splitlines() if line.startswith("in the body"))
    assert leak.split()[-2] == "0.0%"  # ... and not in the body
    assert "targets: refused 1 pages (target: at most 1%)" in out
    # the byline names someone the gold does not: a wrong author, counted apart from a missing one
    wrong = next(line for line in out.splitlines() if line.startswith("author: another name given"))
    assert wrong.split()[-2:] == ["1", "1"]  # Casebook and trafilatura both read the byline
    assert "not htmldate pages" not in out  # htmldate's pages not named: no split

    # htmldate's evaluation pages named: the days of the other pages are given apart
    (tmp_path / "htmldate" / "tests").mkdir(parents=True)
    (tmp_path / "htmldate" / "tests" / "eval_default.json").write_text(
        json.dumps({"https://example.org/empty": {}}), encoding="utf-8"
    )
    (tmp_path / "htmldate" / "tests" / "eval_mediacloud_2020.json").write_text("{}", encoding="utf-8")
    main([str(tmp_path), "--htmldate", str(tmp_path / "htmldate")])
    out = capsys.readouterr().out
    assert f"command: python tests/eval_trafbench.py {tmp_path} --htmldate {tmp_path / 'htmldate'}" in out
    others = next(line for line in out.splitlines() if line.startswith("not htmldate pages (1 dated)"))
    assert others.split()[-3] == "100.0%"  # the story's day, from its URL and its metadata
    # the headline, which Casebook keeps as the title and trafilatura in the text, is named where it is lost
    assert "https://example.org/2024/05/02/fund-cut/: missed: Fund cut" in out
