"""Citation formats carry the same facts; CSV cannot smuggle spreadsheet formulas."""

import csv
import io
import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime

from webui.citations import (
    Citation,
    csl_json,
    harvard,
    markdown,
    neutralise,
    plain,
    ris,
    to_csl_json,
    to_csv,
    to_jsonl,
    web_url,
)

CITATION = Citation(
    doc_id="020c00c74f47d86c",
    title="Boycott call after DWP wrongly claims DPOs helped devise punitive work scheme",
    authors=["John Pring"],
    outlet="Black Triangle Campaign",
    published=date(2017, 5, 4),
    url="https://blacktrianglecampaign.org/2017/05/04/boycott-call/",
    archived_url="http://127.0.0.1:5000/doc/020c00c74f47d86c/archived",
    fetched=datetime(2017, 5, 11, 10, tzinfo=UTC),
)


def test_every_format_carries_author_title_outlet_dates_and_both_links() -> None:
    for text in (plain(CITATION), markdown(CITATION), harvard(CITATION), ris(CITATION)):
        assert "Pring" in text and "Boycott call after DWP" in text and "Black Triangle Campaign" in text
        assert CITATION.url in text and CITATION.archived_url in text
        assert "2017" in text
    assert plain(CITATION).startswith("John Pring, “Boycott call")
    assert "4 May 2017" in plain(CITATION) and "fetched 11 May 2017" in plain(CITATION)
    assert harvard(CITATION).startswith("Pring, J. (2017) ‘Boycott call")
    assert "(Accessed: 11 May 2017)" in harvard(CITATION)


def test_ris_is_one_tag_per_line_even_for_hostile_titles() -> None:
    hostile = Citation(**{**CITATION.__dict__, "title": "Line one\nTY  - JOUR\nmore"})
    lines = ris(hostile).split("\r\n")
    assert lines[0] == "TY  - NEWS" and lines[1] == "TI  - Line one TY - JOUR more"
    assert [line for line in lines if line.startswith("TY  -")] == ["TY  - NEWS"]
    assert lines[-2] == "ER  - "


def test_csl_json_for_zotero() -> None:
    (item,) = json.loads(to_csl_json([CITATION]))
    assert item["type"] == "article-newspaper"
    assert item["author"] == [{"family": "Pring", "given": "John"}]
    assert item["issued"] == {"date-parts": [[2017, 5, 4]]}
    assert item["accessed"] == {"date-parts": [[2017, 5, 11]]}
    assert item["container-title"] == "Black Triangle Campaign"


def test_undated_and_authorless_documents_say_so() -> None:
    bare = Citation(**{**CITATION.__dict__, "authors": [], "published": None})
    assert "n.d." in plain(bare) and harvard(bare).startswith("Black Triangle Campaign (n.d.)")
    assert "issued" not in json.loads(to_csl_json([bare]))[0]


def test_csv_neutralises_formulas() -> None:
    for cell in ('=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx"):
        assert neutralise(cell).startswith("'")
    assert neutralise("Sanctions") == "Sanctions"
    evil = Citation(**{**CITATION.__dict__, "title": "=cmd|' /C calc'!A0", "authors": ["@bad"]})
    (row,) = list(csv.DictReader(io.StringIO(to_csv([evil]))))
    assert row["title"].startswith("'=") and row["authors"].startswith("'@")


def test_jsonl_rows_hold_citation_fields() -> None:
    (row,) = [json.loads(line) for line in to_jsonl([CITATION]).splitlines()]
    assert row["archived_url"] == CITATION.archived_url and row["citation"] == plain(CITATION)


def test_only_web_addresses_become_links_in_any_citation_format() -> None:
    hostile = Citation(
        "d1",
        "Cuts [click](javascript:alert(1)) <img src=x onerror=alert(2)>",
        ["Eve *Bold*"],
        "Outlet_[x]",
        date(2020, 1, 2),
        "javascript:alert(1)",
        "http://127.0.0.1:5000/doc/d1/archived",
        datetime(2020, 1, 3, tzinfo=UTC),
    )
    md = markdown(hostile)
    assert re.search(r"(?<!\\)\]\(<?javascript", md) is None  # no unescaped Markdown link to the script
    assert "\\[click\\]" in md and "\\<img" in md and "\\*Bold\\*" in md and "Outlet\\_\\[x\\]" in md
    assert "[archived copy](<http://127.0.0.1:5000/doc/d1/archived>)" in md
    assert "\nUR  - " not in ris(hostile) and "(not a web link): javascript:alert(1)" in ris(hostile)
    item = csl_json(hostile)
    assert "URL" not in item and "javascript:alert(1)" in item["note"]
    safe = replace(hostile, url="https://example.org/a b>c")
    assert "(<https://example.org/a%20b%3Ec>)" in markdown(safe)  # cannot close the link early
    assert csl_json(safe)["URL"] == "https://example.org/a b>c" and "UR  - https://example.org" in ris(safe)
    assert web_url(" JAVASCRIPT:x") is None and web_url("HTTPS://x.org/") == "HTTPS://x.org/"


def test_ris_gives_authors_full_names_as_family_comma_given() -> None:
    lines = ris(replace(CITATION, authors=["John Pring", "Mary Anne Smith", "Anonymous"])).split("\r\n")
    assert [line for line in lines if line.startswith("AU")] == [
        "AU  - Pring, John",
        "AU  - Smith, Mary Anne",
        "AU  - Anonymous",
    ]
