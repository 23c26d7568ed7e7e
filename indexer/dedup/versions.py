"""What changed between two stored versions of an article: stealth edits to published stories are news.

The store keeps every version (``versions``: doc_id, version, content_hash, fetched, title, text). This module
compares two of them:

* :func:`diff_texts` / :func:`diff_versions` give a :class:`VersionDiff`: the title change, if any, and the
  body paragraph by paragraph (``equal``, ``insert``, ``delete``, ``replace``), each changed paragraph with
  its words marked inserted or deleted. ``to_dict()`` is the JSON form for the UI and the API.
* ``VersionDiff.unified()`` is the plain-text unified diff (one line per paragraph, as ``diff -u`` would give
  it) for the terminal and for e-mail; ``VersionDiff.inline()`` marks words in place, ``[-old-]{+new+}``.
* :func:`history` lists a document's versions, each with what changed since the one before: what
  ``casebook analyze`` and ``/api/doc/<id>`` show under ``versions``.

Paragraphs are the body's blank-line-separated blocks, as extraction writes them. Changed paragraphs are
paired by word overlap (at least half their words in common), so an edited paragraph shows as one
``replace`` with its changed words, while a paragraph cut and another written in its place show as a delete
and an insert. Words are compared as written: a changed figure ("£5m" to "£3m"), a changed quote mark and
a changed capital are all changes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from casebook.store import Store

ParagraphOp = Literal["equal", "insert", "delete", "replace"]
WordOp = Literal["equal", "insert", "delete"]
PAIR_RATIO = 0.5


@dataclass(frozen=True)
class WordRun:
    """A run of words that is unchanged, inserted or deleted (spaces kept as written)."""

    op: WordOp
    text: str


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph of the comparison; ``old_index``/``new_index`` count paragraphs from 0."""

    op: ParagraphOp
    old: str | None
    new: str | None
    old_index: int | None
    new_index: int | None
    words: list[WordRun] = field(default_factory=list)

    @property
    def inserted(self) -> list[str]:
        return [r.text.strip() for r in self.words if r.op == "insert"]

    @property
    def deleted(self) -> list[str]:
        return [r.text.strip() for r in self.words if r.op == "delete"]


@dataclass(frozen=True)
class VersionDiff:
    """What changed from one version of a document to another."""

    old_version: int | None
    new_version: int | None
    old_fetched: str | None
    new_fetched: str | None
    title: ParagraphChange
    paragraphs: list[ParagraphChange]

    @property
    def changed(self) -> bool:
        return self.title.op != "equal" or any(p.op != "equal" for p in self.paragraphs)

    @property
    def changes(self) -> list[ParagraphChange]:
        """The paragraphs that are not ``equal``."""
        return [p for p in self.paragraphs if p.op != "equal"]

    def stats(self) -> dict[str, Any]:
        words = [r for p in [self.title, *self.paragraphs] for r in p.words]
        return {
            "title_changed": self.title.op != "equal",
            "paragraphs_added": sum(1 for p in self.paragraphs if p.op == "insert"),
            "paragraphs_removed": sum(1 for p in self.paragraphs if p.op == "delete"),
            "paragraphs_changed": sum(1 for p in self.paragraphs if p.op == "replace"),
            "words_added": sum(len(r.text.split()) for r in words if r.op == "insert"),
            "words_removed": sum(len(r.text.split()) for r in words if r.op == "delete"),
        }

    def to_dict(self, context: int | None = None) -> dict[str, Any]:
        """JSON-ready; ``context``: keep that many unchanged paragraphs around each change (None: all)."""
        paragraphs = self.paragraphs if context is None else _with_context(self.paragraphs, context)
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "old_fetched": self.old_fetched,
            "new_fetched": self.new_fetched,
            "changed": self.changed,
            "stats": self.stats(),
            "title": _change_dict(self.title),
            "paragraphs": [_change_dict(p) for p in paragraphs],
        }

    def unified(self, context: int = 1) -> str:
        """Plain-text unified diff, one line per paragraph (and the title first when it changed)."""
        label_old = _label(self.old_version, self.old_fetched)
        label_new = _label(self.new_version, self.new_fetched)
        old = [p.old for p in self.paragraphs if p.old is not None]
        new = [p.new for p in self.paragraphs if p.new is not None]
        lines = [f"--- {label_old}", f"+++ {label_new}"]
        if self.title.op != "equal":
            lines += ["@@ title @@", f"-{self.title.old}", f"+{self.title.new}"]
        body = list(difflib.unified_diff(old, new, lineterm="", n=context))
        lines += body[2:]  # difflib's own ---/+++ header lines carry no labels worth keeping
        return "\n".join(lines) + "\n" if self.changed else ""

    def inline(self) -> str:
        """The new text with changes marked in place: ``[-deleted words-]{+inserted words+}``."""
        out = []
        for change in [self.title, *self.paragraphs] if self.title.op != "equal" else self.paragraphs:
            out.append("".join(_mark(run) for run in change.words))
        return "\n\n".join(out)


def _mark(run: WordRun) -> str:
    if run.op == "equal":
        return run.text
    core, trailing = run.text.rstrip(), run.text[len(run.text.rstrip()) :]
    return f"[-{core}-]{trailing}" if run.op == "delete" else f"{{+{core}+}}{trailing}"


def _label(version: int | None, fetched: str | None) -> str:
    parts = [f"version {version}" if version is not None else "old"]
    if fetched:
        parts.append(f"(fetched {fetched})")
    return " ".join(parts)


def _change_dict(change: ParagraphChange) -> dict[str, Any]:
    data = asdict(change)
    data["words"] = [asdict(r) for r in change.words]
    return data


def _with_context(paragraphs: list[ParagraphChange], context: int) -> list[ParagraphChange]:
    changed = [i for i, p in enumerate(paragraphs) if p.op != "equal"]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    return [p for i, p in enumerate(paragraphs) if i in keep]


# ----------------------------------------------------------------------------------------------------------
# Comparing


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def _words(text: str) -> list[str]:
    """Words with the spaces after them, so runs join back into the text as written."""
    return re.findall(r"\S+\s*", text)


def diff_words(old: str, new: str) -> list[WordRun]:
    """Word runs turning ``old`` into ``new``: equal, deleted (from old) and inserted (from new)."""
    a, b = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(None, [w.strip() for w in a], [w.strip() for w in b], autojunk=False)
    runs: list[WordRun] = []

    def add(op: WordOp, words: list[str]) -> None:
        if not words:
            return
        text = "".join(words)
        if runs and runs[-1].op == op:
            runs[-1] = WordRun(op, runs[-1].text + text)
        else:
            runs.append(WordRun(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", b[j1:j2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return runs


def _ratio(a: str, b: str) -> float:
    wa, wb = a.split(), b.split()
    return difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio() if wa and wb else 0.0


def _paired(old: Sequence[str], new: Sequence[str], i0: int, j0: int) -> list[ParagraphChange]:
    """Align a block of changed paragraphs: edited ones paired (replace), the rest inserted or deleted."""
    out: list[ParagraphChange] = []
    j = 0
    for i, para in enumerate(old):
        match = next((k for k in range(j, len(new)) if _ratio(para, new[k]) >= PAIR_RATIO), None)
        if match is None:
            out.append(ParagraphChange("delete", para, None, i0 + i, None, [WordRun("delete", para)]))
            continue
        for k in range(j, match):
            out.append(ParagraphChange("insert", None, new[k], None, j0 + k, [WordRun("insert", new[k])]))
        out.append(
            ParagraphChange("replace", para, new[match], i0 + i, j0 + match, diff_words(para, new[match]))
        )
        j = match + 1
    for k in range(j, len(new)):
        out.append(ParagraphChange("insert", None, new[k], None, j0 + k, [WordRun("insert", new[k])]))
    return out


def diff_texts(
    old_text: str,
    new_text: str,
    old_title: str = "",
    new_title: str = "",
    *,
    old_version: int | None = None,
    new_version: int | None = None,
    old_fetched: str | None = None,
    new_fetched: str | None = None,
) -> VersionDiff:
    """Compare two bodies (and titles) paragraph by paragraph, marking changed words."""
    old, new = split_paragraphs(old_text), split_paragraphs(new_text)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    paragraphs: list[ParagraphChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            paragraphs += [
                ParagraphChange("equal", old[i], new[j], i, j, [WordRun("equal", new[j])])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
        elif tag == "delete":
            paragraphs += [
                ParagraphChange("delete", old[i], None, i, None, [WordRun("delete", old[i])])
                for i in range(i1, i2)
            ]
        elif tag == "insert":
            paragraphs += [
                ParagraphChange("insert", None, new[j], None, j, [WordRun("insert", new[j])])
                for j in range(j1, j2)
            ]
        else:
            paragraphs += _paired(old[i1:i2], new[j1:j2], i1, j1)
    if old_title == new_title:
        title = ParagraphChange("equal", old_title, new_title, None, None, [WordRun("equal", new_title)])
    else:
        title = ParagraphChange("replace", old_title, new_title, None, None, diff_words(old_title, new_title))
    return VersionDiff(old_version, new_version, old_fetched, new_fetched, title, paragraphs)


def _fetched(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


def diff_versions(old: Any, new: Any) -> VersionDiff:
    """Compare two rows of the ``versions`` table (or anything with version, fetched, title and text)."""

    def get(row: Any, key: str) -> Any:
        return row[key] if not hasattr(row, key) else getattr(row, key)

    return diff_texts(
        get(old, "text"),
        get(new, "text"),
        get(old, "title"),
        get(new, "title"),
        old_version=get(old, "version"),
        new_version=get(new, "version"),
        old_fetched=_fetched(get(old, "fetched")),
        new_fetched=_fetched(get(new, "fetched")),
    )


def diff_stored(
    store: Store, doc_id: str, old: int | None = None, new: int | None = None
) -> VersionDiff | None:
    """Diff two stored versions of a document (default: the last two); None if it has fewer than two."""
    rows = {row["version"]: row for row in store.versions(doc_id)}
    if len(rows) < 2:
        return None
    numbers = sorted(rows)
    new = numbers[-1] if new is None else new
    old = numbers[numbers.index(new) - 1] if old is None else old
    if old not in rows or new not in rows:
        raise KeyError(f"document {doc_id} has versions {numbers}, not {old} and {new}")
    return diff_versions(rows[old], rows[new])


def history(store: Store, doc_id: str) -> list[dict[str, Any]]:
    """Every stored version, oldest first, each with what changed since the one before (``changes``:
    counts, and ``diff``: the unified text diff), for ``casebook analyze`` and ``/api/doc/<id>``."""
    rows = store.versions(doc_id)
    out = []
    for i, row in enumerate(rows):
        entry: dict[str, Any] = {
            "version": row["version"],
            "fetched": row["fetched"],
            "content_hash": row["content_hash"],
            "title": row["title"],
        }
        if i:
            diff = diff_versions(rows[i - 1], row)
            entry["changes"] = diff.stats()
            entry["diff"] = diff.unified()
        out.append(entry)
    return out
