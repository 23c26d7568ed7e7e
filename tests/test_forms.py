"""Web errors speak the form's words: fields by their labels, every problem at once, fixes that work;
the quotes page: every quote reachable, sources by name, citations with full names, roles and paragraphs."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date
from urllib.parse import unquote

import pytest

from casebook.models import Entity, Role
from webui.app import create_app
from webui.citations import quote_anchor, quote_citation, speaker_credit

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(demo_archive):  # noqa: ANN001, ANN201
    return create_app(demo_archive).test_client()


def summary(page: str) -> list[str]:
    """The error summary's items, as text."""
    box = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [
        htmllib.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", box, re.S)
    ]


def fixes(page: str) -> list[str]:
    box = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [htmllib.unescape(h) for h in re.findall(r'Did you mean <a href="([^"]+)"', box)]


def test_a_bad_date_speaks_of_the_field_and_its_fix_sets_that_field(client) -> None:  # noqa: ANN001
    page = client.get("/search?q=sanctions&since=2020-13&sort=newest")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "--since" not in html and "--until" not in html
    assert summary(html) == [
        "From: '2020-13' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD). Did you mean 2020?"
    ]
    (fix,) = fixes(html)
    assert "since=2020" in fix and "q=sanctions" in fix and "sort=newest" in fix  # the search, corrected
    fixed = client.get(fix)
    assert fixed.status_code == 200 and "from 2020" in fixed.get_data(as_text=True)
    assert re.search(r'<input id="since"[^>]*aria-invalid="true"', html)  # the field is marked
    assert '<option value="newest" selected>' in html  # the sort menu stays, as chosen


def test_every_problem_is_shown_at_once_with_one_link_that_fixes_them_all(client) -> None:  # noqa: ANN001
    html = client.get("/search?q=%22unclosed&since=2020-13&until=someday").get_data(as_text=True)
    problems = summary(html)
    assert len(problems) == 3
    assert problems[0].startswith("From: '2020-13' is not a date")
    assert problems[1] == "To: 'someday' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD), or leave it empty."
    assert problems[2].startswith("Search the archive: the quote opened at character 1 is never closed.")
    every = re.search(r'<a href="([^"]+)">Search again with every suggestion</a>', html)
    assert every and "since=2020" in htmllib.unescape(every.group(1))
    assert '"unclosed"' in htmllib.unescape(every.group(1)).replace("%22", '"')
    order = client.get("/search?q=x&since=2021&until=2020").get_data(as_text=True)
    assert summary(order) == ["From: 2021 is after To (2020). Did you mean from 2020 to 2021?"]
    swapped = client.get(fixes(order)[0])
    assert swapped.status_code == 200


def test_a_faulty_timeline_series_is_marked_on_the_form(client) -> None:  # noqa: ANN001
    page = client.get("/timeline?q=sanctions&q=titel:boycott&by=year")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert summary(html)[0].startswith("Series 2: unknown field titel:")
    assert re.search(r'<input id="q1" name="q" type="text" value="titel:boycott" aria-invalid="true"', html)
    assert 'value="sanctions">' in html  # the good series stays as typed
    fixed = client.get(fixes(html)[0])
    assert fixed.status_code == 200 and "<svg" in fixed.get_data(as_text=True)
    api = client.get("/api/timeline?q=sanctions&q=titel:boycott").get_json()
    assert api["error"].startswith("series 2 ('titel:boycott'): unknown field titel:")


def test_the_api_names_its_parameters(client) -> None:  # noqa: ANN001
    answer = client.get("/api/search?q=x&since=2020-13")
    assert answer.status_code == 400
    assert answer.get_json() == {
        "error": "since: '2020-13' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
        "suggestion": "2020",
    }


def test_a_range_typed_in_one_date_field_suggests_that_fields_end_of_it(client) -> None:  # noqa: ANN001
    """'2016..2018' typed as "To" means up to 2018: its first year would cut the search short."""
    for bound, meant in (("since", "2016"), ("until", "2018")):
        answer = client.get(f"/api/search?q=x&{bound}=2016..2018")
        assert answer.status_code == 400
        assert answer.get_json()["suggestion"] == meant, bound


def test_an_export_with_a_bad_date_links_back_to_the_form(client) -> None:  # noqa: ANN001
    html = client.get("/export/csv?q=x&since=2020-13").get_data(as_text=True)
    assert (
        "--since" not in html and 'href="/search?q=x&amp;since=2020-13">Correct it on the search page' in html
    )


# -- the quotes page ------------------------------------------------------------------------------


def test_every_quote_is_reachable_page_by_page(client) -> None:  # noqa: ANN001
    total = client.get("/api/quotes").get_json()["total"]
    assert total > 20, "the demo has more quotes than one page holds"
    seen: list[str] = []
    page, html = 1, client.get("/quotes").get_data(as_text=True)
    while True:
        seen += re.findall(r'<textarea id="quote-cite-\d+"[^>]*>([^<]*)</textarea>', html)
        following = re.search(r'<a href="([^"]+)" rel="next">Next</a>', html)
        if not following:
            break
        page += 1
        html = client.get(htmllib.unescape(following.group(1))).get_data(as_text=True)
    assert len(seen) == total and page == -(-total // 20)
    assert f"{total} quotes, 21 to {min(40, total)} shown" in client.get("/quotes?page=2").get_data(
        as_text=True
    )


def test_sources_are_chosen_by_name_from_a_list(client) -> None:  # noqa: ANN001
    html = client.get("/quotes").get_data(as_text=True)
    assert '<input type="checkbox" name="source" value="black-triangle"> Black Triangle Campaign' in html
    two = client.get("/api/quotes?source=black-triangle&source=ipswich-unemployed-action").get_json()
    assert {q["source"] for q in two["results"]} == {"black-triangle", "ipswich-unemployed-action"}
    by_title = client.get("/api/quotes?source=Black Triangle Campaign").get_json()
    assert by_title["total"] >= 1 and {q["source"] for q in by_title["results"]} == {"black-triangle"}
    unknown = client.get("/quotes?source=dns")
    assert unknown.status_code == 400
    assert summary(unknown.get_data(as_text=True)) == [
        "Sources: no source is called 'dns'; choose from the list."
    ]


def test_copy_with_source_names_the_speaker_in_full_with_the_archived_copy_and_paragraph(client) -> None:  # noqa: ANN001
    (hit, *_) = client.get("/api/quotes?speaker=Liz Sayce").get_json()["results"]
    assert hit["credit"] == "Liz Sayce"
    line = hit["citation"]
    assert line.startswith(f"“{hit['text']}” — Liz Sayce, in “Boycott call")
    assert ", Black Triangle Campaign, 4 May 2017. https://blacktrianglecampaign.org/" in line
    assert f"(archived copy: http://localhost/doc/{hit['doc_id']}/archived;" in line
    assert line.endswith(f"the quote in context: {hit['paragraph_url']})")
    assert hit["paragraph_url"].startswith(
        f"http://localhost/doc/{hit['doc_id']}#p{hit['paragraph']}:~:text="
    )
    page = client.get(f"/doc/{hit['doc_id']}").get_data(as_text=True)
    paragraph = page.split(f'id="p{hit["paragraph"]}"', 1)[1].split("</p>", 1)[0]
    assert htmllib.unescape(re.sub(r"<[^>]+>", "", paragraph)).find(hit["text"]) >= 0  # the right paragraph
    listed = client.get("/quotes?speaker=Liz Sayce").get_data(as_text=True)
    anchor = hit["paragraph_url"].split("#", 1)[1]
    assert f'href="/doc/{hit["doc_id"]}#{anchor}"' in listed  # each quote links to its paragraph and words
    assert "n.d." not in client.get("/quotes.csv").get_data(as_text=True)


def named_words(anchor: str) -> list[str]:
    """The words a text fragment names: the whole quote, or its start and end."""
    return [unquote(part) for part in anchor.split(":~:text=", 1)[1].split(",")]


def test_a_quote_link_names_its_paragraph_and_its_words_so_renumbering_does_not_lose_it() -> None:
    short = "We will not cut PIP"
    assert quote_anchor(16, short) == "p16:~:text=We%20will%20not%20cut%20PIP"
    long = "Cruel - costly & broken, the work capability assessment must go, said the chair - today"
    anchor = quote_anchor(3, long)
    assert anchor.startswith("p3:~:text=")
    start, end = named_words(anchor)
    assert (
        long.startswith(start)
        and long.endswith(end)
        and (start, end) == ("Cruel - costly &", "the chair - today")
    )
    assert "-" not in anchor.split(":~:", 1)[1] and "&" not in anchor  # the fragment's own syntax, escaped
    (words,) = named_words(quote_anchor(1, "cut - and run, they said"))
    assert words == "cut - and run, they said"  # a dash and a comma inside the words do not split them
    placed = quote_anchor(30, "not happy", "Liz Sayce said she was “")  # the last words before it go first
    assert placed == "p30:~:text=she%20was%20%E2%80%9C-,not%20happy"


def test_undated_quotes_say_undated_not_nd() -> None:
    line = quote_citation("Words", "Someone", "Title", "Outlet", None, "https://x.org/a", "A", "P")
    assert "Outlet, undated. https://x.org/a" in line and "n.d." not in line


def test_an_official_is_credited_with_the_role_held_on_the_articles_date() -> None:
    timms = Entity(
        "official:stephen-timms",
        "official",
        "Stephen Timms",
        roles=[
            Role(
                "Chair of the Work and Pensions Committee", date(2020, 1, 29), date(2024, 5, 30), "https://a"
            ),
            Role("Minister of State for Social Security and Disability", date(2024, 7, 8), None, "https://b"),
        ],
    )
    assert speaker_credit("Timms", timms, None, date(2025, 1, 9)) == (
        "Stephen Timms, Minister of State for Social Security and Disability"
    )
    assert speaker_credit("Timms", timms, None, date(2021, 3, 1)) == (
        "Stephen Timms, Chair of the Work and Pensions Committee"
    )
    assert speaker_credit("Timms", timms, None, date(2024, 6, 15)) == "Stephen Timms"  # between roles
    assert speaker_credit("Timms", timms, None, None) == "Stephen Timms"  # undated: role unknown
    dwp = Entity("org:dwp", "organisation", "Department for Work and Pensions")
    assert (
        speaker_credit("A DWP spokesman", dwp, None, None)
        == "a Department for Work and Pensions spokesperson"
    )
    assert speaker_credit("Sayce", None, "Liz Sayce", None) == "Liz Sayce"
    assert speaker_credit(None, None, None, None) == "speaker not identified"


def test_an_invented_speaker_is_credited_as_sample_data() -> None:
    """The demo's invented officials: the credit, copied on its own, still says they are not real."""
    invented = Entity(
        "official:sample-ignatius-drumbleforth",
        "official",
        "Ignatius Drumbleforth",
        roles=[Role("Minister for Employment", date(2014, 1, 1), None, "https://x.sample.invalid/")],
    )
    assert speaker_credit("Drumbleforth", invented, None, date(2020, 1, 1), sample=True) == (
        "Ignatius Drumbleforth, Minister for Employment (sample data: an invented person)"
    )
    assert speaker_credit("Drumbleforth", invented, None, None, sample=True) == (
        "Ignatius Drumbleforth (sample data: an invented person)"
    )
