"""The web UI part of ``make bench``: server time per page on the demo archive, and static asset weight.

Usage::

    python -m bench.webui_bench                       # builds the demo archive in a temporary folder
    python -m bench.webui_bench --data-dir DIR --requests 200

Server time is measured inside the process through Flask's test client: routing, the search, the store
reads and the template, everything but the network and the WSGI server. Each page is requested once to
warm caches (as a running server would be), then ``--requests`` times; the table gives p50 and p95.
The issue's target: the search page well under 200 ms; at most 200 KB of static assets on any page.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.enrich_bench import machine

ROOT = Path(__file__).resolve().parent.parent
STATIC_BUDGET = 200 * 1024
PAGES = {
    "search (two words, facets)": "/search?q=benefit+sanctions",
    "search (everything)": "/search?q=*",
    "search (facet filter)": "/search?q=*&source=benefits-and-work",
    "document": "/doc/{doc}",
    "timeline (2 series)": "/timeline?q=sanctions&q=scheme:ESA&by=year",
    "quotes": "/quotes?q=disabled",
    "entity": "/entity/org:dwp",
    "sources": "/sources",
    "api/search": "/api/search?q=sanctions",
}


def static_weight() -> int:
    """Every file the pages can load lives in webui/static; a page loads at most all of them."""
    return sum(p.stat().st_size for p in (ROOT / "webui" / "static").rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, help="an archive to measure (default: a fresh demo archive)")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page (default 100)")
    args = parser.parse_args(argv)

    from casebook.settings import load_settings
    from casebook.store import open_store
    from webui.app import create_app

    with tempfile.TemporaryDirectory(prefix="casebook-webui-bench-") as tmp:
        data_dir = args.data_dir
        if data_dir is None:
            from indexer.pipeline.demo import demo_imports
            from indexer.pipeline.ingest import ingest

            data_dir = Path(tmp)
            print("building the demo archive ...", file=sys.stderr)
            settings = load_settings(env={}, data_dir=data_dir)
            ingest(settings, imports=demo_imports(settings.demo_path), progress=False)
        settings = load_settings(env={}, data_dir=data_dir)
        with open_store(settings) as store:
            documents = store.count()
            doc = next(store.iter_documents()).document.id
        client = create_app(settings, public=True).test_client()
        rows = []
        for name, path in PAGES.items():
            url = path.format(doc=doc)
            status = client.get(url).status_code
            if status != 200:
                print(f"{url} answered {status}", file=sys.stderr)
                return 1
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            rows.append((name, statistics.median(times), times[int(0.95 * (len(times) - 1))]))

    command = "python -m bench.webui_bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    print(f"\n## Web UI server time ({documents} documents, {args.requests} requests per page)\n")
    print(f"machine: {machine()}  \ncommand: `{command.strip()}`\n")
    print("| page | p50 ms | p95 ms |\n|---|---:|---:|")
    for name, p50, p95 in rows:
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")
    weight = static_weight()
    verdict = "within" if weight <= STATIC_BUDGET else "OVER"
    print(f"\nstatic assets: {weight / 1024:.1f} KB in webui/static ({verdict} the 200 KB budget)")
    return 0 if weight <= STATIC_BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
