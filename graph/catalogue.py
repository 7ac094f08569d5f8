"""The canned queries: every ``queries/*.rq`` with its ``#+`` header (grlc style).

The header is YAML in comment lines, so each file stays a valid SPARQL query::

    #+ title: Members and partners of a cluster
    #+ description: …
    #+ params:
    #+   - name: cluster
    #+     type: iri
    #+     default: https://w3id.org/nbkg/id/paper-province
    #+ tags: [clusters, members]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import yaml


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
    params = tuple(
        Param(
            name=str(p["name"]),
            type=str(p.get("type", "string")),
            default=None if p.get("default") is None else str(p["default"]),
            required=bool(p.get("required", False)),
            description=str(p.get("description", "")),
        )
        for p in meta.get("params") or ()
    )
    return CannedQuery(
        name,
        str(meta["title"]),
        str(meta.get("description", "")),
        text,
        params,
        tuple(str(t) for t in meta.get("tags") or ()),
    )


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
