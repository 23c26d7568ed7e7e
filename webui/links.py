"""Links built from the request being served: its arguments carried on, less what a link changes."""

from __future__ import annotations

from flask import request


def link_args(*drop: str) -> dict[str, list[str]]:
    """The request's arguments to build links with, less ``drop`` and url_for's own keywords (``endpoint``,
    ``_anchor``, ``_scheme``...): a query string naming one of them must not break the page."""
    args = request.args.to_dict(flat=False)
    return {k: v for k, v in args.items() if k not in drop and k != "endpoint" and not k.startswith("_")}


def requested_page() -> int:
    """The ``page`` argument, clamped; anything unreadable is page 1."""
    try:
        return max(1, min(int(request.args.get("page", "1")), 10_000))
    except ValueError:
        return 1
