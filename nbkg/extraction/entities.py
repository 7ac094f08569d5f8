"""Named entities of a document: known names (graph gazetteer, lexicon), then proper-name
chunks typed by legal forms, head nouns, cue words, given names and definitions."""

from __future__ import annotations

import re

import simplemma

from nbkg.extraction import amounts
from nbkg.extraction.gazetteer import Gazetteer, Match
from nbkg.extraction.lexicon import LANGUAGES
from nbkg.extraction.naming import (
    ORG_TYPES,
    _compound_head,
    _sets,
    extended_names,
    head_type,
    inner_capital,
    lexicon_gazetteer,
)
from nbkg.extraction.resolve import Entity, resolve, retype_by_definition, retype_by_role
from nbkg.extraction.text import Token

__all__ = ["ORG_TYPES", "Entity", "find"]

CONNECTORS = {"of", "for", "and", "&", "i", "og", "och", "de", "do", "da", "dos", "das", "för",
              "af", "on", "für", "und", "á", "í", "ja", "av"}  # fmt: skip
COORDINATORS = {"and", "og", "och", "ja", "e", "und", "sekä", "eller", "or", "ou", "samt"}
# connectors that, after a company or a person, start a place ("AS i Herøy", "X of Centria")
_PLACE_CONNECTORS = {"i", "í", "á", "of", "de", "do", "da"}
# connectors that join a name to its last part ("Smak av Sogn", "Bank of Åland")
_CLOSERS = {'"', "”", "»", ")", "“", "'"}
_QUOTES = str.maketrans({q: " " for q in '"«“„'})
_ARTICLES = {"o", "a", "os", "as", "the"}
_ADJECTIVE_ENDINGS = ("al", "ais", "ic", "ical", "ico", "ica", "ivo", "iva", "ável", "ível")
_OF_CONNECTORS = {"av", "af", "of"}


def _chunks(
    toks: list[Token], text: str, language: str, covered: set[int]
) -> list[tuple[int, int]]:
    """Runs of capitalised tokens (with connectors and trailing heads or legal forms)."""
    sets = _sets(language)
    legal, heads = sets["legal"], sets["heads"]
    out = []
    i = 0
    while i < len(toks):
        if i in covered or not _is_name_token(toks[i]):
            i += 1
            continue
        j = i + 1
        while j < len(toks) and j not in covered:
            t = toks[j]
            low = t.text.casefold()
            gap = text[toks[j - 1].end : t.start]
            if "\n" in gap or gap.strip():
                break
            prev = toks[j - 1].text
            if _is_name_token(t):
                if prev.casefold() in legal and j - 1 > i:
                    break
                if (t.text in sets["first_names"] and prev.isupper() and len(prev) > 1
                        and j + 1 < len(toks) and _is_name_token(toks[j + 1])):  # fmt: skip
                    break  # "lektor ved SDU Sofie Lund": a body, then a person
                j += 1
            elif (low in CONNECTORS and not (low == "on" and language == "fi")
                  and j + 1 < len(toks)
                  and _is_name_token(toks[j + 1]) and j + 1 not in covered
                  and not text[t.end : toks[j + 1].start].strip()
                  and not (low in _PLACE_CONNECTORS and (
                      prev.casefold() in legal or _person_start(toks[i:j], sets)))):  # fmt: skip
                j += 2
            elif (low in CONNECTORS | {"para"} and j + 2 < len(toks) and j + 2 not in covered
                  and toks[j + 1].text in _ARTICLES and _is_name_token(toks[j + 2])
                  and text[t.end : toks[j + 2].start].split() == [toks[j + 1].text]):  # fmt: skip
                # "Agência Sueca para o Crescimento", "Centre for the Study"
                j += 3
            elif (low in COORDINATORS and j + 1 < len(toks) and j + 1 not in covered
                  and _common_tail(toks, j + 1, text, language)):  # fmt: skip
                # an adjective closing a name ("Crescimento Económico e Regional")
                j += 2
                break
            elif (low in legal or low + "." in legal) and (
                not t.text.islower() or {low, low + "."} & sets["legal_lower"]
            ):
                j += 1
                if (
                    low + "." in legal
                    and j < len(toks)
                    and toks[j].text == "."
                    and (toks[j].start == t.end)
                ):
                    j += 1
                break
            elif (low in heads and not prev.endswith(("'s", "’s"))
                  and not (heads[low] == "Project" and j + 1 < len(toks)
                           and _is_name_token(toks[j + 1]))):  # fmt: skip
                # ("i Vasa projektet NordLignin": the name after "projektet" is the project's)
                j += 1
                # a name may follow its head ("Regionale forskningsfond Innlandet")
                while (j < len(toks) and j not in covered and _is_name_token(toks[j])
                       and text[toks[j - 1].end : toks[j].start] == " "
                       and toks[j].text.casefold() not in legal):  # fmt: skip
                    j += 1
                break
            else:
                break
        # a year closing a quoted or bracketed name ("Madeira Inteligente 2030") or the name
        # of a project ("projektet Fiberförpack 2030")
        if (j < len(toks) and toks[j].text.isdigit() and len(toks[j].text) == 4
                and j not in covered and text[toks[j - 1].end : toks[j].start] == " "
                and (j + 1 < len(toks) and toks[j + 1].text in _CLOSERS
                     and toks[j + 1].start == toks[j].end
                     or _project_word(toks[i].text, sets)
                     or i > 0 and _project_word(toks[i - 1].text, sets))):  # fmt: skip
            j += 1
        out.append((i, j))
        i = j
    return out


def _grant_heading(text: str, start: int, end: int, lang: str) -> bool:
    """Whether a name alone at the start of a line is followed only by a sum of money
    ("LökSkal – 4,2 miljoner kronor", "BetuLift: EUR 1,650,000")."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    rest = text[end : line_end if line_end >= 0 else len(text)]
    if text[line_start:start].strip() or not re.match(r"\s*[–—:-]\s*\S", rest):
        return False
    found = amounts.find(rest, lang)
    return bool(found) and not rest[found[-1][1] :].strip(" .")


def _abbreviated(text: str, start: int, end: int) -> bool:
    """Whether a name is followed by its initials in brackets ("Höga Kusten Bioraffinaderi
    (HKB)"), so its first word is part of it."""
    m = re.match(r"\s*\(([A-ZÆØÅÄÖÞÐ]{2,6})\)", text[end : end + 12])
    initials = "".join(w[0] for w in text[start:end].split() if w[:1].isupper())
    return bool(m) and m.group(1) == initials.upper()


def _head_at_place(span: list[Token], sets: dict) -> bool:
    """Whether a chunk is a body named by its compound head and its place ("Sjávarklasinn á
    Vestfjörðum", "Treklyngen i Innlandet"): one name, not a body and a place."""
    return (
        len(span) == 3
        and span[1].text.casefold() in _PLACE_CONNECTORS | {"på"}
        and _compound_head(span[0].text, sets) in ("Cluster", "Other", "PublicBody", "Funder")
        and not (
            (m := lexicon_gazetteer(sets["language"]).lookup(span[2].text, sets["language"]))
            and m.type == "Country"
        )
    )


def _project_word(word: str, sets: dict) -> bool:
    low = word.casefold()
    return sets["cues"].get(low) == "Project" or sets["heads"].get(low) == "Project"


def _common_tail(toks: list[Token], k: int, text: str, language: str) -> bool:
    """Whether token ``k`` is a capitalised common adjective ending a name ("Regional")."""
    tok = toks[k]
    low = tok.text.casefold()
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    return (
        tok.text[:1].isupper() and tok.text[1:].islower()
        and text[toks[k - 1].end : tok.start] == " "
        and (nxt is None or not (_is_name_token(nxt) or nxt.text.casefold() in CONNECTORS)
             or text[tok.end : nxt.start].strip() != "")
        and low.endswith(_ADJECTIVE_ENDINGS)
        and simplemma.is_known(low, language)
        and not lexicon_gazetteer(language).lookup(tok.text, language, fuzzy=False)
    )  # fmt: skip


def _person_start(span: list[Token], sets: dict) -> bool:
    """Whether tokens open with a given name followed by a surname ("Anna Lindqvist")."""
    return 2 <= len(span) <= 3 and span[0].text in sets["first_names"]


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
    for a, b, match in extended_names(toks, text, lang, lexgaz):
        taken |= set(range(a, b))
        mentions.append((toks[a].start, toks[b - 1].end, match.name, match, None))
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
            if (not known and toks[k].text.casefold() in COORDINATORS
                    and not (k + 2 == j and _common_tail(toks, k + 1, text, lang))):  # fmt: skip
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
        if _head_at_place(toks[i:j], sets):
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
                # ... and a place ending a name after "of" stays in it ("Smak av Sogn")
                if (
                    match.type == "Region"
                    and i + b == j
                    and a > 1
                    and toks[i + a - 1].text.casefold() in _OF_CONNECTORS
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
                and first not in sets["first_names"]
                and not _abbreviated(text, start, end)
                and lexgaz.lookup(first, lang, fuzzy=False) is None
                and not _written_inside(text, text[start:end]))  # fmt: skip
            if not common:
                break
            rest = text[start:end].split(" ", 1)
            if len(rest) == 1:
                start = end
                break
            start = start + len(first) + 1
        if start >= end:
            continue
        start, end, lead_type = _strip_lead(text, start, end, sets, lang)
        cue_type = cue_type or lead_type
        label = text[start:end].strip()
        if _junk(label, sets):
            continue
        if not label or label.casefold() in sets["stop"] or label.casefold() in sets["months"]:
            continue
        if label.isdigit() or (len(label) < 2):
            continue
        if label.casefold() in sets["roles"] or not (label[:1].isupper() or label[:1].isdigit()):
            continue
        if (
            " " not in label
            and _initial(text, start)
            and not inner_capital(label)
            and _compound_head(label, sets) in (None, "Project", "Programme")
            and not any(
                g is not None and g.lookup(label, lang, fuzzy=False) for g in (gazetteer, lexgaz)
            )
        ):
            continue
        # the cue word may stand before an opening quote ('o projeto "Madeira 2030"')
        before = text[max(0, start - 40) : start].translate(_QUOTES).split()
        prev = before[-1].casefold() if before else ""
        if prev.endswith(",") and text[end : end + 1] in (",", ")"):
            prev = prev[:-1]  # an apposition ("The project, MycoPack Nordic, starts")
            if head_type([prev], lang) in ("Project", "Programme", "Cluster"):
                cue_type = cue_type or head_type([prev], lang)  # "rannsóknarverkefni, X,"
        cue = cue_type or sets["cues"].get(prev)
        if cue is None and _grant_heading(text, start, end, lang):
            cue = "Project"  # "LökSkal – 4,2 miljoner kronor" heads a list of grants
        if cue in ("Project", "Programme") and " " not in label or _org_head_last(label, sets):
            end = _sentence_cased(text, end, sets)
            label = text[start:end]
        elif " " not in label and (defined := _defined_tail(text, end, sets)):
            end, cue = defined  # "Grønn plattform, en ordning som ..."
            label = text[start:end]
        if cue is None and prev in sets["locatives"]:
            cue = "Region"
        elif (
            cue is None
            and prev in sets["from_words"]
            and len(before) > 1
            and (before[-2].casefold().rstrip(",") in sets["legal"])
        ):
            cue = "Region"  # "Lofotfôr AS from Sortland", "Vestfôr AS fra Bergen"
        mentions.append((start, end, label, None, cue))
    mentions.sort()
    mentions = _coordinated(mentions, text, sets)
    found = resolve(mentions, text, lang, gazetteer, lexgaz)
    retype_by_role(found, text, sentences, lang)
    retype_by_definition(found, text, lang)
    return found


_LEAD_DASH = re.compile(r"^\w+-([^\W\d_A-ZÆØÅÄÖÞÐ][^\W\d_]*) ", re.UNICODE)
_TIME = re.compile(r"^\d[\d\-:T.+]*$|^\d+-[^\W\d_]+$", re.UNICODE)


def _strip_lead(
    text: str, start: int, end: int, sets: dict, lang: str
) -> tuple[int, int, str | None]:
    """Drop what opens a chunk without being the name: a role ("CEO of X"), an adjective in
    a dash compound ("Kokkola-based X"), a type word ("EU-programmet X", "Sjømatklyngen X Y")."""
    cue = None
    for _ in range(2):
        label = text[start:end]
        first, _, rest = label.partition(" ")
        if not rest:
            break
        low = first.casefold()
        m = _LEAD_DASH.match(label)
        if first.islower() and (low in sets["cues"] or low in sets["heads"]):
            # a type word left after a dropped article ("O projeto ResiFlor")
            cue = sets["cues"].get(low) or sets["heads"].get(low)
            skip = len(first) + 1
        elif low in sets["roles"]:
            nxt, _, after = rest.partition(" ")
            skip = len(first) + 1 + (len(nxt) + 1 if nxt.casefold() in CONNECTORS and after else 0)
        elif m:
            suffix = m.group(1).casefold()
            cue = sets["cues"].get(suffix) or sets["heads"].get(suffix) or cue
            skip = len(first) + 1
        elif (
            rest[:1].isupper()  # not "Sjávarklasinn á Vestfjörðum"
            and (head := _compound_head(first, sets))
            and (len(rest.split()) >= 2 or head == "Project")  # "Rannsóknarverkefninu HampHús"
            and not first.isupper()
        ):
            cue = head
            skip = len(first) + 1
        else:
            break
        start += skip
    return start, end, cue


_LOWER_TAIL = re.compile(r" (\w+)((?: [^\W\d_A-ZÆØÅÄÖÞÐÁÉÍÓÚ][\w-]*){1,3})(?=[.,;:)\n]| ?\(|$)")


_DEFINED_TAIL = re.compile(
    r" ([^\W\d_A-ZÆØÅÄÖÞÐÁÉÍÓÚ][\w-]*), (?:en|ei|et|ett|eit|a|an|um|uma|o) ([^\W\d_]+)"
)


def _defined_tail(text: str, end: int, sets: dict) -> tuple[int, str] | None:
    """A one-word name going on in lower case up to its definition as a programme or project
    ("Grønn plattform, en ordning"): the name's end and its type."""
    m = _DEFINED_TAIL.match(text, end)
    if not m or m.group(1).casefold() in sets["stop"] | CONNECTORS:
        return None
    word = m.group(2).casefold()
    type_ = sets["cues"].get(word) or sets["heads"].get(word)
    return (m.end(1), type_) if type_ in ("Project", "Programme") else None


def _org_head_last(label: str, sets: dict) -> bool:
    """Whether a name ends in an organisation's head noun that a field may follow
    ("Norsk institutt" for bioøkonomi)."""
    words = label.split()
    head = sets["heads"].get(words[-1].casefold()) if len(words) > 1 else None
    return head in ("ResearchOrganisation", "PublicBody", "Other", "Funder")


def _sentence_cased(text: str, end: int, sets: dict) -> int:
    """The end of a programme's or project's name written in sentence case after its type
    word ("programmet Cirkulär och biobaserad ekonomi.", "prosjektet Tre i tett by,"): a
    connector and up to three lower-case words running to a punctuation mark."""
    m = _LOWER_TAIL.match(text, end)
    if not m or m.group(1).casefold() not in CONNECTORS | COORDINATORS:
        return end
    words = m.group(2).split()
    if any(w.casefold() in sets["stop"] or w.casefold() in CONNECTORS for w in words):
        return end
    return m.end()


def _written_inside(text: str, label: str) -> bool:
    """Whether ``label`` also stands inside a sentence, so its first word belongs to it."""
    at = text.find(label)
    while at >= 0:
        before = text[max(0, at - 3) : at].rstrip(" «“\"'(")
        if before and before[-1].isalnum() or before.endswith(","):
            return True
        at = text.find(label, at + 1)
    return False


def _junk(label: str, sets: dict) -> bool:
    """Currency codes, multipliers, times and "40-tal": capitalised, but not names."""
    return label in sets["money"] or bool(_TIME.match(label))


def _coordinated(mentions: list, text: str, sets: dict) -> list:
    """Names in a coordination share the cue before it ("kommunerna A och B") and the head
    after it ("Aabenraa og Sønderborg Kommuner", "Oulun ja Kajaanin kaupungit")."""
    out = list(mentions)
    chain: list[int] = []
    for k, m in enumerate(out):
        if chain and not _COORD_GAP.match(text[out[chain[-1]][1] : m[0]]):
            _share(out, chain, sets)
            chain = []
        chain.append(k)
    if chain:
        _share(out, chain, sets)
    return out


_COORD_GAP = re.compile(r"^(?:\s*,\s*|\s+(?:" + "|".join(sorted(COORDINATORS | {"&"})) + r")\s+)$")


def _share(out: list, chain: list[int], sets: dict) -> None:
    if len(chain) < 2:
        return
    start, end, label, match, cue = out[chain[-1]]
    head, _, last = label.rpartition(" ")
    bare = " " not in out[chain[-2]][2]  # "A og B kommuner", not "A kommune og B kommune"
    last_type = sets["heads"].get(last.casefold()) if head and bare and match is None else None
    if last_type:
        out[chain[-1]] = (start, start + len(head), head, None, last_type)
        cue = last_type
    else:
        cue = out[chain[0]][4]
    if cue is None:
        return
    for k in chain:
        s, e, lab, mat, c = out[k]
        words = lab.split()
        if (mat is None and (c is None or c == "Region") and len(words) <= 2
                and words[-1].casefold() not in sets["legal"]):  # fmt: skip
            out[k] = (s, e, lab, mat, cue)


def _initial(text: str, start: int) -> bool:
    """Whether a word at ``start`` opens a sentence, line, heading or quote."""
    before = text[max(0, start - 30) : start].rstrip(" \t«“\"'(")
    return not before or before[-1] in ".!?:\n•–-;"


def _prev_is_bullet(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return text[line_start:start].strip() in {"•", "-", "–", "*"}
