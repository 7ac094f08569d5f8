"""Mentions to entities: one entity per distinct thing, inflected, shortened and abbreviated
mentions joined to the entity they name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from nbkg.extraction import amounts
from nbkg.extraction.gazetteer import variants
from nbkg.extraction.lexicon import lexicon
from nbkg.extraction.naming import ORG_TYPES, classify, head_type, inner_capital
from nbkg.extraction.text import normalise


@dataclass
class Entity:
    id: str
    label: str
    name: str
    type: str
    start: int
    end: int
    iri: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    def as_json(self) -> dict:
        out = {"id": self.id, "label": self.label, "name": self.name, "type": self.type,
               "start": self.start, "end": self.end}  # fmt: skip
        if self.iri:
            out["iri"] = self.iri
        return out


def resolve(mentions, text, lang, gazetteer, lexgaz) -> list[Entity]:
    entities: list[Entity] = []
    by_key: dict[str, Entity] = {}
    for start, end, label, match, cue in mentions:
        if match is None:
            type_, name, iri = classify(
                label,
                lang,
                gazetteer,
                cue,
                text[max(0, start - 50) : start] + "\x00" + text[end : end + 50],
            )
            if type_ == "Other" and gazetteer is None:
                known = lexgaz.lookup(label, lang)
                if known:
                    type_, name = known.type, known.name
        else:
            type_, name, iri = match.type, match.name, match.iri
        keys = set(variants(label, lang)) | {normalise(name)}
        core, _, form = label.rpartition(" ")
        if core and form.casefold() in _legal(lang) and type_ == "Firm":
            keys |= set(variants(core, lang))  # "Biokrafts markedssjef" names "Biokraft AS"
        if entities and match is None and " " not in label and label[:1].isupper():
            prev = max(entities, key=lambda e: e.mentions[-1][1])
            gap = text[prev.mentions[-1][1] : start]
            if (
                gap.strip() in {"(", "–", "-", "—", ", (", "«"}
                and len(gap) <= 4
                and (
                    inner_capital(label)
                    or (gap.strip() == "(" and _short(label, prev.name))
                    or (gap.strip() == "(" and _translated(label, prev, type_, text, end))
                )
            ):
                if type_ == "Funder" and prev.type in {"Other", "PublicBody"}:
                    prev.type = type_
                prev.mentions.append((start, end))
                for k in keys:
                    by_key.setdefault(k, prev)
                continue
        entity = next((by_key[k] for k in keys if k in by_key), None)
        if entity is None and match is None and " " not in label and label.istitle():
            entity = _surname(label, entities)
        if entity is None and type_ in ORG_TYPES | {"Project", "Programme"}:
            entity = _partial(label, entities)
        if entity is None:
            entity = Entity(f"e{len(entities) + 1}", label, name, type_, start, end, iri)
            entities.append(entity)
        elif entity.type == "Other" and type_ != "Other":
            entity.type = type_
        if entity.name.isupper() and " " in entity.name and not name.isupper():
            # a name first written in capitals ("SKOGSKLUSTRET KRONOBERG") takes its case
            # from a later mention ("Skogsklustret Kronoberg")
            if normalise(name) == normalise(entity.name):
                entity.name = name
        entity.mentions.append((start, end))
        for k in keys:
            by_key.setdefault(k, entity)
        entity.keys |= keys
    return entities


def _short(label: str, name: str) -> bool:
    """Whether ``label`` may be a short form of ``name`` ("Luke" for "Luonnonvarakeskus",
    "Kamk" for "Kajaanin ammattikorkeakoulu"): same first letter, its letters in order."""
    low, rest = label.casefold(), name.casefold()
    if len(low) < 2 or len(low) >= len(rest) or low[0] != rest[0]:
        return False
    pos = 0
    for c in low:
        pos = rest.find(c, pos) + 1
        if not pos:
            return False
    return True


def _translated(label: str, prev: Entity, type_: str, text: str, end: int) -> bool:
    """Whether a bracketed word is the original name of a translated one ("Agência Sueca
    para o Crescimento Económico e Regional (Tillväxtverket)"): one word closing the
    bracket after a name of two or more words, not a place."""
    return (
        len(prev.name.split()) >= 2
        and text[end : end + 1] == ")"
        and type_ not in {"Region", "Country", "Person"}
        and prev.type in ORG_TYPES
    )


def _surname(label: str, entities: list[Entity]) -> Entity | None:
    """An earlier person (or unknown capitalised pair) whose surname this word is."""
    for e in reversed(entities):
        words = e.label.split()
        if e.type in {"Person", "Other"} and 2 <= len(words) <= 4 and words[-1] == label:
            if all(w[:1].isupper() for w in words):
                e.type = "Person"
                return e
    return None


def _partial(label: str, entities: list[Entity]) -> Entity | None:
    """An earlier entity this shorter or longer form names ("Paper Province" for
    "The Paper Province", "ACT" for "Arctic Cluster Team")."""
    low = normalise(label)
    for e in entities:
        name = normalise(e.name)
        if (
            len(low) >= 6
            and (name.endswith(" " + low) or name.startswith(low + " "))
            and e.type in ORG_TYPES | {"Project", "Programme"}
        ):
            return e
        if label.isupper() and 2 <= len(label) <= 6 and len(e.name.split()) == len(label):
            initials = "".join(w[0] for w in e.name.split()).upper()
            if initials == label:
                return e
    return None


@cache
def _funding(language: str) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """Funding cues of the lexicon: whole phrases, word stems of their first words
    ("finans", "co-fin"), and the prepositions that end them ("av", "from")."""
    cues = [c.casefold() for c in (lexicon(language).get("cues") or {}).get("fundedBy") or []]
    stems = {c.split()[0][:6] for c in cues if len(c.split()[0]) >= 6}
    preps = {c.split()[-1] for c in cues if len(c.split()) > 1 and len(c.split()[-1]) <= 4}
    return tuple(cues), tuple(sorted(stems)), frozenset(preps)


def _funds(sentence: str, language: str) -> bool:
    """Whether a sentence speaks of funding: a cue, a cue's stem or an amount of money."""
    low = sentence.casefold()
    cues, stems, _ = _funding(language)
    if any(f" {c} " in f" {low} " for c in cues) or any(s in low for s in stems):
        return True
    return bool(amounts.find(sentence, language))


def retype_by_role(
    entities: list[Entity], text: str, sentences: list[tuple[int, int]], language: str
) -> None:
    """Funder or public body by the role in this text: a body listed as a funder that gives
    no money here is a public body (a fund stays a funder); a public body that opens a
    sentence about funding, or follows its "from"/"by", is a funder."""
    preps = _funding(language)[2]
    firsts = {}
    for e in entities:
        for m in e.mentions:
            s = next(((a, b) for a, b in sentences if a <= m[0] < b), (m[0], m[1]))
            if s not in firsts or m[0] < firsts[s][0]:
                firsts[s] = (m[0], e)
    for e in entities:
        if e.type not in {"Funder", "PublicBody"} or head_type(e.name.split(), language):
            continue
        funds = lead = False
        for start, _ in e.mentions:
            s0, s1 = next(((a, b) for a, b in sentences if a <= start < b), (start, start))
            if _funds(text[s0:s1], language):
                funds = True
                before = text[s0:start].split()
                if firsts.get((s0, s1), (0, None))[1] is e or (
                    before and before[-1].casefold() in preps
                ):
                    lead = True
        if e.type == "Funder" and not funds:
            e.type = "PublicBody"
        elif e.type == "PublicBody" and lead:
            e.type = "Funder"


_DEFINITION = re.compile(
    r"(?:\s*\([^()]{1,20}\))?\s*(?:,|\s(?:er|är|is|on|é|var|was|vart|blev|ble|became))\s+"
    r"(?:(?:en|ett|ei|eit|et|a|an|the|um|uma|o|a|det|den)\s+)?"
    r"((?:[^\W\d_]+\s+){0,3}[^\W\d_]+)(?=[\s,.;:]|$)"
)


def retype_by_definition(entities: list[Entity], text: str, language: str) -> None:
    """A name the text defines ("Arktisk Tare, en næringsklynge for ...", "X är ett
    kluster") takes the type of the defining noun, when nothing surer typed it."""
    for e in entities:
        if e.iri is not None or e.type not in {"Other", "Region"}:
            continue
        for _, end in e.mentions:
            m = _DEFINITION.match(text, end)
            type_ = _defining_type(m.group(1).split() if m else [], language)
            rest = (
                re.split(r"[,.;:]", text[m.start(1) : m.start(1) + 80], maxsplit=1)[0] if m else ""
            )
            if any(w[:1].isupper() for w in rest.split()):
                continue  # "Olhão, o instituto islandês Matís": a new name, not a definition
            if type_ in ORG_TYPES | {"Project", "Programme"} - {"Other"}:
                e.type = type_
                break


def _defining_type(words: list[str], language: str) -> str | None:
    """The type of the first head noun in a definition's words ("et nytt prosjekt"), up to a
    function word or another name."""
    stop = lexicon(language).get("stopwords") or []
    for w in words:
        if w[:1].isupper() or w.casefold() in stop:
            return None
        if type_ := head_type([w], language):
            return type_
    return None


@cache
def _legal(language: str) -> frozenset[str]:
    return frozenset(str(f).casefold() for f in lexicon(language).get("legal_forms") or [])
