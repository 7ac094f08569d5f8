"""Facts between the entities of a document, sentence by sentence, from the lexicon's cue
phrases per predicate, the types of the mentions around each cue, references such as "the
project" / "klyngen" / "hanke" to the document's main project or cluster, and the document's
topic (its main project or cluster) when a sentence names no holder of its own."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from nbkg.extraction import funding, lists, literals, roles
from nbkg.extraction.entities import ORG_TYPES, Entity
from nbkg.extraction.lexicon import lexicon
from nbkg.extraction.literals import PLACES, cues_words

PAYERS = {"Funder", "Programme", "PublicBody"}
PREDICATES = (
    "memberOf",
    "partnerOf",
    "fundedBy",
    "coordinatedBy",
    "collaboratesWith",
    "partOfProgramme",
    "foundedIn",
    "startDate",
    "endDate",
    "participantCount",
    "locatedIn",
    "budget",
    "launches",
    "initiators",
)
_PASSIVE = (
    " av",
    " by",
    " af",
    " por",
    " from",
    " frá",
    " fra",
    " från",
    " frå",
    " of",
    " de",
    " do",
    " da",
    ":",
    " hos",
)
_RELATIONS = {"memberOf", "partnerOf", "fundedBy", "coordinatedBy", "collaboratesWith"}
_COORD = re.compile(
    r"^\s*(?:,|and|og|och|ja|sekä|e|y|&|samt|und|ok|eller|or|as well as|"
    r"i tillegg til|samt även|as also|og)?\s*(?:[^\W\d_A-ZÆØÅÄÖ][\w-]*\s+){0,3}$",
)
_FROM = re.compile(
    r"(?<!\w)(?:" + "|".join(p.strip() for p in _PASSIVE[:-2]) + r")\s+(?:\w+\s+){0,2}$"
)


def _cue_part(phrase: str, predicate: str) -> str:
    head = r"(?<!\w)"
    if " " not in phrase and len(phrase) >= 6 and predicate in ("memberOf", "partnerOf"):
        head = ""  # compound tails: "forskningspartnere", "klyngemedlemmer"
    tail = r"(?!\w)" if len(phrase) <= 3 or not phrase[-1].isalnum() else ""
    return head + re.escape(phrase) + tail


@cache
def _cues(language: str) -> dict[str, re.Pattern]:
    """One pattern per predicate: its cue phrases, longest first."""
    cues = lexicon(language).get("cues") or {}
    out = {}
    for p, cs in cues.items():
        phrases = sorted({str(c).casefold() for c in cs or []}, key=len, reverse=True)
        if phrases and p in PREDICATES:
            out[p] = re.compile("|".join(_cue_part(c, p) for c in phrases))
    return out


@cache
def _refs(language: str) -> dict[str, re.Pattern | None]:
    """Words that refer back to the project, cluster or programme of the document."""
    lex = lexicon(language)
    cues, type_cues = lex.get("cues") or {}, lex.get("type_cues") or {}
    out: dict[str, re.Pattern | None] = {}
    for type_, key in (
        ("Project", "project_refs"),
        ("Cluster", "cluster_refs"),
        ("Programme", "programme_refs"),
    ):
        words = {str(w).casefold() for w in (cues.get(key) or []) + (type_cues.get(type_) or [])}
        words = {w for w in words if w.islower() or " " in w}
        alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        out[type_] = re.compile(rf"(?<!\w)(?:{alt})(?!\w)") if alt else None
    return out


def _find(low: str, rx: re.Pattern) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in rx.finditer(low)]


class Facts:
    def __init__(self, text: str, entities: list[Entity], language: str, today: date | None):
        self.text, self.entities, self.lang, self.today = text, entities, language, today
        self.lex = lexicon(language)
        self.cuelist = _cues(language)
        self.refs = _refs(language)
        self.funds = (self.lex.get("cues") or {}).get("fund_stems") or []
        self.out: list[dict] = []
        self.seen: set = set()
        self.last: dict[str, Entity] = {}
        self.prev: list = []  # the mentions of the previous sentence
        low = text.casefold()
        self.main: dict[str, Entity] = {}
        weight: dict[str, float] = {}
        for type_ in ("Project", "Cluster", "Programme"):
            cands = [e for e in entities if e.type == type_]
            if not cands:
                continue
            best = max(cands, key=lambda e: (len(e.mentions), -e.start))
            self.main[type_] = best
            rx = self.refs.get(type_)
            weight[type_] = len(best.mentions) + (len(rx.findall(low)) if rx else 0)
            weight[type_] += 2 if best.start < 200 else 0
        weight.pop("Programme", None)
        if weight:
            self.topic: Entity | None = self.main[max(weight, key=lambda t: weight[t])]
        else:
            orgs = [e for e in entities if e.type in ORG_TYPES]
            top = max(orgs, key=lambda e: len(e.mentions)) if orgs else None
            dominant = top is not None and len(top.mentions) > 1 and top.start < 300
            self.topic = top if dominant else None

    def add(self, subject: Entity | None, predicate: str, obj, span: tuple[int, int]) -> None:
        if subject is None or obj is None or (isinstance(obj, Entity) and obj is subject):
            return
        value = obj.id if isinstance(obj, Entity) else obj
        key = (subject.id, predicate, repr(value))
        once = (subject.id, predicate) if predicate in ("foundedIn", "participantCount") else None
        if key in self.seen or (once is not None and once in self.seen):
            return
        self.seen.update({key, once} - {None})
        fact = dict(subject=subject.id, predicate=predicate, object=value)
        self.out.append({**fact, "start": span[0], "end": span[1]})

    def ref(self, low: str, types: tuple[str, ...]) -> Entity | None:
        """The entity "the project", "klyngen", "hanke" refers to."""
        for type_ in types:
            rx = self.refs.get(type_)
            if rx is not None and rx.search(low):
                if type_ == "Project":
                    ent = self.last.get(type_) or self.main.get(type_)
                else:
                    ent = self.main.get(type_) or self.last.get(type_)
                if ent is not None:
                    return ent
        return None

    def mentions_unknown(self, low: str, types: tuple[str, ...]) -> bool:
        """Whether the sentence refers to a project/cluster the document never names."""
        return any(
            self.refs.get(t) is not None and self.refs[t].search(low) and t not in self.main
            for t in types
        )

    def holder(self, low, ms, c0=None, types=("Project", "Cluster", "Programme"), exclude=()):
        """The project/cluster a sentence is about: named before the cue, referred to, or
        the document's topic."""
        named = [
            x[2]
            for x in ms
            if x[2].type in types and x[2] not in exclude and (c0 is None or x[1] <= c0)
        ]
        if named:
            return named[-1]
        found = self.ref(low, types)
        if found is not None or self.mentions_unknown(low, types):
            return found
        return self.topic if self.topic not in exclude else None

    def group(self, first, ms) -> list:
        """A mention and those coordinated with it ("A, B og C")."""
        out = [first]
        for x in ms:
            if x[0] <= out[-1][0]:
                continue
            alike = x[2].type == first[2].type or {x[2].type, first[2].type} <= ORG_TYPES
            if alike and _COORD.match(self._sent[out[-1][1] : x[0]]):
                out.append(x)
            else:
                break
        return out

    def sentence(self, span: tuple[int, int]) -> None:
        s, e = span
        sent = self.text[s:e]
        low = sent.casefold()
        ms = sorted(
            (m0 - s, m1 - s, ent) for ent in self.entities for m0, m1 in ent.mentions if s <= m0 < e
        )
        cues = {p: _find(low, rx) for p, rx in self.cuelist.items()}
        roles.find(self, sent, low, ms, span)
        funding.find(self, sent, low, ms, cues, span)
        lists.follow(self, sent, low, ms, cues, span)
        self.links(low, ms, cues, span)
        literals.places(self, sent, low, ms, cues, span)
        literals.numbers(self, sent, low, ms, cues, span)
        for _, _, ent in ms:
            self.last[ent.type] = ent
        self.prev = ms

    # -- predicates -------------------------------------------------------------------------

    def links(self, low, ms, cues, span):
        for c0, c1, _ in cues.get("coordinatedBy") or []:
            right = [x for x in ms if x[0] >= c1 and x[2].type in ORG_TYPES and x[0] - c1 < 60]
            left = [x for x in ms if x[1] <= c0 and x[2].type in ORG_TYPES - {"Cluster"}]
            org = right[0][2] if right else (left[-1][2] if left else None)
            subj = self.holder(low, ms, c0, ("Project", "Cluster", "Programme"), exclude=[org])
            if org is not None and org.type not in PLACES:
                self.add(subj, "coordinatedBy", org, span)
        for c0, c1, _ in cues.get("collaboratesWith") or []:
            right = [x for x in ms if x[0] >= c1 and x[2].type in ORG_TYPES]
            left = [x for x in ms if x[1] <= c0 and x[2].type in ORG_TYPES]
            if not right:
                continue
            subjects = self.group(left[0], ms) if left else []
            subjects = [x[2] for x in subjects if x[1] <= c0] or [self.holder(low, ms, c0)]
            for subj in subjects:
                for x in self.group(right[0], ms):
                    self.add(subj, "collaboratesWith", x[2], span)
        if cues.get("collaboratesWith"):  # "X tekee Y:n kanssa yhteistyötä"
            self._postposed(low, ms, span)
        pending = cues_words(self.lang, "applies")  # "søker om opptak": not yet a member
        applying = any(re.search(rf"(?<!\w){re.escape(w)}", low) for w in pending)
        for c0, c1, _ in cues.get("partOfProgramme") or []:
            progs = [x for x in ms if x[0] >= c1 and x[2].type == "Programme"]
            left = [x for x in ms if x[1] <= c0]
            if progs and left and left[-1][2].type == "Programme" and c0 - left[-1][1] <= 40:
                if not any(x[2].type in ("Cluster", "Project") for x in left):
                    self.add(left[-1][2], "partOfProgramme", progs[0][2], span)  # a level of it
                    continue
            if applying:
                continue
            progs = (
                self.group(progs[0], ms)
                if progs
                else [x for x in ms if x[1] <= c0 and x[2].type == "Programme"][-1:]
            )
            for x in progs:
                subj = self.holder(low, ms, c0, ("Cluster", "Project"), exclude=[x[2]])
                self.add(subj, "partOfProgramme", x[2], span)
        self._members(low, ms, cues, span)

    def _members(self, low, ms, cues, span):
        parts = funding.clauses(low, self.lang, lists=True)
        rels = funding.clauses(low, self.lang)
        whole = ms
        for pred, targets in (("memberOf", ("Cluster",)), ("partnerOf", ("Project", "Programme"))):
            for c0, c1, _ in cues.get(pred) or []:
                clause = next(c for c in parts if c.start <= c0 < c.end or c.end == len(low))
                ms = [x for x in whole if clause.start <= x[0] < clause.end]
                named = [x[2] for x in ms if x[2].type in targets]
                rel = next((c for c in rels if c.start <= c0 < c.end), clause)
                before = [x[2] for x in whole if x[1] <= rel.start]
                if rel.relative and before and before[-1].type in targets:
                    named = [before[-1]]  # "Grønn plattform, en ordning som A og B står bak"
                target = (
                    next((t for t in named if t is self.main.get(targets[0])), None)
                    or (named[0] if named else None)
                    or self.ref(low, targets)
                    or self.last.get(targets[0])  # the project of this part of the text
                    or self.main.get(targets[0])
                )
                kinds = ORG_TYPES - ({"Funder"} if pred == "memberOf" else set())
                right = [x for x in ms if x[0] >= c1 and x[2].type in kinds and x[2] is not target]
                left = [x for x in ms if x[1] <= c0 and x[2].type in kinds and x[2] is not target]
                if right:
                    later = [
                        c
                        for p, f in cues.items()
                        if p != pred and p in _RELATIONS
                        for c, _, _ in f
                        if c > c1
                    ]
                    stop = min(later + [len(low)])
                    members = [x for x in right if x[0] < stop] or self.group(right[0], ms)
                elif left:
                    members = self._back(left[-1], ms)
                else:
                    members = []
                for x in members:
                    if x[2].type in kinds and x[2] is not target:
                        self.add(x[2], pred, target, span)
        self._launches(low, whole, cues, span)
        self._initiators(low, whole, cues, span)

    def _initiators(self, low, ms, cues, span):
        """ "på initiativ av X og Y": the project or cluster the sentence is about has them
        as partners."""
        for c0, c1, _ in cues.get("initiators") or []:
            right = [x for x in ms if x[0] >= c1 and x[2].type in ORG_TYPES - {"Cluster"}]
            if not right or right[0][0] - c1 > 40:
                continue
            target = self.holder(low, ms, c0, ("Project", "Cluster"), exclude=[right[0][2]])
            for x in self.group(right[0], ms):
                if target is not None and x[2].type in ORG_TYPES:
                    self.add(x[2], "partnerOf", target, span)

    def _launches(self, low, ms, cues, span):
        """ "X har satt i gang prosjektet Y", "X käynnistää Y-hankkeen": X is a partner."""
        for c0, c1, _ in cues.get("launches") or []:
            left = [x for x in ms if x[1] <= c0 and x[2].type in ORG_TYPES]
            projects = [x[2] for x in ms if x[2].type == "Project" and x[0] >= c1]
            target = projects[0] if projects else self.ref(low[c1:], ("Project",))
            subject = left[-1][2] if left else self.ref(low[:c0], ("Cluster",))
            if target is not None and subject is not None and subject.type in ORG_TYPES:
                self.add(subject, "partnerOf", target, span)

    def _postposed(self, low, ms, span):
        """Partners named before a postposition ("Y:n kanssa")."""
        for word in (self.lex.get("cues") or {}).get("collab_after") or []:
            for m in re.finditer(rf"(?<!\w){re.escape(str(word))}(?!\w)", low):
                near = [x for x in ms if 0 <= m.start() - x[1] <= 4 and x[2].type in ORG_TYPES]
                if not near:
                    continue
                partners = [near[-1]]
                for x in reversed([x for x in ms if x[1] <= near[-1][0]]):
                    gap = self._sent[x[1] : partners[0][0]]
                    if x[2].type not in ORG_TYPES or not re.fullmatch(r"\s*(?:,|ja|sekä)\s*", gap):
                        break
                    partners.insert(0, x)
                before = [x[2] for x in ms if x[1] <= partners[0][0] and x[2].type in ORG_TYPES]
                subj = before[0] if before else self.holder(low, ms, partners[0][0])
                for x in partners:
                    self.add(subj, "collaboratesWith", x[2], span)

    def _back(self, last, ms) -> list:
        out = [last]
        for x in reversed([x for x in ms if x[1] <= last[0]]):
            if _COORD.match(self._sent[x[1] : out[0][0]]):
                out.insert(0, x)
            else:
                break
        return out


def find(
    text: str,
    spans: list[tuple[int, int]],
    entities: list[Entity],
    language: str,
    today: date | None,
) -> list[dict]:
    facts = Facts(text, entities, language, today)
    for span in spans:
        facts._sent = text[span[0] : span[1]]
        facts.sentence(span)
    leads = {(f["object"], f["subject"]) for f in facts.out if f["predicate"] == "coordinatedBy"}
    return [  # the coordinator of a project is not also listed as its partner
        f
        for f in facts.out
        if f["predicate"] != "partnerOf" or (f["subject"], f["object"]) not in leads
    ]
