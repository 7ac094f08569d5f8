"""Named entities of a document: known names (graph gazetteer, lexicon), then proper-name
chunks typed by legal forms, head nouns, cue words, given names and definitions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import simplemma

from nbkg.extraction.gazetteer import Gazetteer, Match, variants
from nbkg.extraction.lexicon import LANGUAGES, lexicon
from nbkg.extraction.text import Token, normalise

CONNECTORS = {"of", "for", "and", "&", "i", "og", "och", "de", "do", "da", "dos", "das", "för",
              "af", "on", "für", "und", "á", "í", "ja"}  # fmt: skip
COORDINATORS = {"and", "og", "och", "ja", "e", "und", "sekä", "eller", "or", "ou", "samt"}
ORG_TYPES = {"Cluster", "Firm", "ResearchOrganisation", "Funder", "PublicBody", "Other"}


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
        "heads": heads,
        "compound_heads": sorted(
            (h for h in heads if " " not in h and len(h) >= 5), key=len, reverse=True
        ),  # fmt: skip
        "cues": cues,
        "prefixes": sorted(prefixes, key=lambda p: -len(p[0])),
        "legal": {f.casefold() for f in lex.get("legal_forms") or []},
        "first_names": set(lex.get("first_names") or []),
        "stop": {w.casefold() for w in lex.get("stopwords") or []},
        "roles": {r.casefold() for r in lex.get("roles") or []},
        "months": {m.casefold() for m in lex.get("months") or {}},
    }


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
    return None


def _chunks(
    toks: list[Token], text: str, language: str, covered: set[int]
) -> list[tuple[int, int]]:
    """Runs of capitalised tokens (with connectors and trailing heads or legal forms)."""
    sets = _sets(language)
    out = []
    i = 0
    while i < len(toks):
        if i in covered or not _is_name_token(toks[i]):
            i += 1
            continue
        j = i + 1
        while j < len(toks) and j not in covered:
            t = toks[j]
            gap = text[toks[j - 1].end : t.start]
            if "\n" in gap or gap.strip():
                break
            if _is_name_token(t):
                j += 1
            elif (t.text.casefold() in CONNECTORS and j + 1 < len(toks)
                  and _is_name_token(toks[j + 1]) and j + 1 not in covered
                  and not text[t.end : toks[j + 1].start].strip()):  # fmt: skip
                j += 2
            elif t.text.casefold() in sets["heads"] or t.text.casefold() in sets["legal"]:
                j += 1
                break
            else:
                break
        out.append((i, j))
        i = j
    return out


def _is_name_token(tok: Token) -> bool:
    return tok.text[:1].isupper() or (tok.text[:1].isdigit() and any(c.isalpha() for c in tok.text))


_DASH_SUFFIX = re.compile(r"^(.+?)-([a-zæøåäöéíóúýþð]+)$")


def find(text: str, toks: list[Token], sentences: list[tuple[int, int]], language: str,
         gazetteer: Gazetteer | None) -> list[Entity]:  # fmt: skip
    """Entities of ``text``, one per distinct thing, in order of first mention."""
    lang = language if language in LANGUAGES else "en"
    sets = _sets(lang)
    lexgaz = lexicon_gazetteer(lang)
    starts = {s for s, _ in sentences}
    mentions: list[
        tuple[int, int, str, Match | None, str | None]
    ] = []  # start, end, label, match, type
    pieces: list[tuple[int, int]] = []
    taken: set[int] = set()
    for gaz in (gazetteer, lexgaz):
        for a, b, match in gaz.scan(toks, text, lang) if gaz is not None else ():
            if b - a >= 2 and not taken & set(range(a, b)) and " " in match.name:
                taken |= set(range(a, b))
                label = text[toks[a].start : toks[b - 1].end]
                mentions.append((toks[a].start, toks[b - 1].end, label, match, None))
    chunks = []
    for i, j in _chunks(toks, text, lang, taken):
        # coordinated names ("A og B", "A and B") are two names unless known as one
        label = text[toks[i].start : toks[j - 1].end]
        known = any(
            g is not None and g.lookup(label, lang, fuzzy=False) for g in (gazetteer, lexgaz)
        )
        cut = i
        for k in range(i + 1, j - 1):
            if not known and toks[k].text.casefold() in COORDINATORS:
                chunks.append((cut, k))
                cut = k + 1
        chunks.append((cut, j))
    for i, j in chunks:
        label = text[toks[i].start : toks[j - 1].end]
        words = label.split()
        whole = any(
            g is not None and g.lookup(label, lang, fuzzy=False) for g in (gazetteer, lexgaz)
        )
        if (
            whole
            or head_type(words, lang)
            or words[-1].casefold() in sets["legal"]
            or any(label.casefold().startswith(p + " ") for p, _ in sets["prefixes"])
        ):
            pieces.append((i, j))
            continue
        covered: set[int] = set()
        for gaz in (gazetteer, lexgaz):
            if gaz is None:
                continue
            for a, b, match in gaz.scan(toks[i:j], text, lang):
                if covered & set(range(i + a, i + b)):
                    continue
                # a known name inside an unknown one splits it only at a connector
                if (a > 0 and toks[i + a - 1].text.casefold() not in CONNECTORS) or (
                    i + b < j and toks[i + b].text.casefold() not in CONNECTORS
                ):
                    continue
                covered |= set(range(i + a, i + b))
                first, last = toks[i + a], toks[i + b - 1]
                mentions.append((first.start, last.end, text[first.start : last.end], match, None))
        k = i
        while k < j:
            if k in covered:
                k += 1
                continue
            m = k
            while m < j and m not in covered:
                m += 1
            while m > k and toks[m - 1].text.casefold() in CONNECTORS:
                m -= 1
            while k < m and toks[k].text.casefold() in CONNECTORS:
                k += 1
            if m > k:
                pieces.append((k, m))
            k = max(m, k + 1)
    for i, j in pieces:
        span = toks[i:j]
        words = [t.text for t in span]
        # a headline in capitals is not a name
        line_start = text.rfind("\n", 0, span[0].start) + 1
        line_end = text.find("\n", span[-1].end)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if (
            sum(c.isupper() for c in line) > 0.8 * sum(c.isalpha() for c in line)
            and len(line.split()) > 4
        ):
            continue
        # X-projektet, ARENA-klynge: the name is X, the suffix tells the type
        cue_type = None
        m = _DASH_SUFFIX.match(words[-1])
        if m and m.group(2) in sets["heads"] | sets["cues"].keys():
            cue_type = sets["cues"].get(m.group(2)) or sets["heads"].get(m.group(2))
            end = span[-1].start + len(m.group(1))
        else:
            end = span[-1].end
        start = span[0].start
        # drop a sentence-initial common word ("Dette", "Projektet", "The")
        while start in starts or _prev_is_bullet(text, start):
            first = text[start:end].split(" ", 1)[0]
            low = first.casefold()
            common = low in sets["stop"] or low in sets["cues"] or (
                simplemma.is_known(low, lang) and not first.isupper() and " " in text[start:end]
                and lexgaz.lookup(first, lang, fuzzy=False) is None)  # fmt: skip
            if not common:
                break
            rest = text[start:end].split(" ", 1)
            if len(rest) == 1:
                start = end
                break
            start = start + len(first) + 1
        if start >= end:
            continue
        label = text[start:end].strip()
        if not label or label.casefold() in sets["stop"] or label.casefold() in sets["months"]:
            continue
        if label.isdigit() or (len(label) < 2):
            continue
        if label.casefold() in sets["roles"] or not (label[:1].isupper() or label[:1].isdigit()):
            continue
        if (
            " " not in label
            and _initial(text, start)
            and not _inner_capital(label)
            and not any(
                g is not None and g.lookup(label, lang, fuzzy=False) for g in (gazetteer, lexgaz)
            )
        ):
            continue
        before = text[max(0, start - 40) : start].split()
        prev = before[-1].casefold() if before else ""
        mentions.append((start, end, label, None, cue_type or sets["cues"].get(prev)))
    mentions.sort()
    return _resolve(mentions, text, lang, gazetteer, lexgaz)


def _initial(text: str, start: int) -> bool:
    """Whether a word at ``start`` opens a sentence, line, heading or quote."""
    before = text[max(0, start - 30) : start].rstrip(" \t«“\"'(")
    return not before or before[-1] in ".!?:\n•–-;"


def _inner_capital(word: str) -> bool:
    return word.isupper() or any(c.isupper() for c in word[1:])


def _prev_is_bullet(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return text[line_start:start].strip() in {"•", "-", "–", "*"}


def classify(label: str, language: str, gazetteer: Gazetteer | None, cue: str | None,
             text_after: str) -> tuple[str, str, str | None]:  # fmt: skip
    """(type, name, iri) of a proper-name chunk."""
    sets = _sets(language)
    if gazetteer is not None:
        match = gazetteer.lookup(label, language)
        if match:
            return match.type, match.name, match.iri
    known = lexicon_gazetteer(language).lookup(label, language)
    if known:
        return known.type, known.name, None
    words = label.split()
    if words[-1].casefold() in sets["legal"] and len(words) > 1:
        return "Firm", label, None
    low = label.casefold()
    for prefix, type_ in sets["prefixes"]:
        if low.startswith(prefix + " ") or low == prefix:
            return type_, label, None
    head = head_type(words, language)
    if head:
        return head, label, None
    if cue:
        return cue, label, None
    if (
        2 <= len(words) <= 3
        and words[0] in sets["first_names"]
        and all(w[:1].isupper() for w in words)
    ):
        return "Person", label, None
    before, _, after = text_after.casefold().partition("\x00")
    if (
        2 <= len(words) <= 3
        and all(w[:1].isupper() and w[1:].islower() for w in words)
        and any(
            re.search(rf"(?<!\w){re.escape(r)}[\s,:]*$", before)
            or re.match(rf"^\s*[,(–-]\s*{re.escape(r)}(?!\w)", after)
            for r in sets["roles"]
        )
    ):
        return "Person", label, None
    return "Other", label, None


def _resolve(mentions, text, lang, gazetteer, lexgaz) -> list[Entity]:
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
        if (
            entities
            and match is None
            and " " not in label
            and label[:1].isupper()
            and _inner_capital(label)
        ):
            prev = max(entities, key=lambda e: e.mentions[-1][1])
            gap = text[prev.mentions[-1][1] : start]
            if gap.strip() in {"(", "–", "-", "—", ", (", "«"} and len(gap) <= 4:
                prev.mentions.append((start, end))
                for k in keys:
                    by_key.setdefault(k, prev)
                continue
        entity = next((by_key[k] for k in keys if k in by_key), None)
        if entity is None and type_ in ORG_TYPES | {"Project", "Programme"}:
            entity = _partial(label, entities)
        if entity is None:
            entity = Entity(f"e{len(entities) + 1}", label, name, type_, start, end, iri)
            entities.append(entity)
        elif entity.type == "Other" and type_ != "Other":
            entity.type = type_
        entity.mentions.append((start, end))
        for k in keys:
            by_key.setdefault(k, entity)
        entity.keys |= keys
    return entities


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
