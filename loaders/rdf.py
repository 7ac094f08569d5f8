"""Loader for RDF files dropped into ``data/rdf/`` (Turtle, N-Triples, RDF/XML, JSON-LD).

For contributions that are already RDF. Parse errors name the file and line; for the SHACL
gate, each subject is located at the first line that names it.
"""

from __future__ import annotations

import re

from rdflib import Graph, URIRef
from rdflib.util import guess_format

from nbkg.loaders.base import Extraction, Loader, LoadError, Source, read_text, register

_LINE = re.compile(r"line (\d+)", re.IGNORECASE)


@register
class RdfLoader(Loader):
    name = "rdf"
    patterns = ("rdf/*.ttl", "rdf/*.nt", "rdf/*.rdf", "rdf/*.jsonld")
    description = "RDF files (Turtle, N-Triples, RDF/XML, JSON-LD)"

    def extract(self, source: Source) -> Extraction:
        text = read_text(source.path, source.name)
        fmt = guess_format(source.path.name) or "turtle"
        graph = Graph()
        try:
            graph.parse(data=text, format=fmt, publicID=source.path.resolve().as_uri())
        except Exception as err:  # rdflib raises parser-specific types
            message = " ".join(str(err).split())
            match = _LINE.search(message)
            raise LoadError(
                source.name,
                int(match.group(1)) if match else None,
                f"malformed {fmt}: {message[:300]}",
            ) from None
        return Extraction(source, graph, locations=_locate(text, graph))


def _locate(text: str, graph: Graph) -> dict[URIRef, int]:
    """First line naming each subject, by full IRI or by its local name after a colon."""
    lines = text.splitlines()
    found: dict[URIRef, int] = {}
    for subject in {s for s in graph.subjects() if isinstance(s, URIRef)}:
        iri = str(subject)
        local = re.split(r"[/#]", iri)[-1]
        for number, line in enumerate(lines, start=1):
            if f"<{iri}>" in line or (local and re.search(rf":{re.escape(local)}\b", line)):
                found[subject] = number
                break
    return found
