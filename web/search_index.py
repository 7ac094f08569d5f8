"""The in-memory name index behind ``/search``, ``/api/suggest`` and the labels of lists.

Built once per application from two SELECTs (every name of every IRI; the searchable
entities with class and country), never one query per entity. Names are *folded* so that
what a reader types meets what a source wrote: lower case, accents dropped, Nordic letters
spelled out (ø→o, æ→ae, å→a, ð→d, þ→th) and "aa" read as "a", so "tromso" finds Tromsø,
"varmland" Värmland and "Aalesund" Ålesund.

A search looks the folded query up in one string holding every folded name (a C-speed
``str.find``), then ranks the entities hit: the whole name, then the start of a name, then
the start of a word, then anywhere inside, then (for queries of several words) every word
somewhere in the entity's names. Ties go to the weightier class (clusters first), then to
the name.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from typing import NamedTuple

from flask import Flask
from rdflib import Literal, Node

from nbkg.graph.namespace import NBKG
from nbkg.graph.store import Store

#: Searchable classes, weightiest first: ties in rank go to the class earlier here.
CLASSES = (
    "Cluster",
    "Firm",
    "ResearchOrganisation",
    "Funder",
    "PublicBody",
    "OtherOrganisation",
    "Programme",
    "Project",
    "Region",
    "Country",
    "SupranationalArea",
    "Person",
    "Document",
)
_WEIGHT = {name: i for i, name in enumerate(CLASSES)}

_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
#: Names shown as an entity's label; the others only help find it.
DISPLAY = frozenset({_RDFS_LABEL, f"{_SKOS}prefLabel", "http://xmlns.com/foaf/0.1/name"})
HIDDEN = f"{_SKOS}hiddenLabel"

#: How well a name matches, best first.
EXACT, NAME_PREFIX, WORD_PREFIX, INSIDE, ALL_WORDS = range(5)

_SPELLED_OUT = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "đ": "d", "þ": "th", "ł": "l", "ı": "i"}
)
_NOT_WORD = re.compile(r"[\W_]+")
_DOUBLE_A = re.compile(r"a{2,}")
#: Combining marks (accents once NFKD has split them off): the BMP's, as one character class.
_COMBINING = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x10000) if unicodedata.combining(chr(c))) + "]"
)


def fold(text: str) -> str:
    """The form names are compared in.

    >>> fold("Tromsø"), fold("Värmland"), fold("Ålesund") == fold("AALESUND")
    ('tromso', 'varmland', True)
    >>> fold("  Lantmännen Food R&D! "), fold("Þingeyjarsveit"), fold("Bændasamtök")
    ('lantmannen food r d', 'thingeyjarsveit', 'baendasamtok')
    """
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_SPELLED_OUT))
        text = _COMBINING.sub("", text)
    text = _DOUBLE_A.sub("a", text)
    return _NOT_WORD.sub(" ", text).strip()


def _rq(name: str) -> str:
    return files("nbkg.web").joinpath(f"rq/{name}.rq").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Name:
    text: Literal
    predicate: str
    folded: str


@dataclass
class Entry:
    """A searchable entity."""

    iri: str
    kind: str
    countries: tuple[str, ...]
    names: list[Name] = field(default_factory=list)
    _order: tuple[int, str, str] | None = field(default=None, repr=False, compare=False)
    #: Where the entity stands in :attr:`order` among all entities: hits sort on integers.
    position: int = field(default=0, repr=False, compare=False)

    @property
    def weight(self) -> int:
        return _WEIGHT.get(self.kind, len(CLASSES))

    @property
    def order(self) -> tuple[int, str, str]:
        """How the entity sorts among hits of equal rank: class weight, then name."""
        if self._order is None:
            shown = [n for n in self.names if n.predicate in DISPLAY] or self.names
            first = min(shown, key=lambda n: str(n.text)).folded if shown else ""
            self._order = (self.weight, first, self.iri)
        return self._order

    @property
    def labels(self) -> list[Literal]:
        shown = [n.text for n in self.names if n.predicate in DISPLAY]
        return shown or [n.text for n in self.names if n.predicate != HIDDEN]


class Hit(NamedTuple):
    """One entity found, with how well and by which name (a tuple: searches make thousands)."""

    entry: Entry
    rank: int
    #: The name that matched best.
    name: Name

    @property
    def matched_other_name(self) -> Literal | None:
        """The matching name when it is an alternative one worth showing (not hidden)."""
        if self.name.predicate in DISPLAY or self.name.predicate == HIDDEN:
            return None
        return self.name.text


@dataclass
class Found:
    """The hits for a query under the chosen facets, best first, with facet counts."""

    query: str
    hits: list[Hit]
    types: Counter[str]
    countries: Counter[str]


class NameIndex:
    def __init__(
        self, names: Iterable[Mapping[str, Node]], entities: Iterable[Mapping[str, Node]]
    ) -> None:
        """Build from rows of ``search-names.rq`` and of :func:`entity_rows`."""
        self._names: dict[str, list[Name]] = defaultdict(list)
        for row in names:
            text = row["name"]
            assert isinstance(text, Literal)
            self._names[str(row["s"])].append(Name(text, str(row["p"]), fold(str(text))))
        for iri, listed in self._names.items():  # a server's union repeats shared statements
            self._names[iri] = list(dict.fromkeys(listed))
        kinds: dict[str, str] = {}
        countries: dict[str, list[str]] = defaultdict(list)
        for row in entities:
            iri, kind = str(row["s"]), str(row["type"]).rpartition("#")[2]
            if iri not in kinds or _WEIGHT[kind] < _WEIGHT[kinds[iri]]:
                kinds[iri] = kind
            code = str(row.get("code", "")).upper()
            if code and code not in countries[iri]:
                countries[iri].append(code)
        self.entries = [
            Entry(iri, kind, tuple(sorted(countries[iri])), self._names.get(iri, []))
            for iri, kind in kinds.items()
        ]
        for position, entry in enumerate(sorted(self.entries, key=lambda e: e.order)):
            entry.position = position
        self.country_iris = {
            e.countries[0]: e.iri
            for e in self.entries
            if e.kind in ("Country", "SupranationalArea") and e.countries
        }
        # One string of every folded name, "\n" around each, and where each name starts.
        self._owners: list[tuple[Entry, Name]] = []
        parts: list[str] = []
        self._starts: list[int] = []
        offset = 1
        for entry in self.entries:
            for name in entry.names:
                if not name.folded:
                    continue
                self._owners.append((entry, name))
                self._starts.append(offset)
                parts.append(name.folded)
                offset += len(name.folded) + 1
        self._haystack = "\n" + "\n".join(parts) + "\n"

    @classmethod
    def from_store(cls, store: Store) -> NameIndex:
        entities = entity_rows(
            store.select(_rq("search-kinds")),
            store.select(_rq("search-countries")),
            store.select(_rq("search-country-codes")),
        )
        return cls(store.select(_rq("search-names")), entities)

    # -- labels ------------------------------------------------------------------------

    def labels(self, iri: str) -> list[Literal]:
        """The display labels of any IRI (entity, class or concept); empty if it has none."""
        names = self._names.get(str(iri), [])
        shown = [n.text for n in names if n.predicate in DISPLAY]
        return shown or [n.text for n in names if n.predicate != HIDDEN]

    def class_labels(self, kind: str) -> list[Literal]:
        return self.labels(str(NBKG[kind]))

    def country_labels(self, code: str) -> list[Literal]:
        iri = self.country_iris.get(code.upper())
        return self.labels(iri) if iri else []

    # -- search ------------------------------------------------------------------------

    def search(self, query: str, *, kind: str | None = None, country: str | None = None) -> Found:
        """Entities whose names match ``query``, ranked, filtered by class and country code.

        Facet counts of each facet take the other facet's filter into account.
        """
        folded = fold(query)
        hits = self._rank(folded) if folded else []
        kind = kind or None
        country = country.upper() if country else None
        in_kind = [h for h in hits if kind is None or h.entry.kind == kind]
        in_country = [h for h in hits if country is None or country in h.entry.countries]
        types = Counter(h.entry.kind for h in in_country)
        countries = Counter(c for h in in_kind for c in h.entry.countries)
        chosen = [h for h in in_kind if country is None or country in h.entry.countries]
        return Found(query, chosen, types, countries)

    def _rank(self, folded: str) -> list[Hit]:
        # Per entity: its best (rank, alternative name?) as one integer, and that name.
        best: dict[int, tuple[int, Entry, Name]] = {}
        spaced = f" {folded}"
        # One letter is in most names: then only names that start with it.
        for entry, name in self._containing(folded, starting=len(folded) < 2):
            text = name.folded
            if text == folded:
                rank = EXACT
            elif text.startswith(folded):
                rank = NAME_PREFIX
            elif spaced in text:
                rank = WORD_PREFIX
            else:
                rank = INSIDE
            score = 2 * rank + (name.predicate not in DISPLAY)
            known = best.get(entry.position)
            if known is None or score < known[0]:
                best[entry.position] = (score, entry, name)
        words = folded.split()
        if len(words) > 1:
            longest = max(words, key=len)
            for entry, name in self._containing(longest):
                if entry.position in best:
                    continue
                together = " " + " ".join(n.folded for n in entry.names)
                if all(" " + word in together for word in words):
                    best[entry.position] = (2 * ALL_WORDS + 1, entry, name)
        # Rank, then the entity's standing (class weight, name): one integer per hit.
        size = len(self.entries)
        order = sorted((score // 2 * size + position) for position, (score, _, _) in best.items())
        return [Hit(best[key % size][1], key // size, best[key % size][2]) for key in order]

    def _containing(self, needle: str, starting: bool = False) -> Iterable[tuple[Entry, Name]]:
        """Every (entity, name) whose folded name contains ``needle`` (or starts with it),
        each name once."""
        haystack, starts = self._haystack, self._starts
        if starting:
            needle = "\n" + needle
        at = haystack.find(needle)
        while at != -1:
            i = bisect_right(starts, at + starting) - 1
            yield self._owners[i]
            following = starts[i + 1] if i + 1 < len(starts) else len(haystack)
            at = haystack.find(needle, following)


def entity_rows(
    kinds: Iterable[Mapping[str, Node]],
    countries: Iterable[Mapping[str, Node]],
    codes: Iterable[Mapping[str, Node]],
) -> Iterator[dict[str, Node]]:
    """Each entity and class with each country code that applies (its own, or its country's),
    or once without a code: the rows of ``?s a ?type OPTIONAL { ?s nbkg:country/nbkg:
    countryCode ?code } UNION { ?s nbkg:countryCode ?code }``, from three scans.

    >>> from rdflib import URIRef as I
    >>> rows = entity_rows(
    ...     [{"s": I("x"), "type": I("t")}, {"s": I("y"), "type": I("t")}],
    ...     [{"s": I("x"), "country": I("no")}],
    ...     [{"s": I("no"), "code": Literal("no")}],
    ... )
    >>> [(str(r["s"]), str(r.get("code"))) for r in rows]
    [('x', 'no'), ('y', 'None')]
    """
    code_of: dict[Node, set[Node]] = defaultdict(set)
    for row in codes:
        code_of[row["s"]].add(row["code"])
    places: dict[Node, set[Node]] = defaultdict(set)
    for row in countries:
        places[row["s"]].add(row["country"])
    for row in kinds:
        subject = row["s"]
        found = set(code_of.get(subject, ()))
        for place in places.get(subject, ()):
            found |= code_of.get(place, set())
        if not found:
            yield {"s": subject, "type": row["type"]}
        for code in sorted(found):
            yield {"s": subject, "type": row["type"], "code": code}


_LOCK = threading.Lock()
_KEY = "nbkg.search_index"


def index_for(app: Flask, store: Store) -> NameIndex:
    """The application's index, built on first use (the store is read-only while served)."""
    index = app.extensions.get(_KEY)
    if index is None:
        with _LOCK:
            index = app.extensions.get(_KEY)
            if index is None:
                index = NameIndex.from_store(store)
                app.extensions[_KEY] = index
    return index
