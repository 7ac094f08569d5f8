"""The questions a remote store answers: queries written as asked, cut at a row cap that
the server is told where the query allows (:mod:`nbkg.graph.capped_query`), and bindings put
where Virtuoso reads them. Mixed into ``RemoteStore``, which sends each query with its
dataset (``_query``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

import pyoxigraph as ox
from rdflib import Node

from nbkg.graph import formats
from nbkg.graph.answers import Answer, boolean_answer, solutions_answer, triples_answer
from nbkg.graph.capped_query import capped
from nbkg.graph.remote_client import graph_twin
from nbkg.graph.remote_dialects import plain_term, sorted_top_refused, values_inside
from nbkg.graph.sparql import query_form
from nbkg.graph.store import QueryError, StoreError


class RemoteQueries:
    location: str
    _caps_sorted: bool  # whether the server takes a capped sorted query (see _select)
    # the store's own request: a query with its dataset, the answer's body
    _query: Callable[..., bytes]

    def query(self, sparql: str, fmt: str = "json") -> bytes:
        """Results travel as SPARQL JSON and are written here: servers differ in their CSV
        (Virtuoso quotes every field) and JSON (Virtuoso's ``typed-literal``)."""
        if query_form(sparql) in ("SELECT", "ASK") and formats.get(fmt).kind == "results":
            return self.run(sparql, fmt).body
        return self._query(sparql, fmt)

    def select(
        self, sparql: str, bindings: Mapping[str, Node] | None = None
    ) -> list[dict[str, Node]]:
        return super().select(values_inside(sparql, bindings))

    def ask(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> bool:
        return super().ask(values_inside(sparql, bindings))

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
                return triples_answer(triples, graph_twin(fmt), limit)
            except SyntaxError as err:
                raise StoreError(f"{self.location} sent unreadable N-Triples: {err}") from None
        payload = json.loads(self._select(sparql, limit, dataset))
        if "boolean" in payload:
            return boolean_answer(bool(payload["boolean"]), fmt)
        rows = (
            {name: plain_term(term) for name, term in row.items()}
            for row in payload["results"]["bindings"]
        )
        return solutions_answer(payload["head"].get("vars", []), rows, fmt, limit)

    def _select(
        self, sparql: str, limit: int | None, dataset: tuple[tuple[str, ...], tuple[str, ...]]
    ) -> bytes:
        """The answer as SPARQL JSON, the server asked for one row past ``limit`` where the
        query allows it. Virtuoso refuses a sorted ``LIMIT`` past its ``MaxSortedTopRows``
        (10,000 by default, the web's own cap): then this store asks for every row, as
        before, and from then on."""
        query = capped(sparql, limit) if limit is not None and self._caps_sorted else None
        if query is not None:
            try:
                return self._query(query, "json", *dataset)
            except QueryError as err:
                if not sorted_top_refused(str(err)):
                    raise
                self._caps_sorted = False
        return self._query(sparql, "json", *dataset)
