"""Exports hold the whole result set, however large, streamed by the real server (``casebook serve``):
every format and ``/quotes.csv`` past the 5,000 rows where they used to stop without a word."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import settings_for
from webserver import Server

from bench.synthetic import Generator
from casebook.settings import Settings
from casebook.store import Store
from indexer.search import index_entry
from indexer.search.whoosh_backend import WhooshIndex

pytestmark = pytest.mark.slow

DOCS = 5600


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A synthetic archive (store and index; no WARC files, which exports do not read) over 5,000 hits."""
    settings = settings_for(tmp_path_factory.mktemp("exports") / "data")
    generated = list(Generator(seed=9, mean_words=250).docs(DOCS))
    with Store(settings.db_path) as store, store.transaction():
        for item in generated:
            store.save(item.stored.document)
            store.save_annotations(item.stored.document.id, item.mentions, item.quotes)
    WhooshIndex(settings.index_dir).rebuild(index_entry(d.stored, d.mentions, d.quotes) for d in generated)
    return settings


@pytest.fixture(scope="module")
def server(big: Settings, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with Server(big.data_dir, tmp_path_factory.mktemp("log") / "serve.log") as running:
        yield running


def test_every_export_format_holds_every_match_streamed(server: Server, big: Settings) -> None:
    client = server.client()
    counts = {
        "csv": lambda text: len(list(csv.DictReader(io.StringIO(text)))),
        "jsonl": lambda text: len([json.loads(line) for line in text.splitlines()]),
        "ris": lambda text: text.count("ER  - "),
        "csl": lambda text: len(json.loads(text)),
    }
    for fmt, count in counts.items():
        answer = client.get(f"/export/{fmt}?q=*&sort=oldest")
        assert answer.status == 200, fmt
        assert "content-length" not in answer.headers and answer.headers.get("transfer-encoding") == "chunked"
        assert count(answer.text) == DOCS, fmt
    rows = list(csv.DictReader(io.StringIO(client.get("/export/csv?q=*&sort=oldest&bom=0").text)))
    dates = [r["published"] for r in rows]
    assert dates == sorted(dates) and len({r["id"] for r in rows}) == DOCS  # in order, each once


def test_the_quotes_export_holds_every_quote(server: Server, big: Settings) -> None:
    with Store(big.db_path) as store:
        held = store.db.execute("SELECT COUNT(*) FROM quotes").fetchone()[0]
    assert held > 5000
    answer = server.client().get("/quotes.csv")
    assert answer.status == 200 and answer.headers.get("transfer-encoding") == "chunked"
    assert len(list(csv.DictReader(io.StringIO(answer.text)))) == held


def test_a_malformed_query_is_refused_before_anything_is_sent(server: Server) -> None:
    answer = server.client().get("/export/csv?q=%22never%20closed")
    assert answer.status == 400 and "never closed" in answer.text
    assert server.client().get("/quotes.csv?q=published:2020-13").status == 400


def test_exports_of_a_narrowed_search_hold_just_its_matches(server: Server, big: Settings) -> None:
    source = Generator(seed=9, mean_words=250).doc(0).stored.document.source
    with Store(big.db_path) as store:
        expected = store.db.execute("SELECT COUNT(*) FROM documents WHERE source=?", (source,)).fetchone()[0]
    text = server.client().get(f"/export/jsonl?q=*&source={source}").text
    assert [json.loads(line)["outlet"] for line in text.splitlines()] == [source] * expected
    assert Path(big.data_dir).exists()
