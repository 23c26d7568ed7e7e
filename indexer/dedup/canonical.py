"""Whose page is it: a rel=canonical across sites is a claim, not an identity."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from casebook.models import Source
from casebook.sources import source_for_url


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def canonical_identity(
    page_url: str, canonical_url: str, sources: Sequence[Source]
) -> tuple[str, str | None]:
    """The URL a fetched page is identified by, and the canonical it claimed if that was not believed.

    ``rel=canonical`` (or ``og:url``) is believed on the page's own site: the same host, or hosts of one
    registered source. Pointing at another site it is only a claim: believing it would make the page a
    version of that site's article (a hostile blog could replace a news story, title, byline and text, and
    be cited under the outlet's name; a syndicated repost would overwrite the original). Such a page keeps
    its own URL; the claim is kept, and names the original when the two are near-duplicates (see
    :func:`indexer.dedup.duplicates.elect_original`). A page with no web address of its own (a local file
    imported without one) can only be named by its canonical.
    """
    page = urlsplit(page_url)
    if page.scheme not in ("http", "https") or not page.hostname or canonical_url == page_url:
        return canonical_url, None
    if _host(canonical_url) == _host(page_url):
        return canonical_url, None
    registered = {s.name for s in sources}
    owner = source_for_url(page_url, list(sources))
    if owner in registered and source_for_url(canonical_url, list(sources)) == owner:
        return canonical_url, None
    return urlunsplit((page.scheme, page.netloc, page.path, page.query, "")), canonical_url


def same_page(a: str, b: str) -> bool:
    """Two addresses of one page as canonicals name it (scheme, ``www.``, a trailing slash aside)."""

    def key(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url)
        return (_host(url), parts.path.rstrip("/") or "/", parts.query)

    return key(a) == key(b)
