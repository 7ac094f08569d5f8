"""Money amounts in full units with their currency, and counts of participants.

Currency words, codes, symbols and multipliers come from the lexicon; "kronor"/"kroner"
alone take the currency the language's lexicon gives them (SEK in Swedish, NOK in Norwegian,
DKK in Danish)."""

from __future__ import annotations

import re
from functools import cache

from nbkg.extraction.lexicon import lexicon

NUMBER = r"\d{1,3}(?:[ \u00a0.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"


def parse_number(raw: str, has_multiplier: bool = False) -> float:
    raw = raw.replace("\u00a0", " ")
    seps = [c for c in raw if c in " .,"]
    if not seps:
        return float(raw)
    if " " in seps or len(seps) > 1 and len(set(seps)) == 1:
        parts = re.split(r"[ ]", raw) if " " in seps else None
        if parts:
            body = "".join(parts)
            return float(body.replace(",", "."))
        return float(raw.replace(seps[0], ""))
    if len(set(seps)) == 2:  # 1.234,5 or 1,234.5
        dec = seps[-1]
        return float(raw.replace(seps[0], "").replace(dec, "."))
    sep = seps[0]
    tail = raw.rsplit(sep, 1)[1]
    if len(tail) == 3 and not has_multiplier:
        return float(raw.replace(sep, ""))
    return float(raw.replace(sep, "."))


@cache
def _tables(language: str):
    lex = lexicon(language)
    units: dict[str, tuple[str | None, int]] = {}
    for word, value in (lex.get("multipliers") or {}).items():
        if isinstance(value, list):
            units[str(word).casefold()] = (value[0], int(value[1]))
        else:
            units[str(word).casefold()] = (None, int(value))
    currencies: dict[str, tuple[str, int]] = {}
    for word, value in (lex.get("currencies") or {}).items():
        if isinstance(value, list):
            currencies[str(word).casefold()] = (value[0], int(value[1]))
        else:
            currencies[str(word).casefold()] = (str(value), 1)
    words = sorted(set(units) | set(currencies), key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words)
    after = re.compile(rf"\s*({alt})(?!\w)(?:\s*(?:(?:de|of)\s+)?({alt})(?!\w))?", re.I)
    before = re.compile(rf"(?<!\w)({alt})\s*$", re.I)
    return units, currencies, after, before


def find(
    sentence: str, language: str, crowns: str | None = None
) -> list[tuple[int, int, int, str]]:
    """(start, end, amount, currency) of each money amount in ``sentence``. A currency the
    lexicon gives as ``crowns`` ("coroas", "crowns" with no country) is ``crowns``: the
    currency of the country the document is about, or no amount when that is unknown."""
    units, currencies, after, before = _tables(language)
    out = []
    for m in re.finditer(rf"(?<![\w.,])({NUMBER})(?![\w])", sentence):
        currency, factor = None, 1
        end = m.end()
        tail = after.match(sentence, m.end())
        words = [w.casefold() for w in tail.groups() if w] if tail else []
        lead = before.search(sentence[max(0, m.start() - 8) : m.start()])
        if lead:
            words.insert(0, lead.group(1).casefold())
        for w in words:
            if w in currencies:
                currency = currency or currencies[w][0]
                factor *= currencies[w][1]
            elif w in units:
                currency = currency or units[w][0]
                factor *= units[w][1]
        if currency == "crowns":
            currency = crowns
        if currency is None:
            continue
        if tail:
            end = tail.end()
        value = parse_number(m.group(1), factor > 1) * factor
        if value >= 100:
            out.append(
                (m.start() - (len(lead.group(0)) if lead else 0), end, round(value), currency)
            )
    return out


def counts(sentence: str, language: str) -> list[tuple[int, int, str]]:
    """(offset, number, following word) of stated counts: digits, "40-tal", number words,
    compound number words ("tjueåtte", "twenty-eight", "tuttugu og sex")."""
    lex = lexicon(language)
    words = {str(k).casefold(): int(v) for k, v in (lex.get("number_words") or {}).items()}
    suffixes = [s for s in lex.get("approx_suffixes") or [] if s]
    out = []
    pattern = re.compile(
        r"(?<![\w.,])(\d+|[^\W\d_]+(?:-[^\W\d_]+)?(?: (?:og|och|e|and|ja) [^\W\d_]+)?)"
        r"((?:-?talet|-?tal|-?talls|-?tals)?)(?=\s+(?:[^\W\d_]+\s+)?([^\W\d_][\w-]*))"
    )
    for m in pattern.finditer(sentence):
        raw, suffix, noun = m.group(1).casefold(), m.group(2), m.group(3).casefold()
        if raw.isdigit():
            number = int(raw)
            if 1900 <= number <= 2100 and not suffix:
                continue
        elif (value := word_number(raw, words)) is not None and (value >= 10 or suffix):
            number = value
        elif (glued := _approx(raw, words, suffixes)) is not None:  # "ett fyrtiotal"
            number = glued
        else:
            continue
        if suffix and suffix not in suffixes and suffix.lstrip("-") not in suffixes:
            continue
        following = [w.casefold().strip(".,;:") for w in sentence[m.end(2) :].split()[:2]]
        for word in dict.fromkeys([noun, *following]):
            out.append((m.start(), number, word))
    return out


def word_number(raw: str, words: dict[str, int]) -> int | None:
    """The value of a number word, or of tens and units written together ("tjueåtte",
    "kaksikymmentäkahdeksan"), with a hyphen ("twenty-eight") or a conjunction ("tuttugu og
    sex", "vinte e oito"), units first in Danish ("otteogtyve")."""
    if raw in words:
        return words[raw]
    parts = raw.split()
    if len(parts) == 3:
        tens, unit = words.get(parts[0]), words.get(parts[2])
        if tens in _TENS and unit is not None and 0 < unit < 10:
            return tens + unit
        return None
    for word, tens in words.items():
        if tens not in _TENS:
            continue
        if raw.startswith(word):
            unit = words.get(raw[len(word) :].lstrip("-"))
            if unit is not None and 0 < unit < 10:
                return tens + unit
        if raw.endswith("og" + word):
            unit = words.get(raw[: -len(word) - 2])
            if unit is not None and 0 < unit < 10:
                return tens + unit
    return None


_TENS = frozenset(range(20, 100, 10))


def _approx(raw: str, words: dict[str, int], suffixes: list[str]) -> int | None:
    """A number word with its "about" suffix written together ("fyrtiotal", "tjuetalls")."""
    for suffix in sorted((s.lstrip("-") for s in suffixes), key=len, reverse=True):
        if raw.endswith(suffix) and (value := word_number(raw[: -len(suffix)], words)):
            return value
    return None
