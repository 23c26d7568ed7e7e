"""A throwaway PostgreSQL server for the tests, started by the suite itself (no server to set up first).

Debian's ``postgresql`` package provides the binaries (``make test`` installs it when run as root, as CI
is). A fresh cluster is made in a new folder under the system's temp folder, listening on 127.0.0.1 only
(no Unix socket), on a free port, with ``trust`` authentication for its own ``postgres`` superuser; it
runs as the ``postgres`` user when the suite runs as root (``initdb`` refuses root) and as the caller
otherwise. Durability is switched off (``fsync``, ``synchronous_commit``): the cluster is thrown away
at the end, and the tests of crash safety kill our processes, never the server.

Used through the ``postgres`` fixture of ``conftest.py``; each test that needs a database asks the
cluster for a fresh one (:meth:`Cluster.new_database`), so tests never see each other's rows.
"""

from __future__ import annotations

import atexit
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SERVER_USER = "postgres"  # Debian's package makes this system user
START_WAIT = 60  # seconds for the server to accept connections


def binaries() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` folder (Debian keeps each major version apart), or
    the one ``CASEBOOK_PG_BIN`` names; None when none is installed."""
    named = os.environ.get("CASEBOOK_PG_BIN")
    if named:
        return Path(named) if (Path(named) / "initdb").exists() else None
    found = Path("/usr/lib/postgresql").glob("*/bin/initdb")
    newest = max(found, key=lambda initdb: int(initdb.parent.parent.name), default=None)
    return newest.parent if newest else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    """One running throwaway cluster; :meth:`stop` stops it and removes its folder."""

    bin: Path
    folder: Path
    port: int
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "casebook") -> str:
        """A new empty database on the cluster; its URL."""
        name = f"{prefix}_{next(self._names)}"
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL with ``psql`` as the superuser; its output (unaligned, tuples only)."""
        done = subprocess.run(
            [str(self.bin / "psql"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url(database)],
            input=sql,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout

    def stop(self) -> None:
        if self.data.exists():
            _run_as_server(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def _as_root() -> bool:
    return os.geteuid() == 0


def _run_as_server(program: Path, *args: object, check: bool = True) -> subprocess.CompletedProcess[str]:
    command = [str(program), *map(str, args)]
    if _as_root():
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=check)


def start_cluster() -> Cluster:
    """Make and start a throwaway cluster. Raises RuntimeError saying why when it cannot."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError(
            "PostgreSQL is not installed: 'make test' installs Debian's postgresql package when run as"
            " root; otherwise 'sudo apt-get install postgresql postgresql-contrib'"
        )
    folder = Path(tempfile.mkdtemp(prefix="casebook-pg-"))
    if _as_root():
        server = pwd.getpwnam(SERVER_USER)
        os.chown(folder, server.pw_uid, server.pw_gid)
    cluster = Cluster(bin_dir, folder, _free_port())
    atexit.register(cluster.stop)  # a suite stopped half-way leaves no server running
    try:
        _run_as_server(
            bin_dir / "initdb", "-D", cluster.data, "-U", SERVER_USER, "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {cluster.port} -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        _run_as_server(
            bin_dir / "pg_ctl", "-D", cluster.data, "-l", folder / "server.log", "-o", options,
            "-t", START_WAIT, "-w", "start",
        )  # fmt: skip
    except subprocess.CalledProcessError as exc:
        log = folder / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else exc.stderr
        cluster.stop()
        raise RuntimeError(f"the throwaway PostgreSQL cluster did not start: {detail.strip()}") from None
    return cluster
