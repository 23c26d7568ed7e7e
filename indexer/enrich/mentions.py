"""Reading the model's entities as mentions: what counts as a name, where it starts and ends, its kind.

Page furniture and noise are dropped ("Logo Courtesy of DWP", a byline, a footnote glued to a name), a
leading article and a trailing possessive are trimmed, the capitalised words just before a name that belong
to it are taken in, and a name after "the charity" or "in" says what kind it is. ``tag_targets`` names the
tokens whose tags all of this reads, so the tagger runs over those only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token
from spacy.util import registry

from casebook.models import EntityKind
from indexer.enrich.names import normalise_name
from indexer.enrich.tokens import doc_text, tag, upos

# Statistical labels we keep; NORP, dates, numbers, works of art and the rest are dropped.
LABEL_KINDS: dict[str, EntityKind] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
# Words that never start, end or make up a real name in scraped pages ("Logo Courtesy of DWP").
JUNK_WORDS = frozenset(
    {
        "logo", "courtesy", "comments", "comment", "reply", "leave", "share", "loading", "cookies",
        "subscribe", "advertisement", "click", "photo", "image", "picture", "credit", "caption",
        "login", "log", "menu", "search", "read", "more", "view", "post", "tweet", "follow",
    }
)  # fmt: skip
# Capitalised common nouns the model tags on their own ("the Department", "the Committee"): not names.
GENERIC_WORDS = frozenset(
    {
        "department", "committee", "government", "council", "parliament", "court", "ministry", "office",
        "home", "house", "jobcentre", "jobcentres", "tribunal", "agency", "service", "board", "union",
        "party", "group", "team", "commission", "authority", "trust", "bill", "act", "brexit", "covid",
        "gp", "cv", "cvs", "state", "treasury", "cabinet", "minister", "secretary", "chair", "report",
    }
)  # fmt: skip
NOT_A_NAME_POS = frozenset({"VERB", "AUX", "ADV", "ADP", "PRON", "DET", "SCONJ", "CCONJ", "PART", "INTJ"})
_BYLINE_RE = re.compile(r"^\s*By\s+[A-Z]")
_FOOTNOTE_RE = re.compile(r"[A-Za-z][.,]\d+$")
# "the social enterprise Evenbreak", "the charity Mind": a name after one of these is an organisation,
# whatever label the model gave it.
ORG_NOUNS = frozenset(
    {
        "charity", "enterprise", "organisation", "organization", "company", "firm", "group", "campaign",
        "network", "union", "trust", "council", "agency", "association", "coalition", "provider",
        "contractor", "consultancy", "website", "newspaper", "magazine", "thinktank", "think-tank", "tank",
    }
)  # fmt: skip
SENTENCE_END_MARKS = frozenset({".", "!", "?", ":", "“", '"'})
_PLACE_WORDS = frozenset({"in", "near", "across", "around", "outside", "throughout"})
# The forms the tagger ever tags POS (a possessive ending): only these need their tag read.
_POSSESSIVE_FORMS = frozenset({"'s", "’s", "'", "’", "s", "`s", "‘s"})
_NAME_LABELS = frozenset({*LABEL_KINDS, "WORK_OF_ART", "PRODUCT"})
_ARTICLES = frozenset({"the", "a", "an"})


@dataclass
class Found:
    """A mention under construction (mutable while document-level links are applied)."""

    start: int
    end: int
    text: str
    kind: EntityKind
    id: str
    name: str
    gazetteer: bool


def whole_name(span: Span) -> Span:
    """The model's name with the capitalised words just before it that belong to it: "Kestrelford Disabled
    People’s Alliance" for a model that found "People’s Alliance". Not across a sentence start's small word,
    a line break, punctuation or another name."""
    doc = span.doc
    start = span.start
    while start > 0:
        prev = doc[start - 1]
        if not (prev.text[:1].isupper() and prev.is_alpha) or prev.is_stop or prev.ent_type_:
            break
        if prev.i > 0 and (doc[prev.i - 1].is_space or doc[prev.i - 1].text in SENTENCE_END_MARKS):
            if upos(prev) != "PROPN":
                break  # "Disabled" opening a sentence is an adjective unless the tagger says otherwise
        start -= 1
    return span if start == span.start else Span(doc, start, span.end, label=span.label)


def after_place_word(span: Span) -> bool:
    """ "in Kestrelford", "across Stockport": a one-word name after a preposition of place."""
    return span.start > 0 and span.doc[span.start - 1].lower_ in _PLACE_WORDS


def trim(ent: Span) -> Span | None:
    """Drop a leading article and a trailing possessive or punctuation from a model entity."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    while end > start and (_possessive(doc[end - 1]) or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return Span(doc, start, end, label=ent.label) if end > start else None


def _possessive(tok: Token) -> bool:
    return tok.lower_ in _POSSESSIVE_FORMS and tag(tok) == "POS"


def tag_targets(sdoc: Doc) -> list[int]:
    """Tokens whose tags :meth:`Enricher._find` and :func:`link_names` will read (a superset).

    ``casebook_quotes`` tags these with the quotation paragraphs, in one batch, so that the tok2vec and
    tagger run over little more than what the parser needs: a one-word name (is it a proper noun?), a
    possessive ending a name, and each later occurrence of a person's surname and the token after it. A
    token read but not named here is still tagged, on demand (``indexer.enrich.tokens.tag``), only more
    slowly.
    """
    out: list[int] = []
    surnames: set[str] = set()
    for ent in sdoc.ents:
        if ent.ent_id_:  # a gazetteer name: "Mind the gap" checks a one-word name's part of speech
            if len(ent) == 1 and not ent.text.isupper():
                out.append(ent.start)
        elif ent.label_ in _NAME_LABELS:
            out.extend(t.i for t in ent if t.lower_ in _POSSESSIVE_FORMS)
            words = [
                t
                for t in ent
                if not (t.is_punct or t.is_space or t.lower_ in _POSSESSIVE_FORMS or t.lower_ in _ARTICLES)
            ]
            if len(words) <= 1:
                out.extend(t.i for t in words)
        else:
            continue
        if ent.label_ == "PERSON" and len(ent) > 1:
            for text in (ent.text, doc_text(sdoc)[ent[0].idx : ent[-1].idx + len(ent[-1])]):
                name = normalise_name(text).split()
                if len(name) > 1:
                    surnames.add(name[-1])
    if surnames:
        text = doc_text(sdoc)
        pattern = re.compile("|".join(re.escape(s) for s in sorted(surnames, key=len, reverse=True)))
        for m in pattern.finditer(text):
            span = sdoc.char_span(m.start(), m.end())
            if span is not None and len(span) == 1:
                out.append(span.start)
                if span.end < len(sdoc):
                    out.append(span.end)
    return out


@registry.misc("casebook.mention_tag_targets.v1")
def make_tag_targets() -> Callable[[Doc], list[int]]:
    """:func:`tag_targets`, for the quote component's config (``TAG_TARGETS_CONFIG``)."""
    return tag_targets


# What the enricher gives ``casebook_quotes`` as ``tag_targets``: the tokens mention finding reads.
TAG_TARGETS_CONFIG = {"@misc": "casebook.mention_tag_targets.v1"}


def is_junk(span: Span) -> bool:
    """Model entities that are page furniture or noise, not names."""
    text = span.text.strip()
    if len(text) < 2 or not any(c.isalpha() for c in text) or text == text.lower():
        return True
    if any(t.lower_ in JUNK_WORDS for t in span):
        return True
    if any(_FOOTNOTE_RE.search(t.text) for t in span):
        return True  # "Great Britain.72": a footnote number glued to the name
    if len(span) == 1 and (span[0].is_stop or upos(span[0]) != "PROPN" or span[0].lower_ in GENERIC_WORDS):
        return True
    if span.label_ == "PERSON" and text.isupper():
        return True  # people are not written in capitals; "CV", "PIP" tagged PERSON are not people
    doc = span.doc
    if span.end < len(doc) and doc[span.end].text == "-" and not span[-1].whitespace_:
        return True  # "Manchester-based": the model calls these people
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, span.start_char) + 1
    line_end = text.find("\n", span.end_char)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    return bool(_BYLINE_RE.match(line)) and len(line) < 200


def after_org_noun(span: Span) -> bool:
    """The word before the name is an organisation noun ("charity", "enterprise")."""
    if span.start == 0 or not span.text[:1].isupper():
        return False
    prev = span.doc[span.start - 1]
    return prev.lower_ in ORG_NOUNS
