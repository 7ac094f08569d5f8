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

Virtuoso keeps each update's changes in its transaction log until it commits, and aborts
one whose changes pass ``TransactionAfterImageLimit`` (50 MB by default: copying a graph of
five million triples failed, of half a million passed). Its writes to the union graph
therefore go without the log (:func:`unlogged`), each in a request of its own: in one request
with the ``MOVE``, and with the row-by-row modes of the same pragma, the old version's
blank-node triples stayed behind. A write that fails part-way may leave the union graph
wrong, so the store then drops it, and queries name each graph until the next
``nbkg build`` fills it again.
"""

from __future__ import annotations

from nbkg.graph.remote_dataset import STAGING, SYSTEM_GRAPHS

UNION = "urn:nbkg:union"

# the graphs that are the store's own, whatever ?g is bound to (not a server's own graphs)
_SOURCE_GRAPH = " && ".join(
    [f"?g != <{UNION}>", *(f'!STRSTARTS(STR(?g), "{p}")' for p in (STAGING, *SYSTEM_GRAPHS))]
)


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
    return " ;\n".join(swap_steps(staging, target))


def swap_steps(staging: str, target: str) -> list[str]:
    """The three operations of :func:`swap`, for a server that must run them apart."""
    return [
        f"DELETE {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }}\n"
        f"  FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }}\n"
        f"    FILTER (?g != <{target}> && ?g != <{UNION}>) }} }}",
        f"INSERT {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }}\n"
        f"  WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} }}",
        f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{target}>",
    ]


def copy_into(target: str, source: str) -> str:
    """An update adding the triples of graph ``source`` to graph ``target``."""
    return (
        f"INSERT {{ GRAPH <{target}> {{ ?s ?p ?o }} }}\n"
        f"  WHERE {{ GRAPH <{source}> {{ ?s ?p ?o }} }}"
    )


def resync() -> str:
    """An update that brings the union in line with every graph of the store, after an
    update of unknown reach."""
    return " ;\n".join(resync_steps())


def resync_steps() -> list[str]:
    """The two operations of :func:`resync`, for a server that must run them apart."""
    return [
        f"DELETE {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{UNION}> {{ ?s ?p ?o }}\n"
        f"  FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER ({_SOURCE_GRAPH}) }} }}",
        f"INSERT {{ GRAPH <{UNION}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }}\n"
        f"  FILTER ({_SOURCE_GRAPH}) }}",
    ]


def unlogged(sparql: str) -> str:
    """The update as Virtuoso runs it without its transaction log (and so without the
    log's size limit; what it writes is durable from the next checkpoint).

    >>> print(unlogged("DROP SILENT GRAPH <http://g>"))
    DEFINE sql:log-enable 0
    DROP SILENT GRAPH <http://g>
    """
    return f"DEFINE sql:log-enable 0\n{sparql}"


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
