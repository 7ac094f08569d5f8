"""Ingestion: documents extracted, linked to the graph and loaded through the gate.

Each document becomes one source of the ``documents`` loader with a named graph of its
own; :func:`nbkg.graph.build.load` gates and loads it like any registry table, so a
document that breaks a rule is rejected whole. A document already loaded with the same
bytes is left as it is: ingesting twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from nbkg.graph.build import SourceReport, load
from nbkg.graph.store import Store
from nbkg.loaders.documents import DocumentContext, DocumentLoader, TypesOf

_TYPES = "SELECT DISTINCT ?type WHERE { ?s a ?type }"


def ingest(store: Store, paths: Iterable[Path]) -> list[SourceReport]:
    """Extract, link and load each document; one report per document."""
    from nbkg.extraction.extractor import extract
    from nbkg.extraction.gazetteer import Gazetteer

    gazetteer = Gazetteer.from_store(store)
    types_of = store_types(store)
    loader = DocumentLoader()
    sources = [loader.source(Path(p)) for p in paths]
    previous = DocumentLoader.context
    DocumentLoader.context = DocumentContext(
        lambda text, name: extract(text, document=name, gazetteer=gazetteer), types_of
    )
    try:
        return load(store, sources)
    finally:
        DocumentLoader.context = previous


def store_types(store: Store | None) -> TypesOf:
    """The classes the store gives an IRI, looked up once per IRI (none without a store)."""

    @lru_cache(maxsize=100_000)
    def types_of(iri: URIRef) -> set[URIRef]:
        if store is None:
            return set()
        return {row["type"] for row in store.select(_TYPES, {"s": iri})}  # type: ignore[misc]

    return types_of
