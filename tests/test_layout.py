"""The layout's rules that import-linter does not see: every SQL statement of the project is in the store.

(import-linter checks the layers and cycles: ``make lint`` and ``test_import_contracts`` run it.)
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "casebook" / "store"
CHECKED = ("casebook", "crawler", "indexer", "webui", "workers", "bench")
# The search index still reads quotes from casebook.db by path; the search seam (issue 15, indexer/search/)
# takes that away. Until then it is the one file let off.
NOT_YET = {ROOT / "indexer" / "index.py"}
STATEMENT = re.compile(
    r"\b(SELECT\b|INSERT (OR \w+ )?INTO\b|UPDATE \w+ SET\b|DELETE FROM\b|CREATE (UNIQUE )?(TABLE|INDEX)\b"
    r"|ALTER TABLE\b|DROP (TABLE|INDEX)\b|PRAGMA [a-z_]+|BEGIN( IMMEDIATE| EXCLUSIVE)?\b|COMMIT\b|ROLLBACK\b)"
)
DRIVER = re.compile(r"^\s*(import sqlite3|from sqlite3 import)", re.MULTILINE)


def sources() -> list[Path]:
    found = []
    for top in CHECKED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if STORE not in path.parents and path not in NOT_YET:
                found.append(path)
    return found


def sql_in(path: Path) -> list[str]:
    """The string literals of a file that hold an SQL statement, as ``line: text``."""
    found = []
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    for token in tokens:
        if token.type == tokenize.STRING and STATEMENT.search(token.string):
            found.append(f"{token.start[0]}: {token.string[:80]}")
    return found


def test_the_checker_finds_sql_and_the_driver(tmp_path: Path) -> None:
    """The rule below can fail: a statement, however it is written, and the driver's import are found."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sqlite3\n"
        'a = "SELECT id FROM documents"\n'
        "b = f'INSERT OR REPLACE INTO t VALUES ({x})'\n"
        'c = ("UPDATE timelines SET name=?"\n     " WHERE id=?")\n'
        'd = "BEGIN IMMEDIATE"\n'
        'e = "the selected documents, updated daily"\n'
        'f = "PRAGMA journal_mode=WAL"\n'
        'g = "no PRAGMA, no migration check: begin reading"\n',
        encoding="utf-8",
    )
    assert [line.split(":")[0] for line in sql_in(sample)] == ["2", "3", "4", "6", "8"]
    assert DRIVER.search(sample.read_text(encoding="utf-8"))


def test_no_sql_outside_the_store() -> None:
    files = sources()
    assert len(files) > 50  # the walk found the project
    offenders = {str(p.relative_to(ROOT)): found for p in files if (found := sql_in(p))}
    assert offenders == {}, "SQL belongs in casebook/store/: add a method there"


def test_no_database_driver_outside_the_store() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in sources() if DRIVER.search(p.read_text(encoding="utf-8"))]
    assert offenders == [], "the store's errors are casebook.store.StoreError; its rows, dataclasses or dicts"


def test_import_contracts() -> None:
    """The layer contracts of pyproject.toml (``[tool.importlinter]``), as ``make lint`` runs them."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.fail("lint-imports is missing: make setup installs the dev dependencies (import-linter)")
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
