"""What only the remote backend does: endpoints, the Graph Store Protocol and its fallback,
errors from the network and the server, and a whole build over HTTP (``oxigraph serve``)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import platformdirs
import pytest
import requests
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDFS
from server_graphs import EX, numbered, oxigraph_graph_names, oxigraph_stored_graph

import nbkg.graph.remote_store as remote_store
from nbkg.cli import main
from nbkg.graph.build import _stored_digest, bundled_data_dir, discover
from nbkg.graph.namespace import NBKG
from nbkg.graph.remote_dataset import STAGING
from nbkg.graph.remote_store import RemoteStore
from nbkg.graph.store import QueryError, StoreError

pytestmark = pytest.mark.server

G = EX["graph/g"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- endpoints -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query_url", "update_url", "gsp_url"),
    [
        ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        ("http://h/ds/sparql", "http://h/ds/update", "http://h/ds/store"),
        ("http://h/ds/query/", "http://h/ds/update", "http://h/ds/store"),
        (
            "https://h/repositories/kg",
            "https://h/repositories/kg/update",
            "https://h/repositories/kg/store",
        ),
    ],
)
def test_endpoints_are_derived_from_the_query_url(
    query_url: str, update_url: str, gsp_url: str
) -> None:
    store = RemoteStore(query_url)
    assert (store.location, store.update_url, store.gsp_url) == (query_url, update_url, gsp_url)


def test_environment_overrides_the_derived_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBKG_UPDATE_ENDPOINT", "http://elsewhere/statements")
    monkeypatch.setenv("NBKG_GSP_ENDPOINT", "http://elsewhere/rdf-graphs")
    store = RemoteStore("http://h/query")
    assert store.update_url == "http://elsewhere/statements"
    assert store.gsp_url == "http://elsewhere/rdf-graphs"
    given = RemoteStore("http://h/query", update_url="http://a/u", gsp_url="http://a/g")
    assert (given.update_url, given.gsp_url) == ("http://a/u", "http://a/g")


def test_update_goes_to_the_update_endpoint_from_the_environment(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBKG_UPDATE_ENDPOINT", f"{base}/nope")
    store = RemoteStore(f"{base}/query")
    with pytest.raises(QueryError, match="404"):
        store.update(f'INSERT DATA {{ <{EX.a}> <{EX.p}> "x" }}')
    monkeypatch.setenv("NBKG_UPDATE_ENDPOINT", f"{base}/update")
    RemoteStore(f"{base}/query").update(
        f'INSERT DATA {{ GRAPH <{G}> {{ <{EX.a}> <{EX.p}> "x" }} }}'
    )
    assert set(oxigraph_stored_graph(base, G)) == {(EX.a, EX.p, Literal("x"))}


# -- Graph Store Protocol and its fallback -------------------------------------------------


def test_replace_graph_uses_the_graph_store_protocol(base: str) -> None:
    store = RemoteStore(f"{base}/query")
    store.replace_graph(G, numbered(4))
    assert store._gsp is True
    assert set(oxigraph_stored_graph(base, G)) == set(numbered(4))
    assert oxigraph_graph_names(base) == {str(G)}


def test_fallback_to_chunked_insert_data_when_the_store_endpoint_is_missing(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote_store, "CHUNK", 3)
    store = RemoteStore(f"{base}/query", gsp_url=f"{base}/nope")
    assert (
        requests.put(f"{base}/nope", params={"graph": "urn:x"}, data=b"", timeout=10).status_code
        == 404
    )
    sent: list[str] = []
    update = store._update

    def recording(sparql: str, settled: Callable[[], bool] | None = None) -> None:
        sent.append(sparql)
        update(sparql, settled)

    monkeypatch.setattr(store, "_update", recording)
    store.replace_graph(G, numbered(10, "old"))
    assert store._gsp is False
    inserts = [s for s in sent if s.startswith("INSERT DATA")]
    sizes = [sum(line.endswith(" .") for line in s.splitlines()) for s in inserts]
    assert sum(sizes) == 10 and max(sizes) <= 3  # 10 triples, at most 3 per request
    store.replace_graph(G, numbered(8, "new"))
    assert set(oxigraph_stored_graph(base, G)) == set(numbered(8, "new"))
    assert oxigraph_graph_names(base) == {str(G)}
    rows = store.select(f"SELECT ?o WHERE {{ <{EX.s7}> <{EX.p}> ?o }}")
    assert rows == [{"o": Literal("new7")}]


def test_fallback_handles_literals_that_need_escaping(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote_store, "CHUNK", 2)
    store = RemoteStore(f"{base}/query", gsp_url=f"{base}/nope")
    graph = Graph()
    for i, text in enumerate(['x" } ; DROP ALL ; #', "two\nlines", "back\\slash", "Tromsø"]):
        graph.add((EX[f"s{i}"], RDFS.label, Literal(text, lang="en" if i % 2 else None)))
    store.replace_graph(G, graph)
    assert set(oxigraph_stored_graph(base, G)) == set(graph)


def test_fallback_with_an_empty_graph_empties_it(base: str) -> None:
    store = RemoteStore(f"{base}/query", gsp_url=f"{base}/nope")
    store.replace_graph(G, numbered(3))
    store.replace_graph(G, Graph())
    assert len(oxigraph_stored_graph(base, G)) == 0
    assert not any(name.startswith(STAGING) for name in oxigraph_graph_names(base))


def test_fallback_keeps_a_blank_node_whole(base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote_store, "CHUNK", 3)
    store = RemoteStore(f"{base}/query", gsp_url=f"{base}/nope")
    node, graph = BNode(), Graph()
    for i in range(7):
        graph.add((node, EX[f"p{i}"], Literal(i)))
    store.replace_graph(G, graph)
    assert len(set(oxigraph_stored_graph(base, G).subjects())) == 1


# -- read-only -----------------------------------------------------------------------------


def test_read_only_remote_store_refuses_update(base: str) -> None:
    store = RemoteStore(f"{base}/query", read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        store.update(f'INSERT DATA {{ <{EX.a}> <{EX.p}> "x" }}')


def test_read_only_remote_store_refuses_replace_without_writing(base: str) -> None:
    store = RemoteStore(f"{base}/query", read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        store.replace_graph(G, numbered(2))
    assert oxigraph_graph_names(base) == set()


# -- errors ----------------------------------------------------------------------------------


def test_unreachable_server_is_a_store_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    store = RemoteStore(f"{url}/query")
    with pytest.raises(StoreError, match="cannot reach") as caught:
        store.select("SELECT * WHERE { ?s ?p ?o }")
    assert not isinstance(caught.value, QueryError)
    with pytest.raises(StoreError, match="cannot reach"):
        store.update(f'INSERT DATA {{ <{EX.a}> <{EX.p}> "x" }}')
    with pytest.raises(StoreError, match="cannot reach"):
        store.replace_graph(G, numbered(1))


def test_server_error_answer_is_a_query_error(base: str) -> None:
    store = RemoteStore(f"{base}/query")
    with pytest.raises(QueryError) as caught:
        store.query("SELECT ?s WHERE { ?s ?p }")
    assert store.location in str(caught.value)


def test_server_error_answer_names_the_status_code(base: str) -> None:
    store = RemoteStore(f"{base}/query")
    with pytest.raises(QueryError, match="answered 400"):
        store.query("SELECT ?s WHERE { ?s ?p }")


def test_update_error_answer_names_the_status_code(base: str) -> None:
    store = RemoteStore(f"{base}/query")
    with pytest.raises(QueryError, match="answered 400"):
        store.update("INSERT DATA { <a> }")


def test_unknown_query_endpoint_is_a_query_error(base: str) -> None:
    store = RemoteStore(f"{base}/nothing-here/query")
    with pytest.raises(QueryError):
        store.query("SELECT * WHERE { ?s ?p ?o }")


def test_build_finds_the_stored_digest_of_a_graph(base: str) -> None:
    store = RemoteStore(f"{base}/query")
    store.replace_graph(G, Graph().add((G, NBKG.gateDigest, Literal("abc123"))))
    assert _stored_digest(store, G) == "abc123"


# -- end to end ----------------------------------------------------------------------------


@pytest.mark.slow
def test_build_and_query_over_http(
    oxigraph_server: str,
    base: str,
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the build lock of a remote store lives in the user cache dir: keep it in tmp_path
    monkeypatch.setattr(platformdirs, "user_cache_dir", lambda *a, **k: str(tmp_path / "cache"))
    sources = discover(bundled_data_dir())

    built = runner.invoke(main, ["build", "--store", oxigraph_server])
    assert built.exit_code == 0, built.output
    summary = f"{len(sources)} sources: {len(sources)} loaded, 0 unchanged, 0 rejected"
    assert summary in built.output
    assert len(oxigraph_graph_names(base)) == len(sources)

    queried = runner.invoke(
        main,
        [
            "query",
            "--store",
            oxigraph_server,
            "-q",
            "cluster-funding",
            "-p",
            "cluster=id:paper-province",
            "--format",
            "csv",
        ],
    )
    assert queried.exit_code == 0, queried.output
    header, *rows = queried.output.splitlines()
    assert header.startswith("cluster,award,")
    assert rows and all(row.startswith("https://w3id.org/nbkg/id/paper-province,") for row in rows)
    assert any("Tillväxtverket" in row and "500000" in row for row in rows)
