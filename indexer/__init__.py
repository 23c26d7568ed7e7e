"""Extraction, enrichment and the search index: the stages between the archive and the UI."""
