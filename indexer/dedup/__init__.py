"""Copies and versions: near-duplicate clusters across outlets, and what changed between versions of one
article (for the archive, and for files given to ``casebook analyze``)."""
