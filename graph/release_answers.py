"""The release's answer tables: every canned query's whole-graph answer, computed once.

At ten million triples the whole-graph reports take from seconds to minutes each
(``cluster-members`` two and a half), past any web request's patience, and their cost
grows faster than the graph (``bench/report/10m.md``). The release is written once per
build, so it is where such an answer can be paid for: each canned query runs with every
parameter unbound, and its answer is kept as SPARQL results TSV, the one results format
that keeps each term's kind and reads back row by row. The web serves a table in place of
the query only while the store still holds the graph it was computed from
(:func:`nbkg.graph.state.graph_state`, recorded in the manifest).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Node

from nbkg.graph.answers import Answer, solutions_answer, term_json
from nbkg.graph.catalogue import catalogue
from nbkg.graph.sparql import term_text
from nbkg.graph.store import Store

KIND = "answer"
MEDIA_TYPE = "text/tab-separated-values"


@dataclass(frozen=True)
class Table:
    query: str
    title: str
    body: bytes
    rows: int
    seconds: float

    @property
    def name(self) -> str:
        return file_name(self.query)


def file_name(query: str) -> str:
    """The release file that holds a canned query's whole-graph answer."""
    return f"answer-{query}.tsv"


def whole_graph_answers(store: Store) -> Iterator[Table]:
    """Each canned query answered over the whole graph, in name order."""
    for name, query in catalogue().items():
        started = time.perf_counter()
        body = store.query(query.sparql, "tsv")
        seconds = time.perf_counter() - started
        # SPARQL TSV escapes line breaks inside terms: one line per row, after the header
        yield Table(name, query.title, body, body.count(b"\n") - 1, round(seconds, 3))


def read_answer(
    path: Path, fmt: str, cap: int | None, where: Mapping[str, Node] | None = None
) -> Answer:
    """A stored table as an answer in ``fmt``, cut at ``cap`` rows, keeping only the rows
    whose columns hold the terms ``where`` gives: what a trailing ``VALUES`` clause does to
    the finished answer. The file is read only as far as the rows kept need.

    KeyError names a ``where`` column the table does not have; OSError, SyntaxError or
    ValueError mean the file is missing or not a table of solutions.
    """
    wanted = {name: _as_oxigraph(name, term) for name, term in (where or {}).items()}
    with path.open("rb") as handle:
        solutions = ox.parse_query_results(handle, ox.QueryResultsFormat.TSV)
        if not isinstance(solutions, ox.QuerySolutions):
            raise ValueError(f"{path}: not a table of solutions")
        variables = [v.value for v in solutions.variables]
        missing = set(wanted) - set(variables)
        if missing:
            raise KeyError(f"{path.name} has no column {', '.join(sorted(missing))}")
        rows = (
            {name: term_json(row[name]) for name in variables if row[name] is not None}
            for row in solutions
            if all(row[name] == term for name, term in wanted.items())
        )
        return solutions_answer(variables, rows, fmt, cap)


def _as_oxigraph(name: str, term: Node) -> ox.NamedNode | ox.Literal:
    """The term the engine would read from the query text the binding makes: the same
    escaped text, parsed, so equality here is the join's term equality there."""
    line = f"<urn:x:s> <urn:x:p> {term_text(name, term)} .".encode()
    return next(iter(ox.parse(line, ox.RdfFormat.N_TRIPLES))).object  # type: ignore[return-value]
