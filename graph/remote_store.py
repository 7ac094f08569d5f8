"""A store on any SPARQL 1.1 server: Oxigraph server, Fuseki, Virtuoso, GraphDB.

Queries go to the query endpoint (SPARQLWrapper), updates to the update endpoint, and whole
graphs travel by the Graph Store Protocol where the server has it, else as chunked
``INSERT DATA``. Endpoints are derived from the query URL (``…/query`` or ``…/sparql`` ->
``…/update`` and ``…/store``) unless ``NBKG_UPDATE_ENDPOINT`` / ``NBKG_GSP_ENDPOINT`` say
otherwise.

Servers differ in what their default graph is. To give every server the same union-of-all-
graphs semantics, each query names the store's graphs as ``default-graph-uri`` (SPARQL 1.1
Protocol), unless the query has its own ``FROM``.
"""

from __future__ import annotations

import json
import os
import uuid
import warnings
from collections.abc import Sequence
from typing import BinaryIO
from urllib.error import HTTPError, URLError

import pyoxigraph as ox
import requests
from rdflib import BNode, Graph, URIRef
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from nbkg.graph import formats
from nbkg.graph.answers import Answer, boolean_answer, solutions_answer, triples_answer
from nbkg.graph.sparql import has_dataset, query_form
from nbkg.graph.store import QueryError, Store, StoreError

STAGING = "urn:nbkg:staging:"
CHUNK = 5_000  # triples per INSERT DATA when the server has no Graph Store Protocol
TIMEOUT = 300
# SPARQLWrapper turns these HTTP answers into its own exceptions
_STATUS = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}


def _sibling(url: str, name: str) -> str:
    base, _, last = url.rstrip("/").rpartition("/")
    return f"{base}/{name}" if last in ("query", "sparql") else f"{url.rstrip('/')}/{name}"


class RemoteStore(Store):
    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        read_only: bool = False,
    ) -> None:
        self.location = query_url
        self.read_only = read_only
        self.update_url = (
            update_url or os.environ.get("NBKG_UPDATE_ENDPOINT") or _sibling(query_url, "update")
        )
        self.gsp_url = (
            gsp_url or os.environ.get("NBKG_GSP_ENDPOINT") or _sibling(query_url, "store")
        )
        self._gsp: bool | None = None  # unknown until first tried
        self._session = requests.Session()

    # -- queries -------------------------------------------------------------------------

    def query(self, sparql: str, fmt: str = "json") -> bytes:
        return self._query(sparql, fmt)

    def run(
        self,
        sparql: str,
        fmt: str,
        *,
        limit: int | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> Answer:
        """Rows travel as SPARQL JSON or N-Triples and are cut here (servers differ in caps)."""
        dataset = (tuple(default_graphs), tuple(named_graphs))
        if query_form(sparql) in ("CONSTRUCT", "DESCRIBE"):
            body = self._query(sparql, "nt", *dataset)
            try:
                triples = ox.parse(body, ox.RdfFormat.N_TRIPLES)
                return triples_answer(triples, _graph_twin(fmt), limit)
            except SyntaxError as err:
                raise StoreError(f"{self.location} sent unreadable N-Triples: {err}") from None
        payload = json.loads(self._query(sparql, "json", *dataset))
        if "boolean" in payload:
            return boolean_answer(bool(payload["boolean"]), fmt)
        rows = iter(payload["results"]["bindings"])
        return solutions_answer(payload["head"].get("vars", []), rows, fmt, limit)

    def _query(
        self,
        sparql: str,
        fmt: str,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
    ) -> bytes:
        client = SPARQLWrapper(self.location)
        client.setMethod(POST)
        client.setOnlyConneg(True)  # the Accept header alone chooses the format
        with warnings.catch_warnings():  # SPARQLWrapper warns on text it cannot classify
            warnings.simplefilter("ignore", RuntimeWarning)
            client.setQuery(sparql)
        client.setTimeout(TIMEOUT)
        kind = client.queryType
        graph_result = kind in ("CONSTRUCT", "DESCRIBE")
        wanted = formats.get(_graph_twin(fmt) if graph_result else fmt)
        if graph_result and wanted.kind == "results":
            raise QueryError(
                f"format {fmt!r} is for SELECT/ASK results; CONSTRUCT and DESCRIBE give "
                f"{', '.join(formats.GRAPH_FORMATS)}"
            )
        if not graph_result and wanted.kind != "results":
            raise QueryError(
                f"format {fmt!r} is for graphs; SELECT and ASK give "
                f"{', '.join(formats.RESULT_FORMATS)}"
            )
        client.addCustomHttpHeader("Accept", wanted.media_type)
        if default_graphs or named_graphs:
            for graph in default_graphs:
                client.addDefaultGraph(graph)
            for graph in named_graphs:
                client.addNamedGraph(graph)
        elif not has_dataset(sparql):
            for graph in self._graph_names():
                client.addDefaultGraph(graph)
                client.addNamedGraph(graph)  # else GRAPH ?g would see no graph at all
        return self._send(client)

    def _graph_names(self) -> list[str]:
        client = SPARQLWrapper(self.location)
        client.setMethod(POST)
        client.setOnlyConneg(True)  # the Accept header alone chooses the format
        client.setQuery("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        client.addCustomHttpHeader("Accept", formats.get("json").media_type)
        payload = json.loads(self._send(client))
        return [
            b["g"]["value"]
            for b in payload["results"]["bindings"]
            if not b["g"]["value"].startswith(STAGING)
        ]

    def _send(self, client: SPARQLWrapper) -> bytes:
        try:
            return client.query().response.read()
        except HTTPError as err:
            body = err.read().decode("utf-8", "replace")[:500]
            raise QueryError(f"{self.location} answered {err.code}: {body}") from None
        except SPARQLWrapperException as err:
            status = _STATUS.get(type(err).__name__, "an error")
            raise QueryError(f"{self.location} answered {status}: {err}") from None
        except (URLError, OSError) as err:
            raise StoreError(f"cannot reach {self.location}: {err}") from None

    # -- writes --------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only")
        try:
            response = self._session.post(
                self.update_url,
                data=sparql.encode("utf-8"),
                timeout=TIMEOUT,
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
        except requests.RequestException as err:
            raise StoreError(f"cannot reach {self.update_url}: {err}") from None
        if response.status_code >= 400:
            raise QueryError(
                f"{self.update_url} answered {response.status_code}: {response.text[:500]}"
            )

    def replace_graph(self, iri: URIRef, graph: Graph) -> None:
        """Upload to a staging graph, then ``MOVE`` it over the old one in one update."""
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only")
        staging = f"{STAGING}{uuid.uuid4()}"
        if not self._put(staging, graph):
            self.update(f"DROP SILENT GRAPH <{staging}>")
            for batch in _batches(graph):
                chunk = Graph()
                for triple in batch:
                    chunk.add(triple)
                body = chunk.serialize(format="nt")
                self.update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{body}\n}} }}")
        self.update(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{iri}>")

    def _put(self, graph_iri: str, graph: Graph) -> bool:
        """PUT by the Graph Store Protocol; False when the server has none."""
        if self._gsp is False:
            return False
        try:
            response = self._session.put(
                self.gsp_url,
                params={"graph": graph_iri},
                timeout=TIMEOUT,
                data=graph.serialize(format="nt", encoding="utf-8"),
                headers={"Content-Type": "application/n-triples"},
            )
        except requests.RequestException as err:
            raise StoreError(f"cannot reach {self.gsp_url}: {err}") from None
        if response.status_code in (404, 405, 501):
            self._gsp = False
            return False
        if response.status_code >= 400:
            raise StoreError(
                f"{self.gsp_url} answered {response.status_code}: {response.text[:500]}"
            )
        self._gsp = True
        return True

    def dump(self, out: BinaryIO, fmt: str = "nq") -> None:
        if formats.get(fmt).kind != "dataset":
            out.write(self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", fmt))
            return
        from rdflib import Dataset

        dataset = Dataset()
        for name in self._graph_names():
            data = self.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}", "nt"
            )
            dataset.graph(URIRef(name)).parse(data=data, format="nt")
        rdflib_name = {"nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt]
        out.write(dataset.serialize(format=rdflib_name, encoding="utf-8"))

    def close(self) -> None:
        self._session.close()


def _graph_twin(fmt: str) -> str:
    return {"json": "jsonld", "xml": "rdf"}.get(fmt, fmt)


def _batches(graph: Graph) -> list[list[tuple]]:
    """Chunks for INSERT DATA. Triples with blank nodes travel together: each request
    would otherwise mint its own node for the same blank node label."""
    with_bnodes = [t for t in graph if isinstance(t[0], BNode) or isinstance(t[2], BNode)]
    held = set(with_bnodes)
    rest = [t for t in graph if t not in held]
    batches = [with_bnodes] if with_bnodes else []
    batches += [rest[i : i + CHUNK] for i in range(0, len(rest), CHUNK)]
    return batches or [[]]
