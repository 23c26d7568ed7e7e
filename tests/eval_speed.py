"""Extraction speed beside an earlier commit: ``python tests/eval_speed.py WCXB [--ref main] [--pages N]``.

The extractor of ``--ref`` (its ``indexer`` and ``casebook`` packages, taken with ``git archive`` into a
temporary folder under other names) and the working tree's run alternately, page by page, in one process,
on WCXB's dev article pages: both meet the same machine load, so the ratio holds where absolute pages per
second do not (the target: within 1.5x of the earlier time per page).
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PACKAGES = ("indexer", "casebook", "crawler")


def earlier_copy(ref: str, folder: Path) -> None:
    """``ref``'s packages under ``folder`` as ``old_indexer``, ``old_casebook``..., imports renamed."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, *PACKAGES], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    pattern = re.compile(rf"\b(from|import) ({'|'.join(PACKAGES)})\b")
    for package in PACKAGES:
        for source in (folder / package).rglob("*.py"):
            source.write_text(pattern.sub(r"\1 old_\2", source.read_text(encoding="utf-8")), encoding="utf-8")
        (folder / package).rename(folder / f"old_{package}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wcxb", type=Path, help="local copy of WCXB (the folder holding dev/)")
    parser.add_argument("--ref", default="main", help="the earlier commit (default: main)")
    parser.add_argument("--pages", type=int, default=300, help="article pages to time (default 300)")
    args = parser.parse_args(argv)
    dev = args.wcxb / "dev"
    ids = sorted(
        p.stem
        for p in (dev / "ground-truth").glob("*.json")
        if json.loads(p.read_text(encoding="utf-8"))["_internal"]["page_type"]["primary"] == "article"
    )[: args.pages]
    with tempfile.TemporaryDirectory() as tmp:
        earlier_copy(args.ref, Path(tmp))
        sys.path.insert(0, tmp)
        try:  # the extractor's entry point: indexer.extract.stage since the layout of issue 15
            old = importlib.import_module("old_indexer.extract.stage")
        except ModuleNotFoundError:
            old = importlib.import_module("old_indexer.extract")
        old_models = importlib.import_module("old_casebook.models")
        from casebook.models import RawPage
        from indexer.extract.stage import NotAnArticle, extract

        now = datetime.now(UTC)
        spent = {"earlier": 0.0, "now": 0.0}
        for n, file_id in enumerate(ids):
            url = json.loads((dev / "ground-truth" / f"{file_id}.json").read_text(encoding="utf-8"))["url"]
            body = gzip.decompress((dev / "html" / f"{file_id}.html.gz").read_bytes())
            runs = [
                ("earlier", old.extract, old_models.RawPage, old.NotAnArticle),
                ("now", extract, RawPage, NotAnArticle),
            ]
            for name, run, raw_page, refused in runs if n % 2 == 0 else runs[::-1]:
                page = raw_page(url=url, body=body, fetched=now)
                started = time.perf_counter()
                try:
                    run(page, "x")
                except refused:
                    pass
                spent[name] += time.perf_counter() - started
    count = len(ids)
    print(
        f"{count} WCXB dev article pages, alternated in one process:"
        f" {args.ref} {count / spent['earlier']:.1f} pages/s,"
        f" working tree {count / spent['now']:.1f} pages/s,"
        f" {spent['now'] / spent['earlier']:.2f}x the earlier time per page (target: at most 1.5x)"
    )
    return 0 if spent["now"] <= 1.5 * spent["earlier"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
