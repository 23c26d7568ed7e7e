"""The tok2vec and the tagger run over chosen token ranges only, with exactly the whole-document results.

The one module that reaches into the model's layers (thinc): it reads the tok2vec's feature extractor and
the tagger's softmax layer, and checks the architecture first (``WindowTagger.for_pipeline`` gives None for
any other), so a model whose layers differ falls back to running the components over the whole text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy
from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc


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
