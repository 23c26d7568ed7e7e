"""The bundled demo corpus: real articles from the target sites, as pages in ``corpus/demo/``, and the
invented SAMPLE DATA articles that ``indexer.pipeline.samples`` writes beside them.

``manifest.toml`` records each real page's original URL, fetch time and Content-Type, so the demo archive
carries the same provenance a crawl would; each sample page carries its invented outlet's address and the
time a crawl would have fetched it.
"""

from __future__ import annotations

import tempfile
import tomllib
from datetime import datetime
from pathlib import Path

from casebook.errors import CasebookError
from casebook.settings import Settings
from indexer.pipeline.ingest import FileImport, IngestReport, ingest


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


def sample_imports(settings: Settings, folder: Path) -> list[FileImport]:
    """The sample pages, written to ``folder`` to be archived (the WARC files keep them afterwards)."""
    from indexer.pipeline.samples import sample_pages

    pages = sample_pages(
        settings.sample_templates_path, settings.sample_sources_path, settings.sample_gazetteer_path
    )
    imports = []
    for n, page in enumerate(pages):
        path = folder / f"sample-{n:04d}.html"
        path.write_text(page.html, encoding="utf-8")
        imports.append(FileImport(path, page.url, page.fetched, "text/html; charset=utf-8"))
    return imports


def build_demo(settings: Settings, progress: bool = True) -> IngestReport:
    """``casebook demo`` without serving: the real pages and the sample pages, through the whole line."""
    with tempfile.TemporaryDirectory(prefix="casebook-sample-") as folder:
        imports = demo_imports(settings.demo_path) + sample_imports(settings, Path(folder))
        return ingest(settings, imports=imports, progress=progress)
