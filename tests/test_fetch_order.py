"""Versions are ordered by fetch time, whatever order the fetches are ingested in (an older WARC imported
after a newer one, files processed in name order): the current text is always the latest fetch's."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import settings_for

from casebook.archive import WarcArchive
from casebook.settings import Settings
from casebook.store import Store
from indexer.dedup.minhash import bands_for
from indexer.pipeline.check import check
from indexer.pipeline.ingest import FileImport, ingest

pytestmark = pytest.mark.slow

URL = "https://www.disabilitynewsservice.com/assessor-evidence/"
FILLER = (
    "Disabled claimants told the inquiry that assessors had ignored the evidence from their doctors, and"
    " that the department had refused to say how many decisions were overturned at tribunal last year."
)
TEXTS = {
    "A": "The first report said forty claimants were affected.",
    "B": "An edited report said four hundred claimants were affected.",
    "C": "A corrected report said four thousand claimants were affected.",
}


def day(n: int) -> datetime:
    return datetime(2024, 3, n, 9, tzinfo=UTC)


def page(tmp_path: Path, label: str, n: int) -> FileImport:
    path = tmp_path / f"{label}-{n}.html"
    path.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Assessors ignored evidence</title>"
        f'<link rel="canonical" href="{URL}"></head><body><article><h1>Assessors ignored evidence</h1>'
        f"<p>{TEXTS[label]} {FILLER}</p><p>{FILLER}</p><p>{FILLER}</p></article>"
        f"<!-- served on day {n} --></body></html>",  # each fetch its own bytes, as a server's would be
        encoding="utf-8",
    )
    return FileImport(path, URL, day(n))


def label(text: str) -> str:
    return next(k for k, t in TEXTS.items() if t in text)


def history(settings: Settings) -> list[tuple[int, str, int]]:
    """(version, which text, day fetched) for every version; then the current one (version, text, day
    first fetched)."""
    with Store(settings.db_path) as store:
        [stored] = list(store.iter_documents())
        rows = store.versions(stored.document.id)
        out = [(r["version"], label(r["text"]), datetime.fromisoformat(r["fetched"]).day) for r in rows]
        out.append((stored.version, label(stored.document.text), stored.first_fetched.day))
    return out


def run(settings: Settings, *imports: FileImport) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for item in imports:  # one ingest each: the order they are ingested in is the order given
        report = ingest(settings, imports=[item], progress=False, enrich=False)
        assert report.skipped == []
        for key, n in report.outcomes.items():
            outcomes[key] = outcomes.get(key, 0) + n
    return outcomes


def test_an_older_fetch_ingested_later_becomes_an_earlier_version(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    outcomes = run(settings, page(tmp_path, "B", 20), page(tmp_path, "A", 10))
    assert outcomes == {"new": 1, "earlier": 1}
    assert history(settings) == [(1, "A", 10), (2, "B", 20), (2, "B", 10)]  # current: B; first fetched day 10
    assert check(settings).ok


def test_a_text_fetched_again_after_an_older_edit_comes_back_as_a_version(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    run(settings, page(tmp_path, "A", 10), page(tmp_path, "A", 30))  # the second is "unchanged"
    outcomes = run(settings, page(tmp_path, "B", 20))  # an edit between them, ingested last
    assert outcomes == {"earlier": 1}
    assert history(settings) == [(1, "A", 10), (2, "B", 20), (3, "A", 30), (3, "A", 10)]
    assert check(settings).ok


def test_an_older_fetch_of_the_same_text_moves_its_version_back(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    run(settings, page(tmp_path, "A", 10), page(tmp_path, "C", 30))
    assert run(settings, page(tmp_path, "C", 20)) == {"earlier": 1}
    assert history(settings) == [(1, "A", 10), (2, "C", 20), (2, "C", 10)]
    assert run(settings, page(tmp_path, "A", 15)) == {"unchanged": 1}  # inside version 1's time
    assert history(settings) == [(1, "A", 10), (2, "C", 20), (2, "C", 10)]
    assert check(settings).ok


def test_warc_files_taken_in_name_order_still_give_versions_in_fetch_order(tmp_path: Path) -> None:
    """Two WARC files given at once: the one named first holds the later fetch."""
    settings = settings_for(tmp_path / "data")
    outside = tmp_path / "outside"
    for prefix, label, n in (("a-newer", "C", 28), ("b-older", "A", 2)):
        body = page(tmp_path, label, n).path.read_bytes()
        WarcArchive(outside, prefix=prefix).write_resource(URL, body, "text/html", day(n))
    report = ingest(settings, paths=[outside], progress=False, enrich=False)
    assert report.outcomes["new"] == 1 and report.outcomes["earlier"] == 1
    assert history(settings) == [(1, "A", 2), (2, "C", 28), (2, "C", 2)]


def test_an_earlier_fetch_with_other_text_leaves_the_current_copy_in_its_cluster(tmp_path: Path) -> None:
    """Clustering after an earlier fetch uses the current text, not the one just filed among the versions."""
    settings = settings_for(tmp_path / "data")
    repost_url = "https://campaign-blog.example/assessors-ignored-evidence/"
    original = page(tmp_path, "A", 10)
    copy = tmp_path / "copy.html"
    copy.write_text(original.path.read_text(encoding="utf-8").replace(URL, repost_url), encoding="utf-8")
    run(settings, original, FileImport(copy, repost_url, day(12)))
    draft = tmp_path / "draft.html"
    paragraphs = "".join(
        f"<p>Placeholder paragraph {n} of a draft about parking permits.</p>" for n in range(30)
    )
    draft.write_text(
        f"<html><head><title>Draft</title></head><body><article><h1>Draft</h1>{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    assert run(settings, FileImport(draft, repost_url, day(11))) == {"earlier": 1}
    with Store(settings.db_path) as store:
        [repost] = [s for s in store.iter_documents() if s.document.url == repost_url]
        assert repost.duplicate_of is not None and "forty claimants" in repost.document.text
        bands = store.db.execute(
            "SELECT hash FROM near_dup_bands WHERE doc_id=? ORDER BY band", (repost.document.id,)
        ).fetchall()
        assert [b["hash"] for b in bands] == bands_for(repost.document.text)  # of the current text
