"""Property-based tests (hypothesis): the query parser and the search endpoints never crash on any input.

Properties:

* parsing and compiling any string raises nothing but :class:`QueryError`, whose message is one line and
  whose suggestion parses (or is empty, meaning ``*``);
* ``/search``, ``/api/search`` and every other query-string route answer any parameters (names and values:
  query syntax, dates, numbers, non-UTF-8 percent-encoded bytes, NUL, huge strings, url_for's own keyword
  names) with a 2xx or 4xx, never a 500 or a traceback, and never echo markup unescaped into HTML.

The profile is deterministic (``derandomize``, no example database) and bounded, so CI runs the same
examples every time in well under a minute.
"""

from __future__ import annotations

import re
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search.compiler import DOCUMENTS, QUOTES, compile_query
from indexer.search.language import QueryError, parse
from indexer.search.lexicon import Lexicon
from indexer.search.tree import is_slow
from indexer.search.whoosh_query import to_whoosh

settings.register_profile(
    "casebook-fuzz",
    max_examples=250,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
FUZZ = settings.get_profile("casebook-fuzz")

# -- the query language, piece by piece -----------------------------------------------------------

ATOMS = (
    "sanctions", "benefit", "claimants", "ESA", "esa", "pip", "john", "pring", "x", "2020", "1",
    "*", "?", "sanct*", "sanctio?", "s*", "*ion", "ab?*", "capabilty~", "capabilty~2", "x~3", "x~", "x~1.5",
    "~", "~~", "AND", "OR", "NOT", "and", "or", "-", "+", "--", "-x", "+x", "-(", "+\"", "(", ")", "((",
    "))", "()", "[", "]", "[]", '"', '""', "\u201c", "\u201d", "\u00ab", '"benefit sanctions"',
    '"work capability"~3', '"x"~', '"x"~101', '"x"~abc', '"a*"', "[2019-01 TO 2020-06]", "[2019 TO *]",
    "[* TO *]", "[2020 2021]", "[2020-13 TO 2021]", "[2021 TO 2019]", "[TO]", "[a TO b TO c]", "2020-06",
    "2020-13", "2020-02-30", "13/05/2020", "0000", "9999-12-31", "9999-12", "99999",
    "\uff12\uff10\uff12\uff10", ":", "::", "a:b:c", ":x", "\x00", "\ufffd", "\udcff", "\ud800",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>', "&amp;", "é", "e\u0301", "İ", "ß", "ﬁ", "\u200b", "\u2028", "\t",
    "\n", "\r\n", " ", "\\", "'", "`", "%", "%ff", "{", "}", "^", "!", "|", "&&", "||", "/re/", ";", ",",
    ".", "&", "co-op", "3.5%", "http://example.org/x",
)  # fmt: skip
FIELD_NAMES = (*DOCUMENTS.fields, "TITLE", "Published", "titel", "scheem", "nosuch", "_x", "a", "http")
tokens = st.one_of(
    st.sampled_from(ATOMS),
    st.sampled_from(FIELD_NAMES).map(lambda name: name + ":"),
    st.text(max_size=6),
)
spaces = st.sampled_from(("", " ", " ", "  ", "\t"))
structured = st.lists(st.tuples(tokens, spaces), max_size=14).map(
    lambda parts: "".join(a + b for a, b in parts)
)
nested = st.tuples(
    st.sampled_from(("(", "-", "+", "NOT ", "- ", "title:(", '"', "[", "(-")),
    st.integers(1, 400),
    st.sampled_from(("x", "sanctions", "")),
    st.booleans(),
).map(lambda t: t[0] * t[1] + t[2] + (")" * t[1] if t[3] else ""))
huge = st.sampled_from((2001, 10_001, 60_000)).flatmap(
    lambda n: st.sampled_from(("a ", "x", "(", '"', "sanctions OR ", "\u00e9")).map(lambda s: (s * n)[:n])
)
queries = st.one_of(structured, structured, structured, st.text(max_size=60), nested, huge)

LEXICON = Lexicon()
LEXICON.add("scheme:esa", "scheme", ["Employment and Support Allowance", "ESA"])
LEXICON.add("person:john-pring", "person", ["John Pring"])
LEXICON.add("org:dwp", "organisation", ["Department for Work and Pensions", "DWP"])


def check_error(error: QueryError, profile_fields: tuple[str, ...], dates: tuple[str, ...]) -> None:
    message = str(error)
    assert error.problem and len(message.splitlines()) == 1, message
    if error.suggestion:
        try:
            parse(error.suggestion, profile_fields, dates)
        except QueryError as again:  # pragma: no cover - the failure message is the point
            pytest.fail(f"suggestion {error.suggestion!r} does not parse: {again}")


@FUZZ
@given(queries)
def test_parser_raises_only_query_error_with_a_suggestion_that_parses(text: str) -> None:
    for profile in (DOCUMENTS, QUOTES):
        try:
            parse(text, profile.fields, tuple(profile.dates))
            compiled = compile_query(text, profile, LEXICON.resolve)
            is_slow(compiled.query)
            to_whoosh(compiled.query, lambda field, word: [word])  # what the Whoosh backend runs
        except QueryError as error:
            check_error(error, profile.fields, tuple(profile.dates))


@FUZZ
@given(st.text(max_size=12), st.sampled_from(("scheme", "person", "speaker", "organisation")))
def test_entity_names_resolve_without_error(text: str, kind: str) -> None:
    assert isinstance(LEXICON.resolve(kind, text), list)
    assert isinstance(LEXICON.resolve(kind, text + "*"), list)


def test_deep_nesting_is_a_query_error_not_a_crash() -> None:
    for text in ("(" * 500 + "x" + ")" * 500, "-" * 3000 + "x", "NOT " * 2000 + "x", "(-" * 900 + "x"):
        with pytest.raises(QueryError, match="nests") as caught:
            compile_query(text)
        assert caught.value.suggestion == "x"
    compile_query("+" * 3000 + "x")  # a + before a + is a word, not a chain


def test_suggestions_are_followed_until_they_parse() -> None:
    with pytest.raises(QueryError, match="quote opened at character 4") as caught:
        parse('(a "b', DOCUMENTS.fields)
    assert caught.value.suggestion == '(a "b")'  # both the quote and the group closed
    with pytest.raises(QueryError) as caught:
        parse('"fit\nwork"~x', DOCUMENTS.fields)
    assert "\n" not in str(caught.value)


def test_entity_wildcards_match_names() -> None:
    assert LEXICON.resolve("scheme", "employ*") == ["scheme:esa"]
    assert LEXICON.resolve("person", "john p*") == ["person:john-pring"]


# -- the web endpoints -----------------------------------------------------------------------------

FACETS = ("source", "year", "month", "author", "official", "person", "organisation", "scheme", "place")
PARAM_NAMES = (
    "q", "q", "q", "page", "sort", "since", "until", "originals", "more", "by", "measure", "speaker",
    *FACETS, *(f"-{f}" for f in FACETS),
    "endpoint", "_anchor", "_scheme", "_external", "_method", "fmt", "doc_id", "entity_id", "timeline_id",
    "filename", "next", "", "q[]", "Q",
)  # fmt: skip
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
)
# Never in any page Casebook renders, whatever it was asked.
FORBIDDEN = (
    "<script>alert",
    "<img src=x",
    "<svg onload",
    'href="javascript:',
)
values = st.one_of(
    queries.map(lambda s: s.encode("utf-8", "surrogatepass")),  # lone surrogates: invalid UTF-8 bytes
    st.sampled_from(
        PAYLOADS + ("sanctions", "1", "0", "-1", "99999999999999999999", "1e9", "NaN", "٣", "1_0")
    ).map(str.encode),
    st.sampled_from(
        ("2020", "2020-13", "2020-02-30", "13/05/2020", "0000", "9999-12", "1", "", " ", "*")
    ).map(str.encode),
    st.sampled_from(
        ("relevance", "newest", "oldest", "year", "month", "share", "count", "source", "scheme")
    ).map(str.encode),
    st.binary(max_size=24),
)
params = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAM_NAMES).map(str.encode), st.binary(max_size=6)), values),
    min_size=0,
    max_size=6,
)


def query_string(pairs: list[tuple[bytes, bytes]]) -> str:
    return "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in pairs)


INJECTED = re.compile(r"<(script|img|svg)\b[^>]*(alert|onerror|onload)")
SCRIPT_LINK = re.compile(r"<a\b[^>]*\bhref=[\"']?\s*(javascript|data|vbscript):", re.IGNORECASE)


def check_response(response, path: str) -> None:  # noqa: ANN001
    where = f"{path}?{response.request.query_string.decode()[:300]}"
    assert response.status_code < 500, where
    body = response.get_data(as_text=True)
    assert "Traceback" not in body, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    if response.mimetype == "text/html":
        for bad in FORBIDDEN:
            assert bad not in body, (bad, where)
        assert not SCRIPT_LINK.search(body), where


@pytest.fixture(scope="module")
def client(demo_archive):  # noqa: ANN001, ANN201
    from webui.app import create_app

    app = create_app(demo_archive)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an exception must show up as the 500 a user would get
    return app.test_client()


@pytest.mark.slow
@FUZZ
@given(q=queries, extra=params)
def test_search_page_never_fails(client, q: str, extra: list[tuple[bytes, bytes]]) -> None:  # noqa: ANN001
    pairs = [(b"q", q.encode("utf-8", "surrogatepass")), *extra]
    response = client.get("/search", query_string=query_string(pairs))
    check_response(response, "/search")
    assert response.status_code in (200, 400)


@pytest.mark.slow
@FUZZ
@given(q=queries, extra=params)
def test_api_search_never_fails(client, q: str, extra: list[tuple[bytes, bytes]]) -> None:  # noqa: ANN001
    pairs = [(b"q", q.encode("utf-8", "surrogatepass")), *extra]
    response = client.get("/api/search", query_string=query_string(pairs))
    check_response(response, "/api/search")
    assert response.status_code in (200, 400) and response.is_json
    data = response.get_json()
    if response.status_code == 400:
        assert set(data) == {"error", "suggestion"} and "\n" not in data["error"]
    else:
        assert set(data) == {"total", "results", "facets"}


def query_routes(app) -> list[str]:  # noqa: ANN001
    """Every GET route without path parameters (new routes are covered as they are added)."""
    return sorted(
        {
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
        }
    )


@pytest.mark.slow
def test_query_routes_are_found(client) -> None:  # noqa: ANN001
    routes = query_routes(client.application)
    assert {"/search", "/api/search", "/quotes", "/timeline", "/sources"} <= set(routes)


@pytest.mark.slow
@settings(FUZZ, max_examples=300)
@given(data=st.data(), extra=params)
def test_every_query_route_never_fails(client, data, extra: list[tuple[bytes, bytes]]) -> None:  # noqa: ANN001
    path = data.draw(st.sampled_from(query_routes(client.application)), label="path")
    response = client.get(path, query_string=query_string(extra))
    check_response(response, path)


@pytest.mark.slow
def test_markup_in_the_query_is_escaped_on_every_page(client) -> None:  # noqa: ANN001
    for path in query_routes(client.application):
        for payload in PAYLOADS:
            for name in ("q", "speaker", "since", "source", "-scheme", "next"):
                response = client.get(path, query_string={name: f"sanctions {payload}"})
                check_response(response, path)
                body = response.get_data(as_text=True)
                if response.mimetype == "text/html":
                    assert not INJECTED.search(body), (path, name)
