"""The embedded store: Oxigraph on disk, in this process, no server to run."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph, URIRef

from nbkg.graph import formats
from nbkg.graph.sparql import has_dataset
from nbkg.graph.store import QueryError, Store, StoreError

_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_RDF = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


class OxigraphStore(Store):
    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.location = str(path)
        self.read_only = read_only
        try:
            if read_only:
                if not Path(path).exists():
                    raise StoreError(f"no store at {path}: run `nbkg build` first")
                self._store = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as err:
            if "lock" in str(err).lower():
                raise StoreError(
                    f"the store at {path} is open in another process "
                    f"(a running `nbkg serve` or `nbkg build`?); stop it or "
                    f"use another --store"
                ) from None
            raise StoreError(f"cannot open the store at {path}: {err}") from None

    def query(self, sparql: str, fmt: str = "json") -> bytes:
        try:
            result = self._store.query(sparql, use_default_graph_as_union=not has_dataset(sparql))
        except SyntaxError as err:
            raise QueryError(f"SPARQL syntax error: {err}") from None
        except OSError as err:
            raise StoreError(str(err)) from None
        if isinstance(result, ox.QueryTriples):
            return result.serialize(format=_RDF[_graph_format(fmt)])
        if fmt not in _RESULTS:
            raise QueryError(
                f"format {fmt!r} is for graphs; SELECT and ASK give "
                f"{', '.join(formats.RESULT_FORMATS)}"
            )
        return result.serialize(format=_RESULTS[fmt])

    def update(self, sparql: str) -> None:
        self._writable()
        try:
            self._store.update(sparql)
        except SyntaxError as err:
            raise QueryError(f"SPARQL syntax error: {err}") from None

    def replace_graph(self, iri: URIRef, graph: Graph) -> None:
        """Drop and insert in one update, one transaction: no reader sees a mix.

        (A staging graph plus MOVE takes two transactions, and queries over the union
        default graph would see old and new together in between.)
        """
        self._writable()
        target = ox.NamedNode(str(iri))
        data = graph.serialize(format="nt")
        self._store.update(
            f"DROP SILENT GRAPH {target} ;\nINSERT DATA {{ GRAPH {target} {{\n{data}\n}} }}"
        )

    def dump(self, out: BinaryIO, fmt: str = "nq") -> None:
        if formats.get(fmt).kind == "dataset":
            self._store.dump(out, format=_RDF[fmt])
            return
        triples = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        out.write(triples.serialize(format=_RDF[_graph_format(fmt)]))

    def close(self) -> None:
        store = self.__dict__.pop("_store", None)  # closing twice is harmless
        if store is not None and not self.read_only:
            store.flush()

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only")


def _graph_format(fmt: str) -> str:
    if fmt in ("json", "xml"):  # the natural graph twin of a results format
        return {"json": "jsonld", "xml": "rdf"}[fmt]
    if fmt not in _RDF:
        raise QueryError(
            f"format {fmt!r} is for SELECT/ASK results; CONSTRUCT and DESCRIBE give "
            f"{', '.join(formats.GRAPH_FORMATS)}"
        )
    return fmt
