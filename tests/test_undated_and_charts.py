"""Undated articles are counted and reachable wherever dates filter (search, timeline, entity pages); charts
are drawn legible: labels at their shown size, thinned to fit, inside the frame, y ticks, gaps, a true key."""

from __future__ import annotations

import re

import pytest

from webui.app import create_app
from webui.charts import CHAR, DASHES, bar_chart, every_year, line_chart, nice_ticks


@pytest.fixture(scope="module")
def client(demo_archive):  # noqa: ANN001, ANN201
    return create_app(demo_archive).test_client()


def undated_total(client) -> int:  # noqa: ANN001
    return client.get("/api/search?q=*&year=undated").get_json()["total"]


@pytest.mark.slow
def test_the_year_facet_counts_undated_articles(client) -> None:  # noqa: ANN001
    everything = client.get("/api/search?q=*").get_json()
    undated = [r for r in client.get("/api/search?q=*&limit=100").get_json()["results"] if not r["published"]]
    assert everything["facets"]["year"]["undated"] == undated_total(client) == len(undated) > 0
    found = client.get("/api/search?q=*&year=undated").get_json()["results"]
    assert found and all(r["published"] is None for r in found)
    page = client.get("/search?q=*").get_data(as_text=True)
    facet = page.split('id="facet-year"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'year=undated[^"]*">undated <span class="count">\(\d+\)', facet)


@pytest.mark.slow
@pytest.mark.parametrize("dates", ["since=2017", "until=2030", "year=2017"])
def test_a_date_filter_says_how_many_undated_articles_it_leaves_out(client, dates: str) -> None:  # noqa: ANN001
    html = client.get(f"/search?q=*&{dates}").get_data(as_text=True)
    count = undated_total(client)
    note = re.search(
        r'<p class="notice undated-note">(\d+) undated articles match but are not shown.*?<a href="([^"]+)"',
        html,
    )
    assert note and int(note.group(1)) == count
    listed = client.get(note.group(2).replace("&amp;", "&")).get_data(as_text=True)
    assert f"{count} documents" in listed and "undated" in listed
    assert "undated-note" not in client.get("/search?q=*").get_data(as_text=True)  # nothing left out
    assert "undated-note" not in client.get("/search?q=*&since=2017&-year=undated").get_data(as_text=True)


@pytest.mark.slow
def test_the_timeline_and_entity_pages_say_what_they_cannot_place(client) -> None:  # noqa: ANN001
    count = undated_total(client)
    html = client.get("/timeline?q=*&by=year").get_data(as_text=True)
    assert re.search(rf'<a href="/search\?q=\*&amp;year=undated">{count} undated for “\*”</a>', html)
    assert client.get("/api/timeline?q=*&by=month").get_json()["undated"] == {"*": count}
    dwp = client.get("/api/entity/org:dwp").get_json()["archive"]
    assert dwp["undated"] >= 1 and "undated-note" in client.get("/entity/org:dwp").get_data(as_text=True)


@pytest.mark.slow
def test_share_of_coverage_is_no_coverage_not_zero_where_the_archive_holds_nothing(client) -> None:  # noqa: ANN001
    data = client.get("/api/timeline?q=*&by=year&measure=share").get_json()
    everything = client.get("/api/timeline?q=*&by=year").get_json()["series"]["*"]
    shares = data["series"]["*"]
    assert None in shares and 0 not in shares
    assert [s is None for s in shares] == [n == 0 for n in everything]
    html = client.get("/timeline?q=*&by=year&measure=share").get_data(as_text=True)
    assert "<td>no coverage</td>" in html and "A gap in a line" in html


# -- the charts themselves -------------------------------------------------------------------------


def labels(svg: str) -> list[tuple[float, str, str]]:
    """(x, anchor, text) of each x-axis label (the ones centred under the plot)."""
    return [
        (float(x), anchor, text)
        for x, anchor, text in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" class="axis" text-anchor="(middle)">([^<]+)', svg
        )
    ]


def test_ticks_are_round_and_cover_the_top() -> None:
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(100) == [0, 25, 50, 75, 100]
    assert nice_ticks(1) == [0, 1]
    assert nice_ticks(0.8) == [0, 0.2, 0.4, 0.6, 0.8]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(9) == [0, 2.5, 5, 7.5, 10]  # a share
    assert nice_ticks(9, whole=True) == [0, 5, 10]  # articles: no '7.5 articles'
    assert nice_ticks(1, whole=True) == [0, 1]
    svg = str(bar_chart([("2012", 7), ("2013", 9), ("2014", 3)], "By year"))
    assert re.findall(r'text-anchor="end">([^<]+)<', svg) == ["0", "5", "10"]


def test_a_histogram_of_many_years_keeps_its_labels_apart_and_inside() -> None:
    points = [(str(y), y % 7 + 1) for y in range(2008, 2026)]
    svg = str(bar_chart(points, "By year"))
    assert 'width="256" height="150" viewBox="0 0 256 150"' in svg  # drawn at the size it is shown
    shown = labels(svg)
    assert shown[0][2] == "2008" and 4 <= len(shown) < len(points)
    width = 4 * CHAR
    assert all(b[0] - a[0] >= width for a, b in zip(shown, shown[1:], strict=False))  # no overlap
    assert all(x - width / 2 >= 0 and x + width / 2 <= 256 for x, _, _ in shown)  # none clipped
    ticks = re.findall(r'text-anchor="end">([\d.]+)</text>', svg)
    assert ticks == ["0", "2", "4", "6", "8"]  # a y axis with ticks, not only its maximum


def test_line_chart_draws_gaps_and_a_key_that_matches_each_line() -> None:
    periods = [f"2024-{m:02d}" for m in range(1, 13)]
    series = {"PIP": [1.0] * 12, "ESA": [2.0, 2.5, None, 3.0] + [1.0] * 8, "UC": [0.5] * 12}
    html = str(line_chart(periods, series, "Coverage"))
    wide = html.split('class="chart chart-narrow"')[0]
    assert wide.count('class="series series-1"') == 2  # ESA's line is broken at the gap
    lone = str(line_chart(periods[:3], {"PIP": [1.0, None, 2.0]}, "Coverage"))
    assert lone.count("<circle") == 4 and "<polyline" not in lone  # a period alone between gaps is a dot
    for shown in (labels(wide), labels(html.split('class="chart chart-narrow"')[1])):
        assert shown[-1][0] + len(shown[-1][2]) * CHAR / 2 <= 720 and shown[0][0] - 3.5 * CHAR >= 0
    key = html.split('<ul class="legend"', 1)[1]
    for n, name in enumerate(series):
        dash = DASHES[n]
        line = re.search(rf'class="series series-{n}"( stroke-dasharray="([^"]+)")?/></svg> {name}</li>', key)
        assert line and (line.group(2) or "") == dash
        drawn = re.search(rf'class="series series-{n}" fill="none"( stroke-dasharray="([^"]+)")?>', wide)
        assert drawn and (drawn.group(2) or "") == dash  # the key's stroke is the line's stroke


# -- snippets, empty results, examples from the archive (item 10 of issue 14) -----------------------


def test_snippets_are_cut_between_words_and_say_so() -> None:
    from indexer.search.highlight import SNIPPET_CHARS, Marks, highlight_text, lead

    text = "The work capability assessment " * 30
    opening = lead(text)
    assert opening.endswith(" …") and len(opening) <= SNIPPET_CHARS + 2
    assert text.startswith(opening[:-2]) and text[len(opening) - 2] == " "  # cut where a word ends
    assert lead("Short text.") == "Short text."
    body = (
        ("Claimants said the process was slow. " * 20)
        + "Sanctions rose sharply. "
        + ("More words follow here. " * 20)
    )
    marked = highlight_text(body, Marks(exact={"sanctions"}))
    assert marked.startswith("… ") and marked.endswith(" …") and "<mark>Sanctions</mark>" in marked
    inside = re.sub(r"</?mark>", "", marked[2:-2])
    assert inside in body and body[body.index(inside) - 1] == " "  # the fragment starts on a word


@pytest.mark.slow
def test_a_search_that_finds_nothing_says_what_to_try(client) -> None:  # noqa: ANN001
    html = client.get("/search?q=benefit+zzyzx&source=dorset-iww").get_data(as_text=True)
    assert "Filter these results" not in html and 'id="filters"' not in html  # no empty filter column
    help_box = html.split('class="no-results"', 1)[1].split("</div>", 1)[0]
    assert "Nothing in the archive matches “benefit zzyzx” with these filters" in help_box
    assert 'href="/search?q=benefit+zzyzx">the same words without the filters' in help_box
    assert "any of the words: benefit OR zzyzx" in help_box
    any_of = re.search(r'<a href="([^"]+)">any of the words', help_box).group(1).replace("&amp;", "&")
    assert client.get(any_of.replace("source=dorset-iww", "")).status_code == 200


@pytest.mark.slow
def test_the_search_box_examples_come_from_the_archive(client) -> None:  # noqa: ANN001
    facets = client.get("/api/search?q=*").get_json()["facets"]
    html = client.get("/").get_data(as_text=True)
    help_line = html.split('id="q-help"', 1)[1].split("</p>", 1)[0]
    scheme = re.search(r"<code>scheme:([a-z0-9-]+)</code>", help_line).group(1)
    assert f"scheme:{scheme}" in facets["scheme"]
    year = re.search(r"<code>published:(\d{4})</code>", help_line).group(1)
    assert year in facets["year"]
    assert client.get(f"/api/search?q=scheme:{scheme}").get_json()["total"] >= 1


@pytest.mark.slow
def test_no_key_articles_heading_without_key_articles(client) -> None:  # noqa: ANN001
    html = client.get("/timeline?q=zzyzx").get_data(as_text=True)
    assert "Key articles" not in html and "Nothing in the archive matches this series" in html
    assert "Key articles for “sanctions”" in client.get("/timeline?q=sanctions").get_data(as_text=True)


def test_every_year_fills_the_quiet_years_between_the_first_and_the_last() -> None:
    assert every_year([("2017", 4), ("2012", 7), ("2014", 1)]) == [
        ("2012", 7), ("2013", 0), ("2014", 1), ("2015", 0), ("2016", 0), ("2017", 4),
    ]  # fmt: skip
    assert every_year([]) == []


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/search?q=*", "/entity/org:dwp"])
def test_year_charts_show_the_years_without_articles(client, path: str) -> None:  # noqa: ANN001
    """A bar chart of the years that have articles alone put 2017 beside 2024 as if nothing lay between:
    a researcher reading a rise and fall of coverage off it would miss the quiet years."""
    html = client.get(path).get_data(as_text=True)
    table = html.split('class="chart-data', 1)[1].split("</table>", 1)[0]
    years = [int(y) for y in re.findall(r"<t[hd](?: scope=\"row\")?>(\d{4})</t[hd]>", table)]
    assert len(years) >= 3 and years == list(range(years[0], years[-1] + 1)), years
    assert re.search(r"<t[hd](?: scope=\"row\")?>\d{4}</t[hd]><td>0</td>", table)  # a quiet year, as 0
    assert html.count('class="bar"') >= len(years)  # a bar (of no height) for each
