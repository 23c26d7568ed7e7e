"""Reader comments: authors, text, dates (absolute and relative), threading, and what is not a comment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from indexer.comments import extract_comments, parse_absolute, parse_relative
from indexer.encoding import decode_html
from indexer.extract import parse_html

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
