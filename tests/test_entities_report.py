"""``casebook entities`` data: entities in the archive with mention, document and quote counts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from casebook.errors import CasebookError
from casebook.models import Document, Mention, Quote
from casebook.store import Store
from indexer.pipeline.entities_report import list_entities


def make_doc(slug: str, text: str, published: date) -> Document:
    return Document(
        url=f"https://www.disabilitynewsservice.com/{slug}/",
        canonical_url=f"https://www.disabilitynewsservice.com/{slug}/",
        source="disability-news-service",
        title=slug,
        text=text,
        fetched=datetime(2025, 1, 1, tzinfo=UTC),
        published=published,
    )


def mention(text: str, kind: str, entity_id: str, name: str, start: int) -> Mention:
    return Mention(text, kind, entity_id, name, start, start + len(text))  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path):  # noqa: ANN201
    # Two real sentences from the seeds (004 and a reader's comment on it), stored as two documents.
    first = make_doc(
        "timms",
        "Timms told the committee that the government plans to place more of the onus on employers. "
        "Stephen Timms said Access to Work is unsustainable. The DWP say work coaches will help.",
        date(2025, 3, 10),
    )
    second = make_doc(
        "kendall", "Liz Kendall, the Work and Pensions Secretary, said the DWP would act.", date(2010, 6, 1)
    )
    with Store(tmp_path / "casebook.db") as s:
        s.save(first)
        s.save(second)
        s.save_annotations(
            first.id,
            [
                mention("Timms", "official", "official:stephen-timms", "Stephen Timms", 0),
                mention("Stephen Timms", "official", "official:stephen-timms", "Stephen Timms", 92),
                mention("Access to Work", "scheme", "scheme:access-to-work", "Access to Work", 111),
                mention("DWP", "organisation", "org:dwp", "Department for Work and Pensions", 145),
            ],
            [
                Quote(
                    "Access to Work is unsustainable",
                    "Stephen Timms",
                    "official:stephen-timms",
                    "said",
                    111,
                    142,
                )
            ],
        )
        s.save_annotations(
            second.id,
            [
                mention("Liz Kendall", "person", "official:liz-kendall", "Liz Kendall", 0),
                mention("DWP", "organisation", "org:dwp", "Department for Work and Pensions", 58),
            ],
            [],
        )
        yield s


def test_counts_mentions_documents_and_quotes(store: Store) -> None:
    rows = {r["id"]: r for r in list_entities(store)}
    assert rows["official:stephen-timms"] == {
        "id": "official:stephen-timms",
        "kind": "official",
        "name": "Stephen Timms",
        "mentions": 2,
        "documents": 1,
        "quotes": 1,
    }
    assert rows["org:dwp"]["mentions"] == 2 and rows["org:dwp"]["documents"] == 2
    assert rows["org:dwp"]["kind"] == "organisation" and rows["org:dwp"]["quotes"] == 0


def test_most_mentioned_first(store: Store) -> None:
    rows = list_entities(store)
    assert [r["mentions"] for r in rows] == sorted((r["mentions"] for r in rows), reverse=True)
    assert rows[0]["id"] == "org:dwp"  # 2 mentions in 2 documents beats 2 mentions in 1


def test_kind_filter(store: Store) -> None:
    assert [r["id"] for r in list_entities(store, "scheme")] == ["scheme:access-to-work"]
    assert [r["id"] for r in list_entities(store, "official")] == ["official:stephen-timms"]
    # Liz Kendall was mentioned only on a date before her role: a person in this archive.
    assert [r["id"] for r in list_entities(store, "person")] == ["official:liz-kendall"]
    assert list_entities(store, "place") == []


def test_unknown_kind_is_one_line(store: Store) -> None:
    with pytest.raises(CasebookError) as excinfo:
        list_entities(store, "benefit")
    assert "\n" not in str(excinfo.value) and "scheme" in str(excinfo.value)


def test_empty_archive(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.db") as s:
        assert list_entities(s) == []


@pytest.mark.slow
def test_demo_archive_entities(demo_archive) -> None:  # noqa: ANN001
    with Store(demo_archive.db_path) as s:
        rows = {r["id"]: r for r in list_entities(s)}
        officials = {r["id"] for r in list_entities(s, "official")}
    assert rows["org:dwp"]["documents"] >= 5 and rows["org:dwp"]["kind"] == "organisation"
    assert rows["org:dwp"]["quotes"] >= 3  # the DWP spokesman and the DWP's announcements
    assert {"official:frank-field", "official:stephen-timms"} <= officials
    assert rows["scheme:esa"]["kind"] == "scheme" and rows["place:london"]["kind"] == "place"
    assert all(r["mentions"] >= r["documents"] >= 1 for r in rows.values())
