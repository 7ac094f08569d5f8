"""A staged source answers the gate's questions from its N-Triples, without a parse."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

from nbkg.graph.namespace import ID, NBKG
from nbkg.graph.staged import Staged
from nbkg.loaders.base import Extraction, Source

A, B, C, PAGE = ID["a"], ID["b"], ID["c"], URIRef("https://example.org/page")


@pytest.fixture
def staged(tmp_path: Path) -> Staged:
    graph = Graph()
    period, start = BNode(), BNode()
    graph.add((A, RDF.type, NBKG.Cluster))
    graph.add((A, RDFS.label, Literal("A cluster with a space in its name")))
    graph.add((A, NBKG.period, period))  # two levels of blank nodes
    graph.add((period, NBKG.start, start))
    graph.add((start, RDFS.label, Literal("2020")))
    graph.add((B, RDF.type, NBKG.Firm))
    graph.add((B, NBKG.collaboratesWith, C))  # refers to C
    graph.add((C, RDFS.label, Literal("C")))
    graph.add((PAGE, RDFS.label, Literal("<https://w3id.org/nbkg/id/c> in a literal")))
    source = Source(tmp_path / "x.ttl", "rdf/x.ttl", "rdf")
    return Staged.of(Extraction(source, graph, {A: 3, B: 7}))


def test_about_keeps_every_statement_of_the_subjects_concerned(staged: Staged) -> None:
    part = staged.about({A})
    assert part is not None and part.triples == 5
    whole = staged.graph()
    expected = Graph()
    for triple in whole.triples((A, None, None)):
        expected.add(triple)
    period = whole.value(A, NBKG.period)
    for s in (period, whole.value(period, NBKG.start)):
        for triple in whole.triples((s, None, None)):
            expected.add(triple)
    assert isomorphic(part.graph(), expected)
    assert part.target == staged.target and part.where(A) == "rdf/x.ttl:3"


def test_about_takes_in_what_refers_to_the_entities(staged: Staged) -> None:
    part = staged.about({C})
    assert part is not None
    assert set(part.subjects) == {B, C}  # not the page, whose literal only looks like <c>
    assert staged.about({ID["nobody"]}) is None


def test_stated_answers_many_questions_in_one_pass(staged: Staged) -> None:
    asked = {(A, RDFS.label), (A, NBKG.country), (B, NBKG.collaboratesWith), (C, RDF.type)}
    assert staged.stated(asked) == {(A, RDFS.label), (B, NBKG.collaboratesWith)}
