"""The gate validates big batches in parts, and the parts give the whole batch's verdicts.

Parts of a triple or two put nearly every entity apart from those it refers to, which is
where a part could go wrong: a reference to an entity of the wrong class in another part, a
reified link whose stated triple sits elsewhere, an entity validated twice.
"""

from __future__ import annotations

from importlib.resources import as_file
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from verdicts import EXAMPLE_FILES, EXAMPLES, verdicts

from nbkg.graph import parts
from nbkg.graph.build import bundled_data_dir, discover
from nbkg.graph.staged import Staged
from nbkg.loaders.base import Extraction, Source

ID = "https://w3id.org/nbkg/id/"


def _verdicts(monkeypatch: pytest.MonkeyPatch, size: int, paths: list[Path], data: Path):
    monkeypatch.setenv("NBKG_SHACL_ENGINE", "turbo")
    monkeypatch.setattr(parts, "PART_TRIPLES", size)
    return verdicts(paths, data)


@pytest.mark.parametrize(("kind", "name"), EXAMPLE_FILES)
def test_tiny_parts_give_the_verdicts_of_the_whole(
    kind: str, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with as_file(EXAMPLES.joinpath(kind, name)) as path:
        whole = _verdicts(monkeypatch, 10**9, [path], tmp_path)
        tiny = _verdicts(monkeypatch, 1, [path], tmp_path)
    assert tiny == whole
    assert (tiny[0][1] == "valid") == (kind == "valid")


def test_the_bundled_sources_in_parts_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    data = bundled_data_dir()
    paths = [s.path for s in discover(data) if s.path.suffix in (".csv", ".yaml")]
    verdicts = _verdicts(monkeypatch, 500, paths, data)
    assert verdicts and all(status == "valid" for _, status, _ in verdicts)


def _staged(graph: Graph) -> Staged:
    return Staged.of(Extraction(Source(Path("test.ttl"), "rdf/test.ttl", "rdf"), graph))


def _subjects(part: parts.Part) -> set[bytes]:
    return {line.split(b" ", 1)[0] for line in bytes(part.data).splitlines()}


def test_a_subject_keeps_its_statements_blank_nodes_and_reified_links_together() -> None:
    graph = Graph()
    for n in range(200):
        entity, blank, link = URIRef(f"{ID}e{n}"), BNode(), URIRef(f"{ID}link-{n}")
        graph.add((entity, RDFS.label, Literal(f"entity {n}")))
        graph.add((entity, URIRef(f"{ID}has"), blank))
        graph.add((blank, RDFS.label, Literal("held")))
        graph.add((entity, URIRef(f"{ID}next"), URIRef(f"{ID}e{n + 1}")))
        graph.add((link, RDF.subject, entity))
        graph.add((link, RDF.predicate, URIRef(f"{ID}next")))
    split = parts.split([_staged(graph)], size=100)
    assert len(split) == 12  # 1,200 triples in parts of about 100
    assert sum(part.triples for part in split) == len(graph)
    for n in range(200):
        entity, link = f"<{ID}e{n}>".encode(), f"<{ID}link-{n}>".encode()
        (home,) = [part for part in split if entity in _subjects(part)]
        assert link in _subjects(home)
        (blank,) = [o for o in graph.objects(URIRef(f"{ID}e{n}"), URIRef(f"{ID}has"))]
        assert blank.n3().encode() in _subjects(home)
        assert f"<{ID}e{n + 1}>".encode() in home.references


def test_small_batches_stay_whole() -> None:
    graph = Graph()
    graph.add((URIRef(f"{ID}a"), RDFS.label, Literal("a")))
    (only,) = parts.split([_staged(graph)])
    assert only.triples == 1


def test_reference_types_follow_the_class_hierarchy_without_making_instances() -> None:
    ontology = Graph()
    firm, organisation = URIRef(f"{ID}Firm"), URIRef(f"{ID}Organisation")
    ontology.add((firm, RDFS.subClassOf, organisation))
    axioms = Graph().parse(data=parts.reference_axioms(ontology, Graph(), []), format="nt")
    assert (firm, RDFS.subClassOf, parts.referenced(firm)) in axioms
    assert (parts.referenced(firm), RDFS.subClassOf, parts.referenced(organisation)) in axioms
    assert not any(isinstance(o, URIRef) and o == organisation for o in axioms.objects())
