"""The enrichment part of ``make bench``: words/s of ``Enricher.enrich_many`` next to a bare ``nlp.pipe``.

Usage::

    python -m bench.enrich_bench                     # demo corpus x4, 5 alternating rounds, n_process 1 and 2
    python -m bench.enrich_bench --repeat 8 --rounds 5 --processes 1 2 --batch-size 32

Both sides get the same texts: the article bodies (``Document.text``) that ``indexer.extract.stage.extract``
takes from the bundled demo pages (``corpus/demo``), repeated ``--repeat`` times. The bare side is the
model as shipped (tok2vec, tagger, parser, attribute ruler, lemmatizer, ner) through ``nlp.pipe`` with
the same batch size; the enrichment side is the whole stage: gazetteer ruler, ner, quotes (parser only on
quotation paragraphs), mention linking and Quote objects. Within each round the one-process sides take
turns chunk by chunk (one copy of the demo corpus each, first turn alternating), so a busy machine slows
them alike; sides with worker processes run over the whole corpus. The table gives the median and the best
round of each, words/s from the median, and the ratio to the bare pipeline as the median of the per-round
ratios, with their range (the figure to quote on a shared machine). Progress goes to stderr; the table to
stdout.
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
    from casebook.models import RawPage
    from indexer.extract.stage import extract
    from indexer.pipeline.demo import demo_imports

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
    parser.add_argument("--rounds", type=int, default=5, help="alternating timed rounds (default 5)")
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
    from indexer.enrich.enricher import Enricher

    settings = load_settings(env={})
    model = args.model or settings.model
    docs = demo_documents(settings.demo_path) * args.repeat
    texts = [d.text for d in docs]
    words = sum(len(t.split()) for t in texts)
    print(f"loading {model} twice (bare and enrichment) ...", file=sys.stderr)
    bare = spacy.load(model)
    enricher = Enricher(model, settings.gazetteer_paths, batch_size=args.batch_size)

    bare_name = "bare nlp.pipe, full pipeline"
    size = max(1, len(docs) // args.repeat)  # one copy of the demo corpus
    chunks = [(docs[i : i + size], texts[i : i + size]) for i in range(0, len(docs), size)]
    Part = tuple[list[Any], list[str]]

    def run_bare(part: Part) -> int:
        return sum(1 for _ in bare.pipe(part[1], batch_size=args.batch_size))

    def runner(n_process: int) -> Callable[[Part], int]:
        return lambda part: sum(1 for _ in enricher.enrich_many(part[0], n_process=n_process))

    sides: dict[str, Callable[[Part], int]] = {bare_name: run_bare}
    for n in args.processes:
        sides[f"Enricher.enrich_many, n_process={n}"] = runner(n)
    # One-process sides take turns chunk by chunk (a copy of the demo corpus each), so that whatever else
    # the machine is doing slows them alike; sides with worker processes run over the whole corpus.
    single = [name for name in sides if name == bare_name or name.endswith("n_process=1")]
    # Warm-up: first calls allocate and fill caches.
    list(bare.pipe(texts[:2]))
    list(enricher.enrich_many(docs[:2]))
    times: dict[str, list[float]] = {name: [] for name in sides}
    cpus: dict[str, list[float]] = {name: [] for name in sides}
    for r in range(args.rounds):
        for name in sides:
            times[name].append(0.0)
            cpus[name].append(0.0)
        for k, part in enumerate(chunks):
            for name in single if (r + k) % 2 == 0 else single[::-1]:
                seconds, cpu, count = timed(lambda run=sides[name], part=part: run(part))
                assert count == len(part[0])
                times[name][-1] += seconds
                cpus[name][-1] += cpu
        for name in sides:
            if name not in single:
                seconds, cpu, count = timed(lambda run=sides[name]: run((docs, texts)))
                assert count == len(docs)
                times[name][-1], cpus[name][-1] = seconds, cpu
        for name in sides:
            print(f"round {r + 1}/{args.rounds}: {name}: {times[name][-1]:.2f} s", file=sys.stderr)

    command = "python -m bench.enrich_bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    print(f"Enrichment throughput: {len(texts)} documents, {words:,} words (demo corpus x{args.repeat})")
    print(f"machine: {machine()}")
    print(f"model: {model}; enricher: {enricher.version}; batch size {args.batch_size}; rounds {args.rounds}")
    print(f"command: {command.strip()}")
    print(
        "wall: elapsed seconds, median (and best) of the rounds; words/s from the median; vs bare: median of "
        "the per-round ratios (the two sides alternate, so a busy machine slows both alike), with the lowest "
        "and highest round; cpu: median CPU seconds, workers included"
    )
    print()
    header = (
        f"{'pipeline':<36} {'median s':>9} {'best s':>7} {'words/s':>8} {'vs bare':>8} {'rounds':>12}"
        f" {'cpu s':>7} {'cpu vs bare':>12}"
    )
    print(header)
    print("-" * len(header))
    for name, values in times.items():
        ratios = [b / t for b, t in zip(times[bare_name], values, strict=True)]
        cpu_ratios = [b / c for b, c in zip(cpus[bare_name], cpus[name], strict=True)]
        median = statistics.median(values)
        print(
            f"{name:<36} {median:>9.2f} {min(values):>7.2f} {words / median:>8,.0f} "
            f"{statistics.median(ratios):>7.2f}x {min(ratios):>5.2f}-{max(ratios):.2f}x "
            f"{statistics.median(cpus[name]):>7.2f} {statistics.median(cpu_ratios):>11.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
