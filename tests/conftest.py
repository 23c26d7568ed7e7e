"""Shared fixtures: expensive things (the spaCy model, the demo archive) are built once per session."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from casebook.settings import Settings, load_settings
from indexer.pipeline.demo import demo_imports
from indexer.pipeline.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent


def settings_for(data_dir: Path, database_url: str | None = None) -> Settings:
    """Settings from the project's own settings file, isolated from the caller's environment; the store on
    the PostgreSQL server of ``database_url`` when given."""
    env = {"CASEBOOK_DATABASE_URL": database_url} if database_url else {}
    return load_settings(env=env, data_dir=data_dir)


BACKENDS = ("sqlite", "postgres")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Each store backend in turn: None (SQLite in the data folder), then a fresh PostgreSQL database of
    the throwaway cluster. A test taking this (or ``backend_settings``) runs once on each."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def backend_settings(tmp_path: Path, database_url: str | None) -> Settings:
    """Settings for a new, empty archive in ``tmp_path/data``, its store on each backend in turn."""
    return settings_for(tmp_path / "data", database_url)


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled demo corpus, ingested once through the real line (WARC, store, spaCy, Whoosh)."""
    settings = settings_for(tmp_path_factory.mktemp("demo-data"))
    report = ingest(settings, imports=demo_imports(settings.demo_path), progress=False)
    assert not report.skipped, report.skipped
    return settings


@pytest.fixture(scope="session")
def postgres_demo_archive(tmp_path_factory: pytest.TempPathFactory, postgres) -> Settings:  # noqa: ANN001
    """The demo corpus ingested once with its store on the throwaway PostgreSQL cluster. Serve copies of
    it (:func:`copy_archive`), never it: a database in use cannot be copied."""
    settings = settings_for(tmp_path_factory.mktemp("pg-demo-data"), postgres.new_database("demo"))
    report = ingest(settings, imports=demo_imports(settings.demo_path), progress=False)
    assert not report.skipped, report.skipped
    return settings


def copy_archive(settings: Settings, data_dir: Path, postgres=None) -> Settings:  # noqa: ANN001
    """A private copy of an archive (its data folder, and its PostgreSQL database when it has one) in
    ``data_dir``, for a test that writes to it."""
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    if not settings.database_url:
        return replace(settings, data_dir=data_dir)
    source = settings.database_url.rsplit("/", 1)[1]
    copy = f"{source}_copy_{next(_copies)}"
    postgres.psql(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
    return replace(settings, data_dir=data_dir, database_url=postgres.url(copy))


_copies = itertools.count(1)


@pytest.fixture(params=BACKENDS)
def demo_copy(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """A private copy of the demo archive in ``tmp_path/data``, its store on each backend in turn, for a
    test that changes it."""
    if request.param == "sqlite":
        return copy_archive(request.getfixturevalue("demo_archive"), tmp_path / "data")
    demo = request.getfixturevalue("postgres_demo_archive")
    return copy_archive(demo, tmp_path / "data", request.getfixturevalue("postgres"))


@pytest.fixture(scope="session")
def full_demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo exactly as ``casebook demo`` builds it: the real pages and the invented sample data."""
    from indexer.pipeline.demo import build_demo

    settings = settings_for(tmp_path_factory.mktemp("full-demo-data"))
    report = build_demo(settings, progress=False)
    assert not report.skipped, report.skipped
    return settings


@pytest.fixture(scope="session")
def enricher():  # noqa: ANN201 - indexer.enrich imports spaCy: only tests that need it pay for it
    """The real spaCy pipeline with the shipped gazetteer ruler, loaded once."""
    from indexer.enrich.enricher import Enricher

    settings = settings_for(ROOT / "casebook-data")
    return Enricher(settings.model, settings.gazetteer_paths)


@pytest.fixture(scope="session")
def postgres():  # noqa: ANN201 - tests/postgres_server.py: only tests that need the server pay for it
    """A throwaway PostgreSQL cluster on 127.0.0.1 for the whole session (tests/postgres_server.py); a test
    asks it for a fresh database with ``postgres.new_database()``. Fails, never skips, when PostgreSQL
    cannot start: ``make test`` installs it."""
    from postgres_server import start_cluster

    try:
        cluster = start_cluster()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield cluster
    cluster.stop()
