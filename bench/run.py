"""``make bench``: index a synthetic corpus with Whoosh (Casebook) and tantivy, time a fixed query mix.

Usage::

    python -m bench.run                       # 10,000 and 100,000 documents (BENCH_SIZES overrides)
    BENCH_SIZES=2000 python -m bench.run      # a quick run
    python -m bench.run --sizes 10000 --repeat 50 --data-dir /tmp/casebook-bench --record results.jsonl

For each corpus size it reports indexing documents per second, index size on disk, and p50/p95 latency of
each query kind (two-word query; phrase; query + 4 facet groups; date range sorted by date; quote search),
then the same documents and queries on tantivy and the ratio Whoosh/tantivy, and on Casebook's PostgreSQL
backend (the same ``SearchService``, ``search_backend = postgres``) with the ratio PostgreSQL/Whoosh. The
PostgreSQL server is a throwaway cluster started for the run (Debian's package, as the tests start one),
or the database ``--postgres URL`` names. Figures are printed as a
table with the corpus size, the machine and the command. Every timed run is appended as one JSON line to
``history.jsonl`` in the data folder (``--history`` elsewhere, ``--record`` to a second file), and the table
gives the previous run's Whoosh/tantivy ratios beside this run's: on a shared machine, follow the ratios.
The corpus is synthetic and fictional (bench/synthetic.py) and lives in its own data folder, marked
``SYNTHETIC``; a real archive is never touched.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.synthetic import Generator, SyntheticDoc, prepare_data_dir
from indexer.search import SearchService, index_entry
from indexer.search.postgres_backend import PostgresIndex
from indexer.search.whoosh_backend import WhooshIndex

DEFAULT_SIZES = (10_000, 100_000)
FACET_GROUPS = ("source", "year", "scheme", "person")
HISTORY_FILE = "history.jsonl"  # in the data folder: one JSON line per timed run

# The fixed query mix: every kind cycles through its queries, the same for Whoosh and tantivy.
TWO_WORD = ("benefit sanctions", "tribunal appeal", "assessment evidence", "claimants debt", "carers pension")
PHRASES = ('"fit for work"', '"mandatory reconsideration"', '"cost of living"', '"food bank"')
FACETED = ("sanctions", "disabled", "tribunal", "housing")
DATED = (
    ("appeal", "2010-01-01", "2012-06-30"),
    ("sanctions", "2015-01-01", "2016-12-31"),
    ("council", "2019-03-01", "2021-02-28"),
)
QUOTE_QUERIES = ("benefit", "assessment", '"human rights"', "tribunal")


def machine() -> dict[str, Any]:
    ram = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            ram = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "ram_gb": ram,
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timed(calls: list[Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Milliseconds: the slowest first call of each query, then p50 and p95 of ``repeat`` calls round-robin
    (repeated queries find their terms' postings in the per-segment caches, as paging through results does).
    """
    first = []
    for call in calls:  # each query once: what a query costs the first time it is asked (cold term caches)
        start = time.perf_counter()
        call()
        first.append((time.perf_counter() - start) * 1000)
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        calls[i % len(calls)]()
        times.append((time.perf_counter() - start) * 1000)
    return {"p50": statistics.median(times), "p95": percentile(times, 95), "first": max(first)}


# -- Casebook / Whoosh ----------------------------------------------------------------------------


def whoosh_build(docs: list[SyntheticDoc], folder: Path) -> dict[str, Any]:
    index_path = folder / "index"
    start = time.perf_counter()
    count = WhooshIndex(index_path).rebuild(index_entry(d.stored, d.mentions, d.quotes) for d in docs)
    seconds = time.perf_counter() - start
    return {"docs": count, "seconds": seconds, "docs_per_s": count / seconds, "bytes": folder_size(folder)}


def service_queries(service: SearchService) -> dict[str, list[Callable[[], Any]]]:
    search, search_quotes = service.search, service.search_quotes
    return {
        "two-word": [lambda q=q: search(q, facets=()) for q in TWO_WORD],
        "phrase": [lambda q=q: search(q, facets=()) for q in PHRASES],
        "query + 4 facets": [lambda q=q: search(q, facets=FACET_GROUPS) for q in FACETED],
        "date range by date": [
            lambda w=w, a=a, b=b: search(f"{w} published:[{a} TO {b}]", sort="newest", facets=())
            for w, a, b in DATED
        ],
        "quote search": [lambda q=q: search_quotes(q) for q in QUOTE_QUERIES],
    }


# -- Casebook / PostgreSQL ------------------------------------------------------------------------


def postgres_build(docs: list[SyntheticDoc], url: str) -> dict[str, Any]:
    """Rebuild the PostgreSQL index from the documents (what ``casebook reindex`` does once it has read
    the store): rows copied, then the GIN, trigram and date indexes made."""
    index = PostgresIndex(url)
    start = time.perf_counter()
    count = index.rebuild(index_entry(d.stored, d.mentions, d.quotes) for d in docs)
    seconds = time.perf_counter() - start
    return {"docs": count, "seconds": seconds, "docs_per_s": count / seconds, "bytes": index.size()}


class Server:
    """Where the PostgreSQL rows run: the database ``--postgres`` names (its ``casebook_index`` schema is
    replaced), or a throwaway cluster started for the run, a database per corpus size."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self.cluster: Any = None
        if url is None:
            from tests.postgres_server import start_cluster  # the suite's throwaway server, 127.0.0.1 only

            self.cluster = start_cluster()

    def database(self, n: int) -> str:
        if self.cluster is None:
            assert self.url is not None
            return self.url
        name = f"bench_{n}"
        self.cluster.psql(f'DROP DATABASE IF EXISTS "{name}"')
        self.cluster.psql(f'CREATE DATABASE "{name}"')
        return self.cluster.url(name)

    def stop(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()


# -- tantivy, the anchor --------------------------------------------------------------------------


class Tantivy:
    """The same documents and queries on tantivy: stemmed and unstemmed text, facets as fast fields."""

    KEYWORDS = ("source", "year", "month", "author", "official", "person", "organisation", "scheme", "place")

    def __init__(self, folder: Path) -> None:
        import tantivy

        self.t = tantivy
        folder.mkdir(parents=True, exist_ok=True)
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("id", stored=True, tokenizer_name="raw")
        sb.add_text_field("url", stored=True, tokenizer_name="raw", index_option="basic")
        sb.add_text_field("title", stored=True, tokenizer_name="en_stem", index_option="freq")
        sb.add_text_field("title_exact", tokenizer_name="default")
        sb.add_text_field("body", stored=True, tokenizer_name="en_stem", index_option="freq")
        sb.add_text_field("body_exact", tokenizer_name="default")
        for name in self.KEYWORDS:
            sb.add_text_field(name, stored=name == "source", fast=True, tokenizer_name="raw")
        sb.add_date_field("published", stored=True, indexed=True, fast=True)
        self.schema = sb.build()
        qb = tantivy.SchemaBuilder()
        qb.add_text_field("doc_id", stored=True, tokenizer_name="raw")
        qb.add_text_field("text", stored=True, tokenizer_name="en_stem", index_option="freq")
        qb.add_text_field("text_exact", tokenizer_name="default")
        qb.add_text_field("speaker", stored=True, tokenizer_name="default")
        qb.add_text_field("source", stored=True, tokenizer_name="raw")
        qb.add_text_field("title", stored=True, tokenizer_name="default")
        qb.add_text_field("url", stored=True, tokenizer_name="raw", index_option="basic")
        qb.add_date_field("published", stored=True, indexed=True, fast=True)
        self.quotes_schema = qb.build()
        (folder / "docs").mkdir(exist_ok=True)
        (folder / "quotes").mkdir(exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(folder / "docs"))
        self.quotes = tantivy.Index(self.quotes_schema, path=str(folder / "quotes"))

    def build(self, docs: list[SyntheticDoc]) -> int:
        t = self.t
        writer = self.index.writer(heap_size=256_000_000, num_threads=max(1, os.cpu_count() or 1))
        qwriter = self.quotes.writer(heap_size=64_000_000, num_threads=1)
        for d in docs:
            doc = d.stored.document
            pub = datetime(doc.published.year, doc.published.month, doc.published.day, tzinfo=UTC)
            fields: dict[str, Any] = {
                "id": doc.id,
                "url": doc.url,
                "title": doc.title,
                "title_exact": doc.title,
                "body": doc.text,
                "body_exact": doc.text,
                "source": doc.source,
                "year": f"{pub.year:04d}",
                "month": f"{pub.year:04d}-{pub.month:02d}",
                "author": doc.authors,
                "published": pub,
            }
            for kind in ("official", "person", "organisation", "scheme", "place"):
                ids = sorted({m.id for m in d.mentions if m.kind == kind})
                if ids:
                    fields[kind] = ids
            writer.add_document(t.Document(**fields))
            for q in d.quotes:
                qwriter.add_document(
                    t.Document(
                        doc_id=doc.id,
                        text=q.text,
                        text_exact=q.text,
                        speaker=q.speaker or "",
                        source=doc.source,
                        title=doc.title,
                        url=doc.url,
                        published=pub,
                    )
                )
        writer.commit()
        qwriter.commit()
        writer.wait_merging_threads()
        qwriter.wait_merging_threads()
        self.index.reload()
        self.quotes.reload()
        return len(docs)

    def _page(self, searcher: Any, query: Any, snippet_field: str, **kwargs: Any) -> list[dict[str, Any]]:
        hits = searcher.search(query, limit=20, **kwargs).hits
        generator = self.t.SnippetGenerator.create(searcher, query, self.schema, snippet_field)
        out = []
        for _score, address in hits:
            doc = searcher.doc(address)
            out.append(
                {"title": doc.get_first("title"), "snippet": generator.snippet_from_doc(doc).to_html()}
            )
        return out

    def queries(self) -> dict[str, list[Callable[[], Any]]]:
        ix, qix = self.index, self.quotes

        def words(text: str) -> Any:
            return ix.parse_query(text, ["title", "body"], conjunction_by_default=True)

        def phrase(text: str) -> Any:
            return ix.parse_query(text, ["title_exact", "body_exact"], conjunction_by_default=True)

        def plain(text: str) -> Any:
            return self._page(ix.searcher(), words(text), "body")

        def exact(text: str) -> Any:
            return self._page(ix.searcher(), phrase(text), "body_exact")

        def faceted(text: str) -> Any:
            searcher = ix.searcher()
            query = words(text)
            page = self._page(searcher, query, "body")
            aggs = {name: {"terms": {"field": name, "size": 10}} for name in FACET_GROUPS}
            return page, searcher.aggregate(query, aggs)

        def dated(word: str, lo: str, hi: str) -> Any:
            query = ix.parse_query(
                f"{word} AND published:[{lo}T00:00:00Z TO {hi}T00:00:00Z]",
                ["title", "body"],
                conjunction_by_default=True,
            )
            return self._page(ix.searcher(), query, "body", order_by_field="published")

        def quotes(text: str) -> Any:
            fields = ["text_exact"] if text.startswith('"') else ["text"]
            searcher = qix.searcher()
            query = qix.parse_query(text, fields, conjunction_by_default=True)
            hits = searcher.search(query, limit=20).hits
            return [searcher.doc(a).to_dict() for _s, a in hits]

        return {
            "two-word": [lambda q=q: plain(q) for q in TWO_WORD],
            "phrase": [lambda q=q: exact(q) for q in PHRASES],
            "query + 4 facets": [lambda q=q: faceted(q) for q in FACETED],
            "date range by date": [lambda w=w, a=a, b=b: dated(w, a, b) for w, a, b in DATED],
            "quote search": [lambda q=q: quotes(q) for q in QUOTE_QUERIES],
        }


# -- the run --------------------------------------------------------------------------------------


def run_size(
    n: int,
    data_dir: Path,
    repeat: int,
    with_tantivy: bool,
    log: Callable[[str], None],
    reuse: bool = False,
    build_only: bool = False,
    server: Server | None = None,
) -> dict[str, Any]:
    folder = data_dir / f"n{n}"
    built = folder / "build.json"
    result: dict[str, Any] = {"n": n}
    if reuse and built.exists():
        result.update(json.loads(built.read_text(encoding="utf-8")))
        log(f"[{n}] reusing the indexes built in {folder}")
        if server is not None and server.cluster is not None and result.pop("postgres_build", None):
            log(f"[{n}] the PostgreSQL index was in a throwaway cluster: reuse it with --postgres URL")
    else:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        start = time.perf_counter()
        docs = list(Generator().docs(n))
        result["generate_s"] = time.perf_counter() - start
        log(f"[{n}] generated {n} documents in {result['generate_s']:.1f}s; indexing with Whoosh...")
        gc.collect()
        result["whoosh_build"] = whoosh_build(docs, folder / "whoosh")
        log(f"[{n}] Whoosh: {result['whoosh_build']['docs_per_s']:.0f} docs/s")
        if with_tantivy:
            log(f"[{n}] indexing with tantivy...")
            start = time.perf_counter()
            Tantivy(folder / "tantivy").build(docs)
            seconds = time.perf_counter() - start
            result["tantivy_build"] = {
                "docs": n,
                "seconds": seconds,
                "docs_per_s": n / seconds,
                "bytes": folder_size(folder / "tantivy"),
            }
        if server is not None:
            log(f"[{n}] indexing with PostgreSQL...")
            result["postgres_url"] = server.database(n)
            gc.collect()
            result["postgres_build"] = postgres_build(docs, result["postgres_url"])
            log(f"[{n}] PostgreSQL: {result['postgres_build']['docs_per_s']:.0f} docs/s")
        del docs
        gc.collect()
        built.write_text(json.dumps(result), encoding="utf-8")
    if build_only:
        return result
    log(f"[{n}] timing queries...")
    service = SearchService(WhooshIndex(folder / "whoosh" / "index"), gazetteer=())
    start = time.perf_counter()
    service.search("sanctions", facets=FACET_GROUPS)
    result["whoosh_first_query_ms"] = (time.perf_counter() - start) * 1000
    result["whoosh"] = {kind: timed(calls, repeat) for kind, calls in service_queries(service).items()}
    result["two_word_hits"] = service.search("benefit sanctions", facets=())["total"]
    if with_tantivy and "tantivy_build" in result:
        anchor = Tantivy(folder / "tantivy")
        result["tantivy"] = {kind: timed(calls, repeat) for kind, calls in anchor.queries().items()}
    if server is not None and "postgres_build" in result:
        log(f"[{n}] timing queries on PostgreSQL...")
        pg = SearchService(PostgresIndex(result["postgres_url"]), gazetteer=())
        start = time.perf_counter()
        pg.search("sanctions", facets=FACET_GROUPS)
        result["postgres_first_query_ms"] = (time.perf_counter() - start) * 1000
        result["postgres"] = {kind: timed(calls, repeat) for kind, calls in service_queries(pg).items()}
        assert pg.search("benefit sanctions", facets=())["total"] == result["two_word_hits"]
    return result


def ratios(result: Mapping[str, Any]) -> dict[str, float]:
    """Whoosh/tantivy ratio of every measure of one corpus size (indexing: how many times slower)."""
    out: dict[str, float] = {}
    wb, tb = result.get("whoosh_build") or {}, result.get("tantivy_build") or {}
    if wb.get("docs_per_s") and tb.get("docs_per_s"):
        out["indexing docs/s"] = tb["docs_per_s"] / wb["docs_per_s"]
        out["full index time"] = wb["seconds"] / tb["seconds"]
    if wb.get("bytes") and tb.get("bytes"):
        out["index size"] = wb["bytes"] / tb["bytes"]
    for kind, w in (result.get("whoosh") or {}).items():
        t = (result.get("tantivy") or {}).get(kind, {})
        for pct in ("p50", "p95", "first"):
            if w.get(pct) and t.get(pct):
                out[f"{kind} {pct}"] = w[pct] / t[pct]
    return out


def previous_results(history: Path | None, sizes: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The latest timed result of each corpus size in the history file (one JSON line per run)."""
    found: dict[int, dict[str, Any]] = {}
    if history is None or not history.exists():
        return found
    wanted = set(sizes)
    for line in history.read_text(encoding="utf-8").splitlines():
        try:
            run = json.loads(line)
        except ValueError:
            continue
        for result in run.get("results") or []:
            if result.get("n") in wanted and "whoosh" in result:
                found[result["n"]] = {**result, "when": run.get("when", "?")}
    return found


def table(
    results: list[dict[str, Any]],
    info: Mapping[str, Any],
    command: str,
    previous: Mapping[int, Mapping[str, Any]] | None = None,
) -> str:
    """The figures as a Markdown table; with ``previous`` (results of an earlier run by corpus size), a last
    column gives that run's Whoosh/tantivy ratio beside this one's (timings are noisy on a shared machine:
    compare ratios to the anchor, not milliseconds)."""
    previous = previous or {}
    lines = [
        f"Casebook search benchmark, {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"command: {command}",
        f"machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram_gb']} GB RAM, Python {info['python']},"
        f" {info['platform']}",
        "corpus: synthetic (bench/synthetic.py), fictional names, ~10 sources, 2005-2024",
    ]
    earlier = sorted({str(p.get("when")) for n, p in previous.items() if any(r["n"] == n for r in results)})
    if earlier:
        lines.append(f"previous run: {', '.join(earlier)} (history: last column)")
    lines += [
        "",
        "| docs | measure | Whoosh (Casebook) | tantivy | ratio W/t | previous W/t | PostgreSQL (Casebook)"
        " | ratio PG/W | ratio PG/t |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def ratio(a: float | None, b: float | None, higher_is_better: bool = False) -> str:
        if not a or not b:
            return "-"
        return f"{(b / a if higher_is_better else a / b):.1f}x"

    for r in results:
        if "whoosh" not in r:
            continue
        n = f"{r['n']:,}"
        before = ratios(previous.get(r["n"]) or {})

        def was(measure: str, suffix: str = "", before: Mapping[str, float] = before) -> str:
            value = before.get(measure)
            return f"{value:.1f}x{suffix}" if value else "-"

        wb, tb, pb = r["whoosh_build"], r.get("tantivy_build") or {}, r.get("postgres_build") or {}

        def pg(value: str, mine: float | None, whoosh: float | None, tantivy: float | None,
               higher_is_better: bool = False, suffix: str = "") -> str:  # fmt: skip
            if not mine:
                return " - | - | - |"
            return (
                f" {value} | {ratio(mine, whoosh, higher_is_better)}{suffix} |"
                f" {ratio(mine, tantivy, higher_is_better)}{suffix} |"
            )

        lines.append(
            f"| {n} | indexing docs/s | {wb['docs_per_s']:,.0f} | {tb.get('docs_per_s', 0):,.0f} |"
            f" {ratio(wb['docs_per_s'], tb.get('docs_per_s'), higher_is_better=True)} slower |"
            f" {was('indexing docs/s', ' slower')} |"
            + pg(
                f"{pb.get('docs_per_s', 0):,.0f}",
                pb.get("docs_per_s"),
                wb["docs_per_s"],
                tb.get("docs_per_s"),
                higher_is_better=True,
                suffix=" slower",
            )  # fmt: skip
        )
        lines.append(
            f"| {n} | full index time | {wb['seconds']:.1f} s | {tb.get('seconds', 0):.1f} s |"
            f" {ratio(wb['seconds'], tb.get('seconds'))} | {was('full index time')} |"
            + pg(f"{pb.get('seconds', 0):.1f} s", pb.get("seconds"), wb["seconds"], tb.get("seconds"))
        )
        lines.append(
            f"| {n} | index size | {wb['bytes'] / 2**20:,.1f} MiB | {tb.get('bytes', 0) / 2**20:,.1f} MiB |"
            f" {ratio(wb['bytes'], tb.get('bytes'))} | {was('index size')} |"
            + pg(f"{pb.get('bytes', 0) / 2**20:,.1f} MiB", pb.get("bytes"), wb["bytes"], tb.get("bytes"))
        )
        prior = (previous.get(r["n"]) or {}).get("whoosh_first_query_ms")
        first_pg = r.get("postgres_first_query_ms")
        lines.append(
            f"| {n} | first query (cold caches) | {r['whoosh_first_query_ms']:.0f} ms | | |"
            f" {f'{prior:.0f} ms' if prior else '-'} |"
            + pg(f"{first_pg or 0:.0f} ms", first_pg, r["whoosh_first_query_ms"], None)
        )
        for kind, w in r["whoosh"].items():
            t = (r.get("tantivy") or {}).get(kind, {})
            p = (r.get("postgres") or {}).get(kind, {})
            for pct in ("p50", "p95", "first"):
                tv, pv = t.get(pct), p.get(pct)
                lines.append(
                    f"| {n} | {kind} {pct} | {w[pct]:.1f} ms | {f'{tv:.1f} ms' if tv else '-'} |"
                    f" {ratio(w[pct], tv)} | {was(f'{kind} {pct}')} |"
                    + pg(f"{pv or 0:.1f} ms", pv, w[pct], tv)
                )
    return "\n".join(lines)


def parse_sizes(text: str | None) -> list[int]:
    if not text:
        return list(DEFAULT_SIZES)
    return [int(part.replace("_", "").replace(",", "")) for part in text.replace(" ", ",").split(",") if part]


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None, help="corpus sizes, e.g. 10000,100000 (env BENCH_SIZES)")
    parser.add_argument("--repeat", type=int, default=60, help="timed queries per kind (default 60)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "casebook-bench",
        help="a folder of its own for the synthetic data (default: $TMPDIR/casebook-bench)",
    )
    parser.add_argument("--procs", type=int, default=1, help="ignored (kept for old command lines)")
    parser.add_argument("--no-tantivy", action="store_true", help="skip the tantivy anchor")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="the PostgreSQL database for the PostgreSQL rows (its casebook_index schema is replaced; env"
        " BENCH_DATABASE_URL); default: a throwaway cluster started for the run",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL rows")
    parser.add_argument("--record", type=Path, default=None, help="also append the run as a JSON line here")
    parser.add_argument(
        "--history",
        type=Path,
        default=None,
        help="runs compared and appended to (default: history.jsonl in the data folder)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the indexes built (default: removed)")
    parser.add_argument("--reuse", action="store_true", help="time the indexes kept by an earlier --keep run")
    parser.add_argument("--build-only", action="store_true", help="build and keep the indexes, time nothing")
    args = parser.parse_args(list(argv) if argv is not None else None)
    sizes = parse_sizes(args.sizes or os.environ.get("BENCH_SIZES"))
    with_tantivy = not args.no_tantivy
    if with_tantivy:
        try:
            import tantivy  # noqa: F401
        except ImportError:
            print(
                "bench: tantivy is not installed (pip install tantivy); running without the anchor",
                file=sys.stderr,
            )
            with_tantivy = False
    data_dir = prepare_data_dir(args.data_dir)
    command = " ".join(
        shlex.quote(a)
        for a in [
            f"BENCH_SIZES={','.join(map(str, sizes))}",
            "python",
            "-m",
            "bench.run",
            *(sys.argv[1:] if argv is None else argv),
        ]
    )

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    server = None
    if not args.no_postgres:
        try:
            server = Server(args.postgres)
        except RuntimeError as exc:  # PostgreSQL is not installed: say so, time the rest
            print(f"bench: no PostgreSQL rows ({exc})", file=sys.stderr)
    results = []
    try:
        for n in sizes:
            results.append(
                run_size(n, data_dir, args.repeat, with_tantivy, log, args.reuse, args.build_only, server)
            )
            if args.build_only:
                continue
            if not (args.keep or args.reuse):
                shutil.rmtree(data_dir / f"n{n}", ignore_errors=True)
    finally:
        if server is not None and not (args.keep and args.postgres):
            server.stop()
    info = machine()
    history = args.history or data_dir / HISTORY_FILE
    timed_results = [r for r in results if "whoosh" in r]
    print(table(results, info, command, previous_results(history, [r["n"] for r in timed_results])))
    record = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "command": command,
        "results": results,
    }
    targets = ([history] if timed_results else []) + ([args.record] if args.record else [])
    for target in targets:
        with target.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
