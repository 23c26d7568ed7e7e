"""A synthetic, clearly fictional news corpus for the search benchmark.

Every document is flagged synthetic three ways: its source is ``synthetic-<outlet>``, its URL is under the
reserved ``.invalid`` domain, and its tags and categories hold ``synthetic``. People, officials, schemes,
organisations and places are invented (no real person, benefit or body is named). The generator writes
nothing itself; :func:`prepare_data_dir` hands out a data folder of its own, marked with a ``SYNTHETIC``
file, and refuses any folder that holds anything else (a real archive is never touched).

Documents are deterministic for a seed: document ``n`` is the same whatever ``count`` is asked for.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from casebook.errors import CasebookError
from casebook.models import Comment, Document, Mention, Quote
from casebook.store import StoredDocument

MARKER = "SYNTHETIC"
SYNTHETIC_TAG = "synthetic"
FIRST_DAY = date(2005, 1, 1)
DAYS = 20 * 365  # dates spread over twenty years

OUTLETS = (
    "northgate-gazette",
    "vellmoor-echo",
    "claimant-voice-blog",
    "harrowfield-courier",
    "access-watch",
    "the-lantern-weekly",
    "brackwater-times",
    "disabled-voices-zine",
    "welfare-ledger",
    "quenby-observer",
)
SOURCES = tuple(f"synthetic-{o}" for o in OUTLETS)
AUTHORS = (
    "Ada Fenwick", "Bram Quill", "Corin Ashdown", "Della Marrow", "Ennis Tolland", "Fay Wrenbury",
    "Gideon Hale", "Hester Plume", "Ivo Kestrel", "Juno Barrowby", "Kit Lanyard", "Lorne Sable",
    "Mira Oakhurst", "Nell Thistlewood", "Osric Penhallow", "Pella Vane",
)  # fmt: skip

# (id, kind, canonical name, surface forms used in text)
ENTITIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("official:synth-rowan-blackwood", "official", "Rowan Blackwood", ("Rowan Blackwood", "Blackwood")),
    ("official:synth-tamsin-greave", "official", "Tamsin Greave", ("Tamsin Greave", "Greave")),
    ("official:synth-cuthbert-mallory", "official", "Cuthbert Mallory", ("Cuthbert Mallory",)),
    ("official:synth-imogen-strand", "official", "Imogen Strand", ("Imogen Strand", "Strand")),
    ("person:synth-alba-quinton", "person", "Alba Quinton", ("Alba Quinton",)),
    ("person:synth-desmond-ferrow", "person", "Desmond Ferrow", ("Desmond Ferrow",)),
    ("person:synth-marigold-pike", "person", "Marigold Pike", ("Marigold Pike",)),
    ("person:synth-ulric-haverly", "person", "Ulric Haverly", ("Ulric Haverly",)),
    ("person:synth-wren-castellan", "person", "Wren Castellan", ("Wren Castellan",)),
    ("person:synth-tobias-elmsworth", "person", "Tobias Elmsworth", ("Tobias Elmsworth",)),
    ("scheme:synth-rsp", "scheme", "Resilience Support Payment", ("Resilience Support Payment", "RSP")),
    ("scheme:synth-cwa", "scheme", "Capability Work Appraisal", ("Capability Work Appraisal", "CWA")),
    ("scheme:synth-hlc", "scheme", "Household Living Credit", ("Household Living Credit", "HLC")),
    ("scheme:synth-ita", "scheme", "Independent Travel Allowance", ("Independent Travel Allowance",)),
    ("scheme:synth-pathway", "scheme", "Pathway to Employment scheme", ("Pathway to Employment scheme",)),
    ("organisation:synth-dsw", "organisation", "Department for Social Welfare", (
        "Department for Social Welfare", "DSW")),
    ("organisation:synth-claimants-union", "organisation", "Northgate Claimants Union", (
        "Northgate Claimants Union",)),
    ("organisation:synth-access-alliance", "organisation", "Access Alliance", ("Access Alliance",)),
    ("organisation:synth-appeals-board", "organisation", "Benefit Appeals Board", ("Benefit Appeals Board",)),
    ("place:synth-northgate", "place", "Northgate", ("Northgate",)),
    ("place:synth-vellmoor", "place", "Vellmoor", ("Vellmoor",)),
    ("place:synth-brackwater", "place", "Brackwater", ("Brackwater",)),
    ("place:synth-quenby", "place", "Quenby", ("Quenby",)),
)  # fmt: skip
SPEAKERS = tuple(e for e in ENTITIES if e[1] in ("official", "person"))

# Real English words of welfare reporting (the ranked head of the vocabulary), then invented filler words.
CORE_WORDS = """
the of and to a in that for is on was with as by it at said be from have has are were this not but
they their which been will had would who an more or its his her after about people also one than
benefit benefits claimant claimants sanction sanctions sanctioned sanctioning assessment assessments
disabled disability welfare payment payments department minister ministers government work working
support allowance credit universal tribunal tribunals appeal appeals decision decisions evidence
report reports figures data official officials review reviews policy policies cuts cut campaign
campaigners charity charities jobcentre coaches coach health mental condition conditions claim claims
fit capability reconsideration mandatory housing rent poverty food bank banks debt debts deaths death
inquiry committee secretary state parliament mps mp letter letters freedom information request
council councils care carers carer staff contract contractors assessor assessors medical questionnaire
independent living fund cost living crisis heating winter pension pensioners child children family
families court judge ruling legal lawyers advice rights human discrimination equality access transport
""".split()
PHRASES = (
    "fit for work", "cost of living", "mandatory reconsideration", "work capability", "food bank",
    "freedom of information", "independent living", "benefit sanctions", "human rights",
    "mental health", "universal credit", "housing benefit",
)  # fmt: skip
SYLLABLES = (
    "ba be bi bo bu da de di do du fa fe fi fo ga ge go ka ke ki ko la le li lo lu ma me mi mo mu na ne ni "
    "no nu pa pe pi po ra re ri ro ru sa se si so ta te ti to tu va ve vi vo wa we wi za ze zo"
).split()
CUES = ("said", "told", "added", "warned", "argued", "explained")


def _vocabulary(rng: random.Random, size: int = 6000) -> tuple[list[str], list[float]]:
    words = list(CORE_WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(words))]  # Zipf-like
    cumulative = []
    total = 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    return words, cumulative


@dataclass(frozen=True)
class SyntheticDoc:
    stored: StoredDocument
    mentions: list[Mention]
    quotes: list[Quote]


class Generator:
    """``Generator(seed).docs(n)`` yields ``n`` synthetic documents with their mentions and quotes."""

    def __init__(self, seed: int = 7, mean_words: int = 420) -> None:
        self.seed = seed
        self.mean_words = mean_words
        self.words, self.cumulative = _vocabulary(random.Random(seed))

    def docs(self, count: int, start: int = 0) -> Iterator[SyntheticDoc]:
        for n in range(start, start + count):
            yield self.doc(n)

    def _sentence(self, rng: random.Random) -> str:
        words = rng.choices(self.words, cum_weights=self.cumulative, k=rng.randint(8, 24))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(PHRASES))
        sentence = " ".join(words)
        return sentence[0].upper() + sentence[1:] + "."

    def doc(self, n: int) -> SyntheticDoc:
        rng = random.Random(self.seed * 1_000_003 + n)
        outlet = rng.randrange(len(OUTLETS))
        published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        target = max(60, int(rng.lognormvariate(0, 0.5) * self.mean_words))
        featured = rng.sample(ENTITIES, rng.randint(1, 5))
        parts: list[str] = []
        length = 0
        mentions: list[Mention] = []
        quotes: list[Quote] = []
        words = 0
        while words < target:
            sentence = self._sentence(rng)
            start = length + (1 if parts else 0)
            if rng.random() < 0.08:
                entity_id, kind, name, _forms = rng.choice(SPEAKERS)
                quoted = self._sentence(rng)[:-1]
                cue = rng.choice(CUES)
                sentence = f"\u201c{quoted},\u201d {cue} {name}."
                quotes.append(Quote(quoted, name, entity_id, cue, start + 1, start + 1 + len(quoted)))
                at = start + sentence.index(name, len(quoted) + 3)
                mentions.append(Mention(name, kind, entity_id, name, at, at + len(name)))  # type: ignore[arg-type]
            elif featured and rng.random() < 0.35:
                entity_id, kind, name, forms = rng.choice(featured)
                form = rng.choice(forms)
                mentions.append(Mention(form, kind, entity_id, name, start, start + len(form)))  # type: ignore[arg-type]
                sentence = f"{form} {sentence[0].lower()}{sentence[1:]}"
            parts.append(sentence)
            length += len(sentence) + (1 if len(parts) > 1 else 0)
            words += sentence.count(" ") + 1
        text = " ".join(parts)
        title = " ".join(rng.choices(self.words[:400], k=rng.randint(4, 9))).capitalize()
        url = f"https://{OUTLETS[outlet]}.synthetic.invalid/{published.year}/{n:07d}"
        comments = [
            Comment(rng.choice(AUTHORS), self._sentence(rng), published.isoformat())
            for _ in range(rng.choice((0, 0, 0, 1, 2)))
        ]
        fetched = datetime(2025, 1, 1, tzinfo=UTC)
        document = Document(
            url=url,
            canonical_url=url,
            source=SOURCES[outlet],
            title=title,
            text=text,
            fetched=fetched,
            authors=[rng.choice(AUTHORS)],
            published=published,
            published_from="synthetic",
            comments=comments,
            categories=[SYNTHETIC_TAG],
            tags=[SYNTHETIC_TAG],
            language="en",
        )
        return SyntheticDoc(StoredDocument(document, 1, fetched), mentions, quotes)


def is_synthetic(doc: Document) -> bool:
    return doc.source.startswith("synthetic-") and SYNTHETIC_TAG in doc.tags


def prepare_data_dir(path: Path) -> Path:
    """A data folder for synthetic data only: created with a ``SYNTHETIC`` marker, or reused if it has one.

    A folder that holds anything and no marker (a real archive, a home folder) is refused.
    """
    path = Path(path)
    if path.exists() and any(path.iterdir()) and not (path / MARKER).exists():
        raise CasebookError(
            f"{path} is not empty and is not a synthetic benchmark folder; choose an empty or new folder"
        )
    path.mkdir(parents=True, exist_ok=True)
    (path / MARKER).write_text(
        "Synthetic benchmark data (bench/synthetic.py): fictional documents, never a real archive.\n",
        encoding="utf-8",
    )
    return path
