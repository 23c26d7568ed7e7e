"""Diffs between stored versions: a stealth edit shows exactly what changed, nothing else."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from casebook.models import Document
from casebook.store import Store
from indexer.dedup.versions import diff_stored, diff_texts, diff_words, history, split_paragraphs

PARAS = [
    "The Department for Work and Pensions (DWP) ignored repeated warnings from coroners about the deaths of "
    "benefit claimants, documents show.",
    "The documents were released under the Freedom of Information Act after a two-year battle.",
    "They show that the department received at least 12 reports from coroners between 2013 and 2020.",
    "A DWP spokesperson said: “We take these cases extremely seriously and our sympathies are with the "
    "families.”",
    "The department refused to say how many of the recommendations it had acted on.",
]
TEXT = "\n\n".join(PARAS)


def doc(text: str, fetched: datetime, title: str = "DWP ignored coroners’ warnings") -> Document:
    return Document(
        url="https://www.disabilitynewsservice.com/dwp-ignored-coroners-warnings/",
        canonical_url="https://www.disabilitynewsservice.com/dwp-ignored-coroners-warnings/",
        source="disability-news-service",
        title=title,
        text=text,
        fetched=fetched,
        authors=["John Pring"],
        published=date(2022, 3, 17),
    )


def test_identical_texts_have_no_changes() -> None:
    diff = diff_texts(TEXT, TEXT, "T", "T")
    assert not diff.changed and diff.changes == [] and diff.unified() == ""
    assert [p.op for p in diff.paragraphs] == ["equal"] * 5


def test_stealth_edit_of_one_sentence_shows_exactly_that_change() -> None:
    edited = PARAS.copy()
    edited[2] = (
        "They show that the department received at least 7 reports from coroners between 2013 and 2020."
    )
    diff = diff_texts(TEXT, "\n\n".join(edited), "T", "T")
    assert diff.changed
    assert [p.op for p in diff.paragraphs] == ["equal", "equal", "replace", "equal", "equal"]
    (change,) = diff.changes
    assert (change.old_index, change.new_index) == (2, 2)
    assert change.deleted == ["12"] and change.inserted == ["7"]
    # the runs join back into the old and the new paragraph exactly
    assert "".join(r.text for r in change.words if r.op != "insert") == PARAS[2]
    assert "".join(r.text for r in change.words if r.op != "delete") == edited[2]
    assert diff.stats() == {
        "title_changed": False,
        "paragraphs_added": 0,
        "paragraphs_removed": 0,
        "paragraphs_changed": 1,
        "words_added": 1,
        "words_removed": 1,
    }
    assert "at least [-12-] {+7+} reports" in diff.inline()


def test_softened_quote_marks_every_changed_word() -> None:
    edited = PARAS.copy()
    edited[3] = "A DWP spokesperson said: “Our sympathies are with the families.”"
    change = diff_texts(TEXT, "\n\n".join(edited)).changes[0]
    assert change.op == "replace"
    assert change.deleted == ["“We take these cases extremely seriously and our"]
    assert change.inserted == ["“Our"]  # "sympathies are with the families.”" is unchanged


def test_paragraph_added_and_paragraph_removed() -> None:
    added = "The documents also show that ministers were briefed on three of the reports."
    new = [*PARAS[:3], added, PARAS[3]]  # one inserted after paragraph 3, the last one removed
    diff = diff_texts(TEXT, "\n\n".join(new))
    ops = [(p.op, p.old_index, p.new_index) for p in diff.paragraphs]
    assert ops == [
        ("equal", 0, 0),
        ("equal", 1, 1),
        ("equal", 2, 2),
        ("insert", None, 3),
        ("equal", 3, 4),
        ("delete", 4, None),
    ]
    assert diff.stats()["paragraphs_added"] == 1 and diff.stats()["paragraphs_removed"] == 1
    assert diff.changes[0].inserted == [added] and diff.changes[1].deleted == [PARAS[4]]


def test_a_rewritten_paragraph_is_a_delete_and_an_insert_not_a_word_soup() -> None:
    new = [*PARAS[:4], "Ministers have since ordered an independent review of every case."]
    diff = diff_texts(TEXT, "\n\n".join(new))
    assert [p.op for p in diff.changes] == ["delete", "insert"]


def test_title_change_is_reported_with_its_words() -> None:
    diff = diff_texts(TEXT, TEXT, "DWP ignored coroners’ warnings", "DWP ‘missed’ coroners’ warnings")
    assert diff.changed and diff.title.op == "replace"
    assert diff.title.deleted == ["ignored"] and diff.title.inserted == ["‘missed’"]
    unified = diff.unified()
    assert "@@ title @@\n-DWP ignored coroners’ warnings\n+DWP ‘missed’ coroners’ warnings" in unified


def test_unified_form_is_plain_text_with_version_labels() -> None:
    edited = PARAS.copy()
    edited[2] = edited[2].replace("12", "7")
    diff = diff_texts(
        TEXT,
        "\n\n".join(edited),
        old_version=1,
        new_version=2,
        old_fetched="2022-03-18T10:00:00+00:00",
        new_fetched="2022-04-02T10:00:00+00:00",
    )
    lines = diff.unified(context=1).splitlines()
    assert lines[0] == "--- version 1 (fetched 2022-03-18T10:00:00+00:00)"
    assert lines[1] == "+++ version 2 (fetched 2022-04-02T10:00:00+00:00)"
    assert lines[2].startswith("@@ ")
    assert f"-{PARAS[2]}" in lines and f"+{edited[2]}" in lines
    assert f" {PARAS[1]}" in lines and f" {PARAS[3]}" in lines  # one paragraph of context each side
    assert f" {PARAS[0]}" not in lines


def test_to_dict_is_json_and_can_trim_context() -> None:
    edited = PARAS.copy()
    edited[4] = edited[4] + " It said it would respond in due course."
    diff = diff_texts(TEXT, "\n\n".join(edited), old_version=1, new_version=2)
    full = json.loads(json.dumps(diff.to_dict()))
    assert full["changed"] and len(full["paragraphs"]) == 5
    trimmed = diff.to_dict(context=0)
    assert [p["op"] for p in trimmed["paragraphs"]] == ["replace"]
    assert trimmed["paragraphs"][0]["words"][-1] == {
        "op": "insert",
        "text": "It said it would respond in due course.",
    }


def test_word_diff_keeps_spacing_and_handles_empty_text() -> None:
    assert diff_words("", "New text.") == [diff_words("", "New text.")[0]]
    assert diff_words("", "New text.")[0].op == "insert"
    runs = diff_words("one two  three", "one 2  three")
    assert "".join(r.text for r in runs if r.op != "delete") == "one 2  three"
    assert split_paragraphs("a\n\n\n b \n\n") == ["a", "b"]


def test_store_keeps_versions_and_diffs_the_last_two(tmp_path: Path) -> None:
    first = datetime(2022, 3, 18, 10, tzinfo=UTC)
    with Store(tmp_path / "casebook.db") as store:
        original = doc(TEXT, first)
        with store.transaction():
            assert store.save(original) == "new"
            assert store.save(replace(original, fetched=datetime(2022, 3, 25, tzinfo=UTC))) == "unchanged"
        assert diff_stored(store, original.id) is None  # one version: nothing to compare
        edited = PARAS.copy()
        edited[2] = edited[2].replace("at least 12", "at least 7")
        with store.transaction():
            assert store.save(doc("\n\n".join(edited), datetime(2022, 4, 2, 10, tzinfo=UTC))) == "updated"
        diff = diff_stored(store, original.id)
        assert diff is not None and (diff.old_version, diff.new_version) == (1, 2)
        assert diff.old_fetched == first.isoformat()
        assert [(c.deleted, c.inserted) for c in diff.changes] == [(["12"], ["7"])]
        versions = history(store, original.id)
        assert [v["version"] for v in versions] == [1, 2]
        assert "changes" not in versions[0]
        assert versions[1]["changes"]["paragraphs_changed"] == 1
        assert versions[1]["diff"].startswith("--- version 1 (fetched 2022-03-18T10:00:00+00:00)")
