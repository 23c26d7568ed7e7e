"""How two texts are compared, and how candidate copies are found without comparing every pair.

How two documents are compared
    Each body is cut into 5-word shingles (lower-cased word tokens, so punctuation, quote styles and
    paragraph breaks do not matter). The similarity of two documents is the *containment* of the smaller
    shingle set in the larger, ``|A ∩ B| / min(|A|, |B|)``: a repost trimmed to its first third is still
    wholly contained in the original (Jaccard would score it 0.33 and lose it). Pages with fewer than
    ``MIN_SHINGLES`` shingles are never clustered: a two-line note proves nothing.

How candidates are found (no all-pairs comparison)
    MinHash over the shingles (``NUM_PERM = 128`` permutations of 32-bit shingle hashes, numpy-vectorised)
    and locality-sensitive hashing: the signature is cut into ``BANDS = 64`` bands of ``ROWS = 2`` values,
    and documents sharing any band are candidates. Band hashes live in the store (table ``near_dup_bands``,
    indexed by band and hash), so finding the candidates of a new document is 64 index look-ups however big
    the archive. Two rows per band is deliberately permissive: a pair with Jaccard J collides with
    probability 1 - (1 - J^2)^64, which is 0.93 at J = 0.2 (a repost trimmed to a fifth) and 0.03 at
    J = 0.02 (stories sharing a stock phrase); candidates are then verified exactly on their texts, so
    permissive banding costs a few extra comparisons, never a wrong cluster.

Why not datasketch: its LSH index lives in memory (or Redis/Cassandra); the archive needs candidates looked
up in SQLite beside the documents, and the MinHash itself is twenty lines of numpy.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import numpy as np

SHINGLE_WORDS = 5
MIN_SHINGLES = 20
NUM_PERM = 128
BANDS = 64
ROWS = NUM_PERM // BANDS

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64(0xFFFFFFFF)
_rng = np.random.RandomState(1)  # fixed: signatures stored in the archive must stay comparable across runs
_PERM_A = _rng.randint(1, 1 << 31, size=NUM_PERM, dtype=np.uint64)
_PERM_B = _rng.randint(0, 1 << 31, size=NUM_PERM, dtype=np.uint64)


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("’", "'").replace("‘", "'"))


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    toks = tokens(text)
    return {" ".join(toks[i : i + k]) for i in range(len(toks) - k + 1)}


def containment(a: set[str], b: set[str]) -> float:
    """Share of the smaller set found in the larger (1.0: one text is wholly inside the other)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _hash32(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=4).digest(), "little")


def minhash(shingle_set: Iterable[str]) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of a set of shingles."""
    hashes = np.fromiter((_hash32(s) for s in shingle_set), dtype=np.uint64)
    if hashes.size == 0:
        return np.full(NUM_PERM, _MAX32, dtype=np.uint64)
    # a*x + b stays below 2**63 (a, b < 2**31, x < 2**32): no overflow before the modulus
    permuted = (np.outer(hashes, _PERM_A) + _PERM_B) % _MERSENNE & _MAX32
    return permuted.min(axis=0)


def band_hashes(signature: np.ndarray) -> list[int]:
    """One integer per band (two 32-bit rows packed into a signed 64-bit SQLite integer)."""
    rows = signature.reshape(BANDS, ROWS).astype(np.int64)
    return [int(((r[0] & 0x7FFFFFFF) << 32) | r[1]) for r in rows]


def bands_of(shingle_set: set[str]) -> list[int]:
    """Band hashes of a body's shingles, or [] when there are too few to cluster."""
    return band_hashes(minhash(shingle_set)) if len(shingle_set) >= MIN_SHINGLES else []


def bands_for(text: str) -> list[int]:
    """Band hashes of a body, or [] when it is too short to cluster."""
    return bands_of(shingles(text))


def similarity(text_a: str, text_b: str) -> float:
    """Containment of two bodies' 5-word shingles; 0.0 when either is too short to compare."""
    a, b = shingles(text_a), shingles(text_b)
    if len(a) < MIN_SHINGLES or len(b) < MIN_SHINGLES:
        return 0.0
    return containment(a, b)
