"""``make eval COMMENTS=/path``: reader comments on public pages, beside plain trafilatura.

The pages are real blog and news pages from the CMS families the archived sites use (WordPress,
WordPress.com, Drupal, Blogger, Joomla comment extensions), saved in public GitHub repositories by other
projects. None of them is committed here: ``tests/gold/comments_public.toml`` names each page by repository,
commit and path (with the repository's licence), and the scorer reads it from a local copy.

``COMMENTS`` is a folder holding one entry per repository, named ``<owner>+<name>``: either a git
directory (``<owner>+<name>/repo``, as ``git clone --mirror`` leaves it) read at the named commit, or a
plain checkout (``<owner>+<name>/<path>``).

The gold was marked by hand from each page itself, before any comment rule was tuned: for up to the first
ten reader comments in page order (replies included, pingbacks not), the commenter's name as shown, the
day shown, and where the comment's text begins and ends. So that no text of the pages is committed, a
comment is stored as a *span*: hashes of its first and last six word tokens and its length in tokens, found
again in the page's visible text at scoring time (``page_tokens``). The working notes with the words in
clear stay local; ``--annotate NOTES`` turns them into the committed form and checks every span is found.

Measures (Casebook's ``extract`` beside ``trafilatura.bare_extraction(include_comments=True)``):

* comment text recall: share of the gold comments' word 4-gram shingles found in the comments extracted
  (micro-averaged over all comments);
* comments found: a gold comment counts as found when one extracted comment holds at least half of its
  shingles; author exact and day exact are measured on those found (days only where the page shows one);
* comment text in the body: share of the gold comments' 8-gram shingles found in the article text;
* pages refused (their comments count as not found).
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import re
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import trafilatura
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the project importable without installing it
    sys.path.insert(0, str(ROOT))

from casebook.models import Comment, RawPage  # noqa: E402
from indexer.extract.encoding import decode_html  # noqa: E402
from indexer.extract.stage import NotAnArticle, extract  # noqa: E402

GOLD = ROOT / "tests" / "gold" / "comments_public.toml"
HELD_OUT = ROOT / "tests" / "gold" / "comments_heldout.toml"
ANCHOR = 6  # tokens hashed at each end of a comment
SHINGLE = 4
LEAK_SHINGLE = 8
FETCHED = datetime.now(UTC)
_BLOCK = {
    "p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
    "td", "th", "section", "article", "header", "footer", "dl", "dt", "dd", "figure", "br", "hr", "address",
    "aside", "nav", "main", "form", "cite", "time", "span", "a", "img",
}  # fmt: skip


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("’", "'"))


def page_tokens(body: bytes) -> list[str]:
    """The page's visible text as word tokens, elements kept apart (scripts, styles and forms left out).

    Inline elements count as boundaries too: a name in a link glued to the next word ("<a>Ann</a>says")
    is two words on screen.
    """
    tree = lxml.html.document_fromstring(
        decode_html(body, None).encode("utf-8", "replace"),
        parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, huge_tree=True),
    )
    for el in tree.xpath("//script | //style | //noscript | //template | //textarea | //select"):
        el.drop_tree()
    parts: list[str] = []
    for event, node in etree.iterwalk(tree, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            parts.append(" " if tag in _BLOCK else "")
            parts.append(node.text or "")
        else:
            parts.append(" " if tag in _BLOCK else "")
            parts.append(node.tail or "")
    return tokens("".join(parts))


def _digest(toks: list[str]) -> str:
    return hashlib.sha1(" ".join(toks).encode("utf-8")).hexdigest()[:12]


def span_key(toks: list[str]) -> str:
    """'<hash of first tokens>:<hash of last tokens>:<length>' for a comment's tokens."""
    return f"{_digest(toks[:ANCHOR])}:{_digest(toks[-ANCHOR:])}:{len(toks)}"


def find_span(page: list[str], key: str, start: int = 0) -> tuple[int, int] | None:
    """Where the comment with this span key sits in the page's tokens, at or after ``start``."""
    first, last, length = key.split(":")
    n = int(length)
    for i in range(start, len(page) - n + 1):
        if (
            _digest(page[i : i + min(ANCHOR, n)]) == first
            and _digest(page[i + n - min(ANCHOR, n) : i + n]) == last
        ):
            return i, i + n
    return None


def locate_words(page: list[str], begin: str, end: str, start: int = 0) -> tuple[int, int] | None:
    """The first span at or after ``start`` that begins with ``begin``'s words and ends with ``end``'s."""
    b, e = tokens(begin), tokens(end)
    for i in range(start, len(page) - len(b) + 1):
        if page[i : i + len(b)] != b:
            continue
        for j in range(i + max(len(b), len(e)) - 1, min(len(page), i + 2000)):
            if page[j - len(e) + 1 : j + 1] == e:
                return i, j + 1
    return None


# ----------------------------------------------------------------------------------------------------------


@dataclass
class GoldComment:
    author: str
    published: str
    span: str
    text: str = ""


@dataclass
class GoldPage:
    repo: str
    commit: str
    path: str
    licence: str
    url: str
    family: str
    comments: list[GoldComment] = field(default_factory=list)
    note: str = ""


def read_page(pages: Path, repo: str, commit: str, path: str) -> bytes:
    folder = pages / repo.replace("/", "+")
    plain = folder / path
    if plain.is_file():
        return plain.read_bytes()
    git_dir = folder / "repo" if (folder / "repo").exists() else folder
    try:
        return subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
            check=True,
            capture_output=True,
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        raise SystemExit(f"eval_comments: {repo}@{commit[:8]}:{path} not found under {pages}") from None


def load_gold(gold: Path = GOLD) -> list[GoldPage]:
    data = tomllib.loads(gold.read_text(encoding="utf-8"))
    repos = {r["repo"]: r for r in data["repositories"]}
    pages = []
    for entry in data["pages"]:
        repo = repos[entry["repo"]]
        pages.append(
            GoldPage(
                repo=entry["repo"],
                commit=repo["commit"],
                path=entry["path"],
                licence=repo["licence"],
                url=entry["url"],
                family=entry["family"],
                note=entry.get("note", ""),
                comments=[GoldComment(**c) for c in entry.get("comments", [])],
            )
        )
    return pages


def annotate(notes: Path, pages_dir: Path, out: Path, header: str) -> int:
    """Turn local notes (comments' first and last words in clear) into the committed gold of spans."""
    data = tomllib.loads(notes.read_text(encoding="utf-8"))
    repos = {r["repo"]: r for r in data["repositories"]}
    lines = [header]
    for repo in data["repositories"]:
        lines.append("[[repositories]]")
        for key in ("repo", "commit", "licence", "note"):
            if key in repo:
                lines.append(f"{key} = {_toml_str(repo[key])}")
        lines.append("")
    problems = 0
    for entry in data["pages"]:
        body = read_page(pages_dir, entry["repo"], repos[entry["repo"]]["commit"], entry["path"])
        page = page_tokens(body)
        lines += ["[[pages]]"] + [
            f"{k} = {_toml_str(entry[k])}" for k in ("repo", "path", "url", "family", "note") if k in entry
        ]
        lines.append("comments = [")
        position = 0
        for c in entry.get("comments", []):
            if "after" in c:  # the comment opens with words that stand earlier on the page (a quotation)
                anchor = locate_words(page, c["after"], c["after"], position)
                position = anchor[1] if anchor else position
            found = locate_words(page, c["start"], c["end"], position)
            if found is None:
                print(f"not found in {entry['path']}: {c['start']!r} ... {c['end']!r}", file=sys.stderr)
                problems += 1
                continue
            i, j = found
            position = i + 1
            author, published = _toml_str(c.get("author", "")), _toml_str(c.get("published", ""))
            span = _toml_str(span_key(page[i:j]))
            lines.append(f"    {{ author = {author}, published = {published}, span = {span} }},")
        lines += ["]", ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out} ({len(data['pages'])} pages, {problems} spans not found)")
    return 1 if problems else 0


def _toml_str(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


GOLD_HEADER = """\
# Reader comments on public pages, marked by hand from each page (read by tests/eval_comments.py).
# Generated from local notes by `python tests/eval_comments.py --annotate NOTES`: no text of the pages is
# stored, only where each comment sits (span = hashes of its first and last six word tokens, and its length).
# Each page: the repository holding it (commit and licence below), its path there, the address it was saved
# from, its CMS family. Each comment: the commenter's name as the page shows it ("" when none), the day shown
# ("" when the page gives only a relative date or none), and its span.
"""


HELD_OUT_HEADER = (
    GOLD_HEADER
    + "# The held-out set: marked after the comment rules were written and never used to tune them, so\n"
    + "# that its figures say how the rules do on pages they were not fitted to.\n"
)


# ----------------------------------------------------------------------------------------------------------


def shingles(toks: list[str], k: int) -> Counter[tuple[str, ...]]:
    if len(toks) < k:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + k]) for i in range(len(toks) - k + 1))


@dataclass
class Result:
    page: GoldPage
    refused: str | None = None
    comments: list[Comment] = field(default_factory=list)
    body: str = ""
    base_comments: str = ""
    base_body: str = ""
    seconds: float = 0.0
    recall: tuple[int, int] = (0, 0)
    base_recall: tuple[int, int] = (0, 0)
    leak: tuple[int, int] = (0, 0)
    base_leak: tuple[int, int] = (0, 0)
    found: int = 0
    author_ok: int = 0
    dated: int = 0
    date_ok: int = 0


def _author_key(name: str | None) -> str:
    return " ".join(tokens(name or ""))


def _leaked(comment: Counter, body: Counter, outside: Counter) -> int:
    return sum(min(n, max(0, body[s] - outside[s])) for s, n in comment.items())


def score(result: Result, gold_tokens: list[list[str]], outside: Counter[tuple[str, ...]]) -> None:
    """``outside``: 8-gram shingles of the page's text outside the gold comments (the article, chrome). A
    comment that quotes the article shares shingles with it: only copies beyond those count as leaked."""
    ours_all: Counter[tuple[str, ...]] = Counter()
    for c in result.comments:
        ours_all.update(shingles(tokens(c.text), SHINGLE))
    base_all = shingles(tokens(result.base_comments), SHINGLE)
    body8, base_body8 = (
        shingles(tokens(result.body), LEAK_SHINGLE),
        shingles(tokens(result.base_body), LEAK_SHINGLE),
    )
    recall = base_recall = leak = base_leak = total = total8 = 0
    for gold, toks in zip(result.page.comments, gold_tokens, strict=True):
        g, g8 = shingles(toks, SHINGLE), shingles(toks, LEAK_SHINGLE)
        total += sum(g.values())
        total8 += sum(g8.values())
        recall += sum((g & ours_all).values())
        base_recall += sum((g & base_all).values())
        leak += _leaked(g8, body8, outside)
        base_leak += _leaked(g8, base_body8, outside)
        best, best_overlap = None, 0
        for c in result.comments:
            overlap = sum((g & shingles(tokens(c.text), SHINGLE)).values())
            if overlap > best_overlap:
                best, best_overlap = c, overlap
        if best is None or best_overlap * 2 < sum(g.values()):
            continue
        result.found += 1
        result.author_ok += _author_key(best.author) == _author_key(gold.author)
        if gold.published:
            result.dated += 1
            result.date_ok += (best.published or "")[:10] == gold.published[:10]
    result.recall, result.base_recall = (recall, total), (base_recall, total)
    result.leak, result.base_leak = (leak, total8), (base_leak, total8)


def run(page: GoldPage, pages_dir: Path) -> Result:
    body = read_page(pages_dir, page.repo, page.commit, page.path)
    result = Result(page)
    started = time.perf_counter()
    try:
        doc = extract(RawPage(url=page.url, body=body, fetched=FETCHED), source="public")
    except NotAnArticle as exc:
        result.refused = str(exc)
    else:
        result.comments, result.body = doc.comments, doc.text
    result.seconds = time.perf_counter() - started
    html = decode_html(body, None)
    base = trafilatura.bare_extraction(html, url=page.url, include_comments=True)
    if base is not None:
        result.base_comments, result.base_body = base.comments or "", base.text or ""
    toks = page_tokens(body)
    gold_tokens, spans = [], []
    position = 0
    for c in page.comments:
        found = find_span(toks, c.span, position)
        if found is None:
            raise SystemExit(f"eval_comments: a gold span is not in {page.path}: is the local copy the same?")
        gold_tokens.append(toks[found[0] : found[1]])
        spans.append(found)
        position = found[0] + 1
    outside: Counter[tuple[str, ...]] = Counter()
    start = 0
    for i, j in sorted(spans):
        outside.update(shingles(toks[start:i], LEAK_SHINGLE))
        start = max(start, j)
    outside.update(shingles(toks[start:], LEAK_SHINGLE))
    score(result, gold_tokens, outside)
    return result


def _ratio(pairs: list[tuple[int, int]]) -> float:
    num, den = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
    return num / den if den else 0.0


def report(results: list[Result], per_page: bool, gold: Path) -> str:
    comments = sum(len(r.page.comments) for r in results)
    lines = [
        "Reader comments on public pages: Casebook beside plain trafilatura (include_comments=True)",
        f"gold: {gold.relative_to(ROOT)}: {len(results)} pages, {comments} comments marked by hand;"
        f" machine: {platform.machine()}, Python {platform.python_version()},"
        f" trafilatura {trafilatura.__version__}",
        "",
        f"{'set':<14}{'pages':>6}{'comm.':>7}{'recall':>8}{'base':>7}{'found':>7}{'author':>8}{'day':>7}"
        f"{'leak':>8}{'base':>8}{'refused':>9}",
    ]
    families = sorted({r.page.family for r in results})
    for name, group in [("all", results)] + [
        (f, [r for r in results if r.page.family == f]) for f in families
    ]:
        n = sum(len(r.page.comments) for r in group)
        found = sum(r.found for r in group)
        dated = sum(r.dated for r in group)
        lines.append(
            f"{name:<14}{len(group):>6}{n:>7}{_ratio([r.recall for r in group]):>8.3f}"
            f"{_ratio([r.base_recall for r in group]):>7.3f}{found / max(n, 1):>7.1%}"
            f"{sum(r.author_ok for r in group) / max(found, 1):>8.1%}"
            f"{sum(r.date_ok for r in group) / max(dated, 1):>7.1%}"
            f"{_ratio([r.leak for r in group]):>8.2%}{_ratio([r.base_leak for r in group]):>8.2%}"
            f"{sum(1 for r in group if r.refused):>9}"
        )
    seconds = sum(r.seconds for r in results)
    lines.append(f"casebook speed: {len(results) / seconds if seconds else 0:.1f} pages/s")
    lines.append("targets: recall ≥ 0.8, comment text in bodies < 1%")
    if per_page:
        lines.append("")
        for r in results:
            lines.append(
                f"  {r.page.path[-60:]:<60} {r.page.family:<10} recall {_ratio([r.recall]):.2f}"
                f" (base {_ratio([r.base_recall]):.2f}) found {r.found}/{len(r.page.comments)}"
                f" author {r.author_ok} day {r.date_ok}/{r.dated} leak {_ratio([r.leak]):.2f}"
                + (f" REFUSED: {r.refused}" if r.refused else "")
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=Path, help="folder of local copies (<owner>+<name>/...)")
    parser.add_argument("--annotate", type=Path, help="local notes to turn into the committed gold")
    parser.add_argument("--held-out", action="store_true", help="the held-out set (annotate into, or score)")
    parser.add_argument("--pages-report", action="store_true", help="one line per page as well")
    args = parser.parse_args(argv)
    gold = HELD_OUT if args.held_out else GOLD
    if args.annotate:
        return annotate(args.annotate, args.pages, gold, HELD_OUT_HEADER if args.held_out else GOLD_HEADER)
    results = [run(page, args.pages) for page in load_gold(gold)]
    print(report(results, args.pages_report, gold))
    recall = _ratio([r.recall for r in results])
    leak = _ratio([r.leak for r in results])
    return 0 if recall >= 0.8 and leak < 0.01 else 1


if __name__ == "__main__":
    raise SystemExit(main())
