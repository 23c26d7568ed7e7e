"""The enrichment stage: entity mentions (with canonical ids) and attributed quotes for each document.

One spaCy pipeline, loaded once: the statistical model plus an EntityRuler built from the gazetteer,
placed before ``ner`` so that the gazetteer's names win and the model fills in the rest, and the
``casebook_quotes`` component at the end. After the pipeline, a few document-level rules link what the
model cannot (``links``): a surname alone to the full name used earlier ("Anderson" -> "Ian Anderson"), an
acronym to the long name that defined it ("health and work conversation (HWC)"); and an official is
``official`` only on dates when the gazetteer says they held a role, or when the text gives the role
(``roles``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from casebook.errors import CasebookError
from casebook.models import Document, Entity, EntityKind, Mention, Quote
from indexer.enrich.gazetteer import Folders, gazetteer_folders, is_all_caps, load_gazetteer, load_lexicon
from indexer.enrich.links import covering, drop_lone_names, link_acronyms, link_names, unify_model_kinds
from indexer.enrich.mentions import (
    LABEL_KINDS,
    NOT_A_NAME_POS,
    TAG_TARGETS_CONFIG,
    Found,
    after_org_noun,
    after_place_word,
    is_junk,
    trim,
    whole_name,
)
from indexer.enrich.names import derived_id, normalise_name
from indexer.enrich.quotes.component import QuoteComponent  # importing it registers "casebook_quotes"
from indexer.enrich.roles import text_gives_role
from indexer.enrich.tokens import TAGGER_KEY, TEXT_KEY, doc_text, forget_text, upos
from indexer.enrich.version import version_stamp

# Components enrichment never runs over the whole text. casebook_quotes runs the tok2vec and the tagger over
# the quotation paragraphs (and the few tokens whose tags mention finding reads, see tag_targets) and the
# parser over the quotation paragraphs; the tagger's tags stand in for the attribute ruler and lemmatizer.
SKIPPED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")

log = logging.getLogger(__name__)

# Labels the ruler gives gazetteer entities: the model's own where one fits, so the quote component and
# anything else reading doc.ents sees a person as PERSON whichever recogniser found it.
KIND_LABELS: dict[str, str] = {
    "official": "PERSON",
    "person": "PERSON",
    "organisation": "ORG",
    "scheme": "SCHEME",
    "place": "GPE",
}


def _variants(alias: str) -> list[str]:
    """Both apostrophes: the web writes "Jobseeker’s" and "Jobseeker's" for the same thing."""
    out = [alias]
    for a, b in (("'", "’"), ("’", "'")):
        if a in alias:
            out.append(alias.replace(a, b))
    return out


def build_patterns(
    nlp: Language, entities: list[Entity]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """EntityRuler phrase patterns: (matched on lower case, matched as written).

    ALL-CAPS aliases and every name of a ``case_sensitive`` entry match as written ("DWP", "Mind"); the
    rest ignore case ("universal credit"). Both are phrase patterns (fast), for two rulers.
    """
    folded: list[dict[str, Any]] = []
    exact: list[dict[str, Any]] = []
    for entity in entities:
        label = KIND_LABELS[entity.kind]
        for alias in dict.fromkeys(v for a in [entity.name, *entity.aliases] for v in _variants(a)):
            target = exact if (entity.case_sensitive or is_all_caps(alias)) else folded
            target.append({"label": label, "pattern": alias, "id": entity.id})
    return folded, exact


class Enricher:
    """Loads spaCy once; turns each Document into (mentions, quotes).

    ``n_process`` and ``batch_size`` go to ``nlp.pipe``. Enrichment reads ``Document.text`` only: reader
    comments are never enriched, so no quote in a comment can be given to the article's speakers.
    """

    def __init__(self, model: str, gazetteer_dir: Folders, n_process: int = 1, batch_size: int = 32) -> None:
        if n_process < 1 or batch_size < 1:
            raise CasebookError(
                f"enrichment needs n_process >= 1 and batch_size >= 1 (got {n_process}, {batch_size})"
            )
        self.n_process = n_process
        self.batch_size = batch_size
        folders = gazetteer_folders(gazetteer_dir)  # one folder, or several read as one
        self._gazetteer = load_gazetteer(folders)
        self._titles = frozenset(load_lexicon(folders).titles)
        self._by_id = {e.id: e for e in self._gazetteer}
        self._by_alias = {
            a.casefold(): e
            for e in self._gazetteer
            if not e.case_sensitive
            for a in [e.name, *e.aliases]
            if not is_all_caps(a)
        }
        try:
            nlp = spacy.load(model)
        except OSError:
            raise CasebookError(
                f"spaCy model {model!r} is not installed: run `make setup` "
                "(or `pip install --no-deps --require-hashes -r requirements-model.txt`)"
            ) from None
        where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
        folded, exact = build_patterns(nlp, self._gazetteer)
        # Long names first (any case), then names as written where nothing is claimed yet: "Disability
        # Rights UK" stays one organisation, never "UK" the place inside it.
        ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}, **where)
        ruler.add_patterns(folded)  # type: ignore[attr-defined]
        exact_ruler = nlp.add_pipe(
            "entity_ruler", name="entity_ruler_exact", config={"overwrite_ents": False}, **where
        )
        exact_ruler.add_patterns(exact)  # type: ignore[attr-defined]
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("casebook_paragraphs", before="parser")
        quotes = nlp.add_pipe(
            "casebook_quotes",
            last=True,
            config={"gazetteer_dir": [str(folder) for folder in folders], "tag_targets": TAG_TARGETS_CONFIG},
        )
        self._tagger = cast(QuoteComponent, quotes).window_tagger()
        self.nlp = nlp
        self._skip = [name for name in SKIPPED_COMPONENTS if name in nlp.pipe_names]
        self.version = version_stamp(nlp.meta, model, folders)

    def entities(self) -> list[Entity]:
        """The gazetteer entities (canonical ids, names, aliases, roles)."""
        return list(self._gazetteer)

    def enrich(self, doc: Document) -> tuple[list[Mention], list[Quote]]:
        return next(self.enrich_many([doc], n_process=1))

    def enrich_many(
        self, docs: Iterable[Document], batch_size: int | None = None, n_process: int | None = None
    ) -> Iterator[tuple[list[Mention], list[Quote]]]:
        """As :meth:`enrich` for many documents, through ``nlp.pipe``; results in input order.

        Only ``Document.text`` goes in (never the comments). The tok2vec, tagger, parser, attribute ruler and
        lemmatizer are skipped over the whole text; ``casebook_quotes`` tags and parses the paragraphs that
        hold quotations and tags the few other tokens whose tags are read (see :func:`tag_targets`).
        """
        pending: dict[int, Document] = {}
        n_process = n_process or self.n_process
        batch_size = batch_size or self.batch_size
        if n_process > 1:  # spaCy hands whole batches to workers: split the work so every worker gets some
            docs = list(docs)
            batch_size = max(1, min(batch_size, -(-len(docs) // (2 * n_process))))

        def texts() -> Iterator[tuple[str | Doc, int]]:
            for i, doc in enumerate(docs):
                doc = self._within_limit(doc)
                pending[i] = doc
                if n_process > 1:  # the workers tokenize
                    yield doc.text, i
                else:  # the text is known: components need not join the tokens again to read it
                    sdoc = self.nlp.make_doc(doc.text)
                    sdoc.user_data[TEXT_KEY] = doc.text
                    yield sdoc, i

        stream = self.nlp.pipe(
            texts(), as_tuples=True, batch_size=batch_size, n_process=n_process, disable=self._skip
        )
        for sdoc, i in stream:
            yield self._convert(sdoc, pending.pop(i))

    def _within_limit(self, doc: Document) -> Document:
        """spaCy refuses texts over ``nlp.max_length`` characters (1,000,000; its models need about 1 GB of
        memory per 100,000 characters). A longer article is enriched up to the last paragraph break before
        the limit, with a warning: its whole text is still stored and indexed, only its entities and quotes
        beyond the cut are not found. Offsets stay right, as the enriched text is a prefix."""
        limit = self.nlp.max_length - 1
        if len(doc.text) <= limit:
            return doc
        cut = doc.text.rfind("\n\n", 0, limit)
        cut = cut if cut > 0 else limit
        log.warning(
            "%s: %d characters, entities and quotes found in the first %d only", doc.url, len(doc.text), cut
        )
        return replace(doc, text=doc.text[:cut])

    # --- mentions ----------------------------------------------------------------------------------------

    def _convert(self, sdoc: Doc, doc: Document) -> tuple[list[Mention], list[Quote]]:
        sdoc.user_data[TEXT_KEY] = doc.text  # the doc's text is the document's, character for character
        if self._tagger is not None:
            sdoc.user_data[TAGGER_KEY] = self._tagger  # tags any token tag_targets did not foresee
        try:
            return self._convert_tagged(sdoc, doc)
        finally:
            sdoc.user_data.pop(TAGGER_KEY, None)
            forget_text(sdoc)

    def _convert_tagged(self, sdoc: Doc, doc: Document) -> tuple[list[Mention], list[Quote]]:
        found = drop_lone_names(self._find(sdoc), sdoc._.quotes or [])
        in_office = {
            f.id for f in found if f.kind in ("person", "official") and text_gives_role(doc_text(sdoc), f)
        }
        mentions = [
            Mention(
                text=f.text,
                kind="official" if f.id in in_office else self._kind_on(f, doc.published),
                id=f.id,
                name=f.name,
                start=f.start,
                end=f.end,
            )
            for f in found
        ]
        return mentions, self._quotes(sdoc, found)

    def _kind_on(self, found: Found, day: date | None) -> EntityKind:
        """``official`` only while a gazetteer role holds on the article's date (any role if undated)."""
        entity = self._by_id.get(found.id)
        if entity is None or entity.kind != "official":
            return found.kind
        if day is None:
            return "official" if entity.roles else "person"
        return "official" if any(r.holds_on(day) for r in entity.roles) else "person"

    def _find(self, sdoc: Doc) -> list[Found]:
        found: list[Found] = []
        for ent in sdoc.ents:
            entity = self._by_id.get(ent.ent_id_) if ent.ent_id_ else None
            if entity is not None:
                if len(ent) == 1 and not ent.text.isupper() and upos(ent[0]) in NOT_A_NAME_POS:
                    continue  # "Mind the gap": the word, not the charity
                start, end = ent.start_char, ent.end_char
                found.append(Found(start, end, ent.text, entity.kind, entity.id, entity.name, True))
                continue
            kind = LABEL_KINDS.get(ent.label_)
            span = trim(ent)
            if span is None:
                continue
            if ent.label_ in ("PERSON", "WORK_OF_ART", "PRODUCT") and after_org_noun(span):
                kind = "organisation"  # "the social enterprise Evenbreak"
            if kind is None or is_junk(span):
                continue
            span = whole_name(span)  # "Kestrelford Disabled People’s Alliance", not "People’s Alliance"
            if kind == "organisation" and len(span) == 1 and after_place_word(span):
                kind = "place"  # "food banks in Kestrelford": a town, whatever the model said
            name = normalise_name(span.text, self._titles if kind == "person" else frozenset())
            start, end = span.start_char, span.end_char
            known = self._by_alias.get(name.casefold())  # a gazetteer name the ruler's tokens missed
            if known is not None:
                found.append(Found(start, end, span.text, known.kind, known.id, known.name, True))
            else:
                found.append(Found(start, end, span.text, kind, derived_id(kind, name), name, False))
        found.sort(key=lambda f: f.start)
        found = unify_model_kinds(sdoc, found)
        found = link_acronyms(sdoc, found)
        found = link_names(sdoc, found, self._titles)
        return sorted(found, key=lambda f: (f.start, f.end))

    # --- quotes ------------------------------------------------------------------------------------------

    def _quotes(self, sdoc: Doc, found: list[Found]) -> list[Quote]:
        quotes = []
        for q in sdoc._.quotes or []:
            speaker, speaker_id = q["speaker"], None
            if q["speaker_is_entity"]:
                mention = covering(found, q["speaker_start"], q["speaker_end"])
                if mention is not None and mention.kind in ("person", "official", "organisation"):
                    speaker_id = mention.id
                elif mention is None and not q["speaker_needs_link"]:
                    speaker_id = q["speaker_id"]
                if q["speaker_needs_link"] and speaker_id is None:
                    speaker = None  # a place or a date the model found there, tied to no one: no guess

            elif q.get("speaker_org_start") is not None:  # "A DWP spokesman": the organisation speaks
                mention = covering(found, q["speaker_org_start"], q["speaker_org_end"])
                if mention is not None and mention.kind == "organisation":
                    speaker_id = mention.id
            quotes.append(
                Quote(
                    text=q["text"],
                    speaker=speaker,
                    speaker_id=speaker_id,
                    cue=q["cue"],
                    start=q["start"],
                    end=q["end"],
                )
            )
        return quotes
