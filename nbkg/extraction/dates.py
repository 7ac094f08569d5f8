"""Dates in text at the precision stated: "2013", "2013-07", "2013-07-01"; relative ones
("i går", "1 September" without a year) only when the document has its own date line."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache

YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_ISO = re.compile(rf"\b({YEAR})-(\d\d)-(\d\d)(?:[T ]\d\d:\d\d(?::\d\d)?\S*)?")
_NUMERIC = re.compile(rf"\b(\d{{1,2}})\.(\d{{1,2}})\.({YEAR})\b")
_RANGE = re.compile(rf"\b({YEAR})\s*(?:-|–|—|/|til|till|to|until|a|–)\s*({YEAR}|\d\d)\b")
_YEAR = re.compile(rf"(?<![\d.,-]){YEAR}(?![\d.,]\d)")


def _month_pattern(months: dict[str, int]) -> str:
    names = sorted((re.escape(m) for m in months), key=len, reverse=True)
    return "(" + "|".join(names) + r")\.?"


def _day_month(months: dict[str, int]):
    return _day_month_cached(tuple(months))


@cache
def _day_month_cached(months: tuple[str, ...]):
    mp = _month_pattern(dict.fromkeys(months, 0))
    return [
        re.compile(rf"\b(\d{{1,2}})\.?\s+(?:de\s+)?{mp}(?:,?\s+(?:de\s+)?({YEAR}))?\b", re.I),
        re.compile(rf"\b{mp}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+({YEAR})\b", re.I),
        re.compile(rf"\b{mp}\s+(?:de\s+|of\s+)?({YEAR})\b", re.I),
    ]


def date_line(text: str, lex: dict) -> date | None:
    """The document's own date: a line near its top or bottom that is, or starts with, a date."""
    months = {k.casefold(): v for k, v in (lex.get("months") or {}).items()}
    english = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
               "sep": 9, "oct": 10, "nov": 11, "dec": 12}  # fmt: skip
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for line in lines[:6] + lines[-3:]:
        if len(line) > 90:
            continue
        for value in _full_dates(line, {**english, **months}):
            return value
    return None


def _full_dates(line: str, months: dict[str, int]):
    m = _ISO.search(line)
    if m:
        yield _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _NUMERIC.search(line)
    if m:
        yield _safe(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    dm, md, _ = _day_month(months)
    m = dm.search(line)
    if m and m.group(3):
        yield _safe(int(m.group(3)), months[m.group(2).casefold()], int(m.group(1)))
    m = md.search(line)
    if m:
        yield _safe(int(m.group(3)), months[m.group(1).casefold()], int(m.group(2)))


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find(sentence: str, lex: dict, today: date | None) -> list[tuple[int, str, str]]:
    """(offset in sentence, value, kind) of each date; kind is "date", "start" or "end"
    (the two ends of a year range). A day or month without a year needs ``today``."""
    months = {k.casefold(): v for k, v in (lex.get("months") or {}).items()}
    out: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _ISO.finditer(sentence):
        out.append((m.start(), f"{m.group(1)}-{m.group(2)}-{m.group(3)}", "date"))
        taken.append(m.span())
    for m in _NUMERIC.finditer(sentence):
        if free(*m.span()):
            out.append(
                (m.start(), f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}", "date")
            )
            taken.append(m.span())
    if months:
        dm, md, my = _day_month(months)
        for m in dm.finditer(sentence):
            if not free(*m.span()):
                continue
            year = m.group(3) or (str(today.year) if today else None)
            if year:
                month = months[m.group(2).casefold()]
                out.append((m.start(), f"{year}-{month:02d}-{int(m.group(1)):02d}", "date"))
                taken.append(m.span())
        for m in md.finditer(sentence):
            if free(*m.span()):
                month = months[m.group(1).casefold()]
                out.append((m.start(), f"{m.group(3)}-{month:02d}-{int(m.group(2)):02d}", "date"))
                taken.append(m.span())
        for m in my.finditer(sentence):
            if free(*m.span()):
                out.append((m.start(), f"{m.group(2)}-{months[m.group(1).casefold()]:02d}", "date"))
                taken.append(m.span())
    for m in _RANGE.finditer(sentence):
        if free(*m.span()):
            end = m.group(2) if len(m.group(2)) == 4 else m.group(1)[:2] + m.group(2)
            out.append((m.start(), m.group(1), "start"))
            out.append((m.start(2), end, "end"))
            taken.append(m.span())
    for m in _YEAR.finditer(sentence):
        if free(*m.span()):
            out.append((m.start(), m.group(), "date"))
    if today:
        low = sentence.casefold()
        for word, shift in (lex.get("relative_days") or {}).items():
            if int(shift) == 0:  # "today" dates the news, not what it is about
                continue
            for m in re.finditer(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", low):
                out.append((m.start(), (today + timedelta(days=int(shift))).isoformat(), "date"))
        for word, shift in (lex.get("relative_years") or {}).items():  # "i fjor", "last year"
            for m in re.finditer(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", low):
                if free(*m.span()):
                    out.append((m.start(), str(today.year + int(shift)), "date"))
                    taken.append(m.span())
    return _ranges(sentence, sorted(out), lex)


def _ranges(sentence: str, found: list[tuple[int, str, str]], lex: dict):
    """Two dates joined by a dash or a range word ("1.9.2024–31.8.2026", "from 1 January
    2025 to 31 December 2027") are the start and the end of a period."""
    words = [re.escape(str(w)) for w in lex.get("range_words") or []]
    joint = re.compile(
        r"^[\s,]*(?:-|–|—|/|" + "|".join(words + ["til", "till", "to", "until", "a", "até"])
        + r")[\s,]*(?:(?:den|the|de|o)\s+)?$", re.I)  # fmt: skip
    out = list(found)
    for i in range(len(out) - 1):
        (a, va, ka), (b, vb, kb) = out[i], out[i + 1]
        if ka != "date" or kb != "date" or len(va) > len(vb) + 3 or va >= vb:
            continue
        end_a = a + _width(sentence, a, va)
        if end_a <= b and joint.match(sentence[end_a:b]):
            out[i], out[i + 1] = (a, va, "start"), (b, vb, "end")
    return out


def _width(sentence: str, start: int, value: str) -> int:
    """Length of the date written at ``start`` (up to its year or its last number)."""
    m = re.match(rf"[^\n]*?(?:{YEAR}|\d{{1,2}}\.\s*\w+\.?|\d{{1,2}}\s+\w+)(?!\d)", sentence[start:])
    year = re.match(rf"[^\n]*?{YEAR}", sentence[start : start + 30]) if len(value) >= 4 else None
    if year and value[:4] in year.group():
        return len(year.group())
    return len(m.group()) if m else len(value)
