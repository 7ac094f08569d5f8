"""The store contract, and :func:`open_store` to pick a backend from one setting.

A store holds the graph as named graphs, one per source. Two backends implement the
contract: :class:`~nbkg.graph.oxigraph_store.OxigraphStore` (embedded, on disk; the default)
and :class:`~nbkg.graph.remote_store.RemoteStore` (any SPARQL 1.1 server). Queries see the
union of all named graphs as their default graph, so ``SELECT * { ?s ?p ?o }`` finds the
data, while ``GRAPH ?g`` still tells sources apart.

The setting is ``NBKG_STORE`` (or ``--store``): an http(s) URL means a remote server, anything
else a directory for the embedded store. Unset, the store lives in the per-user data
directory (``platformdirs.user_data_dir("nbkg")/store``).
"""

from __future__ import annotations

import io
import os
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import platformdirs
from rdflib import BNode, Graph, Node, URIRef
from rdflib.query import Result

from nbkg.graph.answers import Answer
from nbkg.graph.sparql import with_values


@dataclass(frozen=True)
class NTriples:
    """A graph serialised as N-Triples: how the build hands large sources to a store."""

    data: bytes
    triples: int
    blank_nodes: bool

    @classmethod
    def of(cls, graph: Graph) -> NTriples:
        blank = any(isinstance(s, BNode) or isinstance(o, BNode) for s, _, o in graph)
        return cls(graph.serialize(format="nt", encoding="utf-8"), len(graph), blank)

    def graph(self) -> Graph:
        return Graph().parse(data=self.data, format="nt")


class StoreError(Exception):
    """The store cannot do what was asked; the message says why and what to do."""


class QueryError(StoreError):
    """The query is not valid SPARQL, or the server refused it."""


class Store(ABC):
    """What the rest of nbkg needs from a store: a few operations, nothing more."""

    location: str
    read_only: bool = False

    @abstractmethod
    def query(self, sparql: str, fmt: str = "json") -> bytes:
        """Run a query over the union of all graphs; return results serialised as ``fmt``."""

    @abstractmethod
    def run(
        self,
        sparql: str,
        fmt: str,
        *,
        limit: int | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> Answer:
        """Answer a query for publication: at most ``limit`` rows, and whether more were left.

        ``default_graphs`` / ``named_graphs`` are the SPARQL Protocol's dataset, graph names
        within this store; they override the query's ``FROM``. Nothing is fetched from outside.
        """

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update in one transaction (where the backend has them)."""

    @abstractmethod
    def replace_graph(
        self, iri: URIRef, graph: Graph | NTriples, provenance: Graph | None = None
    ) -> None:
        """Swap in new contents for a named graph: readers see the old or the new, never a mix.

        ``provenance`` (the load's PROV-O record, with the source's digest) goes into the
        same graph. A backend that cannot swap atomically writes it last, so that its
        presence vouches that the graph is whole.
        """

    #: Whether :meth:`write_unchecked` is available: the build then loads new graphs while
    #: the gate still validates them, and the two run on separate cores.
    writes_ahead: bool = False

    def write_unchecked(self, graphs: Sequence[tuple[URIRef, NTriples]]) -> None:
        """Write graphs the store does not hold yet, marked as not yet checked by the gate.

        The mark stays in a graph until :meth:`confirm` swaps it for the load's provenance;
        :meth:`discard` removes a rejected graph, and the next build removes what a crashed
        one left marked (:meth:`discard_unchecked`), so no unchecked data outlives a build.
        """
        raise NotImplementedError(f"{type(self).__name__} does not write ahead of the gate")

    def confirm(self, iri: URIRef, provenance: Graph) -> None:
        """The gate accepted a graph written unchecked: replace its mark by its provenance."""
        raise NotImplementedError(f"{type(self).__name__} does not write ahead of the gate")

    def discard(self, iri: URIRef) -> None:
        """Remove a graph written unchecked (the gate rejected it), with its share of the union."""
        raise NotImplementedError(f"{type(self).__name__} does not write ahead of the gate")

    def fill_union(self) -> None:  # noqa: B027 - the embedded store keeps its union always
        """Give a store whose graphs were loaded by other means the union every query reads,
        where the backend keeps it apart from the graphs (a remote store's union graph)."""

    def compact(self) -> None:  # noqa: B027 - servers compact on their own
        """Reorganise the store's files after a build wrote many graphs, for faster reads."""

    def discard_unchecked(self) -> list[URIRef]:
        """Remove the graphs a build wrote unchecked and did not finish with; their names."""
        return []

    @abstractmethod
    def dump(self, out: BinaryIO, fmt: str = "nq") -> None:
        """Write every named graph (quads), or their union for triple formats."""

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release files or connections."""

    # -- conveniences shared by every backend --------------------------------------------

    def select(
        self, sparql: str, bindings: Mapping[str, Node] | None = None
    ) -> list[dict[str, Node]]:
        """Rows of a SELECT as rdflib terms; ``bindings`` are bound as escaped RDF terms."""
        result = Result.parse(io.BytesIO(self.query(with_values(sparql, bindings))), format="json")
        names = [str(v) for v in result.vars or []]
        return [{n: row[n] for n in names if row[n] is not None} for row in result]  # type: ignore[index]

    def ask(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> bool:
        result = Result.parse(io.BytesIO(self.query(with_values(sparql, bindings))), format="json")
        return bool(result.askAnswer)

    def graphs(self) -> list[URIRef]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return [row["g"] for row in rows]  # type: ignore[misc]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_location() -> str:
    return str(Path(platformdirs.user_data_dir("nbkg")) / "store")


def store_location(setting: str | None = None) -> str:
    """The store a command should use: ``--store``, then ``NBKG_STORE``, then the default."""
    return setting or os.environ.get("NBKG_STORE") or default_location()


def is_remote(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def open_store(setting: str | None = None, *, read_only: bool = False) -> Store:
    """Open the store named by ``setting`` (see the module docstring)."""
    location = store_location(setting)
    if is_remote(location):
        from nbkg.graph.remote_store import RemoteStore

        return RemoteStore(location, read_only=read_only)
    from nbkg.graph.oxigraph_store import OxigraphStore

    return OxigraphStore(location, read_only=read_only)
