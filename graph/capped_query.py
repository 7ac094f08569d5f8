"""A visitor's row cap, written into the query a remote server runs.

The web keeps at most ``ROW_CAP`` rows of an answer. An embedded store stops reading
solutions there; a server would compute, sort, serialise and send every row, and the client
would parse them all before dropping the rest (962,000 rows of one browse list at 10M
triples). With ``LIMIT cap+1`` in the query the server stops too, and the extra row still
tells whether the answer was cut. Virtuoso also sorts a limited answer in memory, where it
can sort values longer than its 8 KB rows (a long ``GROUP_CONCAT``), which its unlimited
sort refuses.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib.plugins.sparql.parser import parseQuery


@lru_cache(maxsize=64)
def capped(sparql: str, limit: int) -> str | None:
    """``sparql`` asking for at most ``limit + 1`` rows, or None where that cannot be said
    by appending a ``LIMIT``: not a SELECT, a ``LIMIT``/``OFFSET`` or trailing ``VALUES``
    of its own, or text this parser does not read (a server's own extensions); the query
    then runs as it is and the cap is applied to the rows that come back."""
    try:
        query = parseQuery(sparql)[1]
    except Exception:  # noqa: BLE001 - pyparsing's errors, and RecursionError on deep nesting
        return None
    if query.name != "SelectQuery" or "limitoffset" in query or "valuesClause" in query:
        return None
    # on a line of its own, after any comment the query ends with
    return f"{sparql.rstrip()}\nLIMIT {limit + 1}\n"
