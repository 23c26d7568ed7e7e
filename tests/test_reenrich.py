"""Re-enrichment (indexer/pipeline/reenrich.py): stale annotations found by their stamp, brought up to date.

Each test works on its own copy of the session's demo archive (never the shared one) and reuses the
session's Enricher: a changed pipeline is an Enricher whose version differs.
"""

from __future__ import annotations

import copy
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import settings_for
from searching import search

from casebook.settings import Settings
from casebook.store import open_store
from indexer.pipeline.reenrich import reenrich

pytestmark = pytest.mark.slow

NEW_PARAGRAPH = "\n\nLiz Kendall said: “The marmalade policy will stay exactly as it is.”"


def archive_copy(demo_archive: Settings, tmp_path: Path) -> Settings:
    target = tmp_path / "data"
    shutil.copytree(demo_archive.data_dir, target, symlinks=True)
    return settings_for(target)


def changed_pipeline(enricher, tag: str = "changed"):  # noqa: ANN001, ANN201
    """The same spaCy pipeline under another version stamp (as after a gazetteer edit)."""
    other = copy.copy(enricher)
    other.version = f"{enricher.version}+{tag}"
    return other


def all_ids(settings: Settings) -> list[str]:
    with open_store(settings) as store:
        return sorted(s.document.id for s in store.iter_documents())


def stale(settings: Settings, version: str) -> list[str]:
    with open_store(settings) as store:
        return store.stale_enrichments(version)


def test_a_fresh_ingest_leaves_nothing_stale(demo_archive, enricher) -> None:  # noqa: ANN001
    assert all_ids(demo_archive)
    assert stale(demo_archive, enricher.version) == []


def test_the_version_needs_no_model_load(enricher) -> None:  # noqa: ANN001
    from indexer.enrich.version import pipeline_version

    settings = settings_for(Path("unused"))
    assert pipeline_version(settings.model, settings.gazetteer_paths) == enricher.version
    assert pipeline_version("no_such_spacy_model_casebook", settings.gazetteer_paths) is None


def test_a_changed_pipeline_makes_all_stale_and_reenrich_fixes_them(demo_copy, enricher) -> None:  # noqa: ANN001
    settings = demo_copy
    ids = all_ids(settings)
    with open_store(settings) as store:
        before = {i: (store.mentions(i), store.quotes(i)) for i in ids}
    other = changed_pipeline(enricher)
    assert stale(settings, other.version) == ids

    report = reenrich(settings, progress=False, enricher=other)
    assert report.stale == len(ids) and sorted(report.changed) == ids and report.index_updated
    assert stale(settings, other.version) == []
    assert stale(settings, enricher.version) == ids  # stamped with the version that ran
    with open_store(settings) as store:  # the same pipeline gives the same annotations
        assert {i: (store.mentions(i), store.quotes(i)) for i in ids} == before

    again = reenrich(settings, progress=False, enricher=other)
    assert again.stale == 0 and again.changed == []
    assert again.summary().startswith("enrich: nothing to do")


def test_a_changed_text_makes_that_document_stale(demo_copy, enricher) -> None:  # noqa: ANN001
    settings = demo_copy
    reenrich(settings, progress=False, enricher=enricher)  # up to date first, whatever ingest stamped
    target = all_ids(settings)[0]
    with open_store(settings) as store:
        doc = store.get(target).document
        with store.transaction():
            assert store.save(replace(doc, text=doc.text + NEW_PARAGRAPH)) == "updated"
    assert stale(settings, enricher.version) == [target]
    assert search(settings.index_dir, "quote:marmalade")["total"] == 0

    report = reenrich(settings, progress=False, enricher=enricher)
    assert report.changed == [target]
    assert stale(settings, enricher.version) == []
    with open_store(settings) as store:
        quote = next(q for q in store.quotes(target) if "marmalade" in q.text)
    assert quote.speaker_id == "official:liz-kendall"
    assert search(settings.index_dir, "quote:marmalade")["total"] == 1  # the index entry follows


def test_an_interrupted_run_is_finished_by_the_next(demo_archive, enricher, tmp_path: Path) -> None:  # noqa: ANN001
    settings = replace(archive_copy(demo_archive, tmp_path), enrich_batch_size=2)
    ids = all_ids(settings)
    other = changed_pipeline(enricher)

    from indexer.enrich.enricher import Enricher

    class Interrupted(Enricher):
        calls = 0

        def enrich_many(self, docs, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            Interrupted.calls += 1
            if Interrupted.calls == 2:
                raise KeyboardInterrupt
            return super().enrich_many(docs, *args, **kwargs)

    stopping = copy.copy(other)
    stopping.__class__ = Interrupted
    with pytest.raises(KeyboardInterrupt):
        reenrich(settings, progress=False, enricher=stopping)
    left = stale(settings, other.version)
    assert left == ids[2:]  # the first batch of two was kept

    report = reenrich(settings, progress=False, enricher=other)
    assert report.changed == ids[2:]
    assert stale(settings, other.version) == []


def test_force_reenriches_everything_even_when_up_to_date(demo_archive, enricher, tmp_path: Path) -> None:  # noqa: ANN001
    settings = archive_copy(demo_archive, tmp_path)
    report = reenrich(settings, progress=False, force=True, enricher=enricher)
    assert report.forced and sorted(report.changed) == all_ids(settings)
    assert stale(settings, enricher.version) == []


def test_a_text_changed_while_enriching_is_left_for_the_next_run(
    demo_archive, enricher, tmp_path: Path
) -> None:  # noqa: ANN001
    settings = archive_copy(demo_archive, tmp_path)
    ids = all_ids(settings)
    other = changed_pipeline(enricher)
    target = ids[0]

    from indexer.enrich.enricher import Enricher

    class EditsMeanwhile(Enricher):
        def enrich_many(self, docs, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            results = list(super().enrich_many(docs, *args, **kwargs))
            with open_store(settings) as writer:  # another run stores a new version of one of them
                doc = writer.get(target).document
                if NEW_PARAGRAPH not in doc.text:
                    with writer.transaction():
                        writer.save(replace(doc, text=doc.text + NEW_PARAGRAPH))
            return iter(results)

    editing = copy.copy(other)
    editing.__class__ = EditsMeanwhile
    report = reenrich(settings, progress=False, enricher=editing)
    assert report.left_stale == [target] and target not in report.changed
    assert "left for the next run" in report.summary()
    assert stale(settings, other.version) == [target]
    assert reenrich(settings, progress=False, enricher=other).changed == [target]


@pytest.mark.slow
def test_ingest_says_when_enrichment_is_stale_and_casebook_enrich_brings_it_up_to_date(
    demo_archive, tmp_path: Path
) -> None:  # noqa: ANN001
    import shutil

    from click.testing import CliRunner

    from casebook.cli import cli

    data = tmp_path / "data"
    shutil.copytree(demo_archive.data_dir, data, symlinks=True)
    gazetteer = tmp_path / "gazetteer"
    shutil.copytree(demo_archive.gazetteer_path, gazetteer)
    (gazetteer / "zz-extra.toml").write_text(
        '[[entities]]\nid = "org:casebook-test"\nkind = "organisation"\nname = "Casebook Test Org"\n',
        encoding="utf-8",
    )
    env = {"CASEBOOK_GAZETTEER_DIR": str(gazetteer)}
    page = sorted(demo_archive.demo_path.glob("*.html"))[0]  # archived already: ingest has nothing to do
    runner = CliRunner()
    ingested = runner.invoke(cli, ["--data-dir", str(data), "ingest", "--no-progress", str(page)], env=env)
    assert ingested.exit_code == 0, ingested.output
    assert "have entities and quotes from an older enrichment pipeline" in ingested.output
    enriched = runner.invoke(cli, ["--data-dir", str(data), "enrich", "--no-progress"], env=env)
    assert enriched.exit_code == 0 and "re-enriched" in enriched.output, enriched.output
    again = runner.invoke(cli, ["--data-dir", str(data), "ingest", "--no-progress", str(page)], env=env)
    assert "older enrichment pipeline" not in again.output
