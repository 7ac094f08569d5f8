"""Which graphs a remote store holds, and how a query is told to read all of them.

Servers differ in what their default graph is, so every query names the store's graphs (and
its union graph, ``remote_union``). Two things about that stop working once a store holds
hundreds of graphs (a source each):

- Listing the graphs by counting triples per graph reads every triple: 6.8 s per query on an
  Oxigraph server at ten million triples. ``GRAPH ?g {}`` lists them from the graph index in
  milliseconds on Oxigraph and Fuseki; Virtuoso 7.2 answers it with one empty row, and its
  count per graph is fast (0.13 s at ten million), so it keeps that.
- Virtuoso echoes each ``default-graph-uri`` and ``named-graph-uri`` as a response header,
  and Python's HTTP client refuses an answer of more than 100 headers: past 49 graphs every
  query failed. Virtuoso reads the same dataset from ``DEFINE input:…`` pragmas at the start
  of the query text, which it does not echo.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rdflib import URIRef

from nbkg.graph.sparql import term_text

STAGING = "urn:nbkg:staging:"
NO_GRAPH = "urn:nbkg:no-graph"  # the dataset of queries while the store has no graph at all
# graphs a server keeps for itself (Virtuoso), never part of the store
SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
)
NAMED_GRAPHS = "SELECT ?g WHERE { GRAPH ?g {} }"
# GROUP BY, not DISTINCT: Virtuoso takes seconds for the DISTINCT, milliseconds for this
GRAPHS_WITH_TRIPLES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def graph_names(payload: Mapping) -> list[str] | None:
    """The graphs in a listing's SPARQL JSON answer; None if a row names no graph (the
    server does not list graphs that way)."""
    names = []
    for row in payload["results"]["bindings"]:
        if "g" not in row:
            return None
        names.append(row["g"]["value"])
    return names


def store_graphs(names: Iterable[str]) -> list[str]:
    """The graphs that are the store's: not a staging graph, not the server's own."""
    return [name for name in names if not name.startswith((STAGING, *SYSTEM_GRAPHS))]


def is_virtuoso(server: str | None) -> bool:
    """Whether a ``Server`` response header is Virtuoso's."""
    return (server or "").startswith("Virtuoso")


def virtuoso_dataset(default: Iterable[str], named: Iterable[str]) -> str:
    """Pragmas that give a Virtuoso query its default and named graphs.

    >>> print(virtuoso_dataset(["urn:u"], ["http://g"]), end="")
    DEFINE input:default-graph-uri <urn:u>
    DEFINE input:named-graph-uri <http://g>
    """
    lines = [f"DEFINE input:default-graph-uri {term_text('g', URIRef(g))}" for g in default]
    lines += [f"DEFINE input:named-graph-uri {term_text('g', URIRef(g))}" for g in named]
    return "".join(f"{line}\n" for line in lines)
