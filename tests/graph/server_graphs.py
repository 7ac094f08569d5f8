"""Asking a SPARQL server directly, behind the store's back: which graphs it holds and what
one of them contains. Shared by the remote-store tests (oxigraph serve, Virtuoso)."""

from __future__ import annotations

import requests
from rdflib import Graph, Literal, Namespace, URIRef

from nbkg.graph.remote_union import UNION

EX = Namespace("http://example.org/")


def graph_names(query_url: str, timeout: float = 10) -> set[str]:
    """Every named graph on the server (staging and system graphs included) but the
    store's union graph, which tests of the union ask for by name."""
    response = requests.post(
        query_url,
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=timeout,
    )
    response.raise_for_status()
    return {b["g"]["value"] for b in response.json()["results"]["bindings"]} - {UNION}


def stored_graph(store_url: str, iri: URIRef) -> Graph:
    """One named graph by the Graph Store Protocol (empty when the server has none)."""
    response = requests.get(
        store_url,
        params={"graph": str(iri)},
        headers={"Accept": "application/n-triples"},
        timeout=10,
    )
    if response.status_code == 404:
        return Graph()
    response.raise_for_status()
    return Graph().parse(data=response.content, format="nt")


def numbered(count: int, tag: str = "v") -> Graph:
    """``count`` distinct triples, told apart by ``tag`` from another version."""
    graph = Graph()
    for i in range(count):
        graph.add((EX[f"s{i}"], EX.p, Literal(f"{tag}{i}")))
    return graph


def oxigraph_graph_names(base: str) -> set[str]:
    """Every named graph of an `oxigraph serve` at ``base`` (its URL without /query)."""
    return graph_names(f"{base}/query")


def oxigraph_stored_graph(base: str, iri: URIRef) -> Graph:
    """One named graph of an `oxigraph serve` at ``base``, through its Graph Store endpoint."""
    return stored_graph(f"{base}/store", iri)
