"""The query language journalists type, parsed strictly into a syntax tree that knows nothing of any index.

Grammar (``AND`` binds tighter than ``OR``; juxtaposed clauses are joined by ``AND``)::

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*
    unary   := ("NOT" | "-") unary | ["+"] primary
    primary := "(" or ")" | FIELD ":" value | value
    value   := WORD ["~" [1|2]] | WILD* | '"' PHRASE '"' ["~" N] | "[" DATE "TO" DATE "]" | "(" or ")"

What the words mean is :mod:`indexer.search.compiler`'s business: plain words are stemmed (``sanctions``
finds "sanction", "sanctioned"); anything in quotes runs against the unstemmed words, so ``"sanction"``
finds only the word sanction (case aside); entity fields (``scheme:ESA``) name entities by any of their
names.

A malformed query raises :class:`QueryError`: one line saying what is wrong and a corrected query to try.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from casebook.errors import CasebookError

MAX_SLOP = 20  # words apart in a proximity search ("..."~N): the work grows with it and the phrase's length
MAX_NEAR_WORDS = 8  # words in a proximity search: each is checked against the positions kept for the last
MAX_PHRASE_WORDS = 60  # words in an exact phrase: a quoted sentence, not a pasted article
MIN_WILDCARD_PREFIX = 2
MAX_LENGTH = 10_000  # characters: a query is typed (or pasted) by a person; longer is a mistake or an attack
MAX_DEPTH = 32  # nested groups and NOT/-/+ chains: deeper would exhaust the recursive parser and compiler
MAX_REPAIRS = 8  # suggestions followed to find one that parses, before falling back to the plain words
OPERATORS = ("AND", "OR", "NOT")


class QueryError(CasebookError):
    """A query that cannot be run as written; ``suggestion`` is a corrected query."""

    def __init__(self, problem: str, suggestion: str, position: int | None = None) -> None:
        self.problem = " ".join(problem.split())  # one line, even if the query held a newline
        self.suggestion = " ".join(suggestion.split())
        self.position = position
        hint = f"try: {self.suggestion}" if self.suggestion else "try: *"
        super().__init__(f"{self.problem}; {hint}")


class DateError(QueryError):
    """A from/to bound (``since``/``until``) that is not a date. The message names no option or field:
    the command line says ``--since``, a web page says "From", each in its own words.
    ``suggestion`` is the date probably meant, or "" when there is no good guess."""

    def __init__(self, bound: str, value: str) -> None:
        self.bound = bound
        self.value = value
        meant = _range_meant(value)  # '2016..2018' as "To" means up to 2018
        suggestion = meant[bound == "until"] if meant else _date_suggestion(value)
        super().__init__(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)", suggestion)


class DateOrderError(QueryError):
    """``since`` falls after ``until``; the suggestion swaps them (``since until``)."""

    def __init__(self, since: date, until: date) -> None:
        self.since, self.until = since, until
        super().__init__(f"{since} is after {until}", f"{until} {since}")


def check_date(value: str, bound: str) -> date | None:
    """``value`` as the first (``since``) or last (``until``) day it names; None if empty; else DateError."""
    if not value.strip():
        return None
    try:
        return parse_date(value, upper=bound == "until")
    except ValueError:
        raise DateError(bound, value.strip()) from None


# -- tokens ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # WORD PHRASE RANGE FIELD LPAREN RPAREN AND OR NOT MINUS PLUS
    text: str
    start: int
    end: int
    suffix: str | None = None  # the "~N" after a word or phrase, without the tilde ("" for a bare ~)


_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
_FIELD_RE = re.compile(r"^([A-Za-z_]+):")
_SUFFIX_RE = re.compile(r"~([0-9.]*)$")
_STOP = set(' \t\n\r()"[]')


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def normalise_text(text: str) -> str:
    """NFC, curly quotes straightened, lone surrogates (undecodable bytes from a terminal) as U+FFFD."""
    return unicodedata.normalize("NFC", _SURROGATE_RE.sub("\ufffd", text)).translate(_QUOTES)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(Token("LPAREN", ch, i, i + 1))
            i += 1
        elif ch == ")":
            tokens.append(Token("RPAREN", ch, i, i + 1))
            i += 1
        elif ch == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise QueryError(
                    f"the quote opened at character {i + 1} is never closed",
                    text.rstrip() + '"',
                    i,
                )
            end = close + 1
            suffix = None
            m = re.match(r"~([^\s()\"]*)", text[end:])
            if m:
                suffix = m.group(1)
                end += m.end()
            tokens.append(Token("PHRASE", text[i + 1 : close], i, end, suffix))
            i = end
        elif ch == "[":
            close = text.find("]", i + 1)
            if close < 0:
                raise QueryError(
                    f"the date range opened at character {i + 1} is never closed with ]",
                    text.rstrip() + "]",
                    i,
                )
            tokens.append(Token("RANGE", text[i + 1 : close], i, close + 1))
            i = close + 1
        elif ch == "]":
            raise QueryError("a ] closes no date range", text[:i] + text[i + 1 :], i)
        elif ch in "-+" and (i + 1 < n and text[i + 1] not in _STOP and not text[i + 1].isspace()):
            tokens.append(Token("MINUS" if ch == "-" else "PLUS", ch, i, i + 1))
            i += 1
        elif ch in "-+" and (i + 1 < n and text[i + 1] in '("'):
            tokens.append(Token("MINUS" if ch == "-" else "PLUS", ch, i, i + 1))
            i += 1
        else:
            j = i
            while j < n and text[j] not in _STOP:
                j += 1
            word = text[i:j]
            m = _FIELD_RE.match(word)
            if m:
                tokens.append(Token("FIELD", m.group(1), i, i + m.end()))
                rest = word[m.end() :]
                if rest:
                    tokens.append(_word(rest, i + m.end()))
            elif word in OPERATORS:
                tokens.append(Token(word, word, i, j))
            elif word.startswith(":"):
                raise QueryError(
                    "a colon must follow a field name, as in title:sanctions",
                    text[:i] + word.lstrip(":") + text[j:],
                    i,
                )
            else:
                tokens.append(_word(word, i))
            i = j
    return tokens


def _word(word: str, start: int) -> Token:
    m = _SUFFIX_RE.search(word)
    if m and m.start() > 0:
        return Token("WORD", word[: m.start()], start, start + len(word), m.group(1))
    return Token("WORD", word, start, start + len(word))


# -- syntax tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    pass


@dataclass(frozen=True)
class Word(Node):
    text: str
    field: str | None
    fuzzy: int | None = None


@dataclass(frozen=True)
class Phrase(Node):
    text: str
    field: str | None
    slop: int = 0


@dataclass(frozen=True)
class Span(Node):
    field: str
    start: date | None
    end: date | None  # inclusive


@dataclass(frozen=True)
class AllDocs(Node):
    pass


@dataclass(frozen=True)
class AndNode(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class OrNode(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class NotNode(Node):
    child: Node


def remove(text: str, start: int, end: int) -> str:
    return (text[:start].rstrip() + " " + text[end:].lstrip()).strip()


def replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def parse_date(value: str, upper: bool = False) -> date:
    """``2020`` / ``2020-06`` / ``2020-06-15`` as the first day of the period, or the last if ``upper``."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.strip())
    if not m:
        raise ValueError(value)
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if month is None:
        return date(year, 12, 31) if upper else date(year, 1, 1)
    mon = int(month)
    if day is None:
        first = date(year, mon, 1)
        if not upper:
            return first
        following = date(year + (mon == 12), mon % 12 + 1, 1)
        return following - timedelta(days=1)
    return date(year, mon, int(day))


RELATIVE_DAYS = {"today": 0, "yesterday": 1}


def _date_suggestion(value: str) -> str:
    """A likely meant date: 13/05/2020 -> 2020-05-13; 2020-13 -> 2020; yesterday -> that day; else the year
    it names, or "" when it names none (a guess such as "2020" would only mislead)."""
    word = value.strip().lower()
    if word in RELATIVE_DAYS:
        return (date.today() - timedelta(days=RELATIVE_DAYS[word])).isoformat()
    if word in ("this year", "last year"):
        return str(date.today().year - (word == "last year"))
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", value)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
        except ValueError:
            return m.group(3)
    m = re.fullmatch(r"(\d{1,2})[/.](\d{4})", value)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    m = re.search(r"(1[89]|20)\d\d", value)
    return m.group(0) if m else ""


# between the ends of a range as other tools write one: 2016..2018, 2016-2018, 2016/2018, 2016 to 2018
_RANGE_SEPARATOR_RE = re.compile(r"\s*(?:\.{2,3}|[-/–—]|\s+to\s+)\s*", re.IGNORECASE)


def _range_meant(value: str) -> tuple[str, str] | None:
    """The two ends of a range written as one value ('2016..2018', '2019-01-2020-06'), earlier end first;
    None for a date ('2020-06') or anything else. Taken for its first year alone, such a value would be
    suggested back as a search narrower than the one meant."""
    try:
        parse_date(value)
        return None
    except ValueError:
        pass
    for sep in _RANGE_SEPARATOR_RE.finditer(value):
        first, last = value[: sep.start()].strip(), value[sep.end() :].strip()
        try:
            if parse_date(first) > parse_date(last, upper=True):
                first, last = last, first
        except ValueError:
            continue
        return first, last
    return None


class Parser:
    """Recursive descent over the tokens; every error names a corrected query."""

    def __init__(self, text: str, fields: Iterable[str], date_fields: Iterable[str]) -> None:
        self.text = text
        self.fields = tuple(fields)
        self.date_fields = tuple(date_fields)
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def _deeper(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                f"the query nests groups or NOT/-/+ more than {MAX_DEPTH} deep",
                plain_words(self.text),
                tok.start,
            )

    def parse(self) -> Node:
        if not self.tokens:
            return AllDocs()
        if len(self.tokens) == 1 and self.tokens[0].kind == "WORD" and self.tokens[0].text == "*":
            return AllDocs()
        node = self._or()
        if self.i < len(self.tokens):
            tok = self.tokens[self.i]
            if tok.kind == "RPAREN":
                raise QueryError(
                    f"the ) at character {tok.start + 1} closes no (", remove(self.text, tok.start, tok.end)
                )
            raise QueryError(
                f"unexpected {tok.text!r}", remove(self.text, tok.start, tok.end)
            )  # pragma: no cover
        return node

    # helpers
    def _peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _dangling(self, op: Token, where: str) -> QueryError:
        return QueryError(f"{op.text} {where}", remove(self.text, op.start, op.end), op.start)

    def _or(self, field: str | None = None) -> Node:
        first = self._peek()
        if first is not None and first.kind in ("OR", "AND"):
            raise self._dangling(first, "needs a word before it")
        children = [self._and(field)]
        while (tok := self._peek()) is not None and tok.kind == "OR":
            self.i += 1
            nxt = self._peek()
            if nxt is None or nxt.kind in ("RPAREN", "OR", "AND"):
                raise self._dangling(tok, "needs a word after it")
            children.append(self._and(field))
        return children[0] if len(children) == 1 else OrNode(tuple(children))

    def _and(self, field: str | None) -> Node:
        children = [self._unary(field)]
        while (tok := self._peek()) is not None and tok.kind not in ("OR", "RPAREN"):
            if tok.kind == "AND":
                self.i += 1
                nxt = self._peek()
                if nxt is None or nxt.kind in ("RPAREN", "OR", "AND"):
                    raise self._dangling(tok, "needs a word after it")
            children.append(self._unary(field))
        return children[0] if len(children) == 1 else AndNode(tuple(children))

    def _unary(self, field: str | None) -> Node:
        tok = self._peek()
        assert tok is not None
        if tok.kind in ("NOT", "MINUS"):
            self.i += 1
            nxt = self._peek()
            if nxt is None or nxt.kind in ("RPAREN", "OR", "AND"):
                raise self._dangling(tok, "needs a word after it")
            self._deeper(tok)
            node = NotNode(self._unary(field))
            self.depth -= 1
            return node
        if tok.kind == "PLUS":
            self.i += 1
            nxt = self._peek()
            if nxt is None or nxt.kind in ("RPAREN", "OR", "AND"):
                raise self._dangling(tok, "needs a word after it")
            self._deeper(tok)
            node = self._primary(field)
            self.depth -= 1
            return node
        return self._primary(field)

    def _primary(self, field: str | None) -> Node:
        tok = self._peek()
        assert tok is not None
        if tok.kind == "LPAREN":
            return self._group(tok, field)
        if tok.kind == "RPAREN":  # pragma: no cover - _and/_or stop before a )
            raise QueryError(
                f"the ) at character {tok.start + 1} closes no (", remove(self.text, tok.start, tok.end)
            )
        if tok.kind == "FIELD":
            return self._field(tok, field)
        return self._value(tok, field)

    def _group(self, tok: Token, field: str | None) -> Node:
        self.i += 1
        nxt = self._peek()
        if nxt is None:
            raise QueryError("the ( at the end opens an empty group", remove(self.text, tok.start, tok.end))
        if nxt.kind == "RPAREN":
            raise QueryError("() is an empty group", remove(self.text, tok.start, nxt.end), tok.start)
        self._deeper(tok)
        node = self._or(field)
        self.depth -= 1
        close = self._peek()
        if close is None or close.kind != "RPAREN":
            raise QueryError(
                f"the ( at character {tok.start + 1} is never closed", self.text.rstrip() + ")", tok.start
            )
        self.i += 1
        return node

    def _field(self, tok: Token, outer: str | None) -> Node:
        name = tok.text.lower()
        self.i += 1
        value = self._peek()
        bare = (
            value is None or value.start != tok.end or value.kind not in ("WORD", "PHRASE", "RANGE", "LPAREN")
        )
        if name not in self.fields:
            close = difflib.get_close_matches(name, self.fields, n=1, cutoff=0.6)
            if bare:
                fix = replace(self.text, tok.start, tok.end, tok.text)  # "credit: a" -> "credit a"
            elif close:
                fix = replace(self.text, tok.start, tok.end - 1, close[0])
            else:
                fix = replace(self.text, tok.start, value.end, f'"{self.text[tok.start : value.end]}"')
            known = ", ".join(f"{f}:" for f in self.fields)
            raise QueryError(f"unknown field {tok.text}: (known: {known})", fix, tok.start)
        if outer is not None:
            raise QueryError(
                f"{tok.text}: cannot sit inside {outer}:( ... )",
                remove(self.text, tok.start, tok.end),
                tok.start,
            )
        if bare:
            example = "[2019-01 TO 2020-06]" if name in self.date_fields else "sanctions"
            raise QueryError(
                f"{tok.text}: needs a value right after the colon (e.g. {tok.text}:{example})",
                remove(self.text, tok.start, tok.end)
                if value is None or value.start != tok.end
                else replace(self.text, tok.start, tok.end, ""),
                tok.start,
            )
        assert value is not None
        if value.kind == "LPAREN":
            if name in self.date_fields:
                raise QueryError(
                    f"{name}: takes a date or a [from TO to] range, not a group",
                    replace(self.text, tok.start, len(self.text), f"{name}:[2019-01 TO 2020-06]"),
                    tok.start,
                )
            return self._group(value, name)
        if name in self.date_fields:
            return self._date(tok, value, name)
        if value.kind == "RANGE":
            parts = value.text.split()
            ends = [p for p in parts if p.upper() != "TO"]
            try:
                [parse_date(e) for e in ends if e != "*"]
                fix = replace(self.text, tok.start, tok.end - 1, "published")
            except ValueError:
                fix = replace(self.text, tok.start, value.end, f"{tok.text}:({' '.join(ends)})")
            raise QueryError(f"{name}: cannot take a [from TO to] range; only published: can", fix, tok.start)
        return self._value(value, name)

    def _date(self, tok: Token, value: Token, name: str) -> Node:
        self.i += 1
        if value.kind == "RANGE":
            parts = value.text.split()
            if len(parts) == 2 and "TO" not in parts:
                raise QueryError(
                    f"a date range needs TO between its ends: [{parts[0]} TO {parts[1]}]",
                    replace(self.text, value.start, value.end, f"[{parts[0]} TO {parts[1]}]"),
                    value.start,
                )
            if len(parts) != 3 or parts[1].upper() != "TO":
                raise QueryError(
                    f"a date range looks like {name}:[2019-01 TO 2020-06]",
                    replace(self.text, value.start, value.end, "[2019-01 TO 2020-06]"),
                    value.start,
                )
            lo_text, hi_text = parts[0], parts[2]
            lo = self._one_date(lo_text, value, name, upper=False)
            hi = self._one_date(hi_text, value, name, upper=True)
            if lo and hi and lo > hi:
                raise QueryError(
                    f"the range [{lo_text} TO {hi_text}] ends before it starts",
                    replace(self.text, value.start, value.end, f"[{hi_text} TO {lo_text}]"),
                    value.start,
                )
            return Span(name, lo, hi)
        if value.kind not in ("WORD", "PHRASE") or value.suffix is not None:
            raise QueryError(
                f"{name}: takes a date such as 2020, 2020-06 or 2020-06-15",
                replace(self.text, tok.start, value.end, f"{name}:2020"),
                tok.start,
            )
        meant = _range_meant(value.text)
        if meant is not None:
            raise QueryError(
                f"{value.text!r} is not a date; a date range is written {name}:[from TO to]",
                replace(self.text, tok.start, value.end, f"{name}:[{meant[0]} TO {meant[1]}]"),
                tok.start,
            )
        lo = self._one_date(value.text, value, name, upper=False)
        hi = self._one_date(value.text, value, name, upper=True)
        return Span(name, lo, hi)

    def _one_date(self, text: str, value: Token, name: str, upper: bool) -> date | None:
        if text == "*":
            return None
        try:
            return parse_date(text, upper=upper)
        except ValueError:
            guess = _date_suggestion(text) or str(date.today().year)
            fixed = self.text[value.start : value.end].replace(text, guess, 1)
            raise QueryError(
                f"{text!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
                replace(self.text, value.start, value.end, fixed),
                value.start,
            ) from None

    def _value(self, tok: Token, field: str | None) -> Node:
        self.i += 1
        if tok.kind == "RANGE":
            raise QueryError(
                "a [from TO to] range needs a field: published:[2019-01 TO 2020-06]",
                replace(self.text, tok.start, tok.start, "published:"),
                tok.start,
            )
        if tok.kind == "PHRASE":
            return self._phrase(tok, field)
        if tok.kind in OPERATORS:  # pragma: no cover - handled by the callers
            raise self._dangling(tok, "is misplaced")
        return self._word(tok, field)

    def _phrase(self, tok: Token, field: str | None) -> Node:
        text = tok.text.strip()
        if not text:
            raise QueryError('"" is an empty phrase', remove(self.text, tok.start, tok.end), tok.start)
        if "*" in text or "?" in text:
            bare = " ".join(text.split())
            raise QueryError(
                "wildcards do not work inside quotes (a phrase is matched exactly)",
                replace(self.text, tok.start, tok.end, bare),
                tok.start,
            )
        slop = 0
        words = text.split()
        if len(words) > MAX_PHRASE_WORDS:
            shorter = " ".join(words[:MAX_PHRASE_WORDS])
            raise QueryError(
                f"a phrase is at most {MAX_PHRASE_WORDS} words long (this one has {len(words)})",
                replace(self.text, tok.start, tok.end, f'"{shorter}"'),
                tok.start,
            )
        if tok.suffix is not None:
            if not tok.suffix.isdigit():
                raise QueryError(
                    f'"{text}"~ needs a whole number of words, e.g. "{text}"~3',
                    replace(self.text, tok.start, tok.end, f'"{tok.text}"~3'),
                    tok.start,
                )
            slop = int(tok.suffix)
            if slop > MAX_SLOP:
                raise QueryError(
                    f"~{slop} is too far apart for a proximity search (at most {MAX_SLOP})",
                    replace(self.text, tok.start, tok.end, f'"{tok.text}"~{MAX_SLOP}'),
                    tok.start,
                )
            if slop and len(words) > MAX_NEAR_WORDS:
                raise QueryError(
                    f"a proximity search (~{slop}) takes at most {MAX_NEAR_WORDS} words (this one has"
                    f" {len(words)}); search the exact phrase, or fewer words",
                    replace(self.text, tok.start, tok.end, f'"{tok.text}"'),
                    tok.start,
                )
        return Phrase(text, field, slop)

    def _word(self, tok: Token, field: str | None) -> Node:
        text = tok.text
        if text in ("*", "?") or text.strip("*?") == "":
            if field is None:
                raise QueryError(
                    f"{text} alone matches nothing in particular; use * on its own for every document",
                    remove(self.text, tok.start, tok.end) or "*",
                    tok.start,
                )
            raise QueryError(
                f"{field}:{text} names no value",
                remove(self.text, tok.start - len(field) - 1, tok.end) or "*",
                tok.start,
            )
        if "*" in text or "?" in text:
            if tok.suffix is not None:
                raise QueryError(
                    "a word cannot be both a wildcard and fuzzy",
                    replace(self.text, tok.start, tok.end, text),
                    tok.start,
                )
            head = re.split(r"[*?]", text, maxsplit=1)[0]
            if text[0] in "*?":
                raise QueryError(
                    f"a wildcard cannot start a word ({text}); put letters first",
                    replace(self.text, tok.start, tok.end, text.lstrip("*?")),
                    tok.start,
                )
            if len(head) < MIN_WILDCARD_PREFIX:
                raise QueryError(
                    f"{text} is too broad: give at least {MIN_WILDCARD_PREFIX} letters before the wildcard",
                    replace(self.text, tok.start, tok.end, text.replace("*", "").replace("?", "")),
                    tok.start,
                )
            return Word(text, field)
        if tok.suffix is not None:
            if tok.suffix == "":
                return Word(text, field, fuzzy=1)
            if tok.suffix in ("1", "2"):
                return Word(text, field, fuzzy=int(tok.suffix))
            fixed = "~2" if tok.suffix.isdigit() else "~1"
            raise QueryError(
                f"{text}~{tok.suffix}: a fuzzy word allows 1 or 2 letters of difference",
                replace(self.text, tok.start, tok.end, f"{text}{fixed}"),
                tok.start,
            )
        return Word(text, field)


def parse(text: str, fields: Iterable[str], date_fields: Iterable[str] = ("published",)) -> Node:
    """Parse ``text`` into a syntax tree; raise :class:`QueryError` if it is malformed.

    The error's suggestion always parses: each error fixes one mistake, so the suggestion is followed until
    it parses (or, failing that, replaced by the query's plain words, or left empty for ``*``).
    """
    fields, date_fields = tuple(fields), tuple(date_fields)
    if len(text) > MAX_LENGTH:
        raise QueryError(
            f"the query is {len(text)} characters long, the limit is {MAX_LENGTH}",
            _parsable(plain_words(text[:MAX_LENGTH]), fields, date_fields),
        )
    try:
        return Parser(normalise_text(text), fields, date_fields).parse()
    except QueryError as exc:
        suggestion = _repaired(exc.suggestion, fields, date_fields)
        if suggestion is None:
            suggestion = _parsable(plain_words(text), fields, date_fields)
        if suggestion == exc.suggestion:
            raise
        raise QueryError(exc.problem, suggestion, exc.position) from None


def _repaired(suggestion: str, fields: tuple[str, ...], date_fields: tuple[str, ...]) -> str | None:
    """The suggestion, or the one it leads to, that parses ("" is ``*``); None if none does soon."""
    for _ in range(MAX_REPAIRS):
        if not suggestion:
            return suggestion
        try:
            Parser(normalise_text(suggestion), fields, date_fields).parse()
        except QueryError as again:
            if again.suggestion == suggestion:
                return None
            suggestion = again.suggestion
            continue
        return suggestion
    return None


def plain_words(text: str) -> str:
    """The query's words alone (no operators, fields, quotes or brackets): a fallback suggestion."""
    words = [w for w in re.findall(r"[^\W_]+", normalise_text(text)) if w not in OPERATORS]
    return " ".join(words[:50])


def _parsable(suggestion: str, fields: tuple[str, ...], date_fields: tuple[str, ...]) -> str:
    try:
        Parser(normalise_text(suggestion), fields, date_fields).parse()
    except QueryError:
        return ""
    return suggestion
