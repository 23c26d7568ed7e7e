"""Extraction: one archived original in, one ``Document`` out (or ``NotAnArticle`` with a one-line reason).

Owns everything between the archived bytes and the stored document: decoding, the refusal of pages that
are not one article, reader comments kept apart, pruning of site chrome, trafilatura's reading compared
with the library's own plain reading, title, authors and the publication date. The stage itself is
``indexer.extract.stage.extract``.
"""
