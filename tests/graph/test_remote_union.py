"""A remote store keeps the union of its graphs in a graph of its own, which queries read as
their default graph: on a real `oxigraph serve`, checked from the server's side as well."""

from __future__ import annotations

import io
from collections.abc import Callable

import pyoxigraph as ox
import pytest
import requests
from rdflib import BNode, Graph, Literal, URIRef
from server_graphs import EX, numbered, oxigraph_graph_names, oxigraph_stored_graph

from nbkg.graph.remote_store import RemoteStore
from nbkg.graph.remote_union import UNION
from nbkg.graph.store import StoreError

G1 = EX["graph/one"]
G2 = EX["graph/two"]
SHARED = (EX.shared, EX.p, Literal("in both"))


def graph_of(*triples: tuple) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def union_held(base: str) -> Graph:
    """The union graph as the server holds it."""
    return oxigraph_stored_graph(base, URIRef(UNION))


def behind_the_store(base: str, sparql: str) -> None:
    """An update sent to the server directly, not through the store."""
    requests.post(
        f"{base}/update",
        data=sparql,
        headers={"Content-Type": "application/sparql-update"},
        timeout=10,
    ).raise_for_status()


def put_behind_the_store(base: str, iri: URIRef, graph: Graph) -> None:
    """A graph put on the server directly, not through the store."""
    requests.put(
        f"{base}/store",
        params={"graph": str(iri)},
        data=graph.serialize(format="nt"),
        headers={"Content-Type": "application/n-triples"},
        timeout=10,
    ).raise_for_status()


def answers(store: RemoteStore, subject: URIRef) -> set[str]:
    rows = store.select(f"SELECT ?o WHERE {{ <{subject}> <{EX.p}> ?o }}")
    return {str(row["o"]) for row in rows}


def test_a_triple_two_graphs_hold_leaves_the_union_with_the_last_of_them(base: str) -> None:
    store = RemoteStore(f"{base}/query")
    store.replace_graph(G1, graph_of(SHARED, (EX.a, EX.p, Literal("a"))))
    store.replace_graph(G2, graph_of(SHARED, (EX.b, EX.p, Literal("b"))))
    store.replace_graph(G1, graph_of((EX.a, EX.p, Literal("a2"))))
    assert answers(store, EX.shared) == {"in both"}  # G2 still holds it
    assert answers(store, EX.a) == {"a2"}
    store.replace_graph(G2, graph_of((EX.b, EX.p, Literal("b"))))
    assert answers(store, EX.shared) == set()
    assert set(union_held(base)) == {(EX.a, EX.p, Literal("a2")), (EX.b, EX.p, Literal("b"))}
    assert oxigraph_graph_names(base) == {str(G1), str(G2)}


def test_queries_read_the_union_graph(base: str) -> None:
    store = RemoteStore(f"{base}/query")
    store.replace_graph(G1, numbered(2))
    # written behind the store's back: seen only if queries read the union graph
    behind_the_store(base, f'INSERT DATA {{ GRAPH <{UNION}> {{ <{EX.s9}> <{EX.p}> "planted" }} }}')
    assert answers(store, EX.s9) == {"planted"}
    # while GRAPH ?g still ranges over the store's graphs, not the union graph
    rows = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert [str(row["g"]) for row in rows] == [str(G1)]


def test_blank_nodes_enter_the_union_once_and_leave_it(base: str) -> None:
    node = BNode()
    graph = graph_of((EX.a, EX.address, node), (node, EX.town, Literal("Umeå")))
    store = RemoteStore(f"{base}/query")
    store.replace_graph(G1, graph)
    store.replace_graph(G1, graph)
    assert len(union_held(base)) == 2
    rows = store.select(f"SELECT ?town WHERE {{ <{EX.a}> <{EX.address}> [ <{EX.town}> ?town ] }}")
    assert rows == [{"town": Literal("Umeå")}]
    store.replace_graph(G1, numbered(1))
    assert set(union_held(base)) == set(numbered(1))


def test_a_store_loaded_by_other_means_is_answered_then_given_its_union(base: str) -> None:
    for iri, graph in ((G1, graph_of(SHARED)), (G2, numbered(3))):
        put_behind_the_store(base, iri, graph)
    store = RemoteStore(f"{base}/query")
    assert answers(store, EX.shared) == {"in both"}  # each graph named: the same answers
    assert len(union_held(base)) == 0
    store.fill_union()
    assert set(union_held(base)) == {SHARED, *numbered(3)}
    # the first replacement of a store without a union starts it whole, not with one graph
    behind_the_store(base, f"DROP GRAPH <{UNION}>")
    store.replace_graph(G2, numbered(1))
    assert set(union_held(base)) == {SHARED, *numbered(1)}


def test_a_fill_that_fails_half_way_leaves_no_union_graph(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_behind_the_store(base, G1, numbered(2))
    put_behind_the_store(base, G2, numbered(3, "w"))
    store = RemoteStore(f"{base}/query", retries=0)
    sent: list[str] = []
    update = store._update

    def failing_second(sparql: str, settled: Callable[[], bool] | None = None) -> None:
        sent.append(sparql)
        if len(sent) == 2:
            raise StoreError("the server went away")
        update(sparql, settled)

    monkeypatch.setattr(store, "_update", failing_second)
    with pytest.raises(StoreError, match="went away"):
        store.fill_union()
    assert len(union_held(base)) == 0  # queries go on naming each graph
    assert oxigraph_graph_names(base) == {str(G1), str(G2)}  # no staging graph left
    monkeypatch.undo()
    store.fill_union()
    assert set(union_held(base)) == {*numbered(2), *numbered(3, "w")}


def test_an_update_keeps_the_union_in_line(base: str) -> None:
    store = RemoteStore(f"{base}/query")
    store.replace_graph(G1, numbered(2))
    store.update(f'INSERT DATA {{ GRAPH <{G1}> {{ <{EX.a}> <{EX.p}> "added" }} }}')
    assert answers(store, EX.a) == {"added"}
    store.update(f"DROP GRAPH <{G1}>")
    assert answers(store, EX.a) == set()
    assert len(union_held(base)) == 0


def test_an_update_leaves_a_store_without_a_union_graph_without_one(base: str) -> None:
    """Starting one would copy the whole store in the update's request; a build fills it
    graph by graph instead."""
    put_behind_the_store(base, G1, numbered(2))
    store = RemoteStore(f"{base}/query")
    store.update(f'INSERT DATA {{ GRAPH <{G2}> {{ <{EX.a}> <{EX.p}> "added" }} }}')
    assert answers(store, EX.a) == {"added"}
    assert oxigraph_graph_names(base) == {str(G1), str(G2)}


def test_the_dump_leaves_the_union_graph_out(base: str) -> None:
    store = RemoteStore(f"{base}/query")
    store.replace_graph(G1, numbered(2))
    store.replace_graph(G2, numbered(3, "w"))
    out = io.BytesIO()
    store.dump(out, "nq")
    quads = list(ox.parse(out.getvalue(), ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == {str(G1), str(G2)}
    assert len(quads) == 5
    triples = io.BytesIO()
    store.dump(triples, "nt")
    assert len(Graph().parse(data=triples.getvalue(), format="nt")) == 5
