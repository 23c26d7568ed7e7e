"""What a hostile page costs extraction, beside a plain article of about the same size.

Usage::

    python -m bench.extract_bench                          # this checkout
    python -m bench.extract_bench --code /path/to/an/older/checkout

Crawled pages are hostile, and a reader that walks a page's dates or words once per date found can turn one
page into seconds of work (a script of 20,000 timestamps took 20 s for a day). Each page here is extracted
``--repeat`` times in one process, its best time kept, and printed beside the plain article's as a ratio:
a ratio far above the page's size ratio is a walk that grows faster than the page. ``--code`` reads the
pages with another checkout (``git archive <commit> | tar -x -C DIR``), to put two versions side by side.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from datetime import UTC, datetime

from bench.enrich_bench import machine

SENTENCE = "The council said the new assessment rules would apply to every claimant from the spring. "


def pages() -> dict[str, str]:
    """The plain article and the hostile pages, each about 200-700 KB of HTML."""
    story = "".join(f"<p>{SENTENCE * 8}</p>" for _ in range(300))
    stamps = ",".join(f'"2023-01-{i % 28 + 1:02d}T10:00:00Z"' for i in range(20_000))
    dated = " ".join(f"On {i % 28 + 1} March 2020 the council met again." for i in range(5_000))
    dated_paragraphs = "".join(f"<p>Minutes of {i % 28 + 1}.03.2020</p>" for i in range(5_000))
    # one line printed under every item: each copy trafilatura keeps is placed back in the page
    repeated = "".join(
        f"<h3>Item {i}</h3><p>Average rating: 4.9 out of five</p><p>{SENTENCE} Item {i}.</p>"
        for i in range(3_000)
    )
    head = "<html><head><title>Assessment rules</title></head><body><article><h1>Assessment rules</h1>"
    tail = "</article></body></html>"
    # a standfirst is looked for under the headline where the page declares a description it lacks
    summary = "A summary of the new assessment rules, printed nowhere on the page."
    described = head.replace("</head>", f"<meta name='description' content='{summary}'></head>")
    return {
        "plain article (300 paragraphs)": head + story + tail,
        "a script of 20,000 timestamps": head + f"<script>var d=[{stamps}];</script>" + story + tail,
        "a <pre> of 5,000 dated sentences": head + f"<pre>{dated}</pre>" + tail,
        "5,000 short dated paragraphs": head + dated_paragraphs + tail,
        "1,000 nested blocks under the headline": described + "<div>" * 1000 + story + "</div>" * 1000 + tail,
        "3,000 items under one repeated line": head + repeated + tail,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", help="a checkout to read the pages with (default: this one)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each page; the best is kept")
    args = parser.parse_args(argv)
    if args.code:
        sys.path.insert(0, args.code)
    models = importlib.import_module("casebook.models")
    stage = importlib.import_module("indexer.extract.stage")
    if args.code and not stage.__file__.startswith(args.code):
        raise SystemExit(f"extract_bench: {args.code} holds no indexer/extract/stage.py to read pages with")
    print(f"extraction of hostile pages; {machine()}; code: {args.code or 'this checkout'}")
    print(f"command: python -m bench.extract_bench{' --code ' + args.code if args.code else ''}\n")
    print("| page | HTML KB | best of runs, s | x plain article's time | x its size |")
    print("|---|---:|---:|---:|---:|")
    plain_seconds = plain_size = 0.0
    for name, html in pages().items():
        body = html.encode()
        best = float("inf")
        for _ in range(args.repeat):
            page = models.RawPage(url="https://news.example.org/rules", body=body, fetched=datetime.now(UTC))
            started = time.perf_counter()
            try:
                stage.extract(page, "bench")
            except stage.NotAnArticle:
                pass  # a refusal is an answer too: its time counts
            best = min(best, time.perf_counter() - started)
        plain_seconds, plain_size = (best, len(body)) if not plain_seconds else (plain_seconds, plain_size)
        print(
            f"| {name} | {len(body) / 1024:,.0f} | {best:.2f} | {best / plain_seconds:.1f}x"
            f" | {len(body) / plain_size:.1f}x |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
