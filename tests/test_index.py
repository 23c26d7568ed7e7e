"""The Whoosh index on disk: search, facets, filters, escaped snippets, atomic rebuild."""

from datetime import UTC, date, datetime
from pathlib import Path

from searching import search

from casebook.models import Document, Mention
from casebook.store import StoredDocument
from indexer.search import index_entry, plain_snippet
from indexer.search.whoosh_backend import WhooshIndex


def stored(url: str, title: str, text: str, source: str, published: date | None) -> StoredDocument:
    fetched = datetime(2025, 1, 1, tzinfo=UTC)
    doc = Document(
        url=url,
        canonical_url=url,
        source=source,
        title=title,
        text=text,
        fetched=fetched,
        authors=["John Pring"],
        published=published,
    )
    return StoredDocument(doc, 1, fetched)


DOCS = [
    stored(
        "https://a.org/1",
        "Sanctions rise",
        "Benefit sanctions rose sharply for ESA claimants.",
        "disability-news-service",
        date(2017, 5, 4),
    ),
    stored(
        "https://a.org/2",
        "Work coaches",
        "Work coaches were told to sanction more claimants.",
        "benefits-and-work",
        date(2024, 3, 1),
    ),
    stored(
        "https://a.org/3",
        "Co-op <script>alert(1)</script>",
        "No <script>alert('x')</script> unpaid workers & no sanctions at the Co-op.",
        "dorset-iww",
        None,
    ),
]
ESA = Mention("ESA", "scheme", "scheme:esa", "Employment and Support Allowance", 32, 35)


def build(path: Path) -> WhooshIndex:
    ix = WhooshIndex(path)
    ix.rebuild(index_entry(d, [ESA] if d.document.url.endswith("1") else [], []) for d in DOCS)
    return ix


def test_stemmed_search_with_facets(tmp_path: Path) -> None:
    build(tmp_path / "index")
    found = search(tmp_path / "index", "sanctions")
    assert found["total"] == 3  # sanctions, sanction, sanctions: stemmed
    assert found["facets"]["source"] == {
        "benefits-and-work": 1,
        "disability-news-service": 1,
        "dorset-iww": 1,
    }
    assert found["facets"]["year"] == {"2017": 1, "2024": 1, "undated": 1}
    assert found["facets"]["scheme"] == {"scheme:esa": 1}
    first = {r["id"]: r for r in found["results"]}[DOCS[0].document.id]
    assert first["published"] == "2017-05-04" and first["url"] == "https://a.org/1"
    assert "<mark>sanctions</mark>" in first["snippet"]


def test_star_matches_everything_and_filters_narrow(tmp_path: Path) -> None:
    build(tmp_path / "index")
    assert search(tmp_path / "index", "*")["total"] == 3
    narrowed = search(tmp_path / "index", "*", filters={"source": ["dorset-iww"]})
    assert narrowed["total"] == 1 and narrowed["facets"]["source"] == {"dorset-iww": 1}
    assert search(tmp_path / "index", "*", filters={"year": ["2017"], "scheme": ["scheme:esa"]})["total"] == 1


def test_snippets_escape_page_markup_before_marking(tmp_path: Path) -> None:
    build(tmp_path / "index")
    hit = search(tmp_path / "index", "unpaid")["results"][0]
    assert "<script>" not in hit["snippet"]
    assert "&lt;script&gt;" in hit["snippet"] and "<mark>unpaid</mark>" in hit["snippet"]
    assert "&amp;" in hit["snippet"]
    assert plain_snippet(hit["snippet"]).startswith("No <script>alert('x')</script> unpaid")
    assert "\n" not in plain_snippet("a\n\n<mark>b</mark>") and plain_snippet("a\n\n<mark>b</mark>") == "a b"


def test_update_replaces_by_id_and_rebuild_swaps(tmp_path: Path) -> None:
    ix = build(tmp_path / "index")
    first_target = (tmp_path / "index").resolve()
    ix.update([index_entry(DOCS[0], [], [])])
    assert ix.doc_count() == 3
    ix.rebuild(index_entry(d, [], []) for d in DOCS[:2])
    assert (tmp_path / "index").resolve() != first_target and not first_target.exists()
    assert ix.doc_count() == 2


def test_search_without_an_index_is_empty_not_an_error(tmp_path: Path) -> None:
    assert search(tmp_path / "none", "anything")["total"] == 0


def test_a_rebuild_in_several_segments_answers_as_one_segment(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from bench.synthetic import Generator
    from indexer.search import whoosh_backend as ix_module

    docs = list(Generator(seed=8, mean_words=100).docs(120))
    one = WhooshIndex(tmp_path / "one")
    one.rebuild(index_entry(d.stored, d.mentions, d.quotes) for d in docs)
    monkeypatch.setattr(ix_module, "SEGMENT_TOKENS", 2000)  # a segment every dozen documents or so
    many = WhooshIndex(tmp_path / "many")
    assert many.rebuild(index_entry(d.stored, d.mentions, d.quotes) for d in docs) == 120
    assert len(list(many.folder().glob("MAIN_*.seg"))) > 5 and many.check(expected=120) == []
    for query in ("sanctions", '"fit for work"', '"cost living"~2', "tribunal OR appeal", "quote:benefit"):
        a = search(tmp_path / "one", query, limit=50)
        b = search(tmp_path / "many", query, limit=50)
        assert a["total"] == b["total"] and a["facets"] == b["facets"], query
        assert {r["id"] for r in a["results"]} == {r["id"] for r in b["results"]}, query


def test_marked_spans_are_the_marked_tokens() -> None:
    """The fast ways of finding highlighted words agree with tokenising the whole text."""
    import random

    from indexer.search.analysis import TOKEN_RE, stem_of
    from indexer.search.highlight import Marks, _is_marked, _marked_spans

    pieces = [
        "sanction",
        "sanctions",
        "Sanctioned",
        "benefits",
        "x",
        "é",
        ".",
        "..",
        " ",
        "*",
        "-",
        "1",
        "3.14",
        "a.b",
        "_",
        "ß",
        "\n",
        "'",
        "BENEFIT",
        "happy",
        "happiness",
        "İ",
        "ΟΔΟΣ",
        "ǅ",
    ]
    rng = random.Random(5)
    exact = {"sanctions", "x", "a.b", "3.14", "é", "b", "happy"}
    stems = {stem_of(w) for w in ("benefit", "sanctions", "happy")}
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
        for marks in (Marks(exact=exact, stems=stems), Marks(exact=exact, fuzzy=[("benefti", 1)])):
            fresh = Marks(exact=marks.exact, stems=marks.stems, fuzzy=marks.fuzzy)
            expected = [m.span() for m in TOKEN_RE.finditer(text) if _is_marked(m.group(0).lower(), fresh)]
            assert _marked_spans(text, marks) == expected, text
            found += len(expected)
    assert found > 1000
