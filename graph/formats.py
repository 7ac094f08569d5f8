"""Names of result and RDF formats, their media types and file suffixes.

One table serves the CLI (``--format``), the stores (what to ask a server for) and, later,
content negotiation on the web.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    suffix: str
    kind: str  # "results" (SELECT/ASK), "graph" (triples) or "dataset" (quads)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "application/sparql-results+json", "srj", "results"),
        Format("xml", "application/sparql-results+xml", "srx", "results"),
        Format("csv", "text/csv", "csv", "results"),
        Format("tsv", "text/tab-separated-values", "tsv", "results"),
        Format("ttl", "text/turtle", "ttl", "graph"),
        Format("nt", "application/n-triples", "nt", "graph"),
        Format("rdf", "application/rdf+xml", "rdf", "graph"),
        Format("jsonld", "application/ld+json", "jsonld", "dataset"),
        Format("nq", "application/n-quads", "nq", "dataset"),
        Format("trig", "application/trig", "trig", "dataset"),
    )
}
RESULT_FORMATS = tuple(n for n, f in FORMATS.items() if f.kind == "results")
GRAPH_FORMATS = tuple(n for n, f in FORMATS.items() if f.kind != "results")
DATASET_FORMATS = tuple(n for n, f in FORMATS.items() if f.kind == "dataset")


def get(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; use one of {', '.join(FORMATS)}") from None
