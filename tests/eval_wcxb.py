"""``make eval WCXB=/path/to/wcxb``: the extractor on public pages nobody here wrote, beside the libraries.

WCXB (Murrough-Foley/web-content-extraction-benchmark, CC-BY-4.0) ships 1,497 pages in its ``dev/`` split
with gold made outside the project: main text, title, author, publication date and page type. Only the
dev split is read (the test split is kept for independent checking); no page or text of it is committed,
the scorer reads a local copy given by path.

Every page is run three ways in the same run, on the same bytes: Casebook's ``extract`` (refused pages
count as empty), plain ``trafilatura.extract(html, url=url)`` with its defaults (and its metadata reader
for title and author), and ``htmldate.find_date(html, url=url, original_date=True)`` (the publication
date, not the last update; default and fast mode) for the date.

Measures, per set (page type, and the article pages split into two halves by file id: ``tune`` is the half
rules were looked at on, ``check`` the half kept to confirm they generalise):

* body precision / recall / F1 over multisets of word 4-gram shingles, per page, averaged over pages;
* title: normalised exact match; author: the names given match the gold's names (see ``author_match``);
* date: exact day, wrong day (a date given that is not the gold's), none given, and a date given where the
  gold has none;
* refused pages, and the extraction confidence of kept pages;
* pages per second for each system.

``--worst N`` lists the N article pages where Casebook loses most against plain trafilatura.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import htmldate
import trafilatura

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable without installing it
    sys.path.insert(0, str(ROOT))

from casebook.models import RawPage  # noqa: E402
from indexer.extract.encoding import as_read, decode_html  # noqa: E402
from indexer.extract.stage import NotAnArticle, extract  # noqa: E402

SHINGLE = 4
# Fetch time for the pages: WCXB gives none; its pages were saved in 2025, so "now" only bounds dates above.
FETCHED = datetime.now(UTC)
PAGE_TYPES = ("article", "listing", "collection", "forum", "product", "service", "documentation")


def tokens(text: str) -> list[str]:
    """The words of a text as a reader reads them, on both sides: a soft hyphen inside a word, or a letter
    written with a combining mark, is the same word (``encoding.as_read``)."""
    return re.findall(r"\w+", as_read(text).lower().replace("’", "'"))


def shingles(text: str, k: int = SHINGLE) -> Counter[tuple[str, ...]]:
    toks = tokens(text)
    if len(toks) < k:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + k]) for i in range(len(toks) - k + 1))


def prf(gold: str, got: str) -> tuple[float, float, float]:
    g, s = shingles(gold), shingles(got)
    overlap = sum((g & s).values())
    precision = overlap / sum(s.values()) if s else (1.0 if not g else 0.0)
    recall = overlap / sum(g.values()) if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _norm(text: str | None) -> str:
    return " ".join(tokens(text or ""))


def title_match(gold: str | None, got: str | None) -> bool:
    return _norm(gold) == _norm(got)


# Co-authors are joined by 'and', or by 'und' on trafilatura's mostly German pages ('Lars Fischer und Alina
# Schadwinkel'): two names either way, however the reading separates them
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\|)\s*", re.IGNORECASE)


def _names(text: str | None) -> list[str]:
    return [n for n in (_norm(p) for p in _NAME_SPLIT.split(text or "")) if n]


def author_match(gold: str | None, got: str | None) -> bool:
    """Both empty, or the names given are all among the gold's and the gold's first name is given.

    Gold bylines carry degrees and roles ("Dylan Bailey, MS, RD, FAND"): those are not names we must
    reproduce, so a name counts when it equals one of the gold's comma/and-separated parts.
    """
    gold_names, got_names = _names(gold), _names(got)
    if not gold_names or not got_names:
        return not gold_names and not got_names
    return gold_names[0] in got_names and all(n in gold_names for n in got_names)


def calendar_day(value: str | None) -> str | None:
    """The ``YYYY-MM-DD`` day a value starts with, or None. A gold value that is no day of the calendar
    (trafilatura's gold writes '2022-29-11' for a page its URL dates 2022/11/29) says nothing: the page
    counts as not annotated for every system, rather than every answer being scored wrong against it."""
    if not value:
        return None
    match = re.match(r"(\d{4}-\d{2}-\d{2})", value)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------------------


@dataclass
class System:
    """One system's answers on one page."""

    text: str = ""
    title: str | None = None
    author: str | None = None
    date: str | None = None
    refused: str | None = None
    confidence: str | None = None
    date_from: str | None = None
    date_confidence: str | None = None
    seconds: float = 0.0


@dataclass
class Page:
    file_id: str
    url: str
    page_type: str
    gold_text: str
    gold_title: str | None
    gold_author: str | None
    gold_date: str | None
    ours: System = field(default_factory=System)
    traf: System = field(default_factory=System)
    htmldate: System = field(default_factory=System)
    htmldate_fast: System = field(default_factory=System)

    @property
    def half(self) -> str:
        return "tune" if int(self.file_id) % 2 == 0 else "check"


def load_pages(root: Path, types: set[str], limit: int | None, half: str) -> list[Page]:
    dev = root / "dev"
    if not (dev / "ground-truth").is_dir():
        raise SystemExit(f"eval_wcxb: no dev/ground-truth under {root}: give the WCXB folder (WCXB=...)")
    pages = []
    for gt_file in sorted((dev / "ground-truth").glob("*.json")):
        data = json.loads(gt_file.read_text(encoding="utf-8"))
        gold = data["ground_truth"]
        page = Page(
            file_id=gt_file.stem,
            url=data.get("url") or "",
            page_type=data["_internal"]["page_type"]["primary"],
            gold_text=gold.get("main_content") or "",
            gold_title=gold.get("title"),
            gold_author=gold.get("author"),
            gold_date=calendar_day(gold.get("publish_date")),
        )
        if page.page_type not in types or (half != "all" and page.half != half):
            continue
        pages.append(page)
        if limit and len(pages) >= limit:
            break
    return pages


def run_ours(page: Page, body: bytes) -> System:
    started = time.perf_counter()
    out = System()
    try:
        doc = extract(RawPage(url=page.url, body=body, fetched=FETCHED), source="wcxb")
    except NotAnArticle as exc:
        out.refused = str(exc).split(": http")[0]
    except Exception as exc:  # noqa: BLE001 - a crash is scored as a refusal, and named
        out.refused = f"CRASH {type(exc).__name__}: {exc}"
    else:
        out.text, out.title, out.author = doc.text, doc.title, doc.author
        out.date = doc.published.isoformat() if doc.published else None
        out.confidence = doc.extraction
        out.date_from, out.date_confidence = doc.published_from, doc.published_confidence
    out.seconds = time.perf_counter() - started
    return out


def run_trafilatura(page: Page, html: str) -> System:
    started = time.perf_counter()
    out = System(text=trafilatura.extract(html, url=page.url) or "")
    out.seconds = time.perf_counter() - started
    meta = trafilatura.extract_metadata(html, default_url=page.url)
    if meta is not None:
        out.title, out.author = meta.title, meta.author
        out.date = calendar_day(meta.date)
    return out


def run_htmldate(page: Page, html: str, fast: bool) -> System:
    started = time.perf_counter()
    try:
        found = htmldate.find_date(html, url=page.url, extensive_search=not fast, original_date=True)
    except Exception:  # noqa: BLE001 - the baseline failing is "no date"
        found = None
    return System(date=calendar_day(found), seconds=time.perf_counter() - started)


def run_page(page: Page, root: Path) -> None:
    body = gzip.decompress((root / "dev" / "html" / f"{page.file_id}.html.gz").read_bytes())
    html = decode_html(body, "text/html")
    page.ours = run_ours(page, body)
    page.traf = run_trafilatura(page, html)
    page.htmldate = run_htmldate(page, html, fast=False)
    page.htmldate_fast = run_htmldate(page, html, fast=True)


# ----------------------------------------------------------------------------------------------------------


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def date_counts(pages: list[Page], which: str) -> dict[str, int]:
    counts = Counter()
    for page in pages:
        got = getattr(page, which).date
        if page.gold_date:
            counts["dated"] += 1
            if got == page.gold_date:
                counts["exact"] += 1
            elif got:
                counts["wrong"] += 1
            else:
                counts["none"] += 1
        elif got:
            counts["invented"] += 1
    return counts


def table(name: str, pages: list[Page]) -> list[str]:
    """One set's table: Casebook beside plain trafilatura and htmldate."""
    if not pages:
        return []
    n = len(pages)
    lines = [
        "",
        f"{name}: {n} pages",
        f"{'measure':<36}{'casebook':>10}{'trafilatura':>13}{'htmldate':>10}{'htmldate fast':>15}",
        f"{'-' * 35:<36}{'-' * 8:>10}{'-' * 11:>13}{'-' * 8:>10}{'-' * 13:>15}",
    ]

    def row(label: str, *cells: str) -> None:
        widths = (10, 13, 10, 15)
        lines.append(f"{label:<36}" + "".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=False)))

    scores = {w: [prf(p.gold_text, getattr(p, w).text) for p in pages] for w in ("ours", "traf")}
    for label, i in (("body precision (4-gram shingles)", 0), ("body recall", 1), ("body F1", 2)):
        row(label, *(f"{_mean([s[i] for s in scores[w]]):.3f}" for w in ("ours", "traf")))
    row("title match", *(f"{_mean([title_match(p.gold_title, getattr(p, w).title) for p in pages]):.1%}"
                         for w in ("ours", "traf")))  # fmt: skip
    authored = [p for p in pages if p.gold_author]
    row(
        f"author match ({len(authored)} with an author)",
        *(f"{_mean([author_match(p.gold_author, getattr(p, w).author) for p in authored]):.1%}"
          for w in ("ours", "traf")),
    )  # fmt: skip

    def misnamed(p: Page, w: str) -> bool:  # someone else named: worse than none (a citation to another)
        got = getattr(p, w).author
        return bool(got) and not author_match(p.gold_author, got)

    row("author: another name given", *(str(sum(misnamed(p, w) for p in authored)) for w in ("ours", "traf")))
    unauthored = [p for p in pages if not p.gold_author]
    row(
        f"author given where none ({len(unauthored)})",
        *(str(sum(1 for p in unauthored if getattr(p, w).author)) for w in ("ours", "traf")),
    )
    systems = ("ours", "traf", "htmldate", "htmldate_fast")
    counts = {w: date_counts(pages, w) for w in systems}
    dated = counts["ours"]["dated"]
    row(f"date exact day ({dated} dated)", *(f"{counts[w]['exact'] / max(dated, 1):.1%}" for w in systems))
    row("date wrong day", *(str(counts[w]["wrong"]) for w in systems))
    row("date none given", *(str(counts[w]["none"]) for w in systems))
    row("date given where gold has none", *(str(counts[w]["invented"]) for w in systems))
    refused = [p for p in pages if p.ours.refused]
    row("refused (counted as empty)", f"{len(refused)} ({len(refused) / n:.1%})")
    empty = sum(1 for p in pages if not p.traf.text.strip())
    row("empty output", str(sum(1 for p in pages if not p.ours.text.strip())), str(empty))
    confidence = Counter(p.ours.confidence or "-" for p in pages if not p.ours.refused)
    if confidence:
        row("kept: " + ", ".join(f"{k} {v}" for k, v in sorted(confidence.items())), "")
    for which, label in (("ours", "casebook"), ("traf", "trafilatura"), ("htmldate", "htmldate")):
        seconds = sum(getattr(p, which).seconds for p in pages)
        lines.append(f"  {label} speed: {n / seconds if seconds else 0:.1f} pages/s")
    return lines


def failures(articles: list[Page]) -> list[str]:
    """The issue's targets on article pages, one line per target missed."""
    missed = []
    if not articles:
        return missed
    refused = sum(1 for p in articles if p.ours.refused) / len(articles)
    if refused > 0.01:
        missed.append(f"{refused:.1%} of article pages refused (target at most 1%)")
    ours = _mean([prf(p.gold_text, p.ours.text)[2] for p in articles])
    base = _mean([prf(p.gold_text, p.traf.text)[2] for p in articles])
    if ours < base + 0.01:
        missed.append(f"body F1 {ours:.3f} < plain trafilatura's {base:.3f} + 0.01")
    mine, theirs = date_counts(articles, "ours"), date_counts(articles, "htmldate")
    if mine["exact"] < theirs["exact"]:
        missed.append(f"date exact day {mine['exact']} < htmldate's {theirs['exact']}")
    if mine["wrong"] >= theirs["wrong"]:
        missed.append(f"{mine['wrong']} wrong dates, not fewer than htmldate's {theirs['wrong']}")
    return missed


def worst(pages: list[Page], count: int) -> list[str]:
    rows = []
    for page in pages:
        ours, base = prf(page.gold_text, page.ours.text)[2], prf(page.gold_text, page.traf.text)[2]
        rows.append((ours - base, page, ours, base))
    rows.sort(key=lambda r: r[0])
    lines = ["", f"worst {count} pages against plain trafilatura (F1 ours, trafilatura, loss):"]
    for loss, page, ours, base in rows[:count]:
        note = f"  refused: {page.ours.refused}" if page.ours.refused else ""
        lines.append(f"  {page.file_id} {ours:.3f} {base:.3f} {loss:+.3f} {page.url[:90]}{note}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wcxb", type=Path, help="local copy of WCXB (the folder holding dev/)")
    parser.add_argument("--types", default=",".join(PAGE_TYPES), help="page types to run (comma-separated)")
    parser.add_argument("--half", choices=("all", "tune", "check"), default="all")
    parser.add_argument("--limit", type=int, help="first N pages only (a quick look)")
    parser.add_argument("--worst", type=int, default=0, help="list the N article pages we lose most on")
    parser.add_argument("--json", type=Path, help="write every page's answers here (for comparisons)")
    args = parser.parse_args(argv)
    types = set(args.types.split(","))
    pages = load_pages(args.wcxb, types, args.limit, args.half)
    started = time.perf_counter()
    for i, page in enumerate(pages, 1):
        run_page(page, args.wcxb)
        if i % 50 == 0:
            print(f"  {i}/{len(pages)} pages ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    lines = [
        "WCXB dev split: Casebook beside plain trafilatura and htmldate on the same pages, same run",
        f"data: {args.wcxb} (dev only); machine: {platform.machine()}, Python {platform.python_version()},"
        f" trafilatura {trafilatura.__version__}, htmldate {htmldate.__version__}",
        f"command: python tests/eval_wcxb.py {' '.join(argv if argv is not None else sys.argv[1:])}",
    ]
    articles = [p for p in pages if p.page_type == "article"]
    lines += table("articles, all", articles)
    lines += table("articles, tune half (even file ids)", [p for p in articles if p.half == "tune"])
    lines += table("articles, check half (odd file ids)", [p for p in articles if p.half == "check"])
    for page_type in PAGE_TYPES[1:]:
        lines += table(f"{page_type} pages", [p for p in pages if p.page_type == page_type])
    if args.worst:
        lines += worst(articles, args.worst)
    missed = failures(articles)
    verdict = "targets (article pages): all met" if not missed else "targets MISSED: " + "; ".join(missed)
    lines += ["", verdict]
    print("\n".join(lines))
    if args.json:
        args.json.write_text(
            json.dumps(
                [{"file_id": p.file_id, "type": p.page_type, "ours": p.ours.__dict__, "traf": p.traf.__dict__,
                  "htmldate": p.htmldate.date, "htmldate_fast": p.htmldate_fast.date} for p in pages],
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )  # fmt: skip
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
