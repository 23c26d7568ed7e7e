"""The workers part of ``make bench``: enrichment throughput with 1 and with 2 ``casebook worker`` processes
taking ``casebook enrich --queue`` jobs from one queue, side by side in one run.

Usage::

    python -m bench.workers_bench                         # 3 alternating rounds of 1 and 2 workers
    python -m bench.workers_bench --rounds 5 --batch 64 --copies 4 --database-url postgresql://...

The archive is the demo's (the real pages and the invented sample articles of ``casebook demo``), ingested
without enrichment into a data folder of the run's own (SQLite, as a one-machine user has it), each document
stored ``--copies`` times so that the work outweighs loading the model. Each round rebuilds the search index
(untimed), forgets every enrichment stamp and queues every document in batches of ``--batch`` (``enrich
--queue --force``), then starts N workers with ``--until-empty`` and times them from start to the last one's
exit: real processes, each loading the spaCy model (as a worker does when it starts), writing to one store.
The sides alternate (1, 2, 2, 1, ...) so a busy machine slows them alike; the table gives the median words/s
and the ratio of the 2-worker to the 1-worker side as the median of the rounds' ratios, with its range.

The queue's server: ``--database-url``, or else a throwaway PostgreSQL cluster started for the run from
Debian's ``postgresql`` package (``tests/postgres_server.py``: 127.0.0.1 only, removed afterwards).
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.enrich_bench import machine

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "casebook"


def build_archive(data: Path, url: str, copies: int) -> int:
    """The demo archive on the server at ``url``, not enriched, each document stored ``copies`` times
    (under other addresses: ``?bench-copy=N``); its words (what each round enriches)."""
    from dataclasses import replace as changed

    from casebook.settings import load_settings
    from casebook.store import open_store
    from indexer.pipeline.demo import demo_imports, sample_imports
    from indexer.pipeline.ingest import ingest

    settings = load_settings(env={"CASEBOOK_DATABASE_URL": url}, data_dir=data)
    with tempfile.TemporaryDirectory(prefix="casebook-bench-sample-") as folder:
        imports = demo_imports(settings.demo_path) + sample_imports(settings, Path(folder))
        ingest(settings, imports=imports, progress=False, enrich=False)
    with open_store(settings) as store:
        originals = [s.document for s in store.iter_documents()]
        with store.write_transaction():
            for n in range(1, copies):
                for doc in originals:
                    address = f"{doc.canonical_url}?bench-copy={n}"
                    store.save(changed(doc, url=address, canonical_url=address))
        return sum(len(s.document.text.split()) for s in store.iter_documents())


def fresh_index(settings: object) -> None:
    """Rebuild the search index (not timed): every round rewrites every document's entry, and an index
    carrying the deletions of the rounds before would slow the later side."""
    from indexer.pipeline.ingest import Ingester

    ingester = Ingester(settings)  # type: ignore[arg-type]
    try:
        ingester.reindex(progress=False)
    finally:
        ingester.close()


def round_seconds(data: Path, url: str, workers: int, batch: int) -> tuple[float, int]:
    """Queue every document again, run ``workers`` workers until the queue is empty; seconds, jobs."""
    from casebook.settings import load_settings
    from workers.enqueue import queue_enrich

    settings = load_settings(env={"CASEBOOK_DATABASE_URL": url}, data_dir=data)
    fresh_index(settings)
    queued = queue_enrich(settings, force=True, batch=batch)
    env = {**os.environ, "CASEBOOK_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [str(EXE), "--data-dir", str(data), "worker", "--queue", "enrich", "--until-empty"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    codes = [proc.wait() for proc in procs]
    seconds = time.perf_counter() - start
    if any(codes):
        raise SystemExit(f"a worker failed (exit codes {codes}); run casebook jobs to see why")
    return seconds, len(queued.jobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each side (default 3)")
    parser.add_argument("--batch", type=int, default=64, help="documents per enrich job (default 64)")
    parser.add_argument(
        "--copies", type=int, default=4, help="times each demo document is stored (default 4)"
    )
    parser.add_argument("--database-url", default=None, help="the queue's server (default: a throwaway one)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: the throwaway server goes too

    cluster = None
    url = args.database_url
    if url is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from postgres_server import start_cluster

        cluster = start_cluster()
        url = cluster.new_database("bench")
    try:
        with tempfile.TemporaryDirectory(prefix="casebook-bench-workers-") as folder:
            data = Path(folder) / "data"
            print("building the demo archive (not enriched) ...", file=sys.stderr)
            words = build_archive(data, url, args.copies)
            times: dict[int, list[float]] = {1: [], 2: []}
            jobs = 0
            for r in range(args.rounds):
                for n in (1, 2) if r % 2 == 0 else (2, 1):
                    seconds, jobs = round_seconds(data, url, n, args.batch)
                    times[n].append(seconds)
                    print(f"round {r + 1}: {n} worker(s) {seconds:.1f} s", file=sys.stderr)
    finally:
        if cluster is not None:
            cluster.stop()

    ratios = [one / two for one, two in zip(times[1], times[2], strict=True)]
    command = "python -m bench.workers_bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    print(f"\n## Enrichment with queue workers ({command.strip()})\n")
    print(f"Machine: {machine()}")
    print(
        f"Corpus: the demo archive, {words:,} words per round, {jobs} enrich jobs of {args.batch} documents\n"
    )
    print("| workers | median s | best s | words/s (median) | vs 1 worker |")
    print("|---|---|---|---|---|")
    for n in (1, 2):
        median = statistics.median(times[n])
        ratio = "1.00" if n == 1 else f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"
        print(f"| {n} | {median:.1f} | {min(times[n]):.1f} | {words / median:,.0f} | {ratio} |")
    print(
        "\nEach side's time runs from starting the workers to the last one's exit: loading the model in each"
        " worker is counted."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
