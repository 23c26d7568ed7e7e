"""Quote extraction as a spaCy component: reported speech with its cue and, where sure, its speaker.

``casebook_quotes`` runs after ``ner`` and sets ``doc._.quotes`` to a list of plain dicts (character
offsets into the text), which :class:`indexer.enrich.Enricher` turns into ``models.Quote``. A quote given
to the wrong person is worse than no quote, so attribution is deliberately narrow:

* a quotation is kept when a speech verb (``said``, ``added``, ``told`` ...) introduces it
  (``X said: “…”``), follows it (``“…,” said X`` / ``“…,” X said``), governs it in reported speech
  (``She said DR UK was “vehemently opposed …”``), when ``according to X`` or ``as X pointed out`` frames
  it, or when the speaker is the subject of the quoted words (``she “made it very clear …”``); a paragraph
  that is wholly a quotation is kept even unattributed. Scare quotes and one-word quotes are dropped;
* the speaker is the verb's subject when it is a named person or organisation, a described speaker
  ("A DWP spokesman", whose organisation is kept for linking), or ``he``/``she``/``it`` resolved to the
  most recent singular subject of the right kind, with no other person named in between that could not be
  checked; anything else leaves the speaker ``None``.

Quotation marks: curly double, straight double and curly single (‘ ’), the last told apart from apostrophes
(``peoples’``, ``don’t``) by what stands either side. A long quote either reopens its mark on each paragraph
(newspaper style) or closes only at the end of a later paragraph; a mark never closed is dropped at the end
of its paragraph, so an unbalanced mark never swallows the rest of the document.

The component works in two modes. On a parsed doc (the full pipeline) it reads the parse directly. On a doc
without a parse (``Enricher`` disables the parser for speed) it parses only the paragraphs that hold
quotation marks, and the paragraph before each, and maps every offset back to the whole text. When the
tok2vec and tagger did not run either (``Enricher`` disables them too), it runs them itself over those
paragraphs and the few tokens its caller names (``tag_targets``), through :class:`WindowTagger`, whose
vectors and tags are exactly those of a run over the whole text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy
from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import minibatch

# --- part of speech and lemmas without the attribute ruler and lemmatizer ------------------------------
# Enrichment skips those two components (a fifth of the pipeline's time) and reads the tagger's
# fine-grained tags instead, in both modes, so a parsed and an unparsed doc give the same answers.

_TAG_UPOS = {
    "NNP": "PROPN", "NNPS": "PROPN", "NN": "NOUN", "NNS": "NOUN", "PRP": "PRON", "PRP$": "PRON",
    "WP": "PRON", "WP$": "PRON", "EX": "PRON", "DT": "DET", "PDT": "DET", "WDT": "DET", "VB": "VERB",
    "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "MD": "AUX", "JJ": "ADJ",
    "JJR": "ADJ", "JJS": "ADJ", "AFX": "ADJ", "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "WRB": "ADV",
    "IN": "ADP", "RP": "ADP", "CC": "CCONJ", "CD": "NUM", "TO": "PART", "POS": "PART", "UH": "INTJ",
    ".": "PUNCT", ",": "PUNCT", ":": "PUNCT", "``": "PUNCT", "''": "PUNCT", "-LRB-": "PUNCT",
    "-RRB-": "PUNCT", "HYPH": "PUNCT", "NFP": "PUNCT", "$": "SYM", "SYM": "SYM", "_SP": "SPACE",
}  # fmt: skip


_TEXT_KEY = "casebook_text"
_TAGGER_KEY = "casebook_tagger"  # set by Enricher while it reads a doc: tags tokens on demand


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once (spaCy joins every token each time the property is read)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def forget_text(doc: Doc) -> None:
    doc.user_data.pop(_TEXT_KEY, None)


def tag(tok: Token) -> str:
    """The tagger's fine-grained tag, tagging the token first if enrichment has not (see ``QuoteComponent``).

    Enrichment tags only the tokens it reads; a token it did not foresee is tagged here, on demand, in a
    window wide enough that the tag is the one the whole-document tagger would give.
    """
    if not tok.tag and not tok.is_space:
        tagger = tok.doc.user_data.get(_TAGGER_KEY)
        if tagger is not None:
            tagger.tag_tokens(tok.doc, [tok.i])
    return tok.tag_


def upos(tok: Token) -> str:
    """Universal part of speech from the tagger's tag (the attribute ruler's mapping, without the ruler)."""
    if tok.is_space:
        return "SPACE"
    return _TAG_UPOS.get(tag(tok), tok.pos_ or "X")


# Lemmas of verbs that introduce speech. "describe", "reveal", "call", "agree" and "continue" are left out
# on purpose: they mostly frame scare quotes ("described by activists as “pernicious”").
CUE_LEMMAS = frozenset(
    {
        "say", "add", "tell", "claim", "warn", "explain", "insist", "argue", "state", "complain",
        "admit", "suggest", "stress", "write", "reply", "respond", "conclude", "comment", "note",
        "acknowledge", "confirm", "declare", "urge", "emphasise", "emphasize", "allege", "concede",
        "announce",
    }
)  # fmt: skip
_IRREGULAR_FORMS = {
    "say": ("says", "said", "saying"), "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "written", "writing"), "admit": ("admits", "admitted", "admitting"),
    "reply": ("replies", "replied", "replying"), "point": ("points", "pointed", "pointing"),
    "put": ("puts", "putting"),
}  # fmt: skip


def _verb_forms(lemma: str) -> set[str]:
    if lemma in _IRREGULAR_FORMS:
        return {lemma, *_IRREGULAR_FORMS[lemma]}
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith(("s", "sh", "ch", "x")):
        return {lemma, lemma + "es", lemma + "ed", lemma + "ing"}
    return {lemma, lemma + "s", lemma + "ed", lemma + "ing"}


_CUE_FORMS = {form: lemma for lemma in CUE_LEMMAS | {"point", "put"} for form in _verb_forms(lemma)}

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
# A spokesperson speaks for an organisation: the quote is the organisation's ("A DWP spokesman said").
SPOKES_NOUNS = frozenset(
    {"spokesman", "spokeswoman", "spokesperson", "spokespeople", "spokesmen", "spokeswomen"}
)
_IRREGULAR_PLURALS = {
    "spokesmen": "spokesman", "spokeswomen": "spokeswoman", "spokespeople": "spokesperson",
    "chairmen": "chairman", "chairwomen": "chairwoman", "men": "man", "women": "woman", "mps": "mp",
}  # fmt: skip


def lemma(tok: Token) -> str:
    """The lemma of a speech verb or a speaker noun (other words: lower case, unchanged)."""
    word = tok.lower_
    if word in _CUE_FORMS:
        return _CUE_FORMS[word]
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if word.endswith("s") and word[:-1] in ROLE_NOUNS:
        return word[:-1]
    return word


OPEN_CURLY, CLOSE_CURLY, STRAIGHT = "“", "”", '"'
OPEN_SINGLE, CLOSE_SINGLE = "‘", "’"
CLOSERS = {OPEN_CURLY: CLOSE_CURLY, STRAIGHT: STRAIGHT, OPEN_SINGLE: CLOSE_SINGLE}
MIN_WORDS = 2  # a one-word quotation is a scare quote, never kept
MIN_BLOCK_WORDS = 4  # an unattributed paragraph-long quotation needs at least this many words
PRONOUN_REACH = 2500  # characters: a he/she further than this from its antecedent stays unresolved
LOOKAHEAD_PARAGRAPHS = 8  # how far a quote opened at a paragraph start may run before its closing mark
_PERSON_LABELS = frozenset({"PERSON"})
_ORG_LABELS = frozenset({"ORG"})
_SENTENCE_END = frozenset({".", "?", "!"})


_ANY_MARK_RE = re.compile('[“"‘]')

# --- finding quotations ----------------------------------------------------------------------------------


@dataclass
class Quotation:
    """Where a quotation sits: ``segments`` are the inner (mark-free) spans of each paragraph it covers.

    ``block``: the quotation is a whole paragraph (or run of paragraphs) by itself, not words inside a
    sentence of the writer's.
    """

    segments: list[tuple[int, int]] = field(default_factory=list)
    mark: str = OPEN_CURLY
    block: bool = False

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


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, leading and trailing whitespace excluded."""
    out = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            out.append((pos + lead, pos + lead + len(stripped)))
        pos += len(line)
    return out


def _opens(text: str, i: int, lo: int) -> bool:
    """An opening mark at ``i`` (``lo``: start of its paragraph)."""
    ch = text[i]
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if ch == OPEN_CURLY:
        return True
    if ch == STRAIGHT:
        return not prev.isalnum()  # 6'2" is not an opening quote
    if ch == OPEN_SINGLE:
        return (prev.isspace() or prev in "([—–-/:") and nxt.isalnum()
    return False


def _closes(text: str, i: int, mark: str, hi: int) -> bool:
    """The closing mark of a quotation opened with ``mark`` at ``i`` (``hi``: end of the paragraph)."""
    ch = text[i]
    if ch != CLOSERS[mark]:
        return False
    if mark != OPEN_SINGLE:
        return True
    prev = text[i - 1]
    nxt = text[i + 1] if i + 1 < hi else " "
    if prev.isspace() or nxt.isalnum():
        return False  # "don’t", "’90s": an apostrophe
    if prev in "sS" and nxt == " " and i + 2 < hi and text[i + 2].islower():
        following = _WORD_RE.match(text, i + 2)
        if following is None or following.group(0) not in _NOT_AFTER_POSSESSIVE:
            return False  # "disabled peoples’ organisations": a plural possessive
    return True


_WORD_RE = re.compile(r"[a-z]+")
# Words that never follow a possessive: after "members’" these mean the quotation has closed.
_NOT_AFTER_POSSESSIVE = frozenset(
    {
        "at", "in", "on", "and", "or", "but", "to", "for", "of", "by", "with", "as", "from", "is", "are",
        "was", "were", "said", "says", "say", "told", "added", "which", "that", "when", "while", "because",
        "after", "before", "he", "she", "they", "it", "we", "the", "a", "an", "into", "about", "than",
    }
)  # fmt: skip


def _balanced(text: str, lo: int, hi: int) -> bool:
    """No mark left open in ``text[lo:hi]`` (nested pairs allowed)."""
    i = lo
    while i < hi:
        if text[i] in CLOSERS and _opens(text, i, lo):
            mark = text[i]
            j = i + 1
            while j < hi and not _closes(text, j, mark, hi):
                j += 1
            if j >= hi:
                return False
            i = j
        elif text[i] in (CLOSE_CURLY,):
            return False
        i += 1
    return True


def _ends_with_closer(text: str, lo: int, hi: int, mark: str) -> int | None:
    """Index of a closing mark ending ``text[lo:hi]`` (before final punctuation), or None."""
    j = hi - 1
    while j > lo and text[j] in ".,;:!?":
        j -= 1
    if j > lo and _closes(text, j, mark, hi) and _balanced(text, lo, j):
        return j
    return None


def find_quotations(text: str) -> list[Quotation]:
    """Every closed quotation in ``text`` (typographic, straight or single marks), across paragraphs."""
    paras = paragraphs(text)
    found: list[Quotation] = []
    k = 0
    while k < len(paras):
        lo, hi = paras[k]
        i = lo
        resume_at = k + 1
        while i < hi:
            m = _ANY_MARK_RE.search(text, i, hi)
            if m is None:
                break
            i = m.start()
            if not _opens(text, i, lo):
                i += 1
                continue
            mark, start = text[i], i
            q = Quotation(mark=mark)
            seg_start = i + 1
            j = seg_start
            while j < hi and not _closes(text, j, mark, hi):
                if mark == OPEN_CURLY and text[j] == OPEN_CURLY:
                    break  # unbalanced: a new quotation starts here
                j += 1
            if j < hi and text[j] != OPEN_CURLY:
                q.segments.append((seg_start, j))
                q.block = start == lo and not text[j + 1 : hi].strip(".,;:!? ")
                found.append(q)
                i = j + 1
                continue
            if j < hi:  # restart at the new opening mark
                i = j
                continue
            # Open at the end of the paragraph: continue it, or drop it.
            q.segments.append((seg_start, hi))
            at_start = start == lo or text[lo:start].rstrip().endswith(":")
            end_k = _continue(text, paras, k, mark, q, at_start)
            if end_k is not None:
                q.block = start == lo
                found.append(q)
                resume_at = end_k + 1
            break
        k = resume_at
    return [q for q in found if q.segments and q.end > q.start]


def _continue(
    text: str, paras: list[tuple[int, int]], k: int, mark: str, q: Quotation, at_start: bool
) -> int | None:
    """Extend a quotation left open at the end of paragraph ``k``; return its last paragraph, or None.

    Newspaper style: each following paragraph reopens the mark. Otherwise, for a quotation opened at a
    paragraph start or after a colon: the paragraphs up to one that ends with the closing mark, all of them
    balanced in between.
    """
    n = k + 1
    while n < len(paras) and text[paras[n][0]] == mark:
        lo, hi = paras[n]
        j = lo + 1
        while j < hi and not _closes(text, j, mark, hi):
            j += 1
        if j < hi:
            q.segments.append((lo + 1, j))
            return n
        q.segments.append((lo + 1, hi))
        n += 1
    if n > k + 1 or not at_start:
        return None  # reopened and never closed, or opened mid-sentence: not a quotation we can trust
    extra: list[tuple[int, int]] = []
    for n in range(k + 1, min(len(paras), k + 1 + LOOKAHEAD_PARAGRAPHS)):
        lo, hi = paras[n]
        end = _ends_with_closer(text, lo, hi, mark)
        if end is not None:
            q.segments.extend([*extra, (lo, end)])
            return n
        if text[lo] in CLOSERS or not _balanced(text, lo, hi):
            return None
        extra.append((lo, hi))
    return None


# --- speakers ----------------------------------------------------------------------------------------------


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
    org_start: int | None = None  # a spokesperson's organisation, as written inside the description
    org_end: int | None = None

    def shifted(self, base: int) -> _Speaker:
        return replace(
            self,
            start=self.start + base,
            end=self.end + base,
            org_start=None if self.org_start is None else self.org_start + base,
            org_end=None if self.org_end is None else self.org_end + base,
        )


@dataclass
class _Subject:
    """A clause subject that a later he/she/it can refer back to (offsets into the whole text)."""

    pos: int
    speaker: _Speaker


def _ent_at(doc: Doc, token: Token) -> Span | None:
    if not token.ent_type_:
        return None
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=token.ent_type, kb_id=token.ent_kb_id, span_id=token.ent_id)


def _speaker_from_ent(ent: Span) -> _Speaker:
    tokens = [t for t in ent if t.tag_ != "POS" and t.text not in ("’s", "'s")] or list(ent)
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    person = ent.label_ in _PERSON_LABELS
    return _Speaker(doc_text(ent.doc)[start:end], start, end, True, ent.ent_id_ or None, person=person)


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
            if tok is not subj and ent.label_ in _ORG_LABELS and upos(subj) == "NOUN":
                continue  # "A DWP spokesman": the spokesman, not DWP (see _description)
            return _speaker_from_ent(ent)
    return None


def _unlinked_name(doc: Doc, subj: Token) -> _Speaker | None:
    """A proper-noun subject the model missed or mislabelled ("Timms" as LOC): a speaker only if linked."""
    if upos(subj) != "PROPN" or subj.ent_type_ in ("PERSON", "ORG") or not subj.text[:1].isupper():
        return None
    first = subj
    while first.i > 0 and upos(doc[first.i - 1]) == "PROPN" and doc[first.i - 1].head.i == subj.i:
        first = doc[first.i - 1]
    start, end = first.idx, subj.idx + len(subj.text)
    return _Speaker(doc_text(doc)[start:end], start, end, True, None, needs_link=True)


def _speaker_for(doc: Doc, subj: Token) -> _Speaker | None:
    """Who a (non-pronoun) subject names: a person, else a described speaker, else an organisation."""
    return (
        _named(doc, subj, _PERSON_LABELS)
        or _description(doc, subj)
        or _named(doc, subj, _ORG_LABELS)
        or _unlinked_name(doc, subj)
    )


def _description(doc: Doc, subj: Token) -> _Speaker | None:
    """ "A DWP spokesman", "The two civil servants": an unnamed speaker kept as written, with no id.

    For a spokesperson, the organisation written inside the description ("A DWP spokesman", "a spokeswoman
    for Mind") is kept: the quote is that organisation's.
    """
    word = lemma(subj)
    if upos(subj) not in ("NOUN", "PROPN") or (word not in ROLE_NOUNS and subj.lower_ not in SPOKES_NOUNS):
        return None
    first = subj.left_edge
    while first.i < subj.i and (first.is_punct or first.is_space):
        first = doc[first.i + 1]
    last = subj  # "The head of profession at DWP", stopping before a comma or a relative clause
    for tok in doc[subj.i + 1 : subj.right_edge.i + 1]:
        if tok.is_punct or tok.is_space or tok.dep_ in ("relcl", "acl") or upos(tok) in ("VERB", "AUX"):
            break
        last = tok
    start, end = first.idx, last.idx + len(last.text)
    plural = subj.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in subj.children)
    speaker = _Speaker(doc_text(doc)[start:end], start, end, False, None, plural)
    if subj.lower_ in SPOKES_NOUNS or word in SPOKES_NOUNS:
        orgs = {
            (ent.start_char, ent.end_char)
            for tok in doc[first.i : last.i + 1]
            if (ent := _ent_at(doc, tok)) is not None and ent.label_ in _ORG_LABELS
        }
        if len(orgs) == 1:
            speaker.org_start, speaker.org_end = orgs.pop()
    return speaker


def _subject_of(verb: Token) -> Token | None:
    for tok in (verb, verb.head if verb.dep_ in ("conj", "xcomp") else None):
        if tok is None:
            continue
        for child in tok.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
    if upos(verb) == "NOUN":  # "the DWP claim that …" parsed as a noun phrase: its named modifier speaks
        named = [c for c in verb.children if c.dep_ == "compound" and c.ent_type_ in ("ORG", "PERSON")]
        return named[-1] if named else None
    return None


def _subjects(doc: Doc, base: int) -> list[_Subject]:
    """Clause subjects in text order that name someone: the antecedents a pronoun may refer to."""
    found = []
    for tok in doc:
        if tok.dep_ != "nsubj" or upos(tok) == "PRON":
            continue
        speaker = _speaker_for(doc, tok)
        if speaker is not None and not speaker.plural and not speaker.needs_link:
            found.append(_Subject(tok.idx + base, speaker.shifted(base)))
    return found


@dataclass
class _Context:
    """What a run of paragraphs knows about the text before it (offsets into the whole text)."""

    base: int = 0
    antecedents: list[_Subject] = field(default_factory=list)
    barriers: list[int] = field(default_factory=list)  # people named where nothing was parsed


def _resolve(doc: Doc, subj: Token, ctx: _Context) -> _Speaker | None:
    word = subj.lower_
    if upos(subj) == "PRON":
        if word in ("he", "she"):
            wanted_person = True
        elif word == "it":
            wanted_person = False
        else:  # they, we, I, you, who: too often not the speaker we would guess
            return None
        here = subj.idx + ctx.base
        for ante in reversed(ctx.antecedents):
            if ante.pos >= here:
                continue
            if here - ante.pos > PRONOUN_REACH:
                return None
            if ante.speaker.person == wanted_person:
                k = bisect.bisect_right(ctx.barriers, ante.pos)
                if k < len(ctx.barriers) and ctx.barriers[k] < here:
                    return None  # someone was named in between where we could not tell who spoke
                return ante.speaker
        return None
    speaker = _speaker_for(doc, subj)
    return speaker.shifted(ctx.base) if speaker is not None else None


def _is_cue(tok: Token) -> bool:
    if lemma(tok) not in CUE_LEMMAS:
        return False
    if upos(tok) in ("VERB", "AUX"):
        return True
    # "In the same announcement, the DWP claim that “…”": the tagger reads the verb as a noun; a
    # present-tense form heading the sentence with a named modifier and a that-clause is still the verb.
    return (
        tok.tag_ in ("NN", "NNS")
        and tok.dep_ == "ROOT"
        and any(c.dep_ == "compound" and c.ent_type_ in ("ORG", "PERSON") for c in tok.children)
        and any(
            c.dep_ in ("acl", "ccomp", "advcl", "relcl")
            and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            for c in tok.children
        )
    )


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


def _sentence(doc: Doc, tok: Token) -> Span:
    return tok.sent if doc.has_annotation("SENT_START") else doc[:]


_FROM_RE = re.compile(
    r"\b(?:letter|e-?mail|inquiry|enquiry|message|statement|note|text|post|submission)\s+from\s+$", re.I
)


@dataclass
class _Attribution:
    cue: str | None
    subj: Token | None = None
    speaker: _Speaker | None = None  # found directly (according to X, from X), offsets into the run


def _according_to(doc: Doc, sent: Span) -> _Attribution | None:
    """ "according to X" in the sentence: X is the speaker."""
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            obj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if obj is None and tok.i + 2 < len(doc):
                obj = doc[tok.i + 2]
            if obj is not None and upos(obj) != "PRON":
                speaker = _speaker_for(doc, obj)
                if speaker is not None:
                    return _Attribution("according to", None, speaker)
    return None


def _as_x_said(doc: Doc, sent: Span, before: int) -> _Attribution | None:
    """ "As DNS pointed out, … “…”": a speech clause introduced by "as" earlier in the sentence."""
    for tok in sent:
        if tok.i >= before:
            break
        if tok.dep_ != "advcl" or not any(c.lower_ == "as" and c.dep_ == "mark" for c in tok.children):
            continue
        word = lemma(tok)
        if word == "point" and not any(c.lower_ == "out" for c in tok.children):
            continue
        if word == "put" and not any(c.lower_ == "it" for c in tok.children):
            continue
        if word in CUE_LEMMAS or word in ("point", "put"):
            subj = _subject_of(tok)
            if subj is not None:
                return _Attribution(
                    " ".join([tok.lower_, *(c.lower_ for c in tok.children if c.dep_ == "prt")]), subj
                )
    return None


def _attribute(doc: Doc, q: Quotation) -> _Attribution | None:
    """The cue and the speaker's token for a quotation, or None when nothing frames it as speech."""
    opening = _token_at(doc, q.start - 1)
    closing = _token_at(doc, q.end)
    inner = _token_at(doc, q.start)
    if opening is None or inner is None:
        return None
    # 1. X said: “…”  (the colon may end the previous paragraph)
    before = _prev_token(doc, opening.i)
    if before is not None and before.text in (":", ";"):
        line_start = doc_text(doc).rfind("\n", 0, before.idx) + 1
        for ent in doc.ents:  # "We reproduce below the initial inquiry from Alan, ...;"
            if line_start <= ent.start_char < before.idx and ent.label_ in _PERSON_LABELS | _ORG_LABELS:
                if _FROM_RE.search(doc_text(doc)[line_start : ent.start_char]):
                    return _Attribution(None, None, _speaker_from_ent(ent))
        intro = doc[_sentence(doc, before).start : before.i]
        cues = [t for t in intro if _is_cue(t) and _subject_of(t) is not None]  # not "well written"
        if cues:
            return _Attribution(cues[-1].lower_, _subject_of(cues[-1]))
    # 2. “…,” said X  /  “…,” X said
    if closing is not None and closing.i + 1 < len(doc):
        window = []
        for tok in doc[closing.i + 1 : closing.i + 8]:
            if tok.is_space or tok.text in (OPEN_CURLY, STRAIGHT, OPEN_SINGLE) or tok.text in _SENTENCE_END:
                break
            if tok.text == ";":
                break
            window.append(tok)
        for k, tok in enumerate(window):
            if _is_cue(tok):
                between = window[:k]
                if all(upos(t) in ("PROPN", "PRON", "DET", "NOUN", "ADJ", "PUNCT", "NUM") for t in between):
                    return _Attribution(tok.lower_, _subject_of(tok))
                break
    sent = _sentence(doc, opening)
    # 3. according to X / as X pointed out
    found = _according_to(doc, sent) or _as_x_said(doc, sent, opening.i)
    if found is not None:
        return found
    # 4. Reported speech: a speech verb earlier in the sentence governs the quotation.
    cues = [t for t in doc[sent.start : opening.i] if _is_cue(t) and _dominates(t, inner)]
    if cues:
        return _Attribution(cues[-1].lower_, _subject_of(cues[-1]))
    # 5. she “made it very clear …”: the subject just before the mark, its verb inside the quotation.
    if (
        before is not None
        and before.dep_ == "nsubj"
        and before.head.idx >= q.start
        and before.head.idx < q.end
    ):
        if upos(before.head) in ("VERB", "AUX"):
            return _Attribution(before.head.lower_, before)
    # 6. A paragraph that is wholly a quotation: kept, unattributed.
    if q.block:
        return _Attribution(None)
    return None


def _title_like(words: list[str]) -> bool:
    """“Pathways to Work”, “DWP Work Coach Mock Interview”: a name in quotation marks, not speech."""
    small = {"a", "an", "the", "of", "to", "for", "and", "in", "on", "at", "with", "by"}
    return len(words) <= 6 and all(
        w[:1].isupper() or w.lower() in small or not w[:1].isalpha() for w in words
    )


def extract_quotes(
    doc: Doc, ctx: _Context | None = None, limit: tuple[int, int] | None = None
) -> list[dict[str, Any]]:
    """The quotes in a parsed doc as plain dicts (offsets into the whole text), in text order.

    ``ctx``: where ``doc`` sits in a larger text and what came before it (antecedents, unparsed names).
    ``limit``: only quotations starting in this range of ``doc`` (the rest is context).
    """
    ctx = ctx or _Context()
    text = doc_text(doc)
    ctx.antecedents = sorted([*ctx.antecedents, *_subjects(doc, ctx.base)], key=lambda s: s.pos)
    quotes: list[dict[str, Any]] = []
    for q in find_quotations(text):
        if limit is not None and not (limit[0] <= q.start < limit[1]):
            continue
        quoted = q.text(text).replace("\xa0", " ")
        words = quoted.split()
        if len(words) < MIN_WORDS or (_title_like(words) and not q.block):
            continue
        found = _attribute(doc, q)
        if found is None:
            continue
        if found.cue is None and found.speaker is None and len(words) < MIN_BLOCK_WORDS:
            continue
        if found.speaker is not None:
            speaker: _Speaker | None = found.speaker.shifted(ctx.base)
        elif found.subj is not None:
            speaker = _resolve(doc, found.subj, ctx)
        else:
            speaker = None
        quotes.append(
            {
                "text": quoted,
                "start": q.start + ctx.base,
                "end": q.end + ctx.base,
                "cue": found.cue,
                "speaker": speaker.text if speaker else None,
                "speaker_start": speaker.start if speaker else None,
                "speaker_end": speaker.end if speaker else None,
                "speaker_is_entity": bool(speaker and speaker.entity),
                "speaker_needs_link": bool(speaker and speaker.needs_link),
                "speaker_id": speaker.entity_id if speaker else None,
                "speaker_org_start": speaker.org_start if speaker else None,
                "speaker_org_end": speaker.org_end if speaker else None,
            }
        )
    return quotes


# --- the pipeline component ------------------------------------------------------------------------------

if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=None)


_PRONOUN_RE = re.compile(r"\b(?:he|she|it|they|He|She|It|They)\b")


def quote_runs(text: str) -> list[tuple[int, int]]:
    """Character ranges worth parsing: paragraphs a quotation covers, and the paragraph before each."""
    paras = paragraphs(text)
    if not paras:
        return []
    starts = [lo for lo, _ in paras]
    keep = [False] * len(paras)
    for q in find_quotations(text):
        first = max(0, bisect.bisect_right(starts, q.start) - 1)
        last = max(0, bisect.bisect_right(starts, q.end) - 1)
        # The paragraph before, when this one may need it: the quotation opens the paragraph (its cue may
        # end the one before, "X said:") or a pronoun before it refers back ("He said …").
        lead = text[paras[first][0] : q.start - 1]
        needs_before = not lead.strip() or _PRONOUN_RE.search(lead) is not None
        for k in range(max(0, first - 1) if needs_before else first, last + 1):
            keep[k] = True
    runs: list[tuple[int, int]] = []
    k = 0
    while k < len(paras):
        if not keep[k]:
            k += 1
            continue
        m = k
        while m + 1 < len(paras) and keep[m + 1]:
            m += 1
        runs.append((paras[k][0], paras[m][1]))
        k = m + 1
    return runs


_EMPTY = numpy.zeros((0,), dtype="float32")


class _Rows:
    """A token range of a doc as the tok2vec's feature extractor reads it: rows of the doc's feature array."""

    __slots__ = ("array", "start", "end")

    def __init__(self, array: numpy.ndarray, start: int, end: int) -> None:
        self.array, self.start, self.end = array, start, end

    def to_array(self, columns: Any) -> numpy.ndarray:  # noqa: ARG002 - the array holds those columns
        return self.array[self.start : self.end]

    def __len__(self) -> int:
        return self.end - self.start


_WINDOW_ENCODERS = ("spacy.MaxoutWindowEncoder.v2", "spacy.MishWindowEncoder.v2")


class WindowTagger:
    """The tok2vec and the tagger over chosen token ranges only, giving exactly the whole-document results.

    The small model's tok2vec is a CNN (hash embeddings of each token's own attributes, then ``depth``
    convolutions of ``window_size`` tokens either side), so a token's vector depends on the ``margin =
    depth * window_size`` tokens either side of it and on nothing else. Run over a window, the tokens at
    least ``margin`` tokens inside it (or at the doc's own edge) get the very vector, and so the very tag,
    that the whole doc would give them. :meth:`for_pipeline` returns None for any other architecture.
    """

    def __init__(self, nlp: Language, margin: int, columns: list[Any]) -> None:
        self.margin = margin
        self.columns = columns
        self.tok2vec = nlp.get_pipe("tok2vec").model  # type: ignore[attr-defined]
        tagger = nlp.get_pipe("tagger")
        self.softmax = tagger.model.layers[-1]  # type: ignore[attr-defined]
        labels = [nlp.vocab.strings.add(label) for label in tagger.labels]  # type: ignore[attr-defined]
        self.labels = numpy.array(labels, dtype="uint64")

    @classmethod
    def for_pipeline(cls, nlp: Language) -> WindowTagger | None:
        names = nlp.component_names
        if "tok2vec" not in names or "tagger" not in names:
            return None
        try:
            model_cfg = nlp.config["components"]["tok2vec"]["model"]
            embed, encode = model_cfg["embed"], model_cfg["encode"]
            tagger_cfg = nlp.config["components"]["tagger"]["model"]
        except KeyError:
            return None
        if (
            model_cfg.get("@architectures") != "spacy.Tok2Vec.v2"
            or not str(embed.get("@architectures", "")).startswith("spacy.MultiHashEmbed")
            or embed.get("include_static_vectors")
            or encode.get("@architectures") not in _WINDOW_ENCODERS
            or not str(tagger_cfg.get("tok2vec", {}).get("@architectures", "")).startswith(
                "spacy.Tok2VecListener"
            )
        ):
            return None
        model = nlp.get_pipe("tok2vec").model  # type: ignore[attr-defined]
        extract = [node for node in model.walk() if node.name == "extract_features"]
        if len(extract) != 1:
            return None
        margin = int(encode["depth"]) * int(encode["window_size"])
        return cls(nlp, margin, list(extract[0].attrs["columns"]))

    def windows(self, length: int, ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """Merged token windows holding every range with ``margin`` tokens either side."""
        m = self.margin
        out: list[tuple[int, int]] = []
        for lo, hi in sorted((max(0, lo - m), min(length, hi + m)) for lo, hi in ranges if hi > lo):
            if out and lo <= out[-1][1] + m:  # overlapping or nearly: one window is cheaper than two edges
                out[-1] = (out[-1][0], max(out[-1][1], hi))
            else:
                out.append((lo, hi))
        return out

    def run(self, items: list[tuple[Doc, list[tuple[int, int]]]]) -> list[list[tuple[int, int, Any]]]:
        """Tag every token of each doc's ranges; per doc, its windows ``(start, end, vectors)``."""
        slices: list[_Rows] = []
        owners: list[tuple[int, int, int]] = []
        for k, (doc, ranges) in enumerate(items):
            wins = self.windows(len(doc), ranges)
            if not wins:
                continue
            array = doc.to_array(self.columns)
            for lo, hi in wins:
                slices.append(_Rows(array, lo, hi))
                owners.append((k, lo, hi))
        out: list[list[tuple[int, int, Any]]] = [[] for _ in items]
        if not slices:
            return out
        vectors = self.tok2vec.predict(slices)
        scores = self.softmax.predict(vectors)
        m = self.margin
        tags: dict[int, numpy.ndarray] = {}
        for (k, lo, hi), vecs, score in zip(owners, vectors, scores, strict=True):
            doc = items[k][0]
            if k not in tags:
                tags[k] = doc.to_array([TAG]).reshape((-1, 1))
            core_lo = lo if lo == 0 else lo + m
            core_hi = hi if hi == len(doc) else hi - m
            tags[k][core_lo:core_hi, 0] = self.labels[score[core_lo - lo : core_hi - lo].argmax(axis=1)]
            out[k].append((lo, hi, vecs))
        for k, column in tags.items():
            items[k][0].from_array([TAG], column)
        return out

    def tag_tokens(self, doc: Doc, indices: Iterable[int]) -> None:
        self.run([(doc, [(i, i + 1) for i in indices])])


class QuoteComponent:
    """``casebook_quotes``: reads the parse when there is one, else parses only the quote paragraphs.

    On a doc the tok2vec and tagger have not run over (:class:`indexer.enrich.Enricher` skips them), it runs
    them itself, through :class:`WindowTagger`, over the quotation paragraphs (which the parser needs) and the
    tokens ``tag_targets(doc)`` names (the tokens the caller will read the tags of), nowhere else.
    """

    def __init__(self, nlp: Language, name: str = "casebook_quotes") -> None:
        self.nlp = nlp
        self.name = name
        self.tag_targets: Callable[[Doc], Iterable[int]] | None = None
        self._window_tagger: WindowTagger | None | bool = False  # False: not looked at yet

    def window_tagger(self) -> WindowTagger | None:
        if self._window_tagger is False:
            self._window_tagger = WindowTagger.for_pipeline(self.nlp)
        return self._window_tagger  # type: ignore[return-value]

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            todo = []
            for doc in batch:
                if doc.has_annotation("DEP") or "parser" not in self.nlp.component_names:
                    doc._.quotes = extract_quotes(doc) if doc.has_annotation("DEP") else []
                else:
                    todo.append(doc)
            if todo:
                self._parse_regions(todo, batch_size)
            for doc in batch:
                forget_text(doc)
                yield doc

    def _parse_regions(self, docs: list[Doc], batch_size: int) -> None:
        """Parse the quotation paragraphs of each doc (tagging and vectorising them first if need be)."""
        runs: list[list[tuple[int, int]]] = []
        for doc in docs:
            spans = (doc.char_span(lo, hi, alignment_mode="expand") for lo, hi in quote_runs(doc_text(doc)))
            runs.append([(s.start, s.end) for s in spans if s is not None and len(s)])
        windows: list[list[tuple[int, int, Any]]] = [[] for _ in docs]
        bare = [k for k, doc in enumerate(docs) if doc.tensor.size == 0]  # the tok2vec has not run
        if bare:
            tagger = self.window_tagger()
            if tagger is None:  # another architecture: the tok2vec and tagger over the whole text
                whole = [docs[k] for k in bare]
                for name in ("tok2vec", "tagger"):
                    for _ in self.nlp.get_pipe(name).pipe(whole, batch_size=batch_size):  # type: ignore[attr-defined]
                        pass
            else:
                targets = self.tag_targets
                items = []
                for k in bare:
                    extra = [(i, i + 1) for i in targets(docs[k])] if targets is not None else []
                    items.append((docs[k], runs[k] + extra))
                for k, found in zip(bare, tagger.run(items), strict=True):
                    windows[k] = found
        head = Doc._get_array_attrs()
        subdocs: list[Doc] = []
        parts_of: list[list[tuple[Span, Doc]]] = []
        no_vector = numpy.zeros((self.nlp.vocab.vectors_length,), dtype="float32")
        for doc, doc_runs, wins in zip(docs, runs, windows, strict=True):
            parts: list[tuple[Span, Doc]] = []
            if doc_runs:
                array = doc.to_array(head)
                # Span.as_doc averages the word vectors for the new doc's .vector: nothing reads it here.
                had_hook = "vector" in doc.user_span_hooks
                if not had_hook:
                    doc.user_span_hooks["vector"] = lambda span: no_vector
                text = doc_text(doc)
                for start, end in doc_runs:
                    span = doc[start:end]
                    sub = span.as_doc(array_head=head, array=array)
                    last = doc[end - 1]
                    sub.user_data[_TEXT_KEY] = text[span.start_char : last.idx + len(last.text_with_ws)]
                    if wins:
                        lo, _, vecs = next(w for w in wins if w[0] <= start and end <= w[1])
                        sub.tensor = vecs[start - lo : end - lo]
                    parts.append((span, sub))
                if not had_hook:
                    del doc.user_span_hooks["vector"]
            subdocs.extend(sub for _, sub in parts)
            parts_of.append(parts)
        if subdocs:
            parser = self.nlp.get_pipe("parser")
            for _ in parser.pipe(subdocs, batch_size=batch_size):  # type: ignore[attr-defined]
                pass  # annotates subdocs in place
        for doc, parts in zip(docs, parts_of, strict=True):
            doc._.quotes = self._quotes_of_regions(doc, parts)
            doc.tensor = _EMPTY  # used up: nothing later reads it, and workers send docs back whole

    @staticmethod
    def _quotes_of_regions(doc: Doc, parts: list[tuple[Span, Doc]]) -> list[dict[str, Any]]:
        covered = [(span.start_char, span.end_char) for span, _ in parts]
        barriers = sorted(
            ent.start_char
            for ent in doc.ents
            if ent.label_ in _PERSON_LABELS | _ORG_LABELS
            and not any(lo <= ent.start_char < hi for lo, hi in covered)
        )
        ctx = _Context(barriers=barriers)
        quotes: list[dict[str, Any]] = []
        for span, sub in parts:
            ctx.base = span.start_char
            quotes.extend(extract_quotes(sub, ctx))
        return quotes


@Language.factory("casebook_quotes")
def make_quote_component(nlp: Language, name: str) -> QuoteComponent:
    """Pipeline component: ``doc._.quotes`` (after ``ner``; parses quote paragraphs itself if needed)."""
    return QuoteComponent(nlp, name)
