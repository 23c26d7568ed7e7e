"""Which date: dates, year and month facets and date order by the day the archive collected each page
(``date=collected``) or by the day it was published (the default), in the web page, the API and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from conftest import settings_for
from test_feed import page

from casebook.cli import cli
from casebook.settings import Settings
from indexer.pipeline.ingest import FileImport, ingest
from indexer.search import SearchParams
from webui.app import create_app

pytestmark = pytest.mark.slow

# name: (url, published, collected)
PAGES = {
    "old-news-new-here": (
        "https://dates.example/2019/a",
        "2019-03-01",
        datetime(2024, 6, 3, 23, 30, tzinfo=UTC),
    ),
    "new-news": ("https://dates.example/2024/b", "2024-05-20", datetime(2024, 5, 21, 8, tzinfo=UTC)),
    "long-held": ("https://dates.example/2020/c", "2020-01-10", datetime(2021, 2, 1, 8, tzinfo=UTC)),
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("dates-pages")
    imports = []
    for name, (url, day, collected) in PAGES.items():
        path = folder / f"{name}.html"
        path.write_text(page(f"Quokka report {name}", day, f"Quokka {name} text."), encoding="utf-8")
        imports.append(FileImport(path, url, collected))
    settings = settings_for(tmp_path_factory.mktemp("dates-data"))
    report = ingest(settings, imports=imports, progress=False, enrich=False)
    assert report.outcomes["new"] == len(PAGES), report.skipped
    return settings


def titles(found: dict) -> list[str]:
    return [hit["title"].removeprefix("Quokka report ") for hit in found["results"]]


def test_dates_filter_by_the_day_collected_when_asked(archive: Settings) -> None:
    client = create_app(archive).test_client()
    published = client.get("/api/search?q=quokka&since=2024-06").get_json()
    assert published["total"] == 0
    collected = client.get("/api/search?q=quokka&since=2024-06&date=collected").get_json()
    assert titles(collected) == ["old-news-new-here"]
    assert collected["results"][0]["collected"] == "2024-06-03"
    assert collected["results"][0]["published"] == "2019-03-01"
    assert "collected" not in published  # the default answer keeps its shape
    assert "collected" not in client.get("/api/search?q=quokka").get_json()["results"][0]


def test_year_facets_and_date_order_follow_the_date_chosen(archive: Settings) -> None:
    client = create_app(archive).test_client()
    by_published = client.get("/api/search?q=quokka&sort=newest").get_json()
    assert titles(by_published) == ["new-news", "long-held", "old-news-new-here"]
    assert by_published["facets"]["year"] == {"2019": 1, "2020": 1, "2024": 1}
    by_collected = client.get("/api/search?q=quokka&sort=newest&date=collected").get_json()
    assert titles(by_collected) == ["old-news-new-here", "new-news", "long-held"]
    assert by_collected["facets"]["year"] == {"2024": 2, "2021": 1}
    assert by_collected["facets"]["month"] == {"2021-02": 1, "2024-05": 1, "2024-06": 1}
    in_2021 = client.get("/api/search?q=quokka&date=collected&year=2021").get_json()
    assert titles(in_2021) == ["long-held"]
    assert client.get("/api/search?q=quokka&year=2021").get_json()["total"] == 0


def test_the_search_page_offers_the_choice_and_says_which_date(archive: Settings) -> None:
    client = create_app(archive).test_client()
    html = client.get("/search?q=quokka&date=collected&since=2024").get_data(as_text=True)
    assert '<option value="collected" selected>' in html
    assert "collected from 2024" in html and "collected 2024-06-03" in html
    assert "By year collected" in html and "Year collected" in html
    plain = client.get("/search?q=quokka").get_data(as_text=True)
    assert '<option value="published" selected>' in plain and "By year of publication" in plain
    feed = client.get("/search.atom?q=quokka&date=collected").get_data(as_text=True)
    assert feed.index("new-here") < feed.index("new-news") < feed.index("long-held")


def test_the_cli_searches_by_either_date(archive: Settings) -> None:
    base = ["--data-dir", str(archive.data_dir), "search", "quokka", "--since", "2024-06"]
    result = CliRunner().invoke(cli, [*base, "--date", "collected"])
    assert result.exit_code == 0, result.output
    assert (
        "1 documents match" in result.output
        and "collected 2024-06-03 (published 2019-03-01)" in result.output
    )
    assert "0 documents match" in CliRunner().invoke(cli, base).output


def test_a_search_says_its_date_in_its_query_string() -> None:
    params = SearchParams.from_query_string(
        "q=pip&date=collected&since=2024&source=dns&-year=2020&sort=newest"
    )
    assert params.dated_by == "collected" and params.filters == {"source": ["dns"]}
    assert params.exclude == {"year": ["2020"]} and params.sort == "newest"
    again = SearchParams.from_query_string(params.query_string())
    assert again == params
    assert (
        SearchParams.from_query_string("q=x&date=fetched&sort=sideways").narrowing()["dated_by"]
        == "published"
    )
