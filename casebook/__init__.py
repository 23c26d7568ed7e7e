"""Casebook: an investigative archive and search engine for UK welfare and disability coverage.

This package is the ground every stage stands on: the shared dataclasses (``models``), the one settings
object (``settings``), errors a user can meet (``errors``), the sources registry and events (``sources``,
``events``), named timelines' rules (``timelines``), the store (``store``: every SQL statement) and the WARC
archive (``archive``). It imports no stage. ``cli`` is the exception that proves it: the one entry point,
the only module allowed to import every part.
"""
