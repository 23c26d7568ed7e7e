"""One search service for documents and quotes, the gazetteer part of it: every page and export resolves
an entity field by the same names (two timeline searches once left the gazetteer out, so ``scheme:ESA``
could find less on the timeline than in search)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import quote

import pytest
from conftest import settings_for
from searching import BACKENDS, new_backend

from casebook.models import Document, Mention, Quote
from casebook.settings import Settings
from casebook.store import Store
from indexer.enrich.gazetteer import load_gazetteer
from indexer.search import SearchBackend, SearchService, index_entry, open_backend
from webui.app import create_app

TEXT = "Claimants of JSA were sanctioned, David Blunkett said in Sheffield."
JSA = Mention("JSA", "scheme", "scheme:jsa", "Jobseeker's Allowance", 13, 16)
BLUNKETT = Mention("David Blunkett", "official", "official:david-blunkett", "David Blunkett", 34, 48)
SAID = Quote("Claimants of JSA were sanctioned", "David Blunkett", "official:david-blunkett", "said", 0, 32)
# names the gazetteer gives and no document uses: only the gazetteer resolves them
SCHEME = 'scheme:"Job Seeker\'s Allowance"'
SPEAKER = "Lord Blunkett"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = settings_for(tmp_path_factory.mktemp("service") / "data")
    url = "https://service.example/jsa"
    doc = Document(url=url, canonical_url=url, source="service", title="Sanctions under JSA", text=TEXT,
                   fetched=datetime(2024, 1, 1, tzinfo=UTC), published=date(2019, 5, 1))  # fmt: skip
    with Store(settings.db_path) as store:
        with store.transaction():
            store.save(doc)
            store.save_annotations(doc.id, [JSA, BLUNKETT], [SAID])
        entry = index_entry(store.get(doc.id), store.mentions(doc.id), store.quotes(doc.id))
    open_backend(settings).rebuild([entry])
    return settings


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest, archive: Settings) -> SearchBackend:
    """The archive's index (Whoosh, as the settings say), or the same entry in a PostgreSQL index."""
    if request.param == "whoosh":
        return open_backend(archive)
    with Store(archive.db_path) as store:
        entries = [index_entry(s, store.mentions(s.document.id), store.quotes(s.document.id))
                   for s in store.iter_documents()]  # fmt: skip
    made = new_backend(request.param, archive.data_dir, request)
    made.rebuild(entries)
    return made


def test_a_service_is_made_with_the_gazetteer_or_not_at_all(
    archive: Settings, backend: SearchBackend
) -> None:
    assert isinstance(backend, SearchBackend)  # each backend has every method of the seam
    with pytest.raises(TypeError):
        SearchService(backend)  # type: ignore[call-arg]
    without = SearchService(backend, gazetteer=())
    assert without.search(SCHEME)["total"] == 0  # the archive's own names do not reach the alias
    assert without.search_quotes(speaker=SPEAKER)["total"] == 0
    service = SearchService(backend, gazetteer=load_gazetteer(archive.gazetteer_path))
    assert service.search(SCHEME)["total"] == 1
    assert service.search_quotes(speaker=SPEAKER)["total"] == 1
    total, hits = service.every_match(SCHEME)
    assert total == 1 and [h["title"] for h in hits] == ["Sanctions under JSA"]


def test_every_page_resolves_an_entity_by_the_gazetteers_names(archive: Settings) -> None:
    client = create_app(archive).test_client()
    q = quote(SCHEME)
    assert client.get(f"/api/search?q={q}").get_json()["total"] == 1
    search_page = client.get(f"/search?q={q}").get_data(as_text=True)
    assert "Sanctions under JSA" in search_page
    timeline = client.get(f"/api/timeline?q={q}&by=year").get_json()
    assert timeline["periods"] == ["2019"] and timeline["series"][SCHEME] == [1.0]
    page = client.get(f"/timeline?q={q}&by=year").get_data(as_text=True)
    assert "Sanctions under JSA" in page  # the key articles, searched by the timeline itself
    exported = client.get(f"/export/csv?q={q}").get_data(as_text=True)
    assert "Sanctions under JSA" in exported
    speaker = quote(SPEAKER)
    assert client.get(f"/api/quotes?speaker={speaker}").get_json()["total"] == 1
    assert "Claimants of JSA were sanctioned" in client.get(f"/quotes.csv?speaker={speaker}").get_data(
        as_text=True
    )


def test_the_fields_a_query_tree_names_are_the_entries_fields_every_backend_indexes() -> None:
    """The seam's vocabulary: the compiler and the filters name only fields an index entry documents, and
    the Whoosh schemas index each of them (a second backend indexes the same list)."""
    from indexer.search import ALL_FACETS
    from indexer.search.compiler import DOCUMENTS, QUOTES, Profile
    from indexer.search.entries import DOCUMENT_FIELDS, QUOTE_FIELDS
    from indexer.search.whoosh_schema import make_quotes_schema, make_schema

    def named(profile: Profile) -> set[str]:
        fields = {f for target in profile.text.values() for f in target.fields}
        return (
            fields | set(profile.keyword.values()) | set(profile.entity.values()) | set(profile.speaker or ())
        )

    assert named(DOCUMENTS) | set(ALL_FACETS) | {"original"} <= set(DOCUMENT_FIELDS)
    assert named(QUOTES) | {"source", "speaker_id", "original"} <= set(QUOTE_FIELDS)
    for fields, schema in ((DOCUMENT_FIELDS, make_schema()), (QUOTE_FIELDS, make_quotes_schema())):
        assert set(fields) <= {name for name, field in schema.items() if field.indexed}
