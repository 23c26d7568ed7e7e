"""Publication dates as the publisher printed them (indexer.extract.published), through the extractor.

Each page here is small and written for the test, in the shape of a failure seen on real pages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casebook.models import RawPage, Source
from indexer.extract.published import Published, url_date
from indexer.extract.stage import extract

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)
STORY = (
    "<p>The Department for Work and Pensions has paused the roll-out of its new assessment contract after a"
    " report found that claimants waited an average of six months for a decision on their claim.</p>"
    "<p>Campaigners said the delays had pushed many disabled people into debt, and that the department had"
    " been warned about the backlog more than a year ago by its own advisory committee.</p>"
)


def _page(
    head: str = "", byline: str = "", after: str = "", url: str = "https://news.example.org/contract-paused"
) -> RawPage:
    html = (
        f"<html><head><title>Contract paused</title>{head}</head><body><main><article>"
        f"<h1>Contract paused</h1>{byline}{STORY}</article>{after}</main></body></html>"
    )
    return RawPage(url=url, body=html.encode(), fetched=NOW)


def _in(zone: str) -> Source:
    """A registry entry for the test pages' site, in ``zone``."""
    return Source(name="x", kind="feed", url="https://news.example.org/feed", timezone=zone)


def _meta(value: str) -> str:
    return f'<meta property="article:published_time" content="{value}">'


def _ld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


def test_a_utc_timestamp_takes_the_day_of_the_source_timezone() -> None:
    """Seen: 2023-11-09T03:28Z on a New York paper whose page and URL say 8 November."""
    doc = extract(_page(_meta("2023-11-09T03:28:00Z")), "x", site=_in("America/New_York"))
    assert doc.published == date(2023, 11, 8)


def test_uk_sources_in_summer_time_keep_the_day_printed() -> None:
    """Every article published between 23:00 and 00:00 UTC in British Summer Time got the day before."""
    doc = extract(_page(_meta("2023-06-14T23:30:00+00:00")), "x", site=_in("Europe/London"))
    assert doc.published == date(2023, 6, 15)


@pytest.mark.parametrize(
    ("url", "stamp", "expected"),
    [
        # La Nación's story of the evening of 3 May, stamped 4 May in UTC (Argentina: one offset, -03:00)
        ("https://www.lanacion.com.ar/politica/jugada", "2022-05-04T00:53:29.274Z", date(2022, 5, 3)),
        # an Austrian paper's story of four minutes past midnight, stamped the day before in UTC
        ("https://www.nachrichten.at/gesundheit/story", "2019-10-18T22:04:00Z", date(2019, 10, 19)),
        ("https://www.example.co.uk/news/story", "2023-06-14T23:30:00Z", date(2023, 6, 15)),
        # Brazil's sixteen zones are all 2 to 5 hours behind UTC: 00:44 UTC is the day before in each
        ("https://www.gazetadopovo.com.br/republica/story", "2022-05-04T00:44:52Z", date(2022, 5, 3)),
        # Russia's zones, from +02:00 to +12:00, do not agree on 21:30 UTC's day: the UTC day stays
        ("https://www.example.ru/news/story", "2022-05-03T21:30:00Z", date(2022, 5, 3)),
        # a generic domain, or a country's sold for other uses, names no country
        ("https://www.example.com/news/story", "2022-05-04T00:53:29Z", date(2022, 5, 4)),
        ("https://www.example.io/news/story", "2022-05-04T00:53:29Z", date(2022, 5, 4)),
        ("https://www.example.tv/news/story", "2022-05-04T00:53:29Z", date(2022, 5, 4)),
    ],
)
def test_a_utc_timestamp_of_a_site_the_registry_does_not_know_takes_the_day_of_its_country(
    url: str, stamp: str, expected: date
) -> None:
    """Without a registry entry the address's country-code domain says where the publisher keeps time."""
    doc = extract(_page(_meta(stamp), url=url), "x")
    assert doc.published == expected


def test_the_registry_zone_of_a_site_outweighs_its_domain() -> None:
    """A source the registry places elsewhere keeps its zone, whatever country its domain names."""
    page = _page(_meta("2022-05-04T00:53:29Z"), url="https://www.example.com.ar/story")
    assert extract(page, "x", site=_in("Europe/London")).published == date(2022, 5, 4)


def test_a_timestamp_with_its_own_offset_keeps_its_own_day() -> None:
    doc = extract(_page(_meta("2023-11-08T22:28:00-05:00")), "x", site=_in("Europe/London"))
    assert doc.published == date(2023, 11, 8)


def test_a_json_ld_date_with_its_own_offset_beats_a_utc_meta_tag() -> None:
    head = _meta("2021-03-15T23:30:00Z") + _ld(
        '{"@type": "NewsArticle", "headline": "Contract paused",'
        ' "datePublished": "2021-03-16T00:30:00+01:00"}'
    )
    doc = extract(_page(head), "x")
    assert doc.published == date(2021, 3, 16)


@pytest.mark.parametrize("label", ["Updated ", "Last updated: "])
def test_a_visible_stamp_of_another_day_is_another_statement_whatever_its_offset(label: str) -> None:
    """Seen on WCXB's dev pages (Wirecutter, a research blog): the meta tags say when the page was published
    (in UTC, or with no time), and a <time> in the article, with its own offset, says when it was last
    updated. The own offset settles the day of one moment written two ways
    (test_a_json_ld_date_with_its_own_offset_beats_a_utc_meta_tag); it made the update the publication."""
    stamp = '<time datetime="2023-02-12T12:07:55-05:00">February 12, 2023</time>'
    doc = extract(_page(_meta("2017-04-03T09:00:00Z"), byline=f"<div>{label}{stamp}</div>"), "x")
    assert doc.published == date(2017, 4, 3)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.example/2020/04/13/contract-paused/", date(2020, 4, 13)),
        ("https://x.example/news/20200413/contract-paused", date(2020, 4, 13)),
        ("https://x.example/news/contract-paused-2020-04-13-1234", date(2020, 4, 13)),
        ("https://x.example/2020-04-13/contract-paused", date(2020, 4, 13)),
        ("https://x.example/news/2020/4/3/contract-paused", date(2020, 4, 3)),
        ("https://x.example/story/20200413-contract-paused.html", date(2020, 4, 13)),
        ("https://x.example/id/12345678901/contract-paused", None),  # a long id is not a date
        ("https://x.example/news/20201341/contract-paused", None),  # no month 13
        ("https://x.example/meldungen/29-10-2021", date(2021, 10, 29)),  # the year last, one order a day
        ("https://x.example/bericht_vom_22.04.2020_slug", date(2020, 4, 22)),
        ("https://x.example/blog/post/wrap-up-12-19-2025", date(2025, 12, 19)),
        ("https://x.example/news/02-01-2022-land-zahlte", None),  # 2 January or 1 February: neither
    ],
)
def test_url_dates_in_every_common_shape(url: str, expected: date | None) -> None:
    assert url_date(url) == expected


def test_a_url_date_settles_a_one_day_disagreement() -> None:
    doc = extract(_page(_meta("2020-04-14T01:00:00Z"), url="https://x.example/2020/04/13/paused/"), "x")
    assert doc.published == date(2020, 4, 13)
    assert doc.published_confidence == "near"


def test_the_printed_date_settles_a_one_day_disagreement() -> None:
    byline = '<p class="byline">By Jo Bloggs, <span class="date">13 April 2020</span></p>'
    doc = extract(_page(_meta("2020-04-14T01:00:00Z"), byline), "x")
    assert doc.published == date(2020, 4, 13)
    assert doc.published_confidence == "near"


def test_malformed_json_ld_is_read_leniently_rather_than_taking_a_teasers_date() -> None:
    """Seen: broken JSON-LD was skipped and a teaser's date, two months off, was taken instead."""
    broken = _ld(
        '{"@context": "https://schema.org", "@type": "NewsArticle",\n'
        ' "headline": "Contract paused\n on a second line",\n "datePublished": "2022-05-10T09:00:00+01:00",}'
    )
    teaser = (
        '<section class="more"><article><h3><a href="/other/">Other story</a></h3>'
        '<time datetime="2022-03-01T10:00:00+00:00">1 March 2022</time></article></section>'
    )
    doc = extract(_page(broken, after=teaser), "x")
    assert doc.published == date(2022, 5, 10)


def test_dates_of_teasers_related_posts_and_comments_are_never_taken() -> None:
    after = (
        '<aside class="related-posts"><ul><li><a href="/a/">Earlier story</a>'
        '<time datetime="2022-01-01">1 January 2022</time></li></ul></aside>'
        '<div id="comments"><ol class="comment-list"><li class="comment"><cite class="fn">Sam</cite>'
        '<time datetime="2022-06-01T10:00:00+00:00">1 June 2022</time><p>Well said.</p></li></ol></div>'
    )
    doc = extract(_page(after=after), "x")
    assert doc.published is None and doc.published_confidence is None


def test_a_date_standing_only_in_a_list_item_is_found() -> None:
    """Seen: a byline list ('<ul><li>14 March 2021</li><li>By ...</li></ul>') was dropped with its date."""
    byline = "<ul><li>14 March 2021</li><li>By Jo Bloggs</li></ul>"
    doc = extract(_page(byline=byline), "x")
    assert doc.published == date(2021, 3, 14)


def test_sources_agreeing_and_disagreeing_say_so() -> None:
    agreed = extract(_page(_meta("2020-04-13T10:00:00+01:00"), url="https://x.example/2020/04/13/p/"), "x")
    assert agreed.published == date(2020, 4, 13) and agreed.published_confidence == "agreed"
    single = extract(_page(_meta("2020-04-13T10:00:00+01:00")), "x")
    assert single.published_confidence == "single"
    disputed = extract(_page(_meta("2020-01-10T10:00:00+00:00"), url="https://x.example/2020/03/02/p/"), "x")
    assert disputed.published_confidence == "disputed"
    assert disputed.published in (date(2020, 1, 10), date(2020, 3, 2))


# ----------------------------------------------------------------------------------------------------------
# The source's time zone comes from the registry (corpus/sources.toml)


def test_registry_sources_are_read_in_london_time_unless_they_say_otherwise(tmp_path) -> None:
    from casebook.errors import CasebookError
    from casebook.sources import load_sources, registered_source

    def timezone_for_url(url: str, sources: list) -> str | None:
        site = registered_source(url, sources)
        return site.timezone if site is not None else None

    registry = tmp_path / "sources.toml"
    registry.write_text(
        '[[sources]]\nname = "uk"\nkind = "wordpress"\nurl = "https://uk.example/"\n\n'
        '[[sources]]\nname = "ny"\nkind = "feed"\nurl = "https://ny.example/feed"\n'
        'timezone = "America/New_York"\n'
    )
    sources = load_sources(registry)
    assert [s.timezone for s in sources] == ["Europe/London", "America/New_York"]
    assert timezone_for_url("https://www.uk.example/2023/story/", sources) == "Europe/London"
    assert timezone_for_url("https://ny.example/story", sources) == "America/New_York"
    assert timezone_for_url("https://elsewhere.example/story", sources) is None
    registry.write_text(
        '[[sources]]\nname = "x"\nkind = "feed"\nurl = "https://x.example/"\ntimezone = "Mars/Olympus"\n'
    )
    with pytest.raises(CasebookError, match="timezone must be a time zone name such as Europe/London"):
        load_sources(registry)


def test_analyze_reads_a_registry_sources_utc_timestamp_in_its_time_zone(tmp_path) -> None:
    import json

    from click.testing import CliRunner

    from casebook.cli import cli

    page = tmp_path / "story.html"
    page.write_bytes(_page(_meta("2023-06-14T23:30:00Z")).body)
    result = CliRunner().invoke(
        cli,
        ["analyze", "--no-enrich", str(page), "--url", "https://www.disabilitynewsservice.com/story/"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["published"] == "2023-06-15"


def test_only_the_date_labelled_updated_is_passed_over() -> None:
    """Seen: 'Posted on Nov 21, 2018 Updated at Dec 10, 2025' lost both dates with the 'Updated' label."""
    byline = '<p class="meta">Posted on Nov 21, 2018 <span>Updated at Dec 10, 2023</span></p>'
    both = extract(_page(byline=byline), "x")
    assert (both.published, both.updated) == (date(2018, 11, 21), date(2023, 12, 10))
    only_updated = '<p class="meta">Updated: December 10, 2023</p>'
    doc = extract(_page(byline=only_updated), "x")
    # the page says only when it was last updated: published on or before that day, and the document says so
    assert (doc.published, doc.published_confidence) == (date(2023, 12, 10), "updated")


def test_a_date_printed_with_the_headline_outside_the_article_element() -> None:
    """Seen: the headline and its date stand in a header above <article>, which holds only the story."""
    html = (
        "<html><head><title>Contract paused</title></head><body><main><header><h1>Contract paused</h1>"
        "<p>February 4, 2024 - 11 minutes</p></header><article>" + STORY + "</article>"
        '<section class="more"><p>Ironhack - 2023-12-17</p></section></main></body></html>'
    )
    doc = extract(RawPage(url="https://news.example.org/p", body=html.encode(), fetched=NOW), "x")
    assert (doc.published, doc.published_from) == (date(2024, 2, 4), "printed")


# ----------------------------------------------------------------------------------------------------------
# The last resort: htmldate on the whole page, taken only when the page prints that day on a line of its own


def _side_column_page(side: str) -> RawPage:
    html = (
        "<html><head><title>Sleep training</title></head><body><main><article><h1>Sleep training</h1>"
        f"{STORY}</article><aside class='side-col'>{side}</aside></main></body></html>"
    )
    return RawPage(url="https://med.example.org/sleep-training", body=html.encode(), fetched=NOW)


def test_a_date_printed_only_in_a_side_column_is_found() -> None:
    """Seen (WCXB tune half): the only date stands in an <aside> beside the story, which our readers skip."""
    doc = extract(
        _side_column_page('<p class="article-date">May 25, 2023</p><p>Written by Jo Bloggs</p>'), "x"
    )
    assert (doc.published, doc.published_from) == (date(2023, 5, 25), "htmldate")


def test_a_side_column_that_prints_only_an_update_says_so() -> None:
    doc = extract(_side_column_page('<p class="pub-dates">Updated March 13, 2024</p>'), "x")
    assert (doc.published, doc.published_confidence) == (date(2024, 3, 13), "updated")


def test_htmldate_on_the_whole_page_needs_the_day_printed_on_a_line_of_its_own() -> None:
    from lxml.html import fromstring

    from indexer.extract.published import confirmed_htmldate

    sentence = (
        "Posted in a long sentence on May 25, 2023 by the team that writes these pages for all of the"
        " readers of this site"
    )
    tree = fromstring(f'<html><body><h1>Sleep</h1><div class="date">{sentence}</div></body></html>')
    assert confirmed_htmldate(tree, NOW, set()) is None  # htmldate reads it, but no line prints it alone
    tree = fromstring('<html><body><h1>Sleep</h1><div class="date">May 25, 2023</div></body></html>')
    assert confirmed_htmldate(tree, NOW, set()) is not None
    teaser = tree.xpath("//div")[0]
    assert confirmed_htmldate(tree, NOW, {teaser}) is None  # a teaser's date is someone else's
    # a timestamp printed as it is ('2022-11-23T08:10+02:00' under the author's name: seen on WCXB dev)
    tree = fromstring("<html><body><h1>Sleep</h1><p><span>2022-11-23T08:10+02:00</span></p></body></html>")
    assert confirmed_htmldate(tree, NOW, set()) == Published(date(2022, 11, 23), "htmldate", "single")


def _council_page(after_story: str) -> RawPage:
    """A German council story with no date of its own but what ``after_story`` adds below it."""
    story = " ".join(
        f"Absatz {n}: Der Stadtrat hat die Mittel für {n} Familien gekürzt, sagte die Sprecherin am Abend."
        for n in range(1, 25)
    )
    html = (
        "<html><head><title>Stadtrat kürzt Mittel</title></head><body><div class='content'>"
        f"<h1>Stadtrat kürzt Mittel</h1><p>{story}</p>{after_story}</div></body></html>"
    )
    return RawPage(url="https://news.example.de/stadtrat", body=html.encode(), fetched=NOW)


@pytest.mark.parametrize(
    ("printed", "day"),
    [
        ("Samstag, 19. Juli 2014", date(2014, 7, 19)),
        ("Mise en ligne jeudi 13 juin 2019", date(2019, 6, 13)),
        ("5 de enero de 2020", date(2020, 1, 5)),
        ("13 gennaio 2020", date(2020, 1, 13)),
        ("Thursday, August 6, 2020", date(2020, 8, 6)),
        ("19.07.2014", date(2014, 7, 19)),
    ],
)
def test_a_day_printed_in_the_page_language_on_a_line_of_its_own_dates_it(printed: str, day: date) -> None:
    """htmldate's extensive search reads a day written in the page's language that its fast mode misses
    (seen on htmldate's own evaluation pages, German and French); the page must still print that day on a
    line of its own, in any of the languages of the month names table."""
    doc = extract(_council_page(f"<div class='info'>{printed}</div>"), "x")
    assert (doc.published, doc.published_from) == (day, "htmldate")


def test_a_day_only_in_a_sentence_of_the_text_stays_undated_in_any_language() -> None:
    mention = "Die Sitzung vom 19. Juli 2014 hatte beschlossen, die Mittel für alle Vereine zu kürzen."
    assert extract(_council_page(f"<p>{mention}</p>"), "x").published is None


def test_a_day_htmldate_misreads_is_not_confirmed_by_the_line() -> None:
    """htmldate's extensive search reads 'Publicado el 5 de enero de 2020' as 1 January: the page prints no
    such day, so no date rather than a wrong one."""
    story = " ".join(
        f"Párrafo {n}: el ayuntamiento ha recortado los fondos de {n} familias, dijo la portavoz."
        for n in range(25)
    )
    html = (
        "<html><head><title>Recortes</title></head><body><div class='content'><h1>Recortes</h1>"
        f"<p>{story}</p><div class='info'>Publicado el 5 de enero de 2020</div></div></body></html>"
    )
    doc = extract(RawPage(url="https://news.example.es/recortes", body=html.encode(), fetched=NOW), "x")
    assert doc.published is None


@pytest.mark.parametrize(
    "label",
    [
        "Joined Nov 4, 2011",
        "Joined: 4 Jul 2012, 16:09",
        "Member since May 11, 2017",
        "Founded: Dec 11, 2021",
        "Last post: December 28, 2019 at 6:49 pm",
    ],
)
def test_a_posters_join_date_is_not_when_the_thread_was_published(label: str) -> None:
    """Seen on forum threads (XenForo, phpBB): the line under each poster's name, 'Joined Nov 4, 2011', was
    read as the printed date and won over the page's own timestamp ('disputed'), years off; NationStates'
    phpBB forum prints when the poster's nation was founded there ('Founded: Dec 11, 2021': a topic of 2019
    was dated 2021); Netmums heads a thread with its latest reply's day ('Last post: 01/12/2025')."""
    byline = f'<div class="message-userExtras"><dl><dt>{label.split(" ")[0]}</dt><dd>{label}</dd></dl></div>'
    doc = extract(_page(head=_meta("2020-03-18T09:00:00+00:00"), byline=byline), "x")
    assert doc.published == date(2020, 3, 18)
    assert doc.published_confidence != "disputed"


@pytest.mark.parametrize(
    ("byline", "day"),
    [
        ("Veröffentlicht am 25. Dezember 2022", date(2022, 12, 25)),
        ("Publié le jeudi 13 juin 2019", date(2019, 6, 13)),
        ("Por Ana Pérez | 5 de enero de 2020", date(2020, 1, 5)),
        ("25.12.2022 | 10:14 Uhr", date(2022, 12, 25)),
        ("Posted 25/12/2022", date(2022, 12, 25)),
        ("15 августа 2016, 13:43", date(2016, 8, 15)),  # seen: football.ua, no other day on the page
        ("Opublikowano: 3 maja 2022", date(2022, 5, 3)),
        ("12. října 2021", date(2021, 10, 12)),
        ("Publicerad 4 augusti 2020", date(2020, 8, 4)),
    ],
)
def test_a_day_printed_in_the_byline_is_read_in_the_page_language(byline: str, day: date) -> None:
    """The byline's day was read in English only: a German paper's '25. Dezember 2022' was passed over, and
    where its timestamp said otherwise the page had no printed day to settle it."""
    doc = extract(_page(byline=f'<p class="meta">{byline}</p>'), "x")
    assert (doc.published, doc.published_from) == (day, "printed")


def test_a_slashed_day_that_reads_both_ways_is_not_taken_as_printed() -> None:
    """'07/11/2023' is 7 November in London and 11 July in New York: a wrong day is worse than none."""
    doc = extract(_page(byline='<p class="meta">Posted 07/11/2023</p>'), "x")
    assert doc.published_from != "printed"


def test_a_day_labelled_as_updated_in_the_page_language_is_not_when_it_was_published() -> None:
    byline = '<p class="meta">Veröffentlicht am 12.03.2021, aktualisiert am 14.03.2021</p>'
    doc = extract(_page(byline=byline), "x")
    assert (doc.published, doc.updated) == (date(2021, 3, 12), date(2021, 3, 14))


def test_a_day_marked_as_the_last_change_is_not_the_printed_publication_day() -> None:
    """Seen (trafilatura's pages, a WordPress theme): a hidden '<span class="updated">' with the day of the
    last change stands before the day shown; read as the printed day, it disputed the page's timestamp and
    won, 18 days early."""
    byline = (
        '<p class="meta"><span class="updated rich-snippet-hidden">2022-12-07T10:10:52+01:00</span>'
        "<span>25. Dezember 2022</span></p>"
    )
    doc = extract(_page(head=_meta("2022-12-25T11:00:02+00:00"), byline=byline), "x")
    assert (doc.published, doc.published_confidence) == (date(2022, 12, 25), "agreed")


def test_a_numeric_day_that_reads_both_ways_is_read_as_the_page_writes_its_others() -> None:
    """Seen (WCXB dev, US sites): '09.10.2024' beside '11.24.2025' (no 24th month: the page writes the
    month first) was read as 9 October; '8/1/2025' beside '8/27/2025' was passed over and the day of the
    last change, the one that reads only one way, taken as printed."""
    dots = '<p class="meta">09.10.2023</p><p class="meta">Reviewed by Jo Bloggs 11.24.2023</p>'
    assert extract(_page(byline=dots), "x").published == date(2023, 9, 10)
    slashes = '<div class="post-date">8/1/2023</div><div class="post-date">8/27/2023</div>'
    doc = extract(_page(byline=slashes), "x")
    assert (doc.published, doc.published_from) == (date(2023, 8, 1), "printed")


def test_a_themes_only_day_marked_updated_is_the_publication_day() -> None:
    """hAtom asks for an 'updated' day, and many themes mark the only day they print so (WCXB dev): that
    day is still the publication's, and confirms the page's timestamp."""
    byline = (
        '<p class="entry-meta">By Jo Bloggs <span class="meta-date date updated">February 16, 2023</span></p>'
    )
    doc = extract(_page(head=_meta("2023-02-16T08:00:00+00:00"), byline=byline), "x")
    assert (doc.published, doc.published_confidence) == (date(2023, 2, 16), "agreed")


def test_a_day_not_shown_to_the_reader_is_not_printed() -> None:
    """Seen (WCXB dev): '<span style="display:none;">27 September,2023</span>' under the headline, a day
    kept for machines, disputed the page's timestamp and won."""
    byline = (
        '<div class="entry-meta"><span style="display:none;"><span>27 September, 2023</span></span></div>'
    )
    doc = extract(_page(head=_meta("2022-02-16T09:00:00+00:00"), byline=byline), "x")
    assert (doc.published, doc.published_from) == (date(2022, 2, 16), "metadata")


@pytest.mark.parametrize(
    ("opening", "day"),
    [
        (
            "01.02.2022 „Der Arbeitsmarkt ist gut gestartet“, sagte die Vorsitzende",
            date(2022, 2, 1),
        ),
        ("27.1.2022 - Bei der Erinnerung an die Verfolgten kommen Frauen zu kurz", date(2022, 1, 27)),
        ("Berlin, 12. März 2022 – Die Bundesagentur meldet weniger Arbeitslose", date(2022, 3, 12)),
        ("LONDON, March 5, 2023 /PRNewswire/ -- The charity today published", date(2023, 3, 5)),
        ("On 12 March 2020: the day the assessment centres closed, claimants were", None),
        ("Am 12. März 2022 hat die Bundesagentur weniger Arbeitslose gemeldet", None),
    ],
)
def test_a_date_opening_the_story_dates_a_page_that_prints_no_other(opening: str, day: date | None) -> None:
    """Seen on trafilatura's pages (a job centre's and a magazine's news): the only day the page prints
    opens its first paragraph, as press releases and wire copy write it; a sentence that begins with a
    day it is about is not a dateline."""
    words = " ".join(f"Satz {n} über die Lage der Beschäftigten im Land." for n in range(6))
    html = (
        f"<html><body><article><h1>Arbeitsmarkt</h1><p>{opening} {words}</p>{STORY}</article></body></html>"
    )
    page = RawPage(url="https://amt.example.de/news/arbeitsmarkt", body=html.encode(), fetched=NOW)
    doc = extract(page, "x")
    assert doc.published == day
    if day is not None:
        assert (doc.published_from, doc.published_confidence) == ("printed", "single")


@pytest.mark.parametrize(
    ("name", "value"),
    [("published", "July 17, 2023"), ("publication_date", "17.07.2023"), ("og:published_time", "2023-07-17")],
)
def test_a_meta_tag_read_by_htmldate_dates_the_page_in_any_written_form(name: str, value: str) -> None:
    """Seen on WCXB dev: a blog whose only statement of its day is '<meta name="published" content="July 17,
    2025">' (the names htmldate reads, and this one, are read; a value written out as the page would print
    it is read too)."""
    doc = extract(_page(head=f'<meta name="{name}" content="{value}">'), "x")
    assert (doc.published, doc.published_from) == (date(2023, 7, 17), "metadata")


def test_a_json_ld_day_written_out_is_not_read() -> None:
    """Seen on WCXB dev: a template writes '"datePublished": "Jun 24, 2025"' (schema.org asks for ISO 8601),
    a day the page prints nowhere; read, it disputed the byline's day on four pages."""
    head = _ld('{"@type": "BlogPosting", "headline": "Contract paused", "datePublished": "Jun 24, 2023"}')
    doc = extract(_page(head=head, byline='<p class="meta">March 2, 2022</p>'), "x")
    assert (doc.published, doc.published_confidence) == (date(2022, 3, 2), "single")
