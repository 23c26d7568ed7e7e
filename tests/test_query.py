"""The query language: every syntax element against a real index, exact phrases, entities, friendly errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from searching import BACKENDS, new_backend, search

from casebook.errors import CasebookError
from casebook.models import Document, Mention
from casebook.store import StoredDocument
from indexer.search import IndexEntry, QueryError, SearchBackend, index_entry
from indexer.search.compiler import DOCUMENTS
from indexer.search.language import parse

ROOT = Path(__file__).resolve().parent.parent


def stored(
    n: int, title: str, text: str, published: date | None = None, author: str = "John Pring"
) -> StoredDocument:
    fetched = datetime(2025, 1, 1, tzinfo=UTC)
    url = f"https://example.org/q{n}"
    doc = Document(url=url, canonical_url=url, source=f"source-{n % 2}", title=title, text=text,
                   fetched=fetched, authors=[author], published=published)  # fmt: skip
    return StoredDocument(doc, 1, fetched)


TEXTS = {
    1: ("Sanction", "A sanction was applied to one claimant.", date(2018, 3, 1)),
    2: ("Sanctions", "Benefit sanctions were applied to many claimants.", date(2019, 7, 9)),
    3: ("Sanctioned", "She was sanctioned for missing the work capability assessment.", date(2020, 1, 2)),
    4: ("Sanctioning", "Sanctioning policy under review; fit for work tests continue.", date(2020, 6, 30)),
    5: (
        "Capability",
        "The capability for work assessment was criticised by disabled people.",
        date(2021, 1, 1),
    ),
    6: ("Food", "Food bank use rose as the tribunal heard appeals.", None),
    7: ("Co-op", "The co-op paid 3.5% more; ESA claimants said so.", date(2016, 12, 31)),
}
ESA_ACRONYM = Mention("ESA", "scheme", "scheme:esa", "Employment and Support Allowance", 24, 27)
JSA = Mention("JSA", "scheme", "scheme:jsa", "Jobseeker's Allowance", 0, 3)
PIP_LONG = Mention(
    "personal independence payment", "scheme", "scheme:pip", "Personal Independence Payment", 0, 5
)


def entries() -> list[IndexEntry]:
    docs = {
        n: stored(n, t, x, d, author="Mary O'Hara" if n == 5 else "John Pring")
        for n, (t, x, d) in TEXTS.items()
    }
    mentions = {7: [ESA_ACRONYM], 5: [PIP_LONG], 6: [JSA]}
    return [index_entry(d, mentions.get(n, []), []) for n, d in docs.items()]


@pytest.fixture(scope="module", params=BACKENDS)
def index_path(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SearchBackend:
    """The documents above in an index of each backend: every test of the language runs on both."""
    backend = new_backend(request.param, tmp_path_factory.mktemp("query"), request)
    backend.rebuild(entries())
    return backend


def found(index_path: SearchBackend, query: str, **kwargs: object) -> set[int]:
    result = search(index_path, query, limit=50, **kwargs)  # type: ignore[arg-type]
    return {int(r["url"].rsplit("q", 1)[1]) for r in result["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sanctions", {1, 2, 3, 4}),  # plain words stem
        ("sanctioned", {1, 2, 3, 4}),
        ('"sanction"', {1}),  # a phrase never matches another form
        ('"sanctions"', {2}),
        ('"sanctioned"', {3}),
        ('"work capability assessment"', {3}),
        ('"capability assessment"~1', {3}),  # proximity: up to N words may come between
        ('"capability assessment"~2', {3, 5}),
        ('"capability assessment"', {3}),
        ('"assessment capability"~2', set()),  # order still counts within the distance
        ("claimants applied", {1, 2}),  # AND is the default
        ("claimant AND applied", {1, 2}),
        ("tribunal OR co-op", {6, 7}),
        ("sanctions NOT benefit", {1, 3, 4}),
        ("sanctions -benefit", {1, 3, 4}),
        ("(tribunal OR assessment) -criticised", {3, 6}),
        ("-sanctions -capability", {6, 7}),
        ("sanction*", {1, 2, 3, 4}),
        ("sanction?", {2}),
        ("capabilty~", {3, 5}),  # fuzzy, one letter
        ("capabilty~1", {3, 5}),
        ("tribnul~2", {6}),
        ("co-op", {7}),  # one word as written, several tokens: matched in order
        ("3.5", {7}),
        ("title:sanctioned", {1, 2, 3, 4}),
        ('title:"sanctioned"', {3}),
        ("title:(food OR co-op)", {6, 7}),
        ("author:pring", {1, 2, 3, 4, 6, 7}),
        ('author:"mary o\'hara"', {5}),
        ("source:source-1", {1, 3, 5, 7}),
        ("scheme:ESA", {7}),
        ("scheme:esa", {7}),
        ('scheme:"employment and support allowance"', {7}),
        ('scheme:"Employment & Support Allowance"', set()),
        ("scheme:scheme:pip", {5}),
        ('scheme:"personal independence payment"', {5}),
        ("published:2020", {3, 4}),
        ("published:2020-06", {4}),
        ("published:2020-06-30", {4}),
        ("published:[2019-01 TO 2020-06]", {2, 3, 4}),
        ("published:[2020 TO *]", {3, 4, 5}),
        ("published:[* TO 2017]", {7}),
        ("sanctions published:[2019 TO 2020-01]", {2, 3}),
        ("the", {1, 2, 3, 4, 5, 6, 7} - {1, 2, 4}),  # stop words count, as written
        ("*", set(range(1, 8))),
        ("", set(range(1, 8))),
        ("\u201cfit for work\u201d", {4}),  # curly quotes pasted from a document
    ],
)
def test_syntax(index_path: SearchBackend, query: str, expected: set[int]) -> None:
    assert found(index_path, query) == expected


def test_exact_phrase_never_matches_stemmed_or_partial_forms(index_path: SearchBackend) -> None:
    for phrase, only in (('"sanction"', 1), ('"sanctions"', 2), ('"sanctioned"', 3), ('"sanctioning"', 4)):
        assert found(index_path, phrase) == {only}
    assert found(index_path, '"sanction was"') == {1}
    assert found(index_path, '"sanctions was"') == set()
    assert found(index_path, '"sanc"') == set()


def test_entity_fields_resolve_through_the_gazetteer_aliases(index_path: SearchBackend) -> None:
    gazetteer = ROOT / "corpus" / "gazetteer"
    assert found(index_path, 'scheme:"Job Seeker\'s Allowance"') == set()  # never written so in this archive
    assert found(index_path, 'scheme:"Job Seeker\'s Allowance"', gazetteer=gazetteer) == {6}
    assert found(index_path, "scheme:jobseekers", gazetteer=gazetteer) == {6}  # every word of a name


def test_unknown_entity_matches_nothing_and_says_so(index_path: SearchBackend) -> None:
    result = search(index_path, "person:nobody", details=True)
    assert result["total"] == 0 and "no person known as 'nobody'" in result["notices"][0]


def test_default_operator_is_and(index_path: SearchBackend) -> None:
    assert found(index_path, "food claimant") == set()
    assert found(index_path, "food OR claimant") == {1, 2, 6, 7}


BAD = [
    ('"benefit sanctions', "the quote opened at character 1 is never closed", '"benefit sanctions"'),
    ("(sanctions OR tribunal", "never closed", "(sanctions OR tribunal)"),
    ("sanctions OR tribunal)", "closes no (", "sanctions OR tribunal"),
    ("sanctions AND", "AND needs a word after it", "sanctions"),
    ("OR sanctions", "OR needs a word before it", "sanctions"),
    ("sanctions OR OR tribunal", "OR needs a word after it", "sanctions OR tribunal"),
    ("sanctions NOT", "NOT needs a word after it", "sanctions"),
    ("sanctions -", "", ""),  # handled below: a lone minus is a word, never an error
    ("titel:sanctions", "unknown field titel:", "title:sanctions"),
    ("scheem:ESA", "unknown field scheem:", "scheme:ESA"),
    ("http://example.org/x", "unknown field http:", '"http://example.org/x"'),
    ("universal credit: a failure", "unknown field credit:", "universal credit a failure"),
    ("published:2020-13", "'2020-13' is not a date", "published:2020"),
    ("published:13/05/2020", "is not a date", "published:2020-05-13"),
    # a range written as other search tools write it: the suggestion keeps the range, not its first year
    ("published:2016..2018", "a date range is written", "published:[2016 TO 2018]"),
    ("published:2016-2018", "a date range is written", "published:[2016 TO 2018]"),
    ("fit published:2019-01..2020-06", "a date range is written", "fit published:[2019-01 TO 2020-06]"),
    ("published:2018..2016", "a date range is written", "published:[2016 TO 2018]"),
    ('published:"2016 to 2018"', "a date range is written", "published:[2016 TO 2018]"),
    ("published:[2020 TO 2019]", "ends before it starts", "published:[2019 TO 2020]"),
    ("published:[2019 2020]", "needs TO", "published:[2019 TO 2020]"),
    ("published:[2019 TO 2020", "never closed with ]", "published:[2019 TO 2020]"),
    ("published:(2019 OR 2020)", "not a group", "published:[2019-01 TO 2020-06]"),
    ("title:", "title: needs a value", ""),
    ("title: sanctions", "title: needs a value", "sanctions"),
    ("()", "empty group", ""),
    ('""', "empty phrase", ""),
    ("*ing", "a wildcard cannot start a word", "ing"),
    ("s*", "too broad", "s"),
    ('"sanction*"', "wildcards do not work inside quotes", "sanction*"),
    ("sanctions~5", "1 or 2 letters", "sanctions~2"),
    ("sanctions~0.8", "1 or 2 letters", "sanctions~1"),
    ('"fit work"~x', "whole number", '"fit work"~3'),
    ('"fit work"~500', "too far apart", '"fit work"~20'),
    ("title:[a TO b]", "only published: can", "title:(a b)"),
    ("title:[2019 TO 2020]", "only published: can", "published:[2019 TO 2020]"),
    ("[2019 TO 2020]", "needs a field", "published:[2019 TO 2020]"),
    ("title:(author:pring)", "cannot sit inside", "title:( pring)"),
    (":sanctions", "colon must follow a field name", "sanctions"),
    ("sanctions]", "closes no date range", "sanctions"),
]


@pytest.mark.parametrize(("query", "problem", "suggestion"), [b for b in BAD if b[1]])
def test_malformed_queries_explain_and_suggest(
    index_path: SearchBackend, query: str, problem: str, suggestion: str
) -> None:
    with pytest.raises(QueryError) as caught:
        search(index_path, query)
    error = caught.value
    assert isinstance(error, CasebookError)
    message = str(error)
    assert "\n" not in message and problem in message
    assert error.suggestion == " ".join(suggestion.split())
    assert message.endswith(f"try: {error.suggestion}" if error.suggestion else "try: *")
    if error.suggestion and error.suggestion not in ("*",):
        search(index_path, error.suggestion)  # the suggestion itself runs


def test_a_lone_minus_or_plus_is_not_an_operator(index_path: SearchBackend) -> None:
    assert found(index_path, "sanctions -") == found(index_path, "sanctions")


def test_malformed_query_is_reported_even_without_an_index(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="never closed"):
        search(tmp_path / "none", '"open')


def test_parser_tree_shapes() -> None:
    tree = parse('a b OR c -d title:"e f"~2', DOCUMENTS.fields)
    assert type(tree).__name__ == "OrNode"
    left, right = tree.children  # type: ignore[attr-defined]
    assert type(left).__name__ == "AndNode" and len(left.children) == 2
    assert [type(c).__name__ for c in right.children] == ["Word", "NotNode", "Phrase"]
    assert right.children[2].slop == 2 and right.children[2].field == "title"
