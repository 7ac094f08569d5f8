"""Where a term links to, and how it is written when it has no label.

Minted IRIs (``https://w3id.org/nbkg/…``) are served by this site, so pages link to their
local paths: an entity ``…/id/<slug>`` to its page ``/page/<slug>`` (sparing the reader
the 303 hop), ``…/def#Term`` to the ontology documentation, graphs and concepts to their
own paths. Any other IRI links to itself.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import URIRef

from nbkg.graph.namespace import PREFIXES

BASE = "https://w3id.org/nbkg"
ID_BASE = f"{BASE}/id/"


def is_minted(iri: str) -> bool:
    return iri.startswith(f"{BASE}/")


def local_path(iri: str) -> str | None:
    """The path on this site that serves a minted IRI; None for other IRIs.

    >>> local_path("https://w3id.org/nbkg/id/paper-province")
    '/page/paper-province'
    >>> local_path("https://w3id.org/nbkg/def#Cluster"), local_path("https://example.org/x")
    ('/def#Cluster', None)
    """
    if iri.startswith(ID_BASE):
        return "/page/" + iri[len(ID_BASE) :]
    if is_minted(iri):
        return iri[len(BASE) :]
    return None


@lru_cache(maxsize=65536)
def href(iri: str) -> str:
    """A link target for any IRI: local for minted ones, the IRI itself otherwise."""
    return local_path(iri) or iri


def slug(iri: str) -> str | None:
    return iri[len(ID_BASE) :] if iri.startswith(ID_BASE) else None


@lru_cache(maxsize=65536)
def curie(iri: str) -> str:
    """A short name from the project's prefixes, or the IRI itself.

    >>> curie("http://www.w3.org/ns/org#organization")
    'org:organization'
    """
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def is_iri(term: object) -> bool:
    return isinstance(term, URIRef)
