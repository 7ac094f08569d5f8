"""The embedded store: Oxigraph on disk, in this process, no server to run.

The store's default graph holds the union of all named graphs, kept in step by every
graph replacement. Oxigraph's own union mode returns a triple once per graph that holds it
(a bag), so ``COUNT`` over ``{ ?s ?p ?o }`` would overcount shared labels and types; the
materialised union is a set, as in Fuseki's union default graph, and an ``oxigraph serve``
pointed at the same directory answers the same queries the same way.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Node, URIRef

from nbkg.graph import formats
from nbkg.graph.answers import (
    RDF_FORMATS,
    RESULTS_FORMATS,
    Answer,
    boolean_answer,
    native_answer,
    oxigraph_solutions_answer,
    triples_answer,
)
from nbkg.graph.sparql import MAX_NESTING, nesting, with_values
from nbkg.graph.store import NTriples, QueryError, Store, StoreError

_RESULTS = RESULTS_FORMATS
_RDF = RDF_FORMATS


#: From this many triples on, a graph is bulk loaded rather than written in one transaction.
BULK_FROM = 50_000

_RESYNC_UNION = """
DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;
INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"""


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
                self._fill_union()
        except OSError as err:
            if "lock" in str(err).lower():
                raise StoreError(
                    f"the store at {path} is open in another process "
                    f"(a running `nbkg serve` or `nbkg build`?); stop it or "
                    f"use another --store"
                ) from None
            raise StoreError(f"cannot open the store at {path}: {err}") from None

    def query(self, sparql: str, fmt: str = "json") -> bytes:
        result = self._query(sparql)
        if isinstance(result, ox.QueryTriples):
            return result.serialize(format=_RDF[_graph_format(fmt)])
        if fmt not in _RESULTS:
            raise QueryError(
                f"format {fmt!r} is for graphs; SELECT and ASK give "
                f"{', '.join(formats.RESULT_FORMATS)}"
            )
        return result.serialize(format=_RESULTS[fmt])

    def select(
        self, sparql: str, bindings: Mapping[str, Node] | None = None
    ) -> list[dict[str, Node]]:
        """Rows straight from the engine's terms (the site's own queries take this path
        on every page, so it skips writing and re-reading SPARQL JSON)."""
        result = self._query(with_values(sparql, bindings))
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("select() takes SELECT queries")
        names = [v.value for v in result.variables]
        return [
            {name: _term(row[name]) for name in names if row[name] is not None} for row in result
        ]

    def run(
        self,
        sparql: str,
        fmt: str,
        *,
        limit: int | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> Answer:
        options: dict[str, list[ox.NamedNode]] = {}
        try:
            if default_graphs:
                options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
            if named_graphs:
                options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        except ValueError as err:
            raise QueryError(f"not a graph IRI: {err}") from None
        result = self._query(sparql, **options)
        if isinstance(result, ox.QueryBoolean):
            return boolean_answer(bool(result), fmt)
        if isinstance(result, ox.QuerySolutions) and fmt not in _RESULTS:
            raise QueryError(f"format {fmt!r} is for graphs, not SELECT results")
        if isinstance(result, ox.QueryTriples):
            fmt = _graph_format(fmt)
        answer = native_answer(result, fmt, limit)
        if answer is not None:
            return answer
        # Over the cap: run again and keep the first rows (the engine cannot be told to stop).
        result = self._query(sparql, **options)
        if isinstance(result, ox.QueryTriples):
            return triples_answer(result, fmt, limit)
        return oxigraph_solutions_answer(result, fmt, limit)

    def _query(self, sparql: str, **options: object) -> object:
        _parseable(sparql)
        try:
            return self._store.query(sparql, **options)
        except SyntaxError as err:
            raise QueryError(f"SPARQL syntax error: {err}") from None
        except OSError as err:
            raise StoreError(str(err)) from None

    def update(self, sparql: str) -> None:
        """Run the update, then bring the union up to date in the same transaction.

        The default graph is derived: what an update writes there directly is replaced.
        """
        self._writable()
        _parseable(sparql)
        try:
            self._store.update(f"{sparql} ;\n{_RESYNC_UNION}")
        except SyntaxError as err:
            raise QueryError(f"SPARQL syntax error: {err}") from None

    def replace_graph(
        self, iri: URIRef, graph: Graph | NTriples, provenance: Graph | None = None
    ) -> None:
        """Swap the graph and its share of the union.

        Up to :data:`BULK_FROM` triples this is one update, one transaction: triples of the
        old version leave the union unless another graph holds them; the new version is
        copied in by pattern so blank nodes keep their identity. (A staging graph plus MOVE
        takes two transactions, and readers would see a mix in between.) Larger graphs are
        bulk loaded, see :meth:`_bulk_load`.
        """
        self._writable()
        target = ox.NamedNode(str(iri))
        triples = graph if isinstance(graph, NTriples) else NTriples.of(graph)
        extra = provenance.serialize(format="nt") if provenance is not None else ""
        if triples.triples < BULK_FROM:
            self._store.update(f"{_drop(target)} ;\n{_insert(target, triples, extra)}")
            return
        self._store.update(_drop(target))
        self._bulk_load(target, triples)
        if extra:  # no blank nodes: two INSERT DATA give the same triples
            self._store.update(
                f"INSERT DATA {{ GRAPH {target} {{\n{extra}\n}} }} ;\nINSERT DATA {{\n{extra}\n}}"
            )

    writes_ahead = True

    def write_unchecked(self, graphs: Sequence[tuple[URIRef, NTriples]]) -> None:
        """Mark the graphs, then load them: those without blank nodes in one bulk load.

        One bulk load writes one set of sorted files; five hundred, one per source, left
        files every read had to consult. (Blank nodes take a load of their own each, which
        keeps their labels.)
        """
        self._writable()
        if not graphs:
            return
        targets = [(ox.NamedNode(str(iri)), triples) for iri, triples in graphs]
        marks = " ".join(f"GRAPH {t} {{ {t} {_UNCHECKED} true }}" for t, _ in targets)
        self._store.update(f"INSERT DATA {{ {marks} }}")  # the marks first
        plain = [(t, triples) for t, triples in targets if not triples.blank_nodes]
        self._store.bulk_load(_Stream(_quads(plain)), format=ox.RdfFormat.N_QUADS)
        for target, triples in targets:
            if triples.blank_nodes:
                self._bulk_load(target, triples)

    def confirm(self, iri: URIRef, provenance: Graph) -> None:
        self._writable()
        target = ox.NamedNode(str(iri))
        extra = provenance.serialize(format="nt")
        self._store.update(
            f"DELETE DATA {{ GRAPH {target} {{ {target} {_UNCHECKED} true }} }} ;\n"
            f"INSERT DATA {{ GRAPH {target} {{\n{extra}\n}} }} ;\nINSERT DATA {{\n{extra}\n}}"
        )

    def discard(self, iri: URIRef) -> None:
        self._writable()
        self._store.update(_drop(ox.NamedNode(str(iri))))

    def discard_unchecked(self) -> list[URIRef]:
        self._writable()
        marked = [URIRef(row["g"].value) for row in self._store.query(_MARKED)]
        for iri in marked:
            self.discard(iri)
        return marked

    def compact(self) -> None:
        """Merge the files bulk loads wrote into sorted runs.

        Each bulk load adds its own sorted files, which later reads have to consult. On the
        benchmark's stores, the canned queries took 27 to 79 times as long at ten million
        triples as at one million before compaction, and 10 to 18 times after.
        """
        self._writable()
        self._store.optimize()

    def _bulk_load(self, target: ox.NamedNode, triples: NTriples) -> None:
        """A large graph goes in by bulk load, written straight to the store's files.

        One transaction of a million quads is held in memory by Oxigraph and takes minutes;
        a bulk load takes seconds, but is not atomic. Nobody reads in between: the build
        lock keeps ``nbkg serve`` and other builds off the store. A crash half-way is caught
        by the next build: the provenance, which records the source's digest, is written
        last in a transaction of its own, so a graph without it counts as changed and is
        loaded again (and a graph written unchecked carries its mark until then).
        """
        data = triples.data
        if triples.blank_nodes:  # bulk_load renames them per call: copy with labels kept
            parsed = ox.parse(data, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False)
            self._store.bulk_extend(
                quad
                for t in parsed
                for quad in (
                    ox.Quad(t.subject, t.predicate, t.object, target),
                    ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()),
                )
            )
        else:
            for graph_name in (target, ox.DefaultGraph()):
                self._store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph_name)

    def _fill_union(self) -> None:
        """Stores written before the union was materialised get it once, on first open."""
        if not self._store.query("ASK { ?s ?p ?o }") and self._store.query(
            "ASK { GRAPH ?g { ?s ?p ?o } }"
        ):
            self._store.update(_RESYNC_UNION)

    def dump(self, out: BinaryIO, fmt: str = "nq") -> None:
        if formats.get(fmt).kind == "dataset":  # the named graphs; the union is derived
            named = (q for q in self._store if not isinstance(q.graph_name, ox.DefaultGraph))
            ox.serialize(named, out, _RDF[fmt])
            return
        self._store.dump(out, format=_RDF[_graph_format(fmt)], from_graph=ox.DefaultGraph())

    def close(self) -> None:
        store = self.__dict__.pop("_store", None)  # closing twice is harmless
        if store is not None and not self.read_only:
            store.flush()

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only")


_UNCHECKED = "<https://w3id.org/nbkg/def#uncheckedLoad>"
_MARKED = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g {_UNCHECKED} true }} }}"


def _insert(target: ox.NamedNode, triples: NTriples, extra: str = "") -> str:
    """Add the triples (and ``extra`` N-Triples) to the graph, and all of it to the union."""
    data = triples.data.decode("utf-8") + extra
    return (
        f"INSERT DATA {{ GRAPH {target} {{\n{data}\n}} }} ;\n"
        f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}"
    )


def _quads(graphs: Sequence[tuple[ox.NamedNode, NTriples]]) -> Iterator[bytes]:
    """N-Quads of each graph, then the same triples for the union (the default graph).

    An N-Triples line ends in `` .`` and a newline, which no term can hold, so naming the
    graph is one replacement per line end.
    """
    for target, triples in graphs:
        yield triples.data.replace(b" .\n", f" {target} .\n".encode())
        yield triples.data


class _Stream(io.RawIOBase):
    """Chunks of bytes read as one file, so a bulk load takes them without one big copy."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._left:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._left = memoryview(chunk)
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


def _drop(target: ox.NamedNode) -> str:
    """Remove a graph and the triples only it gave the union."""
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }}\n"
        f"  FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER (?h != {target}) }} }} ;\n"
        f"DROP SILENT GRAPH {target}"
    )


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return _uri(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else _uri(datatype))
    raise QueryError(f"cannot convert {term!r} to an rdflib term")


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@lru_cache(maxsize=65536)
def _uri(value: str) -> URIRef:
    """IRIs repeat across rows (properties, classes, concepts): build each rdflib term once."""
    return URIRef(value)


def _graph_format(fmt: str) -> str:
    if fmt in ("json", "xml"):  # the natural graph twin of a results format
        return {"json": "jsonld", "xml": "rdf"}[fmt]
    if fmt not in _RDF:
        raise QueryError(
            f"format {fmt!r} is for SELECT/ASK results; CONSTRUCT and DESCRIBE give "
            f"{', '.join(formats.GRAPH_FORMATS)}"
        )
    return fmt


def _parseable(sparql: str) -> None:
    """Refuse text nested deeper than Oxigraph's parser survives: past a few thousand levels
    it ends this process (the CLI, a web worker, a build) instead of raising."""
    if (depth := nesting(sparql)) > MAX_NESTING:
        raise QueryError(
            f"the query nests brackets {depth} deep; the embedded store takes up to {MAX_NESTING}"
        )
