"""The union of a remote store's graphs, kept in a graph of its own on the server.

Every query reads the union of the store's graphs. Named one by one as the query's default
graphs, hundreds of graphs cost a server dearly: on an Oxigraph server at a million triples,
``programmes`` took 37 s that way against 14 ms over one graph holding the same triples,
``cluster-funding`` 10.4 s against 0.2 s. So, like the embedded store, which keeps the union
in its default graph, a remote store keeps it in :data:`UNION`, and queries name that graph
as their default graph (and the store's graphs as named graphs, for ``GRAPH ?g``).

The union is kept by the store's own writes: replacing a graph retracts the triples only its
old version held and adds the new version's, in the same update request as the ``MOVE`` that
swaps the graph in (one transaction on Oxigraph and Fuseki). A store whose graphs were loaded
by other means (a dump bulk-loaded into Virtuoso) has no union graph: its queries name each
graph, as before, until ``nbkg build`` fills the union graph.
"""

from __future__ import annotations

from nbkg.graph.remote_dataset import STAGING

UNION = "urn:nbkg:union"

# the graphs that are the store's own, whatever ?g is bound to
_SOURCE_GRAPH = f'?g != <{UNION}> && !STRSTARTS(STR(?g), "{STAGING}")'


def swap(staging: str, target: str) -> str:
    """One update request: the union loses what only the old version of ``target`` held,
    gains the new version waiting in ``staging``, and the new version replaces the old.

    >>> print(swap("urn:nbkg:staging:1", "http://g"))  # doctest: +NORMALIZE_WHITESPACE
    DELETE { GRAPH <urn:nbkg:union> { ?s ?p ?o } } WHERE { GRAPH <http://g> { ?s ?p ?o }
      FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o }
        FILTER (?g != <http://g> && ?g != <urn:nbkg:union>) } } ;
    INSERT { GRAPH <urn:nbkg:union> { ?s ?p ?o } }
      WHERE { GRAPH <urn:nbkg:staging:1> { ?s ?p ?o } } ;
    MOVE SILENT GRAPH <urn:nbkg:staging:1> TO GRAPH <http://g>
    """
    return (
        f"DELETE {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }}\n"
        f"  FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }}\n"
        f"    FILTER (?g != <{target}> && ?g != <{UNION}>) }} }} ;\n"
        f"INSERT {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }}\n"
        f"  WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} }} ;\n"
        f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{target}>"
    )


def copy_into(target: str, source: str) -> str:
    """An update adding the triples of graph ``source`` to graph ``target``."""
    return (
        f"INSERT {{ GRAPH <{target}> {{ ?s ?p ?o }} }}\n"
        f"  WHERE {{ GRAPH <{source}> {{ ?s ?p ?o }} }}"
    )


def resync() -> str:
    """An update that brings the union in line with every graph of the store, after an
    update of unknown reach."""
    return (
        f"DELETE {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{UNION}> {{ ?s ?p ?o }}\n"
        f"  FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER ({_SOURCE_GRAPH}) }} }} ;\n"
        f"INSERT {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }}\n"
        f"  FILTER ({_SOURCE_GRAPH}) }}"
    )


def split(graphs: list[str]) -> tuple[list[str], list[str]]:
    """A query's dataset from the graphs a server lists: the union graph as the default
    graph and the store's graphs as named graphs, or, without a union graph, every graph
    as both (slow past a few dozen graphs, but the same answers).

    >>> split(["http://a", UNION, "http://b"])
    (['urn:nbkg:union'], ['http://a', 'http://b'])
    >>> split(["http://a"])
    (['http://a'], ['http://a'])
    """
    named = [g for g in graphs if g != UNION]
    return ([UNION] if UNION in graphs else named), named
