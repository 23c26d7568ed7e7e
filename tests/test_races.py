"""Commands run side by side, as real processes: a document ingested while ``casebook reindex`` builds is in
the index it swaps in, and a command that meets another's write to the store says whose it is and waits
(or gives up with one line after ``lock_wait`` seconds), never a ``database is locked`` traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, settings_for
from searching import search as run_search

from bench.synthetic import Generator
from casebook.settings import Settings
from casebook.store import Store
from indexer.pipeline.ingest import Ingester
from indexer.search.whoosh_backend import WhooshIndex

pytestmark = pytest.mark.slow

EXE = Path(sys.executable).parent / "casebook"
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)}
FILLER = (
    "Claimants told the committee that the new rules had left them without support for months, and that"
    " the department had not answered their letters or explained how decisions were made."
)


def article(folder: Path, word: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{word}.html"
    path.write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{word} support cut</title></head>'
        f"<body><article><h1>{word} support cut</h1><p>{word} {FILLER}</p><p>{FILLER}</p><p>{FILLER}</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    return path


def synthetic_archive(data_dir: Path, docs: int) -> Settings:
    """A store of synthetic documents and its index: big enough that a reindex takes several seconds."""
    settings = settings_for(data_dir)
    with Store(settings.db_path) as store, store.transaction():
        for item in Generator(seed=5, mean_words=200).docs(docs):
            store.save(item.stored.document)
            store.save_annotations(item.stored.document.id, item.mentions, item.quotes)
    ingester = Ingester(settings, enrich=False)
    try:
        ingester.reindex(progress=False)
    finally:
        ingester.close()
    return settings


def building(settings: Settings) -> bool:
    return any((folder / ".building").exists() for folder in settings.data_dir.glob("index-*"))


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


INGEST = """
import sys
from pathlib import Path
from indexer.pipeline.ingest import ingest
from casebook.settings import load_settings
settings = load_settings(env={}, data_dir=sys.argv[1])
print(ingest(settings, paths=[Path(sys.argv[2])], progress=False, enrich=False).summary())
"""

HOLD = """
import sys, time
from pathlib import Path
from casebook.store import Store
with Store(Path(sys.argv[1])) as store, store.write_transaction():
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_document_ingested_while_reindex_builds_is_in_the_index_it_swaps_in(tmp_path: Path) -> None:
    settings = synthetic_archive(tmp_path / "data", 4000)
    log = open(tmp_path / "reindex.log", "wb")  # noqa: SIM115 - closed below
    reindex = subprocess.Popen(
        [str(EXE), "--data-dir", str(settings.data_dir), "reindex", "--no-progress"],
        stdout=log,
        stderr=log,
        env=ENV,
    )
    try:
        deadline = time.monotonic() + 120
        while not building(settings):
            assert reindex.poll() is None and time.monotonic() < deadline, "reindex never started building"
            time.sleep(0.02)
        page = article(tmp_path / "pages", "Quokkalike")
        ingested = subprocess.run(
            python(INGEST, str(settings.data_dir), str(page)), capture_output=True, text=True, env=ENV
        )
        assert ingested.returncode == 0, ingested.stderr[-2000:]
        assert "1 new" in ingested.stdout
        assert reindex.poll() is None and building(settings), "reindex ended first: the race was not run"
        assert reindex.wait(timeout=300) == 0, (tmp_path / "reindex.log").read_text()[-2000:]
    finally:
        if reindex.poll() is None:
            reindex.kill()
        log.close()
    found = run_search(settings.index_dir, "quokkalike")
    assert found["total"] == 1
    with Store(settings.db_path) as store:
        assert WhooshIndex(settings.index_dir).doc_count() == store.count() == 4001
        assert store.journal_mark() == 0 or store.journal_since(0)[0] == []  # emptied once swapped in
    assert not building(settings)


def test_a_command_meeting_a_long_write_says_whose_it_is_and_gives_up_in_one_line(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    Store(settings.db_path).close()
    holder = subprocess.Popen(
        python(HOLD, str(settings.db_path), "20"), stdout=subprocess.PIPE, text=True, env=ENV
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        page = article(tmp_path / "pages", "Lockwaited")
        result = subprocess.run(
            [str(EXE), "--data-dir", str(settings.data_dir), "ingest", "--no-progress", str(page)],
            capture_output=True,
            text=True,
            env={**ENV, "CASEBOOK_LOCK_WAIT": "2"},
            timeout=300,
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "database is locked" not in result.stderr
    waiting, last = result.stderr.strip().splitlines()[0], result.stderr.strip().splitlines()[-1]
    assert f"the store is being written by pid {holder.pid}" in waiting and "waiting" in waiting
    assert last.startswith(f"casebook: the store is being written by pid {holder.pid} (")
    assert last.endswith("(waited 2 s); run again when it has finished")


def test_a_command_waits_for_a_short_write_and_carries_on(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    Store(settings.db_path).close()
    holder = subprocess.Popen(
        python(HOLD, str(settings.db_path), "4"), stdout=subprocess.PIPE, text=True, env=ENV
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        page = article(tmp_path / "pages", "Patiently")
        result = subprocess.run(
            python(INGEST, str(settings.data_dir), str(page)), capture_output=True, text=True, env=ENV
        )
    finally:
        holder.wait(timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1 new" in result.stdout
    assert f"the store is being written by pid {holder.pid}" in result.stderr
    assert not Path(str(settings.db_path) + ".writer").exists()  # each holder removes its note
    assert os.path.exists(settings.db_path)
