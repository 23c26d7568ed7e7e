"""Each quotation's cue and speaker, read from the parse of the paragraphs around it.

A quote given to the wrong person is worse than no quote, so attribution is deliberately narrow:

* a quotation is kept when a speech verb (``said``, ``added``, ``told`` ...) introduces it
  (``X said: “…”``), follows it (``“…,” said X`` / ``“…,” X said``), governs it in reported speech
  (``She said DR UK was “vehemently opposed …”``), when ``according to X`` or ``as X pointed out`` frames
  it, or when the speaker is the subject of the quoted words (``she “made it very clear …”``); a paragraph
  that is wholly a quotation is kept even unattributed. Scare quotes and one-word quotes are dropped;
* the speaker is the verb's subject when it is a named person or organisation, a described speaker
  ("A DWP spokesman", whose organisation is kept for linking), or ``he``/``she``/``it`` resolved to the
  most recent singular subject of the right kind, with no other person named in between that could not be
  checked; anything else leaves the speaker ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from spacy.tokens import Doc, Span, Token

from indexer.enrich.quotes.lexicon import QuoteLexicon
from indexer.enrich.quotes.marks import OPEN_CURLY, OPEN_SINGLE, STRAIGHT, Quotation, find_quotations
from indexer.enrich.quotes.speakers import (
    ORG_LABELS,
    PERSON_LABELS,
    Context,
    Referent,
    Speaker,
    ent_at,
    same_speaker,
    speaker_from_ent,
)
from indexer.enrich.tokens import doc_text, tag, upos

MIN_WORDS = 2  # a one-word quotation is a scare quote, never kept
MIN_BLOCK_WORDS = 4  # an unattributed paragraph-long quotation needs at least this many words
PRONOUN_REACH = 2500  # characters: a he/she further than this from its antecedent stays unresolved
ROLE_REACH = 4000  # characters: "the minister" further than this from the person so called stays as written
TERM_WORDS = 2  # a quotation this short that the text repeats is a term in quotation marks, not speech
NEXT_NAME_REACH = (
    400  # characters: how far after "The chair of ..." the name may come ("... Debbie Abrahams")
)
_SENTENCE_END = frozenset({".", "?", "!"})
_NOT_NAME_LABELS = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY", "LAW", "LANGUAGE", "EVENT"}
)
_DEFINITE = frozenset({"the", "this", "that", "its", "their", "his", "her"})


class Attributor:
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

    def named(self, doc: Doc, subj: Token, labels: frozenset[str]) -> Speaker | None:
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
            ent = ent_at(doc, tok)
            if ent is not None and ent.label_ in labels:
                if tok is not subj and ent.label_ in ORG_LABELS and upos(subj) == "NOUN":
                    continue  # "A DWP spokesman": the spokesman, not DWP (see description)
                return speaker_from_ent(ent)
        return None

    def unlinked_name(self, doc: Doc, subj: Token) -> Speaker | None:
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
        return Speaker(doc_text(doc)[start:end], start, end, True, None, needs_link=doubtful)

    def description(self, doc: Doc, subj: Token) -> Speaker | None:
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
        speaker = Speaker(
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
                if (ent := ent_at(doc, tok)) is not None and ent.label_ in ORG_LABELS
            }
            if len(orgs) == 1:
                speaker.org_start, speaker.org_end = orgs.pop()
        return speaker

    def speaker_for(self, doc: Doc, subj: Token) -> Speaker | None:
        """Who a (non-pronoun) subject names: a person, else a described speaker, else an organisation."""
        return (
            self.named(doc, subj, PERSON_LABELS)
            or (self.named(doc, subj, ORG_LABELS) if subj.ent_type_ in ORG_LABELS else None)
            or self.description(doc, subj)
            or self.named(doc, subj, ORG_LABELS)
            or self.unlinked_name(doc, subj)
        )

    # --- resolving "she", "the minister" --------------------------------------------------------------------

    def resolve_pronoun(self, word: str, pos: int, ctx: Context) -> Speaker | None:
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
        if any(lo <= r.pos < hi and not same_speaker(r.speaker, chosen, self.lex) for r in main):
            return None
        if gender is not None and chosen.entity:
            ctx.genders.append((chosen, gender))
        return chosen

    def resolve_role(self, noun: str, pos: int, ctx: Context) -> Speaker | None:
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
        if any(not same_speaker(r.speaker, last, lex) for r in found):
            return None  # two people (or organisations) called so: leave the description as written
        return last

    def subject_speaker(self, doc: Doc, subj: Token, ctx: Context) -> Speaker | None:
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

    def attribution(self, doc: Doc, cue: Token, ctx: Context, how: str) -> Attribution | None:
        subj = _subject_of(cue)
        if subj is not None and subj.lower_ == "you":
            return None  # "You can read “…” here": the reader, not a speaker
        if subj is not None and ctx.in_quote(subj.idx + ctx.base):
            subj = _name_beside(doc, cue, ctx)  # the parser took a quoted word for the subject
        speaker = self.subject_speaker(doc, subj, ctx) if subj is not None else None
        return Attribution(_cue_text(cue), cue.i, speaker, how)

    def cue_before(self, doc: Doc, q: Quotation, before: Token | None, ctx: Context) -> Attribution | None:
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

    def cue_after(self, doc: Doc, q: Quotation, closing: Token, ctx: Context) -> Attribution | None:
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

    def colon_intro(self, doc: Doc, before: Token, ctx: Context) -> Attribution | None:
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
                    return Attribution(":", before.i, speaker, "colon")
        found = self.according_to(doc, sent, ctx) or self.as_x_said(doc, sent, before.i, ctx)
        if found is not None:  # "As Breitbart News reported, ...:"
            return found
        root = sent.root if doc.has_annotation("DEP") else None
        if root is not None and root.i < before.i and upos(root) in ("VERB", "AUX"):
            subj = _subject_of(root)  # "She then addressed the supporters again: “…”"
            if subj is not None and (upos(subj) == "PRON" or subj.ent_type_ in ("PERSON", "ORG")):
                speaker = self.subject_speaker(doc, subj, ctx)
                if speaker is not None:
                    return Attribution(":", before.i, speaker, "colon")
        for tok in intro:
            if tok.dep_ == "poss" and tok.head.lower_ in self.lex.speech_nouns:
                if upos(tok) == "PRON":
                    speaker = self.resolve_pronoun(tok.lower_, tok.idx + ctx.base, ctx)
                else:
                    found = self.speaker_for(doc, tok)
                    speaker = found.shifted(ctx.base) if found is not None else None
                if speaker is not None:
                    return Attribution(":", before.i, speaker, "colon")
        return None

    def attribute(self, doc: Doc, q: Quotation, ctx: Context) -> Attribution | None:
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
                if line_start <= ent.start_char < before.idx and ent.label_ in PERSON_LABELS | ORG_LABELS:
                    if _FROM_RE.search(doc_text(doc)[line_start : ent.start_char]):
                        return Attribution(None, None, speaker_from_ent(ent).shifted(ctx.base), "from")
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
                return Attribution(before.head.lower_, before.head.i, speaker, "subject")
        if before is not None and before.text == ":":
            found = self.colon_intro(doc, before, ctx)
            if found is not None:
                return found
        found = self.cue_in_sentence_before(doc, q, opening, ctx)
        if found is not None:
            return found
        if q.block:  # a paragraph that is wholly a quotation: kept, unattributed (unless it continues one)
            return Attribution(None, None, None, "block")
        return None

    def cue_in_sentence_before(
        self, doc: Doc, q: Quotation, opening: Token, ctx: Context
    ) -> Attribution | None:
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

    def according_to(self, doc: Doc, sent: Span, ctx: Context) -> Attribution | None:
        """ "according to X" in the sentence: X is the speaker."""
        for tok in sent:
            if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                obj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
                if obj is None and tok.i + 2 < len(doc):
                    obj = doc[tok.i + 2]
                if obj is not None and not ctx.in_quote(obj.idx + ctx.base):
                    speaker = self.subject_speaker(doc, obj, ctx)
                    if speaker is not None:
                        return Attribution("according to", tok.i, speaker, "according")
        return None

    def as_x_said(self, doc: Doc, sent: Span, before: int, ctx: Context) -> Attribution | None:
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
                    return Attribution(_cue_text(tok), tok.i, speaker, "as")
        return None

    # --- a run of paragraphs ------------------------------------------------------------------------------

    def learn(self, doc: Doc, ctx: Context) -> None:
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
                ctx.add(Referent(speaker.start, speaker, True))
        for tok in doc:  # "Sandra Reeve said she had written ...": the one who says "she" of herself
            if tok.dep_ != "nsubj" or tok.lower_ not in ("he", "she") or tok.head.dep_ != "ccomp":
                continue
            subj = _subject_of(tok.head.head) if self.is_cue(tok.head.head) else None
            ent = ent_at(doc, subj) if subj is not None else None
            if ent is not None and ent.label_ in PERSON_LABELS and not ctx.in_quote(tok.idx + base):
                ctx.genders.append(
                    (speaker_from_ent(ent).shifted(base), "female" if tok.lower_ == "she" else "male")
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
                ent = ent_at(doc, subjects[0])
                if ent is not None and not any(
                    e.label_ == "PERSON" and e.start != ent.start for e in sent.ents
                ):
                    ctx.genders.append((speaker_from_ent(ent).shifted(base), "female" if she else "male"))

    def quotes(self, doc: Doc, ctx: Context) -> list[dict[str, Any]]:
        """The quotes of a parsed run (``doc``), as plain dicts with offsets into the whole text."""
        text = doc_text(doc)
        self.learn(doc, ctx)
        out: list[dict[str, Any]] = []
        prev: tuple[Quotation, Attribution] | None = None
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
            if term_key(text[start:end]) in ctx.terms:
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
                ctx.add(Referent(pos, speaker, True))
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


def _name_beside(doc: Doc, cue: Token, ctx: Context) -> Token | None:
    """The name written right beside a cue, outside quotations: "said Grimm", "Trump said"."""
    for tok in (*doc[cue.i + 1 : cue.i + 3], *reversed(doc[max(0, cue.i - 2) : cue.i])):
        if tok.ent_type_ in ("PERSON", "ORG") and not ctx.in_quote(tok.idx + ctx.base):
            ent = ent_at(doc, tok)
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


def _continues(doc: Doc, prev: tuple[Quotation, Attribution], q: Quotation) -> bool:
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
class Attribution:
    cue: str | None
    cue_i: int | None  # the cue's token in the run
    speaker: Speaker | None  # offsets into the whole text
    how: str  # before, after, reported, according, as, subject, colon, from, block, continued


def term_key(quoted: str) -> str:
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
