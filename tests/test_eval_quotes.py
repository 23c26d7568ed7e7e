"""The PolNeAR quote scorer's own rules, on a brat file and texts made up here (no PolNeAR text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from eval_quotes import (
    Prediction,
    Unit,
    gold_units,
    load_split,
    match,
    quotations,
    read_ann,
    same_name,
    score_side,
)

TEXT = (
    "Headline about a “Fine Title Here” show.\n\n"
    "“We will win this,” Jane Ellery said. “We have no choice.”\n\n"
    "She called it a “disaster” and said the plan was “doomed from the start”.\n\n"
    "Tom Reid said: “The form took three weeks.\n\n"
    "“Nobody could help me.”"
)


def _span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_quotations_follow_the_typography():
    inner = [TEXT[a:b] for a, b in quotations(TEXT)]
    assert inner == [
        "Fine Title Here",
        "We will win this,",
        "We have no choice.",
        # "disaster" is one word: never a unit
        "doomed from the start",
        "The form took three weeks.\n\n“Nobody could help me.",  # reopened: one quotation
    ]


def test_unclosed_quotation_not_reopened_is_no_quotation():
    assert quotations("He said: “We will win.\n\nThen he left the hall and went home.") == []


def test_straight_marks_after_a_letter_do_not_open():
    text = 'He is 6\'2" tall and said "we are done here" today.'
    assert [text[a:b] for a, b in quotations(text)] == ["we are done here"]


def _ann(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "doc_x1.ann"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_gold_units_are_the_quotations_inside_annotated_content(tmp_path):
    a1, b1 = _span(TEXT, "“We will win this,”")
    a2, b2 = _span(TEXT, "“We have no choice.”")
    sa, sb = _span(TEXT, "Jane Ellery")
    ca, cb = _span(TEXT, "the plan was “doomed from the start”")
    ann = _ann(
        tmp_path,
        [
            f"T1\tContent {a1} {b1};{a2} {b2}\tsplit quotation",
            f"T2\tSource {sa} {sb}\tJane Ellery",
            f"T3\tCue {b1 + 1} {b1 + 5}\tsaid",
            f"T4\tContent {ca} {cb}\tpartial",
            "T5\tCue 0 1\tx",
            "E1\tAttribution:T3 Content:T1 Cue:T3 Source:T2",
            "E2\tAttribution:T5 Content:T4 Cue:T5",
            "#1\tAnnotatorNotes T1\ta note",
        ],
    )
    units = gold_units(TEXT, read_ann(ann))
    assert [TEXT[u.start : u.end] for u in units] == [
        "We will win this,",
        "We have no choice.",
        "doomed from the start",
    ]  # the title is in no content: not a unit
    assert units[0].source == units[1].source == [(sa, sb)] and units[2].source == []


def test_matching_is_one_to_one_on_half_of_each_span():
    units = [Unit(10, 30, []), Unit(40, 60, [])]
    whole = Prediction(10, 60, [])  # both quotations and the narrative between them
    assert match(units, [whole]) == {}
    assert match(units, [Prediction(11, 31, []), Prediction(40, 55, [])]) == {0: 0, 1: 1}
    assert len(match(units, [Prediction(10, 30, []), Prediction(10, 30, [])])) == 1  # one each


@pytest.mark.parametrize(
    ("predicted", "gold", "right"),
    [
        ("Ann Briggs", "Kent Senator Ann Briggs", True),
        ("Briggs", "Ann Briggs", True),
        ("Alan Pike", "Ruth Pike", False),
        ("Jo Adams-Hale", "Hale", True),
        ("the Courier’s Tom Reid", "Tom Reid", True),
        ("he", "Tom Reid", False),
        ("", "Tom Reid", False),
    ],
)
def test_same_name(predicted, gold, right):
    assert same_name(predicted, gold) is right


def test_scores_count_none_wrong_and_absent_speakers():
    from eval_quotes import Article

    text = "“A b c,” X said. “D e f,” Y said. “G h i,” Zed said."
    article = Article("a", text, None, [Unit(1, 6, [], "X"), Unit(18, 23, [], "Y"), Unit(35, 40, [], "Zed")])
    preds = [Prediction(1, 6, ["X"]), Prediction(18, 23, [""]), Prediction(35, 40, ["Quentin"])]
    s = score_side([article], [preds]).score
    assert (s.units, s.matched, s.named, s.right, s.none, s.wrong, s.absent) == (3, 3, 3, 1, 1, 1, 1)


def test_only_train_and_dev_are_read(tmp_path):
    with pytest.raises(SystemExit, match="only the train and dev"):
        load_split(tmp_path, "test")
    with pytest.raises(SystemExit, match="not found"):
        load_split(tmp_path, "dev")
