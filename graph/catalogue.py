"""The canned queries: every ``queries/*.rq`` with its ``#+`` header (grlc style).

The header is YAML in comment lines, so each file stays a valid SPARQL query::

    #+ title: Members and partners of a cluster
    #+ description: …
    #+ params:
    #+   - name: cluster
    #+     type: iri
    #+     default: https://w3id.org/nbkg/id/paper-province
    #+ labels: {member: name}
    #+ tags: [clusters, members]

A parameter binds the projected variable of the same name
(:func:`nbkg.graph.sparql.with_values`), so it filters the answer rows: in the query's slot
for it, an inline ``VALUES ?name { UNDEF }`` where the variable is bound before any
grouping, else by a trailing ``VALUES`` clause. From a slot the engine starts from the
value; a trailing clause joins after grouping, when the whole answer has been computed.
A slot must name a parameter. :func:`bind` turns the text a visitor typed into the RDF
term the parameter's type asks for:

==========  ===================================================================
type        accepted text and the term it becomes
==========  ===================================================================
iri         ``<any:iri>``, ``https://…`` or ``urn:…``, ``id:slug`` (any prefix of
            PREFIXES) or a bare ``slug`` (an nbkg entity, any case); an IRI
string      any text; a plain literal
integer     ``-12``, ``42``; ``xsd:integer``
decimal     ``3.5``, ``-0.25``, ``500000``; ``xsd:decimal``
date        ``2013-07-01``; ``xsd:date``
year        ``2013``; ``xsd:integer``, compared with ``YEAR(?date)`` in the query
language    a language tag such as ``nb`` or ``en-GB``; a plain literal, lower case
==========  ===================================================================

``labels`` (optional) names, for an IRI column, the column that holds its label, where
it is not ``<column>Name`` or ``<column>Label``; pages use it to show a name for a link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files

import yaml
from rdflib import Literal, Node, URIRef
from rdflib.namespace import XSD

from nbkg.graph.namespace import ID, PREFIXES, SLUG
from nbkg.graph.sparql import slots

TYPES = ("iri", "string", "integer", "decimal", "date", "year", "language")
#: Request arguments the web surface keeps for itself; no parameter may take these names.
RESERVED = frozenset({"format", "lang"})
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_YEAR = re.compile(r"^[0-9]{4}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_MAX_LENGTH = 2000


class ParamError(ValueError):
    """A parameter value that cannot be bound; ``param`` names the parameter."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"parameter {param!r}: {message}")
        self.param, self.reason = param, message


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "string"  # iri | string | integer | decimal | date | year | language
    default: str | None = None
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)
    labels: Mapping[str, str] = field(default_factory=dict)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def sparql(self) -> str:
        """The query without its ``#+`` header: what is shown, run and handed to the editor."""
        lines = self.text.splitlines(keepends=True)
        return "".join(line for line in lines if not line.startswith("#+")).lstrip("\n")


def parse(name: str, text: str) -> CannedQuery:
    """A query file's header and text; ValueError names the file when the header is bad."""
    header = "\n".join(
        line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")
    )
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as err:
        raise ValueError(f"queries/{name}.rq: bad #+ header: {err}") from None
    if not isinstance(meta, dict) or "title" not in meta:
        raise ValueError(f"queries/{name}.rq: the #+ header needs at least a title")
    try:
        params = tuple(_param(p) for p in meta.get("params") or ())
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"queries/{name}.rq: bad parameter in the #+ header: {err}") from None
    if len({p.name for p in params}) != len(params):
        raise ValueError(f"queries/{name}.rq: a parameter is declared twice")
    labels = meta.get("labels") or {}
    if not isinstance(labels, dict):
        raise ValueError(f"queries/{name}.rq: labels must map a column to its label column")
    stray = set(slots(text)) - {p.name for p in params}
    if stray:
        raise ValueError(
            f"queries/{name}.rq: a VALUES slot names no parameter: ?{', ?'.join(sorted(stray))}"
        )
    return CannedQuery(
        name,
        str(meta["title"]),
        str(meta.get("description", "")),
        text,
        params,
        tuple(str(t) for t in meta.get("tags") or ()),
        {str(k): str(v) for k, v in labels.items()},
    )


def _param(entry: Mapping[str, object]) -> Param:
    param = Param(
        name=str(entry["name"]),
        type=str(entry.get("type", "string")),
        default=None if entry.get("default") is None else str(entry["default"]),
        required=bool(entry.get("required", False)),
        description=str(entry.get("description", "")),
    )
    if not _NAME.fullmatch(param.name) or param.name in RESERVED:
        raise ValueError(f"{param.name!r} cannot name a parameter")
    if param.type not in TYPES:
        raise ValueError(f"{param.name!r} has type {param.type!r}; use one of {', '.join(TYPES)}")
    if param.default is not None:
        to_term(param, param.default)  # a bad default is the file's fault: say so early
    return param


def to_term(param: Param, value: str) -> Node:
    """The RDF term for the text ``value`` by the parameter's type; ParamError if it is none."""
    text = value.strip()
    if not text:
        raise ParamError(param.name, "no value given")
    if len(text) > _MAX_LENGTH:
        raise ParamError(param.name, f"longer than {_MAX_LENGTH} characters")
    convert = _CONVERTERS[param.type]
    return convert(param.name, text)


def bind(query: CannedQuery, given: Mapping[str, str]) -> dict[str, Node]:
    """The terms to bind for the values a visitor gave, by parameter name.

    A parameter left out takes its default; given empty (a cleared form field) it stays
    unbound, as does one left out without a default. A required parameter must end up
    with a value. Names that are no parameter of the query are ignored.
    """
    bindings: dict[str, Node] = {}
    for param in query.params:
        value = given.get(param.name)
        if value is None:
            value = param.default
        if value is None or not value.strip():
            if param.required:
                raise ParamError(param.name, "a value is required")
            continue
        bindings[param.name] = to_term(param, value)
    return bindings


def _iri(name: str, text: str) -> URIRef:
    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    elif SLUG.fullmatch(text.lower()):
        iri = str(ID[text.lower()])  # slugs are minted lower case; NO means id:no
    else:
        prefix, colon, local = text.partition(":")
        if colon and prefix in PREFIXES:
            iri = PREFIXES[prefix] + local
        elif _SCHEME.match(text) and (local.startswith("//") or prefix.lower() == "urn"):
            iri = text
        elif colon and _NAME.fullmatch(prefix):
            raise ParamError(
                name, f"unknown prefix {prefix!r} in {text!r}; write the whole IRI in <…>"
            )
        else:
            raise ParamError(
                name,
                f"{text!r} is no IRI (give <https://…>, a prefixed name like id:slug, or a slug)",
            )
    if not _SCHEME.match(iri) or _BAD_IRI.search(iri):
        raise ParamError(name, f"{text!r} is no valid IRI")
    return URIRef(iri)


def _string(name: str, text: str) -> Literal:
    return Literal(text)


def _integer(name: str, text: str) -> Literal:
    if not _INTEGER.fullmatch(text):
        raise ParamError(name, f"{text!r} is no whole number")
    return Literal(int(text), datatype=XSD.integer)


def _decimal(name: str, text: str) -> Literal:
    if not _DECIMAL.fullmatch(text):
        raise ParamError(name, f"{text!r} is no decimal number (write it like 1234.5)")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ParamError(name, f"{text!r} is no decimal number") from None
    return Literal(number, datatype=XSD.decimal)


def _date(name: str, text: str) -> Literal:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ParamError(name, f"{text!r} is no date (write it as YYYY-MM-DD)") from None
    return Literal(day.isoformat(), datatype=XSD.date)


def _year(name: str, text: str) -> Literal:
    if not _YEAR.fullmatch(text):
        raise ParamError(name, f"{text!r} is no year (write four digits, like 2016)")
    return Literal(int(text), datatype=XSD.integer)


def _language(name: str, text: str) -> Literal:
    if not _LANGUAGE.fullmatch(text):
        raise ParamError(name, f"{text!r} is no language tag (like en, nb or sv)")
    return Literal(text.lower())


_CONVERTERS = {
    "iri": _iri,
    "string": _string,
    "integer": _integer,
    "decimal": _decimal,
    "date": _date,
    "year": _year,
    "language": _language,
}


@cache
def catalogue() -> dict[str, CannedQuery]:
    """Every canned query by name, in name order."""
    folder = files("nbkg.queries")
    found = sorted(
        (entry.name.removesuffix(".rq"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".rq")
    )
    return {name: parse(name, text) for name, text in found}
