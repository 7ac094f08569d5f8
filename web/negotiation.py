"""Content negotiation: which format answers a request, from ``format=`` or ``Accept``.

Pure functions over the ``Accept`` header (q-values honoured by Werkzeug's parser), so the
rules can be tested without a server. Every text answer carries ``charset=utf-8``.
"""

from __future__ import annotations

from functools import lru_cache

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
    ranked = tuple(accept)
    if sum(len(value) for value, _ in ranked) <= _CACHED_ACCEPT_CHARS:
        best = _best_cached(ranked, choices)
    else:
        best = _best(ranked, choices)
    if best is None:
        raise NotAcceptableError(
            "none of the types in Accept is offered; this answer comes as "
            + ", ".join(FORMATS[c].media_type for c in choices)
        )
    return best


#: Accept headers up to this many characters are remembered: clients send the same few
#: headers on every request, and matching one takes far longer than looking it up.
_CACHED_ACCEPT_CHARS = 256


def _best(ranked: tuple[tuple[str, float], ...], choices: tuple[str, ...]) -> str | None:
    offered = {FORMATS[c].media_type: c for c in choices}
    offered.update({alias: c for alias, c in _ALIASES.items() if c in choices and "/" in alias})
    best = MIMEAccept(ranked).best_match(list(offered))
    return None if best is None else offered[best]


#: Bounded, and only short headers enter it, so odd headers cannot make it grow.
_best_cached = lru_cache(maxsize=256)(_best)


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
