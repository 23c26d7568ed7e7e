"""The enrichment part of ``make bench``: words/s of ``Enricher.enrich_many`` next to a bare ``nlp.pipe``.

Usage::

    python -m bench.enrich_bench                     # demo corpus x4, 3 alternating rounds, n_process 1 and 2
    python -m bench.enrich_bench --repeat 8 --rounds 5 --processes 1 2 --batch-size 32

Both sides get the same texts: the article bodies (``Document.text``) that ``indexer.extract.extract``
takes from the bundled demo pages (``corpus/demo``), repeated ``--repeat`` times. The bare side is the
model as shipped (tok2vec, tagger, parser, attribute ruler, lemmatizer, ner) through ``nlp.pipe`` with
the same batch size; the enrichment side is the whole stage: gazetteer ruler, ner, quotes (parser only on
quotation paragraphs), mention linking and Quote objects. The two alternate round by round so a busy
machine slows both alike; the table gives the best and the median round of each, words/s from the best,
and the ratio to the bare pipeline. Progress goes to stderr; the table to stdout.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = platform.processor() or "unknown cpu"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.platform(terse=True)}"
    )


def demo_documents(demo_dir: Path) -> list[Any]:
    """The demo pages' article bodies, extracted exactly as ingest extracts them."""
    from casebook.demo import demo_imports
    from casebook.models import RawPage
    from indexer.extract import extract

    docs = []
    for item in demo_imports(demo_dir):
        page = RawPage(
            url=item.url, body=item.path.read_bytes(), fetched=item.fetched, content_type=item.content_type
        )
        docs.append(extract(page, source="demo"))
    return docs


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the n_process workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(run: Callable[[], int]) -> tuple[float, float, int]:
    start, cpu = time.perf_counter(), cpu_seconds()
    count = run()
    return time.perf_counter() - start, cpu_seconds() - cpu, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=4, help="copies of the demo corpus (default 4)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating timed rounds (default 3)")
    parser.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch size, both sides")
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1, 2],
        help="n_process values for enrichment (default 1 2)",
    )
    parser.add_argument("--model", default=None, help="spaCy model (default: the settings' model)")
    args = parser.parse_args(argv)

    import spacy

    from casebook.settings import load_settings
    from indexer.enrich import Enricher

    settings = load_settings(env={})
    model = args.model or settings.model
    docs = demo_documents(settings.demo_path) * args.repeat
    texts = [d.text for d in docs]
    words = sum(len(t.split()) for t in texts)
    print(f"loading {model} twice (bare and enrichment) ...", file=sys.stderr)
    bare = spacy.load(model)
    enricher = Enricher(model, settings.gazetteer_path, batch_size=args.batch_size)

    def run_bare() -> int:
        return sum(1 for _ in bare.pipe(texts, batch_size=args.batch_size))

    def runner(n_process: int) -> Callable[[], int]:
        return lambda: sum(1 for _ in enricher.enrich_many(docs, n_process=n_process))

    sides: dict[str, Callable[[], int]] = {"bare nlp.pipe, full pipeline": run_bare}
    for n in args.processes:
        sides[f"Enricher.enrich_many, n_process={n}"] = runner(n)
    # Warm-up: first calls allocate and fill caches.
    list(bare.pipe(texts[:2]))
    list(enricher.enrich_many(docs[:2]))
    times: dict[str, list[float]] = {name: [] for name in sides}
    cpus: dict[str, list[float]] = {name: [] for name in sides}
    for r in range(args.rounds):
        for name, run in sides.items():
            seconds, cpu, count = timed(run)
            assert count == len(texts)
            times[name].append(seconds)
            cpus[name].append(cpu)
            print(f"round {r + 1}/{args.rounds}: {name}: {seconds:.2f} s", file=sys.stderr)

    base = min(times["bare nlp.pipe, full pipeline"])
    base_cpu = min(cpus["bare nlp.pipe, full pipeline"])
    command = "python -m bench.enrich_bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    print(f"Enrichment throughput: {len(texts)} documents, {words:,} words (demo corpus x{args.repeat})")
    print(f"machine: {machine()}")
    print(f"model: {model}; enricher: {enricher.version}; batch size {args.batch_size}; rounds {args.rounds}")
    print(f"command: {command.strip()}")
    print(
        "wall: elapsed seconds (best and median round); cpu: CPU seconds of the best round, workers included"
    )
    print()
    header = f"{'pipeline':<36} {'best s':>7} {'median s':>9} {'words/s':>8} {'vs bare':>8}"
    header += f" {'cpu s':>7} {'cpu vs bare':>12}"
    print(header)
    print("-" * len(header))
    for name, values in times.items():
        best = min(values)
        cpu = min(cpus[name])
        print(
            f"{name:<36} {best:>7.2f} {statistics.median(values):>9.2f} {words / best:>8,.0f} "
            f"{base / best:>7.2f}x {cpu:>7.2f} {base_cpu / cpu:>11.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
