"""A visitor's row cap, written into the query a remote server runs.

The web keeps at most ``ROW_CAP`` rows of an answer. An embedded store stops reading
solutions there; a server would compute, sort, serialise and send every row, and the client
would parse them all before dropping the rest (962,000 rows of one browse list at 10M
triples). With ``LIMIT cap+1`` in the query the server stops too, and the extra row still
tells whether the answer was cut. Virtuoso also sorts a limited answer in memory, where it
can sort values longer than its temporary rows (a long ``GROUP_CONCAT``), which its
unlimited sort refuses.

Whether the ``LIMIT`` may be appended is left to Oxigraph's parser: the text with it appended
parses exactly when the query has no ``LIMIT`` and no trailing ``VALUES`` of its own (SPARQL
allows one ``LIMIT``, before ``VALUES``); after an ``OFFSET`` it caps the rows that follow
it, which is what the web keeps. A ``LIMIT`` of the query's own above the cap is lowered to
it. rdflib's parser took 12 to 83 ms on the canned queries and 1.3 s on a 3.5 KB ``FILTER``;
Oxigraph's, 0.1 to 1.9 ms and 75 ms.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pyoxigraph as ox

from nbkg.graph.sparql import LEXEMES, MAX_NESTING, nesting, query_form


@lru_cache(maxsize=64)
def capped(sparql: str, limit: int) -> str | None:
    """``sparql`` asking for at most ``limit + 1`` rows, or None where that cannot be said by
    appending a ``LIMIT`` or lowering the query's own: not a SELECT, a ``LIMIT`` of its own
    no higher than ``limit + 1``, a trailing ``VALUES``, or text Oxigraph does not read (a
    server's own extensions, its predefined prefixes) or would not survive (nested past
    ``MAX_NESTING``); the query then runs as it is and the cap is applied to the rows that
    come back."""
    if query_form(sparql) != "SELECT" or nesting(sparql) > MAX_NESTING:
        return None
    # on a line of its own, after any comment the query ends with
    appended = f"{sparql.rstrip()}\nLIMIT {limit + 1}\n"
    if _parses(appended):
        return appended
    lowered = _lowered(sparql, limit + 1)
    return lowered if lowered is not None and _parses(lowered) else None


#: The query's last solution modifiers, LIMIT and OFFSET in either order, on text whose
#: strings, IRIs and comments are blanked: a LIMIT inside a subquery is followed by a bracket.
_TRAILING_LIMIT = re.compile(
    r"(?<![\w?$:])LIMIT\s+(\d+)(?:\s+OFFSET\s+\d+)?\s*$"
    r"|(?<![\w?$:])OFFSET\s+\d+\s+LIMIT\s+(\d+)\s*$",
    re.IGNORECASE,
)


def _lowered(sparql: str, rows: int) -> str | None:
    """The query with its own ``LIMIT`` lowered to ``rows`` where it asks for more: a
    researcher's ``LIMIT 1000000`` is cut at the cap all the same, and the server need not
    compute, send and have parsed the rows past it."""
    blanked = LEXEMES.sub(lambda lexeme: " " * len(lexeme.group()), sparql)
    found = _TRAILING_LIMIT.search(blanked)
    if found is None:
        return None
    group = 1 if found.group(1) is not None else 2
    if int(found.group(group)) <= rows:
        return None
    start, end = found.span(group)
    return f"{sparql[:start]}{rows}{sparql[end:]}"


def _parses(sparql: str) -> bool:
    try:
        _empty_store().query(sparql)  # parsed and planned, not run: nothing is iterated
    except (SyntaxError, ValueError, OSError):
        return False
    return True


@cache
def _empty_store() -> ox.Store:
    return ox.Store()
