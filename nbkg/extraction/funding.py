"""Who pays whom in a sentence: fundedBy and fundingAmount, clause by clause.

A sentence such as "Forskningsrådet har bevilget 16 MNOK til prosjektet, og Nordland
fylkeskommune har lagt 2,5 millioner kroner på bordet" states two grants to one recipient, so
the sentence is cut into clauses at a comma with a conjunction or a relative pronoun. In each
clause that holds a funding cue or an amount, the recipient is the project or cluster it names
or refers to (else a firm or institute in subject position, else the recipient of the clause
before, else the document's topic) and the payers are the funders, public bodies and
programmes it names, a programme only where the money comes from it. The words this needs
("from", "therefrom", "which", "and") are the lexicon's, per language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nbkg.extraction import amounts, roles
from nbkg.extraction.entities import ORG_TYPES, Entity
from nbkg.extraction.literals import HOLDERS, cues_words

PAYERS = {"Funder", "Programme", "PublicBody"}
RECIPIENTS = {"Project", "Cluster"}


@dataclass
class Clause:
    start: int  # offsets into the sentence
    end: int
    relative: bool  # opens with "som", "which", "sem", "joka"...


_AND = {"og", "och", "and", "e", "ja", "sekä", "samt"}


@cache
def _splitter(language: str, lists: bool = False) -> re.Pattern[str]:
    joins = cues_words(language, "clause_joins") + cues_words(language, "relatives")
    if lists:  # a list of names goes on over "and" and over a relative clause
        joins = tuple(w for w in cues_words(language, "clause_joins") if w not in _AND)
    alt = "|".join(re.escape(w) for w in sorted(joins, key=len, reverse=True))
    return re.compile(rf"(?:,|;|\s[–-])\s+(?=(?:{alt})\s)" if alt else r";")


def clauses(low: str, language: str, lists: bool = False) -> list[Clause]:
    """The clauses of a (case-folded) sentence; with ``lists``, only those a list of names
    does not run across ("..., mens X og Y er partnere")."""
    relatives = cues_words(language, "relatives")
    cuts = [m.end() for m in _splitter(language, lists).finditer(low)]
    bounds = [0, *cuts, len(low)]
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        first = low[a:b].split(" ", 1)[0]
        out.append(Clause(a, b, a > 0 and first in relatives))
    return out


def find(facts, sent: str, low: str, ms: list, cues: dict, span: tuple[int, int]) -> None:
    """Add the sentence's fundedBy and fundingAmount facts to ``facts``."""
    lang = facts.lang
    found = cues.get("fundedBy") or []
    money = amounts.find(sent, lang, _crowns(facts))
    if not found and not money:
        return
    budget = cues.get("budget") or []
    previous: Entity | None = None
    for clause in clauses(low, lang):
        inside = [x for x in ms if clause.start <= x[0] < clause.end]
        has_cue = any(clause.start <= c0 < clause.end for c0, _, _ in found)
        grants = [
            (a, amount, currency)
            for a, _, amount, currency in money
            if clause.start <= a < clause.end
            and not any(0 <= a - b1 <= 30 or b0 <= a < b1 for b0, b1, _ in budget)
        ]
        if not has_cue and not grants:
            continue
        cue_ends = [c1 for c0, c1, _ in found if clause.start <= c0 < clause.end]
        recipient = _recipient(facts, low, ms, inside, clause, cue_ends, previous)
        cue_starts = [c0 for c0, _, _ in found if clause.start <= c0 < clause.end]
        payers = _payers(facts, low, ms, inside, clause, recipient, cue_starts)
        if recipient is None or not (payers or grants):
            continue
        for funder in payers:
            if funder.type in {"PublicBody", "Other"}:
                funder.type = "Funder"
            facts.add(recipient, "fundedBy", funder, span)
            if funder.type == "Programme" and not roles.stem_in(funder.name, facts.funds):
                facts.add(recipient, "partOfProgramme", funder, span)
        for _, amount, currency in grants:
            facts.add(recipient, "fundingAmount", {"amount": amount, "currency": currency}, span)
        if not clause.relative:  # a relative clause's recipient is a side remark's
            previous = recipient


def _recipient(facts, low, ms, inside, clause, cue_ends, previous) -> Entity | None:
    text = low[clause.start : clause.end]
    if clause.relative and cue_ends:
        # "X, som Forskingsrådet og Siva finansierer": "som" stands for what is paid for,
        # unless the relative pronoun is itself the payer ("Y, som finansierer X")
        left = [x[2] for x in ms if x[1] <= clause.start]
        paying = [x for x in inside if x[0] < min(cue_ends) and x[2].type in PAYERS]
        if left and paying and left[-1].type in ORG_TYPES | RECIPIENTS | {"Programme"}:
            return left[-1]
    named = [x for x in inside if x[2].type in RECIPIENTS and not _after_from(facts, low, x)]
    first_cue = min(cue_ends, default=clause.end)
    if named and named[0][0] > first_cue:  # "Klyngen modtager ... og er medlem af klynge X"
        subject = facts.ref(low[clause.start : first_cue], ("Project", "Cluster"))
        if subject is not None:
            return subject
    if named:
        return named[0][2]
    referred = facts.ref(text, ("Project", "Cluster"))
    if referred is not None:
        return referred
    programme = facts.refs.get("Programme")
    after = low[min(cue_ends) : clause.end] if cue_ends else ""
    if programme is not None and programme.match(after.strip()):  # "A og B finansierer programmet"
        named = [x[2] for x in ms if x[2].type == "Programme" and x[1] <= clause.end]
        return named[-1] if named else facts.last.get("Programme") or facts.main.get("Programme")
    to = _to_org(facts, low, inside)
    if to is not None:
        return to
    for c1 in cue_ends:  # the one granted something ("har beviljat The Paper Province")
        after = [x for x in inside if 0 <= x[0] - c1 <= 2 and x[2].type in ORG_TYPES - PAYERS]
        if after:
            return after[0][2]
    if inside and inside[0][2].type in ORG_TYPES - PAYERS - {"Other"}:
        return inside[0][2]  # a firm or institute that receives
    if previous is not None:
        return previous
    earlier = [x[2] for x in ms if x[1] <= clause.start and x[2].type in RECIPIENTS]
    if earlier:
        return earlier[0]
    referred = facts.ref(low[: clause.start], ("Project", "Cluster"))
    if referred is not None:  # "the cluster was selected ..., and it receives ..."
        return referred
    if facts.topic is not None and facts.topic.type == "Project":
        return facts.last.get("Project") or facts.topic  # the project this part is about
    return facts.topic if facts.topic is not None and facts.topic.type in HOLDERS else None


def _payers(facts, low, ms, inside, clause, recipient, cue_starts) -> list[Entity]:
    text = low[clause.start : clause.end]
    out: list[Entity] = []
    thence = any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in _thence(facts.lang))
    for k, (a, _, ent) in enumerate(inside):
        if ent is recipient or ent.type not in PAYERS | {"Other"} or _not_payer(facts, low, a):
            continue
        if _to(facts, low, a):
            continue
        subject = k == 0 or all(x[2].type in PAYERS | {"Other"} for x in inside[:k])
        if ent.type == "Programme" and not (subject or _after_from(facts, low, inside[k])):
            continue
        if ent.type == "Other" and not (_after_from(facts, low, inside[k]) or subject):
            continue
        if ent.type == "Other" and recipient is None:
            continue
        out.append(ent)
    first_cue = min(cue_starts, default=clause.end)
    if clause.relative and not any(x[0] < first_cue for x in inside):
        # "the X programme, which has awarded it ...": the antecedent pays
        left = [x[2] for x in ms if x[1] <= clause.start]
        if left and left[-1].type in PAYERS and left[-1] is not recipient:
            out.append(left[-1])
    if thence:  # "... og har fått 9,8 millionar kroner derifrå": from the programme named
        progs = [x[2] for x in ms if x[1] <= clause.end and x[2].type == "Programme"]
        if progs and progs[-1] not in out and progs[-1] is not recipient:
            out.append(progs[-1])
    refs = facts.refs.get("Programme")
    if refs is not None and (m := refs.search(text)) and not out:
        head = text[: m.start()].rstrip().rsplit(" ", 1)[-1]
        if head in cues_words(facts.lang, "from_words"):
            prog = facts.main.get("Programme")
            if prog is not None and prog is not recipient:
                out.append(prog)
    return out


def _after_from(facts, low: str, mention) -> bool:
    """Whether the money comes from this mention ("från Vinnova", "Business Finlandilta")."""
    a, b, ent = mention
    words = low[max(0, a - 25) : a].split()
    if words and words[-1] in cues_words(facts.lang, "from_words"):
        return True
    suffixes = cues_words(facts.lang, "from_suffixes")
    return bool(suffixes) and low[a:b].endswith(suffixes)


def _to(facts, low: str, a: int) -> bool:
    words = low[max(0, a - 12) : a].split()
    return bool(words) and words[-1] in cues_words(facts.lang, "to_words")


def _to_org(facts, low, inside) -> Entity | None:
    for a, _, ent in inside:
        if ent.type in ORG_TYPES - {"Funder"} and _to(facts, low, a):
            return ent
    return None


def _not_payer(facts, low: str, a: int) -> bool:
    head = low[max(0, a - 20) : a].rstrip()
    return any(head.endswith(w) for w in cues_words(facts.lang, "not_payer"))


@cache
def _thence(language: str) -> tuple[str, ...]:
    return cues_words(language, "thence")


_CROWNS = {"Sweden": "SEK", "Norway": "NOK", "Denmark": "DKK", "Iceland": "ISK"}
_CODES = {"se": "SEK", "no": "NOK", "dk": "DKK", "is": "ISK"}


def _crowns(facts) -> str | None:
    """The crown of the Nordic country the document names most ("coroas" alone in a
    Portuguese text about a Norwegian cluster are NOK)."""
    if not hasattr(facts, "crowns"):
        countries = facts.lex.get("countries") or {}
        votes: dict[str, int] = {}
        for e in facts.entities:
            if e.type == "Country":
                currency = _CROWNS.get(countries.get(e.label) or countries.get(e.name) or "")
            elif e.type == "Region" and e.iri:
                currency = _CODES.get(e.iri.rsplit("/", 1)[-1].split("-", 1)[0])
            else:
                currency = None
            if currency:
                votes[currency] = votes.get(currency, 0) + len(e.mentions)
        facts.crowns = max(votes, key=lambda c: votes[c]) if votes else None
    return facts.crowns
