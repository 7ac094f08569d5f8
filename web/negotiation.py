"""Content negotiation: which format answers a request, from ``format=`` or ``Accept``.

Pure functions over the ``Accept`` header (q-values honoured by Werkzeug's parser), so the
rules can be tested without a server. Every text answer carries ``charset=utf-8``.
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

from nbkg.graph.formats import FORMATS

#: What SELECT/ASK answers can be, and what CONSTRUCT/DESCRIBE and entity data can be.
RESULT_CHOICES = ("json", "xml", "csv", "tsv")
GRAPH_CHOICES = ("ttl", "nt", "jsonld", "rdf")
#: Other names clients use for the same formats.
_ALIASES = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/x-turtle": "ttl",
    "text/n3": "ttl",
    "text/plain": "nt",
    "turtle": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "jsonld",
    "rdfxml": "rdf",
    "rdf+xml": "rdf",
    "n3": "ttl",
}
#: SPARQLWrapper asks a CONSTRUCT for format=xml (its default) or json: the graph twins.
_GRAPH_TWINS = {"xml": "rdf", "json": "jsonld"}


class NotAcceptableError(ValueError):
    """No offered format matches; the message lists what is offered."""


def media_type(fmt: str) -> str:
    return f"{FORMATS[fmt].media_type}; charset=utf-8"


def named(value: str, choices: tuple[str, ...]) -> str:
    """A ``format=`` value (a short name or a media type) as one of ``choices``.

    >>> named("application/sparql-results+xml", RESULT_CHOICES), named("xml", GRAPH_CHOICES)
    ('xml', 'rdf')
    """
    value = value.strip().lower()
    by_type = {FORMATS[c].media_type: c for c in choices}
    found = value if value in choices else by_type.get(value) or _ALIASES.get(value)
    if found not in choices:
        found = _GRAPH_TWINS.get(found or value)
    if found not in choices:
        raise NotAcceptableError(
            f"format={value!r} is not offered here; use one of {', '.join(choices)} "
            f"or their media types"
        )
    return found


def negotiate(accept: MIMEAccept, choices: tuple[str, ...]) -> str:
    """The best of ``choices`` for an Accept header; the first choice when anything goes.

    >>> from werkzeug.datastructures import MIMEAccept
    >>> xml = "application/sparql-results+xml"
    >>> negotiate(MIMEAccept([("text/csv", 0.5), (xml, 1)]), RESULT_CHOICES)
    'xml'
    >>> negotiate(MIMEAccept([("application/json", 1)]), RESULT_CHOICES)
    'json'
    """
    if not accept:
        return choices[0]
    offered = {FORMATS[c].media_type: c for c in choices}
    offered.update({alias: c for alias, c in _ALIASES.items() if c in choices and "/" in alias})
    best = accept.best_match(list(offered))
    if best is None:
        raise NotAcceptableError(
            "none of the types in Accept is offered; this answer comes as "
            + ", ".join(FORMATS[c].media_type for c in choices)
        )
    return offered[best]


def prefers_html(accept: MIMEAccept, choices: tuple[str, ...]) -> bool:
    """Whether a browser is asking: text/html named and ranked above every data format.

    >>> from werkzeug.datastructures import MIMEAccept
    >>> prefers_html(MIMEAccept([("text/html", 1), ("*/*", 0.8)]), GRAPH_CHOICES)
    True
    >>> prefers_html(MIMEAccept([("*/*", 1)]), GRAPH_CHOICES)
    False
    """
    named_html = any(value == "text/html" and q > 0 for value, q in accept)
    types = ["text/html", *(FORMATS[c].media_type for c in choices)]
    return named_html and accept.best_match(types) == "text/html"
