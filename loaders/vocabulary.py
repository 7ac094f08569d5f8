"""Look-ups into the ontology's SKOS schemes: which concept a label or keyword names."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from rdflib import URIRef
from rdflib.namespace import SKOS

from nbkg.graph.namespace import DEF
from nbkg.loaders.records import RecordError
from nbkg.ontology import ontology_graph


@cache
def _labels(scheme: str) -> dict[str, URIRef]:
    """Lower-cased notation, labels and hidden labels -> concept, for one scheme."""
    graph = ontology_graph()
    index: dict[str, URIRef] = {}
    for concept in graph.subjects(SKOS.inScheme, URIRef(f"{DEF}/{scheme}")):
        for prop in (SKOS.notation, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in graph.objects(concept, prop):
                index.setdefault(str(label).lower(), concept)  # type: ignore[arg-type]
    return index


def concept_slugs(scheme: str) -> set[str]:
    return {str(c).rsplit("/", 1)[-1] for c in _labels(scheme).values()}


def concept_for(scheme: str, slug: str) -> URIRef:
    """The concept with this slug; a clear error listing the choices if there is none."""
    if slug not in concept_slugs(scheme):
        choices = ", ".join(sorted(concept_slugs(scheme)))
        raise RecordError(f"unknown {scheme} {slug!r}; use one of {choices}")
    return URIRef(f"{DEF}/{scheme}/{slug}")


def level_for(text: str) -> URIRef:
    """The programme level a registry's level column names (by notation or label)."""
    found = _labels("level").get(text.strip().lower())
    if found is None:
        raise RecordError(
            f"unknown programme level {text!r}; known: {', '.join(sorted(concept_slugs('level')))}"
        )
    return found


def sectors_for(keywords: Iterable[str]) -> list[URIRef]:
    """Sectors named by a cluster's focus keywords; keywords naming no sector are skipped."""
    index = _labels("sector")
    found = {index[k.lower()] for k in keywords if k.lower() in index}
    return sorted(found)
