"""Members and partners given as a list under a heading ("Partnere i prosjektet:" followed by
"- Høgskolen i Innlandet (INN)", "• SINTEF Community – brann- og fukttesting"): each item
line names one organisation, and the heading says what they all are."""

from __future__ import annotations

from nbkg.extraction.entities import ORG_TYPES

_BULLETS = ("-", "–", "•", "*", "·", "▪")
_LISTED = (("memberOf", ("Cluster",)), ("partnerOf", ("Project", "Programme")))


def follow(facts, sent: str, low: str, ms: list, cues: dict, span: tuple[int, int]) -> None:
    """Record a list heading, or add the fact an item line of the current list states."""
    item = sent.lstrip().startswith(_BULLETS)
    if item and getattr(facts, "listing", None):
        pred, target = facts.listing
        orgs = [x[2] for x in ms if x[2].type in ORG_TYPES and x[2] is not target]
        if orgs:
            facts.add(orgs[0], pred, target, span)
        return
    announced = getattr(facts, "announced", None)
    facts.listing = _heading(facts, sent, low, ms, cues)
    facts.announced = _announcement(facts, low, ms, cues)
    if announced is not None and not any(cues.get(p) for p in _RELATIONS):
        # "fire nye medlemmer." then "De fire nye er A, B og C.": the list the count announced
        orgs = [x for x in ms if x[2].type in ORG_TYPES]
        group = facts.group(orgs[0], ms) if orgs else []
        if len(group) >= 2:
            pred, target = announced
            for x in group:
                if x[2] is not target:
                    facts.add(x[2], pred, target, span)


_RELATIONS = ("memberOf", "partnerOf", "fundedBy", "coordinatedBy", "collaboratesWith")


def _announcement(facts, low: str, ms: list, cues: dict):
    """A sentence that ends by announcing a number of new members ("har fått fire nye
    medlemer."), so that the next sentence may list them."""
    found = cues.get("memberOf") or []
    if not found or found[-1][1] < len(low.rstrip(" .:!")) - 2:
        return None
    named = [x[2] for x in ms if x[2].type == "Cluster"]
    target = named[0] if named else facts.ref(low, ("Cluster",)) or facts.main.get("Cluster")
    return ("memberOf", target) if target is not None else None


def _heading(facts, sent: str, low: str, ms: list, cues: dict):
    text = sent.strip()
    short = len(text.split()) <= 5 and not text.endswith((".", "!", "?"))
    if not (text.endswith(":") or short):
        return None
    for pred, targets in _LISTED:
        if not cues.get(pred):
            continue
        named = [x[2] for x in ms if x[2].type in targets]
        target = (
            (named[0] if named else None)
            or facts.ref(low, targets)
            or facts.main.get(targets[0])
            or (facts.topic if facts.topic is not None and facts.topic.type in targets else None)
        )
        if target is not None:
            return pred, target
    return None
