"""The reader's language, and picking a label in it.

Labels come in English, Norwegian (nb, nn, no), Swedish, Finnish, Danish…; a page shows the
one closest to what the reader asked for (``?lang=``, else the browser's Accept-Language),
then English, then any.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import request
from rdflib import Literal

LANGUAGES = ("en", "nb", "sv", "fi", "da", "nn", "is")
#: Languages close enough to stand in for each other when a label is missing.
_NEIGHBOURS = {
    "nb": ("no", "nn", "da", "sv"),
    "nn": ("no", "nb"),
    "sv": ("nb", "da"),
    "da": ("nb",),
}


def reader_languages() -> list[str]:
    """The reader's languages, most wanted first, ending in English."""
    asked = request.args.get("lang", "")
    first = [asked] if asked in LANGUAGES else []
    header = request.accept_languages.best_match(LANGUAGES)
    chosen = first + ([header] if header else [])
    wanted: list[str] = []
    for lang in [*chosen, *(n for c in chosen for n in _NEIGHBOURS.get(c, ())), "en"]:
        if lang not in wanted:
            wanted.append(lang)
    return wanted


def pick(labels: Iterable[Literal], languages: Sequence[str]) -> Literal | None:
    """The label in the first language that has one; untagged next; else the first found."""
    found = sorted(labels, key=str)
    by_lang: dict[str, Literal] = {}
    for label in found:
        by_lang.setdefault((label.language or "").lower(), label)
    for lang in languages:
        if lang in by_lang:
            return by_lang[lang]
    return by_lang.get("") or (found[0] if found else None)
