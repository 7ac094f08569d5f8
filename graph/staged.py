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

_SEARCHES_BEFORE_PARSING = 32


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
    _searches: int = field(default=0, repr=False)

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
        One pass over the N-Triples lines: this is asked about the largest sources.
        """
        keys = {iri.n3().encode() for iri in iris}
        lines = self.ntriples.data.split(b"\n")
        concerned: set[bytes] = set()
        blank: dict[bytes, list[bytes]] = {}
        for line in lines:
            if not line:
                continue
            subject = line[: line.index(b" ")]
            if subject.startswith(b"_:"):
                blank.setdefault(subject, []).append(line)
            elif subject in keys or _object(line) in keys:
                concerned.add(subject)
        if not concerned:
            return None
        kept = [line for line in lines if line and line[: line.index(b" ")] in concerned]
        held = [_object(line) for line in kept]
        seen: set[bytes] = set()
        while held:
            node = held.pop()
            if node.startswith(b"_:") and node not in seen:
                seen.add(node)
                for line in blank.get(node, []):
                    kept.append(line)
                    held.append(_object(line))
        part = NTriples(b"".join(line + b"\n" for line in kept), len(kept), bool(seen))
        extraction = Extraction(
            self.source, part.graph(), self.locations, self.described_by, self.target
        )
        return Staged.of(extraction)

    def states(self, subject: URIRef, predicate: URIRef) -> bool:
        """Whether the source says anything of ``subject`` along ``predicate``.

        Searched for in the N-Triples (rdflib writes one ``<s> <p> o .`` per line), so a
        few questions do not cost a parse; many questions parse the graph once instead.
        """
        if self._graph is None and self._searches < _SEARCHES_BEFORE_PARSING:
            self._searches += 1
            line = f"{subject.n3()} {predicate.n3()} ".encode()
            data = self.ntriples.data
            return data.startswith(line) or b"\n" + line in data
        return (subject, predicate, None) in self.graph()

    def release(self) -> None:
        self._graph = None

    def where(self, node: URIRef) -> str:
        line = self.locations.get(node)
        return f"{self.source.name}:{line}" if line else self.source.name


def _object(line: bytes) -> bytes:
    """The last term of an N-Triples line: the object, when it is an IRI or a blank node."""
    return line[line.rindex(b" ", 0, len(line) - 2) + 1 : -2]
