"""Name forms shared by mention finding and linking: the slug, the name without honorifics, derived ids."""

from __future__ import annotations

import re
import unicodedata

HONORIFICS = frozenset(
    {
        "sir", "dame", "dr", "mr", "mrs", "ms", "miss", "lord", "lady",
        "baroness", "professor", "prof", "rt", "hon",
    }
)  # fmt: skip


def slug(text: str) -> str:
    """ASCII, lower case, hyphen-separated: "Thérèse Coffey" -> "therese-coffey"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def normalise_name(text: str, titles: frozenset[str] = frozenset()) -> str:
    """The name without honorifics, possessive or stray spacing: "Sir Stephen Timms’s" -> "Stephen Timms".

    ``titles``: more words to drop before a person's name (the lexicon's: "Councillor", "Judge", "Sen.").
    """
    text = unicodedata.normalize("NFC", text).replace("’", "'").strip()
    text = re.sub(r"'s$|'$", "", text).strip()
    words = text.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS | titles | {"the"}:
        words = words[1:]
    return " ".join(words)


def derived_id(kind: str, name: str) -> str:
    """Id for an entity only the model found: same name, same id, in every document."""
    return f"{kind}:{slug(name)}"
