"""Loader that puts the ontology and its SKOS schemes into the store.

With them in their own named graph, queries can show class, role and sector labels in the
reader's language, and the build records which ontology version the data was checked with.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from nbkg.graph.namespace import ONTOLOGY_GRAPH
from nbkg.loaders.base import Extraction, Loader, Source, register
from nbkg.ontology import ONTOLOGY_FILES, resource


@register
class OntologyLoader(Loader):
    name = "ontology"
    patterns = ()
    description = "the nbkg ontology and its SKOS schemes (bundled)"

    def sources(self, data_dir: Path) -> list[Source]:
        first, *rest = (Path(str(resource(name))) for name in ONTOLOGY_FILES)
        return [
            Source(
                path=first, name="ontology/" + first.name, loader=self.name, companions=tuple(rest)
            )
        ]

    def extract(self, source: Source) -> Extraction:
        graph = Graph()
        for path in (source.path, *source.companions):
            graph.parse(path, format="turtle")
        return Extraction(source, graph, graph_iri=ONTOLOGY_GRAPH)
