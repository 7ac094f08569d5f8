"""Known names → (IRI, type, canonical name), for linking what a document names to the graph.

Built from a store by one SELECT over ``rdfs:label``, ``skos:altLabel``, ``skos:hiddenLabel``
and ``nbkg:abbreviation``, or from rows in tests. Lookups forgive case, inflection (endings
from the lexicon, lemmas from simplemma), abbreviations and small spelling differences
(rapidfuzz, above a threshold, only between compatible types). Names are indexed by their
normalised form and by token, so a large graph's names are found in constant time per token.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import simplemma
from rapidfuzz import fuzz

from nbkg.extraction.lexicon import LANGUAGES, lexicon
from nbkg.extraction.text import Token, fold, normalise, tokens

NBKG = "https://w3id.org/nbkg/def#"
TYPES = {
    "Cluster": "Cluster",
    "Firm": "Firm",
    "ResearchOrganisation": "ResearchOrganisation",
    "Funder": "Funder",
    "PublicBody": "PublicBody",
    "Programme": "Programme",
    "Project": "Project",
    "Region": "Region",
    "Country": "Country",
    "Person": "Person",
    "OtherOrganisation": "Other",
    "Organisation": "Other",
    "SupranationalArea": "Other",
    "Place": "Region",
}
# When a thing has several classes, the most telling one wins.
_PRIORITY = list(TYPES.values())
# Types a fuzzy match may cross into (an organisation named as a funder, and so on).
_COMPATIBLE = {
    "Funder": {"PublicBody", "Programme", "Other"},
    "PublicBody": {"Funder", "Region"},
    "Programme": {"Funder", "Project"},
    "Project": {"Programme", "Cluster"},
    "Cluster": {"Other", "Project", "Firm"},
    "Firm": {"Other", "Cluster"},
    "Other": {"Firm", "Cluster", "ResearchOrganisation", "Funder", "PublicBody"},
    "ResearchOrganisation": {"Other"},
    "Region": {"PublicBody", "Country"},
    "Country": {"Region"},
}
QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX nbkg: <https://w3id.org/nbkg/def#>
SELECT ?s ?type ?label ?kind WHERE {
  VALUES ?type { TYPES }
  ?s a ?type .
  { ?s rdfs:label ?label BIND("label" AS ?kind) }
  UNION { ?s skos:altLabel ?label BIND("alt" AS ?kind) }
  UNION { ?s skos:hiddenLabel ?label BIND("alt" AS ?kind) }
  UNION { ?s nbkg:abbreviation ?label BIND("abbr" AS ?kind) }
}
""".replace("TYPES", " ".join(f"nbkg:{t}" for t in TYPES))


@dataclass(frozen=True)
class Match:
    iri: str | None
    type: str
    name: str
    score: float = 100.0


def compatible(a: str, b: str) -> bool:
    return a == b or b in _COMPATIBLE.get(a, ())


@cache
def _endings(language: str | None) -> tuple[str, ...]:
    ends = lexicon(language).get("name_endings") or []
    return tuple(sorted({e for e in ends if e}, key=len, reverse=True))


def variants(surface: str, language: str | None) -> list[str]:
    """Normalised forms a name written as ``surface`` may have in its base form."""
    key = normalise(surface)
    out = [key]
    if not key:
        return out
    head, _, last = key.rpartition(" ")
    prefix = f"{head} " if head else ""
    if ":" in last[1:]:
        # an abbreviation's case ending after a colon ("EAKR:n", "EU:s")
        out.append(prefix + last.split(":")[0])
    for ending in _endings(language):
        if last.endswith(ending) and len(last) - len(ending) >= 3:
            out.append(prefix + last[: -len(ending)])
    if language in LANGUAGES and last.isalpha():
        lemma = simplemma.lemmatize(last, lang=language).casefold()
        if lemma != last:
            out.append(prefix + lemma)
    return out


class Gazetteer:
    """Known names, each normalised surface pointing at (IRI, type, canonical name)."""

    fuzzy_threshold = 90.0
    _max_postings = 400

    def __init__(self) -> None:
        self._exact: dict[str, list[Match]] = {}
        self._strict: set[str] = set()  # short all-caps abbreviations: case must match
        self._loose: set[str] = set()
        self._firsts: set[str] = set()
        self._postings: dict[str, set[str]] = defaultdict(set)
        self.max_tokens = 1

    def __len__(self) -> int:
        return len(self._exact)

    def add(self, surface: str, iri: str | None, type_: str, name: str | None = None) -> None:
        key = normalise(surface)
        if not key:
            return
        match = Match(iri, type_, name or surface)
        existing = self._exact.setdefault(key, [])
        if match not in existing:
            existing.append(match)
        # an all-caps abbreviation needs its case, unless the name is also written otherwise
        if surface.isupper() and len(surface) <= 5 and key not in self._loose:
            self._strict.add(key)
        elif not surface.isupper():
            self._loose.add(key)
            self._strict.discard(key)
        words = [t.text for t in tokens(key)]
        self.max_tokens = max(self.max_tokens, len(words), len(tokens(surface)))
        self._firsts.add(words[0])
        # "Nærings- og fiskeridepartementet" starts with the token "Nærings"
        self._firsts.add(tokens(surface)[0].text.casefold())
        for word in {fold(w) for w in words if len(w) >= 3}:
            self._postings[word].add(key)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any] | tuple]) -> Gazetteer:
        """Rows of (surface, iri, type[, name]) or mappings with those keys."""
        gaz = cls()
        for row in rows:
            if isinstance(row, Mapping):
                gaz.add(row["surface"], row.get("iri"), row["type"], row.get("name"))
            else:
                gaz.add(*row)
        return gaz

    @classmethod
    def from_store(cls, store: Any) -> Gazetteer:
        """Every labelled entity of the store's classes that the contract types name."""
        rows = store.select(QUERY)
        labels: dict[str, str] = {}
        types: dict[str, str] = {}
        surfaces: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            iri, label = str(row["s"]), str(row["label"])
            kind = TYPES[str(row["type"]).removeprefix(NBKG)]
            if iri not in types or _PRIORITY.index(kind) < _PRIORITY.index(types[iri]):
                types[iri] = kind
            if str(row["kind"]) == "label":
                labels.setdefault(iri, label)
            surfaces[iri].add(label)
        gaz = cls()
        for iri, names in surfaces.items():
            canonical = labels.get(iri) or min(names, key=len)
            for surface in names:
                gaz.add(surface, iri, types[iri], canonical)
        return gaz

    # -- lookups ---------------------------------------------------------------------------

    def _exact_match(self, surface: str, key: str, type_: str | None) -> Match | None:
        found = self._exact.get(key)
        if not found or (key in self._strict and not surface.isupper()):
            return None
        if type_:
            for match in found:
                if match.type == type_:
                    return match
            for match in found:
                if compatible(type_, match.type):
                    return match
            return None
        return found[0]

    def lookup(
        self,
        surface: str,
        language: str | None = None,
        type_: str | None = None,
        *,
        fuzzy: bool = True,
    ) -> Match | None:
        """The known entity ``surface`` names, or None."""
        for key in variants(surface, language):
            match = self._exact_match(surface, key, type_)
            if match:
                return match
        if not fuzzy or len(surface) < 5:
            return None
        return self._fuzzy(surface, type_)

    def _fuzzy(self, surface: str, type_: str | None) -> Match | None:
        folded = fold(surface)
        words = [w for w in folded.split() if len(w) >= 3]
        lists = [self._postings[w] for w in words if w in self._postings]
        lists = [p for p in lists if len(p) <= self._max_postings]
        if not lists:
            return None
        best: tuple[float, Match] | None = None
        for key in min(lists, key=len):
            score = fuzz.ratio(folded, fold(key))
            if score < self.fuzzy_threshold or (best and score <= best[0]):
                continue
            for match in self._exact[key]:
                if type_ is None or compatible(type_, match.type):
                    best = (score, Match(match.iri, match.type, match.name, score))
                    break
        return best[1] if best else None

    def scan(
        self, toks: list[Token], text: str, language: str | None
    ) -> list[tuple[int, int, Match]]:
        """Longest known names in a token list: (first token, end token, match)."""
        found = []
        i = 0
        while i < len(toks):
            tok = toks[i]
            first = tok.text.casefold()
            if not (tok.capital or tok.text.isupper()) or not (
                first in self._firsts or self._first_variant(first, language)
            ):
                i += 1
                continue
            hit = None
            for j in range(min(len(toks), i + self.max_tokens), i, -1):
                surface = text[tok.start : toks[j - 1].end]
                if not toks[j - 1].text[-1:].isalnum() and toks[j - 1].text != "!":
                    continue
                for key in variants(surface, language):
                    match = self._exact_match(surface, key, None)
                    if match:
                        hit = (i, j, match)
                        break
                if hit:
                    break
            if hit:
                found.append(hit)
                i = hit[1]
            else:
                i += 1
        return found

    def _first_variant(self, first: str, language: str | None) -> bool:
        return any(v in self._firsts for v in variants(first, language)[1:])
