"""Documentation of the ontology, read from the ontology itself: one section per class,
property and concept scheme, anchored by local name so ``/def#Cluster`` lands on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from nbkg.graph.namespace import DEF
from nbkg.web.i18n import pick
from nbkg.web.links import curie

ONTOLOGY = URIRef(DEF)


@dataclass
class Term:
    iri: URIRef
    anchor: str
    label: str
    labels: dict[str, str]
    definition: str
    kind: str
    parents: list[URIRef] = field(default_factory=list)
    domain: list[URIRef] = field(default_factory=list)
    range: list[URIRef] = field(default_factory=list)


@dataclass
class Documentation:
    title: str
    description: str
    version: str
    classes: list[Term]
    properties: list[Term]
    schemes: list[tuple[Term, list[Term]]]
    names: dict[URIRef, str]


def document(graph: Graph, languages: Sequence[str]) -> Documentation:
    def term(iri: URIRef, kind: str) -> Term:
        labels = list(graph.objects(iri, RDFS.label)) + list(graph.objects(iri, SKOS.prefLabel))
        definitions = list(graph.objects(iri, SKOS.definition)) + list(
            graph.objects(iri, RDFS.comment)
        )
        return Term(
            iri,
            _anchor(iri),
            str(pick(labels, languages) or curie(str(iri))),
            {(lbl.language or ""): str(lbl) for lbl in labels},
            str(pick(definitions, languages) or ""),
            kind,
            _named(graph.objects(iri, RDFS.subClassOf))
            + _named(graph.objects(iri, RDFS.subPropertyOf)),
            _named(graph.objects(iri, RDFS.domain)),
            _named(graph.objects(iri, RDFS.range)),
        )

    classes = [term(c, "class") for c in _named(graph.subjects(RDF.type, OWL.Class)) if _ours(c)]
    properties = [
        term(p, kind.split("#")[1])
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for p in _named(graph.subjects(RDF.type, kind))
        if _ours(p)
    ]
    schemes = [
        (
            term(s, "scheme"),
            sorted(
                (term(c, "concept") for c in _named(graph.subjects(SKOS.inScheme, s))),
                key=lambda t: t.label.lower(),
            ),
        )
        for s in _named(graph.subjects(RDF.type, SKOS.ConceptScheme))
    ]
    names = {t.iri: t.label for t in [*classes, *properties]}
    return Documentation(
        str(pick(graph.objects(ONTOLOGY, DCTERMS.title), languages) or "nbkg ontology"),
        str(pick(graph.objects(ONTOLOGY, DCTERMS.description), languages) or ""),
        str(graph.value(ONTOLOGY, OWL.versionInfo) or ""),
        sorted(classes, key=lambda t: t.label.lower()),
        sorted(properties, key=lambda t: t.label.lower()),
        sorted(schemes, key=lambda s: s[0].label.lower()),
        names,
    )


def _named(terms: object) -> list[URIRef]:
    return sorted({t for t in terms if isinstance(t, URIRef)}, key=str)  # type: ignore[attr-defined]


def _ours(iri: URIRef) -> bool:
    return str(iri).startswith(f"{DEF}#")


def _anchor(iri: URIRef) -> str:
    text = str(iri)
    return text.split("#", 1)[1] if "#" in text else text[len(DEF) + 1 :].replace("/", "-")
