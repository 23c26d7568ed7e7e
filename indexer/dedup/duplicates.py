"""Near-duplicates: reposts and syndicated copies grouped into one cluster, the earliest copy as the original.

Campaign blogs repost Disability News Service and Benefits and Work stories, whole or trimmed, with a line
such as "This article first appeared on Disability News Service". Search can then show originals only, and a
document page can say where else the story ran.

Threshold (``THRESHOLD = 0.5``), chosen on the gold set (tests/gold/, see tests/test_duplicates.py)
    Copies of one story score 0.97-1.0 (a repost with its own byline, provenance line and trimmed ending);
    different stories on the same topic ("work coaches", "PIP appeals", the same minister quoted) score at
    most 0.03, because even a shared quotation is a small part of each story. 0.5 sits far from both: a copy
    has to share most of its text to cluster, and an article that quotes half of another (commentary around
    a long quotation) is treated as a copy, which is what a reader would call it.

Which copy is the original
    A copy that credits another member's outlet ("first appeared on Disability News Service", "with many
    thanks to Benefits And Work") points to it: the credited member is the original, whatever the dates say
    (reposts often carry a date while the original page shows none). Otherwise the earliest: by published
    date (a page without one is dated by its first fetch, the latest it can have been published), then first
    fetch, then id. Every other member points at the original (``duplicate_of``), never at another copy.

How two texts are compared and candidates found: :mod:`indexer.dedup.minhash`. Whose page a fetched page
is (a canonical on another site is a claim): :mod:`indexer.dedup.canonical`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from casebook.models import Document
from indexer.dedup.canonical import same_page
from indexer.dedup.minhash import MIN_SHINGLES, bands_for, bands_of, containment, shingles

if TYPE_CHECKING:
    from casebook.store import Store

THRESHOLD = 0.5


# ----------------------------------------------------------------------------------------------------------
# Choosing the original


_CREDIT_RE = re.compile(
    r"\b(?:first (?:appeared|published)|originally (?:appeared|published|posted)|reproduced|republished"
    r"|reposted|cross-?posted|(?:with )?(?:many )?thanks to|courtesy of|source:|via)"
    r"\s+(?:on|in|by|at|from|with)?\s*(?:the\s+)?"
    r"([A-Z][\w'’&.-]*(?:\s+(?:and|of|the|&|[A-Za-z][\w'’&.-]*)){0,6})",
    re.IGNORECASE,
)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def credits(text: str) -> list[str]:
    """Outlets a body credits as the source it copies ('This article first appeared on Disability News
    Service' -> ['disabilitynewsservice', ...]), as normalised name prefixes to match against."""
    found = []
    paras = [p for p in text.split("\n") if p.strip()]
    for para in paras[:3] + paras[-3:]:  # a provenance line opens or closes a repost
        for match in _CREDIT_RE.finditer(para):
            words = match.group(1).split()
            # 'Disability News Service, 2 February 2023' / 'Benefits And Work.': every prefix of the name,
            # longest first, so the outlet matches however much of the sentence followed it
            for n in range(len(words), 0, -1):
                key = _key(" ".join(words[:n]))
                if len(key) >= 6:
                    found.append(key)
    return found


@dataclass(frozen=True)
class Copy:
    """One document as the clustering sees it. ``claims``: the page on another site its rel=canonical
    named (see :func:`canonical_identity`)."""

    id: str
    text: str
    source: str
    url: str
    published: date | None
    first_fetched: datetime
    claims: str | None = None

    @classmethod
    def of(cls, doc: Document, first_fetched: datetime | None = None, claims: str | None = None) -> Copy:
        return cls(
            doc.id,
            doc.text,
            doc.source,
            doc.canonical_url,
            doc.published,
            first_fetched or doc.fetched,
            claims,
        )

    def names(self) -> set[str]:
        """Normalised names this copy's outlet goes by: the source slug and the host's labels."""
        host = re.sub(r"^www\.", "", re.sub(r"^[a-z]+://", "", self.url).split("/")[0])
        names = {_key(self.source), _key(host.split(".")[0]), _key(host)}
        return {n for n in names if len(n) >= 4}


def _day(value: datetime) -> date:
    return value.date()


def elect_original(copies: Sequence[Copy]) -> Copy:
    """The original among copies of one story: the one the others credit (in their text, or by naming it
    as their canonical page), else the earliest."""
    credited = []
    for copy in copies:
        others_credit = {c for other in copies if other.id != copy.id for c in credits(other.text)}
        claimed = any(o.claims and o.id != copy.id and same_page(o.claims, copy.url) for o in copies)
        if claimed or copy.names() & others_credit:
            credited.append(copy)
    pool = credited or list(copies)
    return min(
        pool,
        key=lambda c: (c.published or _day(c.first_fetched), c.first_fetched.isoformat(), c.id),
    )


def components(copies: Sequence[Copy], threshold: float = THRESHOLD) -> list[list[Copy]]:
    """Groups of copies connected by similarity >= threshold (all pairs: only for a handful of copies)."""
    sets = [shingles(c.text) for c in copies]
    parent = list(range(len(copies)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(copies)):
        for j in range(i + 1, len(copies)):
            if min(len(sets[i]), len(sets[j])) < MIN_SHINGLES:
                continue
            if containment(sets[i], sets[j]) >= threshold:
                parent[find(i)] = find(j)
    groups: dict[int, list[Copy]] = {}
    for i, copy in enumerate(copies):
        groups.setdefault(find(i), []).append(copy)
    return list(groups.values())


@dataclass(frozen=True)
class Duplicate:
    """A copy and the original it points to, with the containment between the two texts."""

    id: str
    duplicate_of: str
    similarity: float


def cluster(copies: Sequence[Copy], threshold: float = THRESHOLD) -> list[tuple[Copy, list[Duplicate]]]:
    """Cluster a small set of copies: (original, its duplicates) for every group of two or more."""
    out = []
    for group in components(copies, threshold):
        if len(group) < 2:
            continue
        original = elect_original(group)
        ref = shingles(original.text)
        dups = [
            Duplicate(c.id, original.id, round(containment(shingles(c.text), ref), 4))
            for c in group
            if c.id != original.id
        ]
        out.append((original, dups))
    return out


# ----------------------------------------------------------------------------------------------------------
# In memory (casebook analyze over several files)


def find_duplicates(docs: Sequence[Document], threshold: float = THRESHOLD) -> dict[int, tuple[int, float]]:
    """Near-duplicates among documents held in memory: {index of a copy: (index of its original, similarity)}.

    Candidates come from the same LSH bands as in the store, so this also scales to a long list of files.
    Documents with the same id (two fetches of one URL) are versions, not duplicates: pass one of each.
    """
    buckets: dict[tuple[int, int], list[int]] = {}
    neighbours: dict[int, set[int]] = {i: set() for i in range(len(docs))}
    for i, doc in enumerate(docs):
        for band, value in enumerate(bands_for(doc.text)):
            for j in buckets.setdefault((band, value), []):
                neighbours[i].add(j)
                neighbours[j].add(i)
            buckets[(band, value)].append(i)
    seen: set[int] = set()
    result: dict[int, tuple[int, float]] = {}
    for start in range(len(docs)):
        if start in seen or not neighbours[start]:
            continue
        group, stack = [], [start]
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            group.append(i)
            stack.extend(neighbours[i] - seen)
        copies = [replace(Copy.of(docs[i]), id=str(i)) for i in sorted(group)]
        for _original, dups in cluster(copies, threshold):
            for dup in dups:
                result[int(dup.id)] = (int(dup.duplicate_of), dup.similarity)
    return result


# ----------------------------------------------------------------------------------------------------------
# In the store (ingest)


def _stored_copy(store: Store, doc_id: str) -> Copy | None:
    stored = store.get(doc_id)
    if stored is None:
        return None
    return Copy.of(stored.document, stored.first_fetched, store.canonical_claim(doc_id))


@dataclass(frozen=True)
class Fingerprint:
    """A text's shingles and LSH bands: the costly part of clustering (seconds for a very long article),
    computed before the store's write transaction is taken."""

    shingles: set[str]
    bands: list[int]

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        found = shingles(text)
        return cls(found, bands_of(found))


def assign_cluster(
    store: Store, doc: Document, threshold: float = THRESHOLD, fingerprint: Fingerprint | None = None
) -> str | None:
    """Index a stored document's bands, (re)cluster it with the copies LSH finds. Call after ``store.save``.

    Returns the id of the original this document is a copy of, or None (an original, or no copy known).
    Clusters the document belonged to before (an earlier version) are recomputed, so an edited text that no
    longer matches leaves its cluster, and a new earliest copy takes over as the original. Runs inside the
    caller's transaction; ``fingerprint`` (of ``doc.text``), computed before it, keeps that short.
    """
    fingerprint = fingerprint or Fingerprint.of(doc.text)
    bands = fingerprint.bands
    store.set_bands(doc.id, bands)
    candidate_ids = set(store.band_candidates(bands)) - {doc.id} if bands else set()
    matches = {
        cid
        for cid in candidate_ids
        if (other := store.get(cid)) is not None
        and containment(fingerprint.shingles, shingles(other.document.text)) >= threshold
    }
    affected = {doc.id} | matches
    for member in [doc.id, *matches]:
        affected.update(store.cluster_members(member))
    if affected == {doc.id}:  # no copy, and in no cluster before: nothing to elect
        store.remove_from_cluster(doc.id)
        return None
    copies = [c for c in (_stored_copy(store, i) for i in sorted(affected)) if c is not None]
    for copy in copies:
        store.remove_from_cluster(copy.id)
    duplicate_of = None
    for original, dups in cluster(copies, threshold):
        store.set_cluster(original.id, {d.id: d.similarity for d in dups})
        for dup in dups:
            if dup.id == doc.id:
                duplicate_of = dup.duplicate_of
    return duplicate_of


REBUILD_BATCH = 200  # documents clustered per write transaction by rebuild_clusters


def rebuild_clusters(store: Store, threshold: float = THRESHOLD) -> int:
    """Cluster every stored document (an archive ingested before clustering existed); returns the count.

    A batch of ``REBUILD_BATCH`` documents is read and fingerprinted first, then clustered in one short
    write transaction, so other commands and the web UI write in between (one transaction over a large
    archive held the store for over a minute)."""
    ids = store.document_ids()
    for start in range(0, len(ids), REBUILD_BATCH):
        batch = [s.document for s in (store.get(i) for i in ids[start : start + REBUILD_BATCH]) if s]
        prints = [Fingerprint.of(doc.text) for doc in batch]
        with store.write_transaction():
            for doc, fingerprint in zip(batch, prints, strict=True):
                if store.content_hash(doc.id) == doc.content_hash:  # unchanged since it was read
                    assign_cluster(store, doc, threshold, fingerprint)
    return store.cluster_count()
