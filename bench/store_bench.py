"""The store on SQLite and on PostgreSQL, side by side in one run: what ingest writes, what pages read.

Usage::

    python -m bench.store_bench                       # 5,000 documents; a throwaway PostgreSQL cluster
    python -m bench.store_bench --docs 100000
    python -m bench.store_bench --database-url postgresql://casebook@db.example.org/casebook_bench

Writes are ingest's, batch by batch (16 documents, one write transaction each, as
``indexer.pipeline.ingest`` commits them): the document, its catalogue record, its near-duplicate band
hashes and the look-up of candidates, its mentions and quotes with the enrichment stamp, and the index
journal. Extraction, enrichment and MinHash run before the clock starts: only the store is timed. Reads are
the web's: every document in id order (what ``casebook reindex`` reads), a document by id (a document page),
the per-source table (``/sources``) and one entity's page (``/entity/<id>``).

Without ``--database-url`` the PostgreSQL side runs on a throwaway cluster started from Debian's
``postgresql`` package (``tests/postgres_server.py``, on 127.0.0.1 only, stopped at the end), which runs
without fsync like the suite's; a given database must be empty, and receives the synthetic documents.
Everything is synthetic (``bench.synthetic``), in a data folder of its own.
"""

from __future__ import annotations

import argparse
import random
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.enrich_bench import machine
from bench.synthetic import Generator, prepare_data_dir

ROOT = Path(__file__).resolve().parent.parent
BATCH = 16  # documents per write transaction, as ingest commits them
LOOKUPS = 1000  # documents read by id


def write(store: Any, docs: list[Any], bands: list[list[int]]) -> float:
    """Ingest's writes for these documents, a batch per write transaction; documents per second."""
    start = time.perf_counter()
    for first in range(0, len(docs), BATCH):
        with store.write_transaction():
            for item, doc_bands in zip(
                docs[first : first + BATCH], bands[first : first + BATCH], strict=True
            ):
                doc = item.stored.document
                store.content_hash(doc.id)
                store.save(doc)
                store.set_bands(doc.id, doc_bands)
                store.band_candidates(doc_bands)
                store.add_record(
                    f"<urn:uuid:{doc.id}>", "bench.warc.gz", 0, doc.url, None, doc.fetched, doc.id, "new"
                )
                store.save_annotations(doc.id, item.mentions, item.quotes, "bench")
            store.note_indexed([item.stored.document.id for item in docs[first : first + BATCH]], False)
    return len(docs) / (time.perf_counter() - start)


def read(store: Any, ids: list[str], entity: str) -> dict[str, float]:
    start = time.perf_counter()
    scanned = sum(1 for _ in store.iter_documents())
    scan = scanned / (time.perf_counter() - start)
    waits = []
    for doc_id in random.Random(7).sample(ids, min(LOOKUPS, len(ids))):
        at = time.perf_counter()
        store.get(doc_id)
        waits.append((time.perf_counter() - at) * 1000)
    waits.sort()
    at = time.perf_counter()
    store.source_stats()
    sources = (time.perf_counter() - at) * 1000
    at = time.perf_counter()
    store.entity_coverage(entity)
    coverage = (time.perf_counter() - at) * 1000
    return {
        "scan": scan,
        "get50": statistics.median(waits),
        "get95": waits[int(len(waits) * 0.95) - 1],
        "sources": sources,
        "entity": coverage,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=5_000)
    parser.add_argument(
        "--database-url", default=None, help="an empty PostgreSQL database (default: throwaway)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "casebook-store-bench",
        help="the synthetic SQLite store's folder (emptied first; refused if it holds a real archive)",
    )
    args = parser.parse_args(argv)

    from casebook.settings import load_settings
    from casebook.store import open_store
    from indexer.dedup.minhash import bands_for

    folder = prepare_data_dir(args.data_dir)
    for stale in folder.glob("casebook.db*"):
        stale.unlink()
    print(f"generating {args.docs:,} synthetic documents and their band hashes ...", file=sys.stderr)
    docs = list(Generator(seed=21).docs(args.docs))
    bands = [bands_for(item.stored.document.text) for item in docs]
    ids = [item.stored.document.id for item in docs]
    entity = next(m.id for item in docs for m in item.mentions)

    cluster = None
    url = args.database_url
    if url is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from postgres_server import start_cluster

        cluster = start_cluster()
        url = cluster.new_database("bench")
    rows = []
    try:
        for name, settings in (
            ("SQLite", load_settings(env={}, data_dir=folder)),
            ("PostgreSQL", load_settings(env={"CASEBOOK_DATABASE_URL": url}, data_dir=folder)),
        ):
            with open_store(settings) as store:
                if store.count():
                    print(f"{name}: the database is not empty; give an empty one", file=sys.stderr)
                    return 1
                print(f"{name}: writing ...", file=sys.stderr)
                rate = write(store, docs, bands)
            with open_store(settings, read_only=True) as store:
                print(f"{name}: reading ...", file=sys.stderr)
                rows.append((name, rate, read(store, ids, entity)))
    finally:
        if cluster is not None:
            cluster.stop()

    command = "python -m bench.store_bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    print(f"\n## The store: SQLite and PostgreSQL ({args.docs:,} synthetic documents, one run)\n")
    print(f"machine: {machine()}  \ncommand: `{command.strip()}`  ")
    where = "a given server" if args.database_url else "a throwaway local cluster (fsync off)"
    print(f"PostgreSQL: {where}\n")
    print(
        "| store | ingest writes (docs/s) | read all (docs/s) | get by id p50 / p95 (ms)"
        " | sources table (ms) | entity page (ms) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, rate, r in rows:
        print(
            f"| {name} | {rate:,.0f} | {r['scan']:,.0f} | {r['get50']:.2f} / {r['get95']:.2f} |"
            f" {r['sources']:.0f} | {r['entity']:.0f} |"
        )
    (_, lite_rate, lite), (_, pg_rate, pg) = rows
    print(
        f"\nPostgreSQL / SQLite: ingest writes {pg_rate / lite_rate:.2f}x,"
        f" read all {pg['scan'] / lite['scan']:.2f}x,"
        f" get by id p50 {pg['get50'] / lite['get50']:.2f}x the time"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
