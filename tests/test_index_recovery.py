"""A damaged search index is detected (IndexCorrupt, one line naming the folder) and rebuilt from scratch."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from searching import search, search_quotes

from bench.synthetic import Generator, SyntheticDoc
from casebook.errors import CasebookError
from indexer.search import IndexCorrupt, IndexEntry, IndexOutdated, index_entry
from indexer.search.whoosh_backend import WhooshIndex

DOCS = list(Generator(seed=4, mean_words=80).docs(40))


def entries(docs: list[SyntheticDoc] = DOCS) -> list[IndexEntry]:
    return [index_entry(d.stored, d.mentions, d.quotes) for d in docs]


def built(tmp_path: Path) -> WhooshIndex:
    ix = WhooshIndex(tmp_path / "index")
    ix.rebuild(entries())
    return ix


def one(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


def garbage_in_the_middle(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:200] + bytes(range(256)) * 40 + data[200 + 256 * 40 :])


DAMAGE: dict[str, Callable[[Path], None]] = {
    "a deleted segment file": lambda f: one(f, "MAIN_*.seg").unlink(),
    "a truncated segment file": lambda f: os.truncate(one(f, "MAIN_*.seg"), 3000),
    "a garbage segment file": lambda f: one(f, "MAIN_*.seg").write_bytes(b"not a segment" * 50),
    "garbage inside the segment": lambda f: garbage_in_the_middle(one(f, "MAIN_*.seg")),
    "a truncated table of contents": lambda f: os.truncate(one(f, "_MAIN_*.toc"), 100),
    "a zero-byte table of contents": lambda f: os.truncate(one(f, "_MAIN_*.toc"), 0),
    "a garbage table of contents": lambda f: one(f, "_MAIN_*.toc").write_bytes(b"\x00garbage" * 40),
    "a deleted table of contents": lambda f: one(f, "_MAIN_*.toc").unlink(),
    "the link to a deleted folder": lambda f: shutil.rmtree(f),
    "a garbage index description": lambda f: (f / "casebook-index.json").write_text("{not json"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_index_is_reported_then_rebuilt(tmp_path: Path, damage: str) -> None:
    ix = built(tmp_path)
    folder = ix.folder()
    assert ix.check(expected=len(DOCS)) == []
    DAMAGE[damage](folder)

    with pytest.raises(IndexCorrupt) as raised:
        for query in ("sanctions", '"fit for work"', "tribunal OR appeal", "*"):
            search(tmp_path / "index", query)
    error = raised.value
    assert isinstance(error, CasebookError) and error.folder == folder
    message = str(error)
    assert "\n" not in message and str(folder) in message and "casebook reindex" in message
    if damage != "garbage inside the segment":  # found by opening; the garbage only by reading it
        problems = ix.check()
        assert problems and all(str(folder) in p and "casebook reindex" in p for p in problems)
        with pytest.raises(IndexCorrupt):
            ix.update(entries(DOCS[:1]))
        with pytest.raises(IndexCorrupt):
            ix.doc_count()
    assert WhooshIndex(tmp_path / "index").exists()  # damaged is not absent: nothing is created over it

    assert ix.rebuild(entries()) == len(DOCS)  # into a new folder, swapped in; the damaged one removed
    assert ix.folder() != folder and not folder.exists()
    assert ix.check(expected=len(DOCS)) == []
    assert search(tmp_path / "index", "*")["total"] == len(DOCS)
    assert search(tmp_path / "index", '"fit for work"')["total"] > 0
    assert search_quotes(tmp_path / "index", "benefit")["total"] > 0


def test_a_damaged_quotes_index_is_reported_too(tmp_path: Path) -> None:
    ix = built(tmp_path)
    one(ix.folder(), "QUOTES_*.seg").unlink()
    with pytest.raises(IndexCorrupt, match="QUOTES"):
        search_quotes(tmp_path / "index", "benefit")
    assert any("QUOTES" in p for p in ix.check())


def test_check_compares_the_document_count_and_reports_a_missing_index(tmp_path: Path) -> None:
    ix = built(tmp_path)
    assert ix.check() == [] and ix.doc_count() == len(DOCS)
    (problem,) = ix.check(expected=len(DOCS) + 2)
    assert f"holds {len(DOCS)} documents, the store {len(DOCS) + 2}" in problem
    missing = WhooshIndex(tmp_path / "none")
    assert missing.check() == [] and missing.check(expected=3) == [
        f"there is no search index at {missing.path}"
    ]
    assert not (tmp_path / "none").exists()  # checking creates nothing


def test_an_index_of_another_version_is_outdated_a_kind_of_corrupt(tmp_path: Path) -> None:
    ix = built(tmp_path)
    meta = ix.folder() / "casebook-index.json"
    meta.write_text(meta.read_text().replace('"schema": ', '"schema": 1'), encoding="utf-8")
    with pytest.raises(IndexOutdated, match="another version of Casebook; run casebook reindex"):
        search(tmp_path / "index", "sanctions")
    (problem,) = ix.check()
    assert "another version of Casebook" in problem
    assert issubclass(IndexOutdated, IndexCorrupt)


def test_a_full_disk_is_not_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from indexer.search import whoosh_backend as index_module

    ix = built(tmp_path)

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(index_module, "_merge_entities", full)
    with pytest.raises(OSError, match="No space left") as raised:
        ix.update(entries(DOCS[:1]))
    assert not isinstance(raised.value, IndexCorrupt)


def test_a_rebuild_removes_folders_left_by_a_killed_rebuild_only(tmp_path: Path) -> None:
    import subprocess
    import sys

    from indexer.search.whoosh_backend import BUILDING_MARK

    index = WhooshIndex(tmp_path / "index")
    index.rebuild([])
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that has ended: its rebuild was killed
    abandoned = tmp_path / "index-20200101000000000000"
    abandoned.mkdir()
    (abandoned / BUILDING_MARK).write_text(str(gone.pid))
    # An old index whose removal after a swap was cut short: its mark went when it was swapped in.
    half_removed = tmp_path / "index-20200101000000000002"
    half_removed.mkdir()
    (half_removed / "_MAIN_1.toc").write_bytes(b"")
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    in_progress = tmp_path / "index-20200101000000000001"
    in_progress.mkdir()
    (in_progress / BUILDING_MARK).write_text(str(running.pid))
    try:
        index.rebuild([])
        assert not abandoned.exists() and not half_removed.exists()
        assert in_progress.exists()  # another live process is still building it
        live = (tmp_path / "index").resolve()
        assert live.is_dir() and not (live / BUILDING_MARK).exists()
        folders = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
        assert folders == sorted(["index", live.name, in_progress.name])
    finally:
        running.kill()
        running.wait()


def test_a_swap_killed_after_the_link_leaves_a_live_index_not_a_rebuild(tmp_path: Path) -> None:
    """Killed between the link swap and removing its mark, the live folder keeps its dead builder's mark:
    it is still the live index (not swept), and no rebuild is said to be under way."""
    import subprocess
    import sys

    from indexer.search.whoosh_backend import BUILDING_MARK

    index = WhooshIndex(tmp_path / "index")
    index.rebuild(entries(DOCS))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    live = (tmp_path / "index").resolve()
    (live / BUILDING_MARK).write_text(str(gone.pid))
    assert not index.rebuilding()
    target = index.new_build()  # sweeps what was left behind
    assert live.is_dir() and index.doc_count() == len(DOCS)
    index.discard(target)
