"""Bytes to text: the browser's order (BOM, header, meta, detection), and no crash on bad bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer.extract.encoding import decode_html

FIXTURES = Path(__file__).parent / "fixtures" / "extract"

CURLY = "it’s “quoted” – £5"
CP1252_CURLY = b"it\x92s \x93quoted\x94 \x96 \xa35"


def test_windows_1252_page_declared_in_meta_http_equiv() -> None:
    text = decode_html((FIXTURES / "windows1252.html").read_bytes(), "text/html")
    assert "“Fit for work” ruling overturned at tribunal" in text
    assert "didn’t look at me once" in text
    assert "tribunal – the third" in text
    assert "£0" in text
    assert "\ufffd" not in text


def test_latin1_label_is_read_as_windows_1252() -> None:
    """Browsers treat ISO-8859-1 as windows-1252: 0x92-0x96 are punctuation, not C1 controls."""
    body = b"<html><head><meta charset='iso-8859-1'></head><body><p>" + CP1252_CURLY + b"</p></body></html>"
    assert CURLY in decode_html(body, None)
    assert CURLY in decode_html(b"<p>" + CP1252_CURLY + b"</p>", "text/html; charset=ISO-8859-1")


def test_header_charset_wins_over_meta() -> None:
    body = "<meta charset='windows-1252'><p>café “x”</p>".encode()
    assert "café “x”" in decode_html(body, "text/html; charset=utf-8")


def test_meta_charset_used_when_header_has_none() -> None:
    body = "<html><head><meta charset='windows-1252'></head><body>café</body></html>".encode("cp1252")
    assert "café" in decode_html(body, "text/html")


def test_bom_wins_over_header() -> None:
    body = b"\xef\xbb\xbf<p>caf\xc3\xa9</p>"
    text = decode_html(body, "text/html; charset=iso-8859-1")
    assert text == "<p>café</p>"


def test_utf16_with_bom() -> None:
    body = "\ufeff<p>“quoted”</p>".encode("utf-16-le")
    assert decode_html(body, None) == "<p>“quoted”</p>"


def test_undeclared_utf8_is_detected() -> None:
    assert decode_html("<p>“quoted” café</p>".encode(), None) == "<p>“quoted” café</p>"


def test_undeclared_non_utf8_falls_back_to_windows_1252() -> None:
    assert decode_html(b"<p>" + CP1252_CURLY + b"</p>", None) == f"<p>{CURLY}</p>"


def test_utf8_page_with_stray_windows_1252_bytes_keeps_its_quotes() -> None:
    """An old UTF-8 page with a windows-1252 paste: the stray bytes come out as the quotes they were."""
    body = "<p>“ok” café</p>".encode() + b"<p>" + CP1252_CURLY + b"</p>"
    assert decode_html(body, "text/html; charset=UTF-8") == f"<p>“ok” café</p><p>{CURLY}</p>"


@pytest.mark.parametrize(
    "content_type",
    [None, "", "text/html", "text/html; charset=utf-8", "text/html; charset=nonsense", "text/html; charset="],
)
def test_undecodable_bytes_never_crash(content_type: str | None) -> None:
    body = os.urandom(4096) + b"\x81\x8d\x8f\x90\x9d\xff\xfe"
    text = decode_html(body, content_type)
    assert isinstance(text, str) and text


def test_unknown_header_charset_falls_through_to_meta() -> None:
    body = b"<meta charset='windows-1252'><p>" + CP1252_CURLY + b"</p>"
    assert CURLY in decode_html(body, "text/html; charset=x-no-such-charset")


def test_empty_body() -> None:
    assert decode_html(b"", "text/html") == ""


# ----------------------------------------------------------------------------------------------------------
# Text an earlier wrong decoding garbled: UTF-8 read as windows-1252 or latin-1, then written out as UTF-8

STORY = (
    "<p>“We were told it would take six weeks,” said Maureen O’Neill. “It’s been nine months – and £0.”</p>"
    "<p>The Department for Work and Pensions said its review of the claim was under way and that decisions"
    " were made in line with the guidance, which it keeps under review as the roll-out continues.</p>"
)


def _garbled(text: str, codec: str) -> bytes:
    """``text`` as UTF-8 misread as ``codec`` and saved as UTF-8 again: the bytes of a garbled page (the
    five bytes windows-1252 leaves undefined read as latin-1 reads them, as Windows does)."""
    raw = text.encode("utf-8")
    return "".join(bytes([b]).decode(codec, errors="ignore") or chr(b) for b in raw).encode("utf-8")


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_a_page_garbled_by_an_earlier_misreading_is_read_as_written(codec: str) -> None:
    """Seen on 41 of WCXB's 1,497 dev pages: 'Investorâ\\x80\\x99s' (latin-1) or 'donâ€™t' (windows-1252)
    where the page meant 'Investor’s', 'don’t'; a quote whose marks are so garbled is neither found nor fit
    to publish, and its words are not found by a search. The archived bytes stay as they were."""
    from datetime import UTC, datetime

    from casebook.models import RawPage
    from indexer.extract.stage import extract

    html = "<html><head><title>Nine months – no decision</title></head><body><article>"
    html += f"<h1>Nine months – no decision</h1>{STORY}</article></body></html>"
    body = _garbled(html, codec)
    assert "’" not in decode_html(body, "text/html; charset=utf-8")  # what a browser shows: garbled
    doc = extract(RawPage(url="https://news.example/nine-months", body=body, fetched=datetime.now(UTC)), "x")
    assert doc.title == "Nine months – no decision"
    assert "“We were told it would take six weeks,” said Maureen O’Neill." in doc.text
    assert "“It’s been nine months – and £0.”" in doc.text


def test_windows_1252_marks_carried_into_utf8_as_control_characters_are_read_as_those_marks() -> None:
    """Seen on WCXB dev pages: a UTF-8 page showing U+0092, U+0093 and U+0097, the windows-1252 bytes of ’,
    “ and — carried to Unicode byte for byte. Such a character stands for no text, and the reading dropped
    it: 'Because we\x92re so used to electricity' read 'Because were so used', a customer's quoted review
    lost its quotation marks (so no quote was found), and a dash went from between two clauses."""
    from datetime import UTC, datetime

    from casebook.models import RawPage
    from indexer.extract.stage import extract

    story = "<p>\x93We\x92re so used to waiting,\x94 said Maureen O\x92Neill \x97 nine months on.</p>"
    story += STORY.split("</p>", 1)[1]  # a second paragraph, so that the page is read as an article
    html = f"<html><head><title>Nine months on</title></head><body><article>{story}</article></body></html>"
    body = html.encode("utf-8")
    assert "\x92" in decode_html(body, "text/html; charset=utf-8")  # what the bytes say, as a browser reads
    doc = extract(RawPage(url="https://news.example/nine-months", body=body, fetched=datetime.now(UTC)), "x")
    assert "“We’re so used to waiting,” said Maureen O’Neill — nine months on." in doc.text


def test_words_are_read_as_shown_so_that_a_search_finds_them() -> None:
    """Seen on 17 of trafilatura's and WCXB's pages: umlauts written as a letter and a combining mark (text
    pasted from a Mac: 'A\u0308rzte'), and on German sites a soft hyphen inside a word ('halbver&shy;daute').
    Each looks like the plain word, but the index's words are runs of word characters and queries are read
    composed, so a search for 'Ärzte' or 'halbverdaute' found neither."""
    from datetime import UTC, datetime

    from casebook.models import RawPage
    from indexer.extract.stage import extract
    from indexer.search.analysis import words

    story = "<p>Die A\u0308rzte fanden eine halbver&shy;daute Felche und eine halb\u00adverdaute zweite.</p>"
    story += STORY.split("</p>", 1)[1]
    html = f"<html><head><title>Die A\u0308rzte</title></head><body><article>{story}</article></body></html>"
    body = html.encode("utf-8")
    doc = extract(RawPage(url="https://news.example/felche", body=body, fetched=datetime.now(UTC)), "x")
    assert doc.title == "Die Ärzte"
    assert "Die Ärzte fanden eine halbverdaute Felche und eine halbverdaute zweite." in doc.text
    assert {"ärzte", "halbverdaute"} <= set(words(doc.text))


def test_text_that_only_looks_garbled_is_left_as_written() -> None:
    from indexer.extract.encoding import repair_mojibake

    for text in ("The café’s owner", "NÃO À AUSTERIDADE", "Ångström – naïve “quotes” – €5 and £5"):
        assert repair_mojibake(text) == text
