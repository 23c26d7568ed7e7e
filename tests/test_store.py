"""The store keeps every version, changes nothing on a repeat, and survives a failed transaction: on SQLite
and on PostgreSQL alike (each test runs on both through the ``backend_settings`` fixture)."""

from datetime import UTC, date, datetime

import pytest

from casebook.models import Comment, Document, Mention, Quote
from casebook.settings import Settings
from casebook.store import MIGRATIONS, POSTGRES_MIGRATIONS, StoreError, open_store


def make_doc(text: str = "First paragraph.\n\nSecond.", fetched_day: int = 1) -> Document:
    return Document(
        url="https://www.disabilitynewsservice.com/story/",
        canonical_url="https://www.disabilitynewsservice.com/story/",
        source="disability-news-service",
        title="A story",
        text=text,
        fetched=datetime(2024, 5, fetched_day, 10, tzinfo=UTC),
        authors=["John Pring"],
        published=date(2024, 4, 30),
        published_from="metadata",
        comments=[Comment("news seeker", "A reply.", "2024-05-01T16:21:00", False, 0)],
    )


def test_schema_is_migrated_once(backend_settings: Settings) -> None:
    assert len(POSTGRES_MIGRATIONS) == len(MIGRATIONS)  # a schema version means the same on both
    with open_store(backend_settings) as store:
        assert store.schema_version == len(MIGRATIONS)
    with open_store(backend_settings) as store:  # reopening applies nothing twice
        assert store.schema_version == len(MIGRATIONS)


def test_round_trip_and_idempotent_save(backend_settings: Settings) -> None:
    with open_store(backend_settings) as store:
        doc = make_doc()
        assert store.save(doc) == "new"
        assert store.save(make_doc(fetched_day=2)) == "unchanged"
        stored = store.get(doc.id)
        assert stored is not None and stored.version == 1
        assert stored.document.fetched == doc.fetched  # an unchanged refetch rewrites nothing
        assert stored.document.authors == ["John Pring"]
        assert stored.document.published == date(2024, 4, 30)
        assert stored.document.comments[0].author == "news seeker"
        assert store.count() == 1


def test_changed_text_is_a_new_version_beside_the_old(backend_settings: Settings) -> None:
    with open_store(backend_settings) as store:
        first = make_doc()
        store.save(first)
        assert store.save(make_doc("First paragraph, quietly edited.\n\nSecond.", fetched_day=9)) == "updated"
        versions = store.versions(first.id)
        assert [v["version"] for v in versions] == [1, 2]
        assert versions[0]["text"] == first.text
        assert "quietly edited" in versions[1]["text"]
        stored = store.get(first.id)
        assert stored.version == 2 and stored.first_fetched == first.fetched


def test_failed_transaction_leaves_store_unchanged(backend_settings: Settings) -> None:
    with open_store(backend_settings) as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.save(make_doc())
            raise RuntimeError("crash mid-batch")
        assert store.count() == 0


def test_annotations_replace_previous_ones(backend_settings: Settings) -> None:
    with open_store(backend_settings) as store:
        doc = make_doc()
        store.save(doc)
        mention = Mention("DWP", "organisation", "org:dwp", "Department for Work and Pensions", 0, 3)
        quote = Quote(
            "There was no conditionality to it.", "Peter Jackson", "person:peter-jackson", "said", 5, 40
        )
        store.save_annotations(doc.id, [mention, mention], [quote])
        store.save_annotations(doc.id, [mention], [quote])
        assert store.mentions(doc.id) == [mention]
        assert store.quotes(doc.id) == [quote]
        assert store.entity_names(["org:dwp", "org:unknown"]) == {
            "org:dwp": "Department for Work and Pensions"
        }
        assert store.entity_names([]) == {}


def test_a_read_only_store_reads_while_another_writes_and_never_writes(backend_settings: Settings) -> None:
    settings = backend_settings
    with pytest.raises(StoreError):  # nothing is made for a reader: a missing store is an error
        open_store(settings, read_only=True).count()
    assert not settings.db_path.exists()
    with open_store(settings) as writer:
        with writer.transaction():
            writer.save(make_doc())
        with open_store(settings, read_only=True) as reader, writer.write_transaction():
            writer.save(make_doc("Edited while a reader reads.", fetched_day=2))
            assert reader.count() == 1 and reader.get(make_doc().id).version == 1  # not blocked, not dirty
            with pytest.raises(StoreError, match="read-?only"), reader.transaction():
                reader.save_annotations(make_doc().id, [], [])
        with open_store(settings, read_only=True) as reader:
            assert reader.get(make_doc().id).version == 2


def test_rows_come_back_as_dataclasses_and_dicts(backend_settings: Settings) -> None:
    """No driver row leaves the store: another backend can stand behind the same methods."""
    with open_store(backend_settings) as store:
        doc = make_doc()
        store.save(doc)
        store.add_record("r1", "a.warc.gz", 0, doc.url, "sha1:X", doc.fetched, doc.id, "new")
        entry = store.record_for_digest("sha1:X")
        assert entry is not None and (entry.record_id, entry.doc_id, entry.outcome) == ("r1", doc.id, "new")
        assert [e.record_id for e in store.catalogue()] == ["r1"]
        assert store.last_catalogued_offsets() == {"a.warc.gz": 0}
        assert type(store.versions(doc.id)[0]) is dict
        assert type(store.source_stats()[0]) is dict
        assert store.current_originals()[0].doc_id == doc.id
