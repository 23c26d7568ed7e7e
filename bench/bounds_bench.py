"""What one expensive request costs the real server, and what it costs everyone else meanwhile.

Usage::

    python -m bench.bounds_bench                       # 10,000 synthetic documents, this checkout
    python -m bench.bounds_bench --code /path/to/an/older/checkout

``casebook serve`` runs over ``bench.loadtest``'s synthetic archive (flagged synthetic, a folder of its
own) plus three long synthetic articles whose entity is mentioned 5,000 times each (with 5,000 mentions of
others). Timed, one at a time: a search with 2,000 repeated facet parameters (time, page size); the
entity page of the much-mentioned entity (its co-mentions); a proximity search of 20 common words with a
slop of 100. Then eight of those proximity searches at once, while a plain search is timed every 0.2 s:
its worst latency is what every other reader meets. ``--code`` serves from another checkout (``git
archive <commit> | tar -x -C DIR``), to put two versions side by side.
"""

from __future__ import annotations

import argparse
import http.client
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.enrich_bench import machine
from bench.loadtest import build_synthetic, free_port

ROOT = Path(__file__).resolve().parent.parent
ENTITY = "person:synth-bench-much-mentioned"
COMMON = "the of and to a in for that is on was with as by said it at be have from".split()


def add_long_articles(folder: Path) -> None:
    """Three articles mentioning one (synthetic) entity 5,000 times each: written once."""
    from casebook.models import Document, Mention
    from casebook.settings import load_settings
    from casebook.store import open_store

    settings = load_settings(env={}, data_dir=folder)
    with open_store(settings) as store, store.transaction():
        if store.entity_names([ENTITY]):
            return
        for n in range(3):
            text = "Quenby Marsh said so. " * 5000
            doc = Document(
                url=f"https://bench.synthetic.invalid/much-mentioned/{n}",
                canonical_url=f"https://bench.synthetic.invalid/much-mentioned/{n}",
                source="synthetic-quenby-observer",
                title=f"Synthetic: much mentioned {n}",
                text=text,
                fetched=datetime(2024, 1, 1, tzinfo=UTC),
            )
            store.save(doc)
            found = [
                Mention("Quenby Marsh", "person", ENTITY, "Quenby Marsh", i * 22, i * 22 + 12)
                for i in range(5000)
            ]
            found += [
                Mention("Marsh", "place", f"place:synth-marsh-{k % 50}", "Marsh", 0, 5) for k in range(5000)
            ]
            store.save_annotations(doc.id, found, [])


def get(port: int, path: str) -> tuple[int, int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body), time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose casebook serves")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "casebook-bounds-bench"
    )
    args = parser.parse_args(argv)
    folder = build_synthetic(args.data_dir, args.docs, 1)
    add_long_articles(folder)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from casebook.cli import main; main()", "--data-dir", str(folder), "serve"]
        + ["--port", str(port)],
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": str(args.code)},
        cwd=args.code,  # python -c puts its working folder first on sys.path
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows: list[tuple[str, str]] = []
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                get(port, "/help")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("casebook serve did not start") from None
                time.sleep(0.2)
        get(port, "/search?q=benefit")  # warm: segment caches filled
        flood = urlencode([("source", f"synthetic-{n}") for n in range(2000)])
        status, size, seconds = get(port, f"/search?q=benefit&{flood}")
        rows.append(
            ("search with 2,000 repeated facet parameters", f"{status}, {size / 1e6:.1f} MB, {seconds:.2f} s")
        )
        status, size, seconds = get(port, f"/entity/{ENTITY}")
        rows.append(("entity page, 3 articles x 5,000 mentions", f"{status}, {seconds:.2f} s"))
        near = quote('"' + " ".join(COMMON[:20]) + '"~100')
        status, size, seconds = get(port, f"/search?q={near}")
        rows.append(("proximity search, 20 words ~100", f"{status}, {seconds:.2f} s"))
        near8 = quote('"' + " ".join(COMMON[:8]) + '"~20')
        status, size, seconds = get(port, f"/search?q={near8}")
        rows.append(("proximity search, 8 words ~20", f"{status}, {seconds:.2f} s"))

        plain: list[float] = []
        stop = threading.Event()

        def probe() -> None:
            while not stop.is_set():
                plain.append(get(port, "/search?q=tribunal+appeal")[2])
                stop.wait(0.2)

        def slow() -> None:
            get(port, f"/search?q={near8}")

        watcher = threading.Thread(target=probe)
        watcher.start()
        time.sleep(1.0)
        quiet = sorted(plain)[len(plain) // 2] if plain else 0.0
        crowd = [threading.Thread(target=slow) for _ in range(8)]
        start = time.perf_counter()
        for thread in crowd:
            thread.start()
        for thread in crowd:
            thread.join()
        crowd_seconds = time.perf_counter() - start
        stop.set()
        watcher.join()
        rows.append(
            (
                "8 proximity searches (8 words ~20) at once",
                f"all done in {crowd_seconds:.1f} s; a plain search meanwhile: worst {max(plain):.2f} s"
                f" (quiet: {quiet:.2f} s)",
            )
        )
    finally:
        server.terminate()
        server.wait()
    print(f"machine: {machine()}")
    print(f"code: {args.code}")
    print(f"command: python -m bench.bounds_bench {shlex.join(argv if argv is not None else sys.argv[1:])}")
    print(f"archive: {args.docs:,} synthetic documents + 3 long ones")
    print()
    print("| request | answer |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
