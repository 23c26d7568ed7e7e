"""The demo as `casebook demo` builds it: rich enough to try every feature, and its sample data said to be
invented on every page, in its sources, on each invented article and in what is copied from it."""

from __future__ import annotations

import re

import pytest

from casebook.settings import Settings
from casebook.store import Store
from webui.app import create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(full_demo: Settings):  # noqa: ANN201
    return create_app(full_demo).test_client()


def doc_ids(settings: Settings, where: str) -> list[str]:
    with Store(settings.db_path) as store:
        return [r["id"] for r in store.db.execute(f"SELECT id FROM documents WHERE {where} ORDER BY id")]


def test_every_page_of_the_demo_says_it_holds_sample_data(client, full_demo: Settings) -> None:  # noqa: ANN001
    sample = doc_ids(full_demo, "source LIKE 'sample-%'")
    real = doc_ids(full_demo, "source NOT LIKE 'sample-%'")
    assert len(sample) >= 300 and len(real) == 8
    pages = ["/", "/search?q=PIP", "/quotes", "/timeline?q=scheme:pip", "/timelines", "/sources", "/help",
             "/entity/scheme:pip", f"/doc/{sample[0]}", f"/doc/{real[0]}", f"/doc/{sample[0]}/archived",
             "/search?q=%22unclosed", "/no-such-page"]  # fmt: skip
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        notice = re.search(r'<div class="sample-notice" role="note">(.*?)</div>', html, re.S)
        assert notice, path
        text = " ".join(notice.group(1).split())
        assert f"{len(sample)} of the {len(sample) + len(real)} articles here are invented" in text, path
        assert "words given to real officials" in text, path


def test_an_invented_article_says_so_and_so_does_everything_copied_from_it(
    client, full_demo: Settings
) -> None:  # noqa: ANN001
    (sample, *_) = doc_ids(full_demo, "source = 'sample-disability-affairs-weekly'")
    (real, *_) = doc_ids(full_demo, "source = 'black-triangle'")
    page = client.get(f"/doc/{sample}").get_data(as_text=True)
    assert "Sample data: this article is invented." in page and "Do not cite it." in page
    assert "this article is invented" not in client.get(f"/doc/{real}").get_data(as_text=True)
    cite_box = page.split("Cite this article", 1)[1].split("</section>", 1)[0]
    assert cite_box.count("Disability Affairs Weekly (sample data)") == 3  # plain, Markdown, Harvard
    assert ".sample.invalid/" in cite_box  # an address that leads nowhere
    exported = client.get("/export/csv?q=*&source=sample-welfare-ledger").get_data(as_text=True)
    assert exported.count("The Welfare Ledger (sample data)") >= 2 * 40  # outlet column and citation
    quote = client.get("/api/quotes?source=sample-access-rights-bulletin").get_json()["results"][0]
    assert "Access Rights Bulletin (sample data)" in quote["citation"]
    sources = client.get("/sources").get_data(as_text=True)
    assert "are invented outlets" in sources and sources.count("(sample data)") >= 6


def test_the_demo_holds_years_of_every_major_scheme(client) -> None:  # noqa: ANN001
    for scheme in ("pip", "universal-credit", "wca", "esa", "sanctions", "access-to-work"):
        series = client.get(f"/api/timeline?q=scheme:{scheme}&by=year").get_json()
        years = [p for p, n in zip(series["periods"], series["series"][f"scheme:{scheme}"], strict=True) if n]
        assert len(years) >= 8, (scheme, years)
    everything = client.get("/api/timeline?q=*&by=year").get_json()
    assert len([n for n in everything["series"]["*"] if n]) >= 12 and everything["undated"]["*"] >= 10


def test_an_official_is_quoted_across_a_change_of_role(client) -> None:  # noqa: ANN001
    credits = set()
    page = 1
    while True:
        found = client.get(f"/api/quotes?speaker=Stephen+Timms&page={page}").get_json()
        credits |= {q["credit"] for q in found["results"]}
        if page * 20 >= found["total"]:
            break
        page += 1
    assert "Stephen Timms, Chair of the Work and Pensions Committee" in credits
    assert "Stephen Timms, Minister of State for Social Security and Disability" in credits


def test_reposts_corrections_and_comments_are_there_to_find(client, full_demo: Settings) -> None:  # noqa: ANN001
    everything = client.get("/api/search?q=*").get_json()["total"]
    originals = client.get("/api/search?q=*&originals=1").get_json()["total"]
    assert everything - originals == 24  # the campaign blog's reposts, each crediting its original
    with Store(full_demo.db_path) as store:
        corrected = store.db.execute("SELECT id FROM documents WHERE version = 2").fetchall()
        commented = store.db.execute("SELECT COUNT(*) FROM documents WHERE comments != '[]'").fetchone()[0]
    assert len(corrected) >= 12 and commented >= 80
    page = client.get(f"/doc/{corrected[0]['id']}").get_data(as_text=True)
    assert "Versions: the text changed after publication" in page and "This article was amended" in page
