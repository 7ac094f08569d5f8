"""A source on its way from the loader to the store: N-Triples bytes and what the gate asks.

A build holds every source it reads until the gate has judged them all, because references
cross sources. As rdflib graphs, ten million triples take more than ten gigabytes; as
N-Triples bytes, about a sixth of that. So the build keeps each source staged: the bytes,
which the SHACL engine and the store's bulk loader read natively, plus the few sets the gate
needs (types, subjects, references). An rdflib graph is parsed back only for the rare
questions those sets cannot answer, and dropped again.
"""

from __future__ import annotations

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

    def release(self) -> None:
        self._graph = None

    def where(self, node: URIRef) -> str:
        line = self.locations.get(node)
        return f"{self.source.name}:{line}" if line else self.source.name
