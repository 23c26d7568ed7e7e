"""The names every stage shares: one dataclass per concept, passed down the line.

``RawPage`` is what the archive holds (an original response and where it is in the WARC files);
``Document`` is one article as extracted; ``Mention`` and ``Quote`` are what enrichment finds in it.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

EntityKind = Literal["official", "person", "organisation", "scheme", "place"]
ENTITY_KINDS: tuple[EntityKind, ...] = ("official", "person", "organisation", "scheme", "place")


def stable_id(canonical_url: str) -> str:
    """A document id that stays the same across recrawls: derived from the canonical URL alone."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


def content_hash(*parts: str) -> str:
    """Hash of what makes a version differ (title and body), whitespace-normalised."""
    normalised = "\x1f".join(" ".join(p.split()) for p in parts)
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RawPage:
    """One original as archived: the bytes, where they came from, and where they sit in the WARC files."""

    url: str
    body: bytes
    fetched: datetime
    content_type: str = "text/html"
    warc_file: str | None = None
    warc_offset: int | None = None
    record_id: str | None = None


@dataclass
class Comment:
    """A reader comment, kept apart from the article body (campaigners cite these as testimony)."""

    author: str | None
    text: str
    published: str | None = None  # ISO 8601 date or datetime
    approximate: bool = False  # True when resolved from a relative date ("11 months ago")
    depth: int = 0  # 0 for a top-level comment, 1 for a reply, ...

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Document:
    """One article as extracted: the unit that is stored, enriched, indexed and shown."""

    url: str
    canonical_url: str
    source: str
    title: str
    text: str
    fetched: datetime
    authors: list[str] = field(default_factory=list)
    published: date | None = None
    published_from: str | None = None  # where the date came from: metadata, printed, url, htmldate or post
    # how far the page's dates agree: "agreed" (two or more say the same day), "single" (one says it),
    # "near" (a one-day difference, settled by the printed date or the URL, or by a forum post's timestamp
    # in its own offset), "disputed" (more than a day),
    # "updated" (the page prints only when it was last updated: published on or before that day)
    published_confidence: str | None = None
    updated: date | None = None
    comments: list[Comment] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    # how sure extraction was: "full" (the article as found), "fallback" (trafilatura's reading of the page
    # taken where ours found clearly less), "uncertain" (little text: worth a look by a person)
    extraction: str = "full"
    # the stamp of the extractor that read it (indexer.extract.version): a document read by an older one is
    # read again from its originals by `casebook reextract`
    extractor: str | None = None

    @property
    def id(self) -> str:
        return stable_id(self.canonical_url)

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.text)

    @property
    def author(self) -> str:
        return ", ".join(self.authors)


@dataclass(frozen=True)
class Role:
    title: str
    start: date | None
    end: date | None
    source_url: str

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class Entity:
    """A canonical entity from the gazetteer (or one the statistical model found)."""

    id: str
    kind: EntityKind
    name: str
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    case_sensitive: bool = False  # True: every name matches only as written ("Mind", not "bear in mind")


@dataclass(frozen=True)
class Mention:
    """An entity's span in a document's text (character offsets into ``Document.text``)."""

    text: str
    kind: EntityKind
    id: str
    name: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Quote:
    """Reported speech with its speaker as written and, where known, the speaker's entity id."""

    text: str
    speaker: str | None
    speaker_id: str | None
    cue: str | None
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Source:
    """One entry of the sources registry (``corpus/sources.toml``)."""

    name: str
    kind: str
    url: str
    title: str = ""
    start_urls: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    since: date | None = None
    download_delay: float = 1.0
    article_pattern: str | None = None
    exclude_patterns: tuple[str, ...] = ()
    comment_selector: str | None = None  # CSS picking each reader comment, where the site's markup is its own
    timezone: str = "Europe/London"  # where a UTC timestamp's day is read (the registry's sites are British)
