"""Cutting a graph into requests for a server: batches that keep blank nodes together."""

from __future__ import annotations

from rdflib import BNode, Graph


def batches(graph: Graph, size: int) -> list[list[tuple]]:
    """Chunks of at most ``size`` triples, those with blank nodes first and together: each
    request would otherwise mint its own node for the same blank node label. The first
    request of an upload replaces the staging graph, so only it may safely run twice."""
    with_bnodes = [t for t in graph if isinstance(t[0], BNode) or isinstance(t[2], BNode)]
    held = set(with_bnodes)
    rest = [t for t in graph if t not in held]
    batches = [with_bnodes] if with_bnodes else []
    batches += [rest[i : i + size] for i in range(0, len(rest), size)]
    return batches or [[]]


def ntriples(triples: list[tuple]) -> bytes:
    chunk = Graph()
    for triple in triples:
        chunk.add(triple)
    return chunk.serialize(format="nt", encoding="utf-8")
