"""What every view and page function needs for the request it serves: the settings, the store, the outlets'
titles and the search service (the ``get_db`` pattern of Flask's tutorial: made at most once per request,
on ``g``, and closed at teardown). Views and page functions import this module, never ``webui.app``.

A request that only reads (GET, HEAD) gets a read-only store: no PRAGMA, no migration check, nothing that
could wait for a writer; the app migrated the store once when it was made. A form that changes something
(POST) gets a read-write store that waits ``WRITE_WAIT`` seconds for another writer, then says it is busy.
With the store on a PostgreSQL server (setting ``database_url``), each request borrows a connection from
the app's pool (made on first use) and gives it back at teardown.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, url_for

from casebook.errors import CasebookError
from casebook.settings import Settings
from casebook.sources import archive_sources, sample_source_names
from casebook.store import Store, StoreError, open_store, store_pool
from indexer.enrich.gazetteer import load_gazetteer
from indexer.search import SearchService, open_backend

WRITE_WAIT = 10.0  # seconds a request waits for another process's write to the store, then says it is busy
READING = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask, settings: Settings) -> None:
    """Everything read once for the app's life (parsing TOML per row would be slow), and the teardown."""
    app.config["CASEBOOK"] = settings
    app.config["SOURCE_TITLES"] = {s.name: s.title or s.name for s in archive_sources(settings)}
    app.config["SAMPLE_SOURCES"] = sample_source_names(settings)  # the demo's invented outlets
    app.config["SAMPLE_ENTITIES"] = sample_entity_ids(settings)  # and the officials quoted in them
    app.teardown_appcontext(close_store)
    app.extensions["casebook_pool_lock"] = threading.Lock()
    try:  # migrated once here, so that the stores of requests need not look
        open_store(settings).close()
    except (CasebookError, *StoreError):
        pass  # a damaged store: every page that needs it says so


def sample_entity_ids(settings: Settings) -> frozenset[str]:
    """The ids of the demo's invented people (its sample gazetteer, when it is read): wherever one is shown
    or credited with a quote, it says so."""
    sample = settings.sample_gazetteer_path
    if sample not in settings.gazetteer_paths:
        return frozenset()
    return frozenset(entity.id for entity in load_gazetteer(sample))


def settings() -> Settings:
    return current_app.config["CASEBOOK"]


def source_titles() -> dict[str, str]:
    """Registry name -> the outlet's title, to label sources as readers know them."""
    return current_app.config["SOURCE_TITLES"]


def sample_sources() -> set[str]:
    """The registry names of the demo's invented outlets (empty for a real archive)."""
    return current_app.config["SAMPLE_SOURCES"]


def sample_entities() -> frozenset[str]:
    """The ids of the demo's invented people (empty for a real archive)."""
    return current_app.config["SAMPLE_ENTITIES"]


def search() -> SearchService:
    """The archive's search service, one for the app, made on first use: it holds the gazetteer's names,
    so every page resolves an entity field (``scheme:ESA``) the same way."""
    service = current_app.extensions.get("casebook_search")
    if service is None:
        found = settings()
        service = SearchService(open_backend(found), gazetteer=load_gazetteer(found.gazetteer_paths))
        current_app.extensions["casebook_search"] = service
    return service


def store() -> Store:
    """One store connection per request, closed at teardown; read-only unless the request changes
    something (or the store has not been made yet)."""
    if "store" not in g:
        found = settings()
        writes = has_request_context() and request.method not in READING
        if found.database_url:
            g.store = open_store(found, read_only=not writes, timeout=WRITE_WAIT, pool=_pool())
        else:
            path = found.db_path
            g.store = open_store(found, read_only=not writes and path.exists(), timeout=WRITE_WAIT)
    return g.store


def _pool() -> Any:
    """The app's pool of connections to the store's server, made on first use (a server down when the app
    starts is a page saying so, not an app that cannot start), closed with the app."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.extensions["casebook_pool_lock"]:
        pool = app.extensions.get("casebook_pool")
        if pool is None:
            pool = store_pool(settings())
            app.extensions["casebook_pool"] = pool
            weakref.finalize(app, pool.close)
    return pool


def close_store(_exc: BaseException | None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def external_url(endpoint: str, **values: Any) -> str:
    """A link that leaves with the reader (citations, exports): under ``public_url`` when it is set,
    else at the address this request came in on, which is only this computer's on 127.0.0.1."""
    base = settings().public_url
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def sample_data() -> dict[str, int] | None:
    """How many invented (sample) and real documents the archive holds, once per request; None when it
    holds no sample data. Every page of such an archive says so (base.html)."""
    names = sorted(sample_sources())
    if not names:
        return None
    if "sample_data" not in g:
        g.sample_data = None
        try:  # the notice never stops a page, not even the one saying the store cannot be read
            sample = store().count_from(names)
            g.sample_data = {"sample": sample, "real": store().count() - sample} if sample else None
        except (CasebookError, *StoreError):
            pass  # the error page that follows says what is wrong with the store
    return g.sample_data
