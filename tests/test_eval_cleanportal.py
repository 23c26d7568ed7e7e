"""CleanPortalEval's scorer (``tests/eval_cleanportal.py``): CleanEval's files are read as they are written
(the ``<text id>`` line off the page, the ``URL:`` line and segment markers off the gold, entities read);
counting and reporting are ``eval_aeb.SideBySide``'s, tested there."""

from __future__ import annotations

from pathlib import Path

import pytest
from eval_cleanportal import gold_text, main, saved_page

STORY = " ".join(
    f"Paragraph {n} of the report says the council cut the fund for {n} hundred disabled tenants this year."
    for n in range(1, 30)
)


def test_the_text_line_is_taken_off_the_page_and_gives_its_address() -> None:
    raw = b'\n<text id="http://bbc.co.uk/news/business-21302969"> \n\n<!DOCTYPE html><html></html>'
    url, body = saved_page(raw)
    assert url == "http://bbc.co.uk/news/business-21302969"
    assert body.lstrip().startswith(b"<!DOCTYPE html>")
    assert saved_page(b"<html><body>no line</body></html>") == ("", b"<html><body>no line</body></html>")


def test_the_gold_loses_its_url_line_and_markers_and_reads_its_entities() -> None:
    url, text = gold_text("URL: http://bbc.co.uk/news/x\n<h>The BBC&#039;s headline\n\n<p>First.\n<l>An item")
    assert url == "http://bbc.co.uk/news/x"
    assert text.split() == ["The", "BBC's", "headline", "First.", "An", "item"]


def test_pages_with_and_without_the_text_line_are_scored_against_their_gold(
    tmp_path: Path,
    capsys,  # noqa: ANN001
) -> None:
    """Most saved pages open with CleanEval's ``<text id>`` line and some do not; each is read and paired
    with its own gold, whose URL line and markers take nothing from the score."""
    story = f"<html><head><title>Fund cut</title></head><body><article><p>{STORY}</p></article></body></html>"
    (tmp_path / "input").mkdir()
    (tmp_path / "GoldStandard").mkdir()
    (tmp_path / "input" / "lined.html").write_text(f'<text id="http://example.org/a">\n{story}')
    (tmp_path / "input" / "bare.html").write_text(story)
    (tmp_path / "input" / "ungolded.html").write_text(story)
    for name in ("lined", "bare"):
        (tmp_path / "GoldStandard" / f"{name}.txt").write_text(f"URL: http://example.org/{name}\n<p>{STORY}")
    main([str(tmp_path), "--worst", "0"])
    out = capsys.readouterr().out
    assert "\n2 pages" in out and "refused (counted as empty)    0 (0.0%)" in out
    assert "body F1                 1.000" in out


def test_a_folder_without_pages_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(
        SystemExit, match="no pages with gold in .*give a checkout of ppke-nlpg/CleanPortalEval"
    ):
        main([str(tmp_path)])
