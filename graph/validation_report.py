"""A build's gate outcome, published: as SHACL results in RDF and as plain sentences.

Each source gets a record of its status (loaded, unchanged, rejected, or "stored" when a
release is written without a build); a rejected source gets one ``sh:ValidationResult`` per
problem, with the focus node and path where the problem text names them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, XSD

from nbkg.graph.build import SourceReport
from nbkg.graph.namespace import NBKG, PREFIXES, VOID
from nbkg.graph.store import Store

#: Problems read "file:line: focus path: message" (see nbkg.graph.gate.Violation).
_PROBLEM = re.compile(r"^(?P<where>\S+): (?P<focus>\S+)(?: (?P<path>\S+))?: (?P<message>.+)$")
_PREFIXED = re.compile(r"^(?P<prefix>[A-Za-z][\w-]*):(?P<local>[^\s<>\"]+)$")
_IRI = re.compile(r"^<(?P<iri>[^\s<>\"]+)>$")

STORED = """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX nbkg: <https://w3id.org/nbkg/def#>
PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?graph ?file ?triples WHERE {
  GRAPH ?graph {
    ?graph prov:wasDerivedFrom ?f . ?f nbkg:fileName ?file .
    OPTIONAL { ?graph void:triples ?triples }
  }
} ORDER BY ?file"""


def stored_reports(store: Store) -> list[SourceReport]:
    """Reports for a release written without a build: each stored source as it stands."""
    reports = {
        str(row["graph"]): SourceReport(
            str(row["file"]), str(row["graph"]), "stored", int(row.get("triples", 0))
        )
        for row in store.select(STORED)
    }
    for graph in store.graphs():
        if str(graph) not in reports:
            reports[str(graph)] = SourceReport(str(graph), str(graph), "stored")
    return sorted(reports.values(), key=lambda r: r.source)


def sentences(report: SourceReport) -> list[str]:
    """What happened to one source, in plain sentences (one per problem when rejected)."""
    if report.status == "rejected":
        if not report.problems:
            return [f"{report.source}: rejected."]
        return [f"{report.source}: rejected: {_full_stop(p)}" for p in report.problems]
    problems = "no problems" if not report.problems else f"{len(report.problems)} problems"
    return [f"{report.source}: {report.status}, {report.triples} triples, {problems}."]


def accepted(report: SourceReport) -> bool:
    """Whether the source's data in the store passed the gate ("stored" ones did, once)."""
    return report.status != "rejected"


def report_text(reports: Sequence[SourceReport], built_at: datetime) -> str:
    rejected = [r for r in reports if not accepted(r)]
    if reports and all(r.status == "stored" for r in reports):
        head = [
            f"Report of the nbkg release of {built_at.isoformat()}, written without a build.",
            f"{len(reports)} sources, each as last loaded through the SHACL gate.",
        ]
    else:
        head = [
            f"Validation report of the nbkg build of {built_at.isoformat()}.",
            f"{len(reports)} sources: {len(reports) - len(rejected)} passed the gate, "
            f"{len(rejected)} rejected.",
        ]
    if rejected:
        head.append(
            "A rejected source is left out of this build whole; the store keeps its last "
            "good version, if it had one."
        )
    lines = [line for report in reports for line in sentences(report)]
    return "\n".join([*head, "", *lines]) + "\n"


def report_graph(reports: Sequence[SourceReport], built_at: datetime) -> Graph:
    """The build as one ``sh:ValidationReport``, with a part per source."""
    g = Graph()
    g.bind("sh", SH)
    g.bind("dcterms", DCTERMS)
    g.bind("void", VOID)
    g.bind("nbkg", NBKG)
    whole = BNode()
    g.add((whole, RDF.type, SH.ValidationReport))
    g.add((whole, SH.conforms, Literal(all(accepted(r) for r in reports))))
    g.add((whole, DCTERMS.created, Literal(built_at.isoformat(), datatype=XSD.dateTime)))
    g.add((whole, RDFS.label, Literal("SHACL gate report of the nbkg build", lang="en")))
    for report in reports:
        part = BNode()
        g.add((whole, DCTERMS.hasPart, part))
        g.add((part, RDF.type, SH.ValidationReport))
        g.add((part, RDFS.label, Literal(report.source)))
        g.add((part, SH.conforms, Literal(accepted(report))))
        g.add((part, DCTERMS.type, Literal(report.status)))
        g.add((part, DCTERMS.subject, URIRef(report.graph)))
        g.add((part, DCTERMS.extent, Literal(f"{report.triples} triples")))
        g.add((part, DCTERMS.description, Literal(" ".join(sentences(report)), lang="en")))
        if report.status in ("loaded", "unchanged"):
            g.add((part, PROV.generated, URIRef(report.graph)))
        if report.status != "rejected":
            continue
        for problem in report.problems:
            result = _result(g, problem)
            g.add((part, SH.result, result))
            g.add((whole, SH.result, result))
    return g


def _result(g: Graph, problem: str) -> BNode:
    result = BNode()
    g.add((result, RDF.type, SH.ValidationResult))
    g.add((result, SH.resultSeverity, SH.Violation))
    g.add((result, SH.resultMessage, Literal(problem)))
    match = _PROBLEM.match(problem)
    if match:
        focus = _node(match["focus"])
        if focus is not None:
            g.add((result, SH.focusNode, focus))
            path = _node(match["path"]) if match["path"] else None
            if path is not None:
                g.add((result, SH.resultPath, path))
    return result


def _node(text: str) -> URIRef | None:
    """A node as the gate writes it (``id:slug`` or ``<iri>``); None when it is neither."""
    if found := _IRI.match(text):
        return URIRef(found["iri"])
    if (found := _PREFIXED.match(text)) and found["prefix"] in PREFIXES:
        return URIRef(PREFIXES[found["prefix"]] + found["local"])
    return None


def _full_stop(text: str) -> str:
    return text if text.rstrip().endswith((".", "!", "?")) else f"{text}."


def statuses(reports: Iterable[SourceReport]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.status] = counts.get(report.status, 0) + 1
    return counts
