"""Canned queries bind a parameter in their own ``VALUES ?name { UNDEF }`` slot: the same
rows as the trailing ``VALUES`` clause that filters the finished answer, on the bundled
graph, for values taken from each query's own unbound answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import URIRef

from nbkg.graph.catalogue import CannedQuery, catalogue
from nbkg.graph.oxigraph_store import OxigraphStore
from nbkg.graph.sparql import slots, with_values

SLOT = re.compile(r"\bVALUES\s+\?(\w+)\s*\{\s*UNDEF\s*\}")
SLOTTED = sorted(
    (name, param) for name, query in catalogue().items() for param in slots(query.sparql)
)


@pytest.fixture(scope="module")
def store(built_store: Path):
    with OxigraphStore(built_store, read_only=True) as opened:
        yield opened


def _rows(store: OxigraphStore, sparql: str) -> list[str]:
    """The answer's lines in order, each GROUP_CONCAT list too (SPARQL leaves both open)."""
    lines = store.query(sparql, "tsv").decode("utf-8").splitlines()
    return sorted("\t".join(_unordered(cell) for cell in line.split("\t")) for line in lines)


def _unordered(cell: str) -> str:
    text = cell[1:-1] if len(cell) > 1 and cell[0] == cell[-1] == '"' else cell
    return "; ".join(sorted(text.split("; "))) if "; " in text else cell


def _without_slots(query: CannedQuery) -> str:
    return SLOT.sub("", query.sparql)


def _values(store: OxigraphStore, query: CannedQuery, param: str) -> list[str]:
    """Up to three IRIs the parameter's column holds in the unbound answer."""
    header, *lines = store.query(query.sparql, "tsv").decode("utf-8").splitlines()
    column = [h.lstrip("?") for h in header.split("\t")].index(param)
    found = {line.split("\t")[column] for line in lines}
    return sorted(v[1:-1] for v in found if v.startswith("<"))[:3]


def test_the_big_reports_have_slots() -> None:
    assert {("cluster-members", "cluster"), ("members-by-role", "cluster")} <= set(SLOTTED)


@pytest.mark.parametrize(("name", "param"), SLOTTED)
def test_a_slot_binds_the_same_rows_as_a_trailing_clause(
    store: OxigraphStore, name: str, param: str
) -> None:
    query = catalogue()[name]
    assert _rows(store, query.sparql) == _rows(store, _without_slots(query))  # unbound
    values = _values(store, query, param)
    assert values, f"{name}: no value of ?{param} to bind in the bundled graph"
    for value in [*values, "https://w3id.org/nbkg/id/no-such-entity"]:
        bound = {param: URIRef(value)}
        slotted = with_values(query.sparql, bound)
        assert f"VALUES ?{param} {{ <{value}> }}" in slotted
        assert _rows(store, slotted) == _rows(store, with_values(_without_slots(query), bound))
