"""The enrichment version stamp: model, gazetteer and code, so the archive can tell stale annotations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy

from indexer.enrich.gazetteer import Folders, gazetteer_hash

# Bumped whenever a change in indexer/enrich/ (mentions, links, roles, quotes) or in the gazetteer format
# changes what enrichment gives for the same text: part of Enricher.version, so the archive can tell stale
# annotations. The stamp names no module path: moving code does not make annotations stale.
CODE_VERSION = "3"


def version_stamp(meta: dict[str, Any], model: str, gazetteer_dir: Folders) -> str:
    """``{lang}_{model}-{model version}+gazetteer-{hash}+code-{CODE_VERSION}`` from the model's meta."""
    return (
        f"{meta.get('lang', 'xx')}_{meta.get('name', model)}-{meta.get('version', '0')}"
        f"+gazetteer-{gazetteer_hash(gazetteer_dir)[:12]}+code-{CODE_VERSION}"
    )


def pipeline_version(model: str, gazetteer_dir: Folders) -> str | None:
    """``Enricher(model, gazetteer_dir).version`` without loading the model (read from its meta.json), so
    that finding nothing stale costs no spaCy load; None when the model's meta cannot be found that way."""
    try:
        path = spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model)
        meta = spacy.util.load_meta(path / "meta.json")
    except (OSError, ValueError, ImportError):
        return None
    return version_stamp(meta, model, gazetteer_dir)
