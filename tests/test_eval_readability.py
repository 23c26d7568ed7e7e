"""The Readability test pages' scorer (``tests/eval_readability.py``): the gold is the text the accepted
``expected.html`` shows, read as UTF-8 whatever it declares, and a refused page counts as empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from eval_readability import PAGES, gold_text, main

STORY = " ".join(
    f"Paragraph {n} of the report says the council cut the fund for {n} hundred disabled tenants this year."
    for n in range(1, 30)
)


def test_the_gold_is_read_as_utf8_though_the_file_declares_no_charset() -> None:
    """``expected.html`` carries no charset: read as lxml's default (latin-1), 'council’s' became
    'councilâ\x80\x99s' and every such word was counted as missed by both systems."""
    expected = "<div id='readability-page-1'><p>The council’s fund — cut.</p></div>".encode()
    assert gold_text(expected) == "The council’s fund — cut."


def _pages(root: Path, pages: dict[str, tuple[str, str]]) -> None:
    for name, (source, expected) in pages.items():
        folder = root / PAGES / name
        folder.mkdir(parents=True)
        (folder / "source.html").write_text(source, encoding="utf-8")
        (folder / "expected.html").write_text(expected, encoding="utf-8")


def test_a_refused_page_counts_as_empty_and_misses_the_target(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    story = f"<html><head><title>Fund cut</title></head><body><article><p>{STORY}</p></article></body></html>"
    _pages(
        tmp_path,
        {
            "story": (story, f"<div><p>{STORY}</p></div>"),
            "empty": ("<html><body></body></html>", "<div><p>Text the page never had.</p></div>"),
        },
    )
    assert main([str(tmp_path), "--worst", "0"]) == 1
    out = capsys.readouterr().out
    assert "refused (counted as empty)    1 (50.0%)" in out and "refused: empty: empty page" in out
    assert "targets: refused 1 pages (target: at most 1%)" in out


def test_a_folder_without_test_pages_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no test pages in .*give a checkout of mozilla/readability"):
        main([str(tmp_path)])
