"""The bundled demo corpus: real articles from the target sites, as pages in ``corpus/demo/``.

``manifest.toml`` records each page's original URL, fetch time and Content-Type, so the demo archive
carries the same provenance a crawl would.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

from casebook.errors import CasebookError
from casebook.pipeline import FileImport


def demo_imports(demo_dir: Path) -> list[FileImport]:
    manifest = demo_dir / "manifest.toml"
    try:
        pages = tomllib.loads(manifest.read_text(encoding="utf-8"))["pages"]
    except (FileNotFoundError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise CasebookError(f"demo manifest {manifest} is missing or invalid ({exc})") from None
    imports = []
    for page in pages:
        path = demo_dir / page["file"]
        if not path.is_file():
            raise CasebookError(f"demo page listed in {manifest} is missing: {path}")
        fetched = datetime.fromisoformat(page["fetched"].replace("Z", "+00:00"))
        imports.append(FileImport(path, page["url"], fetched, page.get("content_type", "text/html")))
    return imports
