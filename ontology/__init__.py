"""The nbkg ontology release unit: ontology, SKOS schemes, SHACL shapes and examples.

Files are read through :mod:`importlib.resources`, so an installed wheel behaves like the
checkout. Parsed graphs are cached: they are read-only by convention.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from rdflib import Graph

ONTOLOGY_FILES = ("nbkg.ttl", "schemes.ttl")


def resource(name: str) -> Traversable:
    return files(__name__).joinpath(name)


def _parse(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(data=resource(name).read_text(encoding="utf-8"), format="turtle")
    return graph


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The OWL ontology together with its SKOS schemes."""
    return _parse(*ONTOLOGY_FILES)


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return _parse("shapes.ttl")
