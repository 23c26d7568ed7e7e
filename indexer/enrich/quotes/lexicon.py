"""The words attribution reads, as it reads them: verbs of saying by lemma, speaker nouns, titles, and the
role nouns of each official's gazetteer roles."""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language

from casebook.models import Entity
from indexer.enrich.gazetteer import Lexicon, Title

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
