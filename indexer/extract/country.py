"""Where a page's publisher keeps time when the sources registry does not say: the country its address names.

A UTC timestamp ('2022-05-04T00:53:29Z') gives the moment, not the publisher's day: La Nación's story of
the evening of 3 May in Buenos Aires is stamped 4 May in UTC, and so is an Austrian paper's story posted
four minutes after midnight, a day earlier. The registry gives each of its sources a zone; a page from a site
it does not know (``casebook analyze`` of an address, an imported WARC) has only its address, and a
country-code domain (``.ar``, ``.at``, ``.com.uy``, ``.co.uk``) names the publisher's country. The time zone
database lists each country's zones (``zone.tab``, beside the zones ``zoneinfo`` reads); a country of several
zones (Brazil, Spain with the Canaries) has them all, and a timestamp's day is taken in them only where they
all agree on it (:func:`indexer.extract.published.parse_timestamp`).

The database's list of countries (``iso3166.tab``) also names them: a byline that ends in one is an
address, not a name (``indexer.extract.authors``).

Domains of countries sold for other uses (``.io``, ``.co``, ``.tv``, ``.me``: Google's list of country
codes it treats as generic, and the few later ones in the same use) name no country.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import TZPATH

log = logging.getLogger(__name__)

# Google Search Central's "generic country code top-level domains", and .ai, .gg, .ly, .sh, .st, .to, .ac
GENERIC_USE = frozenset(
    "ac ad ai as bz cc cd co dj fm gg io la ly me ms nu sc sh sr st su tk to tv ws".split()
)
DOMAIN_TO_CODE = {"uk": "GB"}  # the one country whose domain is not its ISO 3166 code


def _rows(name: str, without: str) -> list[list[str]]:
    """The tab-separated rows of the time zone database's table ``name`` (``zone.tab``, ``iso3166.tab``),
    comments left out; none, and a warning saying what goes ``without`` it, where no such table is found."""
    for folder in TZPATH:
        path = Path(folder) / name
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return [line.split("\t") for line in lines if "\t" in line and not line.startswith("#")]
    log.warning("no %s in %s: %s", name, TZPATH, without)
    return []


@cache
def _zone_table() -> dict[str, tuple[str, ...]]:
    """Each country code's zones, from the time zone database's ``zone.tab`` (empty where none is found)."""
    table: dict[str, list[str]] = {}
    for code, _coordinates, name, *_ in _rows(
        "zone.tab", "UTC timestamps of unregistered sites keep their UTC day"
    ):
        table.setdefault(code, []).append(name)
    return {code: tuple(names) for code, names in table.items()}


@cache
def country_names() -> frozenset[str]:
    """The countries' English names, lower case, from the time zone database's ``iso3166.tab`` ('germany',
    'united states'; 'Britain (UK)' gives 'britain' and 'uk'), and the two names it leaves out that
    addresses use most, 'united kingdom' and 'usa'."""
    names = {"united kingdom", "usa"}
    for _code, country, *_ in _rows("iso3166.tab", "a place in a byline is not told from a name"):
        name, _, bracket = country.strip().partition("(")
        names.add(name.strip().lower())
        if bracket.rstrip(")").isupper():  # a code ('UK'), not a qualifier ('Korea (South)')
            names.add(bracket.rstrip(")").lower())
    return frozenset(names)


def country_zones(url: str) -> tuple[str, ...]:
    """The time zones of the country the address's domain names; none for a generic or unknown domain."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    label = host.rsplit(".", 1)[-1].lower()
    if len(label) != 2 or not label.isalpha() or label in GENERIC_USE:
        return ()
    return _zone_table().get(DOMAIN_TO_CODE.get(label, label.upper()), ())
