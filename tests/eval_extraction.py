"""``make eval``: the extractor against the hand-made gold set in ``tests/gold/``, beside plain trafilatura.

Usage: ``python tests/eval_extraction.py [--pages]`` (``--pages`` adds one line per page). Exits 1 when a
target is missed, so ``make eval`` fails loudly.

The gold set (``tests/gold/gold.toml``) lists every page once: the eight demo pages by name (their title,
author, published date and fetch details are read from ``tests/data/demo_expected.toml`` and
``corpus/demo/manifest.toml``, the one source of truth for them) and the pages written for the gold set in
``tests/gold/pages/``. Each article page has its full expected body in a ``.txt`` beside it (or under
``tests/gold/demo/``), paragraphs separated by blank lines.

What is measured, on article pages unless said otherwise:

* body precision / recall / F1: over the multiset of 3-token shingles (lower-cased word tokens: punctuation,
  list bullets and whitespace do not count), per page, then averaged over pages (macro);
* paragraph breaks kept: share of gold paragraphs that begin a line of the extracted body;
* title, published date, authors: exact match (published: the day; a page with no date must give none);
* comment recall: share of gold comments found as a separate comment (its text begins with the gold
  comment's first words); of those found, the share whose author, date and ``approximate`` flag are exact;
* comment text in bodies: share of the comments' 8-token shingles found in the extracted body (3-token ones
  are shared by chance: "work and pensions"); a comment shorter than 8 tokens counts as one shingle;
* listing pages stored: listing/aggregator pages the extractor did not refuse (must be 0);
* the baseline runs ``trafilatura.extract(html, url=url)`` with its defaults on the same decoded HTML, and is
  scored with the same body metrics (on every article page, and on the generic non-target news pages alone)
  and the same comment-leak measure (its defaults append the comments it finds to the text).
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable without installing it
    sys.path.insert(0, str(ROOT))

from casebook.models import Document, RawPage  # noqa: E402
from indexer.extract.encoding import decode_html  # noqa: E402
from indexer.extract.stage import NotAnArticle, extract  # noqa: E402

GOLD_DIR = ROOT / "tests" / "gold"
GOLD_FILE = GOLD_DIR / "gold.toml"
DEMO_DIR = ROOT / "corpus" / "demo"
DEMO_GOLD = ROOT / "tests" / "data" / "demo_expected.toml"
DEMO_MANIFEST = DEMO_DIR / "manifest.toml"
SHINGLE = 3
LEAK_SHINGLE = 8  # long enough that a comment and the article share one only when text was copied

TARGETS = {
    "body_f1": 0.97,
    "published": 0.95,
    "author": 0.90,
    "comment_recall": 0.90,
    "comment_leak_below": 0.02,
}


# ----------------------------------------------------------------------------------------------------------
# The gold set


@dataclass
class GoldComment:
    author: str
    published: str
    approximate: bool
    words: str


@dataclass
class GoldPage:
    name: str
    path: Path
    url: str
    source: str
    fetched: datetime
    content_type: str
    kind: str  # "article" or "listing"
    group: str  # "target" (the archived sites) or "generic" (other news pages)
    title: str = ""
    author: str = ""  # authors joined with ", " (Document.author)
    published: str = ""
    body: str = ""
    comments: list[GoldComment] = field(default_factory=list)


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def load_gold(gold_file: Path = GOLD_FILE) -> list[GoldPage]:
    """Every page of the gold set with its expected values (demo values read from the demo gold file)."""
    demo_gold = {p["file"]: p for p in _toml(DEMO_GOLD)["pages"]}
    manifest = {p["file"]: p for p in _toml(DEMO_MANIFEST)["pages"]}
    pages = []
    for entry in _toml(gold_file)["pages"]:
        comments = [GoldComment(**c) for c in entry.get("comments", [])]
        if "demo" in entry:
            name = entry["demo"]
            meta, expected = manifest[name], demo_gold[name]
            page = GoldPage(
                name=name.removesuffix(".html"),
                path=DEMO_DIR / name,
                url=meta["url"],
                source=meta["source"],
                fetched=_when(meta["fetched"]),
                content_type=meta.get("content_type", "text/html"),
                kind="article",
                group="target",
                title=expected["title"],
                author=expected["author"],
                published=expected["published"],
                comments=comments,
            )
            if len(comments) != expected["comments"]:
                raise ValueError(
                    f"{name}: {len(comments)} gold comments, demo gold says {expected['comments']}"
                )
        else:
            path = (gold_file.parent / entry["file"]).resolve()
            page = GoldPage(
                name=path.stem,
                path=path,
                url=entry["url"],
                source=entry["source"],
                fetched=_when(entry["fetched"]),
                content_type=entry.get("content_type", "text/html"),
                kind=entry["kind"],
                group=entry.get("group", "target"),
                title=entry.get("title", ""),
                author=", ".join(entry.get("authors", [])),
                published=entry.get("published", ""),
                comments=comments,
            )
        if page.kind == "article":
            body_file = gold_file.parent / entry["body"] if "body" in entry else page.path.with_suffix(".txt")
            page.body = body_file.read_text(encoding="utf-8")
        pages.append(page)
    return pages


# ----------------------------------------------------------------------------------------------------------
# Measures


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; apostrophes unified so ’ and ' tokenise alike."""
    return re.findall(r"\w+", text.lower().replace("’", "'").replace("‘", "'"))


def shingles(text: str, k: int = SHINGLE) -> Counter[tuple[str, ...]]:
    toks = tokens(text)
    if len(toks) < k:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + k]) for i in range(len(toks) - k + 1))


def prf(gold: str, got: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``got`` against ``gold`` over 3-token shingle multisets."""
    g, s = shingles(gold), shingles(got)
    overlap = sum((g & s).values())
    precision = overlap / sum(s.values()) if s else (1.0 if not g else 0.0)
    recall = overlap / sum(g.values()) if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def paragraph_breaks(gold: str, got: str) -> tuple[int, int]:
    """(gold paragraphs that begin a line of ``got``, gold paragraphs): are quotes' boundaries kept?"""
    line_starts = {tuple(tokens(line)[:5]) for line in got.split("\n") if tokens(line)}
    firsts = [tokens(p.strip().split("\n")[0])[:5] for p in gold.split("\n\n")]
    firsts = [f for f in firsts if f]
    return sum(1 for f in firsts if tuple(f) in line_starts), len(firsts)


def _norm(text: str) -> str:
    return " ".join(tokens(text))


# ----------------------------------------------------------------------------------------------------------
# Running


@dataclass
class PageResult:
    gold: GoldPage
    doc: Document | None = None
    refused: str | None = None
    ours: tuple[float, float, float] = (0.0, 0.0, 0.0)
    baseline: tuple[float, float, float] = (0.0, 0.0, 0.0)
    breaks: tuple[int, int] = (0, 0)
    comments_found: int = 0
    comments_exact: int = 0
    leak: tuple[int, int] = (0, 0)  # (comment shingles in the body, comment shingles)
    baseline_leak: tuple[int, int] = (0, 0)  # the same, in plain trafilatura's text
    baseline_text: str = ""
    seconds: float = 0.0

    @property
    def title_ok(self) -> bool:
        return self.doc is not None and self.doc.title == self.gold.title

    @property
    def published_ok(self) -> bool:
        got = self.doc.published.isoformat() if self.doc and self.doc.published else ""
        return self.doc is not None and got == self.gold.published

    @property
    def author_ok(self) -> bool:
        return self.doc is not None and self.doc.author == self.gold.author


def _match_comments(result: PageResult) -> None:
    doc, gold = result.doc, result.gold
    if doc is None:
        return
    remaining = list(doc.comments)
    comment_texts = []
    for expected in gold.comments:
        words = _norm(expected.words)
        found = next((c for c in remaining if _norm(c.text).startswith(words)), None)
        if found is None:
            comment_texts.append(expected.words)
            continue
        remaining.remove(found)
        comment_texts.append(found.text)
        result.comments_found += 1
        got_date = found.published or ""
        date_ok = (
            got_date[: len(expected.published)] == expected.published if expected.published else not got_date
        )
        if (found.author or "") == expected.author and date_ok and found.approximate == expected.approximate:
            result.comments_exact += 1
    in_comments: Counter[tuple[str, ...]] = Counter()
    for text in comment_texts:
        in_comments.update(shingles(text, LEAK_SHINGLE))
    body = shingles(doc.text, LEAK_SHINGLE)
    result.leak = (sum((in_comments & body).values()), sum(in_comments.values()))
    baseline = shingles(result.baseline_text, LEAK_SHINGLE)
    result.baseline_leak = (sum((in_comments & baseline).values()), sum(in_comments.values()))


def run_page(gold: GoldPage) -> PageResult:
    result = PageResult(gold)
    body = gold.path.read_bytes()
    raw = RawPage(url=gold.url, body=body, fetched=gold.fetched, content_type=gold.content_type)
    started = time.perf_counter()
    try:
        result.doc = extract(raw, gold.source)
    except NotAnArticle as exc:
        result.refused = str(exc)
    result.seconds = time.perf_counter() - started
    if gold.kind != "article":
        return result
    html = decode_html(body, gold.content_type)
    result.baseline_text = trafilatura.extract(html, url=gold.url) or ""
    result.baseline = prf(gold.body, result.baseline_text)
    if result.doc is not None:
        result.ours = prf(gold.body, result.doc.text)
        result.breaks = paragraph_breaks(gold.body, result.doc.text)
        _match_comments(result)
    return result


@dataclass
class Summary:
    results: list[PageResult]

    def _articles(self, group: str | None = None) -> list[PageResult]:
        return [
            r for r in self.results if r.gold.kind == "article" and (group is None or r.gold.group == group)
        ]

    @staticmethod
    def _mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    def body(self, which: str, index: int, group: str | None = None) -> float:
        return self._mean([getattr(r, which)[index] for r in self._articles(group)])

    def share(self, attr: str) -> float:
        return self._mean([1.0 if getattr(r, attr) else 0.0 for r in self._articles()])

    @property
    def breaks(self) -> float:
        kept = sum(r.breaks[0] for r in self._articles())
        total = sum(r.breaks[1] for r in self._articles())
        return kept / total if total else 1.0

    @property
    def comments_expected(self) -> int:
        return sum(len(r.gold.comments) for r in self._articles())

    @property
    def comment_recall(self) -> float:
        found = sum(r.comments_found for r in self._articles())
        return found / self.comments_expected if self.comments_expected else 1.0

    @property
    def comment_exact(self) -> float:
        found = sum(r.comments_found for r in self._articles())
        return sum(r.comments_exact for r in self._articles()) / found if found else 1.0

    def leak_share(self, which: str = "leak") -> float:
        leaked = sum(getattr(r, which)[0] for r in self._articles())
        total = sum(getattr(r, which)[1] for r in self._articles())
        return leaked / total if total else 0.0

    @property
    def comment_leak(self) -> float:
        return self.leak_share("leak")

    @property
    def articles_refused(self) -> list[PageResult]:
        return [r for r in self._articles() if r.doc is None]

    @property
    def listings(self) -> list[PageResult]:
        return [r for r in self.results if r.gold.kind == "listing"]

    @property
    def listings_stored(self) -> list[PageResult]:
        return [r for r in self.listings if r.doc is not None]

    def failures(self) -> list[str]:
        """Targets missed, one line each (empty when all hold)."""
        missed = []
        if self.body("ours", 2) < TARGETS["body_f1"]:
            missed.append(f"body F1 {self.body('ours', 2):.3f} < {TARGETS['body_f1']}")
        if self.share("published_ok") < TARGETS["published"]:
            missed.append(f"published exact {self.share('published_ok'):.1%} < {TARGETS['published']:.0%}")
        if self.share("author_ok") < TARGETS["author"]:
            missed.append(f"author exact {self.share('author_ok'):.1%} < {TARGETS['author']:.0%}")
        if self.comment_recall < TARGETS["comment_recall"]:
            missed.append(f"comment recall {self.comment_recall:.1%} < {TARGETS['comment_recall']:.0%}")
        if self.comment_leak >= TARGETS["comment_leak_below"]:
            missed.append(
                f"comment text in bodies {self.comment_leak:.2%} >= {TARGETS['comment_leak_below']:.0%}"
            )
        if self.listings_stored:
            missed.append(f"{len(self.listings_stored)} listing page(s) stored as articles")
        if self.articles_refused:
            missed.append(f"{len(self.articles_refused)} article page(s) refused")
        ours, base = self.body("ours", 2, "generic"), self.body("baseline", 2, "generic")
        if ours < base:
            missed.append(f"generic news pages: body F1 {ours:.3f} below plain trafilatura's {base:.3f}")
        return missed


def evaluate(gold_file: Path = GOLD_FILE) -> Summary:
    return Summary([run_page(page) for page in load_gold(gold_file)])


# ----------------------------------------------------------------------------------------------------------
# Report


def report(summary: Summary, per_page: bool = False) -> str:
    articles = summary._articles()
    target, generic = summary._articles("target"), summary._articles("generic")
    lines = [
        "Casebook extraction evaluation",
        f"gold set: {GOLD_FILE.relative_to(ROOT)}: {len(summary.results)} pages = {len(articles)} articles "
        f"({len(target)} from the archived sites, {len(generic)} generic news pages) + "
        f"{len(summary.listings)} listing pages; {summary.comments_expected} reader comments",
        f"machine: {platform.machine()}, Python {platform.python_version()},"
        f" trafilatura {trafilatura.__version__}; command: python tests/eval_extraction.py",
        "",
        f"{'measure':<44}{'casebook':>10}{'trafilatura':>13}{'target':>10}",
        f"{'-' * 44}{'-' * 10:>10}{'-' * 11:>13}{'-' * 8:>10}",
    ]

    def row(label: str, ours: str, base: str = "", target: str = "") -> None:
        lines.append(f"{label:<44}{ours:>10}{base:>13}{target:>10}")

    for label, index in (("body precision (3-token shingles)", 0), ("body recall", 1)):
        row(label, f"{summary.body('ours', index):.3f}", f"{summary.body('baseline', index):.3f}")
    row("body F1", f"{summary.body('ours', 2):.3f}", f"{summary.body('baseline', 2):.3f}", "≥ 0.97")
    row(
        "body F1, archived sites",
        f"{summary.body('ours', 2, 'target'):.3f}",
        f"{summary.body('baseline', 2, 'target'):.3f}",
    )
    row(
        "body F1, generic news pages",
        f"{summary.body('ours', 2, 'generic'):.3f}",
        f"{summary.body('baseline', 2, 'generic'):.3f}",
        "≥ base",
    )
    row("paragraph breaks kept", f"{summary.breaks:.1%}")
    row("title exact", f"{summary.share('title_ok'):.1%}")
    row("published date exact", f"{summary.share('published_ok'):.1%}", "", "≥ 95%")
    row("author exact", f"{summary.share('author_ok'):.1%}", "", "≥ 90%")
    row("comment recall", f"{summary.comment_recall:.1%}", "", "≥ 90%")
    row("comment author, date, approximate exact", f"{summary.comment_exact:.1%}")
    row(
        "comment text in bodies",
        f"{summary.comment_leak:.2%}",
        f"{summary.leak_share('baseline_leak'):.2%}",
        "< 2%",
    )
    row(
        "listing pages stored as articles",
        f"{len(summary.listings_stored)}/{len(summary.listings)}",
        "",
        "0",
    )
    row("article pages refused", f"{len(summary.articles_refused)}/{len(articles)}", "", "0")
    seconds = sum(r.seconds for r in summary.results)
    row("extraction time per page (ms)", f"{1000 * seconds / max(len(summary.results), 1):.0f}")
    if per_page:
        lines += ["", f"{'page':<46}{'F1':>6}{'base':>7}  pub auth  comments"]
        for r in summary.results:
            if r.gold.kind != "article":
                verdict = "refused" if r.doc is None else "STORED AS AN ARTICLE"
                lines.append(f"{r.gold.name[:45]:<46}{'listing: ' + verdict:>13}")
                continue
            mark = lambda ok: " ok " if ok else "FAIL"  # noqa: E731
            lines.append(
                f"{r.gold.name[:45]:<46}{r.ours[2]:>6.3f}{r.baseline[2]:>7.3f}  {mark(r.published_ok)}"
                f" {mark(r.author_ok)}  {r.comments_found}/{len(r.gold.comments)}"
                + (f"  refused: {r.refused}" if r.refused else "")
            )
    missed = summary.failures()
    lines += ["", "targets: all met" if not missed else "targets MISSED: " + "; ".join(missed)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", action="store_true", help="one line per page as well")
    args = parser.parse_args(argv)
    summary = evaluate()
    print(report(summary, per_page=args.pages))
    return 1 if summary.failures() else 0


if __name__ == "__main__":
    raise SystemExit(main())
