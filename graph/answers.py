"""Query answers cut at a row cap, in any result or RDF format.

A public endpoint must not stream millions of rows to one client, yet a cut answer has to
stay a valid document and say that it was cut. The backends hand over their rows; this
module keeps the first ``limit`` of them and lets Oxigraph's own serialisers write the
requested format (SPARQL results JSON is the common form rows travel in).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from nbkg.graph.namespace import PREFIXES

RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Answer:
    """A serialised answer. ``rows`` counts solutions or triples (None for ASK)."""

    body: bytes
    fmt: str
    kind: str  # "results" (SELECT, ASK) or "graph" (CONSTRUCT, DESCRIBE)
    rows: int | None = None
    truncated: bool = False


class _FullError(OSError):
    """Raised by :class:`_Bounded` to stop a serialiser that has written enough."""


class _Bounded(io.RawIOBase):
    """A byte sink that refuses to grow past ``cap`` bytes."""

    def __init__(self, cap: int) -> None:
        self.cap, self.size, self.parts = cap, 0, []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.size += len(data)
        if self.size > self.cap:
            raise _FullError
        self.parts.append(bytes(data))
        return len(data)

    def value(self) -> bytes:
        return b"".join(self.parts)


def native_answer(
    result: ox.QuerySolutions | ox.QueryTriples, fmt: str, limit: int | None
) -> Answer | None:
    """The answer written by Oxigraph's own serialisers, or None when it holds more than
    ``limit`` rows (then the caller cuts it row by row).

    Rows are counted as lines of TSV or N-Triples, where every row is one line; the byte
    bound stops a runaway answer before it fills memory.
    """
    cap = None if limit is None else max(1 << 20, limit * 2048)
    sink = _Bounded(cap or 1 << 62)
    triples = isinstance(result, ox.QueryTriples)
    try:
        if triples:
            ox.serialize(result, sink, ox.RdfFormat.N_TRIPLES)
        else:
            result.serialize(sink, ox.QueryResultsFormat.TSV)
    except _FullError:
        return None
    lines = sink.value()
    if triples:  # a graph is a set; Oxigraph repeats triples with blank nodes (see _distinct)
        lines = b"".join(dict.fromkeys(lines.splitlines(keepends=True)))
    rows = lines.count(b"\n") - (0 if triples else 1)
    if limit is not None and rows > limit:
        return None
    if triples:
        if fmt == "nt":
            return Answer(lines, fmt, "graph", rows)
        out = io.BytesIO()
        if rows or fmt not in ("ttl", "trig"):
            parsed = ox.parse(lines, ox.RdfFormat.N_TRIPLES)
            ox.serialize(parsed, out, RDF_FORMATS[fmt], prefixes=_prefixes(fmt))
        return Answer(out.getvalue(), fmt, "graph", rows)
    if fmt == "tsv":
        return Answer(lines, fmt, "results", rows)
    parsed = ox.parse_query_results(lines, ox.QueryResultsFormat.TSV)
    return Answer(parsed.serialize(format=RESULTS_FORMATS[fmt]), fmt, "results", rows)


def first(items: Iterable, limit: int | None) -> tuple[list, bool]:
    """Up to ``limit`` items, and whether more were left (the iterator is read one past)."""
    if limit is None:
        return list(items), False
    taken = list(islice(items, limit + 1))
    return taken[:limit], len(taken) > limit


def boolean_answer(value: bool, fmt: str) -> Answer:
    body = json.dumps({"head": {}, "boolean": value}).encode()
    return Answer(_convert_results(body, fmt), fmt, "results")


def solutions_answer(
    variables: list[str], rows: Iterator[dict[str, dict]], fmt: str, limit: int | None
) -> Answer:
    """Solutions given as SPARQL-JSON bindings, cut at ``limit`` and written as ``fmt``."""
    kept, truncated = first(rows, limit)
    body = json.dumps(
        {"head": {"vars": variables}, "results": {"bindings": kept}}, ensure_ascii=False
    ).encode("utf-8")
    return Answer(_convert_results(body, fmt), fmt, "results", len(kept), truncated)


def oxigraph_solutions_answer(solutions: ox.QuerySolutions, fmt: str, limit: int | None) -> Answer:
    variables = [v.value for v in solutions.variables]
    rows = (
        {name: term_json(row[name]) for name in variables if row[name] is not None}
        for row in solutions
    )
    return solutions_answer(variables, rows, fmt, limit)


def triples_answer(triples: Iterable[ox.Triple], fmt: str, limit: int | None) -> Answer:
    kept, truncated = first(_distinct(triples), limit)
    out = io.BytesIO()
    if kept or fmt not in ("ttl", "trig"):
        ox.serialize(kept, out, RDF_FORMATS[fmt], prefixes=_prefixes(fmt))
    return Answer(out.getvalue(), fmt, "graph", len(kept), truncated)


def _distinct(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """Each triple once: a graph is a set, yet Oxigraph's CONSTRUCT may repeat a triple, and
    repeats would count towards the rows and the cap."""
    seen: set[ox.Triple] = set()
    for triple in triples:
        if triple not in seen:
            seen.add(triple)
            yield triple


def term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict:
    """One RDF term in the SPARQL 1.1 Query Results JSON form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found: dict = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            found["datatype"] = term.datatype.value
        return found
    return {
        "type": "triple",
        "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        },
    }


def _convert_results(json_body: bytes, fmt: str) -> bytes:
    if fmt == "json":
        return json_body
    parsed = ox.parse_query_results(json_body, ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=RESULTS_FORMATS[fmt])


def _prefixes(fmt: str) -> dict[str, str] | None:
    return PREFIXES if fmt in ("ttl", "trig") else None
