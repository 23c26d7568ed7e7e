"""``make eval CLEANPORTAL=/path/to/CleanPortalEval``: article bodies on CleanPortalEval's news portal pages.

CleanPortalEval (github ppke-nlpg/CleanPortalEval; Endrédy and Novák, "More Effective Boilerplate Removal:
the GoldMiner Algorithm", Polibits 48, 2013) holds 71 pages saved in 2013 from four English-language news
portals (the BBC's news, the Wall Street Journal's Brussels blog, MSNBC, two Washington Post blogs), many
pages from each, with the main text marked by hand in CleanEval's format: ``GoldStandard/<name>.txt`` opens
with a ``URL:`` line, then the text, each segment opened by ``<p>``, ``<h>`` (a heading) or ``<l>`` (a list
item), with HTML entities left escaped; an index page's gold is empty. The saved page is
``input/<name>.html``, opened (on most pages) by CleanEval's ``<text id="URL">`` line. Bevendorff et al.
(2023) use it as one of the eight sets of their web content extraction benchmark. The repository states no
licence, so no page or text of it is committed; the scorer reads a local checkout given by path.

Every page is run two ways in the same run, on the same bytes: Casebook's ``extract`` given the page's own
address (a refused page counts as empty) and plain trafilatura as AEB's runner calls it
(``trafilatura.extract(html, include_comments=False)``), given the bytes to decode as it decodes them: a
few pages declare UTF-8 and carry windows-1252 quotes. Scored with AEB's measure (``eval_aeb``): word
4-gram shingles, per-page shares of true and false positives and false negatives, precision and recall
averaged over pages, F1 of the two. The gold keeps each page's headline, which Casebook keeps as the title
apart from the body; that is left as it is, as in the other sets.

The issue's targets on every public set: at most 1% of the pages refused, body F1 at least plain
trafilatura's + 0.01. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from eval_aeb import SideBySide

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable without installing it
    sys.path.insert(0, str(ROOT))

from casebook.models import RawPage  # noqa: E402

TEXT_LINE = re.compile(rb'\s*<text id="([^"]*)">')  # CleanEval's first line of a saved page
URL_LINE = re.compile(r"^\s*URL:\s*(\S*).*$", re.MULTILINE)
SEGMENT = re.compile(r"<[phl]>", re.IGNORECASE)


def saved_page(raw: bytes) -> tuple[str, bytes]:
    """The page's address and its HTML, without the ``<text id=...>`` line CleanEval puts first."""
    opening = TEXT_LINE.match(raw)
    if opening is None:
        return "", raw
    return opening.group(1).decode("utf-8", "replace"), raw[opening.end() :]


def gold_text(gold: str) -> tuple[str, str]:
    """The page's address and the marked text, as its words show (segment markers out, entities read)."""
    address = URL_LINE.search(gold)
    text = URL_LINE.sub(" ", gold, count=1)
    return (address.group(1) if address else ""), html.unescape(SEGMENT.sub(" ", text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cleanportal", type=Path, help="local checkout of ppke-nlpg/CleanPortalEval")
    parser.add_argument("--worst", type=int, default=10, help="list the N pages we lose most on")
    args = parser.parse_args(argv)
    pages = sorted((args.cleanportal / "input").glob("*.html"))
    golds = {p.stem: args.cleanportal / "GoldStandard" / f"{p.stem}.txt" for p in pages}
    pages = [p for p in pages if golds[p.stem].is_file()]
    if not pages:
        raise SystemExit(
            f"eval_cleanportal: no pages with gold in {args.cleanportal}: give a checkout of"
            " ppke-nlpg/CleanPortalEval (CLEANPORTAL=...)"
        )
    run = SideBySide()
    for path in pages:
        address, body = saved_page(path.read_bytes())
        gold_address, gold = gold_text(golds[path.stem].read_text(encoding="utf-8", errors="replace"))
        url = address or gold_address or f"http://cleanportaleval.invalid/{path.stem}"
        page = RawPage(url=url, body=body, fetched=datetime.now(UTC))
        run.add(path.stem, gold, page, "cleanportal", body)
    command = f"python tests/eval_cleanportal.py {args.cleanportal}"
    return run.report("CleanPortalEval (ppke-nlpg/CleanPortalEval)", args.cleanportal, command, args.worst)


if __name__ == "__main__":
    sys.exit(main())
