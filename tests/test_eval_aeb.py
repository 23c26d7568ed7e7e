"""The AEB scorer (``tests/eval_aeb.py``) scores as the benchmark's own ``evaluate.py`` does, and counts a
refused page as empty."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from eval_aeb import counts, main, scores

STORY = " ".join(
    f"Paragraph {n} of the report says the council cut the fund for {n} hundred disabled tenants this year."
    for n in range(1, 30)
)


def test_shingle_counts_are_shares_of_their_sum() -> None:
    assert counts("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    tp, fp, fn = counts("a b c d e", "a b c d x")  # one shingle shared, one extra, one missed
    assert tp == pytest.approx(1 / 3) and fp == pytest.approx(1 / 3) and fn == pytest.approx(1 / 3)
    assert counts("a b c d e", "") == (0.0, 0.0, 1.0)
    assert counts("One two three four", "one two three four") == (0.0, 0.5, 0.5)  # case counts, as there


def test_precision_skips_empty_answers_and_recall_counts_them() -> None:
    right, empty = counts("a b c d e", "a b c d e"), counts("a b c d e", "")
    precision, recall, f1 = scores([right, empty])
    assert precision == 1.0 and recall == 0.5 and f1 == pytest.approx(2 / 3)


def test_a_refused_page_counts_as_empty_and_misses_the_target(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    story = f"<html><head><title>Fund cut</title></head><body><article><p>{STORY}</p></article></body></html>"
    pages = {"story": (story, STORY), "empty": ("<html><body></body></html>", "Text the page never had.")}
    (tmp_path / "html").mkdir()
    truth = {}
    for key, (html, body) in pages.items():
        (tmp_path / "html" / f"{key}.html.gz").write_bytes(gzip.compress(html.encode()))
        truth[key] = {"articleBody": body, "url": f"https://example.org/{key}"}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth))
    assert main([str(tmp_path), "--worst", "0"]) == 1
    out = capsys.readouterr().out
    assert "refused (counted as empty)    1 (50.0%)" in out and "refused: https://example.org/empty" in out
    assert "targets: refused 1 pages (target: at most 1%)" in out
