"""The demo as `casebook demo` builds it: rich enough to try every feature, and its sample data said to be
invented on every page, in its sources, on each invented article and in what is copied from it; no quote in
it given to a real person or body."""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest

from casebook.settings import Settings
from casebook.store import Store
from indexer.enrich.gazetteer import load_gazetteer
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
        assert "no real person is quoted in them" in text, path


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


def test_no_invented_quote_is_given_to_a_real_person_or_body(full_demo: Settings) -> None:
    """Every quote the real enrichment pipeline found in the sample articles has an invented speaker (or
    none it could name): not one to an entity of the real gazetteer, official, person or organisation."""
    real = {e.id for e in load_gazetteer(full_demo.gazetteer_path)}
    invented = {e.id for e in load_gazetteer(full_demo.sample_gazetteer_path)}
    with Store(full_demo.db_path) as store:
        rows = store.db.execute(
            "SELECT q.speaker, q.speaker_id, d.source LIKE 'sample-%' AS sample"
            " FROM quotes q JOIN documents d ON d.id = q.doc_id"
        ).fetchall()
    sample = [r for r in rows if r["sample"]]
    assert len(sample) >= 1000
    given_to_real = [(r["speaker"], r["speaker_id"]) for r in sample if r["speaker_id"] in real]
    assert given_to_real == []
    assert sum(1 for r in sample if r["speaker_id"] in invented) >= 500  # the invented officials speak
    real_quoted = sum(1 for r in rows if not r["sample"] and r["speaker_id"] in real)
    assert real_quoted >= 1  # the check can fail: the real pages' quotes do go to real entities


def citations(client, speaker: str) -> list[str]:  # noqa: ANN001
    """Every "copy with source" line the quotes page offers for a speaker, page after page."""
    lines: list[str] = []
    page = 1
    while True:
        found = client.get(f"/quotes?speaker={speaker}&page={page}").get_data(as_text=True)
        lines += [
            html.unescape(t)
            for t in re.findall(r'<textarea [^>]*class="quote-cite"[^>]*>(.*?)</textarea>', found, re.S)
        ]
        if 'rel="next"' not in found:
            return lines
        page += 1


def test_an_invented_official_is_quoted_across_a_change_of_role(client, full_demo: Settings) -> None:  # noqa: ANN001
    """The quotes page's "copy with source" gives the invented official's role on each article's date, and
    says the speaker is invented; the same person is quoted in two roles, years apart."""
    (official,) = [
        e for e in load_gazetteer(full_demo.sample_gazetteer_path) if e.name == "Ignatius Drumbleforth"
    ]
    lines = citations(client, "Ignatius+Drumbleforth")
    assert len(lines) > 20
    seen: dict[str, set[int]] = {}
    for line in lines:
        found = re.search(r"” — (.*?), in “.*?”, .*? \(sample data\), (\d{1,2} \w+ \d{4}|undated)\. ", line)
        assert found, line
        credit, when = found.groups()
        if when == "undated":
            assert credit == "Ignatius Drumbleforth (sample data: an invented person)"
            continue
        day = datetime.strptime(when, "%d %B %Y").date()
        (role,) = [r.title for r in official.roles if r.holds_on(day)]
        assert credit == f"Ignatius Drumbleforth, {role} (sample data: an invented person)", line
        seen.setdefault(role, set()).add(day.year)
    assert set(seen) == {
        "Chair of the Work and Pensions Committee",
        "Minister of State for Social Security and Disability",
    }
    assert (
        max(seen["Minister of State for Social Security and Disability"])
        - min(seen["Chair of the Work and Pensions Committee"])
        >= 5
    )


def test_an_invented_official_says_so_wherever_shown(client, full_demo: Settings) -> None:  # noqa: ANN001
    entity = "official:sample-ignatius-drumbleforth"
    page = client.get(f"/entity/{entity}").get_data(as_text=True)
    assert "Sample data: Ignatius Drumbleforth is an invented person." in page
    assert "invented (sample data)" in page and "gazetteer.sample.invalid" not in page  # no source to link
    assert client.get(f"/api/entity/{entity}").get_json()["sample"] is True
    real = client.get("/entity/official:stephen-timms").get_data(as_text=True)
    assert (
        "is an invented person" not in real
        and client.get("/api/entity/scheme:pip").get_json()["sample"] is False
    )
    facets = client.get("/search?q=*&more=official").get_data(as_text=True)
    assert re.search(r"Ignatius Drumbleforth \(sample data\) <span class=\"count\">", facets)
    (doc_id, *_) = [
        r["doc_id"] for r in client.get("/api/quotes?speaker=Ignatius+Drumbleforth").get_json()["results"]
    ]
    listed = client.get(f"/doc/{doc_id}").get_data(as_text=True)
    assert 'Ignatius Drumbleforth</a> <span class="kind">(official, sample data: invented)</span>' in listed


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
