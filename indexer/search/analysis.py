"""What a word is, for indexing, querying and highlighting alike, whatever the backend.

A word is a run of word characters (and ``*``) with single dots inside ("3.14", "x.y"), lower-cased: what
Whoosh's ``StandardAnalyzer(stoplist=None, minsize=1)`` makes of a text (its ``RegexTokenizer`` with
``whoosh.analysis.tokenizers.default_pattern``, then ``LowercaseFilter``). Text fields are indexed as these
words, unstemmed, with their positions; a plain query word is widened at search time to the words of the index
sharing its Porter stem (:func:`stem_of`, Whoosh's implementation of Porter's algorithm).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from whoosh.analysis.tokenizers import default_pattern
from whoosh.lang.porter import stem as porter_stem

TOKEN_RE: re.Pattern[str] = default_pattern  # Whoosh's tokenizer pattern: ``match.group(0)`` is a word
# The same pattern with its group made non-capturing, so that ``findall`` gives whole words in one call (the
# hottest loop of indexing); tests/test_whoosh_internals.py checks that the two find the same words.
WORDS_RE = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, in order (what the analyzer makes of it, without its tokens)."""
    lowered = text.lower()
    if len(lowered) == len(text) and "\u03a3" not in text:  # lower-casing kept every character apart
        return WORDS_RE.findall(lowered)
    # a character whose lower case is longer (or the final sigma): word by word, as the analyzer does
    return [match.group(0).lower() for match in TOKEN_RE.finditer(text)]


@lru_cache(maxsize=131072)
def stem_of(word: str) -> str:
    """The Porter stem of a (lower-case) word."""
    return porter_stem(word)


def stem_prefix(word: str) -> str:
    """A prefix every word sharing ``word``'s stem starts with (Porter only rewrites endings)."""
    s = stem_of(word)
    common = os.path.commonprefix([word, s])
    return common[: max(len(s) - 1, 2)]
