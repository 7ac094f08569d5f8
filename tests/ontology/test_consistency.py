"""The ontology is consistent under HermiT, documented, and labelled in en, nb and sv.

The HermiT tests load ``nbkg.ttl`` and ``schemes.ttl`` (the concepts are individuals of the
ontology's classes) into a fresh owlready2 world. Two control tests break the ontology on
purpose to show that the harness notices an inconsistent ontology and an unsatisfiable class.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import owlready2
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from nbkg.graph.namespace import NBKG

ONTOLOGY = files("nbkg.ontology")
ONTOLOGY_IRI = URIRef("https://w3id.org/nbkg/def")
CONTROL = "https://example.org/nbkg-control#"
LANGUAGES = {"en", "nb", "sv"}
METADATA = {
    "dcterms:title": DCTERMS.title,
    "dcterms:description": DCTERMS.description,
    "owl:versionIRI": OWL.versionIRI,
    "owl:versionInfo": OWL.versionInfo,
    "dcterms:license": DCTERMS.license,
    "dcterms:creator": DCTERMS.creator,
    "dcterms:created": DCTERMS.created,
    "dcterms:modified": DCTERMS.modified,
}
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def _parse(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        text = ONTOLOGY.joinpath(name).read_text(encoding="utf-8")
        graph.parse(data=text, format="turtle")
    return graph


def _reason(graph: Graph, folder: Path) -> owlready2.World:
    """Run HermiT over ``graph`` in a fresh world; raises if the ontology is inconsistent."""
    path = folder / "nbkg.nt"
    graph.serialize(destination=str(path), format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False)
    return world


@pytest.mark.slow
def test_ontology_and_schemes_are_consistent(tmp_path: Path) -> None:
    world = _reason(_parse("nbkg.ttl", "schemes.ttl"), tmp_path)
    assert list(world.inconsistent_classes()) == []


@pytest.mark.slow
def test_control_an_individual_of_two_disjoint_classes_is_inconsistent(tmp_path: Path) -> None:
    graph = _parse("nbkg.ttl", "schemes.ttl")
    both = URIRef(CONTROL + "firm-and-public-body")
    graph.add((both, RDF.type, OWL.NamedIndividual))
    graph.add((both, RDF.type, NBKG.Firm))
    graph.add((both, RDF.type, NBKG.PublicBody))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason(graph, tmp_path)


@pytest.mark.slow
def test_control_a_subclass_of_two_disjoint_classes_is_unsatisfiable(tmp_path: Path) -> None:
    graph = _parse("nbkg.ttl", "schemes.ttl")
    both = URIRef(CONTROL + "FirmAndPublicBody")
    graph.add((both, RDF.type, OWL.Class))
    graph.add((both, RDFS.subClassOf, NBKG.Firm))
    graph.add((both, RDFS.subClassOf, NBKG.PublicBody))
    world = _reason(graph, tmp_path)
    # owlready2 lists owl:Nothing too, as soon as some class is equivalent to it
    unsatisfiable = {c.iri for c in world.inconsistent_classes()} - {str(OWL.Nothing)}
    assert unsatisfiable == {str(both)}


def test_ontology_has_its_metadata() -> None:
    graph = _parse("nbkg.ttl")
    assert list(graph.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY_IRI]
    missing = [name for name, prop in METADATA.items() if graph.value(ONTOLOGY_IRI, prop) is None]
    assert missing == []
    assert isinstance(graph.value(ONTOLOGY_IRI, OWL.versionIRI), URIRef)
    assert isinstance(graph.value(ONTOLOGY_IRI, DCTERMS.license), URIRef)
    for prop in (DCTERMS.title, DCTERMS.description):
        assert "en" in {o.language for o in graph.objects(ONTOLOGY_IRI, prop)}


def _languages(graph: Graph, term: URIRef, prop: URIRef) -> set[str]:
    return {
        o.language
        for o in graph.objects(term, prop)
        if isinstance(o, Literal) and o.language and str(o).strip()
    }


def test_every_class_and_property_has_a_label_and_definition_in_en_nb_and_sv() -> None:
    graph = _parse("nbkg.ttl")
    terms = sorted(
        {
            term
            for kind in TERM_TYPES
            for term in graph.subjects(RDF.type, kind)
            if isinstance(term, URIRef) and term.startswith(str(NBKG))
        }
    )
    assert len(terms) > 40, terms  # the ontology, not an empty or misparsed file
    lacking = [
        f"{term.removeprefix(str(NBKG))} {name} {sorted(LANGUAGES - found)}"
        for term in terms
        for name, prop in (("rdfs:label", RDFS.label), ("skos:definition", SKOS.definition))
        if not LANGUAGES <= (found := _languages(graph, term, prop))
    ]
    assert lacking == []
