"""The store keeps every version, changes nothing on a repeat, and survives a failed transaction: on SQLite
and on PostgreSQL alike (each test runs on both through the ``backend_settings`` fixture)."""

import os
import signal
import socket
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from conftest import ROOT

from casebook.models import Comment, Document, Mention, Quote
from casebook.settings import Settings, load_settings
from casebook.store import (
    MIGRATIONS,
    POSTGRES_MIGRATIONS,
    Store,
    StoreBusy,
    StoreError,
    StoreUnreachable,
    open_store,
)


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


def columns(store: Store) -> dict[str, list[str]]:
    """Every table's columns, in order, as the database itself describes them."""
    if store.location.startswith("postgres"):
        rows = store.db.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name != 'casebook_schema'"
            " ORDER BY table_name, ordinal_position"
        ).fetchall()
        found: dict[str, list[str]] = {}
        for table, column in rows:
            found.setdefault(table, []).append(column)
        return found
    tables = [
        r[0]
        for r in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {t: [r["name"] for r in store.db.execute(f"PRAGMA table_info({t})")] for t in tables}


def test_both_backends_have_the_same_tables_and_columns(tmp_path, postgres) -> None:  # noqa: ANN001
    """One SQL text serves both, so the PostgreSQL migrations must make exactly SQLite's schema."""
    with Store(tmp_path / "c.db") as lite, Store(postgres.new_database()) as server:
        assert columns(server) == columns(lite)
        assert len(columns(lite)) >= 12


def test_a_writer_on_postgres_waits_for_another_and_names_it(postgres) -> None:  # noqa: ANN001
    """The write lock holds across connections (processes, machines): a second writer waits, then says
    whose write it waited for, in one line."""
    url = postgres.new_database()
    with Store(url) as holder, Store(url, lock_wait=0.5) as waiter:
        with holder.write_transaction():
            holder.save(make_doc())
            with pytest.raises(StoreBusy) as waited, waiter.write_transaction():
                pass
            assert f"the store is being written by pid {os.getpid()} (" in str(waited.value)
            assert "(waited 0.5 s); run again when it has finished" in str(waited.value)
            assert waiter.count() == 0  # the holder's write is not seen before it commits
        with waiter.write_transaction():  # released at commit
            assert waiter.count() == 1


def test_a_killed_writer_on_postgres_leaves_no_lock_behind(postgres, tmp_path) -> None:  # noqa: ANN001
    url = postgres.new_database()
    Store(url).close()
    script = (
        "import sys, time; from casebook.store import Store; s = Store(sys.argv[1]);"
        " t = s.write_transaction(); t.__enter__(); print('holding', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, url], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with Store(url, lock_wait=0.2) as waiter, pytest.raises(StoreBusy, match=f"pid {holder.pid} "):
            with waiter.write_transaction():
                pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with Store(url, lock_wait=10) as store, store.write_transaction():
        store.save(make_doc())
    with Store(url, read_only=True) as reader:
        assert reader.count() == 1


def test_an_unreachable_server_is_one_line_without_the_password(postgres) -> None:  # noqa: ANN001
    port = postgres.port
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert free != port
    url = f"postgresql://casebook:s3cret@127.0.0.1:{free}/casebook"
    settings = load_settings(env={"CASEBOOK_DATABASE_URL": url})
    with pytest.raises(StoreUnreachable) as failed:
        open_store(settings)
    message = str(failed.value)
    assert "s3cret" not in message and "casebook:***@127.0.0.1" in message
    assert "\n" not in message and "database_url" in message
