"""Typing of proper-name chunks: known names, legal forms, head nouns (whole words and
compound endings), cue words before a name, given names and role words next to a name."""

from __future__ import annotations

import re
from functools import cache

from nbkg.extraction.gazetteer import Gazetteer, Match
from nbkg.extraction.lexicon import lexicon
from nbkg.extraction.text import Token

ORG_TYPES = {"Cluster", "Firm", "ResearchOrganisation", "Funder", "PublicBody", "Other"}


def inner_capital(word: str) -> bool:
    return word.isupper() or any(c.isupper() for c in word[1:])


@cache
def lexicon_gazetteer(language: str) -> Gazetteer:
    """The lexicon's known names (programmes, funders, bodies, places, countries)."""
    lex = lexicon(language)
    rows = []
    for type_, names in (lex.get("known") or {}).items():
        rows += [(n, None, type_, n) for n in names or []]
    for written in lex.get("countries") or {}:
        rows.append((written, None, "Country", written))
    return Gazetteer.from_rows(rows)


@cache
def _sets(language: str) -> dict[str, object]:
    lex = lexicon(language)
    heads = {}
    for type_, words in (lex.get("heads") or {}).items():
        for w in words or []:
            heads.setdefault(w.casefold(), type_)
    cues = {}
    for type_, words in (lex.get("type_cues") or {}).items():
        for w in words or []:
            cues.setdefault(w.casefold(), type_)
    prefixes = [(p.casefold(), t) for t, ps in (lex.get("prefix_heads") or {}).items()
                for p in ps or []]  # fmt: skip
    return {
        "language": language,
        "heads": heads,
        "suffix_heads": sorted(
            (
                (str(w).casefold(), t)
                for t, ws in (lex.get("suffix_heads") or {}).items()
                for w in ws or []
            ),
            key=lambda p: -len(p[0]),
        ),  # fmt: skip
        "compound_heads": sorted(
            (h for h in heads if " " not in h and len(h) >= 5), key=len, reverse=True
        ),  # fmt: skip
        "cues": cues,
        "prefixes": sorted(prefixes, key=lambda p: -len(p[0])),
        "legal": {f.casefold() for f in lex.get("legal_forms") or []},
        # forms written in lower case ("ehf.", "bs."); "AS" is never the word "as"
        "legal_lower": {f for f in lex.get("legal_forms") or [] if f.islower()},
        "first_names": set(lex.get("first_names") or []),
        "stop": {w.casefold() for w in lex.get("stopwords") or []},
        "roles": {r.casefold() for r in lex.get("roles") or []},
        "months": {m.casefold() for m in lex.get("months") or {}},
        "surname_endings": tuple(e.casefold() for e in lex.get("surname_endings") or []),
        "place_endings": tuple(
            w.casefold()[1:]
            for w in (lex.get("type_cues") or {}).get("Region") or []
            if w.startswith("-")
        ),  # fmt: skip
        "money": {str(k) for k in (lex.get("currencies") or {}) if str(k)[:1].isupper()}
        | {str(k) for k in (lex.get("multipliers") or {}) if str(k)[:1].isupper()},
        "project_words": tuple(
            w
            for w in {w.casefold() for w in (lex.get("type_cues") or {}).get("Project") or []}
            | {h for h, t in heads.items() if t == "Project"}
            if len(w) >= 5
        ),
        "locatives": _locatives(lex.get("cues") or {}),
        "from_words": frozenset(
            str(w).casefold() for w in (lex.get("cues") or {}).get("from_words") or []
        ),
        "roles_re": _roles_re(tuple(lex.get("roles") or [])),
    }


def _locatives(cues: dict) -> frozenset[str]:
    """Prepositions that place a thing in a place ("i", "på", "í", "in"): the lexicon's
    ``locatives``, or else its location words that also end its located-in phrases."""
    if cues.get("locatives") is not None:
        return frozenset(str(w).casefold() for w in cues["locatives"])
    ends = {str(c).split()[-1].casefold() for c in cues.get("locatedIn") or []}
    return frozenset(
        str(w).casefold() for w in cues.get("located") or [] if str(w).casefold() in ends
    )


def _roles_re(roles: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """A role word just before a name ("vd Anna") or just after it ("Anna, vd")."""
    if not roles:
        return None
    alts = "|".join(re.escape(r.casefold()) for r in sorted(set(roles), key=len, reverse=True))
    return (
        re.compile(rf"(?<!\w)(?:{alts})[\s,:]*$"),
        re.compile(rf"^\s*[,(–-]\s*(?:{alts})(?!\w)"),
    )


def head_type(words: list[str], language: str) -> str | None:
    """Type told by the last head noun among ``words`` (whole word or compound ending)."""
    sets = _sets(language)
    heads = sets["heads"]
    low = [w.casefold() for w in words]
    for n in (3, 2):
        for i in range(len(low) - n, -1, -1):
            phrase = " ".join(low[i : i + n])
            if phrase in heads:
                return heads[phrase]
    for w in reversed(low):
        if w in heads:
            return heads[w]
        for part in reversed(w.split("-")):
            if part in heads:
                return heads[part]
    last = low[-1].split("-")[-1] if low else ""
    for h in sets["compound_heads"]:
        if last.endswith(h):
            return heads[h]
    for h, type_ in sets["suffix_heads"]:
        if last.endswith(h) and len(last) > len(h) + 3:
            return type_
    return None


_FOREIGN = {"en", "pt"}
_NORDIC = ("sv", "nb", "nn", "da", "fi", "is")


def classify(label: str, language: str, gazetteer: Gazetteer | None, cue: str | None,
             text_after: str) -> tuple[str, str, str | None]:  # fmt: skip
    """(type, name, iri) of a proper-name chunk: known name, known name with a legal form,
    prefix, head noun, cue word before it, legal form, person, place; else Other. A cue of
    type Region (a locative "i", "í", "in" before the name) is the weakest evidence."""
    sets = _sets(language)
    lexgaz = lexicon_gazetteer(language)
    for gaz in (gazetteer, lexgaz):
        match = gaz.lookup(label, language) if gaz is not None else None
        if match:
            # a town named as a municipality ("kommunerna Helsingborg och Landskrona")
            type_ = cue if match.type == "Region" and cue == "PublicBody" else match.type
            if gaz is gazetteer and type_ in {"PublicBody", "Other"}:
                # a body the graph files as public that the lexicon knows as a funder
                known = lexgaz.lookup(label, language, fuzzy=False)
                type_ = "Funder" if known and known.type == "Funder" else type_
            return type_, match.name, match.iri
    words = label.split()
    legal = len(words) > 1 and words[-1].casefold() in sets["legal"]
    core = words[:-1] if legal else words
    if legal:
        for gaz in (gazetteer, lexgaz):
            match = gaz.lookup(" ".join(core), language, fuzzy=False) if gaz else None
            if match and match.type not in {"Region", "Country"}:
                return match.type, match.name, match.iri
    low = label.casefold()
    for prefix, type_ in sets["prefixes"]:
        if low.startswith(prefix + " ") or low == prefix:
            return type_, label, None
    head = head_type(core, language) or (len(core) > 1 and _compound_head(core[0], sets))
    if not head and language in _FOREIGN and len(core) > 1:
        # a Nordic name in an English or Portuguese text ("Skogsklustret Kronoberg")
        head = next((h for lang in _NORDIC if (h := _compound_head(core[0], _sets(lang)))), None)
    if head:
        return head, label, None
    if cue and cue != "Region" and not (2 <= len(words) <= 3 and words[0] in sets["first_names"]):
        return cue, label, None
    if legal:
        return "Firm", label, None
    if _person(words, sets, text_after) and not (
        words[0] not in sets["first_names"]
        and (m := lexgaz.lookup(words[-1], language, fuzzy=False))
        and m.type in {"Region", "Country"}
    ):
        return "Person", label, None
    if len(words) > 1 and words[0].isupper():
        # a known body's unit or branch ("SINTEF Ocean", "NIBIO Svanhovd")
        match = lexgaz.lookup(words[0], language, fuzzy=False)
        if match and match.type in {"ResearchOrganisation", "Firm", "Cluster", "Other"}:
            return match.type, label, None
    if len(words) == 1 and inner_capital(label) and not label.split(":")[0].isupper():
        # a coined name ("BiogasBron", "TorskeLøft") next to the word for a project
        if _project_word_near(text_after, sets["project_words"]):
            return "Project", label, None
    if (
        cue == "Region"
        and len(words) <= 2
        or (
            len(words) == 1
            and any(low.endswith(e) and len(low) > len(e) + 2 for e in sets["place_endings"])
        )
    ):
        return "Region", label, None
    return "Other", label, None


def _project_word_near(context: str, words: tuple[str, ...]) -> bool:
    """Whether the word for a project stands just after a name, or before it in its sentence
    with no other name between ("prosjektene under den nye statusen blir TorskeLøft")."""
    before, _, after = context.partition("\x00")
    boundary = r"[.!?]\s|\n"
    after = re.split(boundary, after)[0][:30].casefold()
    if any(w in after for w in words):
        return True
    before = re.split(boundary, before)[-1]
    low = before.casefold()
    at = max((low.rfind(w) for w in words), default=-1)
    return at >= 0 and not any(t[:1].isupper() for t in before[at:].split()[1:])


def _compound_head(word: str, sets: dict) -> str | None:
    """Type told by a compound's head at the start of a name ("Treklyngen Innlandet"), or
    by a short head that only ends compounds ("Ísafjarðarbær")."""
    low = word.casefold()
    for h in sets["compound_heads"]:
        if low.endswith(h) and len(low) > len(h) + 2:
            return sets["heads"][h]
    for h, type_ in sets["suffix_heads"]:
        if low.endswith(h) and len(low) > len(h) + 3:
            return type_
    return None


def _person(words: list[str], sets: dict, context: str) -> bool:
    """A given name and surname, a surname of a telling form ("-son", "-nen"), or a
    capitalised pair next to a role word ("projektledare Peter Hedman")."""
    if not 2 <= len(words) <= 4 or not all(w[:1].isupper() and not w.isupper() for w in words):
        return False
    if words[0] in sets["first_names"]:
        return True
    last = words[-1].casefold()
    if all(w[1:].islower() for w in words) and any(
        last.endswith(e) for e in sets["surname_endings"]
    ):
        return True
    before, _, after = context.casefold().partition("\x00")
    roles = sets["roles_re"]
    return all(w[1:].islower() for w in words) and bool(
        roles and (roles[0].search(before) or roles[1].match(after))
    )


_COUNTY_WORDS = {"län", "fylke", "maakunta", "county", "sýsla", "islands"}


def extended_names(
    toks: list[Token], text: str, lang: str, lexgaz: Gazetteer
) -> list[tuple[int, int, Match]]:
    """Known names that go on into a place: a body named by its head noun and a region
    ("Regionale forskningsfond Innlandet"), a region and its county word ("Västerbotten
    Län")."""
    sets = _sets(lang)
    out = []
    found = lexgaz.scan(toks, text, lang)
    for k, (a, b, match) in enumerate(found):
        if b >= len(toks) or text[toks[b - 1].end : toks[b].start] != " ":
            continue
        last = match.name.split()[-1].casefold()
        nxt = found[k + 1] if k + 1 < len(found) else None
        if (match.type in ORG_TYPES | {"Programme"} and " " in match.name
                and sets["heads"].get(last) and nxt and nxt[0] == b
                and nxt[2].type == "Region"):  # fmt: skip
            end = nxt[1]
        elif (
            match.type == "Region"
            and toks[b].text.casefold() in _COUNTY_WORDS
            and not (
                b + 1 < len(toks) and toks[b + 1].text[:1].isupper()  # "Nordland County Council"
            )
        ):
            end = b + 1
        else:
            continue
        label = text[toks[a].start : toks[end - 1].end]
        out.append((a, end, Match(None, match.type, label)))
    return out
