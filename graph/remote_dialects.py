"""How SPARQL servers differ from the standard, and how the remote store evens it out:
Virtuoso 7.2's SPARQL 1.0 JSON, its error answers and its trouble with trailing ``VALUES``."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import Node

from nbkg.graph.sparql import with_values

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_VIRTUOSO_ERROR = re.compile(r"Virtuoso ([0-9A-Z]{5}) Error")
_LOG_FULL = "Error SR325"  # a transaction wrote more than TransactionAfterImageLimit
_TOP_REFUSED = "Error SR353"  # a sorted LIMIT past MaxSortedTopRows
# a value past a row of the sort's temporary table: past the row, past its ANY column
_VALUE_TOO_LONG = ("Error SR319", "Error SR478")


def plain_term(binding: dict) -> dict:
    """SPARQL 1.1 JSON for a term: Virtuoso still writes 1.0's ``typed-literal``."""
    if binding.get("type") == "typed-literal":
        binding = {**binding, "type": "literal"}
        if binding.get("datatype") == _XSD_STRING:
            del binding["datatype"]
    if binding.get("type") == "bnode":  # Virtuoso's are "nodeID://b10000"
        label = re.sub(r"[^A-Za-z0-9_]", "", binding["value"].removeprefix("nodeID://"))
        binding = {**binding, "value": label or "b"}
    if binding.get("datatype") == _XSD_BOOLEAN and binding.get("value") in ("0", "1"):
        binding = {**binding, "value": "true" if binding["value"] == "1" else "false"}
    return binding


def lasting_error(body: str) -> bool:
    """Whether a 5xx answer is an error that another try would only repeat: Virtuoso answers
    500 for errors in the query itself; only its transaction rollbacks (SQLSTATE 40xxx, a
    deadlock say) and connection troubles (08xxx) are worth another try, and not the
    rollback of a transaction bigger than its log may hold."""
    found = _VIRTUOSO_ERROR.search(body)
    if found is None:
        return False
    return _LOG_FULL in body or not found.group(1).startswith(("40", "08"))


def advice(body: str) -> str:
    """What the server's operator can do about an error, where there is something.

    >>> advice("Virtuoso 40005 Error SR325: Transaction aborted because ...")[:48]
    '; Virtuoso replaces a graph in one transaction: '
    """
    if _LOG_FULL in body:
        return (
            "; Virtuoso replaces a graph in one transaction: raise TransactionAfterImageLimit"
            " (bytes, 50,000,000 by default) in the [Parameters] of virtuoso.ini"
        )
    if any(code in body for code in _VALUE_TOO_LONG):
        return (
            "; Virtuoso sorts a whole answer in a table whose rows hold a few KB, too little"
            " for a long value (a GROUP_CONCAT, say); it sorts an answer with a LIMIT of at"
            " most MaxSortedTopRows in memory: ask for fewer rows, or raise MaxSortedTopRows"
            " (10,000 by default) in the [Parameters] of virtuoso.ini above nbkg's row cap"
        )
    if _TOP_REFUSED in body:
        return "; raise MaxSortedTopRows (10,000 by default) in the [Parameters] of virtuoso.ini"
    return ""


def sorted_top_refused(message: str) -> bool:
    """Whether Virtuoso refused a sorted ``LIMIT`` for being past its ``MaxSortedTopRows``."""
    return _TOP_REFUSED in message


_AGGREGATE = re.compile(
    r"\bGROUP\s+BY\b|\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.IGNORECASE
)
_SKIP = re.compile(r"""<[^<>\s"{}]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*""")


def values_inside(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """Bindings as a ``VALUES`` block opening the WHERE clause, not trailing the query.

    Virtuoso 7.2 cannot take a trailing ``VALUES`` on a variable the query does not project
    ("No column g"); at the start of the WHERE clause it binds the same rows, as long as the
    query does not aggregate (then the trailing form stays, as on every other store)."""
    if not bindings or _AGGREGATE.search(sparql):
        return with_values(sparql, bindings)
    position = 0
    while (found := _SKIP.search(sparql, position)) is not None or position < len(sparql):
        end = found.start() if found else len(sparql)
        brace = sparql.find("{", position, end)
        if brace >= 0:
            block = with_values("", bindings).strip()
            return f"{sparql[: brace + 1]} {block}\n{sparql[brace + 1 :]}"
        if found is None:
            break
        position = found.end()
    return with_values(sparql, bindings)
