"""Citation formats carry the same facts; CSV cannot smuggle spreadsheet formulas."""

import csv
import io
import json
from datetime import UTC, date, datetime

from webui.citations import Citation, harvard, markdown, neutralise, plain, ris, to_csl_json, to_csv, to_jsonl

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
