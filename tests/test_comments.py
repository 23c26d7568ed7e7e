"""Reader comments: authors, text, dates (absolute and relative), threading, and what is not a comment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from casebook.models import Comment
from indexer.extract.comments import extract_comments, parse_absolute, parse_relative, thread_paragraphs
from indexer.extract.encoding import decode_html
from indexer.extract.parse import parse_html

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
UTC = UTC


def comments_of(name: str, fetched: datetime):
    tree = parse_html(decode_html((FIXTURES / name).read_bytes(), "text/html"))
    assert tree is not None
    return extract_comments(tree, fetched)


def test_wordpress_threaded_comments_in_page_order() -> None:
    comments = comments_of("wordpress_threaded.html", datetime(2022, 4, 2, 10, tzinfo=UTC))
    assert [(c.author, c.depth) for c in comments] == [("Mary Hughes", 0), ("John Pring", 1), ("Steve", 0)]
    first = comments[0]
    assert first.text == (
        "My brother was one of those people. Nobody from the DWP ever wrote to us after he died.\n\n"
        "Thank you for keeping this in the news."
    )
    assert first.published == "2022-03-18T09:12:45+00:00"
    assert first.approximate is False
    # the reply's text is not folded into its parent's
    assert "I am so sorry" not in first.text
    assert comments[1].text.startswith("I am so sorry for your loss, Mary.")
    # no meta or reply-link leftovers
    for comment in comments:
        assert "says:" not in comment.text and "Reply" not in comment.text and "2022" not in comment.text


def test_pingbacks_are_not_reader_comments() -> None:
    comments = comments_of("wordpress_threaded.html", datetime(2022, 4, 2, 10, tzinfo=UTC))
    assert not any("Pingback" in c.text or "Weekly round-up" in c.text for c in comments)
    comments = comments_of("wordpresscom_responses.html", datetime(2017, 1, 10, tzinfo=UTC))
    assert not any("Tendance Coatesy" in c.text for c in comments)


def test_wordpress_com_classic_theme() -> None:
    comments = comments_of("wordpresscom_responses.html", datetime(2017, 1, 10, tzinfo=UTC))
    assert [(c.author, c.depth, c.published) for c in comments] == [
        ("Jenny Lloyd", 0, "2016-11-14T16:21:00"),
        ("Andrew Coates", 1, "2016-11-14T18:02:00"),
        ("Jenny Lloyd", 2, "2016-11-15T09:30:00"),
        ("Dave from Felixstowe", 0, "2016-11-16T23:47:00"),
    ]
    assert comments[0].text == (
        "Same here in Norwich. My son was sanctioned for going to a job interview instead of his "
        "Jobcentre appointment.\n\nYou couldn’t make it up."
    )
    assert not any(c.approximate for c in comments)


def test_joomla_widget_with_relative_dates_and_moderation_notice() -> None:
    fetched = datetime(2024, 12, 31, 15, 0, tzinfo=UTC)
    comments = comments_of("joomla_news.html", fetched)
    assert [(c.author, c.depth) for c in comments] == [
        ("Maggie", 0),
        ("Paul R", 1),
        ("Anonymous", 0),
        (None, 0),
        ("Jo", 0),
    ]
    assert [c.published for c in comments] == [
        "2024-02-29",  # 10 calendar months before 31 December 2024 (not 300 days: that is 6 March)
        "2024-12-30",  # "1 days ago"
        "2024-12-31T01:00:00+00:00",  # "14 hours ago" keeps its time
        "2024-12-17",  # "2 weeks ago"
        "2024-12-30",  # "yesterday"
    ]
    assert all(c.approximate for c in comments)
    assert comments[0].text == (
        "Won mine at tribunal after two years of fighting. The panel took ten minutes to decide.\n\n"
        "Don’t give up, everyone."
    )
    for comment in comments:
        assert "moderated" not in comment.text and "Thank you for your comment" not in comment.text
    assert comments[2].text == "Why are they still paying assessors who get it wrong this often?"
    assert comments[4].text == "Thanks B&W, your guide got me through it."


def test_malformed_and_truncated_comment_list() -> None:
    comments = comments_of("malformed.html", datetime(2017, 3, 1, tzinfo=UTC))
    assert [(c.author, c.published) for c in comments] == [
        ("Tom", "2017-02-08T10:14:00"),
        ("Sue B", "2017-02-09T15:02:00"),
    ]
    assert comments[1].text == "Mine had my age wrong by twenty yea"


def test_no_comment_section_gives_no_comments() -> None:
    assert comments_of("no_date.html", datetime(2024, 1, 1, tzinfo=UTC)) == []
    assert comments_of("windows1252.html", datetime(2024, 1, 1, tzinfo=UTC)) == []


def test_reply_form_alone_is_not_a_comment() -> None:
    html = """<html><body><article><h1>T</h1><div class="entry-content"><p>Body text.</p></div></article>
    <div id="comments" class="comments-area"><h2 class="comments-title">0 thoughts on “T”</h2>
    <div id="respond" class="comment-respond"><h3 id="reply-title">Leave a Reply</h3>
    <form id="commentform"><p class="comment-notes">Your email address will not be published.</p>
    <textarea name="comment"></textarea><input type="submit" value="Post Comment"></form></div>
    <p class="nocomments">Comments are closed.</p></div></body></html>"""
    assert extract_comments(parse_html(html), datetime(2024, 1, 1, tzinfo=UTC)) == []


def test_layout_classes_on_body_do_not_hide_comments() -> None:
    """Themes put 'sidebar-left' and the like on <body>: every comment is inside it."""
    html = (FIXTURES / "wordpress_threaded.html").read_text(encoding="utf-8")
    html = html.replace('<body class="', '<body class="sidebar-left widget-area-2 ')
    comments = extract_comments(parse_html(html), datetime(2022, 4, 2, tzinfo=UTC))
    assert [c.author for c in comments] == ["Mary Hughes", "John Pring", "Steve"]


def test_recent_comments_widget_is_not_this_pages_comments() -> None:
    html = """<html><body><article><h1>T</h1><p>Body.</p></article>
    <aside class="sidebar"><ul><li class="comment"><span class="comment-author">X</span>
    <div class="comment-text">On another post entirely</div></li></ul></aside></body></html>"""
    assert extract_comments(parse_html(html), datetime(2024, 1, 1, tzinfo=UTC)) == []


def test_unknown_comment_markup_falls_back_to_trafilatura() -> None:
    html = """<html><body><article><h1>A title</h1><div class="entry-content"><p>"""
    html += "Article words. " * 60
    html += """</p></div></article>
    <div id="comments"><h3>2 comments</h3>
      <div class="cmt-item"><span class="who">Alice</span>
        <p>I agree completely with this piece, it was the same for me.</p></div>
      <div class="cmt-item"><span class="who">Bob</span><p>Second comment text is here.</p></div>
    </div></body></html>"""
    comments = extract_comments(parse_html(html), datetime(2024, 1, 1, tzinfo=UTC))
    assert len(comments) == 1
    only = comments[0]
    assert only.author is None
    assert "I agree completely with this piece" in only.text
    assert "Second comment text is here." in only.text
    assert "2 comments" not in only.text
    assert "Article words" not in only.text


@pytest.mark.parametrize(
    ("text", "fetched", "expected"),
    [
        ("10 months ago", datetime(2024, 12, 31, 15, tzinfo=UTC), ("2024-02-29", False)),
        ("a month ago", datetime(2023, 3, 31, tzinfo=UTC), ("2023-02-28", False)),
        ("1 year ago", datetime(2024, 2, 29, tzinfo=UTC), ("2023-02-28", False)),
        ("2 years ago", datetime(2024, 6, 1, tzinfo=UTC), ("2022-06-01", False)),
        ("3 weeks ago", datetime(2024, 6, 1, tzinfo=UTC), ("2024-05-11", False)),
        ("1 days ago", datetime(2024, 3, 1, 9, tzinfo=UTC), ("2024-02-29", False)),
        ("Yesterday at 4:10pm", datetime(2024, 3, 1, 9, tzinfo=UTC), ("2024-02-29", False)),
        ("posted 14 hours ago", datetime(2024, 3, 1, 9, 30, tzinfo=UTC), ("2024-02-29T19:30:00+00:00", True)),
        ("an hour ago", datetime(2024, 3, 1, 9, 30, tzinfo=UTC), ("2024-03-01T08:30:00+00:00", True)),
        ("5 minutes ago", datetime(2024, 3, 1, 9, 30, tzinfo=UTC), ("2024-03-01T09:25:00+00:00", True)),
    ],
)
def test_relative_dates_in_calendar_units(text: str, fetched: datetime, expected: tuple[str, bool]) -> None:
    assert parse_relative(text, fetched) == expected


def test_relative_date_needs_a_relative_phrase() -> None:
    assert parse_relative("November 14, 2016 at 4:21 pm", datetime(2024, 1, 1, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("November 14, 2016 at 4:21 pm", "2016-11-14T16:21:00"),
        ("14 November 2016 at 16:21", "2016-11-14T16:21:00"),
        ("14th Nov 2016", "2016-11-14"),
        ("3rd March 2015", "2015-03-03"),
        ("04/05/2017 at 09:15", "2017-05-04T09:15:00"),  # a UK archive: day first
        ("2016-11-14 16:21", "2016-11-14T16:21:00"),
        ("March 18, 2022 at 12:05 am", "2022-03-18T00:05:00"),
        ("Permalink | Reply", None),
        ("January 3, 2030 at 1:00 pm", None),  # after the fetch: impossible
    ],
)
def test_absolute_dates(text: str, expected: str | None) -> None:
    assert parse_absolute(text, datetime(2024, 1, 1, tzinfo=UTC)) == expected


def test_source_line_breaks_are_spaces_and_br_is_a_line_break() -> None:
    html = """<html><body><ol class="commentlist"><li class="comment"><cite class="fn">Kim</cite>
    <div class="comment-body"><p>The first line wraps
    in the source   but is one line.<br>This follows a br.</p><p>Second   paragraph.</p></div></li></ol>
    </body></html>"""
    (comment,) = extract_comments(parse_html(html), datetime(2024, 1, 1, tzinfo=UTC))
    assert comment.author == "Kim"
    assert (
        comment.text
        == "The first line wraps in the source but is one line.\nThis follows a br.\n\nSecond paragraph."
    )


# ----------------------------------------------------------------------------------------------------------
# Comment families seen on public pages (small pages written here in the shape of each)

WHEN = datetime(2025, 1, 1, tzinfo=UTC)
ARTICLE = (
    "<article><h1>Benefit cuts</h1><p>The government announced cuts to disability benefits today, in a"
    " statement that campaigners said would push thousands of people into poverty this winter.</p>"
    "<p>The minister said the changes were needed to make the system fair to taxpayers and claimants.</p>"
    "</article>"
)


def _comments(html: str) -> list:
    tree = parse_html(decode_html(html.encode("utf-8") if isinstance(html, str) else html, "text/html"))
    return extract_comments(tree, WHEN)


def test_blogger_comments_inside_the_blog_widget() -> None:
    """Blogger wraps the post and its comments in 'div.widget.Blog': taken for a sidebar widget, the
    comments were lost to a nameless fallback blob ('AntwortenLöschen' and all)."""
    item = (
        '<li class="comment" id="c{n}"><div class="comment-block"><div class="comment-header">'
        '<cite class="user"><a href="/p/{n}">{who}</a></cite><span class="datetime secondary-text">'
        '<a href="#c{n}">{when}</a></span></div><p class="comment-content">{text}</p>'
        '<span class="comment-actions"><a class="comment-reply">Antworten</a><a>Löschen</a></span></div></li>'
    )
    items = item.format(
        n=1, who="Lena", when="10. September 2017 um 18:12", text="Schön, dass es dir gefiel."
    )
    items += item.format(n=2, who="Sam", when="May 30, 2019 at 1:06 PM", text="Interesting place :)")
    html = (
        '<html><body><div class="widget Blog" id="Blog1">' + ARTICLE + '<div class="comments" id="comments">'
        '<h4>2 Kommentare:</h4><div class="comments-content"><div class="comment-thread"><ol>'
        + items
        + "</ol></div></div></div></div></body></html>"
    )
    comments = _comments(html)
    assert [(c.author, c.published, c.text) for c in comments] == [
        ("Lena", "2017-09-10T18:12:00", "Schön, dass es dir gefiel."),
        ("Sam", "2019-05-30T13:06:00", "Interesting place :)"),
    ]


def test_drupal_comments_with_subject_lines_and_a_byline_footer() -> None:
    html = (
        "<html><body>" + ARTICLE + '<section class="comments">'
        '<article id="comment-214106" class="js-comment comment"><footer><h6>Heidemarie Heim | Di, 21. April'
        ' 2020 - 16:40</h6></footer><div><div class="field--name-comment-body"><p><a class="permalink"'
        ' href="/comment/214106">Wo und wie gestorben wird</a></p></div>'
        '<div class="field field--name-comment-body"><p>Vielen Dank für diese Einblicke!</p></div>'
        '<ul class="links inline"><li class="comment-reply"><a href="/reply">Antworten</a></li></ul></div>'
        "</article></section></body></html>"
    )
    (comment,) = _comments(html)
    assert comment.author == "Heidemarie Heim"
    assert comment.published == "2020-04-21T16:40:00"
    assert comment.text == "Wo und wie gestorben wird\n\nVielen Dank für diese Einblicke!"


def test_drupal_seven_comment_without_an_id() -> None:
    html = (
        "<html><body>" + ARTICLE + '<div id="comments"><div class="clear-block comment comment-by-anonymous">'
        '<div class="comment-content"><h3 class="name"><span class="username">Lars</span></h3>'
        '<div class="field-comment-body"><p>Couldn’t I just block it in my own filter?</p></div></div>'
        '<div class="meta"><ul class="links"><li class="comment-reply"><a href="#r">reply</a></li>'
        '<li class="date"><span>April 6, 2018</span></li><li class="time"><span>2:20 AM</span></li></ul>'
        "</div></div></div></body></html>"
    )
    (comment,) = _comments(html)
    assert (comment.author, comment.published[:10]) == ("Lars", "2018-04-06")
    assert comment.text == "Couldn’t I just block it in my own filter?"


@pytest.mark.parametrize("wrapper", ["footer", "aside"])
def test_comments_a_theme_puts_in_a_footer_or_aside_are_still_this_pages(wrapper: str) -> None:
    html = (
        f'<html><body><div class="post">{ARTICLE}<{wrapper} class="entry-meta"><div id="comments"'
        ' class="comments-area"><ol class="commentlist"><li class="comment" id="li-comment-1">'
        '<article id="comment-1" class="comment"><header class="comment-meta comment-author vcard">'
        '<cite class="fn">Pia</cite><time datetime="2022-09-14T21:32:00+02:00">14.09.2022 um 21.32</time>'
        '</header><section class="comment-content comment"><p>Danke danke danke!!</p></section>'
        f"</article></li></ol></div></{wrapper}></div></body></html>"
    )
    assert [(c.author, c.text) for c in _comments(html)] == [("Pia", "Danke danke danke!!")]


def test_comment_plugin_markup_with_a_report_link_glued_to_the_text() -> None:
    html = (
        "<html><body>" + ARTICLE + '<div id="comments" class="comments-area"><div id="comment-215101">'
        '<article id="div-comment-215101" class="epoch-comment-body"><footer class="epoch-comment-meta">'
        '<div class="epoch-comment-author"><a class="epoch-author-link" href="https://x.example">Rarst</a>'
        '<span class="epoch-divide">·</span><a class="epoch-comment-link"><time datetime="comment_date">'
        'March 10, 2017 at 1:26 AM</time></a></div></footer><div class="epoch-comment-content"><p>Many'
        ' people who call themselves developers do light customisation.<span class="report-link"><a'
        ' href="#">Report</a></span></p></div><ul class="epoch-comment-actions"><li><a>Reply</a></li></ul>'
        "</article></div></div></body></html>"
    )
    (comment,) = _comments(html)
    assert (comment.author, comment.published) == ("Rarst", "2017-03-10T01:26:00")
    assert comment.text == "Many people who call themselves developers do light customisation."


def test_joomla_comment_extension_in_windows_1252() -> None:
    """Seen: a Joomla page in windows-1252 with a comment extension ('comment-item-N' blocks without a
    'comment' class): the comments of 'Maureen' and 'R. Bhatt' were missed."""
    item = (
        '<div class="{parity}" id="comment-item-{n}"><div class="rbox"><div class="comment-box">'
        '<a class="comment-anchor" href="#comment-{n}" id="comment-{n}">#</a>'
        '<span class="comment-author">{who}</span><span class="comment-date">{when}</span>'
        '<div class="comment-body" id="comment-body-{n}">{text}</div>'
        '<span class="comments-buttons"><a href="#">Reply</a> <a href="#">Quote</a></span></div></div></div>'
    )
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body>'
        + ARTICLE
        + '<div id="jc"><div id="comments"><h4>Comments</h4><div class="comments-list" id="comments-list-0">'
        + item.format(parity="even", n=14, who="Maureen", when="05.03.2024 14:22",
                      text="It’s the same story in our town – nobody answers the phone.")
        + item.format(parity="odd", n=15, who="R. Bhatt", when="06.03.2024 09:05",
                      text="We waited 14 weeks for a decision. £0 in the meantime.")
        + "</div></div></div></body></html>"
    )  # fmt: skip
    tree = parse_html(decode_html(html.encode("cp1252"), "text/html"))
    comments = extract_comments(tree, WHEN)
    assert [(c.author, c.published) for c in comments] == [
        ("Maureen", "2024-03-05T14:22:00"),
        ("R. Bhatt", "2024-03-06T09:05:00"),
    ]
    assert comments[0].text == "It’s the same story in our town – nobody answers the phone."
    assert comments[1].text == "We waited 14 weeks for a decision. £0 in the meantime."


def test_the_name_is_cut_from_a_date_and_reply_link_written_beside_it() -> None:
    html = (
        "<html><body>" + ARTICLE + '<ol class="commentlist"><li class="comment" id="comment-7">'
        '<div class="comment-author meta"><strong>Ben</strong> 19. Juni 2018 um 15:28 Uhr -'
        ' <a class="comment-reply-link" href="#">Antworten</a></div><div class="comment-text"><p>Bei der'
        " Privatheit denkt das Gericht vermutlich anders.</p></div></li></ol></body></html>"
    )
    (comment,) = _comments(html)
    assert (comment.author, comment.published) == ("Ben", "2018-06-19T15:28:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16. March, 2023 at 16:59", "2023-03-16T16:59:00"),
        ("März 7, 2018", "2018-03-07"),
        ("10. Februar 2019 um 18:05 Uhr", "2019-02-10T18:05:00"),
        ("Mittwoch, Mai 10, 2017 4:14:00 PM", "2017-05-10T16:14:00"),
        ("5 de enero de 2020", "2020-01-05"),
        ("12 juillet 2021 à 10 h 15", "2021-07-12T10:15:00"),
        ("Di, 21. April 2020 - 16:40", "2020-04-21T16:40:00"),
        ("11/08/2020 at 9:52", "2020-08-11T09:52:00"),
        ("08/31/2020", "2020-08-31"),  # month first where the day cannot be the month
        ("18. 05. 2014", "2014-05-18"),
    ],
)
def test_comment_dates_in_several_languages(text: str, expected: str) -> None:
    assert parse_absolute(text, WHEN) == expected


# ----------------------------------------------------------------------------------------------------------
# A source's own comment markup, named in the registry (corpus/sources.toml: comment_selector)

SITE_PAGE = (
    "<html><body><article><h1>Sanctions review delayed</h1><div class='story'>"
    + "<p>The review of benefit sanctions promised for the spring has been put back to the autumn.</p>" * 8
    + "</div></article><section class='talk'><h3>Have your say</h3>"
    "<div class='note' id='n1'>\n<span class='author'>Maureen</span>\n<span class='when'>5 March 2024</span>"
    "\n<p>Our food bank saw the same thing last winter, week after week.</p>"
    "\n<div class='note' id='n2'>\n<span class='author'>R. Bhatt</span>"
    "\n<span class='when'>6 March 2024</span>"
    "\n<p>We waited fourteen weeks for a decision and nobody answered the phone.</p></div></div>"
    "</section></body></html>"
)


def _site(selector: str | None):
    from casebook.models import Source

    return Source(name="talk", kind="feed", url="https://talk.example/feed", comment_selector=selector)


def test_a_sources_comment_selector_reads_markup_no_rule_knows() -> None:
    """corpus/sources.toml offered ``comment_selector`` and nothing read it: comments in a site's own markup
    were one authorless blob (trafilatura's reading) or, with no comment section trafilatura knows, lost or
    left in the article's text. Named by the source, each element it picks is one comment (its author and
    date read by the usual rules), a reply after its parent, and none of it stays in the body."""
    from casebook.models import RawPage
    from indexer.extract.stage import extract

    page = RawPage(url="https://talk.example/sanctions", body=SITE_PAGE.encode(), fetched=WHEN)
    doc = extract(page, "talk", site=_site("div.note"))
    assert [(c.author, c.published, c.depth) for c in doc.comments] == [
        ("Maureen", "2024-03-05", 0),
        ("R. Bhatt", "2024-03-06", 1),
    ]
    assert doc.comments[0].text == "Our food bank saw the same thing last winter, week after week."
    assert doc.comments[1].text == "We waited fourteen weeks for a decision and nobody answered the phone."
    assert "food bank" not in doc.text and "fourteen weeks" not in doc.text
    # nor is a commenter the article's author, or a comment's day the article's (the page gives neither;
    # read without the selector, it was 'Maureen' on 5 March 2024)
    assert (doc.authors, doc.published) == ([], None)
    assert "The review of benefit sanctions" in doc.text


def test_a_comment_selector_never_costs_the_article_and_matching_nothing_changes_nothing() -> None:
    """A selector that also takes the story's block leaves no article text: it is not applied on that page
    (a lost article is worse than comments left unread); one that matches nothing on a page leaves the
    built-in rules to find what they can."""
    from casebook.models import RawPage
    from indexer.extract.stage import extract

    page = RawPage(url="https://talk.example/sanctions", body=SITE_PAGE.encode(), fetched=WHEN)
    plain = extract(page, "talk")
    assert "The review of benefit sanctions" in plain.text
    for selector in ("div.story, div.note", "li.never-here"):
        doc = extract(page, "talk", site=_site(selector))
        assert (doc.text, doc.comments) == (plain.text, plain.comments), selector


def test_a_comment_selector_that_is_not_css_is_named_when_the_registry_is_read(tmp_path) -> None:
    from casebook.errors import CasebookError
    from casebook.sources import load_sources

    registry = tmp_path / "sources.toml"
    registry.write_text(
        '[[sources]]\nname = "talk"\nkind = "feed"\nurl = "https://talk.example/feed"\n'
        'comment_selector = "div.note > > p"\n'
    )
    with pytest.raises(CasebookError, match=r"^source 'talk': comment_selector is not a CSS selector"):
        load_sources(registry)
    registry.write_text(registry.read_text().replace("div.note > > p", "section.talk div.note"))
    assert load_sources(registry)[0].comment_selector == "section.talk div.note"


def test_analyze_reads_comments_with_the_registrys_selector(tmp_path) -> None:
    """Through the CLI: the source is found by the page's address in the registry the settings name."""
    import json

    from click.testing import CliRunner

    from casebook.cli import cli

    registry = tmp_path / "sources.toml"
    registry.write_text(
        '[[sources]]\nname = "talk"\nkind = "feed"\nurl = "https://talk.example/feed"\n'
        'comment_selector = "div.note"\n'
    )
    page = tmp_path / "story.html"
    page.write_text(SITE_PAGE, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["--data-dir", str(tmp_path / "data"), "analyze", "--no-enrich", str(page),
         "--url", "https://talk.example/sanctions"],
        env={"CASEBOOK_SOURCES_FILE": str(registry)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["source"] == "talk"
    assert [c["author"] for c in out["comments"]] == ["Maureen", "R. Bhatt"]


# Seen on trafilatura's benchmark pages (WordPress and WordPress.com blogs): comments the markup rules missed,
# or read with their labels, or pingbacks taken for readers. Shapes as those themes print them.


def test_wordpress_comments_known_only_by_the_walkers_ids() -> None:
    """A theme's own comment callback may print ``li id="comment-N"`` with no class: the id WordPress's
    walker gives every comment still marks each one; 'Comment by' is the theme's label, not the name."""
    items = "".join(
        f'<li id="comment-{n}"><p>{text}</p><p><cite>Comment by {name} &#8212; 17.07, 2011 @'
        f' <a href="#comment-{n}">13:0{n}</a></cite></p></li>'
        for n, name, text in (
            (1, "<a href='https://example.org' rel='external nofollow' class='url'>Mirko Lange</a>",
             "The tribunal overturned my sanction after eight months of waiting."),
            (2, "Daniel", "Same for my sister, who waited a year for her PIP appeal to be heard."),
        )
    )  # fmt: skip
    html = f'<html><body>{ARTICLE}<h2 id="comments">2 Comments</h2><ol id="commentlist">{items}</ol></body>'
    assert [(c.author, c.text) for c in _comments(html)] == [
        ("Mirko Lange", "The tribunal overturned my sanction after eight months of waiting."),
        ("Daniel", "Same for my sister, who waited a year for her PIP appeal to be heard."),
    ]


def test_a_comment_printed_inside_its_author_block_keeps_its_text() -> None:
    """WordPress.com's classic themes put the whole comment inside ``div.comment-author.vcard``: cutting
    the author block as metadata cut what the reader wrote."""
    html = (
        f'<html><body>{ARTICLE}<ol id="commentlist"><li class="comment depth-1" id="comment-49606">'
        '<div id="div-comment-49606"><div class="comment-author vcard"><img class="avatar" src="a.png">'
        "<p>Your last paragraph says it all: nobody should have to fight this hard for a benefit.</p>"
        "<p><cite>Kommentar von <span class='fn'><a href='https://example.org' rel='external nofollow'"
        " class='url'>Margit Heumann</a></span> &#8212; 2019-01-01 @ <a href='#comment-49606'>00:39</a>"
        "</cite> <span class='reply'>| <a class='comment-reply-link' href='#'>Antworten</a></span></p>"
        "</div></div></li></ol></body></html>"
    )
    (comment,) = _comments(html)
    assert comment.author == "Margit Heumann"
    assert (
        comment.text
        == "Your last paragraph says it all: nobody should have to fight this hard for a benefit."
    )
    assert comment.published == "2019-01-01T00:39:00"


def test_pingbacks_known_by_their_label_or_their_excerpt_are_not_reader_comments() -> None:
    items = (
        '<li id="comment-1"><cite>Pingback von <a href="https://other.example/x" rel="external nofollow"'
        ' class="url">Weekly links</a></cite> | <small>11.09.2011 23:31</small>'
        "<p>[&#8230;] Benefit cuts &#8211; the government announced cuts to disability benefits [&#8230;]</p>"
        "</li>"
        '<li id="comment-2"><cite><a href="https://other.example/y" rel="external nofollow" class="url">'
        "Round-up</a></cite><p>- [&#8230;] see also: Benefit cuts, on this blog [&#8230;]</p></li>"
        '<li id="comment-3"><cite>Ann</cite><p>[...] is what the letter said. Then nothing for six weeks.</p>'
        "</li>"
    )
    html = f'<html><body>{ARTICLE}<ol class="commentlist">{items}</ol></body></html>'
    assert [(c.author, c.text) for c in _comments(html)] == [
        ("Ann", "[...] is what the letter said. Then nothing for six weeks.")
    ]


def test_the_byline_below_a_comment_gives_its_name_and_day_and_a_stranded_label_is_dropped() -> None:
    items = (
        '<li class="comment" id="comment-1"><div class="comment-body"><p>You do not need the extra form; the'
        " assessor has to ask for it.</p><p>Tobsen · April 19, 2019</p></div></li>"
        '<li id="comment-2"><img class="gravatar" src="g.png"> Kommentar<small> von </small>'
        "<cite>Mareike</cite>"
        '<br><small class="commentmetadata">8. Dezember 2010 um 10:56</small>'
        "<p>An interesting way to put it. I will send this to my MP tomorrow.</p></li>"
    )
    html = f'<html><body>{ARTICLE}<ol class="commentlist">{items}</ol></body></html>'
    assert [(c.author, c.published, c.text) for c in _comments(html)] == [
        ("Tobsen", "2019-04-19", "You do not need the extra form; the assessor has to ask for it."),
        (
            "Mareike",
            "2010-12-08T10:56:00",
            "An interesting way to put it. I will send this to my MP tomorrow.",
        ),
    ]


LATER = (
    "A spokesperson for the department said that no decision had been taken on the timetable, and that"
    " claimants already receiving the payment would be written to before any change to their award."
)
LONGER = ARTICLE.replace("</article>", f"<p>{LATER}</p></article>")  # comments under it stand well after it


def test_comments_a_site_names_in_its_own_words_are_found_and_a_form_named_so_is_not() -> None:
    """Seen on trafilatura's pages (recipe sites, German regional papers, XenForo, reddit): comments in
    blocks the site names itself ('kb-comment', 'comment-item', 'kommentar-item', 'Comment'), outside any
    section named 'comments'. Each shows a name or a day; the 'write a comment' box, named the same way,
    shows neither, and a rail of recent comments on other pages is none of this page's."""
    items = (
        '<div class="kb-comment"><div class="kb-user">Rezeptsammlerin</div>'
        "<div>23 September 2020, 18:19</div>"
        '<div class="kb-comment-text">I have cut my tomatoes like this for years and it works.</div></div>'
        '<div class="kb-comment"><time datetime="2020-09-24T08:01:00+02:00"></time><div class="kb-user">'
        'Marianne1</div><div class="kb-comment-text">Thank you, glad it helps.</div></div>'
    )
    html = (
        f'<html><body>{LONGER}<div id="kb-comments">{items}'
        '<div class="add-comment"><p>Write a comment about this tip</p><textarea></textarea></div></div>'
        '<div class="rail"><div class="recent-comment"><span class="author">Weber</span> on another story:'
        " a very long comment that belongs to another page of the site</div></div></body></html>"
    )
    comments = _comments(html)
    assert [(c.author, c.published, c.text) for c in comments] == [
        (
            "Rezeptsammlerin",
            "2020-09-23T18:19:00",
            "I have cut my tomatoes like this for years and it works.",
        ),
        (None, "2020-09-24T08:01:00+02:00", "Marianne1\n\nThank you, glad it helps."),
    ]


def test_a_name_printed_against_the_day_still_gives_the_day() -> None:
    """'Kritiker2010' then '06.11.2023, 13.47 Uhr' in the next element: read as one string the day was
    lost ('Kritiker201006.11.2023'), and with it the only sign that the block is a comment."""
    html = (
        f"<html><body>{LONGER}"
        '<div class="kommentare"><div class="kommentar-item">'
        '<div class="kommentar-info"><div class="benutzer">Kritiker2010</div>'
        '<div class="datum">06.11.2023, 13.47 Uhr</div></div><h5>Quantensprung?</h5>'
        '<div class="kommentar-text">A small park is not a quantum leap for the town.</div></div></div>'
        "</body></html>"
    )
    (comment,) = _comments(html)
    assert (comment.author, comment.published) == ("Kritiker2010", "2023-11-06T13:47:00")
    assert comment.text == "Quantensprung?\n\nA small park is not a quantum leap for the town."


def test_a_forum_thread_marked_like_comments_is_the_page_not_its_comments() -> None:
    """Invision Community marks the opening post and each reply 'ipsComment'; the opening post follows the
    thread's headline at once, where a first comment follows an article's text. The thread is the page."""
    post = (
        '<article class="ipsComment"><div class="author">{who}</div><time datetime="{when}">{when}</time>'
        '<div class="ipsType_richText"><p>{text}</p></div></article>'
    )
    html = (
        '<html><body><h1>PIP review letter after tribunal win</h1><div class="cTopic">'
        + post.format(
            who="Sam", when="2024-03-05", text="I won my tribunal in January and now a review form."
        )
        + post.format(who="Jo", when="2024-03-06", text="That happened to me too; call them and ask why.")
        + "</div></body></html>"
    )
    assert _comments(html) == []


def test_readers_letters_and_comment_cards_are_comments_and_a_section_is_not_one() -> None:
    """Seen on trafilatura's pages: a German weblog's readers' letters ('div.leserbrief', 'Name /
    22.04.2020' over the text) and a petition site's 'mo-comment-card'. A block named in the plural
    ('comments', 'commentsBox') is the section around them, never one comment."""
    letters = "".join(
        f'<div class="leserbrief"><div class="leserbrief_inner"><div class="leserbrief_meta">'
        f'<span class="autor">{who}</span> / {day}.04.2020</div><p>{text}</p><div class="votes">0</div>'
        "</div></div>"
        for who, day, text in (
            ("Karsten Dörre", 22, "Nachdem Corona um uns herum wütet, bleibt die Frage offen."),
            ("Anna Weber", 23, "Danke für diesen Bericht, er trifft genau den Punkt."),
        )
    )
    html = f'<html><body>{LONGER}<div class="commentsBox">{letters}</div></body></html>'
    assert [(c.author, c.published, c.text) for c in _comments(html)] == [
        ("Karsten Dörre", "2020-04-22", "Nachdem Corona um uns herum wütet, bleibt die Frage offen."),
        ("Anna Weber", "2020-04-23", "Danke für diesen Bericht, er trifft genau den Punkt."),
    ]  # the name, the day and the count of votes under each are not what the reader wrote
    section = (
        '<div class="commentsBox"><p>Kommentare</p><p>Neuer Kommentar, 3. April 2020</p>'
        "<p>Zum Verfassen von Kommentaren bitte anmelden.</p></div>"
    )
    assert _comments(f"<html><body>{LONGER}{section}</body></html>") == []


def test_a_threads_replies_read_as_text_are_headed_by_writer_and_day() -> None:
    """A forum thread's replies become its text: each keeps who wrote it and when, as the page heads it; a
    day resolved from '11 months ago' says only its month; a reply with neither has no heading."""
    replies = [
        Comment(author="Jo", text="Ask them in writing.\n\nThen appeal.", published="2024-03-06T10:00:00"),
        Comment(author="Ali", text="Same here.", published="2023-04-01", approximate=True),
        Comment(author=None, text="No name, no day.", published=None),
    ]
    assert thread_paragraphs(replies) == [
        "Jo, 6 March 2024",
        "Ask them in writing.",
        "Then appeal.",
        "Ali, about April 2023",
        "Same here.",
        "No name, no day.",
    ]


def test_a_quoted_posts_expand_and_shrink_links_are_not_what_the_reader_wrote() -> None:
    """Seen on WCXB's forum pages (XenForo, 9 of 61 declared threads): a reply quoting another post carries
    the software's 'Click to expand...' and 'Click to shrink...' links, which were read into the reply."""
    html = (
        f"<html><body>{ARTICLE}<ol>"
        "<li class='comment'><cite>Jo</cite><time datetime='2024-03-06T10:00'>6 March</time>"
        "<div class='comment-content'><blockquote class='bbCodeBlock bbCodeBlock--quote'>"
        "<div class='bbCodeBlock-title'>Sam said:</div><div class='bbCodeBlock-content'>"
        "<div class='bbCodeBlock-expandContent'>The review form came this week.</div>"
        "<div class='bbCodeBlock-expandLink'><a>Click to expand...</a></div>"
        "<div class='bbCodeBlock-shrinkLink'><a>Click to shrink...</a></div></div></blockquote>"
        "<p>Ask them in writing for the reasons.</p></div></li></ol></body></html>"
    )
    (comment,) = _comments(html)
    assert "The review form came this week." in comment.text
    assert "Ask them in writing for the reasons." in comment.text
    assert "Click to" not in comment.text


def test_a_link_preview_in_a_reply_is_not_what_the_reader_wrote() -> None:
    """Seen on WCXB's forum pages (Discourse, 6 threads): a reply linking a page shows the linked page's
    title and summary in a preview card ('onebox'), which was read as the replier's words."""
    html = (
        f"<html><body>{ARTICLE}<ol>"
        "<li class='comment'><cite>Maria2</cite><time datetime='2024-03-06T10:00'>6 March</time>"
        "<div class='comment-content'><p>I'll mention a news site for learners.</p>"
        "<aside class='onebox allowlistedgeneric'><header class='source'>bbc.co.uk</header>"
        "<article class='onebox-body'><h3>BBC Learning English - Homepage</h3>"
        "<p>Learn English with these free videos and materials.</p></article></aside>"
        "<p>I've used it many times with my students.</p></div></li></ol></body></html>"
    )
    (comment,) = _comments(html)
    assert comment.text == (
        "I'll mention a news site for learners.\n\nI've used it many times with my students."
    )
