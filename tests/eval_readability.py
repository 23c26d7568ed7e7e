"""``make eval READABILITY=/path/to/readability``: article bodies on Mozilla Readability's test pages.

Mozilla's Readability.js (github mozilla/readability, Apache-2.0) keeps, for each of its 130 test pages
(``test/test-pages/<name>/``), the saved page (``source.html``) and the article text its maintainers
accepted as right (``expected.html``): gold written outside the project, by other people for another
extractor, on news sites (CNN, the Guardian, Le Monde, the New York Times, the BBC...), blogs, wikis and
small pages made to catch one fault each. Bevendorff et al. (2023) use it as one of the eight sets of their
web content extraction benchmark. No page or text of it is committed; the scorer reads a local checkout given
by path (the folder holding ``test/test-pages``).

Every page is run two ways in the same run, on the same bytes (saved as UTF-8; read so by both): Casebook's
``extract`` (a refused page counts as empty) and plain trafilatura as AEB's runner calls it
(``trafilatura.extract(html, include_comments=False)``). Scored with AEB's measure (``eval_aeb``): word
4-gram shingles, per-page shares of true and false positives and false negatives, precision and recall
averaged over pages, F1 of the two.

The issue's targets on every public set: at most 1% of the pages refused, body F1 at least plain
trafilatura's + 0.01. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import trafilatura
from eval_aeb import F1_MARGIN, MAX_REFUSED, UTF8, Counts, counts, page_f1, scores

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable without installing it
    sys.path.insert(0, str(ROOT))

from casebook.models import RawPage  # noqa: E402
from indexer.extract.stage import NotAnArticle, extract  # noqa: E402

PAGES = Path("test") / "test-pages"
URL = "http://fakehost/test/page.html"  # the address Readability's own tests give every page


def gold_text(expected: bytes) -> str:
    """The accepted article's text: what ``expected.html`` shows (saved as UTF-8, with no charset)."""
    return lxml.html.fromstring(expected.decode("utf-8")).text_content()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("readability", type=Path, help="local checkout of mozilla/readability")
    parser.add_argument("--worst", type=int, default=10, help="list the N pages we lose most on")
    args = parser.parse_args(argv)
    folder = args.readability / PAGES
    names = sorted(
        p.name for p in folder.glob("*") if (p / "source.html").is_file() and (p / "expected.html").is_file()
    )
    if not names:
        raise SystemExit(
            f"eval_readability: no test pages in {folder}: give a checkout of mozilla/readability"
            " (READABILITY=...)"
        )
    ours: list[Counts] = []
    plain: list[Counts] = []
    refused: list[str] = []
    kept: Counter[str] = Counter()
    losses: list[tuple[float, str, float, float]] = []
    seconds = {"casebook": 0.0, "trafilatura": 0.0}
    for name in names:
        body = (folder / name / "source.html").read_bytes()
        gold = gold_text((folder / name / "expected.html").read_bytes())
        started = time.perf_counter()
        try:
            doc = extract(RawPage(url=URL, body=body, fetched=datetime.now(UTC), content_type=UTF8), "rdb")
        except NotAnArticle as exc:
            text = ""
            refused.append(f"{name}: {str(exc).split(': http')[0]}")
        else:
            text = doc.text
            kept[doc.extraction] += 1
        seconds["casebook"] += time.perf_counter() - started
        started = time.perf_counter()
        baseline = trafilatura.extract(body.decode("utf-8", "replace"), include_comments=False) or ""
        seconds["trafilatura"] += time.perf_counter() - started
        ours.append(counts(gold, text))
        plain.append(counts(gold, baseline))
        losses.append((page_f1(plain[-1]) - page_f1(ours[-1]), name, page_f1(ours[-1]), page_f1(plain[-1])))

    mine, theirs = scores(ours), scores(plain)
    print("Readability's test pages (mozilla/readability): Casebook beside plain trafilatura, one run")
    print(f"data: {args.readability}; machine: {platform.machine()}, Python {platform.python_version()},"
          f" trafilatura {trafilatura.__version__}")  # fmt: skip
    print(f"command: python tests/eval_readability.py {args.readability}\n")
    print(f"{len(names)} pages             casebook  trafilatura")
    for label, a, b in zip(("precision", "recall", "F1"), mine, theirs, strict=True):
        print(f"body {label:<14}  {a:8.3f}  {b:11.3f}")
    print(f"refused (counted as empty)  {len(refused):3d} ({len(refused) / len(names):.1%})")
    print("kept: " + ", ".join(f"{k} {v}" for k, v in sorted(kept.items())))
    print(f"pages/s: casebook {len(names) / seconds['casebook']:.1f},"
          f" trafilatura {len(names) / seconds['trafilatura']:.1f}")  # fmt: skip
    for line in refused:
        print(f"  refused: {line}")
    if args.worst:
        print(f"\nworst {args.worst} pages against trafilatura (page F1: loss, casebook, trafilatura):")
        for loss, name, a, b in sorted(losses, reverse=True)[: args.worst]:
            print(f"  {loss:6.3f}  {a:.3f}  {b:.3f}  {name}")
    missed = []
    if len(refused) > MAX_REFUSED * len(names):
        missed.append(f"refused {len(refused)} pages (target: at most {MAX_REFUSED:.0%})")
    if mine[2] < theirs[2] + F1_MARGIN:
        missed.append(f"body F1 {mine[2]:.3f} < trafilatura's {theirs[2]:.3f} + {F1_MARGIN}")
    print("\ntargets: " + ("; ".join(missed) + ": MISSED" if missed else "all met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
