"""``make eval AEB=/path/to/aeb``: article bodies on a public set kept apart (measured, never tuned on).

Zyte's (scrapinghub's) article-extraction-benchmark (github scrapinghub/article-extraction-benchmark, MIT):
181 news and blog pages in many languages (``html/<id>.html.gz``), each with its article body written
outside the project (``ground-truth.json``). No page or text of it is committed; the scorer reads a local
copy given by path (the folder holding ``ground-truth.json`` and ``html/``).

Every page is run two ways in the same run, on the same bytes: Casebook's ``extract`` (a refused page
counts as empty) and plain trafilatura as the benchmark's own runner calls it
(``trafilatura.extract(html, include_comments=False)``). Scored with the benchmark's own measure (its
``evaluate.py``): per page, true positives, false positives and false negatives over word 4-gram shingles
as shares of their sum; precision and recall averaged over pages; F1 of the two averages. So the
trafilatura row can be set beside the benchmark's published table.

The issue's targets on every public set: at most 1% of the pages refused, body F1 at least plain
trafilatura's + 0.01. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable without installing it
    sys.path.insert(0, str(ROOT))

from casebook.models import RawPage  # noqa: E402
from indexer.extract.stage import NotAnArticle, extract  # noqa: E402

TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4
MAX_REFUSED = 0.01
F1_MARGIN = 0.01
UTF8 = "text/html; charset=utf-8"  # the benchmark saved every page in UTF-8 (its runners read them so)
Counts = tuple[float, float, float]  # true positives, false positives, false negatives (shares)


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The benchmark's shingles: every run of four tokens (a shorter text: itself, once)."""
    toks = TOKEN.findall(text or "")
    return Counter(tuple(toks[i : i + SHINGLE]) for i in range(max(1, len(toks) - SHINGLE + 1)) if toks)


def counts(gold: str, got: str) -> Counts:
    """True and false positives and false negatives as shares of their sum (long texts weigh no more)."""
    true, pred = shingles(gold), shingles(got)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(c: Counts) -> float:
    tp, fp, fn = c
    return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)


def recall(c: Counts) -> float:
    tp, fp, fn = c
    return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)


def scores(pages: list[Counts]) -> tuple[float, float, float]:
    """Precision, recall and F1 as the benchmark's ``evaluate.py`` computes them."""
    p = statistics.mean(precision(c) for c in pages if c[0] + c[1] > 0)
    r = statistics.mean(recall(c) for c in pages if c[0] + c[2] > 0)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def page_f1(c: Counts) -> float:
    p, r = precision(c), recall(c)
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class SideBySide:
    """One run of a set two ways, page by page: Casebook's ``extract`` and plain trafilatura, timed apart.

    Every public set's scorer reads its pages its own way and hands each here, so all of them count refusals,
    time, score and report alike (the report is the lines ``make eval`` prints and the tests read).
    """

    ours: list[Counts] = field(default_factory=list)
    plain: list[Counts] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    kept: Counter[str] = field(default_factory=Counter)
    losses: list[tuple[float, str, float, float]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: {"casebook": 0.0, "trafilatura": 0.0})

    def add(self, name: str, gold: str, page: RawPage, source: str, html: str | bytes) -> None:
        """Score one page: ``page`` through Casebook (refused counts as empty), ``html`` through trafilatura
        as AEB's runner calls it (``trafilatura.extract(html, include_comments=False)``; bytes are decoded as
        trafilatura decodes them)."""
        started = time.perf_counter()
        try:
            doc = extract(page, source=source)
        except NotAnArticle as exc:
            text = ""
            self.refused.append(f"{name}: {str(exc).split(': http')[0]}")
        else:
            text = doc.text
            self.kept[doc.extraction] += 1
        self.seconds["casebook"] += time.perf_counter() - started
        started = time.perf_counter()
        baseline = trafilatura.extract(html, include_comments=False) or ""
        self.seconds["trafilatura"] += time.perf_counter() - started
        self.ours.append(counts(gold, text))
        self.plain.append(counts(gold, baseline))
        ours, plain = page_f1(self.ours[-1]), page_f1(self.plain[-1])
        self.losses.append((plain - ours, name, ours, plain))

    def report(self, title: str, data: Path, command: str, worst: int) -> int:
        """Print the table, refusals, the ``worst`` pages against trafilatura and the targets; 1 if one is
        missed."""
        pages = len(self.ours)
        mine, theirs = scores(self.ours), scores(self.plain)
        print(f"{title}: Casebook beside plain trafilatura, one run")
        print(f"data: {data}; machine: {platform.machine()}, Python {platform.python_version()},"
              f" trafilatura {trafilatura.__version__}")  # fmt: skip
        print(f"command: {command}\n")
        print(f"{pages} pages             casebook  trafilatura")
        for label, a, b in zip(("precision", "recall", "F1"), mine, theirs, strict=True):
            print(f"body {label:<14}  {a:8.3f}  {b:11.3f}")
        print(f"refused (counted as empty)  {len(self.refused):3d} ({len(self.refused) / pages:.1%})")
        print("kept: " + ", ".join(f"{k} {v}" for k, v in sorted(self.kept.items())))
        print(f"pages/s: casebook {pages / self.seconds['casebook']:.1f},"
              f" trafilatura {pages / self.seconds['trafilatura']:.1f}")  # fmt: skip
        for line in self.refused:
            print(f"  refused: {line}")
        if worst:
            print(f"\nworst {worst} pages against trafilatura (page F1: loss, casebook, trafilatura):")
            for loss, name, a, b in sorted(self.losses, reverse=True)[:worst]:
                print(f"  {loss:6.3f}  {a:.3f}  {b:.3f}  {name}")
        missed = []
        if len(self.refused) > MAX_REFUSED * pages:
            missed.append(f"refused {len(self.refused)} pages (target: at most {MAX_REFUSED:.0%})")
        if mine[2] < theirs[2] + F1_MARGIN:
            missed.append(f"body F1 {mine[2]:.3f} < trafilatura's {theirs[2]:.3f} + {F1_MARGIN}")
        print("\ntargets: " + ("; ".join(missed) + ": MISSED" if missed else "all met"))
        return 1 if missed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "aeb", type=Path, help="local copy of the benchmark (holding ground-truth.json, html/)"
    )
    parser.add_argument("--worst", type=int, default=10, help="list the N pages we lose most on")
    args = parser.parse_args(argv)
    truth_file = args.aeb / "ground-truth.json"
    if not truth_file.exists():
        raise SystemExit(
            f"eval_aeb: no ground-truth.json in {args.aeb}: give the benchmark's folder (AEB=...)"
        )
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    run = SideBySide()
    for n, (key, gold) in enumerate(sorted(truth.items()), 1):
        body = gzip.decompress((args.aeb / "html" / f"{key}.html.gz").read_bytes())
        page = RawPage(url=gold["url"], body=body, fetched=datetime.now(UTC), content_type=UTF8)
        run.add(gold["url"], gold["articleBody"], page, "aeb", body.decode("utf-8"))
        if n % 50 == 0:
            print(f"  {n}/{len(truth)} pages", file=sys.stderr, flush=True)
    title = "AEB (scrapinghub/article-extraction-benchmark)"
    return run.report(title, args.aeb, f"python tests/eval_aeb.py {args.aeb}", args.worst)


if __name__ == "__main__":
    sys.exit(main())
