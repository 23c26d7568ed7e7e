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
import sys
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
from eval_aeb import UTF8, SideBySide

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable without installing it
    sys.path.insert(0, str(ROOT))

from casebook.models import RawPage  # noqa: E402

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
    run = SideBySide()
    for name in names:
        body = (folder / name / "source.html").read_bytes()
        page = RawPage(url=URL, body=body, fetched=datetime.now(UTC), content_type=UTF8)
        gold = gold_text((folder / name / "expected.html").read_bytes())
        run.add(name, gold, page, "rdb", body.decode("utf-8", "replace"))
    title = "Readability's test pages (mozilla/readability)"
    command = f"python tests/eval_readability.py {args.readability}"
    return run.report(title, args.readability, command, args.worst)


if __name__ == "__main__":
    sys.exit(main())
