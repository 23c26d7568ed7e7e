"""``make eval-quotes POLNEAR=DIR``: quotes and speakers on PolNeAR (train and dev), beside a rule baseline.

Usage::

    python tests/eval_quotes.py --polnear /path/to/PolNeAR [--split train|dev|both] [--show N]

PolNeAR (Newell, Margolin and Ruths, LREC 2018; github networkdynamics/PolNeAR) is US political news with
every attribution annotated by hand in brat standoff: a ``Source`` span (absent for an unsourced
attribution), a ``Cue`` span and a ``Content`` span (possibly discontinuous, ``start end;start end``), linked
by an ``E`` line. Only its ``train`` and ``dev`` compartments are read here: ``test`` is kept for independent
checking, and the texts are never copied into the project (the corpus states no licence).

**What a gold direct quotation is.** The guidelines put quotation marks inside the content span ("include
everything that is within quotes") and annotate paraphrase and quotation alike, so a direct quotation is
found by typography inside the annotated content:

* a *quotation* is the text between an opening mark (``“`` or a straight ``"`` not preceded by a letter or
  digit) and its closing mark (``”`` / ``"``) in one paragraph; a paragraph that ends with its quotation
  still open and a next paragraph that opens with a mark are one quotation (the newspaper convention for a
  quotation running over paragraphs); marks nested inside a quotation, single marks (US style uses them only
  nested) and a mark left unclosed at the end of a paragraph not followed by a reopening make no quotation;
* a gold *unit* is a quotation of two words or more whose inner span lies at least half inside the content
  of one attribution (the attribution's source is its speaker). Quotations outside every content span
  (titles, scare quotes, a show's name) are not units: predicting them costs precision. One-word quotations
  ("a “disaster”") are not units, and a one-word prediction is never counted either way.

So a split quotation (``“A,” X said. “B.”``) is two units with one speaker, a partial quotation inside
reported speech (``X said the plan was “doomed from the start”``) is a unit, and a quotation over three
reopened paragraphs is one unit.

**Matching.** A predicted quote ``(start, end)`` (character offsets into the article text) and a gold unit's
inner span match when their overlap covers at least half of each; each prediction matches at most one unit
and each unit at most one prediction (greedy, largest overlap first). So trailing punctuation or a mark
inside or outside the span does not matter, but a prediction that runs two quotations and the narrative
between them together matches at most one of them. Recall = matched units / units; precision = matched
predictions / predictions (predictions of one word excluded on both sides).

**Speakers.** The gold *names* a speaker when the syntactic head of its source span (parsed with the same
spaCy model in context) is a proper noun, or has a proper-noun apposition inside the span: the name is the
run of proper nouns around that head ("Spokeswoman Jo Marsh" -> "Jo Marsh"). A source that is a pronoun
("he"), a description ("the campaign", "a spokeswoman") or absent names nobody, and is left out of speaker
accuracy: PolNeAR annotates no coreference, so a resolved "he" cannot be checked against it (the in-domain
gold set, which gives canonical ids, checks resolution). A prediction's speaker is right when its last name
word equals the gold name's last word (case-insensitive, possessive dropped) and, when both give a first
name, that first name is among the gold name's words ("Alan Pike" is not "Ruth Pike", "Ann Briggs" is "Kent
Senator Ann Briggs"); our side also counts the canonical name of the speaker's entity id. Name words leave
out titles, a possessive owner ("the Courier’s Tom Reid") and the first half of a hyphenated surname
("Adams-Hale" is "Hale"). Speaker accuracy = right / matched units whose gold names a speaker; a prediction
with no speaker counts as not right ("none" column), one with another name as "wrong". "absent" counts
predicted speakers whose text does not occur in the article at all (must be 0).

**Baseline.** textacy 0.13's ``extract.triples.direct_quotations`` on the same spaCy model (full
pipeline), paragraph by paragraph (one call per non-blank line, as it refuses a text with an odd number of
marks); its content span minus the marks is the prediction and its speaker tokens the speaker. textacy is
installed by the ``eval`` extra (``pip install -e '.[eval]'``).

An article annotated by several annotators is read from the first annotator's file (sorted by id), so every
article counts once. The article text is the whole ``text/*.txt`` file (title line included), for both sides.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable without installing it
    sys.path.insert(0, str(ROOT))

SPLITS = ("train", "dev")
MIN_WORDS = 2
OPENERS = {"“": "”", '"': '"'}
TITLES = frozenset(
    {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "prof", "rev", "pres", "sir",
     "dame", "lord", "lady", "president", "senator", "governor", "speaker", "secretary", "mayor", "judge",
     "minister", "chairman", "chairwoman", "spokesman", "spokeswoman", "spokesperson"}
)  # fmt: skip


# ----------------------------------------------------------------------------------------------------------
# Gold


@dataclass
class Unit:
    """A gold direct quotation: the inner span of a quotation inside an attribution's content."""

    start: int
    end: int
    source: list[tuple[int, int]]
    name: str | None = None  # the proper name the source gives, when it names someone


@dataclass
class Article:
    name: str
    text: str
    published: date | None
    units: list[Unit] = field(default_factory=list)


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            lead = len(body) - len(body.lstrip())
            out.append((pos + lead, pos + len(body.rstrip())))
        pos += len(line)
    return out


def quotations(text: str) -> list[tuple[int, int]]:
    """Inner spans of the double-mark quotations of ``text`` (see the module docstring), in order."""
    out: list[tuple[int, int]] = []
    open_at: tuple[int, str] | None = None  # (inner start, closing mark) carried into the next paragraph
    for lo, hi in paragraphs(text):
        i = lo
        if open_at is not None and text[lo] not in OPENERS:
            open_at = None  # the quotation left open was never continued: no quotation
        elif open_at is not None:
            i = lo + 1  # the reopening mark
        while i < hi:
            ch = text[i]
            if open_at is None:
                if ch in OPENERS and (ch == "“" or i == lo or not text[i - 1].isalnum()):
                    open_at = (i + 1, OPENERS[ch])
            elif ch == open_at[1]:
                out.append((open_at[0], i))
                open_at = None
            i += 1
        # still open at the end of the paragraph: continued only if the next paragraph reopens
    return [(a, b) for a, b in out if len(text[a:b].split()) >= MIN_WORDS]


def _ranges(field_: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (part.split() for part in field_.split(";"))]


def read_ann(path: Path) -> list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """Attributions of a brat file: (content ranges, source ranges)."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, where = parts[1].partition(" ")
            try:
                spans[parts[0]] = (kind, _ranges(where))
            except ValueError:
                continue
        elif line.startswith("E") and len(parts) >= 2:
            roles: dict[str, list[str]] = {}
            for arg in parts[1].split():
                role, _, ref = arg.partition(":")
                roles.setdefault(role.rstrip("0123456789"), []).append(ref)
            events.append(roles)
    out = []
    for roles in events:
        content = [r for ref in roles.get("Content", []) if ref in spans for r in spans[ref][1]]
        source = [r for ref in roles.get("Source", []) if ref in spans for r in spans[ref][1]]
        if content:
            out.append((content, source))
    return out


def gold_units(
    text: str, attributions: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]
) -> list[Unit]:
    units = []
    for start, end in quotations(text):
        length = end - start
        for content, source in attributions:
            inside = sum(max(0, min(end, b) - max(start, a)) for a, b in content)
            if inside * 2 >= length:
                units.append(Unit(start, end, source))
                break
    return units


def load_split(polnear: Path, split: str) -> list[Article]:
    if split not in SPLITS:
        raise SystemExit(f"eval-quotes: only the train and dev compartments are read, not {split!r}")
    base = polnear / "data" / split
    if not (base / "text").is_dir():
        raise SystemExit(f"eval-quotes: {base / 'text'} not found: give the folder of a PolNeAR copy")
    dates = _dates(polnear / "data" / "metadata.tsv")
    articles = []
    for path in sorted((base / "text").glob("*.txt")):
        anns = sorted((base / "attributions").glob(f"{path.stem}_*.ann"))
        if not anns:
            continue
        text = path.read_text(encoding="utf-8")
        article = Article(path.stem, text, dates.get(path.stem))
        article.units = gold_units(text, read_ann(anns[0]))
        articles.append(article)
    return articles


def _dates(metadata: Path) -> dict[str, date]:
    out = {}
    if metadata.exists():
        for line in metadata.read_text(encoding="utf-8").splitlines()[1:]:
            cols = line.split("\t")
            if len(cols) > 5 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", cols[5]):
                out[cols[1]] = date.fromisoformat(cols[5])
    return out


# ----------------------------------------------------------------------------------------------------------
# Names


def name_words(name: str) -> list[str]:
    """Lower-case name words without titles, articles, possessive owners ("the Courier’s Tom Reid") or the
    first half of a hyphenated surname ("Adams-Hale" is also written "Hale")."""
    words = []
    for raw in name.split():
        if re.search(r"['’]s$", raw) and raw is not name.split()[-1]:
            continue
        word = re.sub(r"(?:['’]s?|[.,;:])$", "", raw).casefold().split("-")[-1]
        if word and word not in TITLES and word not in ("the", "a", "an"):
            words.append(word)
    return words


def same_name(predicted: str, gold: str) -> bool:
    """Last name words equal, and a first name given by both agrees (see the module docstring)."""
    p, g = name_words(predicted), name_words(gold)
    if not p or not g or p[-1] != g[-1]:
        return False
    return len(p) < 2 or len(g) < 2 or p[0] in g[:-1]


def source_name(doc, offset: int, source: list[tuple[int, int]]) -> str | None:  # noqa: ANN001 - spaCy Doc
    """The proper name a gold source gives (its head's run of proper nouns), or None (see the docstring)."""
    if not source:
        return None
    lo, hi = source[0][0] - offset, source[-1][1] - offset
    span = doc.char_span(lo, hi, alignment_mode="expand")
    if span is None or not len(span):
        return None
    heads = [t for t in span if not (span.start <= t.head.i < span.end) or t.head.i == t.i]
    if not heads:
        return None
    head = heads[0]
    if head.pos_ != "PROPN":
        head = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN" and c in span), None)
        if head is None:
            return None
    first = last = head.i
    while first - 1 >= span.start and doc[first - 1].pos_ == "PROPN":
        first -= 1
    while last + 1 < span.end and doc[last + 1].pos_ == "PROPN":
        last += 1
    return doc[first : last + 1].text


# ----------------------------------------------------------------------------------------------------------
# Predictions and scoring


@dataclass
class Prediction:
    start: int
    end: int
    speakers: list[str]  # the speaker as written, and our entity's canonical name when it has one
    text: str = ""


@dataclass
class Score:
    units: int = 0
    predicted: int = 0
    matched: int = 0
    named: int = 0
    right: int = 0
    wrong: int = 0
    none: int = 0
    absent: int = 0
    seconds: float = 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.units if self.units else 0.0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.right / self.named if self.named else 0.0


def match(units: list[Unit], preds: list[Prediction]) -> dict[int, int]:
    """unit index -> prediction index, one-to-one, largest overlap first (see the module docstring)."""
    pairs = []
    for u, unit in enumerate(units):
        for p, pred in enumerate(preds):
            overlap = min(unit.end, pred.end) - max(unit.start, pred.start)
            if overlap > 0 and 2 * overlap >= unit.end - unit.start and 2 * overlap >= pred.end - pred.start:
                pairs.append((overlap, u, p))
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, u, p in sorted(pairs, reverse=True):
        if u not in out and p not in used:
            out[u] = p
            used.add(p)
    return out


@dataclass
class Report:
    score: Score
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def score_side(articles: list[Article], predictions: list[list[Prediction]]) -> Report:
    report = Report(Score())
    s = report.score
    for article, preds in zip(articles, predictions, strict=True):
        text = article.text
        preds = [p for p in preds if len(text[p.start : p.end].split()) >= MIN_WORDS]
        s.units += len(article.units)
        s.predicted += len(preds)
        matched = match(article.units, preds)
        s.matched += len(matched)
        for p in preds:
            s.absent += sum(1 for name in p.speakers[:1] if name and name not in text)
        for u, unit in enumerate(article.units):
            where = f"{article.name}@{unit.start}"
            quoted = text[unit.start : unit.end]
            if u not in matched:
                report.misses.append(f"{where}: {quoted[:90]!r}")
                continue
            if unit.name is None:
                continue
            s.named += 1
            said = [n for n in preds[matched[u]].speakers if n]
            if not said:
                s.none += 1
                report.wrong.append(f"{where}: none, gold {unit.name!r}: {quoted[:60]!r}")
            elif any(same_name(n, unit.name) for n in said):
                s.right += 1
            else:
                s.wrong += 1
                report.wrong.append(f"{where}: {said[0]!r}, gold {unit.name!r}: {quoted[:60]!r}")
        used = set(matched.values())
        report.extras += [
            f"{article.name}@{p.start}: {text[p.start : p.end][:90]!r}"
            for i, p in enumerate(preds)
            if i not in used
        ]
    return report


def paragraph_docs(nlp, text: str) -> Iterable[tuple[int, object]]:  # noqa: ANN001 - spaCy Language
    paras = paragraphs(text)
    for (lo, _), doc in zip(paras, nlp.pipe(text[lo:hi] for lo, hi in paras), strict=True):
        yield lo, doc


def parse(nlp, articles: list[Article]) -> list[list[tuple[int, object]]]:  # noqa: ANN001 - spaCy Language
    """Each article's paragraphs through the full pipeline; names each gold unit's source on the way."""
    out = []
    for article in articles:
        docs = list(paragraph_docs(nlp, article.text))
        for unit in article.units:
            if unit.source:
                for lo, doc in docs:
                    if lo <= unit.source[0][0] < lo + len(doc.text):
                        unit.name = source_name(doc, lo, unit.source)
                        break
        out.append(docs)
    return out


def run_baseline(parsed: list[list[tuple[int, object]]]) -> list[list[Prediction]]:
    """textacy's direct quotations, one call per paragraph, on the full pipeline's parse."""
    from textacy.extract.triples import direct_quotations

    out = []
    for docs in parsed:
        preds = []
        for lo, doc in docs:
            try:
                triples = list(direct_quotations(doc))
            except ValueError:  # an odd number of marks in the paragraph: textacy refuses it
                continue
            for triple in triples:
                content = triple.content
                if len(content) > 2 and content[0].is_quote and content[-1].is_quote:
                    content = content[1:-1]
                first, last = triple.speaker[0], triple.speaker[-1]  # as written, spacing kept
                speaker = doc.text[first.idx : last.idx + len(last.text)]
                preds.append(Prediction(lo + content.start_char, lo + content.end_char, [speaker]))
        out.append(preds)
    return out


def run_casebook(articles: list[Article], model: str, gazetteer: tuple[Path, ...]) -> list[list[Prediction]]:
    from casebook.models import Document
    from indexer.enrich.enricher import Enricher

    enricher = Enricher(model, gazetteer)
    docs = [
        Document(
            url=f"https://polnear.test/{a.name}",
            canonical_url=f"https://polnear.test/{a.name}",
            source="polnear",
            title=a.name,
            text=a.text,
            fetched=datetime(2017, 1, 1),
            published=a.published,
        )
        for a in articles
    ]
    out = []
    for mentions, quotes in enricher.enrich_many(docs):
        names = {m.id: m.name for m in mentions}
        out.append(
            [
                Prediction(q.start, q.end, [q.speaker or "", names.get(q.speaker_id or "", "")], q.text)
                for q in quotes
            ]
        )
    return out


def print_table(split: str, articles: list[Article], rows: dict[str, Score]) -> None:
    units = sum(len(a.units) for a in articles)
    named = sum(1 for a in articles for u in a.units if u.name)
    print(
        f"\nPolNeAR {split}: {len(articles)} articles, {units} gold direct quotations "
        f"({named} name a speaker)"
    )
    header = (
        f"{'system':<44} {'recall':>7} {'precision':>9} {'speaker acc':>11} {'right/named':>12} "
        f"{'wrong':>6} {'none':>5} {'absent':>6} {'seconds':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, s in rows.items():
        print(
            f"{name:<44} {s.recall:>7.3f} {s.precision:>9.3f} {s.speaker_accuracy:>11.3f} "
            f"{f'{s.right}/{s.named}':>12} {s.wrong:>6} {s.none:>5} {s.absent:>6} {s.seconds:>8.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--polnear", type=Path, required=True, help="folder of a local PolNeAR copy")
    parser.add_argument("--split", choices=[*SPLITS, "both"], default="both")
    parser.add_argument("--show", type=int, default=0, help="print up to N misses, extras and wrong speakers")
    parser.add_argument("--no-baseline", action="store_true", help="skip textacy (development only)")
    args = parser.parse_args(argv)

    import spacy

    from casebook.settings import load_settings

    settings = load_settings(env={})
    nlp = spacy.load(settings.model)
    print(f"model: {settings.model} {nlp.meta.get('version')}; spaCy {spacy.__version__}")
    for split in SPLITS if args.split == "both" else (args.split,):
        articles = load_split(args.polnear, split)
        rows: dict[str, Score] = {}
        reports: dict[str, Report] = {}
        print(
            f"{split}: parsing {len(articles)} articles for the gold speakers and the baseline ...",
            file=sys.stderr,
        )
        started = time.perf_counter()
        parsed = parse(nlp, articles)
        baseline = run_baseline(parsed) if not args.no_baseline else None
        baseline_seconds = time.perf_counter() - started
        del parsed
        print(f"{split}: Casebook's enrichment over the same articles ...", file=sys.stderr)
        started = time.perf_counter()
        ours = run_casebook(articles, settings.model, settings.gazetteer_paths)
        reports["Casebook (Enricher)"] = score_side(articles, ours)
        reports["Casebook (Enricher)"].score.seconds = time.perf_counter() - started
        if baseline is not None:
            reports["textacy direct_quotations, per paragraph"] = score_side(articles, baseline)
            reports["textacy direct_quotations, per paragraph"].score.seconds = baseline_seconds
        rows = {name: r.score for name, r in reports.items()}
        print_table(split, articles, rows)
        if args.show:
            report = reports["Casebook (Enricher)"]
            for title, lines in (
                ("missed", report.misses),
                ("extra", report.extras),
                ("speaker", report.wrong),
            ):
                print(f"\n{split} {title} ({len(lines)}):")
                for line in lines[: args.show]:
                    print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
