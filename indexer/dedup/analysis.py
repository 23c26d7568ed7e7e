"""How files given to ``casebook analyze`` relate: versions of one article, and near-duplicate copies.

Two files with the same document id (same canonical URL) are versions, ordered by fetch time; files with
different ids are compared for near-duplication, as the archive would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casebook.models import Document
from indexer.dedup.duplicates import find_duplicates
from indexer.dedup.versions import diff_texts


def versions(files: list[tuple[Path, Document]]) -> dict[Path, list[dict[str, Any]]]:
    """For each file: the version history of its document among the files, with diffs from version 2 on."""
    by_id: dict[str, list[tuple[Path, Document]]] = {}
    for path, doc in files:
        by_id.setdefault(doc.id, []).append((path, doc))
    history: dict[Path, list[dict[str, Any]]] = {}
    for group in by_id.values():
        group.sort(key=lambda item: item[1].fetched)
        entries: list[dict[str, Any]] = []
        previous: Document | None = None
        for number, (path, doc) in enumerate(group, 1):
            entry: dict[str, Any] = {
                "version": number,
                "fetched": doc.fetched.isoformat(),
                "content_hash": doc.content_hash,
                "file": str(path),
            }
            if previous is not None:
                diff = diff_texts(
                    previous.text,
                    doc.text,
                    previous.title,
                    doc.title,
                    old_version=number - 1,
                    new_version=number,
                    old_fetched=previous.fetched.isoformat(),
                    new_fetched=doc.fetched.isoformat(),
                )
                entry.update(changes=diff.stats(), diff=diff.unified())
            entries.append(entry)
            previous = doc
        for path, _doc in group:
            history[path] = entries
    return history


def duplicates(files: list[tuple[Path, Document]]) -> dict[Path, dict[str, Any]]:
    """For each file that is a near-duplicate copy: the file, URL and similarity of its original."""
    latest: dict[str, tuple[Path, Document]] = {}
    for path, doc in files:
        if doc.id not in latest or doc.fetched >= latest[doc.id][1].fetched:
            latest[doc.id] = (path, doc)
    unique = list(latest.values())
    found = find_duplicates([doc for _path, doc in unique])
    out: dict[Path, dict[str, Any]] = {}
    for copy, (original, similarity) in found.items():
        original_path, original_doc = unique[original]
        for path, doc in files:
            if doc.id == unique[copy][1].id:
                out[path] = {
                    "file": str(original_path),
                    "url": original_doc.canonical_url,
                    "similarity": round(similarity, 3),
                }
    return out
