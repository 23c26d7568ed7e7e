"""The Flask application factory: configuration in, an app with its blueprints out."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from flask import Flask, Response, abort, g, jsonify, render_template, request, url_for
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from casebook.errors import CasebookError
from casebook.settings import Settings
from casebook.store import Store, damaged, unreadable
from indexer.query import QueryError

MAX_ARGS = 100  # values in one query string (every link of a page copies them): more is not a person's search
MAX_VALUES = 20  # values of one parameter (facet filters, timeline series)
WRITE_WAIT = 10.0  # seconds a request waits for another process's write to the store, then says it is busy
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class IsoDatesJSON(DefaultJSONProvider):
    """Dates in every JSON answer as ISO 8601 (``2017-05-04``), not Flask's HTTP dates."""

    ensure_ascii = False

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


class CasebookFlask(Flask):
    json_provider_class = IsoDatesJSON


class SqliteInt(IntegerConverter):
    """``<int:...>`` as SQLite can hold it: a larger number matches no route (404), not an OverflowError."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(settings: Settings, public: bool = False) -> Flask:
    """Build the app for one data directory. Views read the index and the store; they never crawl.

    ``public`` serves the archive read-only (no timeline editing), for publishing it.
    """
    app = CasebookFlask(__name__)
    app.url_map.converters["int"] = SqliteInt
    app.config["CASEBOOK"] = settings
    app.config.update(MAX_CONTENT_LENGTH=1 << 20, MAX_FORM_PARTS=100)  # forms here are a few fields
    from casebook.sources import archive_sources, sample_source_names

    # Read once: pages and exports label every result with its outlet, so this must not parse TOML per row.
    app.config["SOURCE_TITLES"] = {s.name: s.title or s.name for s in archive_sources(settings)}
    app.config["SAMPLE_SOURCES"] = sample_source_names(settings)  # the demo's invented outlets
    app.config["SAMPLE_ENTITIES"] = sample_entity_ids(settings)  # and the officials quoted in them

    from webui import auth
    from webui.api import api
    from webui.documents import documents
    from webui.entities import entities
    from webui.exports import exports
    from webui.quotes import quotes
    from webui.search import search
    from webui.sources_page import sources_page
    from webui.timeline import timeline
    from webui.timelines import timelines

    auth.init_app(app, settings, public)
    for blueprint in (search, documents, entities, exports, quotes, sources_page, timeline, timelines, api):
        app.register_blueprint(blueprint)

    from webui.citations import web_url

    app.add_template_filter(web_url, "web_link")  # only http(s) URLs become links; others show as text
    app.add_template_global(lambda: not settings.public_url, "links_are_local")
    app.add_template_global(sample_data)
    app.add_template_global(lambda source: source in app.config["SAMPLE_SOURCES"], "is_sample")
    app.add_template_global(lambda entity_id: entity_id in app.config["SAMPLE_ENTITIES"], "is_sample_entity")

    @app.teardown_appcontext
    def close_store(_exc: BaseException | None) -> None:
        store = g.pop("store", None)
        if store is not None:
            store.close()

    @app.before_request
    def bounded() -> None:
        """The work one request can cause starts with its arguments: refuse floods of them."""
        values = list(request.args.listvalues())
        if sum(len(v) for v in values) > MAX_ARGS:
            abort(400, f"Too many parameters in the address (at most {MAX_ARGS}).")
        if any(len(v) > MAX_VALUES for v in values):
            abort(400, f"Too many values of one filter (at most {MAX_VALUES}); remove some and try again.")

    @app.after_request
    def secure(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(404)
    def not_found(_exc: Exception) -> tuple[str, int]:
        return render_template("error.html", code=404, message="No such page or document."), 404

    @app.errorhandler(QueryError)
    def bad_query(exc: QueryError) -> tuple[str, int]:
        """A search asked by a link rather than a form (an export): what is wrong, and where to fix it."""
        from webui.search import link_args

        message = f"That search could not be run: {exc.problem}."
        fix = url_for("search.search_page", **link_args()), "Correct it on the search page"
        return render_template("error.html", code=400, message=message, fix=fix), 400

    @app.errorhandler(CasebookError)
    def archive_problem(exc: CasebookError) -> tuple[str, int]:
        """A problem with the archive itself (e.g. an index to rebuild): say what to do, not a traceback."""
        return render_template("error.html", code=503, message=str(exc)), 503

    @app.errorhandler(sqlite3.DatabaseError)
    def store_problem(exc: sqlite3.DatabaseError) -> tuple[str, int]:
        """The store's file damaged, or held by a long write: one sentence, never a 500."""
        if damaged(exc):
            message = str(unreadable(settings.db_path, exc))
        elif "locked" in str(exc) or "busy" in str(exc):
            message = "The archive is busy: another command is writing to it. Try again in a minute."
        elif "disk is full" in str(exc):
            message = (
                "The disk holding the archive is full: nothing was changed. Try again once there is room."
            )
        else:
            raise exc
        return render_template("error.html", code=503, message=message), 503

    @app.errorhandler(400)
    def bad_request(exc: Exception) -> Any:
        message = getattr(exc, "description", None) or "That request could not be understood."
        if request.path.startswith("/api/"):
            return jsonify({"error": message}), 400
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(413)
    def too_large(_exc: Exception) -> tuple[str, int]:
        return render_template("error.html", code=413, message="That form is too large to take."), 413

    @app.errorhandler(403)
    def forbidden(exc: Exception) -> tuple[str, int]:
        message = getattr(exc, "description", None) or "That is not allowed here."
        return render_template("error.html", code=403, message=message), 403

    @app.errorhandler(405)
    def wrong_method(_exc: Exception) -> tuple[str, int]:
        return render_template("error.html", code=405, message="That page cannot be used that way."), 405

    return app


def settings() -> Settings:
    from flask import current_app

    return current_app.config["CASEBOOK"]


def source_titles() -> dict[str, str]:
    """Registry name -> the outlet's title, to label sources as readers know them."""
    from flask import current_app

    return current_app.config["SOURCE_TITLES"]


def external_url(endpoint: str, **values: Any) -> str:
    """A link that leaves with the reader (citations, exports): under ``public_url`` when it is set,
    else at the address this request came in on, which is only this computer's on 127.0.0.1."""
    base = settings().public_url
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def sample_entity_ids(settings: Settings) -> frozenset[str]:
    """The ids of the demo's invented people (its sample gazetteer, when it is read): wherever one is shown
    or credited with a quote, it says so."""
    from indexer.gazetteer import load_gazetteer

    sample = settings.sample_gazetteer_path
    if sample not in settings.gazetteer_paths:
        return frozenset()
    return frozenset(entity.id for entity in load_gazetteer(sample))


def sample_entities() -> frozenset[str]:
    from flask import current_app

    return current_app.config["SAMPLE_ENTITIES"]


def sample_data() -> dict[str, int] | None:
    """How many invented (sample) and real documents the archive holds, once per request; None when it
    holds no sample data. Every page of such an archive says so (base.html)."""
    from flask import current_app

    names = sorted(current_app.config["SAMPLE_SOURCES"])
    if not names:
        return None
    if "sample_data" not in g:
        g.sample_data = None
        try:  # the notice never stops a page, not even the one saying the store cannot be read
            sample = store().count_from(names)
            g.sample_data = {"sample": sample, "real": store().count() - sample} if sample else None
        except (CasebookError, sqlite3.Error):
            pass  # the error page that follows says what is wrong with the store
    return g.sample_data


def store() -> Store:
    """One store connection per request, closed at teardown."""
    if "store" not in g:
        g.store = Store(settings().db_path, timeout=WRITE_WAIT)
    return g.store
