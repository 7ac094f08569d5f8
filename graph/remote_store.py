"""A store on any SPARQL 1.1 server: Oxigraph server, Fuseki, Virtuoso, GraphDB.

Queries go to the query endpoint (SPARQLWrapper), updates to the update endpoint, and whole
graphs travel by the Graph Store Protocol where the server has it, else as chunked
``INSERT DATA``. Endpoints are derived from the query URL (``…/query`` or ``…/sparql`` ->
``…/update`` and ``…/store``) unless ``NBKG_UPDATE_ENDPOINT`` / ``NBKG_GSP_ENDPOINT`` say
otherwise.

Servers differ in what their default graph is. To give every server the same union-of-all-
graphs semantics, each query names the store's union graph as ``default-graph-uri`` and the
store's graphs as ``named-graph-uri`` (SPARQL 1.1 Protocol; Virtuoso: ``DEFINE`` pragmas),
unless the query has its own ``FROM``; a capped answer's cap goes to the server as a
``LIMIT`` where the query allows it (``remote_queries``). The store keeps that union graph
up to date with its own writes (``remote_union``, ``remote_union_writes``); without one,
each graph is named as a default graph. A server's own bookkeeping graphs (Virtuoso keeps a
few) are not the store's (``remote_dataset``).

Virtuoso takes updates at the query endpoint itself and has its Graph Store Protocol at
``…/sparql-graph-crud``: when the derived ``…/update`` or ``…/store`` is not there, the next
candidate is tried (only for derived endpoints, never for ones given explicitly).

Large graphs travel in batches (a ``PUT``, then ``POST`` requests to the staging graph, or one
``INSERT DATA`` per chunk). Every request is retried on connection errors and on 5xx/429
answers, with exponential backoff (``retries`` attempts after the first, ``backoff`` seconds
doubling each time). If the upload still fails, the staging graph is dropped and the named
graph keeps its previous version.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from typing import BinaryIO

import pyoxigraph as ox
import requests
from rdflib import BNode, Graph, URIRef
from SPARQLWrapper import SPARQLWrapper

from nbkg.graph import formats
from nbkg.graph.answers import RDF_FORMATS
from nbkg.graph.remote_batches import batches, ntriples
from nbkg.graph.remote_client import (
    RETRY_STATUS,
    TIMEOUT,
    RetryError,
    is_sparql,
    read_from,
    request,
    send,
    sibling,
)
from nbkg.graph.remote_dataset import (
    GRAPHS_WITH_TRIPLES,
    NAMED_GRAPHS,
    NO_GRAPH,
    STAGING,
    graph_names,
    is_virtuoso,
    store_graphs,
)
from nbkg.graph.remote_dialects import advice, lasting_error
from nbkg.graph.remote_queries import RemoteQueries
from nbkg.graph.remote_union import UNION, split
from nbkg.graph.remote_union_writes import UnionWrites
from nbkg.graph.sparql import has_dataset, term_text
from nbkg.graph.store import NTriples, QueryError, Store, StoreError

CHUNK = 5_000  # triples per INSERT DATA when the server has no Graph Store Protocol
GSP_CHUNK = 50_000  # triples per Graph Store Protocol request (one PUT, then POSTs)
RETRIES = 3  # further attempts of a request after a connection error or a 5xx/429 answer
BACKOFF = 0.2  # seconds before the first retry, doubling after each
_MISSING = (404, 405, 501)  # an endpoint the server does not have


class RemoteStore(RemoteQueries, UnionWrites, Store):
    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        read_only: bool = False,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        chunk: int | None = None,
        gsp_chunk: int | None = None,
    ) -> None:
        self.location = query_url
        self.read_only = read_only
        self.retries = retries
        self.backoff = backoff
        self.chunk = chunk  # None: the module's CHUNK / GSP_CHUNK
        self.gsp_chunk = gsp_chunk
        given_update = update_url or os.environ.get("NBKG_UPDATE_ENDPOINT")
        self.update_url = given_update or sibling(query_url, "update")
        # where updates go if the derived endpoint is missing: the query endpoint (Virtuoso)
        self._update_fallbacks = [] if given_update else [query_url]
        given_gsp = gsp_url or os.environ.get("NBKG_GSP_ENDPOINT")
        self.gsp_url = given_gsp or sibling(query_url, "store")
        self._gsp_fallbacks = (
            [sibling(query_url, "sparql-graph-crud")]
            if not given_gsp and is_sparql(query_url)
            else []
        )
        self._gsp: bool | None = None  # unknown until first tried
        self._lists_graphs: bool | None = None  # whether GRAPH ?g {} names each graph
        self._virtuoso = False  # the last answer came from Virtuoso
        self._caps_sorted = True  # whether a capped sorted query is taken (see _select)
        self._retried = False  # whether some request needed another attempt
        self._session = requests.Session()

    # -- retries -------------------------------------------------------------------------

    def _attempts(self, attempt: Callable[[], object]) -> object:
        """Run ``attempt`` until it does not raise RetryError, at most ``retries`` + 1 times."""
        for number in range(self.retries + 1):
            try:
                return attempt()
            except RetryError as err:
                last = err
                if number < self.retries:
                    self._retried = True
                    time.sleep(self.backoff * 2**number)
        raise StoreError(f"{last} (tried {self.retries + 1} times)") from None

    def _request(
        self, method: str, url: str, *, settled: Callable[[], bool] | None = None, **kwargs
    ) -> requests.Response:
        """One HTTP request with retries; ``settled`` tells, before a retry, whether the
        earlier attempt took effect after all (then its answer was merely lost)."""
        tried = False

        def attempt() -> requests.Response:
            nonlocal tried
            if tried and settled is not None and settled():
                return requests.Response()  # status_code None: done
            tried = True
            try:
                response = self._session.request(method, url, timeout=TIMEOUT, **kwargs)
            except requests.RequestException as err:
                raise RetryError(f"cannot reach {url}: {err}") from None
            if response.status_code in RETRY_STATUS and not lasting_error(response.text[:500]):
                raise RetryError(f"{url} answered {response.status_code}: {response.text[:500]}")
            return response

        return self._attempts(attempt)  # type: ignore[return-value]

    # -- queries -------------------------------------------------------------------------

    def _query(
        self,
        sparql: str,
        fmt: str,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
    ) -> bytes:
        client = request(self.location, sparql, fmt)
        if default_graphs or named_graphs:
            read_from(client, default_graphs, named_graphs, pragmas=False)
        elif not has_dataset(sparql):
            default, named = split(self._listed_graphs())
            # no graph at all: an empty dataset; named graphs too, else GRAPH ?g sees none
            default, named = default or [NO_GRAPH], named or [NO_GRAPH]
            read_from(client, default, named, pragmas=self._virtuoso)
        return self._send(client)

    def _graph_names(self) -> list[str]:
        """The store's graphs, its union graph aside."""
        return [name for name in self._listed_graphs() if name != UNION]

    def _listed_graphs(self) -> list[str]:
        """The store's graphs and its union graph, from the graph index where the server
        lists graphs for ``GRAPH ?g {}``, else by counting each graph's triples."""
        if self._lists_graphs is not False:
            names = graph_names(self._listing(NAMED_GRAPHS))
            if names:
                self._lists_graphs = True
                return store_graphs(names)
            if names is None:
                self._lists_graphs = False
        return store_graphs(graph_names(self._listing(GRAPHS_WITH_TRIPLES)) or [])

    def _listing(self, sparql: str) -> dict:
        return json.loads(self._send(request(self.location, sparql, "json")))

    def _send(self, client: SPARQLWrapper) -> bytes:
        def attempt() -> bytes:
            body, server = send(client, self.location)
            self._virtuoso = is_virtuoso(server)
            return body

        return self._attempts(attempt)  # type: ignore[return-value]

    # -- writes --------------------------------------------------------------------------

    def _update(self, sparql: str, settled: Callable[[], bool] | None = None) -> None:
        while True:
            response = self._request(
                "POST",
                self.update_url,
                settled=settled,
                data=sparql.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
            if response.status_code in _MISSING and self._update_fallbacks:
                self.update_url = self._update_fallbacks.pop(0)
                continue
            break
        if response.status_code is not None and response.status_code >= 400:
            raise QueryError(
                f"{self.update_url} answered {response.status_code}: {response.text[:500]}"
                + advice(response.text[:500])
            )
        self._update_fallbacks = []  # this endpoint works: keep it

    def replace_graph(
        self, iri: URIRef, graph: Graph | NTriples, provenance: Graph | None = None
    ) -> None:
        """Upload to a staging graph, then ``MOVE`` it over the old one in one update.

        If the upload fails, the staging graph is dropped and the old version stays."""
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only")
        if isinstance(graph, NTriples):  # batches are cut from an rdflib graph
            graph = graph.graph()
        if provenance is not None:
            graph = graph + provenance
        staging = f"{STAGING}{uuid.uuid4()}"
        try:
            self._upload(staging, graph)
            if self._retried and self._count(staging) > len(graph):
                # a request ran twice (its first answer lost): its blank nodes are doubled
                self._upload(staging, graph)  # starts by emptying the staging graph
                if self._retried and self._count(staging) > len(graph):
                    raise StoreError(
                        f"{self.location} holds more triples than were sent for <{iri}>"
                    )

            def moved() -> bool:  # MOVE's answer was lost: did it happen?
                return len(graph) > 0 and not self._has_graph(staging)

            self.fill_union()  # before the first swap, which would start it with one graph
            self._swap(staging, str(iri), settled=moved)
        except StoreError:
            self._drop_quietly(staging)
            raise

    def _upload(self, staging: str, graph: Graph) -> None:
        self._retried = False
        if self._gsp_upload(staging, graph):
            return
        self._update(f"DROP SILENT GRAPH <{staging}>")
        for batch in batches(graph, self.chunk or CHUNK):
            if not batch:  # an empty graph: the DROP was all (Virtuoso refuses an empty one)
                continue
            body = ntriples(batch).decode("utf-8")
            if any(isinstance(t[0], BNode) or isinstance(t[2], BNode) for t in batch):
                # Virtuoso refuses blank nodes in INSERT DATA; a template takes them anywhere
                self._update(f"INSERT {{ GRAPH <{staging}> {{\n{body}\n}} }} WHERE {{}}")
            else:
                self._update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{body}\n}} }}")

    def _gsp_upload(self, staging: str, graph: Graph) -> bool:
        """PUT a first batch, POST the others (Graph Store Protocol); False when the server
        has no Graph Store Protocol."""
        if self._gsp is False:
            return False
        first, *rest = batches(graph, self.gsp_chunk or GSP_CHUNK)
        for method, batch in [("PUT", first)] + [("POST", batch) for batch in rest]:
            while True:
                response = self._request(
                    method,
                    self.gsp_url,
                    params={"graph": staging},
                    data=ntriples(batch),
                    headers={"Content-Type": "application/n-triples"},
                )
                if method == "PUT" and response.status_code in _MISSING:
                    if self._gsp_fallbacks:
                        self.gsp_url = self._gsp_fallbacks.pop(0)
                        continue
                    self._gsp = False
                    return False
                break
            if response.status_code >= 400:
                raise StoreError(
                    f"{self.gsp_url} answered {response.status_code}: {response.text[:500]}"
                )
            self._gsp = True
            self._gsp_fallbacks = []
        return True

    def _has_graph(self, name: str) -> bool:
        sparql = f"ASK FROM NAMED <{name}> WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        return bool(json.loads(self._query(sparql, "json")).get("boolean"))

    def _count(self, name: str) -> int:
        sparql = f"SELECT (COUNT(*) AS ?n) FROM <{name}> WHERE {{ ?s ?p ?o }}"
        rows = json.loads(self._query(sparql, "json"))["results"]["bindings"]
        return int(rows[0]["n"]["value"]) if rows else 0

    def _drop_quietly(self, graph: str) -> None:
        """One try to remove a staging graph (or a half-written union graph) after a
        failure; the failure is what matters."""
        try:
            self._session.post(
                self.update_url,
                data=f"DROP SILENT GRAPH <{graph}>".encode(),
                timeout=TIMEOUT,
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
        except requests.RequestException:
            pass

    def dump(self, out: BinaryIO, fmt: str = "nq") -> None:
        if formats.get(fmt).kind != "dataset":
            out.write(self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", fmt))
            return
        ox.serialize(self._quads(), out, RDF_FORMATS[fmt])

    def _quads(self) -> Iterator[ox.Quad]:
        """The named graphs one at a time: held whole as an rdflib dataset, a million triples
        took 2 GB (ten million would not fit the machine)."""
        for name in self._graph_names():
            graph = ox.NamedNode(name)
            iri = term_text("g", URIRef(name))
            sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}"
            data = self._query(sparql, "nt")
            # each answer labels its blank nodes afresh: keep two graphs' _:b0 apart
            for t in ox.parse(data, ox.RdfFormat.N_TRIPLES, rename_blank_nodes=True):
                yield ox.Quad(t.subject, t.predicate, t.object, graph)

    def close(self) -> None:
        self._session.close()
