"""Small pure helpers for SPARQL text: binding values safely, reading canned query files.

User input never enters a query by string formatting. :func:`with_values` binds terms
escaped by :func:`term_text` in ``VALUES`` blocks, which every SPARQL 1.1 engine evaluates
as a join with the query's solutions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files

from rdflib import Literal, Node, URIRef, Variable


def with_values(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """Bind variables to RDF terms: in the query's own slot for a variable where it has one,
    else by a trailing ``VALUES`` clause.

    A slot is an inline ``VALUES ?name { UNDEF }``: unbound it changes nothing, bound it
    makes the engine start from the value. A trailing clause joins after grouping, so an
    aggregating query computed its whole answer before keeping one cluster's rows (77 s
    for one cluster at ten million triples, against well under a second from the slot).

    >>> from rdflib import Literal
    >>> print(with_values("SELECT ?s WHERE { ?s ?p ?name }", {"name": Literal('a" } DROP ALL #')}))
    SELECT ?s WHERE { ?s ?p ?name }
    VALUES (?name) { ("a\\" } DROP ALL #") }
    >>> print(with_values("SELECT ?s WHERE { VALUES ?s { UNDEF } ?s ?p ?o }", {"s": Literal(1)}))
    SELECT ?s WHERE { VALUES ?s { "1"^^<http://www.w3.org/2001/XMLSchema#integer> } ?s ?p ?o }
    """
    if not bindings:
        return sparql
    filled = set(slots(sparql)) & set(bindings)

    def fill(slot: re.Match[str]) -> str:
        name = slot.group(1)
        if name not in filled:
            return slot.group(0)
        return f"VALUES {Variable(name).n3()} {{ {term_text(name, bindings[name])} }}"

    sparql = _SLOT.sub(fill, sparql)
    trailing = {name: term for name, term in bindings.items() if name not in filled}
    if not trailing:
        return sparql
    names = " ".join(Variable(name).n3() for name in trailing)
    terms = " ".join(term_text(name, term) for name, term in trailing.items())
    return f"{sparql}\nVALUES ({names}) {{ ({terms}) }}"


def slots(sparql: str) -> list[str]:
    """The variables the query has a ``VALUES ?name { UNDEF }`` slot for, in order.

    >>> slots("SELECT * { VALUES ?cluster { UNDEF } VALUES ?role {UNDEF} ?m ?p ?o }")
    ['cluster', 'role']
    """
    return _SLOT.findall(sparql)


_SLOT = re.compile(r"\bVALUES\s+\?(\w+)\s*\{\s*UNDEF\s*\}", re.IGNORECASE)
_ECHAR = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def term_text(name: str, term: Node) -> str:
    """A term as SPARQL text, escaped here (rdflib's n3() can emit unparsable long strings).

    >>> term_text("x", Literal('a\\n"'))
    '"a\\\\n\\\\""'
    """
    if isinstance(term, URIRef):
        if _BAD_IRI.search(str(term)):
            raise ValueError(f"cannot bind ?{name} to {str(term)!r}: not a valid IRI")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_ECHAR) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype:
            return f"{text}^^{term_text(name, term.datatype)}"
        return text
    raise ValueError(f"cannot bind ?{name} to {term!r}: only IRIs and literals can be bound")


@cache
def canned(name: str) -> str:
    """The text of ``queries/<name>.rq``."""
    return files("nbkg.queries").joinpath(f"{name}.rq").read_text(encoding="utf-8")


_PROLOGUE = re.compile(r"(?:\s|#[^\n]*|PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s+<[^>]*>)*", re.IGNORECASE)
DATASET = re.compile(r"\bFROM\s+(?:NAMED\s+)?(?:<|\w*:)", re.IGNORECASE)
_FORM = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; None when the text is no query (an update, say).

    >>> query_form("PREFIX x: <http://x/>\\n# note\\nconstruct { ?s ?p ?o } where { ?s ?p ?o }")
    'CONSTRUCT'
    >>> query_form("INSERT DATA { <a> <b> <c> }") is None
    True
    """
    prologue = _PROLOGUE.match(sparql)
    body = sparql[prologue.end() if prologue else 0 :]
    match = _FORM.match(body)
    return match.group(1).upper() if match else None


def has_dataset(sparql: str) -> bool:
    """Whether a query names its own dataset (``FROM`` / ``FROM NAMED``).

    >>> has_dataset("SELECT * FROM <http://g> WHERE { ?s ?p ?o }"), has_dataset("SELECT ?from {}")
    (True, False)
    """
    return bool(DATASET.search(sparql))


def with_rows(sparql: str, name: str, terms: Iterable[Node]) -> str:
    """Bind one variable to many terms, one solution each: in the query's slot for it where
    it has one (see :func:`with_values`), else by a trailing ``VALUES`` block.

    >>> print(with_rows("SELECT ?l WHERE { ?x ?p ?l }", "x", [URIRef("http://a"), URIRef("http://b")]))
    SELECT ?l WHERE { ?x ?p ?l }
    VALUES ?x { <http://a> <http://b> }
    >>> print(with_rows("SELECT ?l WHERE { VALUES ?x { UNDEF } ?x ?p ?l }", "x", [URIRef("http://a")]))
    SELECT ?l WHERE { VALUES ?x { <http://a> } ?x ?p ?l }
    """
    block = f"VALUES {Variable(name).n3()} {{ {' '.join(term_text(name, t) for t in terms)} }}"
    if name not in slots(sparql):
        return f"{sparql}\n{block}"
    return _SLOT.sub(lambda slot: block if slot.group(1) == name else slot.group(0), sparql)


#: Strings, IRIs and comments, to be blanked out before looking at a query's keywords or
#: brackets: a label that mentions SERVICE, or holds a brace, says nothing of the query.
LEXEMES = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
#: Oxigraph's parser recurses on nested groups and brackets, and past about 3,000 levels it
#: ends the process that runs it instead of reporting an error: deeper text is not parsed.
MAX_NESTING = 256
_BRACKET = re.compile(r"[{(\[\]})]")


def nesting(sparql: str) -> int:
    """How deep the query's groups and brackets go, outside strings, IRIs and comments.

    >>> nesting('SELECT * { ?s ?p "{{{" FILTER (?s != <x:y>) } # ((')
    2
    """
    depth = deepest = 0
    for bracket in _BRACKET.finditer(LEXEMES.sub(" ", sparql)):
        depth += 1 if bracket.group() in "{([" else -1
        deepest = max(deepest, depth)
    return deepest
