"""Orchestration of the stages over one data folder: ingest (archive, extract, store, enrich, index),
re-enrichment, the demo build, ``casebook check`` and the entities report.

The stages (``indexer.extract``, ``indexer.enrich``, ``indexer.dedup``, ``indexer.search``) know nothing of
each other; this package is where they meet, with the store and the archive under them. It never imports
the crawler or the web UI: "crawl, then ingest" is put together by the command line.
"""
