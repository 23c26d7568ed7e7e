"""The throwaway PostgreSQL cluster the suite starts: real, on loopback only, a database per test."""

from __future__ import annotations

import socket

from postgres_server import start_cluster


def test_the_cluster_is_a_real_server_listening_on_loopback_only(postgres) -> None:  # noqa: ANN001
    version = int(postgres.psql("SHOW server_version_num").strip())
    assert version >= 150000  # Debian 12's postgresql is 15
    assert postgres.psql("SHOW listen_addresses").strip() == "127.0.0.1"
    assert postgres.psql("SHOW unix_socket_directories").strip() == ""


def test_each_new_database_starts_empty(postgres) -> None:  # noqa: ANN001
    first = postgres.new_database().rsplit("/", 1)[1]
    second = postgres.new_database().rsplit("/", 1)[1]
    assert first != second
    postgres.psql("CREATE TABLE seen (x int); INSERT INTO seen VALUES (1)", database=first)
    tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    assert postgres.psql(tables, database=first).strip() == "1"
    assert postgres.psql(tables, database=second).strip() == "0"


def test_a_stopped_cluster_leaves_no_server_and_no_folder() -> None:
    cluster = start_cluster()
    assert cluster.data.is_dir()
    cluster.stop()
    assert not cluster.folder.exists()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", cluster.port)) != 0
