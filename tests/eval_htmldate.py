"""``make eval HTMLDATE=/path/to/htmldate``: publication days on htmldate's own evaluation pages, kept apart.

htmldate (github adbar/htmldate, Apache-2.0) ships the pages it is evaluated on, each with the day a person
read off it: ``tests/eval_default.json`` (800 pages, the BBAW collection, mostly German, many not news) and
``tests/eval_mediacloud_2020.json`` (200 news pages from around the world, Media Cloud), the HTML in
``tests/test_set``, ``tests/cache`` and ``tests/eval``. A set kept apart: measured, never tuned on. No page
of it is committed; the scorer reads a local copy (the repository's folder) given by path.

Every page is run three ways in the same run, on the same text and with its URL: Casebook's ``extract``
(a refused page has no day), ``htmldate.find_date(html, url=url, original_date=True)`` with its extensive
search (its default) and in its fast mode. Counted per part: the exact day, a wrong day, no day.

This is htmldate's own development set, the pages its rules were written on. The issue's target on every
public set: the exact day at least as often as htmldate, with fewer wrong days. Exits 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import htmldate

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable without installing it
    sys.path.insert(0, str(ROOT))

from casebook.models import RawPage  # noqa: E402
from indexer.extract.encoding import decode_html  # noqa: E402
from indexer.extract.stage import NotAnArticle, extract  # noqa: E402

PARTS = {"default": "eval_default.json", "mediacloud": "eval_mediacloud_2020.json"}
FOLDERS = ("test_set", "cache", "eval")  # where htmldate's own evaluation looks for a page, in this order
SYSTEMS = ("casebook", "htmldate", "htmldate fast")
FETCHED = datetime.now(UTC)  # the pages carry no fetch time; "now" only bounds days above


def page_file(tests: Path, name: str) -> Path | None:
    return next((tests / f / name for f in FOLDERS if (tests / f / name).is_file()), None)


def ours(url: str, body: bytes) -> str | None:
    try:
        doc = extract(RawPage(url=url, body=body, fetched=FETCHED), source="htmldate-eval")
    except NotAnArticle:
        return None
    return doc.published.isoformat() if doc.published else None


def baseline(url: str, html: str, extensive: bool) -> str | None:
    try:
        return htmldate.find_date(html, url=url, original_date=True, extensive_search=extensive)
    except Exception:  # noqa: BLE001 - the baseline failing is "no day"
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("htmldate", type=Path, help="local copy of the htmldate repository (holding tests/)")
    args = parser.parse_args(argv)
    tests = args.htmldate / "tests"
    if not all((tests / f).is_file() for f in PARTS.values()):
        raise SystemExit(f"eval_htmldate: no tests/eval_*.json under {args.htmldate}: give htmldate's folder")
    tally: dict[str, Counter[str]] = {}
    missing = 0
    seconds = Counter[str]()
    for part, file in PARTS.items():
        tally[part] = Counter()
        for url, entry in json.loads((tests / file).read_text(encoding="utf-8")).items():
            path = page_file(tests, entry["file"])
            if path is None:
                missing += 1
                continue
            body = path.read_bytes()
            html = decode_html(body, "text/html")
            answers = {}
            for name in SYSTEMS:
                started = time.perf_counter()
                answers[name] = (
                    ours(url, body) if name == "casebook" else baseline(url, html, name == "htmldate")
                )
                seconds[name] += time.perf_counter() - started
            tally[part]["pages"] += 1
            for name, day in answers.items():
                tally[part][f"{name} {'exact' if day == entry['date'] else 'wrong' if day else 'none'}"] += 1
            if sum(t["pages"] for t in tally.values()) % 100 == 0:
                print(f"  {sum(t['pages'] for t in tally.values())} pages", file=sys.stderr, flush=True)

    print("htmldate's evaluation pages: Casebook beside htmldate, same pages, same run")
    print(f"data: {args.htmldate}; machine: {platform.machine()}, Python {platform.python_version()},"
          f" htmldate {htmldate.__version__}")  # fmt: skip
    print(f"command: python tests/eval_htmldate.py {args.htmldate}")
    missed = []
    for part, t in tally.items():
        n = t["pages"]
        print(f"\n{f'{part}: {n} pages':<19}" + "".join(f"{s:>15}" for s in SYSTEMS))
        print("exact day          " + "".join(f"{t[s + ' exact'] / n:15.1%}" for s in SYSTEMS))
        print("wrong day          " + "".join(f"{t[s + ' wrong']:15d}" for s in SYSTEMS))
        print("no day             " + "".join(f"{t[s + ' none']:15d}" for s in SYSTEMS))
        if t["casebook exact"] < t["htmldate exact"] or t["casebook wrong"] >= t["htmldate wrong"]:
            missed.append(
                f"{part}: {t['casebook exact']} exact / {t['casebook wrong']} wrong against htmldate's"
                f" {t['htmldate exact']} / {t['htmldate wrong']}"
            )
    total = sum(t["pages"] for t in tally.values())
    print("\npages/s: " + ", ".join(f"{s} {total / seconds[s]:.1f}" for s in SYSTEMS))
    if missing:
        print(f"pages named but not found: {missing}")
    print("targets: " + ("; ".join(missed) + ": MISSED" if missed else "all met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
