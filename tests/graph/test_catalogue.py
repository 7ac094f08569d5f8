"""The canned-query catalogue: headers, and visitors' text turned into typed RDF terms."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery

from nbkg.graph.catalogue import (
    TYPES,
    CannedQuery,
    Param,
    ParamError,
    bind,
    catalogue,
    parse,
    to_term,
)
from nbkg.graph.sparql import with_values

PAPER = URIRef("https://w3id.org/nbkg/id/paper-province")

QUERY = parse(
    "example",
    """#+ title: An example
#+ description: For the tests.
#+ params:
#+   - name: cluster
#+     type: iri
#+     default: https://w3id.org/nbkg/id/paper-province
#+   - name: year
#+     type: year
#+   - name: language
#+     type: language
#+     required: true
#+ labels: {cluster: clusterName}
#+ tags: [a, b]
SELECT ?cluster ?year ?language WHERE { }
""",
)


# -- the header --------------------------------------------------------------------------------


def test_parse_reads_the_header() -> None:
    assert QUERY.title == "An example"
    assert QUERY.description == "For the tests."
    assert [p.name for p in QUERY.params] == ["cluster", "year", "language"]
    assert QUERY.params[0] == Param("cluster", "iri", str(PAPER))
    assert QUERY.params[2].required
    assert QUERY.tags == ("a", "b")
    assert QUERY.labels == {"cluster": "clusterName"}
    assert QUERY.param("year") == Param("year", "year")
    assert QUERY.param("nothing") is None


def test_sparql_is_the_text_without_its_header() -> None:
    assert QUERY.sparql == "SELECT ?cluster ?year ?language WHERE { }\n"
    assert "#+" not in QUERY.sparql


@pytest.mark.parametrize(
    ("header", "complaint"),
    [
        ("#+ description: no title\n", "needs at least a title"),
        ("#+ title: [unclosed\n", "bad #+ header"),
        ("#+ title: t\n#+ params:\n#+   - name: x\n#+     type: colour\n", "colour"),
        (
            "#+ title: t\n#+ params:\n#+   - name: x\n#+     type: year\n#+     default: soon\n",
            "soon",
        ),
        ("#+ title: t\n#+ params:\n#+   - name: format\n", "'format' cannot name"),
        ("#+ title: t\n#+ params:\n#+   - name: a b\n", "cannot name"),
        ("#+ title: t\n#+ params:\n#+   - type: iri\n", "bad parameter"),
        ("#+ title: t\n#+ params:\n#+   - name: x\n#+   - name: x\n", "declared twice"),
        ("#+ title: t\n#+ labels: [a, b]\n", "labels"),
        ("#+ title: t\n#+ params:\n#+   - name: x\n", "VALUES slot names no parameter: ?y"),
    ],
)
def test_a_bad_header_names_the_file(header: str, complaint: str) -> None:
    with pytest.raises(ValueError, match="queries/broken.rq") as err:
        parse("broken", header + "SELECT * { VALUES ?x { UNDEF } VALUES ?y { UNDEF } }")
    assert complaint in str(err.value)


def test_the_catalogue_has_every_file_in_name_order() -> None:
    names = list(catalogue())
    assert names == sorted(names)
    assert len(names) >= 10
    assert {"cluster-members", "cluster-funding", "triples-per-graph"} <= set(names)


@pytest.mark.parametrize("name", list(catalogue()))
def test_every_canned_query_is_well_formed(name: str) -> None:
    query = catalogue()[name]
    assert query.title and query.description, "every query says what it answers"
    for param in query.params:
        assert param.type in TYPES
    projected = {str(v) for v in prepareQuery(query.sparql).algebra["PV"]}
    # a parameter binds a projected variable, and a label names a projected column
    assert {p.name for p in query.params} <= projected
    assert set(query.labels) | set(query.labels.values()) <= projected
    # defaults bind, and the bound query still parses
    prepareQuery(with_values(query.sparql, bind(query, {})))


# -- binding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "https://w3id.org/nbkg/id/paper-province",
        "<https://w3id.org/nbkg/id/paper-province>",
        "id:paper-province",
        "paper-province",
        "  id:paper-province ",
        "Paper-Province",
    ],
)
def test_an_iri_can_be_written_several_ways(text: str) -> None:
    assert to_term(Param("cluster", "iri"), text) == PAPER


@pytest.mark.parametrize(
    ("text", "iri"),
    [
        ("role:rd-partner", "https://w3id.org/nbkg/def/role/rd-partner"),
        ("nbkg:Firm", "https://w3id.org/nbkg/def#Firm"),
        ("NO", "https://w3id.org/nbkg/id/no"),
        ("urn:isbn:0451450523", "urn:isbn:0451450523"),
        ("http://example.org/a?b=c#d", "http://example.org/a?b=c#d"),
    ],
)
def test_iri_forms(text: str, iri: str) -> None:
    assert to_term(Param("x", "iri"), text) == URIRef(iri)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "id:x>}DROP",
        "<http://x>} DROP ALL #>",
        "<a b>",
        "Paper Province",
        "nosuchprefix:thing",
        "<>",
        "http://example.org/a b",
    ],
)
def test_what_is_no_iri_is_refused_naming_the_parameter(text: str) -> None:
    with pytest.raises(ParamError, match="'cluster'") as err:
        to_term(Param("cluster", "iri"), text)
    assert err.value.param == "cluster"
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    ("kind", "text", "term"),
    [
        ("string", "Paper Province", Literal("Paper Province")),
        ("string", 'a" } DROP ALL #', Literal('a" } DROP ALL #')),
        ("integer", "42", Literal(42, datatype=XSD.integer)),
        ("integer", "-7", Literal(-7, datatype=XSD.integer)),
        ("integer", "007", Literal(7, datatype=XSD.integer)),
        ("decimal", "500000", Literal("500000", datatype=XSD.decimal)),
        ("decimal", "3.25", Literal("3.25", datatype=XSD.decimal)),
        ("decimal", "-.5", Literal("-0.5", datatype=XSD.decimal)),
        ("date", "2013-07-01", Literal("2013-07-01", datatype=XSD.date)),
        ("year", "2016", Literal(2016, datatype=XSD.integer)),
        ("language", "nb", Literal("nb")),
        ("language", "en-GB", Literal("en-gb")),
    ],
)
def test_typed_values(kind: str, text: str, term: Literal) -> None:
    bound = to_term(Param("p", kind), text)
    assert bound == term
    assert bound.datatype == term.datatype
    assert str(bound) == str(term)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("integer", "4.2"),
        ("integer", "forty"),
        ("integer", "1e3"),
        ("decimal", "1,5"),
        ("decimal", "NaN"),
        ("decimal", "1e3"),
        ("date", "2013-13-01"),
        ("date", "2013-02-30"),
        ("date", "1.7.2013"),
        ("date", "2013"),
        ("year", "13"),
        ("year", "2013-07-01"),
        ("year", "<script>"),
        ("language", "english please"),
        ("language", "e"),
        ("language", "<script>alert(1)</script>"),
        ("string", "   "),
        ("string", "x" * 3000),
    ],
)
def test_bad_values_are_refused_naming_the_parameter(kind: str, text: str) -> None:
    with pytest.raises(ParamError, match="parameter 'field'") as err:
        to_term(Param("field", kind), text)
    assert err.value.param == "field"
    assert err.value.reason and not err.value.reason.startswith("parameter")


def test_bind_fills_in_defaults_and_leaves_the_rest_unbound() -> None:
    assert bind(QUERY, {"language": "en"}) == {"cluster": PAPER, "language": Literal("en")}


def test_bind_takes_given_values_over_defaults() -> None:
    bound = bind(QUERY, {"cluster": "id:woodworks", "year": "2013", "language": "sv"})
    assert bound == {
        "cluster": URIRef("https://w3id.org/nbkg/id/woodworks"),
        "year": Literal(2013, datatype=XSD.integer),
        "language": Literal("sv"),
    }


def test_a_value_given_empty_leaves_the_parameter_unbound_despite_its_default() -> None:
    assert bind(QUERY, {"cluster": "", "year": " ", "language": "en"}) == {
        "language": Literal("en")
    }


def test_a_required_parameter_must_be_given() -> None:
    for given in ({}, {"language": ""}, {"language": "  "}):
        with pytest.raises(ParamError, match="'language'.*required") as err:
            bind(QUERY, given)
        assert err.value.param == "language"


def test_bind_ignores_names_that_are_no_parameter() -> None:
    assert "format" not in bind(QUERY, {"language": "en", "format": "csv", "lang": "nb"})


def test_bind_reports_the_first_bad_value_by_name() -> None:
    with pytest.raises(ParamError, match="'year'"):
        bind(QUERY, {"year": "last year", "language": "en"})


def test_a_query_without_parameters_binds_nothing() -> None:
    query = CannedQuery("plain", "Plain", "", "SELECT * {}")
    assert bind(query, {"anything": "x"}) == {}
