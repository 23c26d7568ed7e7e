"""Who the text names or describes, as attribution sees them: speakers, referents, and the context that
carries them from one run of paragraphs to the next (what "she" or "the minister" may refer to)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from indexer.enrich.quotes.lexicon import QuoteLexicon
from indexer.enrich.tokens import doc_text

PERSON_LABELS = frozenset({"PERSON"})
ORG_LABELS = frozenset({"ORG"})
# Labels of names that may stand for a person or an organisation ("Kendall" taken for a place is still her)
_REFERENT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "WORK_OF_ART"})
# A sentence ends at a line break or at . ! ? and a space, except after a title or an initial ("Sen. Cruz").
_SENTENCE_BREAK_RE = re.compile(
    r"\n|(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bSt)(?<!\bSen)(?<!\bRep)(?<!\bGov)(?<!\bGen)"
    r"(?<!\bJr)(?<!\bLt)(?<!\bCol)(?<!\bProf)(?<!\bRev)(?<!\bNo)(?<!\bvs)[.!?][”\"’]?\s"
)
_PREPOSITIONS = frozenset(
    {"of", "for", "from", "at", "in", "with", "to", "by", "on", "about", "against", "than", "like", "between"}
)


@dataclass
class Speaker:
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

    def shifted(self, base: int) -> Speaker:
        return replace(
            self,
            start=self.start + base,
            end=self.end + base,
            org_start=None if self.org_start is None else self.org_start + base,
            org_end=None if self.org_end is None else self.org_end + base,
        )


@dataclass
class Referent:
    """Someone the text names or describes before a quotation: what "she" or "the minister" may refer to."""

    pos: int  # offset into the whole text
    speaker: Speaker
    salient: bool  # a clause subject or a quotation's speaker
    passing: bool = False  # named in passing: a possessive ("Reeve’s mother") or after a preposition


def _name_words(text: str, lex: QuoteLexicon) -> list[str]:
    words = [re.sub(r"(?:['’]s?|[.,;:])$", "", w).lower() for w in text.split()]
    while len(words) > 1 and (words[0] in ("the", "a", "an") or lex.title(words[0]) is not None):
        words = words[1:]
    return [w for w in words if w]


def same_speaker(a: Speaker, b: Speaker, lex: QuoteLexicon) -> bool:
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


def ent_at(doc: Doc, token: Token) -> Span | None:
    if not token.ent_type_:
        return None
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=token.ent_type, kb_id=token.ent_kb_id, span_id=token.ent_id)


def speaker_from_ent(ent: Span) -> Speaker:
    tokens = [t for t in ent if t.text not in ("’s", "'s", "’", "'")] or list(ent)
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    person = ent.label_ in PERSON_LABELS
    return Speaker(doc_text(ent.doc)[start:end], start, end, True, ent.ent_id_ or None, person=person)


@dataclass
class Context:
    """What attribution knows about the whole text while it reads one run of paragraphs after another."""

    base: int = 0  # where the run starts in the whole text
    referents: list[Referent] = field(default_factory=list)  # in text order
    quoted: list[tuple[int, int]] = field(default_factory=list)  # quotation spans, marks included
    genders: list[tuple[Speaker, str]] = field(default_factory=list)
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

    def add(self, referent: Referent) -> None:
        bisect.insort(self.referents, referent, key=lambda r: r.pos)

    def mark_salient(self, speaker: Speaker) -> None:
        for r in self.referents:
            if r.speaker.start == speaker.start:
                r.salient = True
                return
        self.add(Referent(speaker.start, speaker, True))

    def known(self, speaker: Speaker) -> Speaker:
        """The referent found at the same place (with its kind, roles and gender), else ``speaker``."""
        for r in self.referents:
            if r.speaker.start == speaker.start and r.speaker.entity == speaker.entity:
                return r.speaker
        return speaker

    def gender_of(self, speaker: Speaker, lex: QuoteLexicon) -> str | None:
        if speaker.gender is not None:
            return speaker.gender
        said = {g for s, g in self.genders if same_speaker(s, speaker, lex)}
        return said.pop() if len(said) == 1 else None


def ent_referents(doc: Doc, lex: QuoteLexicon, ctx: Context) -> list[Referent]:
    """Every person and organisation the model or the gazetteer found outside quotations, with the roles
    and gender the words around the name give ("Judge Helen Marsh", "Mencap, the learning disability
    charity,", "Mr Smith"). Read from tokens alone, so it needs no parse."""
    out: list[Referent] = []
    people: list[Speaker] = []
    for ent in doc.ents:
        if ent.label_ not in _REFERENT_LABELS or ctx.in_quote(ent.start_char):
            continue
        speaker = speaker_from_ent(ent)
        person = ent.label_ in PERSON_LABELS
        if not person and not ent.ent_id_ and len(ent) <= 2:  # "Kendall" after "Liz Kendall": still her
            person = any(same_speaker(p, speaker, lex) for p in people)
        if not person and ent.label_ not in ORG_LABELS:
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
        out.append(Referent(ent.start_char, speaker, False, passing))
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
            out.append(Referent(at, copy, False))
    out.sort(key=lambda r: r.pos)
    return out
