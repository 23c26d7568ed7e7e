"""Month names as pages print them, in the languages of the pages read (English first; German, French,
Spanish, Italian, Dutch, Portuguese): one table for reading comment dates and for finding a day written out
on a page."""

from __future__ import annotations

import re

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
