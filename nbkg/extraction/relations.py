"""Facts between the entities of a document, sentence by sentence, from the lexicon's cue
phrases per predicate, the types of the mentions around a cue and the document's focus."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import cache

from nbkg.extraction import amounts, dates
from nbkg.extraction.entities import ORG_TYPES, Entity
from nbkg.extraction.lexicon import lexicon

PLACES = {"Region", "Country"}
HOLDERS = ORG_TYPES | {"Project", "Programme"}
_PASSIVE = (" av", " by", " af", " por", " from", " frá", " fra", " från", " frå", " of")
_COORD = re.compile(r"^\s*(?:,|and|og|och|ja|sekä|e|y|&|samt|und|ok|eller|or)?\s*$", re.I)


@cache
def _cues(language: str) -> dict[str, list[str]]:
    cues = lexicon(language).get("cues") or {}
    return {
        p: sorted((c.casefold() for c in cs or []), key=len, reverse=True) for p, cs in cues.items()
    }


def _find_cues(low: str, phrases: list[str]) -> list[tuple[int, int, str]]:
    out = []
    for phrase in phrases:
        for m in re.finditer(rf"(?<!\w){re.escape(phrase)}", low):
            if not any(s <= m.start() < e for s, e, _ in out):
                out.append((m.start(), m.end(), phrase))
    return sorted(out)


class Facts:
    def __init__(self, text: str, entities: list[Entity], language: str, today: date | None):
        self.text, self.entities, self.lang, self.today = text, entities, language, today
        self.lex = lexicon(language)
        self.out: list[dict] = []
        self.seen: set = set()
        self.last: dict[str, Entity] = {}
        counts = Counter({e.id: len(e.mentions) for e in entities if e.type in ORG_TYPES})
        clusters = [e for e in entities if e.type == "Cluster"]
        self.focus = (
            max(clusters, key=lambda e: (len(e.mentions), -e.start))
            if clusters
            else (
                next((e for e in entities if e.id == counts.most_common(1)[0][0]), None)
                if counts
                else None
            )
        )

    def add(self, subject: Entity | None, predicate: str, obj, span: tuple[int, int]) -> None:
        if subject is None or obj is None or (isinstance(obj, Entity) and obj is subject):
            return
        value = obj.id if isinstance(obj, Entity) else obj
        key = (subject.id, predicate, repr(value))
        if key in self.seen:
            return
        self.seen.add(key)
        self.out.append({"subject": subject.id, "predicate": predicate, "object": value,
                         "start": span[0], "end": span[1]})  # fmt: skip

    def anaphor(self, low: str, types: tuple[str, ...]) -> Entity | None:
        """The entity "the project", "programmet", "klyngen" refers to."""
        cues = self.lex.get("type_cues") or {}
        for type_ in types:
            words = [w.casefold() for w in cues.get(type_, [])]
            if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low) for w in words):
                if type_ == "Cluster" and self.focus is not None:
                    return self.focus
                if type_ in self.last:
                    return self.last[type_]
        return None

    def sentence(self, span: tuple[int, int]) -> None:
        s, e = span
        sent = self.text[s:e]
        low = sent.casefold()
        ms = sorted(
            (m0 - s, m1 - s, ent) for ent in self.entities for m0, m1 in ent.mentions if s <= m0 < e
        )
        cues = {p: _find_cues(low, phrases) for p, phrases in _cues(self.lang).items()}
        self.roles(sent, low, ms, span)
        self.funding(sent, low, ms, cues, span)
        self.links(low, ms, cues, span)
        self.places(sent, ms, span)
        self.numbers(sent, low, ms, cues, span)
        for _, _, ent in ms:
            self.last[ent.type] = ent

    # -- predicates -------------------------------------------------------------------------

    def roles(self, sent, low, ms, span):
        roles = sorted({r.casefold() for r in self.lex.get("roles") or []}, key=len, reverse=True)
        for a, b, person in ms:
            if person.type != "Person":
                continue
            found = None
            after = low[b : b + 60]
            for r in roles:
                m = re.search(rf"^[\s,–-]*(?:\w+\s)?({re.escape(r)})(?!\w)", after)
                if m:
                    found = (b + m.start(1), b + m.end(1))
                    break
            if not found:
                before = low[max(0, a - 90) : a]
                for r in roles:
                    m = re.search(rf"(?<!\w)({re.escape(r)})(?!\w)[^.!?]*$", before)
                    if m:
                        off = max(0, a - 90)
                        found = (off + m.start(1), off + m.end(1))
                        break
            if not found:
                continue
            role = sent[found[0] : found[1]]
            org = next(
                (x for x in ms if x[2].type in ORG_TYPES and 0 <= x[0] - found[1] <= 25), None
            )
            if org is None:
                org = next((x for x in reversed(ms) if x[2].type in ORG_TYPES and
                            0 <= found[0] - x[1] <= 3), None)  # fmt: skip
            obj = {"role": role}
            if org is not None:
                obj["organisation"] = org[2].id
            self.add(person, "hasRole", obj, span)

    def funding(self, sent, low, ms, cues, span):
        found = cues.get("fundedBy") or []
        if not found:
            return
        c0, c1, phrase = found[0]
        passive = phrase.endswith(_PASSIVE) or phrase in {"stöd från", "støtte fra"}
        funder_types = {"Funder", "Programme", "PublicBody"}
        if passive:
            funders = [x for x in ms if x[0] >= c1 and x[2].type in funder_types | {"Other"}]
            funders = self._group(funders, ms) if funders else []
            recipient = next((x[2] for x in reversed(ms) if x[1] <= c0 and x[2].type in HOLDERS
                              and x[2].type != "Funder"), None)  # fmt: skip
        else:
            funders = [x for x in ms if x[1] <= c0 and x[2].type in funder_types]
            funders = self._group([funders[-1]], ms) if funders else []
            recipient = next((x[2] for x in ms if x[0] >= c1 and x[2].type in HOLDERS
                              and x[2].type != "Funder"), None)  # fmt: skip
        recipient = (
            recipient or self.anaphor(low, ("Project", "Programme", "Cluster")) or self.focus
        )
        for _, _, funder in funders:
            if funder.type in {"PublicBody", "Other"}:
                funder.type = "Funder"
            self.add(recipient, "fundedBy", funder, span)
        for _, _, amount, currency in amounts.find(sent, self.lang):
            self.add(recipient, "fundingAmount", {"amount": amount, "currency": currency}, span)

    def _group(self, first: list, ms: list) -> list:
        """A mention and those coordinated with it ("A, B og C")."""
        out = [first[0]]
        rest = [x for x in ms if x[0] > first[0][0]]
        for x in rest:
            gap = self.text_gap(out[-1], x)
            if _COORD.match(gap):
                out.append(x)
            else:
                break
        return out

    def text_gap(self, a, b) -> str:
        return self._sent[a[1] : b[0]] if hasattr(self, "_sent") else ""

    def links(self, low, ms, cues, span):
        for pred, subj_types, obj_types in (
            ("coordinatedBy", ("Project", "Cluster", "Programme"), ORG_TYPES),
            ("partnerOf", ORG_TYPES, ("Project", "Programme", "Cluster")),
            ("memberOf", ORG_TYPES, ("Cluster",)),
            ("collaboratesWith", ORG_TYPES, ORG_TYPES),
            ("partOfProgramme", ("Cluster", "Project", "Programme"), ("Programme",)),
        ):
            for c0, c1, _ in (cues.get(pred) or [])[:1]:
                after = [
                    x for x in ms if x[0] >= c1 and x[2].type in set(obj_types) | set(subj_types)
                ]
                before = [x for x in ms if x[1] <= c0]
                if pred in ("coordinatedBy", "collaboratesWith"):
                    subj = next((x[2] for x in reversed(before) if x[2].type in subj_types), None)
                    subj = (
                        subj or self.anaphor(low, ("Project", "Programme", "Cluster")) or self.focus
                    )
                    objs = [x for x in after if x[2].type in obj_types]
                    objs = (
                        self._group(objs, ms) if objs and pred == "collaboratesWith" else objs[:1]
                    )
                    for x in objs:
                        self.add(subj, pred, x[2], span)
                elif pred == "partOfProgramme":
                    progs = [x for x in after if x[2].type == "Programme"] or [
                        x for x in before if x[2].type == "Programme"]  # fmt: skip
                    subj = next((x[2] for x in reversed(before) if x[2].type in subj_types
                                 and (not progs or x[2] is not progs[0][2])), None)  # fmt: skip
                    subj = subj or self.anaphor(low, ("Project", "Cluster")) or self.focus
                    if progs:
                        self.add(subj, pred, progs[0][2], span)
                else:
                    targets = [x for x in ms if x[2].type in obj_types and x[2] is not None]
                    target = (next((x[2] for x in targets if x[2] is self.focus), None)
                              or self.anaphor(low, ("Project", "Programme", "Cluster"))
                              or (targets[0][2] if targets else None) or self.focus)  # fmt: skip
                    members = [x for x in (after or before) if x[2].type in subj_types
                               and x[2] is not target]  # fmt: skip
                    for x in members:
                        self.add(x[2], pred, target, span)

    def places(self, sent, ms, span):
        preps = [p.casefold() for p in (self.lex.get("cues") or {}).get("located") or []]
        for i, (a, _b, place) in enumerate(ms):
            if place.type not in PLACES or i == 0:
                continue
            lead = sent[max(0, a - 8) : a].casefold().split()
            if not lead or lead[-1] not in preps:
                continue
            prev = ms[i - 1]
            gap = sent[prev[1] : a].casefold().split()
            if len(gap) <= 1 and prev[2].type not in {"Country"}:
                group = [prev]
                j = i - 2
                while j >= 0 and _COORD.match(sent[ms[j][1] : group[0][0]]):
                    group.insert(0, ms[j])
                    j -= 1
                for x in group:
                    if not (x[2].type == "Region" and place.type == "Region"
                            and x[2] is place):  # fmt: skip
                        self.add(x[2], "locatedIn", place, span)
            elif ms[0][2].type in HOLDERS and re.match(
                r"\s*(är|er|is|on|é|ist|var|was)\s", sent[ms[0][1] :]
            ):
                if all(x[2].type in PLACES for x in ms[1:i]) or i == 1:
                    self.add(ms[0][2], "locatedIn", place, span)

    def numbers(self, sent, low, ms, cues, span):
        nouns = [c for c in _cues(self.lang).get("participantCount") or []]
        subject = next((x[2] for x in ms if x[2].type == "Cluster"), None) or (
            self.focus if self.focus is not None and self.focus.type == "Cluster" else None
        )
        for _, number, noun in amounts.counts(sent, self.lang):
            if any(noun.startswith(n) or noun.endswith(n) for n in nouns):
                self.add(subject, "participantCount", number, span)
                break
        found = dates.find(sent, self.lex, self.today)
        if not found:
            return
        projects = [x[2] for x in ms if x[2].type in ("Project", "Programme")]
        holder = (projects[0] if projects else None) or self.anaphor(low, ("Project", "Programme"))
        if cues.get("foundedIn"):
            subj = next((x[2] for x in ms if x[2].type in ORG_TYPES), None) or self.focus
            self.add(subj, "foundedIn", found[0][1], span)
            return
        for _, value, kind in found:
            if kind == "start":
                self.add(holder or self.focus, "startDate", value, span)
            elif kind == "end":
                self.add(holder or self.focus, "endDate", value, span)
            elif cues.get("endDate") and holder:
                self.add(holder, "endDate", value, span)
            elif holder and (cues.get("startDate") or projects):
                self.add(holder, "startDate", value, span)
            break


def find(text: str, spans: list[tuple[int, int]], entities: list[Entity], language: str,
         today: date | None) -> list[dict]:  # fmt: skip
    facts = Facts(text, entities, language, today)
    for span in spans:
        facts._sent = text[span[0] : span[1]]
        facts.sentence(span)
    return facts.out
