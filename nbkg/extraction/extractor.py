"""Entities and facts of one plain-text document, as the JSON of the extraction contract.

>>> doc = extract("Vinnova finansierar projektet.", document="x.txt", language="sv")
>>> [(e["label"], e["type"]) for e in doc["entities"]]
[('Vinnova', 'Funder')]
"""

from __future__ import annotations

from nbkg.extraction import dates, entities, relations
from nbkg.extraction.gazetteer import Gazetteer
from nbkg.extraction.language import detect
from nbkg.extraction.lexicon import LANGUAGES, lexicon
from nbkg.extraction.text import sentences, tokens

__all__ = ["Gazetteer", "extract"]


def extract(
    text: str,
    *,
    document: str,
    language: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> dict:
    """The contract JSON for ``text``; ``language`` is detected when not given."""
    lang = language or detect(text)
    rules = lang if lang in LANGUAGES else "en"
    lex = lexicon(rules)
    spans = sentences(text, lex.get("abbreviations") or [])
    toks = tokens(text)
    found = entities.find(text, toks, spans, rules, gazetteer)
    today = dates.date_line(text, lex)
    facts = relations.find(text, spans, found, rules, today)
    return {
        "document": document,
        "language": lang,
        "entities": [e.as_json() for e in found],
        "facts": facts,
    }
