"""Document-level links: one name, one kind, one entity within a document.

The model reads sentence by sentence; these rules read the whole document: a name's kind by its
organisation noun or the majority, an acronym to the long name that defined it ("health and work
conversation (HWC)"), a surname or first name alone to the full name used in the same document, and a
lone first name nobody is quoted by dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc, Token

from casebook.models import EntityKind
from indexer.enrich.mentions import SENTENCE_END_MARKS, Found, after_org_noun
from indexer.enrich.names import derived_id, normalise_name, slug
from indexer.enrich.tokens import doc_text, upos

_ACRONYM_RE = re.compile(r"^[A-Z][A-Za-z&]*(?: [A-Z][A-Za-z&]*)?$")
_ACRONYM_SKIP = frozenset({"and", "of", "for", "the", "to", "&", "on", "in", "with", "at", "’s", "'s"})
_KIND_ORDER: tuple[EntityKind, ...] = ("person", "organisation", "place")


def unify_model_kinds(sdoc: Doc, found: list[Found]) -> list[Found]:
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
            if span is not None and after_org_noun(span):
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


def link_acronyms(sdoc: Doc, found: list[Found]) -> list[Found]:
    """An acronym defined in the text takes the id of the long name for the rest of the document."""
    for acronym, long_start, long_end in find_acronym_definitions(sdoc):
        target = covering(found, long_start, long_end)
        if target is None:
            if doc_text(sdoc)[long_start].islower():  # "disabled people’s organisations (DPO)": not a name
                spans = set(_occurrences(sdoc, acronym, long_end))
                found = [f for f in found if f.gazetteer or (f.start, f.end) not in spans]
            continue
        by_span = {(f.start, f.end): f for f in found}
        for start, end in _occurrences(sdoc, acronym, long_end):
            existing = by_span.get((start, end))
            linked = Found(start, end, acronym, target.kind, target.id, target.name, target.gazetteer)
            if existing is not None:
                found[found.index(existing)] = linked
            elif not any(f.start < end and start < f.end for f in found):
                found.append(linked)
    return sorted(found, key=lambda f: f.start)


def link_names(sdoc: Doc, found: list[Found], titles: frozenset[str] = frozenset()) -> list[Found]:
    """One entity per person in a document: a surname alone ("Anderson") or a first name alone ("Sandra")
    takes the id of the full name the same document uses ("Ian Anderson", "Sandra Reeve"), before or after
    it, whatever kind the model gave the lone word ("organisation:trump"). A surname or first name shared by
    two people in the document links to neither; a first name that is also someone's surname, to neither.
    """
    surnames: dict[str, Found | None] = {}
    firsts: dict[str, Found | None] = {}
    first_seen: dict[str, int] = {}
    for f in found:
        words = normalise_name(f.text, titles).split()
        if f.kind in ("person", "official") and len(words) > 1:
            for table, word in ((surnames, words[-1]), (firsts, words[0])):
                known = table.get(word)
                table[word] = f if word not in table or (known is not None and known.id == f.id) else None
            first_seen.setdefault(words[-1], f.end)
    targets = {k: v for k, v in surnames.items() if v is not None}
    out: list[Found] = []
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
            out.append(Found(start, end, surname, target.kind, target.id, target.name, target.gazetteer))
            taken.append((start, end))
    return sorted(out, key=lambda f: f.start)


def covering(found: list[Found], start: int, end: int) -> Found | None:
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
    return prev is None or "\n" in prev.text or prev.text in SENTENCE_END_MARKS


def drop_lone_names(found: list[Found], quotes: list[dict[str, Any]]) -> list[Found]:
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
