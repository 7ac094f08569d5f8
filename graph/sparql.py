"""Small pure helpers for SPARQL text: binding values safely, reading canned query files.

User input never enters a query by string formatting. :func:`with_values` appends a
``VALUES`` block whose terms rdflib has escaped, which every SPARQL 1.1 engine evaluates as a
join with the query's solutions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

from rdflib import Node, Variable


def with_values(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """Bind variables to RDF terms by a trailing ``VALUES`` clause.

    >>> from rdflib import Literal
    >>> print(with_values("SELECT ?s WHERE { ?s ?p ?name }", {"name": Literal('a" } DROP ALL #')}))
    SELECT ?s WHERE { ?s ?p ?name }
    VALUES (?name) { ("a\\" } DROP ALL #") }
    """
    if not bindings:
        return sparql
    names = " ".join(Variable(name).n3() for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    return f"{sparql}\nVALUES ({names}) {{ ({terms}) }}"


@cache
def canned(name: str) -> str:
    """The text of ``queries/<name>.rq``."""
    return files("nbkg.queries").joinpath(f"{name}.rq").read_text(encoding="utf-8")


_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", re.IGNORECASE)
_COMMENT = re.compile(r"(?m)^\s*#.*$")
_FORM = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; None when the text is no query (an update, say).

    >>> query_form("PREFIX x: <http://x/>\\n# note\\nconstruct { ?s ?p ?o } where { ?s ?p ?o }")
    'CONSTRUCT'
    >>> query_form("INSERT DATA { <a> <b> <c> }") is None
    True
    """
    body = _PROLOGUE.sub("", _COMMENT.sub("", sparql), count=1)
    match = _FORM.match(body)
    return match.group(1).upper() if match else None
