"""A source on its way from the loader to the store: N-Triples bytes and what the gate asks.

A build holds every source it reads until the gate has judged them all, because references
cross sources. As rdflib graphs, ten million triples take more than ten gigabytes; as
N-Triples bytes, about a sixth of that. So the build keeps each source staged: the bytes,
which the SHACL engine and the store's bulk loader read natively, plus the few sets the gate
needs (types, subjects, references). An rdflib graph is parsed back only for the rare
questions those sets cannot answer, and dropped again.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from nbkg.graph.namespace import ID
from nbkg.graph.store import NTriples
from nbkg.loaders.base import Extraction, Source


@dataclass
class Staged:
    """One source's graph, staged for the gate and the store."""

    source: Source
    target: URIRef
    ntriples: NTriples
    locations: dict[URIRef, int]
    described_by: list[URIRef]
    types: dict[URIRef, set[URIRef]]  # the types of every IRI subject that has one
    subjects: frozenset[URIRef]  # every IRI subject: the gate's focus nodes
    references: frozenset[URIRef]  # entity IRIs in object position (rdf:type aside)
    _graph: Graph | None = field(default=None, repr=False)

    @classmethod
    def of(cls, extraction: Extraction) -> Staged:
        graph = extraction.graph
        types: dict[URIRef, set[URIRef]] = {}
        subjects, references = set(), set()
        entity = str(ID)
        blank = False
        for s, p, o in graph:
            if isinstance(s, URIRef):
                subjects.add(s)
                if p == RDF.type and isinstance(o, URIRef):
                    types.setdefault(s, set()).add(o)
            else:
                blank = blank or isinstance(s, BNode)
            if isinstance(o, URIRef):
                if p != RDF.type and o.startswith(entity):
                    references.add(o)
            else:
                blank = blank or isinstance(o, BNode)
        data = graph.serialize(format="nt", encoding="utf-8")
        return cls(
            source=extraction.source,
            target=extraction.target,
            ntriples=NTriples(data, len(graph), blank),
            locations=extraction.locations,
            described_by=extraction.described_by,
            types=types,
            subjects=frozenset(subjects),
            references=frozenset(references),
        )

    @property
    def triples(self) -> int:
        return self.ntriples.triples

    def graph(self) -> Graph:
        """The source as an rdflib graph, parsed on first use; :meth:`release` drops it."""
        if self._graph is None:
            self._graph = self.ntriples.graph()
        return self._graph

    def about(self, iris: set[URIRef]) -> Staged | None:
        """The part of the source that says something of, or refers to, one of ``iris``.

        Every statement of each subject concerned comes along, with the blank nodes they
        hold, so the part can be validated on its own; None when nothing is concerned.
        Asked of the largest sources, so it reads the N-Triples a line at a time.
        """
        keys = {iri.n3().encode() for iri in iris}
        data = self.ntriples.data
        concerned = {
            subject
            for line in ntriples_lines(data)
            if not (subject := subject_term(line)).startswith(b"_:")
            and (subject in keys or object_term(line) in keys)
        }
        if not concerned:
            return None
        kept: list[bytes] = []
        wanted, held = concerned, set()
        while wanted:  # one more pass for each level of blank nodes held
            found = [line for line in ntriples_lines(data) if subject_term(line) in wanted]
            kept += found
            wanted = {o for line in found if (o := object_term(line)).startswith(b"_:")} - held
            held |= wanted
        part = NTriples(b"".join(line + b"\n" for line in kept), len(kept), bool(held))
        extraction = Extraction(
            self.source, part.graph(), self.locations, self.described_by, self.target
        )
        return Staged.of(extraction)

    def stated(self, pairs: set[tuple[URIRef, URIRef]]) -> set[tuple[URIRef, URIRef]]:
        """Which of these (subject, predicate) pairs the source says anything along.

        One pass over the N-Triples however many pairs are asked: parsing the graph to ask
        would cost gigabytes for the largest sources.
        """
        wanted = {(s.n3().encode(), p.n3().encode()): (s, p) for s, p in pairs}
        subjects = {subject for subject, _ in wanted}
        found = set()
        for line in ntriples_lines(self.ntriples.data):
            subject = subject_term(line)
            if subject in subjects and (pair := wanted.get((subject, predicate_term(line)))):
                found.add(pair)
        return found

    def release(self) -> None:
        self._graph = None

    def where(self, node: URIRef) -> str:
        line = self.locations.get(node)
        return f"{self.source.name}:{line}" if line else self.source.name


# rdflib writes N-Triples one ``<s> <p> o .`` per line, single spaces between the terms.


def ntriples_lines(data: bytes) -> Iterator[bytes]:
    """The lines one at a time: as a list, ten million lines would cost gigabytes."""
    for line in io.BytesIO(data):
        if len(line) > 1:
            yield line.rstrip(b"\n")


def subject_term(line: bytes) -> bytes:
    return line[: line.index(b" ")]


def predicate_term(line: bytes) -> bytes:
    start = line.index(b" ") + 1
    return line[start : line.index(b" ", start)]


def object_term(line: bytes) -> bytes:
    """The last term of a line: the object, when it is an IRI or a blank node."""
    return line[line.rindex(b" ", 0, len(line) - 2) + 1 : -2]
