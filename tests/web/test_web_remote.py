"""The front end over a remote SPARQL server (a real ``oxigraph serve``), not the
embedded store: the same pages and endpoint, through the store interface."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from nbkg.graph.build import build, bundled_data_dir
from nbkg.graph.remote_store import RemoteStore
from nbkg.web import create_app

pytestmark = pytest.mark.server


@pytest.fixture
def remote_client(oxigraph_server: str) -> Iterator[FlaskClient]:
    with RemoteStore(oxigraph_server) as store:
        reports = build(store, bundled_data_dir())
    assert all(r.ok for r in reports)
    app = create_app({"TESTING": True, "STORE": oxigraph_server, "QUERY_WORKERS": 1})
    try:
        yield app.test_client()
    finally:
        app.extensions["nbkg"].close()


def test_pages_and_endpoint_work_over_a_remote_store(remote_client: FlaskClient) -> None:
    query = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <https://w3id.org/nbkg/def#Cluster> }"
    response = remote_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"]) > 50
    graphs = remote_client.get(
        "/sparql", query_string={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}
    )
    assert len(json.loads(graphs.data)["results"]["bindings"]) > 5
    page = remote_client.get("/page/paper-province")
    assert page.status_code == 200 and b'href="/page/billerud"' in page.data
    turtle = remote_client.get("/id/paper-province", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 303
    assert remote_client.get(turtle.headers["Location"]).status_code == 200
    assert remote_client.get("/id/no-such-thing").status_code == 404
