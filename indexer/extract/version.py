"""The extractor's version stamp: this code and the libraries it reads pages with.

A page refused as "not an article" is catalogued with the stamp of the extractor that refused it
(``records.refused_by``). After an upgrade the stamp differs, and ingest reads those pages again: an
article an older Casebook refused (the first one refused 7% of real articles) is not lost for good, it
becomes a document the next time ``casebook ingest`` runs.
"""

from __future__ import annotations

from functools import cache

import htmldate
import trafilatura

# Bumped whenever a change in indexer/extract/ reads pages differently: a page an earlier version refused
# kept (or the other way round), or a date, author or text rule (``casebook reextract`` reads the documents
# an older stamp read again). The stamp names the library versions too: a new trafilatura or htmldate reads
# pages anew.
CODE_VERSION = "34"


@cache
def extractor_stamp() -> str:
    """``code-{CODE_VERSION}+trafilatura-{version}+htmldate-{version}``."""
    return f"code-{CODE_VERSION}+trafilatura-{trafilatura.__version__}+htmldate-{htmldate.__version__}"
