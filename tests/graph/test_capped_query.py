"""The row cap written into a query for a server: only where appending a LIMIT keeps the
query's meaning, one row past the cap so that a cut answer can be told from a whole one."""

from __future__ import annotations

import pytest
from rdflib.plugins.sparql.parser import parseQuery

from nbkg.graph.capped_query import capped
from nbkg.graph.sparql import canned


def limit_of(sparql: str) -> int:
    return int(parseQuery(sparql)[1]["limitoffset"]["limit"])


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s",
        "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(*) > 1)",
        # a comment last: the LIMIT must not land inside it
        "SELECT * WHERE { ?s ?p ?o }  # every triple",
        # a LIMIT in a subquery is the subquery's own
        "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 } ?s ?q ?v }",
        # after an OFFSET, the cap counts the rows that follow it, as the web does
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s OFFSET 20",
        # a SERVICE is parsed, never called (nothing listens on port 9)
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ],
)
def test_a_select_asks_for_one_row_past_the_cap(sparql: str) -> None:
    asked = capped(sparql, 10)
    assert asked is not None
    assert asked.startswith(sparql.rstrip())
    assert limit_of(asked) == 11


def test_every_canned_query_takes_the_cap() -> None:
    """The web's own queries are the ones visitors run most: none is left uncapped."""
    for name in ("cluster-members", "clusters-per-region", "funding-by-funder-year"):
        asked = capped(canned(name), 10_000)
        assert asked is not None, name
        assert limit_of(asked) == 10_001


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 11",
        # a LIMIT before a trailing VALUES is left to the server
        "SELECT * WHERE { ?s ?p ?o } LIMIT 50000 VALUES ?s { <https://example.org/a> }",
        "SELECT * WHERE { ?s ?p ?o } OFFSET 20 LIMIT 5",
        # a LIMIT after a trailing VALUES is a syntax error
        "SELECT * WHERE { ?s ?p ?o } VALUES ?s { <https://example.org/a> }",
        "ASK { ?s ?p ?o }",
        # a LIMIT counts solutions, the cap of a graph counts triples
        "CONSTRUCT WHERE { ?s ?p ?o }",
        "DESCRIBE <https://example.org/a>",
        "SELECT * WHERE { ?s ?p ",
        # a server's own extension, and its predefined prefixes: sent as they are
        "DEFINE input:inference 'rules' SELECT * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s a rdfs:Class }",
    ],
)
def test_a_query_the_limit_would_change_is_left_as_it_is(sparql: str) -> None:
    assert capped(sparql, 10) is None


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        (
            "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 50000",
            "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 11",
        ),
        (
            "SELECT * WHERE { ?s ?p ?o } limit 12  # one more than the cap",
            "SELECT * WHERE { ?s ?p ?o } limit 11  # one more than the cap",
        ),
        # the rows after the OFFSET are what the cap counts
        (
            "SELECT * WHERE { ?s ?p ?o } OFFSET 20 LIMIT 1000000",
            "SELECT * WHERE { ?s ?p ?o } OFFSET 20 LIMIT 11",
        ),
        (
            "SELECT * WHERE { ?s ?p ?o } LIMIT 1000000 OFFSET 20",
            "SELECT * WHERE { ?s ?p ?o } LIMIT 11 OFFSET 20",
        ),
        # only the outer query's: the subquery keeps its own
        (
            "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 500 } } LIMIT 400",
            "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 500 } } LIMIT 11",
        ),
    ],
)
def test_a_limit_above_the_cap_is_lowered_to_it(sparql: str, expected: str) -> None:
    """The visitor is shown the cap's rows either way; the server need not make the rest."""
    assert capped(sparql, 10) == expected


@pytest.mark.parametrize(
    "sparql",
    [
        # the words in a string or comment are no LIMIT
        'SELECT * WHERE { ?s ?p "LIMIT 50000" }',
        "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 50000 } }",
    ],
)
def test_a_limit_that_is_not_the_query_s_own_is_kept(sparql: str) -> None:
    asked = capped(sparql, 10)
    assert asked is not None and asked.startswith(sparql)
    assert limit_of(asked) == 11


def test_many_brackets_side_by_side_are_no_nesting() -> None:
    """A long VALUES table of pairs opens thousands of brackets, one level deep."""
    rows = " ".join(f"(<https://example.org/{i}> {i})" for i in range(3000))
    sparql = f"SELECT * WHERE {{ VALUES (?s ?n) {{ {rows} }} ?s ?p ?o }}"
    asked = capped(sparql, 10)
    assert asked is not None
    assert limit_of(asked) == 11


@pytest.mark.parametrize("opening", ["{ ", "OPTIONAL { ", "FILTER ("])
def test_deep_nesting_is_left_to_the_server(opening: str) -> None:
    """Oxigraph's parser would end the process (3,000 nested groups did here)."""
    closing = " }" if "{" in opening else ")"
    inner = "?s ?p ?o" if "{" in opening else "true"
    prefix = "SELECT * WHERE { ?s ?p ?o " if "(" in opening else "SELECT * WHERE "
    suffix = " }" if "(" in opening else ""
    sparql = prefix + opening * 5000 + inner + closing * 5000 + suffix
    assert capped(sparql, 10) is None
