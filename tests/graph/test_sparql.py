"""Pure helpers for SPARQL text: with_values, query_form and the canned queries."""

from __future__ import annotations

import re
from importlib.resources import files

import pyoxigraph as ox
import pytest
from rdflib import XSD, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery

from nbkg.graph.sparql import canned, query_form, with_rows, with_values

QUERY = "SELECT ?s WHERE { ?s ?p ?o }"
HOSTILE = 'x" } ; DROP ALL ; #'
CANNED = sorted(
    entry.name.removesuffix(".rq")
    for entry in files("nbkg.queries").iterdir()
    if entry.name.endswith(".rq")
)
HEADER = re.compile(r"^#\+ ?(\w+):(.*)$")


def header(text: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    key = None
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        match = HEADER.match(line)
        if match:
            key = match.group(1)
            fields[key] = [match.group(2).strip()]
        elif key:
            fields[key].append(line[2:].strip())
    return fields


def run(sparql: str, triples: list[tuple[str, str, ox.Literal | ox.NamedNode]]) -> list[str]:
    """Evaluate with Oxigraph over the given triples; the values of ?s."""
    store = ox.Store()
    for s, p, o in triples:
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o))
    return [solution["s"].value for solution in store.query(sparql)]


# -- with_values ----------------------------------------------------------------------------


@pytest.mark.parametrize("bindings", [None, {}])
def test_no_bindings_leave_the_query_alone(bindings: dict | None) -> None:
    assert with_values(QUERY, bindings) == QUERY


def test_bindings_become_a_trailing_values_clause() -> None:
    text = with_values(QUERY, {"o": Literal("a")})
    assert text == QUERY + '\nVALUES (?o) { ("a") }'
    prepareQuery(text)


def test_several_bindings_share_one_row() -> None:
    text = with_values(QUERY, {"s": URIRef("http://example.org/a"), "o": Literal("b")})
    assert text.endswith('VALUES (?s ?o) { (<http://example.org/a> "b") }')
    assert [str(v) for v in prepareQuery(text).algebra["PV"]] == ["s"]


SLOTTED = """SELECT ?s (COUNT(?o) AS ?n) WHERE {
  VALUES ?s { UNDEF }
  ?s ?p ?o
} GROUP BY ?s"""
TRIPLES = [
    ("http://example.org/a", "http://example.org/p", ox.Literal("1")),
    ("http://example.org/a", "http://example.org/p", ox.Literal("2")),
    ("http://example.org/b", "http://example.org/p", ox.Literal("3")),
]


def test_a_slot_takes_the_binding_in_place_of_a_trailing_clause() -> None:
    text = with_values(SLOTTED, {"s": URIRef("http://example.org/a")})
    assert "VALUES ?s { <http://example.org/a> }" in text
    assert "UNDEF" not in text
    assert not text.rstrip().endswith("}\nVALUES")
    assert "\nVALUES (" not in text
    assert run(text, TRIPLES) == ["http://example.org/a"]


def test_an_unbound_slot_leaves_every_row() -> None:
    assert sorted(run(SLOTTED, TRIPLES)) == ["http://example.org/a", "http://example.org/b"]


def test_a_slot_filters_the_same_rows_as_a_trailing_clause() -> None:
    plain = SLOTTED.replace("VALUES ?s { UNDEF }", "")
    for iri in ("http://example.org/a", "http://example.org/b", "http://example.org/none"):
        term = URIRef(iri)
        assert run(with_values(SLOTTED, {"s": term}), TRIPLES) == run(
            with_values(plain, {"s": term}), TRIPLES
        )


def test_a_binding_without_a_slot_still_trails() -> None:
    text = with_values(SLOTTED, {"o": Literal("1"), "s": URIRef("http://example.org/a")})
    assert "VALUES ?s { <http://example.org/a> }" in text
    assert text.endswith('VALUES (?o) { ("1") }')


# -- with_rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iris",
    [[], ["http://example.org/a"], ["http://example.org/a", "http://example.org/b"]],
)
def test_rows_in_a_slot_give_what_trailing_rows_give(iris: list[str]) -> None:
    """The web's entity pages bind many nodes at once; in a slot, before a grouping, the
    engine starts from them (evidence for two nodes: 750 ms to 7 ms on a server of a
    million triples)."""
    terms = [URIRef(iri) for iri in iris]
    plain = SLOTTED.replace("VALUES ?s { UNDEF }", "")
    slotted = with_rows(SLOTTED, "s", terms)
    assert "UNDEF" not in slotted and not slotted.rstrip().endswith("}\nVALUES")
    assert sorted(run(slotted, TRIPLES)) == sorted(run(with_rows(plain, "s", terms), TRIPLES))
    assert sorted(run(slotted, TRIPLES)) == sorted(iris)


def test_rows_fill_their_own_slot_only() -> None:
    text = "SELECT ?s WHERE { VALUES ?o { UNDEF } VALUES ?s { UNDEF } ?s ?p ?o }"
    filled = with_rows(text, "s", [URIRef("http://example.org/b")])
    assert "VALUES ?o { UNDEF }" in filled
    assert "VALUES ?s { <http://example.org/b> }" in filled
    assert run(filled, TRIPLES) == ["http://example.org/b"]


def test_a_hostile_value_in_a_slot_stays_one_literal() -> None:
    text = with_values(SLOTTED.replace("?s { UNDEF }", "?o { UNDEF }"), {"o": Literal(HOSTILE)})
    prepareQuery(text)
    assert run(
        text, TRIPLES + [("http://example.org/c", "http://example.org/p", ox.Literal(HOSTILE))]
    ) == ["http://example.org/c"]


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        'say "hi"',
        "it's",
        "two\nlines",
        "crlf\r\nline",
        "tab\tbed",
        "back\\slash",
        "ends with backslash\\",
        '"""',
        'a\n"""b',
        'a\n""',
        "a\n\\",
        "} } } ; CLEAR ALL",
        "Tromsø Værøy Þórshöfn 東京",
        "",
    ],
)
def test_literals_are_escaped_and_round_trip(text: str) -> None:
    sparql = with_values(QUERY, {"o": Literal(text)})
    prepareQuery(sparql)
    triples = [
        ("http://example.org/hit", "http://example.org/p", ox.Literal(text)),
        ("http://example.org/miss", "http://example.org/p", ox.Literal(text + "x")),
    ]
    assert run(sparql, triples) == ["http://example.org/hit"]


def test_a_multi_line_literal_ending_in_backslash_quote_still_parses() -> None:
    text = 'line\nends with \\"'
    sparql = with_values(QUERY, {"o": Literal(text)})
    prepareQuery(sparql)
    triples = [("http://example.org/hit", "http://example.org/p", ox.Literal(text))]
    assert run(sparql, triples) == ["http://example.org/hit"]


def test_hostile_literal_stays_one_term() -> None:
    query = prepareQuery(with_values(QUERY, {"o": Literal(HOSTILE)}))
    join = query.algebra["p"]["p"]  # Project(Join(BGP, ToMultiSet(values)))
    assert join["p2"]["p"]["res"] == [{Variable("o"): Literal(HOSTILE)}]


@pytest.mark.parametrize(
    ("term", "written"),
    [
        (Literal("hej", lang="sv"), '"hej"@sv'),
        (Literal("colour", lang="en-GB"), '"colour"@en-GB'),
        (Literal(5), f'"5"^^<{XSD.integer}>'),
        (Literal("2020-01-01", datatype=XSD.date), f'"2020-01-01"^^<{XSD.date}>'),
        (
            URIRef("https://w3id.org/nbkg/id/paper-province"),
            "<https://w3id.org/nbkg/id/paper-province>",
        ),
        (URIRef("urn:isbn:0451450523"), "<urn:isbn:0451450523>"),
    ],
)
def test_terms_keep_their_kind(term: Literal | URIRef, written: str) -> None:
    sparql = with_values(QUERY, {"o": term})
    assert sparql.endswith(f"VALUES (?o) {{ ({written}) }}")
    prepareQuery(sparql)


def test_language_tags_match_only_that_language() -> None:
    sparql = with_values(QUERY, {"o": Literal("Tromsø", lang="no")})
    triples = [
        ("http://example.org/no", "http://example.org/p", ox.Literal("Tromsø", language="no")),
        ("http://example.org/en", "http://example.org/p", ox.Literal("Tromsø", language="en")),
        ("http://example.org/plain", "http://example.org/p", ox.Literal("Tromsø")),
    ]
    assert run(sparql, triples) == ["http://example.org/no"]


def test_iris_match_as_iris_not_strings() -> None:
    iri = "http://example.org/x"
    sparql = with_values(QUERY, {"o": URIRef(iri)})
    triples = [
        ("http://example.org/iri", "http://example.org/p", ox.NamedNode(iri)),
        ("http://example.org/str", "http://example.org/p", ox.Literal(iri)),
    ]
    assert run(sparql, triples) == ["http://example.org/iri"]


@pytest.mark.parametrize(
    "iri", ["http://example.org/a b", "http://example.org/a> } ; DROP ALL ; #"]
)
def test_an_iri_that_cannot_be_written_is_a_value_error(iri: str) -> None:
    with pytest.raises(ValueError, match="bind"):
        with_values(QUERY, {"o": URIRef(iri)})


def test_values_after_solution_modifiers_still_parse() -> None:
    sparql = with_values(
        canned("cluster-funding"), {"cluster": URIRef("https://w3id.org/nbkg/id/x")}
    )
    prepareQuery(sparql)


# -- query_form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sparql", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("select*{?s ?p ?o}", "SELECT"),
        ("  \n\tAsk { }", "ASK"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("describe <http://example.org/a>", "DESCRIBE"),
        ("PREFIX x: <http://x/>\nSELECT ?s WHERE { ?s x:p ?o }", "SELECT"),
        ("prefix x: <http://x/>\nprefix : <http://y/>\nask { ?s :p ?o }", "ASK"),
        ("BASE <http://b/>\nPREFIX nbkg: <https://w3id.org/nbkg/def#>\nSELECT * {}", "SELECT"),
        (
            "# a comment\n#+ title: x\nPREFIX x: <http://x/>\n# another\nCONSTRUCT {} WHERE {}",
            "CONSTRUCT",
        ),
        ("INSERT DATA { <a> <b> <c> }", None),
        ("DELETE WHERE { ?s ?p ?o }", None),
        ("PREFIX x: <http://x/>\nINSERT DATA { x:a x:b x:c }", None),
        ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", None),
        ("DROP ALL", None),
        ("LOAD <http://example.org/data.ttl>", None),
        ("# SELECT\nCLEAR ALL", None),
        ("selection", None),
        ("", None),
    ],
)
def test_query_form(sparql: str, form: str | None) -> None:
    assert query_form(sparql) == form


def test_query_form_allows_a_comment_after_a_prefix() -> None:
    assert (
        query_form("PREFIX nbkg: <https://w3id.org/nbkg/def#>  # ontology\nSELECT * {}") == "SELECT"
    )


def test_query_form_agrees_with_rdflib_on_the_canned_queries() -> None:
    for name in CANNED:
        assert query_form(canned(name)) == "SELECT", name


# -- canned queries --------------------------------------------------------------------------


def test_there_are_canned_queries() -> None:
    assert {"cluster-funding", "cluster-members", "triples-per-graph"} <= set(CANNED)


@pytest.mark.parametrize("name", CANNED)
def test_canned_query_parses(name: str) -> None:
    prepareQuery(canned(name))


@pytest.mark.parametrize("name", CANNED)
def test_canned_query_has_a_title(name: str) -> None:
    text = canned(name)
    assert text.startswith("#+ title:")
    assert header(text)["title"][0]


@pytest.mark.parametrize("name", CANNED)
def test_canned_query_params_are_projected(name: str) -> None:
    """A trailing VALUES binds a variable only if the query projects it; otherwise it would
    multiply the rows instead of filtering them."""
    params = [
        line.removeprefix("- name:").strip()
        for line in header(canned(name)).get("params", [])
        if line.startswith("- name:")
    ]
    projected = {str(v) for v in prepareQuery(canned(name)).algebra["PV"]}
    assert set(params) <= projected
    for param in params:
        prepareQuery(with_values(canned(name), {param: URIRef("https://w3id.org/nbkg/id/x")}))


def test_canned_reads_the_file() -> None:
    path = files("nbkg.queries").joinpath("triples-per-graph.rq")
    assert canned("triples-per-graph") == path.read_text(encoding="utf-8")


def test_unknown_canned_query_is_file_not_found() -> None:
    with pytest.raises(FileNotFoundError):
        canned("no-such-query")
