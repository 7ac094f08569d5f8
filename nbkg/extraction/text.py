"""Tokens, sentences and name normalisation, with character offsets kept throughout."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

TOKEN = re.compile(r"\w+(?:[-:'’&/.]\w+)*[!]?|[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper() or (self.text[:1].isdigit() and not self.text.isdigit())


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    stop = len(text) if end is None else end
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text, start, stop)]


def normalise(name: str) -> str:
    """Case-, space- and dash-normalised key of a name (diacritics kept)."""
    name = unicodedata.normalize("NFC", name).casefold()
    name = name.replace("’", "'").replace("–", "-").replace("—", "-")
    name = re.sub(r"\s*-\s*", "-", name)
    name = re.sub(r"[«»\"”“()]", " ", name)
    return _SPACES.sub(" ", name).strip(" .,;:")


def fold(name: str) -> str:
    """``normalise`` without diacritics, for fuzzy keys (ø→o, æ→ae, ð→d, þ→th)."""
    name = normalise(name).translate(str.maketrans({"ø": "o", "æ": "ae", "ð": "d", "þ": "th"}))
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


_END = re.compile(r"[.!?]+[»”\"')]*\s+|\n\s*\n|\n(?=\s*[•\-–*]|\s*\d+\.\s)|\n")


def sentences(text: str, abbreviations: list[str]) -> list[tuple[int, int]]:
    """Spans of sentences: ends at . ! ? before a capital or digit, at line breaks (headings,
    bullets); not after listed abbreviations nor after ordinal numbers ("1. september")."""
    abbrevs = {a.casefold() for a in abbreviations}
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        cut = m.end()
        if "\n" not in m.group():
            before = text[start : m.start() + 1].split()
            last = before[-1].casefold() if before else ""
            nxt = text[cut : cut + 1]
            if last in abbrevs or (last.rstrip(".").isdigit() and len(last) <= 3 and nxt.islower()):
                continue
            if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "«“\"'–-•("):
                continue
        _add(spans, text, start, m.start() + (1 if "\n" not in m.group() else 0))
        start = cut
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
