"""How long other writers wait for the store while a long command runs: the write-lock figure.

Usage::

    python -m bench.lock_bench                          # a 2 MB article ingested; reindex of 10,000 documents
    python -m bench.lock_bench --article-mb 7 --docs 10000 --code /path/to/an/older/checkout

Two commands run as real processes (``casebook ingest`` of one long synthetic article, with enrichment;
``casebook reindex`` of a synthetic store) while this process writes to the same store every 0.2 s, as the
web UI does when a timeline is changed (a named timeline created in its own transaction, waiting up to
30 s like the store's default). The table gives the command's wall time and the probes' waits: median,
worst, and how many gave up with ``database is locked``. ``--code`` runs the commands from another
checkout (``git archive <commit> | tar -x -C DIR``), to put the figures of two versions side by side.
Everything is synthetic and lives in a folder of its own (``bench.synthetic.prepare_data_dir``).
"""

from __future__ import annotations

import argparse
import html
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.enrich_bench import machine
from bench.synthetic import Generator, prepare_data_dir

ROOT = Path(__file__).resolve().parent.parent
PROBE_EVERY = 0.2


def article(folder: Path, megabytes: float) -> Path:
    """One long fictional article (paragraphs of synthetic text) as an HTML page."""
    paragraphs, size, n = [], 0, 0
    for item in Generator(seed=3, mean_words=600).docs(100_000):
        for para in item.stored.document.text.split("\n\n"):
            paragraphs.append(f"<p>{html.escape(para)}</p>")
            size += len(para)
        n += 1
        if size >= megabytes * 1_000_000:
            break
    path = folder / "long-article.html"
    path.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A very long synthetic inquiry'
        "</title></head><body><article><h1>A very long synthetic inquiry</h1>"
        + "\n".join(paragraphs)
        + "</article></body></html>",
        encoding="utf-8",
    )
    return path


def synthetic_store(folder: Path, docs: int) -> None:
    from casebook.settings import load_settings
    from casebook.store import open_store

    settings = load_settings(env={}, data_dir=folder)
    with open_store(settings) as store, store.transaction():
        for item in Generator(seed=5, mean_words=300).docs(docs):
            store.save(item.stored.document)
            store.save_annotations(item.stored.document.id, item.mentions, item.quotes)


class Probe(threading.Thread):
    """Writes a small transaction every ``PROBE_EVERY`` s and times each: what a timeline POST meets."""

    def __init__(self, db: Path) -> None:
        super().__init__(daemon=True)
        self.db = db
        self.waits: list[float] = []
        self.locked = 0
        self.stop = threading.Event()

    def run(self) -> None:
        n = 0
        from casebook import timelines
        from casebook.store import Store, StoreError

        while not self.stop.is_set():
            n += 1
            with Store(self.db, timeout=30) as store:
                start = time.perf_counter()
                try:
                    timelines.create(store, f"lock probe {os.getpid()}-{n}-{time.time()}")
                    self.waits.append(time.perf_counter() - start)
                except StoreError:
                    self.locked += 1
            self.stop.wait(PROBE_EVERY)


def run(command: list[str], data_dir: Path, code: Path) -> dict[str, float]:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": str(code)}
    probe = Probe(data_dir / "casebook.db")
    probe.start()
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from casebook.cli import main; main()",
            "--data-dir",
            str(data_dir),
            *command,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=code,  # python -c puts its working folder first on sys.path
    )
    seconds = time.perf_counter() - start
    probe.stop.set()
    probe.join()
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed: {done.stderr[-2000:]}")
    waits = probe.waits or [0.0]
    return {
        "seconds": seconds,
        "median": statistics.median(waits),
        "worst": max(waits),
        "probes": len(probe.waits) + probe.locked,
        "locked": probe.locked,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--article-mb", type=float, default=2.0)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose casebook is run")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "casebook-lock-bench")
    args = parser.parse_args(argv)

    folder = prepare_data_dir(args.data_dir)
    for old in folder.iterdir():
        if old.name != "SYNTHETIC":
            subprocess.run(["rm", "-rf", str(old)], check=True)
    print(f"# lock bench: {shlex.join(sys.argv)}", file=sys.stderr)
    rows = []
    ingest_dir = folder / "ingest"
    ingest_dir.mkdir()
    page = article(folder, args.article_mb)
    from casebook.store import Store

    Store(ingest_dir / "casebook.db").close()  # the store exists before the probe starts writing to it
    name = f"ingest one {page.stat().st_size / 1e6:.1f} MB article"
    rows.append((name, run(["ingest", "--no-progress", str(page)], ingest_dir, args.code)))
    reindex_dir = folder / "reindex"
    reindex_dir.mkdir()
    synthetic_store(reindex_dir, args.docs)
    name = f"reindex {args.docs:,} documents"
    rows.append((name, run(["reindex", "--no-progress"], reindex_dir, args.code)))

    print(f"machine: {machine()}")
    print(f"code: {args.code}")
    print(f"command: python -m bench.lock_bench {shlex.join(argv if argv is not None else sys.argv[1:])}")
    print()
    print("| command | wall time | probe writes | median wait | worst wait | gave up (locked) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in rows:
        print(
            f"| {name} | {r['seconds']:.1f} s | {r['probes']:.0f} | {r['median'] * 1000:.0f} ms"
            f" | {r['worst']:.2f} s | {r['locked']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
