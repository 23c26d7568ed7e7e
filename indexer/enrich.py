"""The enrichment stage: entity mentions (with canonical ids) and attributed quotes for each document.

One spaCy pipeline, loaded once: the statistical model plus an EntityRuler built from the gazetteer,
placed before ``ner`` so that the gazetteer's names win and the model fills in the rest, and the
``casebook_quotes`` component at the end. After the pipeline, a few document-level rules link what the
model cannot: a surname alone to the full name used earlier ("Anderson" -> "Ian Anderson"), an acronym to
the long name that defined it ("health and work conversation (HWC)"), and an official to ``official``
only on dates when the gazetteer says they held a role.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from casebook.errors import CasebookError
from casebook.models import Document, Entity, EntityKind, Mention, Quote
from indexer.gazetteer import (
    Folders,
    gazetteer_folders,
    gazetteer_hash,
    is_all_caps,
    load_gazetteer,
    load_lexicon,
)
from indexer.quotes import (
    _TAGGER_KEY,
    _TEXT_KEY,
    doc_text,
    forget_text,
    tag,
    upos,
)  # importing indexer.quotes registers the "casebook_quotes" component

# Bumped whenever a change here, in indexer/quotes.py or in the gazetteer format changes what enrichment
# gives for the same text: part of Enricher.version, so the archive can tell stale annotations.
CODE_VERSION = "3"
# Components enrichment never runs over the whole text. casebook_quotes runs the tok2vec and the tagger over
# the quotation paragraphs (and the few tokens whose tags mention finding reads, see tag_targets) and the
# parser over the quotation paragraphs; the tagger's tags stand in for the attribute ruler and lemmatizer.
SKIPPED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")

log = logging.getLogger(__name__)

# Statistical labels we keep; NORP, dates, numbers, works of art and the rest are dropped.
LABEL_KINDS: dict[str, EntityKind] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
# Labels the ruler gives gazetteer entities: the model's own where one fits, so the quote component and
# anything else reading doc.ents sees a person as PERSON whichever recogniser found it.
KIND_LABELS: dict[str, str] = {
    "official": "PERSON",
    "person": "PERSON",
    "organisation": "ORG",
    "scheme": "SCHEME",
    "place": "GPE",
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
HONORIFICS = frozenset(
    {
        "sir", "dame", "dr", "mr", "mrs", "ms", "miss", "lord", "lady",
        "baroness", "professor", "prof", "rt", "hon",
    }
)  # fmt: skip
_NOT_A_NAME_POS = frozenset({"VERB", "AUX", "ADV", "ADP", "PRON", "DET", "SCONJ", "CCONJ", "PART", "INTJ"})
_ACRONYM_RE = re.compile(r"^[A-Z][A-Za-z&]*(?: [A-Z][A-Za-z&]*)?$")
_ACRONYM_SKIP = frozenset({"and", "of", "for", "the", "to", "&", "on", "in", "with", "at", "’s", "'s"})
_BYLINE_RE = re.compile(r"^\s*By\s+[A-Z]")
_FOOTNOTE_RE = re.compile(r"[A-Za-z][.,]\d+$")


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


@dataclass
class _Found:
    """A mention under construction (mutable while document-level links are applied)."""

    start: int
    end: int
    text: str
    kind: EntityKind
    id: str
    name: str
    gazetteer: bool


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


def _version(meta: dict[str, Any], model: str, gazetteer_dir: Folders) -> str:
    return (
        f"{meta.get('lang', 'xx')}_{meta.get('name', model)}-{meta.get('version', '0')}"
        f"+gazetteer-{gazetteer_hash(gazetteer_dir)[:12]}+code-{CODE_VERSION}"
    )


def pipeline_version(model: str, gazetteer_dir: Folders) -> str | None:
    """``Enricher(model, gazetteer_dir).version`` without loading the model (read from its meta.json), so
    that finding nothing stale costs no spaCy load; None when the model's meta cannot be found that way."""
    try:
        path = spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model)
        meta = spacy.util.load_meta(path / "meta.json")
    except (OSError, ValueError, ImportError):
        return None
    return _version(meta, model, gazetteer_dir)


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
        config = {"gazetteer_dir": [str(folder) for folder in folders]}
        quotes = nlp.add_pipe("casebook_quotes", last=True, config=config)
        quotes.tag_targets = tag_targets  # type: ignore[attr-defined]
        self._tagger = quotes.window_tagger()  # type: ignore[attr-defined]
        self.nlp = nlp
        self._skip = [name for name in SKIPPED_COMPONENTS if name in nlp.pipe_names]
        self.version = _version(nlp.meta, model, folders)

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
                    sdoc.user_data[_TEXT_KEY] = doc.text
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
        sdoc.user_data[_TEXT_KEY] = doc.text  # the doc's text is the document's, character for character
        if self._tagger is not None:
            sdoc.user_data[_TAGGER_KEY] = self._tagger  # tags any token tag_targets did not foresee
        try:
            return self._convert_tagged(sdoc, doc)
        finally:
            sdoc.user_data.pop(_TAGGER_KEY, None)
            forget_text(sdoc)

    def _convert_tagged(self, sdoc: Doc, doc: Document) -> tuple[list[Mention], list[Quote]]:
        found = _drop_lone_names(self._find(sdoc), sdoc._.quotes or [])
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

    def _kind_on(self, found: _Found, day: date | None) -> EntityKind:
        """``official`` only while a gazetteer role holds on the article's date (any role if undated)."""
        entity = self._by_id.get(found.id)
        if entity is None or entity.kind != "official":
            return found.kind
        if day is None:
            return "official" if entity.roles else "person"
        return "official" if any(r.holds_on(day) for r in entity.roles) else "person"

    def _find(self, sdoc: Doc) -> list[_Found]:
        found: list[_Found] = []
        for ent in sdoc.ents:
            entity = self._by_id.get(ent.ent_id_) if ent.ent_id_ else None
            if entity is not None:
                if len(ent) == 1 and not ent.text.isupper() and upos(ent[0]) in _NOT_A_NAME_POS:
                    continue  # "Mind the gap": the word, not the charity
                start, end = ent.start_char, ent.end_char
                found.append(_Found(start, end, ent.text, entity.kind, entity.id, entity.name, True))
                continue
            kind = LABEL_KINDS.get(ent.label_)
            span = _trim(ent)
            if span is None:
                continue
            if ent.label_ in ("PERSON", "WORK_OF_ART", "PRODUCT") and _after_org_noun(span):
                kind = "organisation"  # "the social enterprise Evenbreak"
            if kind is None or _is_junk(span):
                continue
            span = _whole_name(span)  # "Kestrelford Disabled People’s Alliance", not "People’s Alliance"
            if kind == "organisation" and len(span) == 1 and _after_place_word(span):
                kind = "place"  # "food banks in Kestrelford": a town, whatever the model said
            name = normalise_name(span.text, self._titles if kind == "person" else frozenset())
            start, end = span.start_char, span.end_char
            known = self._by_alias.get(name.casefold())  # a gazetteer name the ruler's tokens missed
            if known is not None:
                found.append(_Found(start, end, span.text, known.kind, known.id, known.name, True))
            else:
                found.append(_Found(start, end, span.text, kind, derived_id(kind, name), name, False))
        found.sort(key=lambda f: f.start)
        found = _unify_model_kinds(sdoc, found)
        found = _link_acronyms(sdoc, found)
        found = _link_names(sdoc, found, self._titles)
        return sorted(found, key=lambda f: (f.start, f.end))

    # --- quotes ------------------------------------------------------------------------------------------

    def _quotes(self, sdoc: Doc, found: list[_Found]) -> list[Quote]:
        quotes = []
        for q in sdoc._.quotes or []:
            speaker, speaker_id = q["speaker"], None
            if q["speaker_is_entity"]:
                mention = _covering(found, q["speaker_start"], q["speaker_end"])
                if mention is not None and mention.kind in ("person", "official", "organisation"):
                    speaker_id = mention.id
                elif mention is None and not q["speaker_needs_link"]:
                    speaker_id = q["speaker_id"]
                if q["speaker_needs_link"] and speaker_id is None:
                    speaker = None  # a place or a date the model found there, tied to no one: no guess

            elif q.get("speaker_org_start") is not None:  # "A DWP spokesman": the organisation speaks
                mention = _covering(found, q["speaker_org_start"], q["speaker_org_end"])
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


def _covering(found: list[_Found], start: int, end: int) -> _Found | None:
    """The mention that is the speaker's span (allowing a possessive or honorific around it)."""
    best, best_overlap = None, 0
    for f in found:
        overlap = min(f.end, end) - max(f.start, start)
        if overlap > best_overlap and overlap >= 0.6 * (end - start):
            best, best_overlap = f, overlap
    return best


def _starts_sentence(tok: Token) -> bool:
    """Without a parse: the token opens a line or follows a full stop (or the parse says so)."""
    if tok.doc.has_annotation("DEP"):
        return bool(tok.is_sent_start)
    if tok.is_sent_start:  # a line break (casebook_paragraphs)
        return True
    prev = tok.doc[tok.i - 1] if tok.i else None
    while prev is not None and prev.is_space and "\n" not in prev.text and prev.i:
        prev = tok.doc[prev.i - 1]
    return prev is None or "\n" in prev.text or prev.text in (".", "!", "?", ":", "“", '"')


def _drop_lone_names(found: list[_Found], quotes: list[dict[str, Any]]) -> list[_Found]:
    """A person the model found by one word only ("Alan", "Colin"), never joined to a full name and never
    quoted, names nobody the archive could tell apart from every other Alan: not an entity. Kept when the
    article quotes them (the speaker of a letter signed "Alan")."""
    speakers = [(q["speaker_start"], q["speaker_end"]) for q in quotes if q.get("speaker_start") is not None]
    return [
        f
        for f in found
        if f.gazetteer
        or f.kind not in ("person", "official")
        or len(f.name.split()) > 1
        or any(f.start < b and a < f.end for a, b in speakers)
    ]


def _whole_name(span: Span) -> Span:
    """The model's name with the capitalised words just before it that belong to it: "Kestrelford Disabled
    People’s Alliance" for a model that found "People’s Alliance". Not across a sentence start's small word,
    a line break, punctuation or another name."""
    doc = span.doc
    start = span.start
    while start > 0:
        prev = doc[start - 1]
        if not (prev.text[:1].isupper() and prev.is_alpha) or prev.is_stop or prev.ent_type_:
            break
        if prev.i > 0 and (doc[prev.i - 1].is_space or doc[prev.i - 1].text in _SENTENCE_END_MARKS):
            if upos(prev) != "PROPN":
                break  # "Disabled" opening a sentence is an adjective unless the tagger says otherwise
        start -= 1
    return span if start == span.start else Span(doc, start, span.end, label=span.label)


_SENTENCE_END_MARKS = frozenset({".", "!", "?", ":", "“", '"'})
_PLACE_WORDS = frozenset({"in", "near", "across", "around", "outside", "throughout"})


def _after_place_word(span: Span) -> bool:
    """ "in Kestrelford", "across Stockport": a one-word name after a preposition of place."""
    return span.start > 0 and span.doc[span.start - 1].lower_ in _PLACE_WORDS


def _trim(ent: Span) -> Span | None:
    """Drop a leading article and a trailing possessive or punctuation from a model entity."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    while end > start and (_possessive(doc[end - 1]) or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return Span(doc, start, end, label=ent.label) if end > start else None


# The forms the tagger ever tags POS (a possessive ending): only these need their tag read.
_POSSESSIVE_FORMS = frozenset({"'s", "’s", "'", "’", "s", "`s", "‘s"})
_NAME_LABELS = frozenset({*LABEL_KINDS, "WORK_OF_ART", "PRODUCT"})
_ARTICLES = frozenset({"the", "a", "an"})


def _possessive(tok: Token) -> bool:
    return tok.lower_ in _POSSESSIVE_FORMS and tag(tok) == "POS"


def tag_targets(sdoc: Doc) -> list[int]:
    """Tokens whose tags :meth:`Enricher._find` and :func:`_link_names` will read (a superset).

    ``casebook_quotes`` tags these with the quotation paragraphs, in one batch, so that the tok2vec and
    tagger run over little more than what the parser needs: a one-word name (is it a proper noun?), a
    possessive ending a name, and each later occurrence of a person's surname and the token after it. A
    token read but not named here is still tagged, on demand (``indexer.quotes.tag``), only more slowly.
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


def _is_junk(span: Span) -> bool:
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


# --- roles given by the text ----------------------------------------------------------------------------

# A government role written next to the name, in office at the time of writing: "disability minister
# Stephen Timms", "Liz Kendall, the Work and Pensions Secretary,". Not "former", "shadow", "then" or "ex-".
_ROLE = (
    r"(?:(?:disability|disabilities|disabled people's|employment|pensions|welfare|social security|"
    r"work and pensions|DWP|health|welfare reform)\s+minister"
    r"|minister\s+(?:of\s+state\s+)?for\s+(?:disabled\s+people|disability|employment|pensions|"
    r"social\s+security|welfare\s+reform|work)(?:[\w ,&]{0,40}?)?"
    r"|(?:work\s+and\s+pensions|DWP)\s+secretary|secretary\s+of\s+state\s+for\s+work\s+and\s+pensions)"
)
_ROLE_BEFORE_RE = re.compile(
    rf"(?P<qual>\b(?:former|ex|shadow|then|future|acting)[\s-]+)?{_ROLE}\s*,?\s*$", re.I
)
_ROLE_AFTER_RE = re.compile(
    rf"^\s*,\s*(?:the\s+)?(?P<qual>(?:former|ex|shadow|then|future|acting)[\s-]+)?{_ROLE},", re.I
)


# A senior post in the department written next to the name: "Ian Anderson, DWP’s project and programme
# management head of profession,", "DWP permanent secretary Peter Schofield".
_DEPT = r"(?:the\s+)?(?:DWP|Department\s+for\s+Work\s+and\s+Pensions|Jobcentre\s+Plus)(?:'s)?"
_POST = (
    r"(?:head|director(?:\s+general)?|deputy\s+director|chief\s+executive|permanent\s+secretary"
    r"|chief\s+(?:medical|scientific|operating|digital)\s+(?:adviser|advisor|officer))"
)
_DEPT_POST_AFTER_RE = re.compile(rf"^\s*,\s*{_DEPT}\s+(?:[\w-]+\s+){{0,6}}?{_POST}\b", re.I)
_DEPT_POST_BEFORE_RE = re.compile(rf"{_DEPT}\s+{_POST}(?:\s+(?:of|for)\s+[\w\s-]{{1,40}}?)?\s*,?\s*$", re.I)


def text_gives_role(text: str, found: _Found) -> bool:
    """The text itself says this person holds a government role now (a role next to the name)."""
    line_start = text.rfind("\n", 0, found.start) + 1
    before = text[max(line_start, found.start - 80) : found.start].replace("’", "'")
    match = _ROLE_BEFORE_RE.search(before)
    if match and not match.group("qual"):
        return True
    if _DEPT_POST_BEFORE_RE.search(before) and not re.search(
        r"\b(?:former|ex|then|shadow)[\s-]+\S*\s*$", before[:-40] if len(before) > 40 else "", re.I
    ):
        return True
    line_end = text.find("\n", found.end)
    after = text[found.end : min(found.end + 80, line_end if line_end != -1 else len(text))].replace("’", "'")
    match = _ROLE_AFTER_RE.match(after)
    if match and not match.group("qual"):
        return True
    return bool(_DEPT_POST_AFTER_RE.match(after))


# --- document-level links -------------------------------------------------------------------------------

# "the social enterprise Evenbreak", "the charity Mind": a name after one of these is an organisation,
# whatever label the model gave it.
ORG_NOUNS = frozenset(
    {
        "charity", "enterprise", "organisation", "organization", "company", "firm", "group", "campaign",
        "network", "union", "trust", "council", "agency", "association", "coalition", "provider",
        "contractor", "consultancy", "website", "newspaper", "magazine", "thinktank", "think-tank", "tank",
    }
)  # fmt: skip
_KIND_ORDER: tuple[EntityKind, ...] = ("person", "organisation", "place")


def _unify_model_kinds(sdoc: Doc, found: list[_Found]) -> list[_Found]:
    """One name, one kind within a document: an organisation noun before it decides, else the majority."""
    votes: dict[str, Counter[EntityKind]] = {}
    org_cue: set[str] = set()
    for f in found:
        if f.gazetteer:
            continue
        key = slug(f.name)
        votes.setdefault(key, Counter())[f.kind] += 1
        if f.kind == "organisation":
            span = sdoc.char_span(f.start, f.end, alignment_mode="expand")
            if span is not None and _after_org_noun(span):
                org_cue.add(key)
    out = []
    for f in found:
        if not f.gazetteer:
            key = slug(f.name)
            counts = votes[key]
            kind = (
                "organisation"
                if key in org_cue
                else max(_KIND_ORDER, key=lambda k: (counts[k], -_KIND_ORDER.index(k)))
            )
            if kind != f.kind:
                f = replace(f, kind=kind, id=derived_id(kind, f.name))
        out.append(f)
    return out


def _after_org_noun(span: Span) -> bool:
    """The word before the name is an organisation noun ("charity", "enterprise")."""
    if span.start == 0 or not span.text[:1].isupper():
        return False
    prev = span.doc[span.start - 1]
    return prev.lower_ in ORG_NOUNS


def find_acronym_definitions(sdoc: Doc) -> list[tuple[str, int, int]]:
    """``long name (ACRONYM)``: (acronym, long-name start, long-name end), in text order."""
    out = []
    text = doc_text(sdoc)
    for match in re.finditer(r"\(", text):
        bracket = sdoc.char_span(match.start(), match.end())  # an opening bracket that is a token itself
        if bracket is None:
            continue
        tok = bracket[0]
        close = next((t for t in sdoc[tok.i + 1 : tok.i + 5] if t.text == ")"), None)
        if close is None:
            continue
        acronym = doc_text(sdoc)[tok.idx + 1 : close.idx].strip()
        if not _ACRONYM_RE.match(acronym) or sum(c.isupper() for c in acronym) < 2:
            continue
        letters = acronym.replace(" ", "").upper()
        words = [t for t in sdoc[max(0, tok.i - 12) : tok.i] if not t.is_space]
        for k in range(1, len(words) + 1):
            tail = words[-k:]
            if tail[0].lower_ in _ACRONYM_SKIP or tail[0].is_punct:
                continue
            content = [t for t in tail if t.lower_ not in _ACRONYM_SKIP and not t.is_punct]
            initials = "".join(
                t.text if (t.text.isupper() and len(t.text) > 1) else t.text[0] for t in content
            )
            if initials.upper() == letters:
                out.append((acronym, tail[0].idx, tail[-1].idx + len(tail[-1].text)))
                break
            if len(initials) > len(letters):
                break
    return out


def _occurrences(sdoc: Doc, phrase: str, after: int) -> list[tuple[int, int]]:
    """Token-aligned, case-sensitive occurrences of ``phrase`` starting at or after char ``after``."""
    spans = []
    for m in re.finditer(re.escape(phrase), doc_text(sdoc)[after:]):
        start, end = after + m.start(), after + m.end()
        if sdoc.char_span(start, end) is not None:
            spans.append((start, end))
    return spans


def _link_acronyms(sdoc: Doc, found: list[_Found]) -> list[_Found]:
    """An acronym defined in the text takes the id of the long name for the rest of the document."""
    for acronym, long_start, long_end in find_acronym_definitions(sdoc):
        target = _covering(found, long_start, long_end)
        if target is None:
            if doc_text(sdoc)[long_start].islower():  # "disabled people’s organisations (DPO)": not a name
                spans = set(_occurrences(sdoc, acronym, long_end))
                found = [f for f in found if f.gazetteer or (f.start, f.end) not in spans]
            continue
        by_span = {(f.start, f.end): f for f in found}
        for start, end in _occurrences(sdoc, acronym, long_end):
            existing = by_span.get((start, end))
            linked = _Found(start, end, acronym, target.kind, target.id, target.name, target.gazetteer)
            if existing is not None:
                found[found.index(existing)] = linked
            elif not any(f.start < end and start < f.end for f in found):
                found.append(linked)
    return sorted(found, key=lambda f: f.start)


def _link_names(sdoc: Doc, found: list[_Found], titles: frozenset[str] = frozenset()) -> list[_Found]:
    """One entity per person in a document: a surname alone ("Anderson") or a first name alone ("Sandra")
    takes the id of the full name the same document uses ("Ian Anderson", "Sandra Reeve"), before or after
    it, whatever kind the model gave the lone word ("organisation:trump"). A surname or first name shared by
    two people in the document links to neither; a first name that is also someone's surname, to neither.
    """
    surnames: dict[str, _Found | None] = {}
    firsts: dict[str, _Found | None] = {}
    first_seen: dict[str, int] = {}
    for f in found:
        words = normalise_name(f.text, titles).split()
        if f.kind in ("person", "official") and len(words) > 1:
            for table, word in ((surnames, words[-1]), (firsts, words[0])):
                known = table.get(word)
                table[word] = f if word not in table or (known is not None and known.id == f.id) else None
            first_seen.setdefault(words[-1], f.end)
    targets = {k: v for k, v in surnames.items() if v is not None}
    out: list[_Found] = []
    for f in found:
        words = normalise_name(f.text, titles).split()
        if len(words) == 1 and not f.gazetteer and f.kind in ("person", "official", "organisation", "place"):
            word = words[0]
            target = surnames.get(word) if word in surnames else None
            if word not in surnames and firsts.get(word) is not None and f.kind == "person":
                target = firsts[word]
            if target is not None:
                f = replace(f, kind=target.kind, id=target.id, name=target.name, gazetteer=target.gazetteer)
        out.append(f)
    # Surnames the model did not tag at all ("Timms told the committee ...").
    taken = [(f.start, f.end) for f in out]
    for surname, target in targets.items():
        for start, end in _occurrences(sdoc, surname, first_seen[surname]):
            if any(s < end and start < e for s, e in taken):
                continue
            span = sdoc.char_span(start, end)
            if span is None or len(span) != 1 or upos(span[0]) != "PROPN":
                continue
            prev_tok = sdoc[span.start - 1] if span.start > 0 else None
            next_tok = sdoc[span.end] if span.end < len(sdoc) else None
            if next_tok is not None and next_tok.text[:1].isupper() and upos(next_tok) == "PROPN":
                continue  # part of a longer name ("Green Paper")
            if prev_tok is not None and prev_tok.text[:1].isupper() and not _starts_sentence(prev_tok):
                continue
            out.append(_Found(start, end, surname, target.kind, target.id, target.name, target.gazetteer))
            taken.append((start, end))
    return sorted(out, key=lambda f: f.start)
