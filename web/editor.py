"""What the query editor is set up with: the project's prefixes, the ontology's classes
and properties for autocompletion (no outside service is asked), the canned queries as
examples."""

from __future__ import annotations

from functools import cache

from flask import url_for
from rdflib.namespace import OWL, RDF, RDFS

from nbkg.graph.catalogue import catalogue
from nbkg.graph.namespace import PREFIXES
from nbkg.ontology import ontology_graph


@cache
def vocabulary() -> dict[str, list[str]]:
    """Class and property IRIs the ontology declares, for the editor's autocompletion."""
    graph = ontology_graph()
    classes = {s for s in graph.subjects(RDF.type, OWL.Class) if not _blank(s)}
    properties = {
        s
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
        for s in graph.subjects(RDF.type, kind)
        if not _blank(s)
    }
    classes |= {o for o in graph.objects(None, RDFS.subClassOf) if not _blank(o)}
    return {"classes": sorted(map(str, classes)), "properties": sorted(map(str, properties))}


def editor_settings() -> dict[str, object]:
    examples = [{"name": q.name, "title": q.title, "query": q.text} for q in catalogue().values()]
    return {
        "endpoint": url_for("sparql.endpoint", _external=True),
        "prefixes": PREFIXES,
        "vocabulary": vocabulary(),
        "examples": examples,
    }


def _blank(term: object) -> bool:
    return not str(term).startswith(("http://", "https://"))
