"""Roles of people in a document's sentences, from the lexicon's role words."""

from __future__ import annotations

import re
from functools import cache

from nbkg.extraction.entities import ORG_TYPES
from nbkg.extraction.lexicon import lexicon

_OF = re.compile(r"^[\s,]*(?:\([^()]{1,20}\)\s*)?(?:\w+\s+){0,2}$")
_LEADS = re.compile(r"^[\s:,]*(?:(?:er|är|is|on|é|var|was|blir|bliver|blev)\s+)?(?:\w+,?\s+){0,2}$")
_ATTACHED = re.compile(r"^\s*(?:,|\w+)\s*$")
_APPOSITION = re.compile(r"^\s*(?:[,(–-]|\s)\s*(?:[^\s.,;:!?]+\s+){0,2}$")
_POSSESSIVE = re.compile(  # "O seu diretor executivo, X": the previous sentence's subject
    r"(?<!\w)(?:o seu|a sua|its|their|dess|dets|deras|deres|hennes|þess)\s+(?:\w+\s+)?$"
)
_GENITIVE_GAP = re.compile(r"(?:'s|’s|s|:n|n)?\s?(?:(?:sin|si|sitt|sine)\s)?")
_SECOND_ROLE = re.compile(r"^\s*,[^.;!?\"”]*\s(?:og|och|and|ja|e)\s+$")


def stem_in(word: str, stems: list) -> bool:
    low = word.casefold()
    return any(str(s).casefold() in low for s in stems)


def find(facts, sent: str, low: str, ms: list, span: tuple[int, int]) -> None:
    """hasRole facts of one sentence: "Name, role at Org", "role Name", "Org's role Name",
    "Role: Name, Org"; a project or cluster role without an organisation named goes to the
    document's project or cluster."""
    rx = _roles(facts.lang)
    if rx is None or not any(x[2].type == "Person" for x in ms):
        return
    found = []
    for m in rx.finditer(low):
        if not any(a < m.end() and m.start() < b for a, b in found):
            found.append(m.span())
    if not found:
        return
    cues = facts.lex.get("cues") or {}
    people = [x for x in ms if x[2].type == "Person"]
    orgs = [x for x in ms if x[2].type in ORG_TYPES | {"Project"}]
    for r0, r1 in sorted(found):
        r1 = _field(low, r1, orgs)
        before = [p for p in people if p[1] <= r0 and _apposition(sent[p[1] : r0])]
        after = [p for p in people if p[0] >= r1 and _LEADS.match(low[r1 : p[0]])]
        person = before[-1] if before else (after[0] if after else None)
        org = None
        if person is None:  # "Dagleg leiar i Fjordenergi Bio, Olav Hjelmeland"
            person, org = _role_at_org_then_name(low, r1, people, orgs)
        if person is None:
            continue
        role = _base_role(sent[r0:r1], facts.lang)
        after_role = [x for x in orgs if 0 <= x[0] - r1 <= 25 and x[0] >= person[0]]
        if org is None:
            org = next((x[2] for x in after_role if _OF.match(low[r1 : x[0]])), None)
        if org is None:  # "Biokrafts markedssjef", "Nesbyen Fjernvarme sin dagleg leiar"
            org = next(
                (
                    x[2]
                    for x in reversed(orgs)
                    if 0 <= r0 - x[1] <= 3 or x[1] <= r0 and _GENITIVE_GAP.fullmatch(low[x[1] : r0])
                ),
                None,
            )
        if org is None:  # "framkvæmdastjóri klasans", "leder av prosjektet"
            org = _referred(facts, low[r1 : r1 + 30])
        if org is None:  # "klusterin puheenjohtaja", "the cluster's manager"
            org = _referred_before(facts, low[max(0, r0 - 30) : r0])
        if org is None and person[0] >= r1 and not low[r1 : person[0]].strip():
            # "klyngeleder Hanne Kristiansen i Arktisk Tare"
            near = [x for x in orgs if 0 <= x[0] - person[1] <= 12]
            org = next((x[2] for x in near if _ATTACHED.match(low[person[1] : x[0]])), None)
        if org is None and stem_in(role, cues.get("project_stems") or []):
            org = facts.holder(low, ms, types=("Project",))
            org = org if org is not None and org.type == "Project" else facts.main.get("Project")
        if org is None and stem_in(role, cues.get("cluster_stems") or []):
            org = facts.main.get("Cluster")
        if org is None and _POSSESSIVE.search(low[max(0, r0 - 30) : r0]):
            prev = [x[2] for x in facts.prev if x[2].type in ORG_TYPES]
            org = prev[0] if prev else None
        if org is None:  # "Name fra Org", "Name, Org"
            near = [x for x in orgs if 0 <= x[0] - person[1] <= 12]
            org = next((x[2] for x in near if _ATTACHED.match(low[person[1] : x[0]])), None)
        said = [
            f
            for f in facts.out
            if f["predicate"] == "hasRole"
            and f["subject"] == person[2].id
            and f["object"]["role"].casefold() == role.casefold()
        ]
        if said:  # the same person's role restated ("Projektledare Magnus Persson")
            continue
        obj = {"role": role}
        if org is not None:
            obj["organisation"] = org.id
        facts.add(person[2], "hasRole", obj, span)


def _field(low: str, r1: int, orgs: list) -> int:
    """The end of a role that goes on with its field before the organisation ("professor i
    kemiteknik vid X", "associate professor of chemistry at X")."""
    m = _FIELD.match(low, r1)
    if m and any(x[0] == m.end() for x in orgs):
        return m.end(1)
    return r1


_FIELD = re.compile(
    r"( (?:i|of|in|em|de|í) [^\W\d_]+(?:-[^\W\d_]+)?)"
    r" (?:vid|ved|at|på|hos|i|do|da|við|from|fra|från|frå|no|na|í) "
)


def _role_at_org_then_name(low: str, r1: int, people: list, orgs: list):
    for x in orgs:
        if not re.fullmatch(r" \w+ ", low[r1 : x[0]]):
            continue
        for p in people:
            if re.fullmatch(r"\s*,\s*", low[x[1] : p[0]]):
                return p, x[2]
    return None, None


def _base_role(role: str, language: str) -> str:
    """A role as the lexicon writes it: a Finnish essive ("projektipäällikkönä toimii") in the
    nominative, a role opening a sentence ("Projektledare är ...") in lower case."""
    if language == "fi" and role.casefold().endswith(("na", "nä")):
        role = role[:-2]
    if role[:1].isupper() and not role.isupper() and role[1:].islower():
        role = role[:1].lower() + role[1:]
    return role


def _referred_before(facts, head: str):
    """The project or cluster named by a reference word just before a role."""
    m = re.search(r"(\w+(?:'s|’s)?)\s*$", head)
    return _main_of(facts, m.group(1), whole=True) if m else None


def _referred(facts, tail: str):
    """The project or cluster named by a reference word right after a role."""
    m = re.match(r"^\s+(?:(?:i|av|of|do|da|for|för|hos)\s+)?(\w+(?:\s\w+)?)", tail)
    return _main_of(facts, m.group(1), whole=False) if m else None


def _main_of(facts, words: str, whole: bool):
    """The document's cluster or project when ``words`` refer to one ("klasans")."""
    for type_ in ("Cluster", "Project"):
        rx = facts.refs.get(type_)
        if rx is not None and (rx.fullmatch(words) if whole else rx.match(words)):
            return facts.main.get(type_)
    return None


@cache
def _roles(language: str) -> re.Pattern | None:
    roles = sorted({str(r).casefold() for r in lexicon(language).get("roles") or []}, key=len)
    alt = "|".join(_gendered(re.escape(r), language) for r in reversed(roles))
    essive = "(?:na|nä)?" if language == "fi" else ""
    return re.compile(rf"(?<!\w)(?:{alt}){essive}(?!\w)") if alt else None


def _gendered(pattern: str, language: str) -> str:
    """Portuguese titles in either gender: "gestor(a) de projeto", "diretora executiva"."""
    if language != "pt":
        return pattern
    pattern = re.sub(r"or(?=\\ |$)", "ora?", pattern)
    return re.sub(r"ivo(?=\\ |$)", "iv[oa]", pattern)


def _apposition(gap: str) -> bool:
    """Text between a person and a role word that keeps them together ("Name, role")."""
    return len(gap) <= 40 and bool(_APPOSITION.match(gap) or _SECOND_ROLE.match(gap))
