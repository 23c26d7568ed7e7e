"""What enrichment reads from a spaCy doc when the attribute ruler, lemmatizer and (mostly) the tagger
were skipped: the doc's text once, a token's tag on demand, its universal part of speech from that tag.

Enrichment skips the attribute ruler and lemmatizer (a fifth of the pipeline's time) and reads the tagger's
fine-grained tags instead, in both the quote component's modes, so a parsed and an unparsed doc give the
same answers. The tagger itself runs only over the tokens read (see ``window_tagger``).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

_TAG_UPOS = {
    "NNP": "PROPN", "NNPS": "PROPN", "NN": "NOUN", "NNS": "NOUN", "PRP": "PRON", "PRP$": "PRON",
    "WP": "PRON", "WP$": "PRON", "EX": "PRON", "DT": "DET", "PDT": "DET", "WDT": "DET", "VB": "VERB",
    "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "MD": "AUX", "JJ": "ADJ",
    "JJR": "ADJ", "JJS": "ADJ", "AFX": "ADJ", "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "WRB": "ADV",
    "IN": "ADP", "RP": "ADP", "CC": "CCONJ", "CD": "NUM", "TO": "PART", "POS": "PART", "UH": "INTJ",
    ".": "PUNCT", ",": "PUNCT", ":": "PUNCT", "``": "PUNCT", "''": "PUNCT", "-LRB-": "PUNCT",
    "-RRB-": "PUNCT", "HYPH": "PUNCT", "NFP": "PUNCT", "$": "SYM", "SYM": "SYM", "_SP": "SPACE",
}  # fmt: skip


TEXT_KEY = "casebook_text"
TAGGER_KEY = "casebook_tagger"  # set by Enricher while it reads a doc: tags tokens on demand


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once (spaCy joins every token each time the property is read)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def forget_text(doc: Doc) -> None:
    doc.user_data.pop(TEXT_KEY, None)


def tag(tok: Token) -> str:
    """The tagger's fine-grained tag, tagging the token first if enrichment has not (see ``QuoteComponent``).

    Enrichment tags only the tokens it reads; a token it did not foresee is tagged here, on demand, in a
    window wide enough that the tag is the one the whole-document tagger would give.
    """
    if not tok.tag and not tok.is_space:
        tagger = tok.doc.user_data.get(TAGGER_KEY)
        if tagger is not None:
            tagger.tag_tokens(tok.doc, [tok.i])
    return tok.tag_


def upos(tok: Token) -> str:
    """Universal part of speech from the tagger's tag (the attribute ruler's mapping, without the ruler)."""
    if tok.is_space:
        return "SPACE"
    return _TAG_UPOS.get(tag(tok), tok.pos_ or "X")
