"""The ``casebook_quotes`` spaCy component: ``doc._.quotes``, plain dicts with offsets into the text.

It runs after ``ner`` and works in two modes. On a parsed doc (the full pipeline) it reads the parse
directly. On a doc without a parse (``Enricher`` disables the parser for speed) it parses only the
paragraphs that hold quotation marks, and the paragraph before each, and maps every offset back to the
whole text. When the tok2vec and tagger did not run either (``Enricher`` disables them too), it runs them
itself over those paragraphs and the few tokens its ``tag_targets`` names, through ``WindowTagger``, whose
vectors and tags are exactly those of a run over the whole text. Configured through its factory's
``default_config`` (``gazetteer_dir``, ``tag_targets``); :class:`indexer.enrich.enricher.Enricher` turns
the dicts into ``models.Quote``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from casebook.settings import DEFAULT_SETTINGS_FILE
from indexer.enrich.gazetteer import load_gazetteer, load_lexicon
from indexer.enrich.quotes.attribution import TERM_WORDS, Attributor, term_key
from indexer.enrich.quotes.lexicon import QuoteLexicon
from indexer.enrich.quotes.marks import find_quotations, paragraphs
from indexer.enrich.quotes.speakers import Context, ent_referents
from indexer.enrich.tokens import TEXT_KEY, doc_text, forget_text
from indexer.enrich.window_tagger import WindowTagger

DEFAULT_GAZETTEER = DEFAULT_SETTINGS_FILE.parent / "gazetteer"
TagTargets = Callable[[Doc], Iterable[int]]


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


class QuoteComponent:
    """``casebook_quotes``: reads the parse when there is one, else parses only the quote paragraphs.

    On a doc the tok2vec and tagger have not run over (:class:`indexer.enrich.enricher.Enricher` skips them),
    it runs them itself, through :class:`WindowTagger`, over the quotation paragraphs (which the parser needs)
    and the tokens ``tag_targets(doc)`` names (the tokens the caller will read the tags of), nowhere else.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "casebook_quotes",
        gazetteer_dir: str | list[str] | None = None,
        tag_targets: TagTargets | None = None,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.tag_targets = tag_targets
        self._window_tagger: WindowTagger | None | bool = False  # False: not looked at yet
        folders = gazetteer_dir or DEFAULT_GAZETTEER
        self.lexicon = QuoteLexicon(load_lexicon(folders), nlp, load_gazetteer(folders))
        self._attributor = Attributor(self.lexicon)

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
                    sub.user_data[TEXT_KEY] = text[span.start_char : last.idx + len(last.text_with_ws)]
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
            sub.user_data[TEXT_KEY] = text[span.start_char : last.idx + len(last.text_with_ws)]
            parts.append((span, sub))
        return parts

    def _quotes_of_regions(self, doc: Doc, parts: list[tuple[Span, Doc]]) -> list[dict[str, Any]]:
        """Read each run in text order, with every person and organisation of the whole text as referents."""
        if not parts:
            return []
        text = doc_text(doc)
        found = find_quotations(text)
        ctx = Context(quoted=sorted((q.start - 1, q.end + 1) for q in found), text=text)
        seen = Counter(term_key(text[q.start : q.end]) for q in found)
        ctx.terms = {key for key, n in seen.items() if n > 1 and len(key.split()) <= TERM_WORDS}
        ctx.referents = ent_referents(doc, self.lexicon, ctx)
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


@Language.factory("casebook_quotes", default_config={"gazetteer_dir": None, "tag_targets": None})
def make_quote_component(
    nlp: Language, name: str, gazetteer_dir: str | list[str] | None, tag_targets: TagTargets | None
) -> QuoteComponent:
    """Pipeline component: ``doc._.quotes`` (after ``ner``; parses quote paragraphs itself if needed).

    ``gazetteer_dir``: the gazetteer folder (or folders, read as one) whose first holds in ``lexicon/`` the
    verbs of saying and speaker words, and whose officials' roles tell who "the minister" is (default: the
    project's ``corpus/gazetteer``).
    ``tag_targets``: a registered function (``{"@misc": ...}``) naming, for a doc the tagger has not run
    over, the tokens beyond the quotation paragraphs whose tags the caller will read; they are tagged in
    the same batch (none: only the quotation paragraphs are).
    """
    return QuoteComponent(nlp, name, gazetteer_dir, tag_targets)
