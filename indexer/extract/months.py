"""Month names as pages print them, in the languages of the pages read (English first; German, French,
Spanish, Italian, Dutch, Portuguese, the Scandinavian languages, then Polish, Czech, Russian and Ukrainian in
the genitive a day is written with, '15 августа 2016', '3 maja 2022'): one table for reading comment dates
and for finding a day written out on a page; the written dates themselves (``WRITTEN_DATE_RES``,
``written_days``), read alike by both."""

from __future__ import annotations

import re
from datetime import date

_WESTERN: dict[int, str] = {
    1: "january jan januar jän janvier janv enero ene gennaio gen januari janeiro",
    2: "february feb februar février fév févr febrero febbraio fevereiro fev februari",
    3: "march mar märz maerz mär mars marzo maart mrt março marts",
    4: "april apr avril avr abril aprile",
    5: "may mai mayo maggio mag mei maio maj",
    6: "june jun juni juin junio giugno giu junho",
    7: "july jul juli juillet juil julio luglio lug julho",
    8: "august aug août agosto ago augustus augusti",
    9: "september sep sept septembre septiembre settembre set setembro",
    10: "october oct oktober okt octobre octubre ottobre ott outubro",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember dez décembre déc diciembre dic dicembre dezembro desember",
}
_SLAVIC: dict[int, str] = {  # the genitive, as a day is written: 15 августа, 3 maja, 12. října
    1: "stycznia ledna января янв січня",
    2: "lutego února февраля фев лютого",
    3: "marca března марта березня",
    4: "kwietnia dubna апреля апр квітня",
    5: "maja května мая травня",
    6: "czerwca června июня червня",
    7: "lipca července июля липня",
    8: "sierpnia srpna августа авг серпня",
    9: "września září сентября сен вересня",
    10: "października října октября окт жовтня",
    11: "listopada listopadu ноября листопада",
    12: "grudnia prosince декабря дек грудня",
}
MONTH_NAMES: dict[int, list[str]] = {n: (_WESTERN[n] + " " + _SLAVIC[n]).split() for n in _WESTERN}
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
