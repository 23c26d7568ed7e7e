"""Casebook: an investigative archive and search engine for UK welfare and disability coverage."""
