"""Fact nodes are named by what they state: the same fact from two sources meets in one
node, different facts stay apart."""

from __future__ import annotations

from rdflib import Graph, URIRef

from nbkg.graph.namespace import ID
from nbkg.loaders.records import Cited, RecordWriter

PAGE = Cited(URIRef("https://example.org/press-release"))


def test_awards_without_a_year_are_told_apart_by_their_amount() -> None:
    # two press releases, two grants from one funder, neither with a year
    writer = RecordWriter(Graph(), {})
    first = writer.award(
        "x-cluster", PAGE, funder="innovation-norway", amount="4500000", currency="NOK"
    )
    second = writer.award(
        "x-cluster", PAGE, funder="innovation-norway", amount="17 500 000", currency="NOK"
    )
    again = writer.award(
        "x-cluster", PAGE, funder="innovation-norway", amount="4500000", currency="NOK"
    )
    assert first != second and first == again
    assert second == ID["award-x-cluster-innovation-norway-17500000-nok"]


def test_awards_with_a_year_are_named_by_it_whatever_the_amount() -> None:
    writer = RecordWriter(Graph(), {})
    dated = writer.award("x-cluster", PAGE, funder="innovation-norway", amount="1", start="2020")
    assert dated == ID["award-x-cluster-innovation-norway-2020"]
    assert (
        writer.award("x-cluster", PAGE, funder="innovation-norway")
        == ID["award-x-cluster-innovation-norway"]
    )
