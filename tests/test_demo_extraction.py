"""Every demo page against its hand-made gold values (tests/data/demo_expected.toml).

The pages and their fetch details come from corpus/demo/manifest.toml; the extractor runs for real
(trafilatura, htmldate, lxml) over the archived bytes, exactly as ingest does.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from casebook.models import Document, RawPage
from indexer.extract.stage import extract

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "corpus" / "demo"
GOLD_FILE = ROOT / "tests" / "data" / "demo_expected.toml"
MANIFEST_FILE = DEMO_DIR / "manifest.toml"


def _load(path: Path) -> list[dict[str, Any]]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["pages"] if path.exists() else []


GOLD = _load(GOLD_FILE)
MANIFEST = {entry["file"]: entry for entry in _load(MANIFEST_FILE)}


def norm(text: str) -> str:
    """The gold file's convention: any run of whitespace (U+00A0 included) is one space."""
    return " ".join(text.replace("\xa0", " ").split())


_cache: dict[str, Document] = {}


def extracted(file: str) -> Document:
    if file not in _cache:
        entry = MANIFEST[file]
        raw = RawPage(
            url=entry["url"],
            body=(DEMO_DIR / file).read_bytes(),
            fetched=datetime.fromisoformat(entry["fetched"].replace("Z", "+00:00")),
            content_type=entry.get("content_type", "text/html"),
        )
        _cache[file] = extract(raw, entry["source"])
    return _cache[file]


def test_every_demo_page_has_gold_values() -> None:
    assert GOLD, f"no gold values in {GOLD_FILE}"
    assert {g["file"] for g in GOLD} == set(MANIFEST), "gold file and manifest list different pages"


@pytest.mark.parametrize("gold", GOLD, ids=[g["file"].removesuffix(".html") for g in GOLD])
def test_demo_page_metadata(gold: dict[str, Any]) -> None:
    doc = extracted(gold["file"])
    assert doc.title == gold["title"]
    assert doc.author == gold["author"]
    assert (doc.published.isoformat() if doc.published else "") == gold["published"]
    if not gold["published"]:
        assert doc.published_from is None


@pytest.mark.parametrize("gold", GOLD, ids=[g["file"].removesuffix(".html") for g in GOLD])
def test_demo_page_body(gold: dict[str, Any]) -> None:
    doc = extracted(gold["file"])
    paragraphs = [norm(p) for p in doc.text.split("\n\n")]
    assert all(paragraphs), "empty paragraph in the body"
    assert paragraphs[0].startswith(norm(gold["body_first"])), paragraphs[0][:120]
    assert paragraphs[-1].endswith(norm(gold["body_last"])), paragraphs[-1][-120:]
    body = norm(doc.text)
    present = [absent for absent in gold["body_absent"] if norm(absent) in body]
    assert not present, f"boilerplate or comments in the body: {present}"


@pytest.mark.parametrize("gold", GOLD, ids=[g["file"].removesuffix(".html") for g in GOLD])
def test_demo_page_comments(gold: dict[str, Any]) -> None:
    doc = extracted(gold["file"])
    assert len(doc.comments) == gold["comments"]
    named = [c.author for c in doc.comments if c.author]
    assert named[:3] == gold["comment_authors_first"]
    for comment in doc.comments:
        assert comment.text.strip() == comment.text and comment.text
        assert comment.depth >= 0
        assert comment.published is None or comment.published[:10] <= MANIFEST[gold["file"]]["fetched"][:10]
