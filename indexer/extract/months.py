"""Month names as pages print them, in the languages of the pages read (English first; German, French,
Spanish, Italian, Dutch, Portuguese): one table for reading comment dates and for finding a day written out
on a page; the written dates themselves (``WRITTEN_DATE_RES``, ``written_days``), read alike by both."""

from __future__ import annotations

import re
from datetime import date

MONTH_NAMES: dict[int, list[str]] = {
    1: "january jan januar jän janvier janv enero ene gennaio gen januari janeiro".split(),
    2: "february feb februar février fév févr febrero febbraio februari fevereiro fev".split(),
    3: "march mar märz maerz mär mars marzo maart mrt março".split(),
    4: "april apr avril avr abril aprile".split(),
    5: "may mai mayo maggio mag mei maio".split(),
    6: "june jun juni juin junio giugno giu junho".split(),
    7: "july jul juli juillet juil julio luglio lug julho".split(),
    8: "august aug août agosto ago augustus".split(),
    9: "september sep sept septembre septiembre settembre set setembro".split(),
    10: "october oct oktober okt octobre octubre ottobre ott outubro".split(),
    11: "november nov novembre noviembre novembro".split(),
    12: "december dec dezember dez décembre déc diciembre dic dicembre dezembro".split(),
}
MONTH_NUMBER = {name: number for number, names in MONTH_NAMES.items() for name in names}
# Any month name of the table, for a regular expression (longest first: 'march' before 'mar')
MONTH_ALTERNATION = "|".join(sorted(map(re.escape, MONTH_NUMBER), key=len, reverse=True))

_MONTH = f"(?P<month>{MONTH_ALTERNATION})\\.?"
# 14/11/2016, 14.09.2022, 18. 05. 2014: both readings where both are days, the day-first one first
NUMERIC_DATE_RE = re.compile(r"\b(?P<first>\d{1,2})(?P<sep>[/.]) ?(?P<second>\d{1,2})[/.] ?(?P<year>\d{4})\b")
# A day written out, in the table's languages (``written_days`` reads a match)
WRITTEN_DATE_RES = [
    # 14 November 2016, 16. March, 2023, 10. Februar 2019, 5 de enero de 2020, 14th of Nov 2016
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th|\.)?\s*(?:de\s+|of\s+)?{_MONTH},?\s*(?:de\s+)?(?P<year>\d{{4}})\b",
        re.IGNORECASE,
    ),
    # November 14, 2016 / Mai 10, 2017
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
    # 2016-11-14
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    NUMERIC_DATE_RE,
]


def written_days(match: re.Match[str]) -> list[date]:
    """The day a match of ``WRITTEN_DATE_RES`` writes, or both readings of an ambiguous numeric date (the
    day-first one first)."""
    groups = match.groupdict()
    year = int(groups["year"])
    if groups.get("first"):
        first, second = int(groups["first"]), int(groups["second"])
        orders = [(second, first), (first, second)] if first <= 12 else [(second, first)]
    else:
        month = groups["month"]
        number = int(month) if month.isdigit() else MONTH_NUMBER.get(month.lower().rstrip("."))
        if number is None:
            return []
        orders = [(number, int(groups["day"]))]
    out = []
    for month_number, day in orders:
        try:
            out.append(date(year, month_number, day))
        except ValueError:
            continue
    return out
