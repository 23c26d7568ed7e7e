"""The Flask application factory: configuration in, an app with its blueprints out. Nothing imports this
module but the entry points; views and page functions take what they need from ``webui.context``."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, Response, abort, jsonify, render_template, request, url_for
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from casebook.errors import CasebookError
from casebook.settings import Settings
from casebook.store import StoreError, busy, damaged, disk_full, gone, store_location, unreadable
from indexer.search import QueryError
from webui import auth, context
from webui.citations import web_url
from webui.links import link_args
from webui.views.api import api
from webui.views.auth import auth as login
from webui.views.batch import batch
from webui.views.documents import documents
from webui.views.entities import entities
from webui.views.exports import exports
from webui.views.quotes import quotes
from webui.views.search import search
from webui.views.sources import sources_page
from webui.views.timeline import timeline
from webui.views.timelines import timelines
from webui.views.watch import watch

MAX_ARGS = 100  # values in one query string (every link of a page copies them): more is not a person's search
MAX_VALUES = 20  # values of one parameter (facet filters, timeline series)
BLUEPRINTS = (
    login, search, documents, entities, exports, quotes, sources_page, timeline, timelines, watch, batch, api,
)  # fmt: skip
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
    app.config.update(MAX_CONTENT_LENGTH=1 << 20, MAX_FORM_PARTS=100)  # forms here are a few fields
    context.init_app(app, settings)
    auth.init_app(app, settings, public)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

    app.add_template_filter(web_url, "web_link")  # only http(s) URLs become links; others show as text
    app.add_template_global(lambda: not settings.public_url, "links_are_local")
    app.add_template_global(context.sample_data)
    app.add_template_global(lambda source: source in context.sample_sources(), "is_sample")
    app.add_template_global(lambda entity_id: entity_id in context.sample_entities(), "is_sample_entity")
    app.add_template_global(link_args)

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
        message = f"That search could not be run: {exc.problem}."
        fix = url_for("search.search_page", **link_args()), "Correct it on the search page"
        return render_template("error.html", code=400, message=message, fix=fix), 400

    @app.errorhandler(CasebookError)
    def archive_problem(exc: CasebookError) -> tuple[str, int]:
        """A problem with the archive itself (e.g. an index to rebuild): say what to do, not a traceback."""
        return render_template("error.html", code=503, message=str(exc)), 503

    def store_problem(exc: Exception) -> tuple[str, int]:
        """The store's file damaged, held by a long write, or its server gone: one sentence, never a 500."""
        if damaged(exc):
            message = str(unreadable(store_location(settings), exc))
        elif busy(exc):
            message = "The archive is busy: another command is writing to it. Try again in a minute."
        elif disk_full(exc):
            message = (
                "The disk holding the archive is full: nothing was changed. Try again once there is room."
            )
        elif gone(exc):
            message = "The archive's database server cannot be reached. Try again in a minute."
        else:
            raise exc
        return render_template("error.html", code=503, message=message), 503

    for kind in StoreError:  # one handler for either backend's errors
        app.register_error_handler(kind, store_problem)

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
