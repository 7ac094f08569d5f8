"""Retries and batches of the remote backend against a real ``oxigraph serve``: requests that
fail once are tried again, answers that were lost do not double the data, and a load that
fails for good leaves the previous version of the graph and no staging graph."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic
from server_graphs import EX, numbered, oxigraph_graph_names, oxigraph_stored_graph

from nbkg.graph.remote_store import RemoteStore
from nbkg.graph.store import QueryError, StoreError

pytestmark = pytest.mark.server

G = EX["graph/g"]


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A local HTTP server answering with ``handler`` in a thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def flaky(base: str) -> Iterator[tuple[str, list[str]]]:
    """A proxy in front of the server that answers every third request 503 (the first one
    too); yields its base URL and a log of what it refused and passed."""
    log: list[str] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _relay(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                refuse = len(log) % 3 == 0
                log.append(f"{'503' if refuse else 'ok'} {self.command} {self.path}")
            if refuse:
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() in _RELAYED}
            answer = requests.request(
                self.command, base + self.path, data=body, headers=headers, timeout=30
            )
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() in _RELAYED:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PUT = do_DELETE = _relay  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as base_url:
        yield base_url, log


_RELAYED = {"content-type", "accept"}


def with_blank_nodes(count: int, tag: str = "v") -> Graph:
    graph = numbered(count, tag)
    node = BNode()
    graph.add((EX.a, EX.address, node))
    graph.add((node, EX.town, Literal(f"{tag}-Tromsø")))
    graph.add((node, EX.street, Literal(f"{tag}-Storgata")))
    return graph


def store_on(base: str, protocol: str, **settings: object) -> RemoteStore:
    gsp = None if protocol == "gsp" else f"{base}/nope"
    settings = {"chunk": 3, "gsp_chunk": 3, "backoff": 0, **settings}
    return RemoteStore(f"{base}/query", gsp_url=gsp, **settings)  # type: ignore[arg-type]


def intercept(
    store: RemoteStore,
    monkeypatch: pytest.MonkeyPatch,
    fault: Callable[[int, str, str, dict], requests.Response | Exception | None],
) -> list[str]:
    """Route the store's requests through ``fault(n, method, url, kwargs)``: a response or
    an exception stands in for the server's answer; None sends the request."""
    request, sent = store._session.request, []

    def faulty(method: str, url: str, **kwargs: object) -> requests.Response:
        sent.append(f"{method} {url}")
        outcome = fault(len(sent), method, url, kwargs)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome if outcome is not None else request(method, url, **kwargs)

    monkeypatch.setattr(store._session, "request", faulty)
    return sent


def answer(status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = b"busy"
    return response


def is_batch(method: str, kwargs: dict) -> bool:
    """A request that carries triples to the staging graph (not its first)."""
    data = kwargs.get("data") or b""
    return method == "POST" and (
        "graph" in (kwargs.get("params") or {}) or data.startswith(b"INSERT DATA")
    )


# -- batches ---------------------------------------------------------------------------------


def test_a_large_graph_travels_as_one_put_and_further_posts(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_on(base, "gsp")
    sent = intercept(store, monkeypatch, lambda *a: None)
    store.replace_graph(G, with_blank_nodes(10))
    methods = [line.split()[0] for line in sent if "/store" in line]
    assert methods == ["PUT", "POST", "POST", "POST", "POST"]  # 2 with the node, then 3+3+3+1
    assert isomorphic(oxigraph_stored_graph(base, G), with_blank_nodes(10))
    assert oxigraph_graph_names(base) == {str(G)}


# -- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["gsp", "insert-data"])
def test_a_flaky_proxy_still_loads_the_whole_graph(
    base: str, flaky: tuple[str, list[str]], protocol: str
) -> None:
    proxy, log = flaky
    store = store_on(proxy, protocol)
    store.replace_graph(G, with_blank_nodes(8, "old"))
    store.replace_graph(G, with_blank_nodes(10, "new"))
    assert isomorphic(oxigraph_stored_graph(base, G), with_blank_nodes(10, "new"))
    assert oxigraph_graph_names(base) == {str(G)}
    assert sum(line.startswith("503") for line in log) >= 5
    rows = store.select(f"SELECT ?o WHERE {{ <{EX.s9}> <{EX.p}> ?o }}")  # queries retry too
    assert rows == [{"o": Literal("new9")}]


@pytest.mark.parametrize("failure", ["connection", 500, 502, 503, 504, 429])
def test_the_first_attempt_of_each_request_may_fail(
    base: str, monkeypatch: pytest.MonkeyPatch, failure: str | int
) -> None:
    store = store_on(base, "gsp")
    seen: set[str] = set()

    def first_fails(n: int, method: str, url: str, kwargs: dict) -> object:
        key = f"{method} {url} {kwargs.get('data')!r}"
        if key in seen:
            return None
        seen.add(key)
        return requests.ConnectionError("reset") if failure == "connection" else answer(failure)

    sent = intercept(store, monkeypatch, first_fails)
    store.replace_graph(G, numbered(10))
    assert set(oxigraph_stored_graph(base, G)) == set(numbered(10))
    assert oxigraph_graph_names(base) == {str(G)}
    assert len(sent) == 2 * len(seen)


def test_a_4xx_answer_is_not_retried(base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_on(base, "gsp", retries=3)
    sent = intercept(store, monkeypatch, lambda n, *a: answer(400) if n == 2 else None)
    with pytest.raises(StoreError, match="answered 400"):
        store.replace_graph(G, numbered(10))
    assert len([line for line in sent if "/store" in line]) == 2  # PUT, one POST, no retry


@pytest.mark.parametrize("protocol", ["gsp", "insert-data"])
@pytest.mark.parametrize("failure", ["connection", 503])
def test_a_permanent_failure_mid_load_keeps_the_previous_version(
    base: str, monkeypatch: pytest.MonkeyPatch, protocol: str, failure: str | int
) -> None:
    store = store_on(base, protocol, retries=2)
    store.replace_graph(G, with_blank_nodes(9, "old"))
    batches = 0

    def third_batch_never_arrives(n: int, method: str, url: str, kwargs: dict) -> object:
        nonlocal batches
        if not is_batch(method, kwargs):
            return None
        batches += 1
        if batches < 3:
            return None
        return requests.ConnectionError("down") if failure == "connection" else answer(503)

    intercept(store, monkeypatch, third_batch_never_arrives)
    with pytest.raises(StoreError) as caught:
        store.replace_graph(G, with_blank_nodes(9, "new"))
    assert base.removeprefix("http://") in str(caught.value)  # names the server
    assert "tried 3 times" in str(caught.value)
    assert batches == 2 + 3  # two batches through, the third tried 1 + 2 times
    assert isomorphic(oxigraph_stored_graph(base, G), with_blank_nodes(9, "old"))
    assert oxigraph_graph_names(base) == {str(G)}  # no staging graph left


def test_retries_are_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    store = RemoteStore("http://127.0.0.1:9/query", retries=1, backoff=0.01)
    assert (store.retries, store.backoff) == (1, 0.01)
    sent = intercept(store, monkeypatch, lambda *a: requests.ConnectionError("refused"))
    with pytest.raises(StoreError, match="cannot reach .*tried 2 times"):
        store.replace_graph(G, with_blank_nodes(1, "x"))
    assert [line.split()[0] for line in sent] == ["PUT", "PUT", "POST"]  # 1 + 1 tries, a DROP


# -- answers that were lost ------------------------------------------------------------------


def test_a_lost_answer_to_move_is_no_failure(base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_on(base, "gsp", retries=2)
    store.replace_graph(G, numbered(4, "old"))
    request = store._session.request

    def move_then_hang_up(n: int, method: str, url: str, kwargs: dict) -> object:
        if (kwargs.get("data") or b"").startswith(b"MOVE") and n <= 3:
            request(method, url, **kwargs)  # the server moves the graph...
            return requests.ConnectionError("...and the answer is lost")
        return None

    sent = intercept(store, monkeypatch, move_then_hang_up)
    store.replace_graph(G, numbered(6, "new"))
    assert set(oxigraph_stored_graph(base, G)) == set(numbered(6, "new"))
    assert oxigraph_graph_names(base) == {str(G)}
    assert sum("/update" in line for line in sent) == 1  # MOVE once: the retry saw it done


def test_a_lost_answer_does_not_double_blank_nodes(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_on(base, "insert-data", retries=2)
    request, lost = store._session.request, []

    def insert_then_hang_up(n: int, method: str, url: str, kwargs: dict) -> object:
        if (kwargs.get("data") or b"").startswith(b"INSERT {") and not lost:
            lost.append(n)
            request(method, url, **kwargs)  # the blank nodes arrive...
            return requests.ConnectionError("...and the answer is lost")
        return None

    intercept(store, monkeypatch, insert_then_hang_up)
    store.replace_graph(G, with_blank_nodes(5))
    assert lost
    held = oxigraph_stored_graph(base, G)
    assert isomorphic(held, with_blank_nodes(5))
    assert len([s for s in held.subjects() if isinstance(s, BNode)]) == 2
    assert oxigraph_graph_names(base) == {str(G)}


@pytest.fixture
def many_headers() -> Iterator[str]:
    """A server whose every answer carries 150 headers (Virtuoso echoes a header for each
    graph of the dataset); yields its query URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'{"head": {"vars": ["g"]}, "results": {"bindings": []}}'
            self.send_response(200)
            for number in range(150):
                self.send_header("X-SPARQL-default-graph", f"urn:g{number}")
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as base_url:
        yield f"{base_url}/sparql"


def test_an_unreadable_answer_is_a_query_error_naming_the_server(many_headers: str) -> None:
    """Not a traceback from deep inside the HTTP client, and not tried again."""
    store = RemoteStore(many_headers, retries=2, backoff=0)
    with pytest.raises(QueryError, match="unreadable answer.*more than 100 headers") as caught:
        store.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert many_headers in str(caught.value)
