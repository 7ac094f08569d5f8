"""The gate's batch cut into parts that pyshacl-turbo validates one by one, two at a time.

The engine's cost per triple grows with the size of the graph it holds: over ten million
triples it took 39 times as long as over one million. Parts of a fixed size keep the cost
linear, and two parts validate at once because the engine lets go of the interpreter.
Small batches (under :data:`PART_TRIPLES`) stay whole.

A part holds every statement of its subjects: with the blank nodes they hold, and a
reified link (``rdf:subject``) with the subject it describes, since a shape checks that the
link is stated. Each constraint then sees in the part all it sees in the whole batch, except
the types of the entities the part refers to. Those come in as *reference types*: for every
class ``C`` a class ``urn:nbkg:referenced:C`` that ``C`` is a subclass of, and that the
shapes' ``sh:class`` asks for instead of ``C``. A referenced entity in another part is an
instance of ``referenced:C`` but not of ``C``, so ``sh:class`` judges the reference as before
while no ``sh:targetClass`` selects the entity: it is validated once, in its own part, and
parts carry no results about what they only refer to.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from nbkg.graph.staged import Staged, ntriples_lines, object_term, predicate_term, subject_term

#: Triples per part. The gate over 1M triples took 22.5 s in parts of a million, 11.4 s in
#: parts of 250,000 and 11.8 s in parts of 100,000 (two at a time, on two cores).
PART_TRIPLES = 250_000

REFERENCED = "urn:nbkg:referenced:"

_RDF_TYPE = RDF.type.n3().encode()
_RDF_SUBJECT = RDF.subject.n3().encode()


def referenced(cls: URIRef) -> URIRef:
    """The class a reference to an instance of ``cls`` satisfies in ``sh:class``."""
    return URIRef(REFERENCED + str(cls))


def reference_shapes(shapes: Graph) -> Graph:
    """The shapes with every ``sh:class C`` asking for ``referenced:C``."""
    rewritten = Graph()
    for prefix, namespace in shapes.namespaces():
        rewritten.bind(prefix, namespace)
    for s, p, o in shapes:
        if p == SH["class"] and isinstance(o, URIRef):
            o = referenced(o)
        rewritten.add((s, p, o))
    return rewritten


def reference_axioms(ontology: Graph, shapes: Graph, classes: Iterable[URIRef]) -> bytes:
    """``C rdfs:subClassOf referenced:C`` for every class (those given, those the ontology
    and the shapes name), and the ontology's hierarchy mirrored among the reference
    classes, as N-Triples."""
    subclass = [(a, b) for a, b in ontology.subject_objects(RDFS.subClassOf)]
    every = {
        *classes,
        *(c for pair in subclass for c in pair),
        *ontology.objects(None, RDF.type),
        *shapes.objects(None, SH["class"]),
    }
    axioms = [(c, referenced(c)) for c in every if isinstance(c, URIRef)]
    axioms += [
        (referenced(a), referenced(b))
        for a, b in subclass
        if isinstance(a, URIRef) and isinstance(b, URIRef)
    ]
    sub = RDFS.subClassOf.n3()
    return "".join(f"{a.n3()} {sub} {b.n3()} .\n" for a, b in sorted(axioms)).encode()


@dataclass
class Part:
    """The statements of some subjects, and what they refer to."""

    data: bytearray
    triples: int
    references: set[bytes]
    crowded: set[bytes] = field(default_factory=set)  # subjects with many statements here

    def reference_types(self, types: Mapping[bytes, list[bytes]]) -> bytes:
        """``rdf:type referenced:C`` for every typed IRI the part refers to.

        Also for the part's own subjects that are referred to within it: their real types
        are there too, and the reference class adds nothing ``sh:class`` would not grant.
        """
        return b"".join(
            b"%s %s %s .\n" % (iri, _RDF_TYPE, cls)
            for iri in sorted(self.references)
            for cls in types.get(iri, ())
        )


def split(batch: list[Staged], size: int | None = None, crowd: int = 0) -> list[Part]:
    """The batch's statements in parts of about ``size`` triples, grouped by subject.

    With ``crowd``, each part names the subjects that have that many statements or more
    (:mod:`nbkg.graph.hubs` looks no further; the count is kept by a hash of the subject,
    so a collision can name one more subject, never one less).
    """
    total = sum(staged.triples for staged in batch)
    count = max(1, -(-total // (size or PART_TRIPLES)))
    holder = _holders(batch) if count > 1 else {}
    parts = [Part(bytearray(), 0, set()) for _ in range(count)]
    statements: dict[int, int] = {}
    for staged in batch:
        for line in ntriples_lines(staged.ntriples.data):
            subject = subject_term(line)
            part = parts[_index(_anchor(subject, holder), count)]
            add_line(part, line)
            if crowd:
                key = zlib.crc32(subject)
                statements[key] = seen = statements.get(key, 0) + 1
                if seen >= crowd:
                    part.crowded.add(subject)
    return parts


def add_line(part: Part, line: bytes, references: bool = True) -> None:
    """One N-Triples line (without its newline) into the part, with the IRI it refers to."""
    part.data += line
    part.data += b"\n"
    part.triples += 1
    if references:
        value = object_term(line)
        if value.startswith(b"<") and b'"' not in value and predicate_term(line) != _RDF_TYPE:
            part.references.add(value)


def _holders(batch: list[Staged]) -> dict[bytes, bytes]:
    """For each blank node, a subject that holds it; for each reified link, its subject."""
    holder: dict[bytes, bytes] = {}
    for staged in batch:
        blank = staged.ntriples.blank_nodes
        for line in ntriples_lines(staged.ntriples.data):
            value = object_term(line)
            if blank and value.startswith(b"_:") and b'"' not in value:
                holder.setdefault(value, subject_term(line))
            elif predicate_term(line) == _RDF_SUBJECT and value.startswith(b"<"):
                holder.setdefault(subject_term(line), value)
    return holder


def _anchor(node: bytes, holder: Mapping[bytes, bytes]) -> bytes:
    """The subject whose part ``node`` goes to (a cycle of blank nodes stops anywhere)."""
    for _ in range(32):
        up = holder.get(node)
        if up is None:
            return node
        node = up
    return node


def _index(anchor: bytes, count: int) -> int:
    return zlib.crc32(anchor) % count if count > 1 else 0
