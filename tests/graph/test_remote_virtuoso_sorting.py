"""Answers Virtuoso must sort with values longer than its temporary rows (a few KB): a
region whose clusters' names, and a funder's year whose recipients' names, listed by a
GROUP_CONCAT, run past them. Capped as the web caps them, they sort in memory where
Virtuoso is set to (``MaxSortedTopRows``); elsewhere the error says what to change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS, XSD
from test_remote_virtuoso import emptied

from nbkg.graph.oxigraph_store import OxigraphStore
from nbkg.graph.remote_store import RemoteStore
from nbkg.graph.sparql import canned
from nbkg.graph.store import QueryError, Store

pytestmark = pytest.mark.server

NBKG = Namespace("https://w3id.org/nbkg/def#")
ID = Namespace("https://w3id.org/nbkg/id/")
CAP = 10_000  # the web's row cap (ROW_CAP)
CLUSTERS = 300  # names of 40-odd characters: about 13 KB in one value


def crowded_region() -> Graph:
    graph = Graph()
    graph.add((ID.no, RDFS.label, Literal("Norway", lang="en")))
    graph.add((ID["crowded-region"], RDF.type, NBKG.Region))
    graph.add((ID["crowded-region"], RDFS.label, Literal("Crowded region")))
    graph.add((ID["crowded-region"], NBKG.country, ID.no))
    for i in range(CLUSTERS):
        cluster = ID[f"cluster-{i}"]
        graph.add((cluster, RDF.type, NBKG.Cluster))
        graph.add((cluster, RDFS.label, Literal(f"Cluster of the crowded region, number {i}")))
        graph.add((cluster, NBKG.locatedIn, ID["crowded-region"]))
        award = ID[f"award-{i}"]
        graph.add((award, RDF.type, NBKG.FundingAward))
        graph.add((award, NBKG.startDate, Literal("2024-03-01", datatype=XSD.date)))
        graph.add((award, NBKG.funder, ID["generous-funder"]))
        graph.add((award, NBKG.recipient, cluster))
        graph.add((award, NBKG.programme, ID["open-programme"]))
    graph.add((ID["generous-funder"], RDFS.label, Literal("Generous funder")))
    graph.add((ID["open-programme"], RDF.type, NBKG.Programme))
    graph.add((ID["open-programme"], RDFS.label, Literal("Open programme")))
    return graph


def loaded(store: Store) -> Store:
    store.replace_graph(ID["graph/crowded"], crowded_region())
    return store


#: canned query: the column listing every name
LONG_LISTS = {"clusters-per-region": "clusterNames", "funding-by-funder-year": "recipients"}


def rows(store: Store, name: str, limit: int | None) -> list[dict]:
    answer = store.run(canned(name), "json", limit=limit)
    found = json.loads(answer.body)["results"]["bindings"]
    for row in found:  # GROUP_CONCAT lists in any order
        for column in LONG_LISTS.values():
            if column in row:
                row[column]["value"] = sorted(row[column]["value"].split("; "))
    return found


@pytest.mark.parametrize("name", LONG_LISTS)
def test_a_capped_answer_sorts_a_value_past_the_temporary_rows(
    sorting_virtuoso: str, tmp_path: Path, name: str
) -> None:
    remote = loaded(RemoteStore(emptied(sorting_virtuoso)))
    embedded = loaded(OxigraphStore(tmp_path / "store"))
    expected = rows(embedded, name, CAP)
    assert len(expected[0][LONG_LISTS[name]]["value"]) == CLUSTERS
    assert rows(remote, name, CAP) == expected


@pytest.mark.parametrize("name", LONG_LISTS)
def test_uncapped_the_error_names_the_setting(sorting_virtuoso: str, name: str) -> None:
    remote = loaded(RemoteStore(emptied(sorting_virtuoso)))
    with pytest.raises(QueryError, match="SR(319|478).*raise MaxSortedTopRows"):
        remote.query(canned(name))


def test_a_default_virtuoso_refuses_the_capped_sort_and_says_what_to_raise(
    virtuoso_server: str,
) -> None:
    """By default Virtuoso sorts at most 10,000 rows in memory, one less than the cap asks
    for; the store then asks for every row, which Virtuoso cannot sort here either."""
    remote = loaded(RemoteStore(emptied(virtuoso_server)))
    with pytest.raises(QueryError, match="SR(319|478).*raise MaxSortedTopRows"):
        rows(remote, "clusters-per-region", CAP)


@pytest.mark.parametrize("limit", [2, 4, 5, CAP])
def test_a_default_virtuoso_cuts_sorted_answers_at_the_cap(
    virtuoso_server: str, limit: int
) -> None:
    """Below 10,000 rows the server cuts; at the web's cap the store asks for every row
    and cuts them itself. Either way the rows are the first of the order, and an answer
    is cut only when rows were left."""
    remote = RemoteStore(emptied(virtuoso_server))
    graph = Graph()
    for i in range(5):
        graph.add((ID[f"s{i}"], RDFS.label, Literal(f"name {i}")))
    remote.replace_graph(ID["graph/five"], graph)
    answer = remote.run(
        "SELECT ?name WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?name } "
        "ORDER BY DESC(?name)",
        "json",
        limit=limit,
    )
    names = [row["name"]["value"] for row in json.loads(answer.body)["results"]["bindings"]]
    assert names == [f"name {i}" for i in (4, 3, 2, 1, 0)][:limit]
    assert answer.truncated is (limit < 5)
