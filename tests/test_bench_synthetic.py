"""The synthetic corpus generator and the benchmark harness, at a small size (no timings asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import run
from bench.synthetic import ENTITIES, MARKER, SOURCES, Generator, is_synthetic, prepare_data_dir
from casebook.errors import CasebookError


def test_documents_are_fictional_flagged_and_deterministic() -> None:
    docs = list(Generator(seed=11).docs(40))
    assert [d.stored.document.text for d in docs] == [
        d.stored.document.text for d in Generator(seed=11).docs(40)
    ]
    assert Generator(seed=11).doc(7).stored.document.text == docs[7].stored.document.text
    known = {e[0] for e in ENTITIES}
    for d in docs:
        doc = d.stored.document
        assert is_synthetic(doc) and doc.source in SOURCES and ".synthetic.invalid/" in doc.url
        assert doc.published is not None and 2005 <= doc.published.year <= 2024
        assert 40 <= len(doc.text.split()) <= 5000
        for m in d.mentions:
            assert doc.text[m.start : m.end] == m.text and m.id in known
        for q in d.quotes:
            assert doc.text[q.start : q.end] == q.text and q.speaker_id in known
    assert len({d.stored.document.id for d in docs}) == 40
    assert sum(len(d.quotes) for d in docs) > 20 and sum(len(d.mentions) for d in docs) > 100


def test_data_dir_is_its_own_and_a_real_archive_is_refused(tmp_path: Path) -> None:
    fresh = prepare_data_dir(tmp_path / "bench")
    assert (fresh / MARKER).exists()
    assert prepare_data_dir(fresh) == fresh  # reused: it is marked synthetic
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "casebook.db").write_bytes(b"")
    with pytest.raises(CasebookError, match="not a synthetic benchmark folder"):
        prepare_data_dir(archive)


@pytest.mark.parametrize("tantivy", [False, True])
def test_bench_harness_prints_a_table_and_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tantivy: bool
) -> None:
    if tantivy:
        pytest.importorskip("tantivy")
    record = tmp_path / "results.jsonl"
    argv = ["--sizes", "60", "--repeat", "3", "--data-dir", str(tmp_path / "data"), "--record", str(record)]
    assert run.main(argv + ([] if tantivy else ["--no-tantivy"])) == 0
    out = capsys.readouterr().out
    assert "command: BENCH_SIZES=60 python -m bench.run" in out and "machine:" in out and "CPUs" in out
    for kind in ("indexing docs/s", "index size", "two-word p50", "phrase p95", "query + 4 facets p95",
                 "date range by date p50", "quote search p95"):  # fmt: skip
        assert f"| 60 | {kind} |" in out
    line = json.loads(record.read_text(encoding="utf-8").splitlines()[-1])
    assert line["results"][0]["n"] == 60 and line["machine"]["nproc"] >= 1
    assert ("tantivy" in line["results"][0]) == tantivy
    assert not (tmp_path / "data" / "n60").exists()  # indexes removed unless --keep


def test_sizes_parse_from_the_environment_form() -> None:
    assert run.parse_sizes("2000") == [2000]
    assert run.parse_sizes("10_000 2000") == [10000, 2000]
    assert run.parse_sizes("10000,100000") == [10000, 100000]
    assert run.parse_sizes(None) == [10000, 100000]


def test_each_timed_run_is_kept_and_the_next_shows_its_ratios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--sizes", "40", "--repeat", "2", "--data-dir", str(tmp_path / "data"), "--no-tantivy"]
    assert run.main(argv) == 0
    assert "previous run:" not in capsys.readouterr().out
    history = tmp_path / "data" / run.HISTORY_FILE
    first = json.loads(history.read_text(encoding="utf-8"))
    tantivy = {"p50": 1.0, "p95": 2.0, "first": 4.0}
    first["results"][0]["tantivy"] = {kind: tantivy for kind in first["results"][0]["whoosh"]}
    history.write_text(json.dumps(first) + "\n", encoding="utf-8")  # as if the anchor had run
    assert run.main(argv) == 0
    out = capsys.readouterr().out
    assert f"previous run: {first['when']}" in out and "| previous W/t |" in out
    two_word = first["results"][0]["whoosh"]["two-word"]["p50"]
    assert "| 40 | two-word p50 | " in out and f"| {two_word:.1f}x |" in out
    assert len(history.read_text(encoding="utf-8").splitlines()) == 2


def test_reindex_bench_times_the_whole_path_on_a_synthetic_store(tmp_path, capsys) -> None:  # noqa: ANN001
    from bench.reindex_bench import main

    assert main(["--docs", "60", "--data-dir", str(tmp_path / "bench")]) == 0
    out = capsys.readouterr().out
    assert "casebook reindex, whole path (60 synthetic documents)" in out and "reindex: " in out
    assert (tmp_path / "bench" / "SYNTHETIC").exists()
    assert main(["--docs", "60", "--data-dir", str(tmp_path / "bench")]) == 0  # the store is reused
    assert "store filled" not in capsys.readouterr().out


def test_the_store_bench_runs_both_backends_and_refuses_a_database_in_use(
    tmp_path: Path, postgres, capsys
) -> None:  # noqa: ANN001
    from bench import store_bench

    url = postgres.new_database()
    assert store_bench.main(["--docs", "40", "--database-url", url, "--data-dir", str(tmp_path / "b")]) == 0
    table = capsys.readouterr().out
    assert "| SQLite | " in table and "| PostgreSQL | " in table and "PostgreSQL / SQLite" in table
    assert store_bench.main(["--docs", "40", "--database-url", url, "--data-dir", str(tmp_path / "b")]) == 1
