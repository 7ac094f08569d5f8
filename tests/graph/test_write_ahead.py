"""New graphs are written while the gate validates them, and only what it accepts stays.

A graph the store does not hold yet is written unchecked, with a mark, on a thread of its
own; the gate's verdict turns the mark into provenance or removes the graph. The gate must
not take a graph written ahead for a stored version, and neither a failed write nor a
crashed build may leave unchecked data behind.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF, RDF, RDFS

import nbkg.graph.build as build_module
from nbkg.graph.build import build
from nbkg.graph.oxigraph_store import OxigraphStore
from nbkg.graph.store import NTriples, StoreError, open_store

PREFIXES = """@prefix id: <https://w3id.org/nbkg/id/> .
@prefix nbkg: <https://w3id.org/nbkg/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix evidence: <https://w3id.org/nbkg/def/evidence/> .
"""


def _cluster(slug: str, extra: str = "") -> str:
    return f"""id:{slug} a nbkg:Cluster ; rdfs:label "{slug}" ; nbkg:country id:no ;
    prov:wasDerivedFrom <https://example.org/{slug}> ; nbkg:evidenceKind evidence:self-claimed
    {extra} .
<https://example.org/{slug}> a foaf:Document .
"""


COUNTRY = """id:no a nbkg:Country ; rdfs:label "Norway"@en ; nbkg:countryCode "NO" ;
    prov:wasDerivedFrom <https://example.org/no> ; nbkg:evidenceKind evidence:self-claimed .
<https://example.org/no> a foaf:Document .
"""

MARKED = "ASK { GRAPH ?g { ?g <https://w3id.org/nbkg/def#uncheckedLoad> ?mark } }"
MARK_ANYWHERE = "ASK { ?s <https://w3id.org/nbkg/def#uncheckedLoad> ?mark }"


def _data(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "data" / "rdf"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / f"{name}.ttl").write_text(PREFIXES + text, encoding="utf-8")
    return folder.parent


def _statuses(reports) -> dict[str, str]:
    return {Path(r.source).stem: r.status for r in reports if r.source.startswith("rdf/")}


def _graph_of(store: OxigraphStore, name: str) -> URIRef | None:
    return next((g for g in store.graphs() if str(g).endswith(f"/{name}")), None)


@pytest.fixture(params=[True, False], ids=["alongside", "after"])
def alongside(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """New graphs written while the gate runs, and after it (on machines without a spare core)."""
    monkeypatch.setattr(build_module, "WRITE_ALONGSIDE", request.param)
    return request.param


def test_accepted_graphs_lose_their_mark_and_rejected_ones_are_gone(
    tmp_path: Path, alongside: bool
) -> None:
    data = _data(
        tmp_path,
        places=COUNTRY,
        good=_cluster("good-cluster"),
        bad=_cluster("bad-cluster", '; foaf:homepage "ftp://example.org/"'),
    )
    with open_store(str(tmp_path / "store")) as store:
        assert store.writes_ahead
        outcome = _statuses(build(store, data))
        assert outcome == {"places": "loaded", "good": "loaded", "bad": "rejected"}
        assert not store.ask(MARKED) and not store.ask(MARK_ANYWHERE)
        assert _graph_of(store, "bad") is None
        assert not store.ask("ASK { <https://w3id.org/nbkg/id/bad-cluster> ?p ?o }")
        assert store.ask("ASK { <https://w3id.org/nbkg/id/good-cluster> ?p ?o }")


def test_a_graph_written_ahead_is_no_stored_version_for_references(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # defines.ttl is rejected; refers.ttl names its cluster, and must not find it in the
    # store, where defines.ttl was written ahead of the verdict.
    data = _data(
        tmp_path,
        places=COUNTRY,
        defines=_cluster("defined-cluster", '; foaf:homepage "ftp://example.org/"'),
        refers=_cluster("other-cluster", "; nbkg:collaboratesWith id:defined-cluster"),
    )
    real_gate = build_module.judge

    def gate_once_written(store, changed, unchanged, ahead):  # the race, at its worst
        deadline = time.monotonic() + 30
        while len(
            store.select(
                "SELECT ?g { GRAPH ?g { ?g <https://w3id.org/nbkg/def#uncheckedLoad> ?m } }"
            )
        ) < len(ahead):
            assert time.monotonic() < deadline, "the graphs were never written ahead"
            time.sleep(0.01)
        return real_gate(store, changed, unchanged, ahead)

    monkeypatch.setattr(build_module, "judge", gate_once_written)
    monkeypatch.setattr(build_module, "WRITE_ALONGSIDE", True)
    with open_store(str(tmp_path / "store")) as store:
        reports = {Path(r.source).stem: r for r in build(store, data)}
    assert reports["defines"].status == "rejected"
    assert reports["refers"].status == "rejected"
    assert any(
        "refers to id:defined-cluster, which no source defines" in p
        for p in reports["refers"].problems
    )


def test_a_failed_write_leaves_nothing_unchecked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alongside: bool
) -> None:
    data = _data(tmp_path, places=COUNTRY, one=_cluster("one"), two=_cluster("two"))
    real = OxigraphStore.write_unchecked

    def write_then_fail(self, graphs):  # the disk fills up at the very end
        real(self, graphs)
        assert self.ask(MARKED)
        raise StoreError("disk full (injected)")

    monkeypatch.setattr(OxigraphStore, "write_unchecked", write_then_fail)
    with open_store(str(tmp_path / "store")) as store:
        with pytest.raises(StoreError, match="disk full"):
            build(store, data)
        assert not store.ask(MARKED) and not store.ask(MARK_ANYWHERE)
        assert not any("/rdf/" in str(g) for g in store.graphs())
        assert not store.ask("ASK { <https://w3id.org/nbkg/id/one> ?p ?o }")
    monkeypatch.setattr(OxigraphStore, "write_unchecked", real)
    with open_store(str(tmp_path / "store")) as store:  # the next build loads everything
        assert set(_statuses(build(store, data)).values()) == {"loaded"}


def test_the_next_build_removes_what_a_crashed_one_wrote_ahead(
    tmp_path: Path, alongside: bool
) -> None:
    data = _data(tmp_path, places=COUNTRY, good=_cluster("good-cluster"))
    leftover = URIRef("https://w3id.org/nbkg/graph/rdf/crashed")
    graph = Graph().parse(data=PREFIXES + _cluster("half-written"), format="turtle")
    with open_store(str(tmp_path / "store")) as store:
        store.write_unchecked([(leftover, NTriples.of(graph))])
        assert store.ask(MARKED)
    with open_store(str(tmp_path / "store")) as store:
        assert set(_statuses(build(store, data)).values()) == {"loaded"}
        assert leftover not in store.graphs()
        assert not store.ask("ASK { <https://w3id.org/nbkg/id/half-written> ?p ?o }")
        assert not store.ask(MARKED)


def test_graphs_written_ahead_hold_exactly_their_triples(tmp_path: Path) -> None:
    ex = "http://example.org/"
    shared = (URIRef(f"{ex}page"), RDF.type, FOAF.Document)
    one, two = Graph(), Graph()
    holder = BNode()
    one.add((URIRef(f"{ex}a"), URIRef(f"{ex}has"), holder))
    one.add((holder, RDFS.label, Literal("held, with a ' .' inside")))
    one.add(shared)
    two.add((URIRef(f"{ex}b"), RDFS.label, Literal("B")))
    two.add(shared)
    g1, g2 = URIRef(f"{ex}g1"), URIRef(f"{ex}g2")
    provenance = Graph().add((g1, RDFS.comment, Literal("loaded")))
    with open_store(str(tmp_path / "store")) as store:
        store.write_unchecked([(g1, NTriples.of(one)), (g2, NTriples.of(two))])
        store.confirm(g1, provenance)
        store.discard(g2)
        stored = Graph()
        for row in store.select("SELECT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } }", {"g": g1}):
            stored.add((row["s"], row["p"], row["o"]))
        union = Graph()
        for row in store.select("SELECT ?s ?p ?o { ?s ?p ?o }"):
            union.add((row["s"], row["p"], row["o"]))
        assert isomorphic(stored, one + provenance)
        assert isomorphic(union, stored)  # the blank node is one node in both
        assert store.graphs() == [g1]
