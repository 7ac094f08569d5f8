"""Namespaces and IRI minting for nbkg.

Entity IRIs are ``https://w3id.org/nbkg/id/<slug>``: readable, stable across builds and
independent of whichever host serves them. Every loader mints through these functions so
that the same organisation named by two sources gets one IRI.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

NBKG = Namespace("https://w3id.org/nbkg/def#")
ID = Namespace("https://w3id.org/nbkg/id/")
GRAPH = Namespace("https://w3id.org/nbkg/graph/")
DEF = "https://w3id.org/nbkg/def"
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")

ONTOLOGY_GRAPH = GRAPH["ontology"]

PREFIXES: dict[str, str] = {
    "nbkg": str(NBKG),
    "id": str(ID),
    "graph": str(GRAPH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "role": f"{DEF}/role/",
    "position": f"{DEF}/position/",
    "sector": f"{DEF}/sector/",
    "level": f"{DEF}/level/",
    "evidence": f"{DEF}/evidence/",
    "status": f"{DEF}/status/",
}

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TRANSLITERATE = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "å": "a",
        "Å": "a",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ß": "ss",
    }
)


def slugify(text: str) -> str:
    """Turn a name into an id slug, folding Nordic letters so ids stay ASCII.

    >>> slugify("Mo i Rana")
    'mo-i-rana'
    >>> slugify("Tromsø & Värmland")
    'tromso-varmland'
    >>> slugify("Kunnskapsparken Helgeland AS")
    'kunnskapsparken-helgeland-as'
    """
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def entity(slug: str) -> URIRef:
    """The IRI of an entity from its slug.

    >>> entity("paper-province")
    rdflib.term.URIRef('https://w3id.org/nbkg/id/paper-province')
    """
    if not SLUG.fullmatch(slug):
        raise ValueError(f"not a valid id slug: {slug!r} (use a-z, 0-9 and single hyphens)")
    return ID[slug]


def country(code: str) -> URIRef:
    """Countries are named by their ISO 3166-1 alpha-2 code (``EU`` for the European Union)."""
    return entity(code.lower())


def region(country_code: str, name: str) -> URIRef:
    """Places below country level: ``<cc>-<slug of name>``.

    >>> region("NO", "Trøndelag")
    rdflib.term.URIRef('https://w3id.org/nbkg/id/no-trondelag')
    """
    return entity(f"{country_code.lower()}-{slugify(name)}")


def concept(scheme: str, slug: str) -> URIRef:
    """A concept of one of the ontology's SKOS schemes.

    >>> concept("role", "rd-partner")
    rdflib.term.URIRef('https://w3id.org/nbkg/def/role/rd-partner')
    """
    return URIRef(f"{DEF}/{scheme}/{slug}")


def fact(kind: str, *parts: str) -> URIRef:
    """Fact nodes get IRIs from what they state, so two sources stating the same fact meet.

    >>> fact("membership", "alcoa-mosjoen", "arctic-cluster-team", "member")
    rdflib.term.URIRef('https://w3id.org/nbkg/id/membership-alcoa-mosjoen-arctic-cluster-team-member')
    """
    return entity("-".join([kind, *(slugify(p) for p in parts if p)]))


def source_graph(loader: str, name: str) -> URIRef:
    """The named graph one source file loads into.

    >>> source_graph("registry", "clusters")
    rdflib.term.URIRef('https://w3id.org/nbkg/graph/registry/clusters')
    """
    return GRAPH[f"{loader}/{slugify(name)}"]
