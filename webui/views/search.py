"""The search page and the help page."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from webui import feed
from webui import search as page

search = Blueprint("search", __name__)


@search.app_template_global()
def archive_examples() -> dict[str, str]:
    return page.archive_examples()


@search.route("/")
@search.route("/search")
def search_page() -> tuple[str, int]:
    context, status = page.results(page.query_from_request())
    return render_template("search.html", **context), status


@search.route("/search.atom")
def search_feed() -> Response:
    """The search as an Atom feed: its newest matches (same parameters as the search page)."""
    return Response(feed.atom_feed(page.query_from_request()), content_type=feed.MIMETYPE)


@search.route("/help")
def help_page() -> str:
    return render_template("help.html")
