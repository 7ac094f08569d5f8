"""The VoID + DCAT description of the dataset: counts, licence, build date, distributions.

Counts come from SPARQL over the union of the named graphs (the store's default graph).
Triples are counted as a set (``SELECT DISTINCT``), so a triple two sources state counts
once, on every backend. The queries are fixed text: nothing from outside enters them.

Download links are relative names (``<nbkg.nq.gz>``), resolved against wherever the
description is read from; the web front end parses it with the base of its downloads folder
and adds the absolute address of its SPARQL endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD

from nbkg.graph.namespace import ID, NBKG, VOID
from nbkg.graph.store import Store

DATASET = URIRef("https://w3id.org/nbkg/dataset")
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
TITLE = "Nordic Bioeconomy Knowledge Graph"
DESCRIPTION = (
    "Nordic bioeconomy clusters, their member firms, R&D partners, funders, programmes, "
    "projects and funding awards, and the places they sit in. Every entity and fact names "
    "its source and the kind of evidence behind it; every source passed a SHACL gate."
)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
IANA = "https://www.iana.org/assignments/media-types/"
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
PREFIXES = {
    "void": VOID,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "spdx": SPDX,
    "sd": SD,
    "foaf": FOAF,
    "nbkg": NBKG,
    "xsd": XSD,
}

# -- the queries (fixed text) ---------------------------------------------------------

TRIPLES = """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"""

DISTINCT = """SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { ?s ?p ?o }"""

ENTITIES = f"""SELECT (COUNT(DISTINCT ?s) AS ?n)
WHERE {{ ?s ?p ?o FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{ID}")) }}"""

CLASSES = """SELECT ?class (COUNT(DISTINCT ?s) AS ?entities)
WHERE { ?s a ?class FILTER isIRI(?class) }
GROUP BY ?class ORDER BY ?class"""

PROPERTIES = """SELECT ?property (COUNT(*) AS ?triples)
WHERE { SELECT DISTINCT ?s ?property ?o WHERE { ?s ?property ?o } }
GROUP BY ?property ORDER BY ?property"""

GRAPHS = """SELECT ?graph (COUNT(*) AS ?triples)
WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph ORDER BY ?graph"""

GRAPH_LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?graph ?label WHERE { GRAPH ?graph { ?graph rdfs:label ?label } }"""


@dataclass
class Statistics:
    """What the store holds, counted over the union of its named graphs."""

    triples: int = 0
    entities: int = 0
    subjects: int = 0
    objects: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # class IRI -> entities
    properties: dict[str, int] = field(default_factory=dict)  # property IRI -> triples
    graphs: dict[str, int] = field(default_factory=dict)  # graph IRI -> triples
    labels: dict[str, str] = field(default_factory=dict)  # graph IRI -> label


def statistics(store: Store) -> Statistics:
    def number(sparql: str, name: str = "n") -> int:
        rows = store.select(sparql)
        return int(rows[0][name]) if rows and name in rows[0] else 0

    distinct = store.select(DISTINCT)
    return Statistics(
        triples=number(TRIPLES),
        entities=number(ENTITIES),
        subjects=int(distinct[0].get("subjects", 0)) if distinct else 0,
        objects=int(distinct[0].get("objects", 0)) if distinct else 0,
        classes={str(r["class"]): int(r["entities"]) for r in store.select(CLASSES)},
        properties={str(r["property"]): int(r["triples"]) for r in store.select(PROPERTIES)},
        graphs={str(r["graph"]): int(r["triples"]) for r in store.select(GRAPHS)},
        labels={str(r["graph"]): str(r["label"]) for r in store.select(GRAPH_LABELS)},
    )


@dataclass(frozen=True)
class Dump:
    """One compressed dump of the release."""

    name: str  # file name in the release folder, also its relative download URL
    title: str  # N-Quads, TriG…
    media_type: str  # of the decompressed content
    feature: str  # the W3C formats IRI name
    size: int  # bytes, compressed
    sha256: str
    statements: int
    unit: str  # "quads" or "triples"


def describe(
    stats: Statistics,
    built_at: datetime | None,
    dumps: Iterable[Dump] = (),
    see_also: Iterable[str] = (),
) -> Graph:
    """The VoID + DCAT description; ``see_also`` names files beside the dumps (reports)."""
    g = Graph()
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace)
    d = DATASET
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((d, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((d, DCTERMS.license, LICENCE))
    for language in ("en", "nb", "sv", "da", "fi", "is"):
        g.add((d, DCTERMS.language, URIRef(f"http://id.loc.gov/vocabulary/iso639-1/{language}")))
    for keyword in ("bioeconomy", "clusters", "innovation", "Nordic countries", "funding"):
        g.add((d, DCAT.keyword, Literal(keyword, lang="en")))
    if built_at is not None:
        stamp = Literal(built_at.isoformat(), datatype=XSD.dateTime)
        g.add((d, DCTERMS.issued, stamp))
        g.add((d, DCTERMS.modified, stamp))
    g.add((d, VOID.uriSpace, Literal(str(ID))))
    g.add((d, VOID.vocabulary, URIRef(str(NBKG))))
    g.add((d, VOID.triples, _integer(stats.triples)))
    g.add((d, VOID.entities, _integer(stats.entities)))
    g.add((d, VOID.distinctSubjects, _integer(stats.subjects)))
    g.add((d, VOID.distinctObjects, _integer(stats.objects)))
    g.add((d, VOID.classes, _integer(len(stats.classes))))
    g.add((d, VOID.properties, _integer(len(stats.properties))))
    for cls, count in stats.classes.items():
        part = BNode()
        g.add((d, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, _integer(count)))
    for prop, count in stats.properties.items():
        part = BNode()
        g.add((d, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, _integer(count)))
    for graph, count in stats.graphs.items():
        # A node of its own: the graph IRI already carries the loader's void:triples
        # (the source's extraction, without its provenance record).
        subset = BNode()
        g.add((d, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, SD.name, URIRef(graph)))
        g.add((subset, VOID.triples, _integer(count)))
        if graph in stats.labels:
            g.add((subset, DCTERMS.title, Literal(stats.labels[graph])))
    for dump in dumps:
        _distribution(g, dump)
    for name in see_also:
        g.add((d, RDFS.seeAlso, URIRef(name)))
    return g


def _distribution(g: Graph, dump: Dump) -> None:
    url = URIRef(dump.name)
    g.add((DATASET, VOID.dataDump, url))
    dist = BNode()
    g.add((DATASET, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(f"{dump.title}, gzip-compressed", lang="en")))
    g.add(
        (
            dist,
            DCTERMS.description,
            Literal(f"{dump.statements} {dump.unit} in {dump.title}", lang="en"),
        )
    )
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.mediaType, URIRef(IANA + dump.media_type)))
    g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
    g.add((dist, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
    g.add((dist, DCTERMS.license, LICENCE))
    g.add((dist, DCTERMS.conformsTo, FORMATS_NS[dump.feature]))
    checksum = BNode()
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    g.add((DATASET, VOID.feature, FORMATS_NS[dump.feature]))


def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)
