"""Facts with a place or a literal object: locatedIn from place mentions and their
prepositions, participantCount from counted member nouns, and dates (foundedIn, startDate,
endDate) from the date cues of a sentence. Each function takes the document's ``Facts``."""

from __future__ import annotations

import re
from functools import cache

from nbkg.extraction import amounts, dates
from nbkg.extraction.entities import ORG_TYPES
from nbkg.extraction.lexicon import lexicon

PLACES = {"Region", "Country"}
HOLDERS = {"Project", "Cluster", "Programme"}


def places(self, sent, low, ms, cues, span):
    preps = {p.casefold() for p in (self.lex.get("cues") or {}).get("located") or []}
    for i, (a, b, place) in enumerate(ms):
        if place.type not in PLACES:
            continue
        tail = low[b : b + 24]
        m = re.match(r"^-?\s*(\w+(?:-\w+)?)", tail)
        if m and any(m.group(1).startswith(w) for w in cues_words(self.lang, "based")):
            nxt = next((x for x in ms[i + 1 :] if x[0] - b < 40), None)
            subj = nxt[2] if nxt and nxt[2].type in ORG_TYPES | HOLDERS else None
            subj = subj or self.ref(low[b : b + 40], ("Cluster", "Project"))
            self.add(subj, "locatedIn", place, span)
            continue
        if _in_areas(self, low, ms, i):  # "Etelä-Pohjanmaan ja Pohjanmaan maakunnissa"
            subj = self.holder(low, ms, types=("Project", "Cluster"))
            if subj is not None and subj.type in HOLDERS:
                self.add(subj, "locatedIn", place, span)
            continue
        office = _office(self, low, ms, i, cues)
        if office is not None:  # "Klyngen holder til i Bodø", "X, som har sitt kansli i Y"
            self.add(office, "locatedIn", place, span)
            continue
        if i == 0:
            continue
        lead = low[max(0, a - 20) : a]
        prev = ms[i - 1]
        if prev[2].type == "Region" and place.type == "Country" and i >= 2:
            # "Nofima í Tromsø í Noregi", "de Ålesund, na Noruega": the organisation is in both
            holder = _placed(self, low, ms, i - 1, preps, cues)
            if holder is not None and re.fullmatch(r"\s*,?\s*\w*\s*", low[prev[1] : a]):
                self.add(holder, "locatedIn", place, span)
                continue
        gap = re.sub(r"\([^()]*\)", " ", low[prev[1] : a])
        words = gap.replace(",", " ").split()
        if (
            not words
            or words[-1] not in preps
            and not any(gap.rstrip().endswith(c) for _, _, c in cues.get("locatedIn") or [])
        ):
            if (
                prev[2].type in ORG_TYPES
                and re.match(r"^\s*,\s*$", gap)
                and (low[b : b + 2].strip() in ("", ".", ",") or b >= len(low.rstrip()) - 1)
            ):
                self.add(prev[2], "locatedIn", place, span)
            continue
        if prev[2].type in PLACES and prev[2].type == "Country":
            continue
        near = len(words) <= 1 or any(
            gap.rstrip().endswith(c) for _, _, c in cues.get("locatedIn") or []
        )
        if near and re.search(r"\w", lead) and prev[2].type != "Person":
            self.add(prev[2], "locatedIn", place, span)
            if (
                i + 1 < len(ms)
                and ms[i + 1][2].type == "Country"
                and re.match(r"^\s*,\s*$", low[b : ms[i + 1][0]])
            ):
                self.add(prev[2], "locatedIn", ms[i + 1][2], span)
        elif (
            ms[0][2].type in ORG_TYPES | HOLDERS
            and re.match(r"\s*(?:är|er|is|on|é|ist|var|was)\s", low[ms[0][1] :])
            and all(x[2].type in PLACES for x in ms[1:i])
        ):
            self.add(ms[0][2], "locatedIn", place, span)


def numbers(self, sent, low, ms, cues, span):
    nouns = cues_words(self.lang, "participantCount")
    subject = (
        next((x[2] for x in ms if x[2].type == "Cluster"), None)
        or self.ref(low, ("Cluster",))
        or self.main.get("Cluster")
    )
    for _, number, noun in amounts.counts(sent, self.lang):
        if any(noun.startswith(n) or noun.endswith(n) for n in nouns):
            self.add(subject, "participantCount", number, span)
            break
    found = dates.find(sent, self.lex, self.today)
    if not found:
        return
    marks = sorted(
        (c0, p) for p in ("foundedIn", "startDate", "endDate") for c0, _, _ in cues.get(p) or []
    )
    early = cues_words(self.lang, "start_phrases")  # "i början av 2017", "from early 2023"
    for off, value, kind in found:
        pred = {"start": "startDate", "end": "endDate"}.get(kind)
        head = low[max(0, off - 40) : off].rstrip()
        if pred is None and any(head.endswith(w) for w in early):
            ends = [c0 for c0, p in marks if p == "endDate" and off - 40 <= c0 < off]
            pred = None if ends else "startDate"
        if pred is None:
            before = [p for c0, p in marks if c0 <= off]
            after = [p for c0, p in marks if c0 > off]
            pred = before[-1] if before else (after[0] if after else None)
        if (
            pred is None
            or kind != "date"
            and not marks
            and not self.ref(low, ("Project",))
            and not any(x[2].type == "Project" for x in ms)
        ):
            continue
        if pred == "foundedIn":
            orgs = [x[2] for x in ms if x[2].type in ORG_TYPES | HOLDERS and x[0] <= off]
            subj = orgs[-1] if orgs else self.holder(low, ms)
        else:
            named = [x[2] for x in ms if x[2].type == "Project"]
            subj = named[0] if named else self.ref(low, ("Project", "Cluster"))
            if subj is None and not self.mentions_unknown(low, ("Project",)):
                progs = [x[2] for x in ms if x[2].type == "Programme" and x[1] <= off]
                subj = progs[-1] if progs and kind != "date" else None
                if subj is None and (kind != "date" or marks):
                    subj = self.main.get("Project")
            if subj is not None and subj.type == "Cluster":
                pred = "foundedIn" if pred == "startDate" else None
        if pred:
            self.add(subj, pred, value, span)


def _office(self, low: str, ms: list, i: int, cues: dict):
    """The holder of a place named right after an office phrase ("har sitt kansli i"): the
    organisation named before it in the sentence, else the cluster or project referred to."""
    a = ms[i][0]
    head = low[:a].rstrip()
    ends = [c1 for _, c1, _ in cues.get("locatedIn") or [] if not low[c1:a].strip()]
    if not ends or not head:
        return None
    before = [x[2] for x in ms[:i] if x[2].type in ORG_TYPES | HOLDERS - {"Programme"}]
    if before:
        return before[-1]
    return self.ref(low, ("Cluster", "Project")) or self.main.get("Cluster")


def _placed(self, low: str, ms: list, i: int, preps: set, cues: dict):
    """The organisation that place ``i`` follows with a preposition ("Nofima í Tromsø")."""
    if i == 0:
        return None
    prev = ms[i - 1]
    gap = re.sub(r"\([^()]*\)", " ", low[prev[1] : ms[i][0]]).replace(",", " ").split()
    if prev[2].type in ORG_TYPES | HOLDERS and gap and gap[-1] in preps and len(gap) <= 2:
        return prev[2]
    return None


def _in_areas(self, low: str, ms: list, i: int) -> bool:
    """Whether place ``i`` (alone or with those coordinated after it) is followed by an
    area noun ("X:n maakunnissa", "alueella"): the holder of the sentence operates there."""
    nouns = cues_words(self.lang, "area_nouns")
    if not nouns:
        return False
    last = self.group(ms[i], ms)[-1]
    if any(x[2].type not in PLACES for x in self.group(ms[i], ms)):
        return False
    m = re.match(r"^\s*(\w+)", low[last[1] : last[1] + 30])
    return bool(m) and m.group(1) in nouns


@cache
def cues_words(language: str, key: str) -> tuple[str, ...]:
    return tuple(str(w).casefold() for w in (lexicon(language).get("cues") or {}).get(key) or [])
