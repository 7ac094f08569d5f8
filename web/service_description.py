"""The SPARQL 1.1 Service Description of the endpoint, as an rdflib graph.

Tells clients what they can ask and in which formats, that the default graph is the union
of the named graphs, and where the dataset description lives.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from nbkg.graph.namespace import VOID

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def describe(
    endpoint: str, dataset: str, graphs: list[URIRef], row_cap: int, timeout: float
) -> Graph:
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    note = (
        f"Read-only SPARQL 1.1 endpoint of the Nordic Bioeconomy Knowledge Graph. Queries run "
        f"for at most {timeout:g} s and answers carry at most {row_cap} rows; SERVICE and "
        f"updates are refused."
    )
    graph.add((service, DCTERMS.description, Literal(note, lang="en")))
    for name in _RESULT_FORMATS:
        graph.add((service, SD.resultFormat, FORMATS_NS[name]))
    default_dataset = BNode()
    graph.add((service, SD.defaultDataset, default_dataset))
    graph.add((default_dataset, RDF.type, SD.Dataset))
    graph.add((default_dataset, DCTERMS.source, URIRef(dataset)))
    default_graph = BNode()
    graph.add((default_dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    for iri in graphs:
        named = BNode()
        graph.add((default_dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, iri))
    return graph
