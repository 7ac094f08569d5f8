"""Content negotiation as pure functions: remembered answers equal fresh ones, and the
query form is found once, by the protocol check, for the view to choose its formats."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from nbkg.web import negotiation
from nbkg.web.protocol import check

ACCEPT_HEADERS = [
    "*/*",
    "application/sparql-results+json, text/turtle;q=0.9",
    "text/csv;q=0.5, application/sparql-results+xml",
    "application/*;q=0.3, text/*",
    "application/ld+json;q=0, */*",
    "text/plain",
    "image/png",
    "text/html",
    ",".join(["text/csv"] * 100),  # too long to be remembered
]


@pytest.mark.parametrize("header", ACCEPT_HEADERS)
@pytest.mark.parametrize("choices", [negotiation.RESULT_CHOICES, negotiation.GRAPH_CHOICES])
def test_a_remembered_answer_is_the_fresh_one(header: str, choices: tuple[str, ...]) -> None:
    accept = parse_accept_header(header, MIMEAccept)
    fresh = negotiation._best(tuple(accept), choices)
    for _ in range(2):  # the second time comes from the cache, if the header is short
        try:
            found: str | None = negotiation.negotiate(accept, choices)
        except negotiation.NotAcceptableError:
            found = None
        assert found == fresh


def test_long_headers_are_not_remembered() -> None:
    accept = parse_accept_header(",".join(["text/csv"] * 100), MIMEAccept)
    before = negotiation._best_cached.cache_info().currsize
    assert negotiation.negotiate(accept, negotiation.RESULT_CHOICES) == "csv"
    assert negotiation._best_cached.cache_info().currsize == before


@pytest.mark.parametrize(
    ("sparql", "form"),
    [
        ("PREFIX x: <http://x/>\n# c\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://x/a>", "DESCRIBE"),
        ("ASK {}", "ASK"),
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("NOT SPARQL", None),  # the engine says what is wrong with it
    ],
)
def test_check_gives_the_query_form(sparql: str, form: str | None) -> None:
    assert check(sparql, 65536) == form
