"""Country names in the graph's languages, from pycountry's ISO 3166 data and translations."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from rdflib import Literal

LANGUAGES = ("en", "nb", "nn", "sv", "da", "fi", "is")
_EU = {
    "en": "European Union",
    "nb": "Den europeiske union",
    "nn": "Den europeiske unionen",
    "sv": "Europeiska unionen",
    "da": "Den Europæiske Union",
    "fi": "Euroopan unioni",
    "is": "Evrópusambandið",
}


@cache
def _translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def is_country_code(code: str) -> bool:
    return code.upper() == "EU" or pycountry.countries.get(alpha_2=code.upper()) is not None


@cache
def country_labels(code: str) -> tuple[Literal, ...]:
    """The country's name in each language of :data:`LANGUAGES` (empty for unknown codes)."""
    code = code.upper()
    if code == "EU":
        return tuple(Literal(name, lang=lang) for lang, name in _EU.items())
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return ()
    english = getattr(found, "common_name", None) or found.name
    labels = [Literal(english, lang="en")]
    labels += [Literal(_translation(lang).gettext(found.name), lang=lang) for lang in LANGUAGES[1:]]
    return tuple(labels)


@cache
def _codes_by_name() -> dict[str, str]:
    found: dict[str, str] = {name.lower(): "EU" for name in _EU.values()}
    found["eu"] = "EU"
    for country in pycountry.countries:
        names = {country.name, getattr(country, "common_name", country.name)}
        names |= {getattr(country, "official_name", country.name)}
        names |= {str(label) for label in country_labels(country.alpha_2)}
        for name in names:
            found.setdefault(name.lower(), country.alpha_2)
    return found


def country_code(name: str) -> str | None:
    """The ISO code of a country named in any of the graph's languages, if it is one.

    >>> country_code("Sverige"), country_code("Suomi"), country_code("Atlantis")
    ('SE', 'FI', None)
    """
    return _codes_by_name().get(name.strip().lower())
