"""Quote extraction as a spaCy component: reported speech with its cue verb and, where sure, its speaker.

``casebook_quotes`` runs after ``ner`` and sets ``doc._.quotes`` to a list of plain dicts (character
offsets into the text), which :class:`indexer.enrich.Enricher` turns into ``models.Quote``. A quote given
to the wrong person is worse than no quote, so attribution is deliberately narrow:

* a quotation is kept only when a speech verb (``said``, ``added``, ``told`` ...) introduces it
  (``X said: “…”``), follows it (``“…,” said X`` / ``“…,” X said``) or governs it in reported speech
  (``She said DR UK was “vehemently opposed …”``); scare quotes and one-word quotes are dropped;
* the speaker is the verb's subject when it is a named person or organisation, a described speaker
  ("A DWP spokesman"), or ``he``/``she`` resolved to the most recent singular person who was the subject
  of a clause; anything else leaves the speaker ``None``.

Quotations follow the newspaper convention for long quotes: a paragraph that opens “ without closing it
continues into the next paragraph when that one opens with “ again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

# Lemmas of verbs that introduce speech. "describe", "reveal", "announce", "call", "agree" and "continue"
# are left out on purpose: they mostly frame scare quotes ("described by activists as “pernicious”",
# "agreeing to “Claimant Commitments”").
CUE_LEMMAS = frozenset(
    {
        "say", "add", "tell", "claim", "warn", "explain", "insist", "argue", "state", "complain",
        "admit", "suggest", "stress", "write", "reply", "respond", "conclude", "comment", "note",
        "acknowledge", "confirm", "declare", "urge", "emphasise", "emphasize", "allege", "concede",
    }
)  # fmt: skip

# Nouns that make an unnamed subject a speaker as written ("A DWP spokesman", "the minister").
ROLE_NOUNS = frozenset(
    {
        "spokesman", "spokeswoman", "spokesperson", "minister", "secretary", "official", "chair",
        "chairman", "chairwoman", "chief", "director", "executive", "manager", "officer", "activist",
        "campaigner", "servant", "adviser", "advisor", "mp", "councillor", "claimant", "coach",
        "source", "head", "leader", "founder", "member", "researcher", "expert", "lawyer", "barrister",
        "solicitor", "doctor", "nurse", "worker", "president", "coordinator", "co-ordinator",
        "trustee", "peer", "lord", "baroness", "judge", "woman", "man", "mother", "father",
    }
)  # fmt: skip

OPEN_CURLY, CLOSE_CURLY, STRAIGHT = "“", "”", '"'
MIN_WORDS = 2  # a one-word quotation is a scare quote, never attributed
PRONOUN_REACH = 2500  # characters: a he/she further than this from its antecedent stays unresolved
_PERSON_LABELS = frozenset({"PERSON"})
_ORG_LABELS = frozenset({"ORG"})


@dataclass
class Quotation:
    """Where a quotation sits: ``segments`` are the inner (mark-free) spans of each paragraph it covers."""

    segments: list[tuple[int, int]] = field(default_factory=list)
    mark: str = OPEN_CURLY

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]

    def text(self, source: str) -> str:
        """The quoted words, paragraphs joined by a blank line, the continuation marks left out."""
        parts = [source[a:b].strip() for a, b in self.segments]
        return "\n\n".join(p for p in parts if p).rstrip(",").rstrip()


def find_quotations(text: str) -> list[Quotation]:
    """Every closed quotation in ``text`` (typographic “ ” or straight "), continued across paragraphs."""
    found: list[Quotation] = []
    current: Quotation | None = None
    seg_start = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start, line_end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        body = text[line_start:line_end]
        if not body.strip():
            continue
        first = line_start + (len(body) - len(body.lstrip()))
        scan_from = line_start
        if current is not None:
            if text[first] == current.mark:  # the paragraph continues the open quotation
                seg_start, scan_from = first + 1, first + 1
            else:  # never closed: not a quotation we can trust
                current = None
        for i in range(scan_from, line_end):
            ch = text[i]
            if current is None:
                if ch == OPEN_CURLY or (ch == STRAIGHT and not (i > line_start and text[i - 1].isalnum())):
                    current, seg_start = Quotation(mark=ch), i + 1  # 6'2" is not an opening quote
            elif (current.mark == OPEN_CURLY and ch == CLOSE_CURLY) or (
                current.mark == STRAIGHT and ch == STRAIGHT
            ):
                current.segments.append((seg_start, i))
                found.append(current)
                current = None
            elif current.mark == OPEN_CURLY and ch == OPEN_CURLY:  # unbalanced: restart here
                current, seg_start = Quotation(mark=ch), i + 1
        if current is not None:
            current.segments.append((seg_start, line_end))
    return [q for q in found if q.segments and q.end > q.start]


@dataclass
class _Speaker:
    text: str
    start: int
    end: int
    entity: bool  # a named entity span (linkable to an id), not a description like "A DWP spokesman"
    entity_id: str | None = None
    plural: bool = False
    person: bool = True  # a person (he/she) rather than an organisation (it)
    needs_link: bool = False  # untagged proper noun: a speaker only if it links to a mention


@dataclass
class _Subject:
    """A clause subject that a later he/she/it can refer back to."""

    pos: int
    speaker: _Speaker


def _ent_at(doc: Doc, token: Token) -> Span | None:
    if not token.ent_type_:
        return None
    for ent in doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def _speaker_from_ent(ent: Span) -> _Speaker:
    tokens = [t for t in ent if t.tag_ != "POS" and t.text not in ("’s", "'s")] or list(ent)
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    person = ent.label_ in _PERSON_LABELS
    return _Speaker(ent.doc.text[start:end], start, end, True, ent.ent_id_ or None, person=person)


def _named(doc: Doc, subj: Token, labels: frozenset[str]) -> _Speaker | None:
    """The named entity (of ``labels``) that ``subj`` is, or that names it in apposition.

    A subject that lists several people ("Ian Anderson ... and Matt Russell") names no single speaker.
    """
    if subj.dep_ == "conj" or any(c.dep_ == "conj" for c in subj.children):
        return None
    candidates = [subj]
    if subj.tag_ not in ("NNS", "NNPS"):
        candidates += [c for c in subj.children if c.dep_ in ("appos", "compound", "flat")]
    for tok in candidates:
        if tok is not subj and any(c.dep_ == "conj" for c in tok.children):
            continue
        ent = _ent_at(doc, tok)
        if ent is not None and ent.label_ in labels:
            return _speaker_from_ent(ent)
    return None


def _unlinked_name(doc: Doc, subj: Token) -> _Speaker | None:
    """A proper-noun subject the model missed or mislabelled ("Timms" as LOC): a speaker only if linked."""
    if subj.pos_ != "PROPN" or subj.ent_type_ in ("PERSON", "ORG") or not subj.text[:1].isupper():
        return None
    first = subj
    while first.i > 0 and doc[first.i - 1].pos_ == "PROPN" and doc[first.i - 1].head.i == subj.i:
        first = doc[first.i - 1]
    start, end = first.idx, subj.idx + len(subj.text)
    return _Speaker(doc.text[start:end], start, end, True, None, needs_link=True)


def _speaker_for(doc: Doc, subj: Token) -> _Speaker | None:
    """Who a (non-pronoun) subject names: a person, else a described speaker, else an organisation."""
    return (
        _named(doc, subj, _PERSON_LABELS)
        or _description(doc, subj)
        or _named(doc, subj, _ORG_LABELS)
        or _unlinked_name(doc, subj)
    )


def _description(doc: Doc, subj: Token) -> _Speaker | None:
    """ "A DWP spokesman", "The two civil servants": an unnamed speaker kept as written, with no id."""
    if subj.pos_ not in ("NOUN", "PROPN") or subj.lemma_.lower() not in ROLE_NOUNS:
        return None
    first = subj.left_edge
    while first.i < subj.i and (first.is_punct or first.is_space):
        first = doc[first.i + 1]
    last = subj  # "The head of profession at DWP", stopping before a comma or a relative clause
    for tok in doc[subj.i + 1 : subj.right_edge.i + 1]:
        if tok.is_punct or tok.is_space or tok.dep_ in ("relcl", "acl") or tok.pos_ in ("VERB", "AUX"):
            break
        last = tok
    start, end = first.idx, last.idx + len(last.text)
    plural = subj.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in subj.children)
    return _Speaker(doc.text[start:end], start, end, False, None, plural)


def _subject_of(verb: Token) -> Token | None:
    for tok in (verb, verb.head if verb.dep_ in ("conj", "xcomp") else None):
        if tok is None:
            continue
        for child in tok.children:
            if child.dep_ == "nsubj":
                return child
    return None


def _subjects(doc: Doc) -> list[_Subject]:
    """Clause subjects in text order that name someone: the antecedents a pronoun may refer to."""
    found = []
    for tok in doc:
        if tok.dep_ != "nsubj" or tok.pos_ == "PRON":
            continue
        speaker = _speaker_for(doc, tok)
        if speaker is not None and not speaker.plural and not speaker.needs_link:
            found.append(_Subject(tok.idx, speaker))
    return found


def _resolve(doc: Doc, subj: Token, antecedents: list[_Subject]) -> _Speaker | None:
    word = subj.lower_
    if subj.pos_ == "PRON":
        if word in ("he", "she"):
            wanted_person = True
        elif word == "it":
            wanted_person = False
        else:  # they, we, I, you, who: too often not the speaker we would guess
            return None
        for ante in reversed(antecedents):
            if ante.pos >= subj.idx:
                continue
            if subj.idx - ante.pos > PRONOUN_REACH:
                return None
            if ante.speaker.person == wanted_person:
                return ante.speaker
        return None
    return _speaker_for(doc, subj)


def _is_cue(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in CUE_LEMMAS


def _dominates(head: Token, tok: Token) -> bool:
    while True:
        if tok.i == head.i:
            return True
        if tok.head.i == tok.i:
            return False
        tok = tok.head


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _prev_token(doc: Doc, i: int) -> Token | None:
    i -= 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    return doc[i] if i >= 0 else None


def _attribute(doc: Doc, q: Quotation) -> tuple[Token, Token | None] | None:
    """The cue verb and its subject token for a quotation, or None when no speech verb frames it."""
    opening = _token_at(doc, q.start - 1)
    closing = _token_at(doc, q.end)
    inner = _token_at(doc, q.start)
    if opening is None or inner is None:
        return None
    # 1. X said: “…”  (the colon may end the previous paragraph)
    before = _prev_token(doc, opening.i)
    if before is not None and before.text == ":":
        cues = [t for t in doc[before.sent.start : before.i] if _is_cue(t)]
        if cues:
            return cues[-1], _subject_of(cues[-1])
    # 2. “…,” said X  /  “…,” X said
    if closing is not None and closing.i + 1 < len(doc):
        window = []
        for tok in doc[closing.i + 1 : closing.i + 8]:
            if tok.is_space or tok.text in (OPEN_CURLY, STRAIGHT, ".", ";", "?", "!"):
                break
            window.append(tok)
        for k, tok in enumerate(window):
            if _is_cue(tok):
                between = window[:k]
                if all(t.pos_ in ("PROPN", "PRON", "DET", "NOUN", "ADJ", "PUNCT") for t in between):
                    return tok, _subject_of(tok)
                break
    # 3. Reported speech: a speech verb earlier in the sentence governs the quotation.
    sent = opening.sent
    cues = [t for t in doc[sent.start : opening.i] if _is_cue(t) and _dominates(t, inner)]
    if cues:
        return cues[-1], _subject_of(cues[-1])
    return None


def extract_quotes(doc: Doc) -> list[dict[str, Any]]:
    """The quotes in a parsed doc as plain dicts (offsets into ``doc.text``), in text order."""
    text = doc.text
    antecedents = _subjects(doc)
    quotes: list[dict[str, Any]] = []
    for q in find_quotations(text):
        quoted = q.text(text).replace("\xa0", " ")
        if len(quoted.split()) < MIN_WORDS:
            continue
        found = _attribute(doc, q)
        if found is None:
            continue
        cue, subj = found
        speaker = _resolve(doc, subj, antecedents) if subj is not None else None
        quotes.append(
            {
                "text": quoted,
                "start": q.start,
                "end": q.end,
                "cue": cue.text.lower(),
                "speaker": speaker.text if speaker else None,
                "speaker_start": speaker.start if speaker else None,
                "speaker_end": speaker.end if speaker else None,
                "speaker_is_entity": bool(speaker and speaker.entity),
                "speaker_needs_link": bool(speaker and speaker.needs_link),
                "speaker_id": speaker.entity_id if speaker else None,
            }
        )
    return quotes


if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=None)


@Language.component("casebook_quotes")
def casebook_quotes(doc: Doc) -> Doc:
    """Pipeline component: ``doc._.quotes`` = :func:`extract_quotes` (needs the parser and ``ner``)."""
    doc._.quotes = extract_quotes(doc)
    return doc
