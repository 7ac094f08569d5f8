"""Real clients against a real `nbkg serve`: SPARQLWrapper, rdflib's SPARQLStore, and 50
concurrent `requests` clients, over HTTP to waitress on a free localhost port."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import socket
import subprocess
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    POST,
    POSTDIRECTLY,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from nbkg.cli import main

pytestmark = pytest.mark.server

SELECT = "SELECT ?s ?t WHERE { ?s a ?t } ORDER BY ?s ?t LIMIT 5"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def wrapper(served: str, sparql: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{served}/sparql")
    client.setQuery(sparql)
    client.setReturnFormat(fmt)
    return client


# -- SPARQLWrapper ---------------------------------------------------------------------------


def test_sparqlwrapper_json(served: str) -> None:
    result = wrapper(served, SELECT, JSON).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    data = result.convert()
    assert data["head"]["vars"] == ["s", "t"]
    assert len(data["results"]["bindings"]) == 5


def test_sparqlwrapper_xml(served: str) -> None:
    document = wrapper(served, SELECT, XML).query().convert()  # a minidom Document
    assert len(document.getElementsByTagName("result")) == 5


def test_sparqlwrapper_csv_and_tsv(served: str) -> None:
    rows = list(csv.reader(io.StringIO(wrapper(served, SELECT, CSV).query().convert().decode())))
    assert rows[0] == ["s", "t"] and len(rows) == 6
    lines = wrapper(served, SELECT, TSV).query().convert().decode().splitlines()
    assert lines[0] == "?s\t?t" and len(lines) == 6


@pytest.mark.parametrize("request_method", [URLENCODED, POSTDIRECTLY])
def test_sparqlwrapper_post(served: str, request_method: str) -> None:
    client = wrapper(served, "ASK { ?s ?p ?o }", JSON)
    client.setMethod(POST)
    client.setRequestMethod(request_method)
    assert client.query().convert() == {"head": {}, "boolean": True}


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_sparqlwrapper_construct(served: str) -> None:
    sparql = "CONSTRUCT WHERE { ?s a ?t } LIMIT 5"
    # SPARQLWrapper's default for a CONSTRUCT is XML, sent as format=xml: RDF/XML comes back
    graph = wrapper(served, sparql, XML).query().convert()
    assert len(graph) == 5
    turtle = wrapper(served, sparql, TURTLE).query().convert()
    assert len(Graph().parse(data=turtle, format="turtle")) == 5


def test_sparqlwrapper_reports_a_syntax_error(served: str) -> None:
    with pytest.raises(QueryBadFormed, match=r"1:\d+"):
        wrapper(served, "SELECT * WHERE { ?s ?p }", JSON).query()


# -- rdflib's SPARQLStore --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(served: str, method: str) -> None:
    store = SPARQLStore(f"{served}/sparql", method=method)
    try:
        rows = list(store.query(SELECT))
        assert len(rows) == 5
        assert store.query("ASK { ?s ?p ?o }").askAnswer is True
        assert len(store.query("CONSTRUCT WHERE { ?s a ?t } LIMIT 5").graph) == 5
        graphs = list(store.contexts())
        assert len(graphs) > 1
    finally:
        store.close()


def test_rdflib_graph_over_the_endpoint(served: str) -> None:
    store = SPARQLStore(f"{served}/sparql")
    try:
        graph = Graph(store=store)
        (first,) = store.query("SELECT ?s WHERE { ?s a ?t FILTER isIRI(?s) } LIMIT 1")
        subject = first[0]
        assert len(list(graph.triples((subject, None, None)))) > 0
        count = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))[0])
        assert len(store) == count  # the union default graph, as a set
        with pytest.raises(TypeError):  # rdflib refuses to write through a SPARQLStore
            graph.add((subject, subject, subject))
    finally:
        store.close()


# -- load and limits over HTTP -----------------------------------------------------------------

#: Cheap queries: the point is many clients at once, not the engine's speed.
QUICK_SELECT = "SELECT ?s ?t WHERE { ?s a ?t } LIMIT 5"
QUICK_CONSTRUCT = "CONSTRUCT WHERE { ?s a ?t } LIMIT 5"
FORMATS = [
    ("application/sparql-results+json", QUICK_SELECT),
    ("application/sparql-results+xml", QUICK_SELECT),
    ("text/csv", QUICK_SELECT),
    ("text/tab-separated-values", QUICK_SELECT),
    ("text/turtle", QUICK_CONSTRUCT),
    ("application/n-triples", QUICK_CONSTRUCT),
]


def _one_client(served: str, number: int) -> tuple[int, str, int | None]:
    accept, sparql = FORMATS[number % len(FORMATS)]
    with requests.Session() as session:
        if number % 2:
            response = session.post(
                f"{served}/sparql", data={"query": sparql}, headers={"Accept": accept}, timeout=30
            )
        else:
            response = session.get(
                f"{served}/sparql", params={"query": sparql}, headers={"Accept": accept}, timeout=30
            )
        body = response.content
    content_type = response.headers.get("Content-Type", "")
    if response.status_code != 200:
        return response.status_code, content_type, None
    size: int | None = None  # the rows the document holds, read by a parser
    if accept.endswith("json"):
        size = len(json.loads(body)["results"]["bindings"])
    elif accept.endswith("xml"):
        size = len(ET.fromstring(body).findall(f"{SRX}results/{SRX}result"))
    elif accept in ("text/csv", "text/tab-separated-values"):
        size = len(body.decode("utf-8").splitlines()) - 1
    elif accept == "application/n-triples":
        size = len(body.decode("utf-8").splitlines())
    else:
        size = len(Graph().parse(data=body.decode("utf-8"), format="turtle"))
    return response.status_code, content_type, size


def test_fifty_concurrent_clients_while_a_slow_query_runs(
    served: str, served_settings: dict[str, str]
) -> None:
    timeout = float(served_settings["NBKG_QUERY_TIMEOUT"])
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with ThreadPoolExecutor(max_workers=51) as pool:
        slow = pool.submit(requests.get, f"{served}/sparql", params={"query": endless}, timeout=60)
        time.sleep(0.2)
        started = time.monotonic()
        results = list(pool.map(lambda n: _one_client(served, n), range(50)))
        elapsed = time.monotonic() - started
        stopped = slow.result()
    assert [status for status, _, _ in results] == [200] * 50, results
    for (_, content_type, size), n in zip(results, range(50), strict=True):
        accept = FORMATS[n % len(FORMATS)][0]
        assert content_type == f"{accept}; charset=utf-8"
        assert size == 5, (accept, size)
    assert elapsed < timeout + 10
    assert stopped.status_code == 503
    assert stopped.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "NBKG-Rows" not in stopped.headers


def test_row_cap_over_http(served: str, served_settings: dict[str, str]) -> None:
    cap = int(served_settings["NBKG_ROW_CAP"])
    response = requests.get(
        f"{served}/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["NBKG-Row-Cap"] == str(cap)
    assert response.headers["NBKG-Rows"] == str(cap)
    assert response.headers["NBKG-Truncated"] == "true"
    assert len(list(csv.reader(io.StringIO(response.text)))) == cap + 1


def test_the_server_survives_hostile_requests(served: str) -> None:
    url = f"{served}/sparql"
    attempts = [
        requests.get(url, params={"query": "SELECT * { <script>x</script> }"}, timeout=10),
        requests.get(url, params={"query": SELECT}, headers={"Accept": "garbage;;;"}, timeout=10),
        requests.get(url, params={"query": SELECT, "format": "nonsense"}, timeout=10),
        requests.post(
            url,
            data=b"ASK {\xff}",
            headers={"Content-Type": "application/sparql-query"},
            timeout=10,
        ),
        requests.post(
            url, data=b"ASK {}", headers={"Content-Type": "application/json"}, timeout=10
        ),
        requests.get(f"{url}?query=ASK%7B%7D&query=ASK%7B%7D", timeout=10),
        requests.post(
            url,
            data=b"ASK {}" + b" " * 300_000,
            headers={"Content-Type": "application/sparql-query"},
            timeout=10,
        ),
        requests.post(url, data={"update": "DROP ALL"}, timeout=10),
    ]
    for response in attempts:
        assert 400 <= response.status_code < 500, response.status_code
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    # bytes that are no HTTP at all
    with socket.create_connection(("127.0.0.1", int(served.rsplit(":", 1)[1])), timeout=10) as raw:
        raw.sendall(b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
        with contextlib.suppress(OSError):
            raw.recv(1024)
    response = requests.get(url, params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_curl_gets_turtle_for_an_entity_iri(served: str) -> None:
    """What a registry does: dereference the IRI with curl, following the 303."""
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    done = subprocess.run(
        [curl, "-sS", "-L", "-H", "Accept: text/turtle", "-w", "\\n%{content_type} %{http_code}",
         f"{served}/id/paper-province"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    body, _, meta = done.stdout.rpartition("\n")
    assert meta == "text/turtle; charset=utf-8 200"
    graph = Graph().parse(data=body, format="turtle")
    assert (None, None, None) in graph and len(graph) > 20


def test_a_served_store_refuses_a_build_and_keeps_answering(served: str, served_home: Path) -> None:
    """`nbkg build` on the store `nbkg serve` reads would change files under its readers."""
    result = CliRunner().invoke(
        main, ["build", "--store", str(served_home / "store"), "--no-release"]
    )
    assert result.exit_code == 1
    assert "nbkg serve" in result.output
    answer = requests.get(f"{served}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    assert answer.json()["boolean"] is True
