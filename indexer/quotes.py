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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy
from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import minibatch

from casebook.models import Entity
from casebook.settings import DEFAULT_SETTINGS_FILE
from indexer.gazetteer import Lexicon, Title, load_gazetteer, load_lexicon

DEFAULT_GAZETTEER = DEFAULT_SETTINGS_FILE.parent / "gazetteer"

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


# --- the lexicon as the component reads it -----------------------------------------------------------------

_IRREGULAR_PLURALS = {
    "spokesmen": "spokesman", "spokeswomen": "spokeswoman", "spokespeople": "spokesperson",
    "chairmen": "chairman", "chairwomen": "chairwoman", "men": "man", "women": "woman", "people": "person",
    "businessmen": "businessman", "businesswomen": "businesswoman", "congressmen": "congressman",
    "congresswomen": "congresswoman", "mps": "mp",
}  # fmt: skip


def _lemma_tables(nlp: Language | None) -> tuple[dict[str, list[str]], list[list[str]], set[str]]:
    """The verb tables of the model's rule lemmatizer (exceptions, suffix rules, known lemmas), if any."""
    if nlp is None or "lemmatizer" not in nlp.component_names:
        return {}, [], set()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_rules"):
        return {}, [], set()
    exc = lookups.get_table("lemma_exc").get("verb", {}) if lookups.has_table("lemma_exc") else {}
    rules = lookups.get_table("lemma_rules").get("verb", [])
    index = (
        set(lookups.get_table("lemma_index").get("verb", [])) if lookups.has_table("lemma_index") else set()
    )
    return dict(exc), [list(r) for r in rules], index


_FALLBACK_RULES = [["ies", "y"], ["ied", "y"], ["es", "e"], ["es", ""], ["s", ""], ["ed", "e"], ["ed", ""],
                   ["ing", "e"], ["ing", ""]]  # fmt: skip


class QuoteLexicon:
    """What attribution reads from ``corpus/gazetteer``: verbs of saying (by lemma), speaker nouns, titles,
    and the role nouns of each official's gazetteer roles ("Minister of State for ..." -> "minister").

    Verb lemmas come from the model's own rule lemmatizer tables (exceptions, then suffix rules checked
    against its known lemmas), read directly so that enrichment need not run the lemmatizer component.
    """

    def __init__(
        self, lexicon: Lexicon, nlp: Language | None = None, entities: Iterable[Entity] = ()
    ) -> None:
        self.speech_verbs = lexicon.speech_verbs
        self.speech_nouns = lexicon.speech_nouns
        self.person_nouns = lexicon.person_nouns
        self.spokes = lexicon.spokes_nouns
        self.org_nouns = lexicon.org_nouns
        self.titles = lexicon.titles
        self._exc, self._rules, self._index = _lemma_tables(nlp)
        self._lemmas: dict[str, str] = {}
        self.official_roles: dict[str, frozenset[str]] = {}
        for entity in entities:
            words = {
                self.noun_lemma(w) for role in entity.roles for w in re.findall(r"[A-Za-z-]+", role.title)
            }
            roles = frozenset(w for w in words if w in self.person_nouns)
            if roles:
                self.official_roles[entity.id] = roles

    def verb_lemma(self, form: str) -> str:
        """The lemma the rule lemmatizer gives the verb ``form`` ("said" -> "say", "tweets" -> "tweet")."""
        form = form.lower()
        known = self._lemmas.get(form)
        if known is not None:
            return known
        if form in self._exc:
            lemma = self._exc[form][0]
        else:
            lemma, oov = "", ""
            for old, new in self._rules or _FALLBACK_RULES:
                if form.endswith(old) and len(form) > len(old):
                    candidate = form[: len(form) - len(old)] + new
                    if candidate in self._index or (not self._index and candidate in self.speech_verbs):
                        lemma = candidate
                        break
                    oov = oov or candidate
            if not lemma and len(form) > 4 and form[-3] == form[-4] and form.endswith(("ed", "ing")):
                stem = form[:-3] if form.endswith("ed") else form[:-4]  # "admitted", "chatting"
                lemma = stem if stem in self.speech_verbs else ""
            lemma = lemma or (form if form in self._index or form in self.speech_verbs else oov or form)
        self._lemmas[form] = lemma
        return lemma

    def noun_lemma(self, word: str) -> str:
        """A speaker noun in the singular ("spokesmen" -> "spokesman", "ministers" -> "minister")."""
        word = word.lower().rstrip(".")
        if word in _IRREGULAR_PLURALS:
            return _IRREGULAR_PLURALS[word]
        if word.endswith("s") and (word[:-1] in self.person_nouns or word[:-1] in self.org_nouns):
            return word[:-1]
        if word.endswith("ies") and word[:-3] + "y" in self.org_nouns:
            return word[:-3] + "y"
        return word

    def title(self, word: str) -> Title | None:
        return self.titles.get(word.lower().rstrip("."))


OPEN_CURLY, CLOSE_CURLY, STRAIGHT = "“", "”", '"'
OPEN_SINGLE, CLOSE_SINGLE = "‘", "’"
CLOSERS = {OPEN_CURLY: CLOSE_CURLY, STRAIGHT: STRAIGHT, OPEN_SINGLE: CLOSE_SINGLE}
MIN_WORDS = 2  # a one-word quotation is a scare quote, never kept
MIN_BLOCK_WORDS = 4  # an unattributed paragraph-long quotation needs at least this many words
PRONOUN_REACH = 2500  # characters: a he/she further than this from its antecedent stays unresolved
ROLE_REACH = 4000  # characters: "the minister" further than this from the person so called stays as written
TERM_WORDS = 2  # a quotation this short that the text repeats is a term in quotation marks, not speech
NEXT_NAME_REACH = (
    400  # characters: how far after "The chair of ..." the name may come ("... Debbie Abrahams")
)
LOOKAHEAD_PARAGRAPHS = 8  # how far a quote opened at a paragraph start may run before its closing mark
_PERSON_LABELS = frozenset({"PERSON"})
_ORG_LABELS = frozenset({"ORG"})
_SENTENCE_END = frozenset({".", "?", "!"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "WORK_OF_ART"})
# A sentence ends at a line break or at . ! ? and a space, except after a title or an initial ("Sen. Cruz").
_SENTENCE_BREAK_RE = re.compile(
    r"\n|(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bSt)(?<!\bSen)(?<!\bRep)(?<!\bGov)(?<!\bGen)"
    r"(?<!\bJr)(?<!\bLt)(?<!\bCol)(?<!\bProf)(?<!\bRev)(?<!\bNo)(?<!\bvs)[.!?][”\"’]?\s"
)
_PREPOSITIONS = frozenset(
    {"of", "for", "from", "at", "in", "with", "to", "by", "on", "about", "against", "than", "like", "between"}
)
_NOT_NAME_LABELS = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY", "LAW", "LANGUAGE", "EVENT"}
)
_DEFINITE = frozenset({"the", "this", "that", "its", "their", "his", "her"})


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
            if end_k is None:
                break
            q.block = start == lo
            found.append(q)
            k = end_k  # read on after the closing mark: “…,” she added, “…”
            lo, hi = paras[k]
            i = q.end + 1
        k += 1
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
    """Who spoke, as the text names or describes them (offsets into the whole text)."""

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
    gender: str | None = None  # "female" / "male" where the text says so (a title, a noun, a pronoun)
    roles: frozenset[str] = frozenset()  # what the text or the gazetteer calls them ("minister", "charity")

    def shifted(self, base: int) -> _Speaker:
        return replace(
            self,
            start=self.start + base,
            end=self.end + base,
            org_start=None if self.org_start is None else self.org_start + base,
            org_end=None if self.org_end is None else self.org_end + base,
        )


@dataclass
class _Referent:
    """Someone the text names or describes before a quotation: what "she" or "the minister" may refer to."""

    pos: int  # offset into the whole text
    speaker: _Speaker
    salient: bool  # a clause subject or a quotation's speaker
    passing: bool = False  # named in passing: a possessive ("Reeve’s mother") or after a preposition


def _name_words(text: str, lex: QuoteLexicon) -> list[str]:
    words = [re.sub(r"(?:['’]s?|[.,;:])$", "", w).lower() for w in text.split()]
    while len(words) > 1 and (words[0] in ("the", "a", "an") or lex.title(words[0]) is not None):
        words = words[1:]
    return [w for w in words if w]


def _same(a: _Speaker, b: _Speaker, lex: QuoteLexicon) -> bool:
    """The same person or organisation: one id, or one name ("Sandra" and "Sandra Reeve", "Reeve")."""
    if a.entity_id and b.entity_id:
        return a.entity_id == b.entity_id
    if not (a.entity and b.entity):
        return a.entity == b.entity and a.text.lower() == b.text.lower()
    wa, wb = _name_words(a.text, lex), _name_words(b.text, lex)
    if not wa or not wb:
        return False
    if wa[-1] != wb[-1]:
        return (len(wa) == 1 and wa[0] == wb[0]) or (len(wb) == 1 and wb[0] == wa[0])  # a first name alone
    return len(wa) == 1 or len(wb) == 1 or wa[0] == wb[0]


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
    tokens = [t for t in ent if t.text not in ("’s", "'s", "’", "'")] or list(ent)
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    person = ent.label_ in _PERSON_LABELS
    return _Speaker(doc_text(ent.doc)[start:end], start, end, True, ent.ent_id_ or None, person=person)


class _Attributor:
    """Finds each quotation's cue and speaker in a parsed run of paragraphs (see the module docstring)."""

    def __init__(self, lex: QuoteLexicon) -> None:
        self.lex = lex

    # --- cues ---------------------------------------------------------------------------------------------

    def is_cue(self, tok: Token) -> bool:
        """A verb of saying (by lemma), or "point (out)" and "put (it)"; read as a verb, not a noun."""
        t = tag(tok)
        if t.startswith("VB") or t == "MD":
            if tok.i >= 2 and tok.doc[tok.i - 1].text == "-" and tok.doc[tok.i - 2].lower_ == "so":
                return False  # a "so-called “light touch” review": a label, not speech
            return self.lex.verb_lemma(tok.lower_) in self.lex.speech_verbs
        # "In the same announcement, the DWP claim that “…”": the tagger reads the verb as a noun; a
        # present-tense form heading the sentence with a named modifier and a that-clause is still the verb.
        return (
            t in ("NN", "NNS")
            and tok.dep_ == "ROOT"
            and self.lex.verb_lemma(tok.lower_) in self.lex.speech_verbs
            and any(c.dep_ == "compound" and c.ent_type_ in ("ORG", "PERSON") for c in tok.children)
            and any(
                c.dep_ in ("acl", "ccomp", "advcl", "relcl")
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
                for c in tok.children
            )
        )

    # --- who a subject is ---------------------------------------------------------------------------------

    def named(self, doc: Doc, subj: Token, labels: frozenset[str]) -> _Speaker | None:
        """The named entity (of ``labels``) that ``subj`` is, or that names it in apposition.

        A subject that lists several people ("Ian Anderson ... and Matt Russell") names no single speaker.
        """
        if subj.dep_ == "conj" or any(c.dep_ == "conj" for c in subj.children):
            return None
        candidates = [subj]
        if tag(subj) not in ("NNS", "NNPS"):
            candidates += [c for c in subj.children if c.dep_ in ("appos", "compound", "flat")]
        for tok in candidates:
            if tok is not subj and any(c.dep_ == "conj" for c in tok.children):
                continue
            ent = _ent_at(doc, tok)
            if ent is not None and ent.label_ in labels:
                if tok is not subj and ent.label_ in _ORG_LABELS and upos(subj) == "NOUN":
                    continue  # "A DWP spokesman": the spokesman, not DWP (see description)
                return _speaker_from_ent(ent)
        return None

    def unlinked_name(self, doc: Doc, subj: Token) -> _Speaker | None:
        """A proper-noun subject the model missed ("“…,” Hale said"): the speaker as written, given an id only
        through a mention the enricher finds there. One the model called a date or a number ("Saturday"),
        or a place or anything else in several words or capitals ("New Hampshire", "OH"), is a speaker only
        if the enricher links it to a person or organisation (``needs_link``): a single word in title case
        the model called a place is most often a surname ("Ban recalled")."""
        if upos(subj) != "PROPN" or subj.ent_type_ in ("PERSON", "ORG") or not subj.text[:1].isupper():
            return None
        first = subj
        while first.i > 0 and upos(doc[first.i - 1]) == "PROPN" and doc[first.i - 1].head.i == subj.i:
            first = doc[first.i - 1]
        start, end = first.idx, subj.idx + len(subj.text)
        doubtful = bool(subj.ent_type_) and (
            subj.ent_type_ in _NOT_NAME_LABELS or first.i != subj.i or not subj.text.istitle()
        )
        return _Speaker(doc_text(doc)[start:end], start, end, True, None, needs_link=doubtful)

    def description(self, doc: Doc, subj: Token) -> _Speaker | None:
        """ "A DWP spokesman", "The two civil servants", "the charity": an unnamed speaker kept as written.

        For a spokesperson, the organisation written inside the description ("A DWP spokesman", "a
        spokeswoman for Mind") is kept: the quote is that organisation's.
        """
        lex = self.lex
        word = lex.noun_lemma(subj.lower_)
        if upos(subj) not in ("NOUN", "PROPN"):
            return None
        is_person = word in lex.person_nouns or word in lex.spokes
        if not is_person and word not in lex.org_nouns:
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
        plural = tag(subj) in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in subj.children)
        roles = {word} | (set(lex.spokes) if word in lex.spokes else set())
        gender = lex.person_nouns.get(word)
        speaker = _Speaker(
            doc_text(doc)[start:end],
            start,
            end,
            False,
            None,
            plural,
            is_person,
            gender=gender,
            roles=frozenset(roles),
        )
        if word in lex.spokes:
            orgs = {
                (ent.start_char, ent.end_char)
                for tok in doc[first.i : last.i + 1]
                if (ent := _ent_at(doc, tok)) is not None and ent.label_ in _ORG_LABELS
            }
            if len(orgs) == 1:
                speaker.org_start, speaker.org_end = orgs.pop()
        return speaker

    def speaker_for(self, doc: Doc, subj: Token) -> _Speaker | None:
        """Who a (non-pronoun) subject names: a person, else a described speaker, else an organisation."""
        return (
            self.named(doc, subj, _PERSON_LABELS)
            or (self.named(doc, subj, _ORG_LABELS) if subj.ent_type_ in _ORG_LABELS else None)
            or self.description(doc, subj)
            or self.named(doc, subj, _ORG_LABELS)
            or self.unlinked_name(doc, subj)
        )

    # --- resolving "she", "the minister" --------------------------------------------------------------------

    def resolve_pronoun(self, word: str, pos: int, ctx: _Context) -> _Speaker | None:
        """The nearest earlier person (for he/she) or organisation (for it) of the pronoun's gender, never
        one named inside a quotation; None when someone else of that kind is named in the same sentence as
        that nearest one ("Sandra Reeve wrote to her MP, Jonathan Ashworth. She said ..."), as the two then
        compete. A name in passing (a possessive, after a preposition) is passed over: "Reeve’s mother,
        Sandra" is Sandra, "Asked by Abrahams ..., he said" is whoever spoke before."""
        word = word.lower()
        if word in ("he", "him", "his", "himself"):
            person, gender = True, "male"
        elif word in ("she", "her", "hers", "herself"):
            person, gender = True, "female"
        elif word in ("it", "its"):
            person, gender = False, None
        else:  # they, we, I, you: too often not the speaker we would guess
            return None
        candidates = [
            r
            for r in ctx.referents
            if r.pos < pos
            and pos - r.pos <= PRONOUN_REACH
            and r.speaker.person == person
            and not r.speaker.plural
            and not r.speaker.needs_link
            and (gender is None or ctx.gender_of(r.speaker, self.lex) in (None, gender))
        ]
        if not candidates:
            return None
        main = [r for r in candidates if not r.passing] or candidates
        lo, hi = ctx.sentence_of(main[-1].pos)
        chosen = main[-1].speaker
        if any(lo <= r.pos < hi and not _same(r.speaker, chosen, self.lex) for r in main):
            return None
        if gender is not None and chosen.entity:
            ctx.genders.append((chosen, gender))
        return chosen

    def resolve_role(self, noun: str, pos: int, ctx: _Context) -> _Speaker | None:
        """ "the minister", "the charity", "the spokesman": the one earlier referent so called, if one."""
        lex = self.lex
        wanted = set(lex.spokes) if noun in lex.spokes else {noun}
        found = [
            r for r in ctx.referents if r.pos < pos and pos - r.pos <= ROLE_REACH and wanted & r.speaker.roles
        ]
        if not found:  # "The chair of the committee has warned ... Debbie Abrahams told ...": named next
            found = [
                r
                for r in ctx.referents
                if pos < r.pos <= pos + NEXT_NAME_REACH and r.speaker.entity and wanted & r.speaker.roles
            ][:1]
        if not found:
            return None
        last = found[-1].speaker
        if any(not _same(r.speaker, last, lex) for r in found):
            return None  # two people (or organisations) called so: leave the description as written
        return last

    def subject_speaker(self, doc: Doc, subj: Token, ctx: _Context) -> _Speaker | None:
        """Who the subject of a cue is: named, described, or resolved (offsets into the whole text)."""
        if upos(subj) == "PRON":
            if subj.lower_ in ("who", "that", "which") and subj.head.dep_ == "relcl":
                return self.subject_speaker(doc, subj.head.head, ctx)  # "Clinton, who said ..."
            return self.resolve_pronoun(subj.lower_, subj.idx + ctx.base, ctx)
        speaker = self.speaker_for(doc, subj)
        if speaker is None:
            return None
        speaker = ctx.known(speaker.shifted(ctx.base))
        if not speaker.entity and not speaker.plural:
            definite = any(c.dep_ in ("det", "poss") and c.lower_ in _DEFINITE for c in subj.children)
            if definite:  # "the minister", "the charity", "its chief executive": someone named before
                resolved = self.resolve_role(self.lex.noun_lemma(subj.lower_), subj.idx + ctx.base, ctx)
                if resolved is not None:
                    return resolved
        return speaker

    # --- what frames a quotation ------------------------------------------------------------------------

    def attribution(self, doc: Doc, cue: Token, ctx: _Context, how: str) -> _Attribution | None:
        subj = _subject_of(cue)
        if subj is not None and subj.lower_ == "you":
            return None  # "You can read “…” here": the reader, not a speaker
        if subj is not None and ctx.in_quote(subj.idx + ctx.base):
            subj = _name_beside(doc, cue, ctx)  # the parser took a quoted word for the subject
        speaker = self.subject_speaker(doc, subj, ctx) if subj is not None else None
        return _Attribution(_cue_text(cue), cue.i, speaker, how)

    def cue_before(self, doc: Doc, q: Quotation, before: Token | None, ctx: _Context) -> _Attribution | None:
        """ "X said: “…”", "X said, “…”", "X said “…”" (the colon may end the paragraph before)."""
        if before is None:
            return None
        if before.text in (":", ",", "—", "–"):
            end = before.i
        elif self.is_cue(before):
            end = before.i + 1
        else:
            return None
        sent = _sentence(doc, before)
        for tok in reversed(doc[sent.start : end]):
            if ctx.in_quote(tok.idx + ctx.base):
                break
            if self.is_cue(tok):
                between = doc[tok.i + 1 : before.i] if end == before.i else []
                if all(t.is_punct or t.is_space or _dominates(tok, t) for t in between):
                    return self.attribution(doc, tok, ctx, "before")
                return None
        return None

    def cue_after(self, doc: Doc, q: Quotation, closing: Token, ctx: _Context) -> _Attribution | None:
        """ "“…,” X said", "“…,” said X", "“…?” asked the minister", "“…,” Bozell, founder of …, tells"."""
        text = doc_text(doc)
        inside_end = text[q.start : q.end].rstrip()
        after = text[q.end + 1 : q.end + 3].lstrip(" ")
        if not (inside_end[-1:] in ",.?!…—–-" or after.startswith(",") or q.end + 1 >= len(text)):
            return None  # “scare quotes” mid-sentence: not a direct quotation with its cue after
        for tok in doc[closing.i + 1 : closing.i + 40]:
            if (tok.is_space and "\n" in tok.text) or tok.text in (OPEN_CURLY, STRAIGHT, OPEN_SINGLE, ";"):
                return None
            if tok.text in _SENTENCE_END:
                return None
            if ctx.in_quote(tok.idx + ctx.base):
                return None
            if self.is_cue(tok):
                between = doc[closing.i + 1 : tok.i]
                subj = _subject_of(tok)
                allowed = {t.i for t in subj.subtree} if subj is not None else set()
                for child in tok.children:
                    if (
                        child.dep_ in ("aux", "auxpass", "neg", "advmod", "npadvmod", "prep")
                        and child.i < tok.i
                    ):
                        allowed |= {t.i for t in child.subtree}
                if all(t.is_punct or t.is_space or t.i in allowed for t in between) or (
                    len(between) <= 8
                    and all(
                        upos(t) in ("PROPN", "PRON", "DET", "NOUN", "ADJ", "PUNCT", "NUM", "AUX")
                        and tag(t) not in ("WDT", "WP", "WP$")  # “…”, which she said ...: not its cue
                        for t in between
                    )
                ):
                    return self.attribution(doc, tok, ctx, "after")
                return None
        return None

    def colon_intro(self, doc: Doc, before: Token, ctx: _Context) -> _Attribution | None:
        """ "Her message to ministers: “…”", "Trump's response: “…”": a speech noun with its owner."""
        sent = _sentence(doc, before)
        intro = [t for t in doc[sent.start : before.i] if not t.is_space]
        if not intro or len(intro) > 25:
            return None
        for tok in intro:  # "Clinton released the following statement:", "He said in a statement:"
            if tok.lower_ not in self.lex.speech_nouns or ctx.in_quote(tok.idx + ctx.base):
                continue
            if tok.dep_ in ("dobj", "pobj"):
                verb = tok.head.head if tok.dep_ == "pobj" else tok.head
                subj = _subject_of(verb) if upos(verb) in ("VERB", "AUX") else None
                speaker = self.subject_speaker(doc, subj, ctx) if subj is not None else None
                if speaker is not None:
                    return _Attribution(":", before.i, speaker, "colon")
        found = self.according_to(doc, sent, ctx) or self.as_x_said(doc, sent, before.i, ctx)
        if found is not None:  # "As Breitbart News reported, ...:"
            return found
        root = sent.root if doc.has_annotation("DEP") else None
        if root is not None and root.i < before.i and upos(root) in ("VERB", "AUX"):
            subj = _subject_of(root)  # "She then addressed the supporters again: “…”"
            if subj is not None and (upos(subj) == "PRON" or subj.ent_type_ in ("PERSON", "ORG")):
                speaker = self.subject_speaker(doc, subj, ctx)
                if speaker is not None:
                    return _Attribution(":", before.i, speaker, "colon")
        for tok in intro:
            if tok.dep_ == "poss" and tok.head.lower_ in self.lex.speech_nouns:
                if upos(tok) == "PRON":
                    speaker = self.resolve_pronoun(tok.lower_, tok.idx + ctx.base, ctx)
                else:
                    found = self.speaker_for(doc, tok)
                    speaker = found.shifted(ctx.base) if found is not None else None
                if speaker is not None:
                    return _Attribution(":", before.i, speaker, "colon")
        return None

    def attribute(self, doc: Doc, q: Quotation, ctx: _Context) -> _Attribution | None:
        """The cue and speaker of a quotation, or None when nothing frames it as speech."""
        opening = _token_at(doc, q.start - 1)
        closing = _token_at(doc, q.end)
        inner = _token_at(doc, q.start)
        if opening is None or inner is None:
            return None
        before = _prev_token(doc, opening.i)
        # "We reproduce below the initial inquiry from Alan, ...;" then the letter
        if before is not None and before.text in (":", ";"):
            line_start = doc_text(doc).rfind("\n", 0, before.idx) + 1
            for ent in doc.ents:
                if line_start <= ent.start_char < before.idx and ent.label_ in _PERSON_LABELS | _ORG_LABELS:
                    if _FROM_RE.search(doc_text(doc)[line_start : ent.start_char]):
                        return _Attribution(None, None, _speaker_from_ent(ent).shifted(ctx.base), "from")
        found = self.cue_before(doc, q, before, ctx)
        if found is None and closing is not None and closing.i + 1 < len(doc):
            found = self.cue_after(doc, q, closing, ctx)
        if found is not None:
            return found
        sent = _sentence(doc, opening)
        found = self.according_to(doc, sent, ctx) or self.as_x_said(doc, sent, opening.i, ctx)
        if found is not None:
            return found
        # Reported speech: a verb of saying earlier in the sentence governs the quoted words.
        root = _quote_root(doc, q) or inner
        cues = [
            t
            for t in doc[sent.start : opening.i]
            if self.is_cue(t) and not ctx.in_quote(t.idx + ctx.base) and _governs(t, root)
        ]
        if cues:
            cue = ([c for c in cues if _subject_of(c) is not None] or cues)[-1]
            if (
                root.head.lower_ == "as"
                and root.head.head.i == cue.i
                and self.lex.verb_lemma(cue.lower_) in _LABEL_VERBS
                and len(doc_text(doc)[q.start : q.end].split()) <= 3
            ):
                return None  # described as “DWP skulduggery”: a label the writer reports, not words said
            return self.attribution(doc, cue, ctx, "reported")
        # she “made it very clear …”: the subject just before the mark, its verb inside the quotation.
        if before is not None and before.dep_ == "nsubj" and q.start <= before.head.idx < q.end:
            if upos(before.head) in ("VERB", "AUX"):
                speaker = self.subject_speaker(doc, before, ctx)
                return _Attribution(before.head.lower_, before.head.i, speaker, "subject")
        if before is not None and before.text == ":":
            found = self.colon_intro(doc, before, ctx)
            if found is not None:
                return found
        found = self.cue_in_sentence_before(doc, q, opening, ctx)
        if found is not None:
            return found
        if q.block:  # a paragraph that is wholly a quotation: kept, unattributed (unless it continues one)
            return _Attribution(None, None, None, "block")
        return None

    def cue_in_sentence_before(
        self, doc: Doc, q: Quotation, opening: Token, ctx: _Context
    ) -> _Attribution | None:
        """ "This makes it harder, he said. Good information wins only when “the truth is sexier”.": no cue
        in the quotation's sentence, and the sentence before it in the same paragraph is someone's speech;
        the quotation's own sentence names no one else before it."""
        sent = _sentence(doc, opening)
        if sent.start == 0 or not doc.has_annotation("SENT_START"):
            return None
        prev = doc[sent.start - 1]
        if prev.is_space and "\n" in prev.text:
            return None  # a paragraph starts here
        before = doc[sent.start : opening.i]
        if any(t.ent_type_ in ("PERSON", "ORG") or (upos(t) == "PRON" and t.dep_ == "nsubj") for t in before):
            return None
        cues = [
            t
            for t in prev.sent
            if self.is_cue(t)
            and not ctx.in_quote(t.idx + ctx.base)
            and (subj := _subject_of(t)) is not None
            and subj.dep_ == "nsubj"  # "candidates are asked to ...": no one speaks
        ]
        if not cues:
            return None
        found = self.attribution(doc, cues[-1], ctx, "sentence before")
        if found is None or found.speaker is None or found.speaker.plural:
            return None
        return found

    def according_to(self, doc: Doc, sent: Span, ctx: _Context) -> _Attribution | None:
        """ "according to X" in the sentence: X is the speaker."""
        for tok in sent:
            if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                obj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
                if obj is None and tok.i + 2 < len(doc):
                    obj = doc[tok.i + 2]
                if obj is not None and not ctx.in_quote(obj.idx + ctx.base):
                    speaker = self.subject_speaker(doc, obj, ctx)
                    if speaker is not None:
                        return _Attribution("according to", tok.i, speaker, "according")
        return None

    def as_x_said(self, doc: Doc, sent: Span, before: int, ctx: _Context) -> _Attribution | None:
        """ "As DNS pointed out, … “…”": a speech clause introduced by "as" earlier in the sentence."""
        for tok in sent:
            if tok.i >= before:
                break
            if tok.dep_ != "advcl" or not any(c.lower_ == "as" and c.dep_ == "mark" for c in tok.children):
                continue
            word = self.lex.verb_lemma(tok.lower_)
            if word == "point" and not any(c.lower_ == "out" for c in tok.children):
                continue
            if word == "put" and not any(c.lower_ == "it" for c in tok.children):
                continue
            if word in self.lex.speech_verbs or word in ("point", "put"):
                subj = _subject_of(tok)
                if subj is not None:
                    speaker = self.subject_speaker(doc, subj, ctx)
                    return _Attribution(_cue_text(tok), tok.i, speaker, "as")
        return None

    # --- a run of paragraphs ------------------------------------------------------------------------------

    def learn(self, doc: Doc, ctx: _Context) -> None:
        """Clause subjects of a parsed run become salient referents; descriptions become referents too;
        a sentence whose one named subject is followed by "she"/"her" (and no "he") says she is a woman."""
        base = ctx.base
        for tok in doc:
            if tok.dep_ not in ("nsubj", "nsubjpass") or upos(tok) == "PRON" or ctx.in_quote(tok.idx + base):
                continue
            speaker = self.speaker_for(doc, tok)
            if speaker is None or speaker.needs_link:
                continue
            speaker = speaker.shifted(base)
            if speaker.entity:
                ctx.mark_salient(speaker)
            elif not speaker.plural and not any(
                c.dep_ in ("det", "poss") and c.lower_ in _DEFINITE for c in tok.children
            ):  # "A DWP spokesman" introduces someone; "the minister" refers back (see subject_speaker)
                ctx.add(_Referent(speaker.start, speaker, True))
        for tok in doc:  # "Sandra Reeve said she had written ...": the one who says "she" of herself
            if tok.dep_ != "nsubj" or tok.lower_ not in ("he", "she") or tok.head.dep_ != "ccomp":
                continue
            subj = _subject_of(tok.head.head) if self.is_cue(tok.head.head) else None
            ent = _ent_at(doc, subj) if subj is not None else None
            if ent is not None and ent.label_ in _PERSON_LABELS and not ctx.in_quote(tok.idx + base):
                ctx.genders.append(
                    (_speaker_from_ent(ent).shifted(base), "female" if tok.lower_ == "she" else "male")
                )
        if not doc.has_annotation("SENT_START"):
            return
        for sent in doc.sents:
            subjects = [
                t
                for t in sent
                if t.dep_ == "nsubj" and t.ent_type_ == "PERSON" and not ctx.in_quote(t.idx + base)
            ]
            words = {t.lower_ for t in sent if upos(t) == "PRON" and not ctx.in_quote(t.idx + base)}
            she, he = bool(words & {"she", "her", "herself"}), bool(words & {"he", "him", "his", "himself"})
            if len(subjects) == 1 and she != he:
                ent = _ent_at(doc, subjects[0])
                if ent is not None and not any(
                    e.label_ == "PERSON" and e.start != ent.start for e in sent.ents
                ):
                    ctx.genders.append((_speaker_from_ent(ent).shifted(base), "female" if she else "male"))

    def quotes(self, doc: Doc, ctx: _Context) -> list[dict[str, Any]]:
        """The quotes of a parsed run (``doc``), as plain dicts with offsets into the whole text."""
        text = doc_text(doc)
        self.learn(doc, ctx)
        out: list[dict[str, Any]] = []
        prev: tuple[Quotation, _Attribution] | None = None
        # "she" and "he" as subjects, read in text order with the quotations: each one resolved tells the
        # gender of someone ("Abrahams ... She said the committee would ..."), for the pronouns after it.
        pronouns = [
            t
            for t in doc
            if t.dep_ in ("nsubj", "nsubjpass")
            and t.lower_ in ("he", "she")
            and not ctx.in_quote(t.idx + ctx.base)
        ]
        for q in find_quotations(text):
            while pronouns and pronouns[0].idx < q.start:
                tok = pronouns.pop(0)
                self.resolve_pronoun(tok.lower_, tok.idx + ctx.base, ctx)
            start, end = q.start, q.end
            while start < end and text[start].isspace():
                start += 1
            while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
                end -= 1
            words = text[start:end].split()
            if len(words) < MIN_WORDS or (_title_like(words) and not q.block):
                continue
            if _term_key(text[start:end]) in ctx.terms:
                continue  # ‘job coach’ in quotation marks again and again: a term held at arm's length
            if _SO_CALLED_RE.search(text, max(0, q.start - 12), q.start - 1):
                continue  # the so-called “fit for work” test: a label
            found = self.attribute(doc, q, ctx)
            if (found is None or found.how == "block") and prev is not None and _continues(doc, prev, q):
                found = replace(prev[1], how="continued")
            if found is None:
                continue
            if found.cue is None and found.speaker is None and len(words) < MIN_BLOCK_WORDS:
                continue
            if found.how != "block":
                prev = (q, found)
            speaker = found.speaker
            if speaker is not None:
                pos = (doc[found.cue_i].idx if found.cue_i is not None else q.start) + ctx.base
                ctx.add(_Referent(pos, speaker, True))
            out.append(
                {
                    "text": text[start:end],
                    "start": start + ctx.base,
                    "end": end + ctx.base,
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
        return out


def _cue_text(tok: Token) -> str:
    return " ".join([tok.lower_, *(c.lower_ for c in tok.children if c.dep_ == "prt" and c.i > tok.i)])


def _subject_of(verb: Token) -> Token | None:
    """The subject of a verb of saying, or of the verb it hangs from ("…, saying “…”", "and added")."""
    tok: Token | None = verb
    for _ in range(4):
        if tok is None:
            break
        for child in tok.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if tok.dep_ in ("conj", "xcomp", "advcl") and tok.head.i != tok.i:
            tok = tok.head  # "... and added", "..., saying", "wants to say"
        elif tok.dep_ == "pcomp" and tok.head.dep_ == "prep":
            tok = tok.head.head  # "after hinting that ..."
        elif tok.dep_ == "acl" and tag(tok) == "VBG" and tok.head.dep_ in ("dobj", "pobj"):
            tok = tok.head.head  # "issued a statement saying ...": the one who issued it
        else:
            tok = None
    if upos(verb) == "NOUN":  # "the DWP claim that …" parsed as a noun phrase: its named modifier speaks
        named = [c for c in verb.children if c.dep_ == "compound" and c.ent_type_ in ("ORG", "PERSON")]
        return named[-1] if named else None
    return None


def _name_beside(doc: Doc, cue: Token, ctx: _Context) -> Token | None:
    """The name written right beside a cue, outside quotations: "said Grimm", "Trump said"."""
    for tok in (*doc[cue.i + 1 : cue.i + 3], *reversed(doc[max(0, cue.i - 2) : cue.i])):
        if tok.ent_type_ in ("PERSON", "ORG") and not ctx.in_quote(tok.idx + ctx.base):
            ent = _ent_at(doc, tok)
            return ent.root if ent is not None else tok
    return None


def _quote_root(doc: Doc, q: Quotation) -> Token | None:
    """The token of the quoted words that hangs from something outside them (their head in the sentence)."""
    span = doc.char_span(q.start, q.end, alignment_mode="contract")
    if span is None:
        return None
    for tok in span:
        if not (span.start <= tok.head.i < span.end) or tok.head.i == tok.i:
            return tok
    return None


def _continues(doc: Doc, prev: tuple[Quotation, _Attribution], q: Quotation) -> bool:
    """``q`` goes on with ``prev``'s words: “A,” X said. “B.” or “A,” said X.¶ “B.” (one speaker, one cue).

    Between the two quotations there may be only the cue clause of the first (or nothing), and at most
    one paragraph break, after which ``q`` opens its paragraph.
    """
    pq, found = prev
    if found.speaker is None and found.cue is None:
        return False
    text = doc_text(doc)
    gap = text[pq.end + 1 : q.start - 1]
    if (
        len(re.findall(r"\n\s*", gap)) > 1
        or len(gap) > 300
        or any(m in gap for m in (OPEN_CURLY, STRAIGHT, OPEN_SINGLE))
    ):
        return False
    if "\n" in gap and text[text.rfind("\n", 0, q.start - 1) + 1 : q.start - 1].strip():
        return False  # after a paragraph break the quotation must open its paragraph
    bare = gap.strip(" \n,.;:—–-")
    if not bare:
        return True
    cue_at = doc[found.cue_i].idx if found.cue_i is not None else -1
    if not (pq.end < cue_at < q.start):
        return False
    return sum(bare.count(c) for c in _SENTENCE_END) <= 1


def _governs(cue: Token, tok: Token) -> bool:
    """The quoted words are what ``cue`` says: ``cue`` dominates them, and not through a condition the
    writer adds ("... if they failed to take part “without good cause”")."""
    while tok.i != cue.i:
        if tok.head.i == tok.i:
            return False
        if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _CONDITIONS for c in tok.children):
            return False
        tok = tok.head
    return True


_CONDITIONS = frozenset({"if", "unless", "when", "whenever", "once"})
# "described as “DWP skulduggery”": with these, a short quotation after "as" is a label, not words said.
_LABEL_VERBS = frozenset(
    {"describe", "label", "brand", "dub", "term", "call", "characterise", "characterize"}
)
_SO_CALLED_RE = re.compile(r"so[- ]called\s*$", re.I)


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
    cue_i: int | None  # the cue's token in the run
    speaker: _Speaker | None  # offsets into the whole text
    how: str  # before, after, reported, according, as, subject, colon, from, block, continued


@dataclass
class _Context:
    """What attribution knows about the whole text while it reads one run of paragraphs after another."""

    base: int = 0  # where the run starts in the whole text
    referents: list[_Referent] = field(default_factory=list)  # in text order
    quoted: list[tuple[int, int]] = field(default_factory=list)  # quotation spans, marks included
    genders: list[tuple[_Speaker, str]] = field(default_factory=list)
    text: str = ""  # the whole text
    terms: set[str] = field(default_factory=set)  # short quotations the text repeats: terms, not speech

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """The sentence around ``pos`` in the whole text, by punctuation (paragraphs end sentences too)."""
        lo = 0
        for m in _SENTENCE_BREAK_RE.finditer(self.text, max(0, pos - 600), pos):
            lo = m.end()
        m = _SENTENCE_BREAK_RE.search(self.text, pos)
        return lo, m.start() if m else len(self.text)

    def in_quote(self, pos: int) -> bool:
        k = bisect.bisect_right(self.quoted, (pos, float("inf"))) - 1
        return k >= 0 and self.quoted[k][0] <= pos < self.quoted[k][1]

    def add(self, referent: _Referent) -> None:
        bisect.insort(self.referents, referent, key=lambda r: r.pos)

    def mark_salient(self, speaker: _Speaker) -> None:
        for r in self.referents:
            if r.speaker.start == speaker.start:
                r.salient = True
                return
        self.add(_Referent(speaker.start, speaker, True))

    def known(self, speaker: _Speaker) -> _Speaker:
        """The referent found at the same place (with its kind, roles and gender), else ``speaker``."""
        for r in self.referents:
            if r.speaker.start == speaker.start and r.speaker.entity == speaker.entity:
                return r.speaker
        return speaker

    def gender_of(self, speaker: _Speaker, lex: QuoteLexicon) -> str | None:
        if speaker.gender is not None:
            return speaker.gender
        said = {g for s, g in self.genders if _same(s, speaker, lex)}
        return said.pop() if len(said) == 1 else None


def _ent_referents(doc: Doc, lex: QuoteLexicon, ctx: _Context) -> list[_Referent]:
    """Every person and organisation the model or the gazetteer found outside quotations, with the roles
    and gender the words around the name give ("Judge Helen Marsh", "Mencap, the learning disability
    charity,", "Mr Smith"). Read from tokens alone, so it needs no parse."""
    out: list[_Referent] = []
    people: list[_Speaker] = []
    for ent in doc.ents:
        if ent.label_ not in _NAME_LABELS or ctx.in_quote(ent.start_char):
            continue
        speaker = _speaker_from_ent(ent)
        person = ent.label_ in _PERSON_LABELS
        if not person and not ent.ent_id_ and len(ent) <= 2:  # "Kendall" after "Liz Kendall": still her
            person = any(_same(p, speaker, lex) for p in people)
        if not person and ent.label_ not in _ORG_LABELS:
            continue
        speaker.person = person
        roles: set[str] = set()
        gender = None
        nouns = lex.person_nouns if person else dict.fromkeys(lex.org_nouns)
        words = [ent[0]]
        k = ent.start - 1  # "disability minister Stephen Timms", "Judge Helen Marsh", "the charity Mencap"
        while (
            k >= 0 and ent.start - k <= 3 and (lex.title(doc[k].text) or lex.noun_lemma(doc[k].text) in nouns)
        ):
            words.append(doc[k])
            k -= 1
        for tok in words:
            title = lex.title(tok.text)
            if title is not None and person:
                roles |= {title.role} if title.role else set()
                gender = gender or title.gender
            noun = lex.noun_lemma(tok.text)
            if noun in nouns and (tok.i < ent.start or not tok.text[:1].isupper() or title is not None):
                roles.add(noun)
                gender = gender or (lex.person_nouns.get(noun) if person else None)
        if ent.end < len(doc) and doc[ent.end].text in (",", "("):
            for tok in doc[ent.end + 1 : ent.end + 14]:
                if (
                    tok.text in (",", ".", ")", ";", ":")
                    or tok.is_space
                    or tok.lower_ in ("who", "which", "that")
                ):
                    break
                noun = lex.noun_lemma(tok.text)
                if noun in nouns:
                    roles.add(noun)
                    gender = gender or (lex.person_nouns.get(noun) if person else None)
        if not person:
            roles |= {lex.noun_lemma(w) for w in speaker.text.split()} & lex.org_nouns
        if speaker.entity_id in lex.official_roles:
            roles |= lex.official_roles[speaker.entity_id]
        speaker.roles, speaker.gender = frozenset(roles), gender
        after = doc[ent.end] if ent.end < len(doc) else None
        word_before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        passing = (
            word_before in _PREPOSITIONS
            or (after is not None and after.lower_ in ("’s", "'s", "’", "'"))
            or ent[-1].lower_.endswith(("’s", "'s"))
            or (
                word_before in ("and", "or")
                and bool(out)
                and out[-1].passing
                and ent.start_char - out[-1].pos < 60
            )
        )  # "by Anderson and Russell": both in passing
        out.append(_Referent(ent.start_char, speaker, False, passing))
        if person:
            people.append(speaker)
    # A surname the model did not tag ("But Hadi dismissed that claim."), after the full name.
    text = doc_text(doc)
    taken = [(e.start_char, e.end_char) for e in doc.ents]
    for first in {
        _name_words(p.text, lex)[-1]: p for p in reversed(people) if len(p.text.split()) > 1
    }.values():
        surname = first.text.split()[-1]
        for m in re.finditer(rf"\b{re.escape(surname)}\b", text[first.end :]):
            at = first.end + m.start()
            if ctx.in_quote(at) or any(a <= at < b for a, b in taken):
                continue
            copy = replace(first, text=surname, start=at, end=at + len(surname))
            out.append(_Referent(at, copy, False))
    out.sort(key=lambda r: r.pos)
    return out


def _term_key(quoted: str) -> str:
    return " ".join(re.findall(r"[\w’'-]+", quoted.lower()))


def _title_like(words: list[str]) -> bool:
    """“Pathways to Work”, “Why PIP Reviews Keep Getting It Wrong”: a name or title in quotation marks, every
    word capitalised (but the small ones), not speech."""
    small = {"a", "an", "the", "of", "to", "for", "and", "in", "on", "at", "with", "by", "or", "from"}
    if any(w[-1:] in ".?!" for w in words[:-1]):
        return False  # “Like Oakland. Or Ferguson,”: sentences, not a title
    return len(words) <= 12 and all(
        w[:1].isupper() or w.lower() in small or not w[:1].isalpha() for w in words
    )


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

    def __init__(
        self, nlp: Language, name: str = "casebook_quotes", gazetteer_dir: str | list[str] | None = None
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.tag_targets: Callable[[Doc], Iterable[int]] | None = None
        self._window_tagger: WindowTagger | None | bool = False  # False: not looked at yet
        folders = gazetteer_dir or DEFAULT_GAZETTEER
        self.lexicon = QuoteLexicon(load_lexicon(folders), nlp, load_gazetteer(folders))
        self._attributor = _Attributor(self.lexicon)

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
                if doc.has_annotation("DEP"):  # parsed already: read the same runs as an unparsed doc would
                    doc._.quotes = self._quotes_of_regions(doc, self._parsed_runs(doc))
                elif "parser" not in self.nlp.component_names:
                    doc._.quotes = []
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
    def _parsed_runs(doc: Doc) -> list[tuple[Span, Doc]]:
        """The quotation runs of a doc the parser has read, as the runs an unparsed doc would be cut into."""
        head = Doc._get_array_attrs()
        array = doc.to_array(head)
        text = doc_text(doc)
        parts = []
        for lo, hi in quote_runs(text):
            span = doc.char_span(lo, hi, alignment_mode="expand")
            if span is None or not len(span):
                continue
            sub = span.as_doc(array_head=head, array=array)
            last = doc[span.end - 1]
            sub.user_data[_TEXT_KEY] = text[span.start_char : last.idx + len(last.text_with_ws)]
            parts.append((span, sub))
        return parts

    def _quotes_of_regions(self, doc: Doc, parts: list[tuple[Span, Doc]]) -> list[dict[str, Any]]:
        """Read each run in text order, with every person and organisation of the whole text as referents."""
        if not parts:
            return []
        text = doc_text(doc)
        found = find_quotations(text)
        ctx = _Context(quoted=sorted((q.start - 1, q.end + 1) for q in found), text=text)
        seen = Counter(_term_key(text[q.start : q.end]) for q in found)
        ctx.terms = {key for key, n in seen.items() if n > 1 and len(key.split()) <= TERM_WORDS}
        ctx.referents = _ent_referents(doc, self.lexicon, ctx)
        quotes: list[dict[str, Any]] = []
        for span, sub in parts:
            ctx.base = span.start_char
            quotes.extend(self._attributor.quotes(sub, ctx))
        return quotes


@Language.component("casebook_paragraphs")
def mark_paragraphs(doc: Doc) -> Doc:
    """Pipeline component (before ``parser``): a line break ends a sentence. The parser otherwise runs a
    quotation's last line and the next paragraph's "A spokeswoman ... said:" into one sentence."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.is_space and "\n" in prev.text and not tok.is_space:
            tok.is_sent_start = True
    return doc


@Language.factory("casebook_quotes", default_config={"gazetteer_dir": None})
def make_quote_component(nlp: Language, name: str, gazetteer_dir: str | list[str] | None) -> QuoteComponent:
    """Pipeline component: ``doc._.quotes`` (after ``ner``; parses quote paragraphs itself if needed).

    ``gazetteer_dir``: the gazetteer folder (or folders, read as one) whose first holds in ``lexicon/`` the
    verbs of saying and speaker words, and whose officials' roles tell who "the minister" is (default: the
    project's ``corpus/gazetteer``).
    """
    return QuoteComponent(nlp, name, gazetteer_dir)
