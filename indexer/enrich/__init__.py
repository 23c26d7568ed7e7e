"""Enrichment: entity mentions (with canonical ids from the gazetteer) and attributed quotes per document.

Owns the spaCy pipeline (the model, the gazetteer's EntityRulers, the ``casebook_quotes`` component), the
gazetteer and lexicon loaders (``corpus/gazetteer``) and the version stamp that tells stale annotations.
The stage itself is ``indexer.enrich.enricher.Enricher``.
"""
