"""Near-duplicates (tables ``near_dup_bands``, ``clusters``, ``canonical_claims``): each document's MinHash
LSH band hashes, the clusters of copies with their original, and the page on another site a document's
rel=canonical named."""

from __future__ import annotations

from casebook.store.database import Database


class Clusters(Database):
    """Tables ``near_dup_bands``, ``clusters`` and ``canonical_claims``."""

    def set_bands(self, doc_id: str, bands: list[int]) -> None:
        """Replace a document's LSH band hashes (position in the list = band number)."""
        self.db.execute("DELETE FROM near_dup_bands WHERE doc_id=?", (doc_id,))
        self.db.executemany(
            "INSERT INTO near_dup_bands VALUES (?,?,?) ON CONFLICT DO NOTHING",
            [(band, value, doc_id) for band, value in enumerate(bands)],
        )

    def band_candidates(self, bands: list[int]) -> list[str]:
        """Documents sharing at least one band hash with these: one query, an index look-up per band (a
        query per band cost a round trip each on a server)."""
        if not bands:
            return []
        wanted = " OR ".join(["(band=? AND hash=?)"] * len(bands))
        pairs = [v for band, value in enumerate(bands) for v in (band, value)]
        rows = self.db.execute(f"SELECT DISTINCT doc_id FROM near_dup_bands WHERE {wanted}", pairs)
        return sorted(r["doc_id"] for r in rows)

    def set_cluster(self, original_id: str, duplicates: dict[str, float]) -> None:
        """Record a cluster: the original and its copies ({copy id: similarity}), replacing their old rows."""
        members = [original_id, *duplicates]
        self.db.executemany("DELETE FROM clusters WHERE doc_id=?", [(m,) for m in members])
        self.db.execute("INSERT INTO clusters VALUES (?,?,NULL,NULL)", (original_id, original_id))
        self.db.executemany(
            "INSERT INTO clusters VALUES (?,?,?,?)",
            [(doc_id, original_id, original_id, sim) for doc_id, sim in duplicates.items()],
        )

    def remove_from_cluster(self, doc_id: str) -> None:
        self.db.execute("DELETE FROM clusters WHERE doc_id=?", (doc_id,))

    def duplicate_of(self, doc_id: str) -> str | None:
        """The id of the original this document is a copy of; None for an original or an unclustered one."""
        row = self.db.execute("SELECT duplicate_of FROM clusters WHERE doc_id=?", (doc_id,)).fetchone()
        return None if row is None else row["duplicate_of"]

    def cluster_similarity(self, doc_id: str) -> float | None:
        """A copy's containment in its original (1.0: wholly inside it); None if not a copy."""
        row = self.db.execute("SELECT similarity FROM clusters WHERE doc_id=?", (doc_id,)).fetchone()
        return None if row is None else row["similarity"]

    def cluster_members(self, doc_id: str) -> list[str]:
        """Every document of this document's cluster, the original first, then copies by similarity;
        ``[doc_id]`` when it is in no cluster."""
        row = self.db.execute("SELECT cluster_id FROM clusters WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return [doc_id]
        rows = self.db.execute(
            "SELECT doc_id FROM clusters WHERE cluster_id=?"
            " ORDER BY duplicate_of IS NOT NULL, similarity DESC NULLS LAST, doc_id",
            (row["cluster_id"],),
        )
        return [r["doc_id"] for r in rows]

    def cluster_count(self) -> int:
        return self.db.execute("SELECT COUNT(DISTINCT cluster_id) FROM clusters").fetchone()[0]

    # -- canonical claims ------------------------------------------------------------------------

    def set_canonical_claim(self, doc_id: str, claimed_url: str | None) -> None:
        """Note the page on another site a document's rel=canonical named (None: it named none)."""
        if claimed_url is None:
            self.db.execute("DELETE FROM canonical_claims WHERE doc_id=?", (doc_id,))
        else:
            self.db.execute(
                "INSERT INTO canonical_claims VALUES (?,?)"
                " ON CONFLICT (doc_id) DO UPDATE SET claimed_url=excluded.claimed_url",
                (doc_id, claimed_url),
            )

    def canonical_claim(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT claimed_url FROM canonical_claims WHERE doc_id=?", (doc_id,)).fetchone()
        return None if row is None else row["claimed_url"]

    def copies(self) -> dict[str, str]:
        """Every near-duplicate copy's id with its original's."""
        rows = self.db.execute("SELECT doc_id, duplicate_of FROM clusters WHERE duplicate_of IS NOT NULL")
        return {r["doc_id"]: r["duplicate_of"] for r in rows}
