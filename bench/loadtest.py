"""``make loadtest``: the real server (``casebook serve``, waitress) under concurrent mixed load.

Usage::

    python -m bench.loadtest                                # demo and 10k synthetic, 8 clients, 60 s each
    python -m bench.loadtest --duration 10 --archives demo  # a quick run
    python -m bench.loadtest --work-dir /tmp/casebook-loadtest --keep  # keep the archives for the next run

For each archive, ``casebook --data-dir DIR serve`` is started as a subprocess on 127.0.0.1 on a free port;
``--clients`` threads (keep-alive ``http.client`` connections) then send a mixed stream of requests for
``--duration`` seconds: search, search with facet filters, document pages, timelines and ``/api/search``.
The report is a table of throughput and p50/p95/p99 latency per request kind and overall, with the machine
and the command; the exit status is 1 if any request failed (a non-2xx answer or a connection error).

Archives: ``demo`` is built with ``casebook --data-dir DIR demo --no-serve``; ``synthetic`` holds ``--docs``
documents from bench/synthetic.py written to the store (documents, mentions, quotes) and the index, in a
folder of its own marked ``SYNTHETIC`` (a real archive is never touched).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.run import machine, percentile
from bench.synthetic import MARKER, Generator, prepare_data_dir

ROOT = Path(__file__).resolve().parent.parent
CASEBOOK = Path(sys.executable).parent / "casebook"
KINDS = ("search", "search + facets", "document", "timeline", "api/search")
WEIGHTS = (30, 20, 25, 10, 15)  # percent of requests of each kind
STARTUP_TIMEOUT = 120.0  # seconds for the server to answer its first request
REQUEST_TIMEOUT = 60.0

QUERIES = {
    "demo": (
        "sanctions", "work coaches", "jobcentre", "benefit", '"work coaches"', "scheme:ESA",
        "disabled people", "tribunal OR appeal", "sanction*", "universal credit", "dwp -sanctions", "*",
    ),
    "synthetic": (
        "benefit sanctions", "tribunal appeal", "assessment evidence", "claimants debt", "carers pension",
        '"fit for work"', '"mandatory reconsideration"', "sanctions", "disabled", "housing", "tribunal",
        "council published:[2019-03 TO 2021-02]", "scheme:RSP", "*",
    ),
}  # fmt: skip


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the archives ---------------------------------------------------------------------------------


def build_demo(folder: Path) -> Path:
    if (folder / "casebook.db").exists() and (folder / "index").exists():
        return folder
    log(f"building the demo archive in {folder} ...")
    subprocess.run(
        [str(CASEBOOK), "--data-dir", str(folder), "demo", "--no-serve"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    return folder


def build_synthetic(folder: Path, docs: int, procs: int) -> Path:
    """A synthetic archive: store (documents, mentions, quotes) and index; reused if built for ``docs``."""
    from casebook.settings import load_settings
    from casebook.store import open_store
    from indexer.search import index_entry
    from indexer.search.whoosh_backend import WhooshIndex

    folder = prepare_data_dir(folder)
    stamp = folder / "loadtest-built.json"
    if stamp.exists() and json.loads(stamp.read_text(encoding="utf-8")).get("docs") == docs:
        return folder
    for stale in ("casebook.db", "casebook.db-wal", "casebook.db-shm", "index"):
        target = folder / stale
        if target.is_symlink() or target.is_file():
            target.unlink()
    for old in folder.glob("index*"):
        shutil.rmtree(old, ignore_errors=True)
    settings = load_settings(env={}, data_dir=folder)
    log(f"building a synthetic archive of {docs:,} documents in {folder} ...")
    start = time.perf_counter()
    generated = list(Generator().docs(docs))
    with open_store(settings) as store:
        with store.transaction():
            for doc in generated:
                store.save(doc.stored.document)
                store.save_annotations(doc.stored.document.id, doc.mentions, doc.quotes)
    log(f"  store written in {time.perf_counter() - start:.0f} s; indexing ...")
    WhooshIndex(settings.index_dir).rebuild(index_entry(d.stored, d.mentions, d.quotes) for d in generated)
    seconds = time.perf_counter() - start
    stamp.write_text(json.dumps({"docs": docs, "seconds": round(seconds, 1)}), encoding="utf-8")
    log(f"  built in {seconds:.0f} s")
    return folder


def archive_facts(folder: Path) -> dict[str, Any]:
    """Document ids to ask for, and facet values to filter by, read from the archive's store."""
    from casebook.settings import load_settings
    from casebook.store import open_store

    with open_store(load_settings(env={}, data_dir=folder), read_only=True) as store:
        count = store.count()
        ids = store.document_ids()[:2000]
        sources = sorted(row["source"] for row in store.source_stats())
        years = store.publication_years()
    return {"documents": count, "ids": ids, "sources": sources, "years": years}


# -- the server -----------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
    env.setdefault("LANG", "C.UTF-8")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    folder: Path
    log_path: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.port = free_port()
        command = [str(CASEBOOK), "--data-dir", str(self.folder), "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port)]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, env=_env())
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"casebook serve exited with {self.process.returncode}: see {self.log_path}"
                )
            try:
                status, _ = get(http.client.HTTPConnection("127.0.0.1", self.port, timeout=5), "/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(
            f"casebook serve did not answer within {STARTUP_TIMEOUT:.0f} s: see {self.log_path}"
        )

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, int]:
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body)


# -- the load -------------------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)  # the first few failures, to show
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies[kind].append(ms)
            else:
                self.errors[kind] += 1
                if len(self.samples) < 10:
                    self.samples.append(error)


def request_maker(archive: str, facts: dict[str, Any]) -> Callable[[random.Random], tuple[str, str]]:
    queries = QUERIES[archive]
    ids, sources, years = facts["ids"], facts["sources"], facts["years"]

    def make(rng: random.Random) -> tuple[str, str]:
        kind = rng.choices(KINDS, weights=WEIGHTS)[0]
        q = rng.choice(queries)
        if kind == "search":
            args: list[tuple[str, str]] = [("q", q)]
            if rng.random() < 0.2:
                args.append(("page", "2"))
            if rng.random() < 0.2:
                args.append(("sort", rng.choice(("newest", "oldest"))))
            return kind, "/search?" + urlencode(args)
        if kind == "search + facets":
            args = [("q", q), ("source", rng.choice(sources))]
            if years and rng.random() < 0.5:
                args.append(("year", rng.choice(years)))
            if len(sources) > 1 and rng.random() < 0.3:
                args = [("q", q), ("-source", rng.choice(sources))]
            return kind, "/search?" + urlencode(args)
        if kind == "document":
            return kind, f"/doc/{rng.choice(ids)}"
        if kind == "timeline":
            series = rng.sample(queries[:-1], k=rng.choice((1, 2)))
            by = rng.choice(("year", "month"))
            return kind, "/timeline?" + urlencode([*(("q", s) for s in series), ("by", by)])
        return kind, "/api/search?" + urlencode([("q", q)])

    return make


def client(
    port: int, make: Callable[[random.Random], tuple[str, str]], seed: int, until: float, out: Results
) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    while time.monotonic() < until:
        kind, path = make(rng)
        start = time.perf_counter()
        try:
            status, _ = get(conn, path)
            error = None if 200 <= status < 300 else f"{status} {path}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc} ({path})"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        out.add(kind, (time.perf_counter() - start) * 1000, error)
    conn.close()


def run_load(
    port: int, make: Callable[[random.Random], tuple[str, str]], clients: int, duration: float
) -> tuple[Results, float]:
    # One untimed pass over every kind: the server opens its index and fills its caches, as in service.
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    rng = random.Random(0)
    for _ in range(20):
        get(warm, make(rng)[1])
    warm.close()
    results = Results()
    start = time.monotonic()
    until = start + duration
    threads = [
        threading.Thread(target=client, args=(port, make, 1000 + n, until, results), daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + REQUEST_TIMEOUT + 30)
    return results, time.monotonic() - start


# -- the report -----------------------------------------------------------------------------------


def summary(results: Results, elapsed: float) -> list[dict[str, Any]]:
    rows = []
    every: list[float] = []
    for kind in KINDS:
        values = results.latencies.get(kind, [])
        every += values
        rows.append(_row(kind, values, results.errors.get(kind, 0), elapsed))
    rows.append(_row("all", every, sum(results.errors.values()), elapsed))
    return rows


def _row(kind: str, values: list[float], errors: int, elapsed: float) -> dict[str, Any]:
    return {
        "kind": kind,
        "requests": len(values) + errors,
        "errors": errors,
        "rps": (len(values) + errors) / elapsed if elapsed else 0.0,
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values, default=float("nan")),
    }


def table(
    archive: str, facts: dict[str, Any], rows: list[dict[str, Any]], clients: int, elapsed: float
) -> str:
    lines = [
        f"### {archive} archive ({facts['documents']:,} documents): {clients} clients, {elapsed:.0f} s",
        "",
        "| requests | count | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        name = f"**{r['kind']}**" if r["kind"] == "all" else r["kind"]
        lines.append(
            f"| {name} | {r['requests']:,} | {r['errors']} | {r['rps']:.1f} | {r['p50']:.0f}"
            f" | {r['p95']:.0f} | {r['p99']:.0f} | {r['max']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=float, default=60.0, help="seconds of load per archive (default 60)"
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--archives", default="demo,synthetic", help="demo, synthetic or both (default)")
    parser.add_argument("--docs", type=int, default=10_000, help="synthetic archive size (default 10000)")
    parser.add_argument(
        "--procs", type=int, default=1, help="Whoosh writer processes for the synthetic index"
    )
    parser.add_argument(
        "--work-dir", type=Path, default=None, help="where the archives are built (default: temp)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the archives (a later run reuses them)")
    parser.add_argument("--record", type=Path, default=None, help="append the figures as a JSON line here")
    args = parser.parse_args(argv)
    archives = [a.strip() for a in args.archives.split(",") if a.strip()]
    unknown = set(archives) - set(QUERIES)
    if unknown or not archives or args.clients < 1 or args.duration <= 0:
        parser.error(f"--archives takes demo and/or synthetic (got {args.archives!r}); clients, duration > 0")
    command = shlex.join(["python", "-m", "bench.loadtest", *(sys.argv[1:] if argv is None else argv)])

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="casebook-loadtest-"))
    work.mkdir(parents=True, exist_ok=True)
    failed = False
    reports, records = [], []
    try:
        for archive in archives:
            if archive == "demo":
                folder = build_demo(work / "demo")
            else:
                folder = build_synthetic(work / "synthetic", args.docs, args.procs)
                assert (folder / MARKER).exists()
            facts = archive_facts(folder)
            with Server(folder, work / f"serve-{archive}.log") as server:
                log(f"{archive}: casebook serve on 127.0.0.1:{server.port}; {args.clients} clients")
                results, elapsed = run_load(
                    server.port, request_maker(archive, facts), args.clients, args.duration
                )
            rows = summary(results, elapsed)
            reports.append(table(archive, facts, rows, args.clients, elapsed))
            records.append({"archive": archive, "documents": facts["documents"], "rows": rows})
            if results.errors:
                failed = True
                reports.append("errors (first few):\n" + "\n".join(f"  {s}" for s in results.samples))
    finally:
        if not args.keep and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)

    info = machine()
    print(f"## Load test, {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n")
    print(f"command: `{command}`  ")
    print(
        f"machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram_gb']} GB RAM, Python {info['python']},"
        f" {info['platform']}  "
    )
    print(
        "server: `casebook serve` (waitress, 8 threads) on 127.0.0.1; clients: keep-alive http.client threads"
    )
    print(f"mix: {', '.join(f'{k} {w}%' for k, w in zip(KINDS, WEIGHTS, strict=True))}\n")
    print("\n\n".join(reports))
    print(f"\nresult: {'FAILED: some requests failed' if failed else 'no errors'}")
    if args.record:
        record = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": info,
            "command": command,
        }
        with args.record.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({**record, "archives": records}) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
