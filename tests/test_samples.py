"""The demo's SAMPLE DATA: enough invented articles to try every feature, each plainly labelled, written
the same way every time, extracted exactly as written, not so alike that they cluster as copies, and with no
real person in them: the officials quoted are the sample gazetteer's invented ones."""

from __future__ import annotations

import hashlib
import html
import re
import tomllib
from collections import Counter
from itertools import combinations

import pytest
from conftest import ROOT, settings_for

from casebook.errors import CasebookError
from casebook.models import RawPage
from casebook.sources import KINDS, archive_sources, load_sources, source_for_url
from indexer.dedup.duplicates import THRESHOLD
from indexer.dedup.minhash import containment, shingles
from indexer.enrich.gazetteer import is_all_caps, load_gazetteer
from indexer.extract.stage import extract
from indexer.pipeline.samples import CORRECTED, REPOSTS, SamplePage, Writer, renderer, sample_pages

SETTINGS = settings_for(ROOT / "casebook-data")


@pytest.fixture(scope="module")
def writer() -> Writer:
    templates = tomllib.loads(SETTINGS.sample_templates_path.read_text(encoding="utf-8"))
    officials = [e for e in load_gazetteer(SETTINGS.sample_gazetteer_path) if e.kind == "official"]
    return Writer(templates, load_sources(SETTINGS.sample_sources_path), officials)


@pytest.fixture(scope="module")
def articles(writer: Writer) -> dict[str, list]:
    originals = writer.articles()
    return {
        "originals": originals,
        "reposts": writer.reposts(originals),
        "corrected": writer.corrections(originals),
    }


@pytest.fixture(scope="module")
def pages() -> list[SamplePage]:
    return sample_pages(
        SETTINGS.sample_templates_path, SETTINGS.sample_sources_path, SETTINGS.sample_gazetteer_path
    )


def test_the_same_seed_writes_the_same_pages_byte_for_byte(pages: list[SamplePage]) -> None:
    again = sample_pages(
        SETTINGS.sample_templates_path, SETTINGS.sample_sources_path, SETTINGS.sample_gazetteer_path
    )

    def digest(found: list[SamplePage]) -> str:
        return hashlib.sha256(
            "".join(p.url + p.fetched.isoformat() + p.html for p in found).encode()
        ).hexdigest()

    assert digest(again) == digest(pages)


def test_every_sample_page_says_plainly_that_it_is_invented(pages: list[SamplePage]) -> None:
    templates = tomllib.loads(SETTINGS.sample_templates_path.read_text(encoding="utf-8"))
    titles = {s.name: s.title for s in load_sources(SETTINGS.sample_sources_path)}
    assert all(title.endswith("(sample data)") for title in titles.values())
    for page in pages:
        assert page.url.split("/")[2].endswith(".sample.invalid"), page.url  # an address that never resolves
        assert "SAMPLE DATA: an invented site" in page.html
        body = page.html.split('class="entry-content"', 1)[-1].split("articleBody", 1)[-1]
        body = body.split('class="article-body"', 1)[-1]
        first = body.split("<p>", 1)[1].split("</p>", 1)[0]
        assert first == templates["notice"], page.url  # the article's own first words
        assert titles[page.source] in page.html


def test_the_sample_is_rich_enough_to_try_every_feature(articles: dict[str, list]) -> None:
    originals, reposts, corrected = articles["originals"], articles["reposts"], articles["corrected"]
    dated = [a.published for a in originals if a.published]
    assert len(originals) + len(reposts) >= 300
    assert max(dated).year - min(dated).year >= 10  # over ten years or more
    topics = Counter(a.topic for a in originals)
    for scheme in ("pip", "uc", "wca", "esa", "sanctions", "access-to-work"):  # every major scheme
        assert topics[scheme] >= 20, (scheme, topics)
    kinds = {a.source.kind for a in originals}
    assert kinds == set(KINDS)  # an invented outlet for each kind of source the registry knows
    assert len(reposts) == REPOSTS and all(a.credit for a in reposts)
    assert len(corrected) == CORRECTED and all(
        a.paragraphs[-1].startswith("This article was amended") for a in corrected
    )
    assert sum(1 for a in originals if a.published is None) >= 10  # undated pages, as real sites have
    assert sum(1 for a in originals if a.comments) >= 80
    assert any(c.replies for a in originals for c in a.comments)


def test_officials_are_quoted_across_their_changes_of_role(articles: dict[str, list]) -> None:
    """The roles come from the sample gazetteer's dates: each quoted official held the role the text gives
    them, and several are quoted in two roles years apart."""
    templates = tomllib.loads(SETTINGS.sample_templates_path.read_text(encoding="utf-8"))
    as_written = {words: title for title, words in templates["roles"].items()}
    officials = {e.name: e for e in load_gazetteer(SETTINGS.sample_gazetteer_path) if e.kind == "official"}
    roles: dict[str, set[str]] = {}
    for article in (a for a in articles["originals"] if a.published):
        for paragraph in article.paragraphs:
            name, _, rest = paragraph.partition(", ")
            if name not in officials:
                continue
            written = next(words for words in as_written if rest.startswith(words))
            title = as_written[written]
            assert any(r.title == title and r.holds_on(article.published) for r in officials[name].roles)
            roles.setdefault(name, set()).add(title)
    assert roles["Ignatius Drumbleforth"] == {
        "Chair of the Work and Pensions Committee",
        "Minister of State for Social Security and Disability",
    }
    assert sum(1 for titles in roles.values() if len(titles) >= 2) >= 4
    assert len(roles) >= 12


def test_sample_articles_quote_only_invented_officials() -> None:
    """The writer takes its officials from the sample gazetteer and refuses anyone else's: given the real
    gazetteer's officials, it stops rather than put made-up words in their mouths."""
    templates = tomllib.loads(SETTINGS.sample_templates_path.read_text(encoding="utf-8"))
    sources = load_sources(SETTINGS.sample_sources_path)
    invented = load_gazetteer(SETTINGS.sample_gazetteer_path)
    assert invented and all(e.id.startswith("official:sample-") for e in invented)
    real = [e for e in load_gazetteer(SETTINGS.gazetteer_path) if e.kind == "official"]
    with pytest.raises(CasebookError, match="only invented officials"):
        Writer(templates, sources, real + invented)


def test_no_real_person_is_named_on_any_sample_page(pages: list[SamplePage]) -> None:
    """No name or alias of a real official or person of the gazetteer (corpus/gazetteer/officials.toml and
    persons.toml) occurs anywhere on a sample page: not quoted, not mentioned."""
    people = [e for e in load_gazetteer(SETTINGS.gazetteer_path) if e.kind in ("official", "person")]
    assert len(people) >= 60
    names = {name for e in people for name in (e.name, *e.aliases)}

    def any_of(words: set[str], flags: int = 0) -> re.Pattern[str]:
        return re.compile(
            r"\b(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")\b", flags
        )

    exact = {n for n in names if is_all_caps(n)}  # "IDS" as written, never "ids" inside a word
    pattern, caps = any_of(names - exact, re.IGNORECASE), any_of(exact)
    invented = [e.name for e in load_gazetteer(SETTINGS.sample_gazetteer_path)]
    found_invented = 0
    for page in pages:
        text = html.unescape(page.html)
        assert not pattern.search(text), (page.url, pattern.search(text).group(0))
        assert not caps.search(text), (page.url, caps.search(text).group(0))
        found_invented += any(name in text for name in invented)
    assert found_invented >= 250  # the invented officials speak instead


def test_invented_articles_are_not_mistaken_for_copies_of_each_other(articles: dict[str, list]) -> None:
    """Templated text shares phrases; the near-duplicate clustering must still find only the reposts."""
    sets = [shingles("\n\n".join(a.paragraphs)) for a in articles["originals"]]
    highest = max(containment(a, b) for a, b in combinations(sets, 2))
    assert highest < 0.8 * THRESHOLD, highest  # well below the threshold
    for repost in articles["reposts"]:
        original = next(a for a in articles["originals"] if a.url == repost.credit[1])
        assert (
            containment(shingles("\n\n".join(repost.paragraphs)), shingles("\n\n".join(original.paragraphs)))
            > 0.9
        )


@pytest.mark.slow
def test_every_sample_page_is_extracted_as_it_was_written(writer: Writer, articles: dict[str, list]) -> None:
    render = renderer(SETTINGS.sample_templates_path.parent / "pages")
    sources = archive_sources(SETTINGS)
    for article in articles["originals"] + articles["reposts"] + articles["corrected"]:
        page = RawPage(article.url, render(article).encode(), article.fetched, "text/html; charset=utf-8")
        doc = extract(page, source=source_for_url(article.url, sources))
        where = article.url
        assert doc.title == article.title, where
        assert doc.published == article.published, where  # undated pages stay undated
        assert doc.authors == [article.author], where
        assert doc.canonical_url == article.url, where
        assert len(doc.comments) == article.comment_count, where
        assert doc.text == "\n\n".join(article.paragraphs), where
        assert source_for_url(doc.canonical_url, sources) == article.source.name
