"""The Flask application factory: configuration in, an app with its blueprints out."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, Response, g, render_template, url_for
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from casebook.errors import CasebookError
from casebook.settings import Settings
from casebook.store import Store
from indexer.query import QueryError

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
    from casebook.sources import archive_sources, sample_source_names

    # Read once: pages and exports label every result with its outlet, so this must not parse TOML per row.
    app.config["SOURCE_TITLES"] = {s.name: s.title or s.name for s in archive_sources(settings)}
    app.config["SAMPLE_SOURCES"] = sample_source_names(settings)  # the demo's invented outlets

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

    @app.teardown_appcontext
    def close_store(_exc: BaseException | None) -> None:
        store = g.pop("store", None)
        if store is not None:
            store.close()

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

    @app.errorhandler(400)
    def bad_request(exc: Exception) -> tuple[str, int]:
        message = getattr(exc, "description", None) or "That request could not be understood."
        return render_template("error.html", code=400, message=message), 400

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


def sample_data() -> dict[str, int] | None:
    """How many invented (sample) and real documents the archive holds, once per request; None when it
    holds no sample data. Every page of such an archive says so (base.html)."""
    from flask import current_app

    names = sorted(current_app.config["SAMPLE_SOURCES"])
    if not names:
        return None
    if "sample_data" not in g:  # an indexed count; the whole table is counted only in an archive with samples
        marks = ",".join("?" * len(names))
        query = f"SELECT COUNT(*) FROM documents WHERE source IN ({marks})"
        sample = store().db.execute(query, names).fetchone()[0]
        total = store().db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] if sample else 0
        g.sample_data = {"sample": sample, "real": total - sample} if sample else None
    return g.sample_data


def store() -> Store:
    """One store connection per request, closed at teardown."""
    if "store" not in g:
        g.store = Store(settings().db_path)
    return g.store
