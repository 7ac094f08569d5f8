"""Render query results for a terminal: aligned text tables with prefixed names."""

from __future__ import annotations

import io
import shutil

from rdflib import Literal, Node, URIRef
from rdflib.query import Result

from nbkg.graph.namespace import PREFIXES

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def term_text(term: Node | None) -> str:
    """How a term reads in a table: ``id:paper-province``, ``500000``, ``Värmland``."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, iri in _BY_LENGTH:
            if text.startswith(iri) and len(text) > len(iri):
                return f"{prefix}:{text[len(iri) :]}"
        return f"<{text}>"
    if isinstance(term, Literal) and term.language:
        return f"{term}@{term.language}"
    return str(term)


def table(results_json: bytes, width: int | None = None) -> str:
    """A SELECT or ASK result (SPARQL JSON) as an aligned text table."""
    result = Result.parse(io.BytesIO(results_json), format="json")
    if result.type == "ASK":
        return "true" if result.askAnswer else "false"
    names = [str(v) for v in result.vars or []]
    rows = [[term_text(row[n]) for n in names] for row in result]  # type: ignore[index]
    limit = max(12, (width or shutil.get_terminal_size((160, 20)).columns) // max(len(names), 1))
    cells = [[c if len(c) <= limit else c[: limit - 1] + "…" for c in row] for row in rows]
    widths = [max([len(n), *(len(r[i]) for r in cells)]) for i, n in enumerate(names)]
    lines = [
        "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)
