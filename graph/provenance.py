"""PROV-O description of one load: which file, which digest, when, by which software.

The description goes into the source's own named graph, so it is replaced in the same
atomic step as the data it describes.
"""

from __future__ import annotations

from datetime import datetime

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

import nbkg
from nbkg.graph import namespace as ns
from nbkg.graph.namespace import NBKG, VOID
from nbkg.graph.staged import Staged

AGENT = ns.entity(f"nbkg-{nbkg.__version__.replace('.', '-')}")


def describe_load(
    extraction: Staged, gate_digest: str, started: datetime, ended: datetime
) -> Graph:
    source = extraction.source
    sha = source.sha256
    graph_iri = extraction.target
    file_node = ns.entity(f"file-{sha[:16]}")
    activity = ns.entity(f"load-{source.loader}-{ns.slugify(source.name)}-{sha[:12]}")
    g = Graph()
    g.add((graph_iri, RDF.type, PROV.Entity))
    g.add((graph_iri, RDF.type, VOID.Dataset))
    g.add((graph_iri, RDFS.label, Literal(f"{source.loader}: {source.name}")))
    g.add((graph_iri, PROV.wasGeneratedBy, activity))
    g.add((graph_iri, PROV.wasDerivedFrom, file_node))
    g.add((graph_iri, NBKG.gateDigest, Literal(gate_digest)))
    g.add((graph_iri, VOID.triples, Literal(extraction.triples, datatype=XSD.integer)))
    for cited in extraction.described_by:
        g.add((graph_iri, DCTERMS.source, cited))
    g.add((file_node, RDF.type, NBKG.SourceFile))
    g.add((file_node, NBKG.fileName, Literal(source.name)))
    g.add((file_node, NBKG.sha256, Literal(sha)))
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, Literal(f"load {source.name} with the {source.loader} loader")))
    g.add((activity, PROV.used, file_node))
    g.add((activity, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)))
    g.add((activity, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)))
    g.add((activity, PROV.wasAssociatedWith, AGENT))
    g.add((AGENT, RDF.type, PROV.SoftwareAgent))
    g.add((AGENT, RDFS.label, Literal(f"nbkg {nbkg.__version__}")))
    return g


def graph_digest_query() -> str:
    """Each loaded graph with the digest its gate judged; bind ``?g`` for one graph."""
    return """PREFIX nbkg: <https://w3id.org/nbkg/def#>
SELECT ?g ?digest WHERE { GRAPH ?g { ?g nbkg:gateDigest ?digest } }"""
