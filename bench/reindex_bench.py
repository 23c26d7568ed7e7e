"""The whole ``casebook reindex`` path on a synthetic store: duplicate clusters, store reads, index build.

Usage::

    python -m bench.reindex_bench --docs 100000          # the issue's size: target under 10 minutes

``bench.run`` times ``WhooshIndex.rebuild`` from generated documents; this times what ``casebook reindex``
does on an archive (``Ingester.reindex``): re-derive the near-duplicate clusters from the store, read every
document with its mentions and quotes, build the new index and swap it in. The store is filled from
``bench.synthetic`` (flagged synthetic, in a folder of its own marked ``SYNTHETIC``) and kept for the next
run; there are no WARC files, which reindex does not read.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

from bench.enrich_bench import machine
from bench.synthetic import Generator, prepare_data_dir


def build_store(folder: Path, docs: int) -> float:
    """Fill the store once (reused while the size matches); seconds taken, 0 when reused."""
    from casebook.settings import load_settings
    from casebook.store import open_store

    marker = folder / "reindex-bench-docs"
    if marker.exists() and marker.read_text(encoding="ascii") == str(docs):
        return 0.0
    settings = load_settings(env={}, data_dir=folder)
    for stale in folder.glob("casebook.db*"):
        stale.unlink()
    start = time.perf_counter()
    with open_store(settings) as store, store.transaction():
        for doc in Generator().docs(docs):
            store.save(doc.stored.document)
            store.save_annotations(doc.stored.document.id, doc.mentions, doc.quotes)
    marker.write_text(str(docs), encoding="ascii")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "casebook-reindex-bench",
        help="the synthetic archive's folder (kept between runs; refused if it holds a real archive)",
    )
    args = parser.parse_args(argv)

    from casebook.settings import load_settings
    from indexer.pipeline.ingest import Ingester

    folder = prepare_data_dir(args.data_dir)
    print(f"filling a synthetic store of {args.docs:,} documents in {folder} ...", file=sys.stderr)
    filled = build_store(folder, args.docs)
    ingester = Ingester(load_settings(env={}, data_dir=folder), enrich=False)
    try:
        start = time.perf_counter()
        count = ingester.reindex(progress=sys.stderr.isatty())
        seconds = time.perf_counter() - start
    finally:
        ingester.close()
    command = "python -m bench.reindex_bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    print(f"\n## casebook reindex, whole path ({count:,} synthetic documents)\n")
    print(f"machine: {machine()}  \ncommand: `{command.strip()}`\n")
    if filled:
        print(f"store filled in {filled:.0f} s (not part of the figure)")
    verdict = "under" if seconds < 600 else "OVER"
    print(
        f"reindex: {seconds:.0f} s ({seconds / 60:.1f} min, {count / seconds:.0f} docs/s; {verdict} 10 min)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
