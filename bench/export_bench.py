"""What concurrent exports cost the server: peak memory and time for N exports of every document at once.

Usage::

    python -m bench.export_bench                          # 10,000 synthetic documents, 8 CSV exports at once
    python -m bench.export_bench --docs 10000 --clients 8 --code /path/to/an/older/checkout

``casebook serve`` (waitress) runs as its own process over a synthetic archive (``bench.loadtest``'s,
flagged synthetic, in a folder of its own); ``--clients`` threads each download ``/export/<fmt>?q=*`` at
the same moment. The table gives rows received per export, the slowest export's time, and the server's
peak resident memory (``VmHWM``) before and after. ``--code`` serves from another checkout (``git archive
<commit> | tar -x -C DIR``), to put two versions side by side.
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
from pathlib import Path

from bench.enrich_bench import machine
from bench.loadtest import build_synthetic, free_port

ROOT = Path(__file__).resolve().parent.parent


def vm_hwm(pid: int) -> int:
    """Peak resident memory of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--format", default="csv", choices=("csv", "jsonl", "ris", "csl"))
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose casebook serves")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "casebook-export-bench"
    )
    args = parser.parse_args(argv)
    folder = build_synthetic(args.data_dir, args.docs, 1)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from casebook.cli import main; main()", "--data-dir", str(folder), "serve"]
        + ["--port", str(port)],
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": str(args.code)},
        cwd=args.code,  # python -c puts its working folder first on sys.path
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/help")
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("casebook serve did not start") from None
                time.sleep(0.2)
        before = vm_hwm(server.pid)
        rows: list[int] = []
        times: list[float] = []
        lock = threading.Lock()
        start_gate = threading.Barrier(args.clients)

        def export() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            start_gate.wait()
            start = time.perf_counter()
            conn.request("GET", f"/export/{args.format}?q=*")
            body = conn.getresponse().read()
            with lock:
                times.append(time.perf_counter() - start)
                rows.append(body.count(b"\n") - 1 if args.format == "csv" else body.count(b"\n"))

        threads = [threading.Thread(target=export) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        after = vm_hwm(server.pid)
    finally:
        server.terminate()
        server.wait()
    print(f"machine: {machine()}")
    print(f"code: {args.code}")
    print(f"command: python -m bench.export_bench {shlex.join(argv if argv is not None else sys.argv[1:])}")
    print()
    print(
        "| archive | exports at once | lines per export | slowest export | server peak RSS before | after |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| {args.docs:,} synthetic documents | {args.clients} | {min(rows):,}-{max(rows):,}"
        f" | {max(times):.1f} s | {before / 1024:.0f} MB | {after / 1024:.0f} MB |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
