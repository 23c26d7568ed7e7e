"""SAMPLE DATA for the demo: invented articles, written deterministically, labelled as what they are.

The eight real pages of ``corpus/demo`` are too few to try Casebook on (a timeline needs years of coverage,
a quote search needs officials quoted across their changes of role). This module writes a few hundred
invented articles over fourteen years from the templates in ``corpus/demo/sample/templates.toml``, as
pages of the invented outlets in ``corpus/demo/sample/sources.toml`` (one for each kind of source the real
registry holds: a WordPress news service, an advice site's listing, a campaign blog that reposts, a
charity's sitemap, a local paper's feed), with reader comments, reposts, corrected second versions and
a few undated pages, so that every feature has something to show.

Nothing here passes for real: every page says "sample data" in its outlet's name and site header, its
first paragraph says the article is invented, its address is under the reserved ``.invalid`` domain, and
every outlet, campaigner, claimant, reader and official is invented. No real person appears in the text,
let alone is quoted: Casebook is used to copy quotes with their speaker into publications, so words made
up here must never reach a real person's name. The officials quoted come from the demo's own sample
gazetteer (``corpus/demo/sample/gazetteer/officials.toml``): invented people with an invented history of
the real posts (Minister for Disabled People, Secretary of State for Work and Pensions, ...), so the demo
still shows one official quoted as "who chairs the Commons work and pensions committee" one year and as a
minister years later, and Casebook crediting each quote with the role held on the article's date. The
writer refuses any official whose id does not mark them as invented (``official:sample-...``).

The same seed always gives the same pages, byte for byte, so a second ``casebook demo`` archives nothing
new.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from casebook.errors import CasebookError
from casebook.models import Entity, Source
from casebook.sources import load_sources

SEED = 14
FIRST_DAY = date(2012, 1, 9)
LAST_DAY = date(2025, 10, 31)
ARTICLES = 330  # originals; reposts and second versions come on top
REPOSTS = 24
CORRECTED = 12
UNDATED = 14

NEWS, ADVICE, BLOG, CHARITY, PAPER = (
    "sample-disability-affairs-weekly",
    "sample-claimant-advice-online",
    "sample-northside-claimants-union",
    "sample-access-rights-bulletin",
    "sample-welfare-ledger",
)
OUTLET_SHARE = ((NEWS, 0.36), (ADVICE, 0.24), (BLOG, 0.14), (CHARITY, 0.12), (PAPER, 0.14))
SAMPLE_OFFICIAL = "official:sample-"  # how the sample gazetteer's ids start: invented people only


@dataclass(frozen=True)
class Comment:
    author: str
    when: datetime
    text: str
    replies: tuple[Comment, ...] = ()


@dataclass
class Article:
    """One invented article as its outlet would publish it."""

    source: Source
    slug: str
    title: str
    author: str
    published: date | None
    paragraphs: list[str]
    fetched: datetime
    comments: list[Comment] = field(default_factory=list)
    credit: tuple[str, str] | None = None  # (outlet title, URL) of the original a repost credits
    topic: str = ""

    @property
    def home(self) -> str:
        return self.source.url.split("/", 3)[2].join(("https://", "/"))

    @property
    def comment_count(self) -> int:
        return sum(1 + len(c.replies) for c in self.comments)

    @property
    def url(self) -> str:
        base = self.source.url.rstrip("/")
        if self.source.name == ADVICE:
            return f"{base}/{self.slug}"
        if self.source.name == BLOG and self.published:
            return f"{base}/{self.published:%Y/%m/%d}/{self.slug}/"
        if self.source.name == CHARITY:
            return f"{base.rsplit('/', 1)[0]}/news/{self.slug}/"
        if self.source.name == PAPER:
            return f"{base.rsplit('/', 1)[0]}/news/{self.slug}.html"
        return f"{base}/{self.slug}/"


@dataclass(frozen=True)
class SamplePage:
    """A page to archive: what a crawl would have fetched, and when."""

    url: str
    fetched: datetime
    html: str
    source: str


class Writer:
    """Writes the articles: every choice comes from one seeded random generator, in a fixed order."""

    def __init__(
        self, templates: dict, sources: list[Source], officials: list[Entity], seed: int = SEED
    ) -> None:
        self.t = templates
        self.sources = {s.name: s for s in sources}
        missing = {name for name, _ in OUTLET_SHARE} - set(self.sources)
        if missing:
            raise CasebookError(f"sample sources registry lacks {', '.join(sorted(missing))}")
        real = [person.id for person in officials if not person.id.startswith(SAMPLE_OFFICIAL)]
        if real:
            raise CasebookError(
                f"sample articles quote only invented officials ({SAMPLE_OFFICIAL}...), not {', '.join(real)}"
            )
        self.officials = officials
        self.rng = random.Random(seed)
        self.topics = self.t["topics"]
        self.slugs: set[str] = set()

    # -- who speaks --------------------------------------------------------------------------------

    def official(self, day: date, topic: dict, committee: bool) -> tuple[Entity, str, str] | None:
        """(official, role as written, kind of line) holding a role on ``day`` that suits the topic."""
        wanted = {
            "disabled": (
                "Minister for Disabled People",
                "Minister of State for Social Security and Disability",
                "Secretary of State for Work and Pensions",
            ),
            "secretary": ("Secretary of State for Work and Pensions",),
            "employment": ("Minister for Employment", "Secretary of State for Work and Pensions"),
        }[topic["speaker"]]
        if committee:
            wanted = ("Chair of the Work and Pensions Committee", *wanted)
        for title in wanted:
            holders = [
                (person, role)
                for person in self.officials
                for role in person.roles
                if role.title == title and role.holds_on(day) and title in self.t["roles"]
            ]
            if holders:
                person, role = holders[0]
                line = "chair" if title.startswith("Chair") else "minister"
                return person, self.t["roles"][role.title], line
        return None

    # -- text ---------------------------------------------------------------------------------------

    def fill(self, text: str, values: dict[str, str]) -> str:
        return text.format(**values)

    def values(self, topic: dict, day: date, outlet: str) -> dict[str, str]:
        rng = self.rng
        place, place2 = rng.sample(self.t["places"], 2)
        return {
            "scheme": topic["scheme"],
            "Scheme": topic["scheme"][0].upper() + topic["scheme"][1:],
            "short": topic["short"],
            "issue": rng.choice(topic["issues"]),
            "n": f"{rng.choice([rng.randint(120, 990), rng.randint(1_100, 48_000)]):,}",
            "n2": str(rng.randint(14, 460)),
            "pct": str(rng.randint(12, 78)),
            "pct2": str(rng.randint(12, 78)),
            "weeks": str(rng.randint(6, 40)),
            "age": str(rng.randint(24, 63)),
            "place": place,
            "place2": place2,
            "group": rng.choice(self.t["groups"]),
            "month": f"{(day - timedelta(days=rng.randint(20, 80))):%B %Y}",
            "year": str(day.year - rng.randint(1, 3)),
            "weekday": rng.choice(self.t["weekdays"]),
            "outlet": outlet,
        }

    def quote(self, kind: str, v: dict[str, str]) -> str:
        parts = self.t["quotes"][kind]
        return self.fill(f"{self.rng.choice(parts['open'])} {self.rng.choice(parts['close'])}", v)

    def body(self, topic: dict, day: date, outlet: str, committee: bool) -> tuple[str, list[str]]:
        """A headline and the paragraphs under it: the notice, a lede, facts and background with their own
        figures and places, then the people quoted (an official, a campaigner, often a claimant and the
        department), the scheme's context and sometimes what happens next."""
        rng = self.rng
        v = self.values(topic, day, outlet)
        title = self.fill(rng.choice(topic["headlines"]), v)
        title = title[0].upper() + title[1:]
        first, second, third = rng.sample(topic["facts"], 3)
        paragraphs = [self.t["notice"], self.fill(rng.choice(self.t["ledes"]), v), self.fill(first, v)]
        for background in rng.sample(self.t["backgrounds"], rng.choice((0, 1, 1, 2))):
            paragraphs.append(self.fill(background, self.values(topic, day, outlet)))
        speaker = self.official(day, topic, committee)
        if speaker is not None:
            official, role, kind = speaker
            verb = self.fill(rng.choice(self.t["speech"]), v)
            paragraphs.append(f"{official.name}, {role}, {verb}: “{self.quote(kind, v)}”")
        said = self.quote("campaigner", self.values(topic, day, outlet))
        role = rng.choice(self.t["campaigner_roles"])
        paragraphs.append(f"“{said},” said {rng.choice(self.t['campaigners'])}, {role} {v['group']}.")
        if rng.random() < 0.6:
            w = self.values(topic, day, outlet)
            intro = self.fill(rng.choice(self.t["claimant_intros"]), w)
            paragraphs.append(f"{intro} told {outlet}: “{self.quote('claimant', w)}”")
        paragraphs.append(self.fill(second, self.values(topic, day, outlet)))
        if rng.random() < 0.5:
            paragraphs.append(self.fill(third, self.values(topic, day, outlet)))
        answer = self.official(day, topic, committee=False)
        if answer is not None and rng.random() < 0.7:  # the government's answer, from the invented minister
            minister, role, _ = answer
            quoted = self.quote("department", self.values(topic, day, outlet))
            if speaker is not None and speaker[0] == minister:  # quoted above: named by surname alone
                paragraphs.append(f"{minister.name.split()[-1]} {rng.choice(self.t['answers'])}: “{quoted}”")
            else:
                paragraphs.append(f"{minister.name}, {role}, responded: “{quoted}”")
        paragraphs.append(self.fill(rng.choice(topic["context"]), v))
        if rng.random() < 0.6:
            paragraphs.append(self.fill(rng.choice(self.t["closings"]), self.values(topic, day, outlet)))
        return title, paragraphs

    def comments(self, day: date) -> list[Comment]:
        rng = self.rng
        out = []
        when = datetime.combine(day, time(9, 0), UTC)
        for _ in range(rng.choice((0, 0, 1, 2, 3, 4, 6))):
            when += timedelta(hours=rng.randint(2, 40), minutes=rng.randint(0, 59))
            replies = ()
            if rng.random() < 0.3:
                replied = when + timedelta(hours=rng.randint(1, 12))
                replies = (
                    Comment(
                        rng.choice(self.t["commenters"]), replied, rng.choice(self.t["other_lines"]["reply"])
                    ),
                )
            out.append(
                Comment(
                    rng.choice(self.t["commenters"]),
                    when,
                    rng.choice(self.t["other_lines"]["reader"]),
                    replies,
                )
            )
        return out

    def slug(self, title: str) -> str:
        base = "".join(c if c.isalnum() else "-" for c in title.lower())
        base = "-".join(part for part in base.split("-") if part)[:80].rstrip("-")
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    # -- the corpus ----------------------------------------------------------------------------------

    def articles(self) -> list[Article]:
        rng = self.rng
        span = (LAST_DAY - FIRST_DAY).days
        out: list[Article] = []
        for i in range(ARTICLES):
            day = FIRST_DAY + timedelta(days=round(span * (i + rng.random()) / ARTICLES))
            topics = [t for t in self.topics if t["since"] <= day <= t.get("until", LAST_DAY)]
            topic = rng.choices(topics, [t["weight"] for t in topics])[0]
            outlet = rng.choices([s for s, _ in OUTLET_SHARE], [w for _, w in OUTLET_SHARE])[0]
            source = self.sources[outlet]
            title, paragraphs = self.body(topic, day, source.title, committee=rng.random() < 0.25)
            fetched = datetime.combine(day + timedelta(days=rng.randint(1, 20)), time(10, 0), UTC)
            article = Article(
                source,
                self.slug(title),
                title,
                rng.choice(self.t["bloggers"] if outlet == BLOG else self.t["journalists"]),
                day,
                paragraphs,
                fetched,
                topic=topic["id"],
            )
            if outlet in (NEWS, BLOG, ADVICE):
                article.comments = self.comments(day)
            out.append(article)
        for article in rng.sample(
            [a for a in out if a.source.name in (ADVICE, BLOG) and not a.comments], UNDATED
        ):
            article.published = None  # the page gives no date, as some real ones do not
        return out

    def reposts(self, articles: list[Article]) -> list[Article]:
        """News articles a campaign blog reposted a few days later, crediting the original."""
        rng = self.rng
        originals = rng.sample([a for a in articles if a.source.name == NEWS], REPOSTS)
        out = []
        for original in sorted(originals, key=lambda a: a.published or FIRST_DAY):
            day = (original.published or FIRST_DAY) + timedelta(days=rng.randint(1, 6))
            credit = self.t["repost_credit"].format(outlet=original.source.title)
            paragraphs = [original.paragraphs[0], credit, *original.paragraphs[1:]]
            out.append(
                Article(
                    self.sources[BLOG],
                    self.slug(original.title + " repost"),
                    original.title,
                    rng.choice(self.t["bloggers"]),
                    day,
                    paragraphs,
                    datetime.combine(day + timedelta(days=2), time(10, 0), UTC),
                    self.comments(day) if rng.random() < 0.5 else [],
                    credit=(original.source.title, original.url),
                    topic=original.topic,
                )
            )
        return out

    def corrections(self, articles: list[Article]) -> list[Article]:
        """Second versions of news articles, fetched again after a correction was made."""
        rng = self.rng
        chosen = rng.sample([a for a in articles if a.source.name == NEWS and a.published], CORRECTED)
        out = []
        for article in sorted(chosen, key=lambda a: a.published or FIRST_DAY):
            fixed_on = article.fetched.date() + timedelta(days=rng.randint(2, 9))
            old = f"{rng.randint(200, 900):,}"
            paragraphs = list(article.paragraphs)
            paragraphs[2] = paragraphs[2] + " The department later confirmed the figure."
            paragraphs.append(self.t["correction"].format(day=f"{fixed_on.day} {fixed_on:%B %Y}", old=old))
            out.append(
                Article(
                    article.source,
                    article.slug,
                    article.title,
                    article.author,
                    article.published,
                    paragraphs,
                    datetime.combine(fixed_on + timedelta(days=1), time(10, 0), UTC),
                    article.comments,
                    topic=article.topic,
                )
            )
        return out


# -- the pages, in each outlet's own markup (corpus/demo/sample/pages/) ------------------------------

BANNER = "SAMPLE DATA: an invented site for the Casebook demo. Nothing on it is real."
MARKUP = {NEWS: "wordpress.html.j2", BLOG: "wordpress.html.j2", ADVICE: "advice.html.j2"}


def _long(day: date | datetime) -> str:
    return f"{day.day} {day:%B %Y}"


def renderer(pages_dir: Path):  # noqa: ANN201 - a function Article -> HTML
    """Each outlet's markup, from its Jinja template; every text is escaped (autoescape)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(pages_dir), autoescape=True, undefined=StrictUndefined)
    env.globals.update(long=_long, banner=BANNER)

    def render(article: Article) -> str:
        return env.get_template(MARKUP.get(article.source.name, "news.html.j2")).render(a=article)

    return render


def sample_pages(
    templates_path: Path, sources_path: Path, gazetteer_path: Path, seed: int = SEED
) -> list[SamplePage]:
    """Every sample page in the order a crawl would have fetched it (second versions after firsts).
    ``gazetteer_path`` is the sample gazetteer's folder: the invented officials who speak."""
    from indexer.enrich.gazetteer import load_gazetteer

    try:
        templates = tomllib.loads(templates_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError) as exc:
        raise CasebookError(f"sample templates {templates_path} are missing or invalid ({exc})") from None
    officials = [e for e in load_gazetteer(gazetteer_path) if e.kind == "official"]
    writer = Writer(templates, load_sources(sources_path), officials, seed)
    articles = writer.articles()
    every = articles + writer.reposts(articles) + writer.corrections(articles)
    every.sort(key=lambda a: (a.fetched, a.url))
    render = renderer(templates_path.parent / "pages")
    return [SamplePage(a.url, a.fetched, render(a), a.source.name) for a in every]
