"""The remote backend against a real Virtuoso (Debian's virtuoso-opensource 7.2): its
endpoints (updates at /sparql, the Graph Store Protocol at /sparql-graph-crud), atomic graph
replacement, and a whole build whose canned queries answer as the embedded store does."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import platformdirs
import pytest
import requests
import server_graphs
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, XSD
from server_graphs import EX, numbered
from test_parity import MOMENTS, _unordered

from nbkg.cli import main
from nbkg.graph.build import bundled_data_dir, discover
from nbkg.graph.catalogue import catalogue
from nbkg.graph.remote_dataset import STAGING, SYSTEM_GRAPHS
from nbkg.graph.remote_store import RemoteStore
from nbkg.graph.remote_union import UNION
from nbkg.graph.store import StoreError, open_store

pytestmark = pytest.mark.server

G = EX["graph/g"]
QUERY_DIR = Path(__file__).parents[2] / "queries"
QUERIES = sorted(p.stem for p in QUERY_DIR.glob("*.rq"))


@pytest.fixture
def url(virtuoso_server: str) -> str:
    """The shared Virtuoso, emptied of every graph but its own before the test."""
    return emptied(virtuoso_server)


def emptied(url: str) -> str:
    for name in graph_names(url) | {UNION}:
        if not name.startswith(SYSTEM_GRAPHS):
            sparql_update(url, f"DROP SILENT GRAPH <{name}>")
    return url


def sparql_update(url: str, sparql: str) -> None:
    response = requests.post(
        url, data=sparql.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    response.raise_for_status()


def graph_names(url: str) -> set[str]:
    return server_graphs.graph_names(url, timeout=30)


def own_graphs(url: str) -> set[str]:
    return {name for name in graph_names(url) if not name.startswith(SYSTEM_GRAPHS)}


def server_graph(url: str, iri: URIRef) -> Graph:
    """One named graph as the server holds it, asked directly."""
    response = requests.post(
        url,
        data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    response.raise_for_status()
    return Graph().parse(data=response.content, format="nt")


def varied() -> Graph:
    """Blank nodes shared between triples, languages, datatypes, text that needs escaping."""
    graph = numbered(5)
    first, second = BNode(), BNode()
    graph.add((EX.a, EX.address, first))
    graph.add((first, EX.street, Literal("Storgata 1")))
    graph.add((first, EX.town, Literal("Tromsø", lang="no")))
    graph.add((first, EX.next, second))
    graph.add((second, EX.town, Literal("Umeå", lang="sv")))
    graph.add((EX.a, EX.amount, Literal("500000", datatype=XSD.integer)))
    graph.add((EX.a, EX.when, Literal("2021-03-04", datatype=XSD.date)))
    for i, text in enumerate(['x" } ; DROP ALL ; #', "two\nlines", "back\\slash"]):
        graph.add((EX[f"t{i}"], RDFS.label, Literal(text)))
    return graph


# -- endpoints -------------------------------------------------------------------------------


def test_virtuoso_endpoints_are_found(url: str) -> None:
    store = RemoteStore(url)
    store.replace_graph(G, numbered(3))
    assert store.update_url == url  # /update is missing: updates go to /sparql
    assert store._gsp is True
    assert store.gsp_url.endswith("/sparql-graph-crud")
    assert set(server_graph(url, G)) == set(numbered(3))
    assert store.graphs() == [G]  # Virtuoso's own graphs are not the store's


# -- replacing graphs ------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["gsp", "insert-data"])
def test_replace_graph_then_query_back(url: str, protocol: str) -> None:
    gsp = None if protocol == "gsp" else url.replace("/sparql", "/nope")
    store = RemoteStore(url, gsp_url=gsp, chunk=4, gsp_chunk=4)
    graph = varied()
    store.replace_graph(G, graph)
    assert store._gsp is (protocol == "gsp")
    held = server_graph(url, G)
    assert isomorphic(held, graph)
    assert len({s for s in held.subjects() if isinstance(s, BNode)}) == 2  # kept together
    back = Graph().parse(
        data=store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}", "nt"),
        format="nt",
    )
    assert isomorphic(back, graph)
    rows = store.select(f"SELECT ?town WHERE {{ <{EX.a}> <{EX.address}> [ <{EX.town}> ?town ] }}")
    assert rows == [{"town": Literal("Tromsø", lang="no")}]
    assert store.select(f"SELECT ?n WHERE {{ <{EX.a}> <{EX.amount}> ?n }}") == [
        {"n": Literal(500000)}
    ]


@pytest.mark.parametrize("protocol", ["gsp", "insert-data"])
def test_replacing_twice_leaves_only_the_new_version(url: str, protocol: str) -> None:
    gsp = None if protocol == "gsp" else url.replace("/sparql", "/nope")
    store = RemoteStore(url, gsp_url=gsp, chunk=3, gsp_chunk=3)
    store.replace_graph(G, numbered(10, "old"))
    store.replace_graph(G, numbered(7, "new"))
    assert set(server_graph(url, G)) == set(numbered(7, "new"))
    assert own_graphs(url) == {str(G)}
    store.replace_graph(G, Graph())
    assert len(server_graph(url, G)) == 0
    assert own_graphs(url) == set()


@pytest.mark.parametrize("protocol", ["gsp", "insert-data"])
def test_the_union_graph_follows_each_replacement(url: str, protocol: str) -> None:
    gsp = None if protocol == "gsp" else url.replace("/sparql", "/nope")
    store = RemoteStore(url, gsp_url=gsp, chunk=4, gsp_chunk=4)
    shared = (EX.shared, EX.p, Literal("in both"))
    first, other = varied(), numbered(2, "w")
    first.add(shared)
    other.add(shared)
    store.replace_graph(G, first)
    store.replace_graph(EX["graph/other"], other)
    store.replace_graph(G, varied())  # without the shared triple, with new blank nodes
    union = server_graph(url, URIRef(UNION))
    assert len(union) == len(varied()) + 3  # blank nodes once, the shared triple once
    assert isomorphic(union, varied() + other)
    rows = store.select(f"SELECT ?town WHERE {{ <{EX.a}> <{EX.address}> [ <{EX.town}> ?town ] }}")
    assert rows == [{"town": Literal("Tromsø", lang="no")}]
    store.replace_graph(EX["graph/other"], numbered(2, "w"))
    assert not store.ask(f"ASK {{ <{EX.shared}> ?p ?o }}")
    assert isomorphic(server_graph(url, URIRef(UNION)), varied() + numbered(2, "w"))


@pytest.mark.parametrize("protocol", ["gsp", "insert-data"])
@pytest.mark.parametrize("failing", [2, 3])
def test_failure_mid_load_keeps_the_previous_version(
    url: str, protocol: str, failing: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    gsp = None if protocol == "gsp" else url.replace("/sparql", "/nope")
    store = RemoteStore(url, gsp_url=gsp, chunk=3, gsp_chunk=3, retries=0, backoff=0)
    store.replace_graph(G, numbered(9, "old"))
    request, sent = store._session.request, []

    def faulty(method: str, address: str, **kwargs: object) -> requests.Response:
        sent.append(method)
        if len(sent) == failing:  # a request of the upload, not its first
            raise requests.ConnectionError("injected fault")
        return request(method, address, **kwargs)

    monkeypatch.setattr(store._session, "request", faulty)
    with pytest.raises(StoreError, match="127.0.0.1"):
        store.replace_graph(G, numbered(9, "new"))
    assert set(server_graph(url, G)) == set(numbered(9, "old"))
    assert own_graphs(url) == {str(G)}  # no staging graph left
    assert not any(name.startswith(STAGING) for name in graph_names(url))


# -- graphs bigger than one Virtuoso transaction ---------------------------------------------


@pytest.fixture
def small_log(small_log_virtuoso: str) -> str:
    return emptied(small_log_virtuoso)


def union_size(url: str) -> int:
    return len(server_graph(url, URIRef(UNION)))


def test_the_union_graph_takes_graphs_past_the_transaction_limit(small_log: str) -> None:
    """Copying 4,000 triples in one transaction passes this server's limit (a test below
    shows it), as millions do Virtuoso's default one. The union graph is written without
    the log, so a first load passes; replacing the graph is one transaction (the previous
    version stays if it fails), which the operator's limit must hold, and the error says so."""
    store = RemoteStore(small_log, chunk=200, gsp_chunk=200, retries=0, backoff=0)
    store.replace_graph(G, numbered(4000, "old"))
    assert union_size(small_log) == 4000
    store.update(f'INSERT DATA {{ GRAPH <{EX["graph/other"]}> {{ <{EX.x}> <{EX.p}> "x" }} }}')
    assert union_size(small_log) == 4001
    with pytest.raises(StoreError, match="raise TransactionAfterImageLimit"):
        store.replace_graph(G, numbered(4000, "new"))
    assert set(server_graph(small_log, G)) == set(numbered(4000, "old"))
    assert UNION not in graph_names(small_log)  # it may be half-written: dropped
    assert len(store.select(f"SELECT ?o WHERE {{ ?s <{EX.p}> ?o }}")) == 4001


def test_a_store_loaded_by_other_means_gets_its_union_graph_past_the_limit(
    small_log: str,
) -> None:
    for part in range(0, 4000, 200):
        body = "\n".join(f'<{EX[f"s{i}"]}> <{EX.p}> "v{i}" .' for i in range(part, part + 200))
        sparql_update(small_log, f"INSERT DATA {{ GRAPH <{G}> {{ {body} }} }}")
    with pytest.raises(requests.HTTPError):  # what a plain copy meets on this server
        sparql_update(
            small_log,
            f"INSERT {{ GRAPH <urn:copy> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}",
        )
    store = RemoteStore(small_log)
    store.fill_union()
    assert union_size(small_log) == 4000
    assert len(store.select(f"SELECT ?s WHERE {{ ?s <{EX.p}> ?o }}")) == 4000


def test_a_failed_union_write_drops_the_union_graph(
    small_log: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Virtuoso writes the union graph without its transaction log, so a write that fails
    may leave it half done: the store drops it, and queries name each graph instead."""
    store = RemoteStore(small_log, chunk=200, gsp_chunk=200, retries=0, backoff=0)
    store.replace_graph(G, numbered(300, "old"))
    request = store._session.request

    def no_move(method: str, address: str, **kwargs: object) -> requests.Response:
        if b"MOVE" in (kwargs.get("data") or b""):
            raise requests.ConnectionError("injected fault")
        return request(method, address, **kwargs)

    monkeypatch.setattr(store._session, "request", no_move)
    with pytest.raises(StoreError):
        store.replace_graph(G, numbered(300, "new"))
    assert UNION not in graph_names(small_log)
    assert set(server_graph(small_log, G)) == set(numbered(300, "old"))
    assert len(store.select(f"SELECT ?o WHERE {{ ?s <{EX.p}> ?o }}")) == 300


# -- answers --------------------------------------------------------------------------------


def test_answers_are_written_as_for_every_other_store(url: str) -> None:
    """Virtuoso's own JSON has ``typed-literal``, booleans as 1/0 and blank nodes named
    ``nodeID://…``; its CSV quotes every field. The store's answers have none of that."""
    store = RemoteStore(url)
    graph = Graph()
    node = BNode()
    graph.add((node, EX.flag, Literal(True)))
    graph.add((node, EX["count"], Literal(3)))
    graph.add((node, EX.name, Literal("plain")))
    store.replace_graph(G, graph)
    sparql = (
        f"SELECT ?s ?flag ?count ?name WHERE {{ ?s <{EX.flag}> ?flag ; "
        f"<{EX['count']}> ?count ; <{EX.name}> ?name }}"
    )
    header, row = store.query(sparql, "csv").decode().splitlines()
    assert header == "s,flag,count,name"
    label, *values = row.split(",")
    assert label.startswith("_:") and values == ["true", "3", "plain"]
    (bindings,) = json.loads(store.query(sparql, "json"))["results"]["bindings"]
    assert {term["type"] for term in bindings.values()} == {"bnode", "literal"}
    assert "datatype" not in bindings["name"]
    assert store.select(sparql) == [
        {
            "s": store.select(sparql)[0]["s"],
            "flag": Literal(True),
            "count": Literal(3),
            "name": Literal("plain"),
        }
    ]
    assert store.ask(f"ASK {{ ?s <{EX.flag}> true }}")


def test_bindings_of_unprojected_variables(url: str) -> None:
    """A trailing VALUES on a variable the query does not project fails on Virtuoso 7.2
    ("No column g"); the store binds such variables inside the WHERE clause."""
    store = RemoteStore(url)
    store.replace_graph(G, numbered(3))
    store.replace_graph(EX["graph/h"], numbered(2, "h"))
    rows = store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": G})
    assert sorted(str(r["o"]) for r in rows) == ["v0", "v1", "v2"]
    assert store.ask("ASK { GRAPH ?g { ?s ?p 'h1' } }", {"g": EX["graph/h"]})
    assert not store.ask("ASK { GRAPH ?g { ?s ?p 'h1' } }", {"g": G})
    counted = store.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", {"g": G}
    )
    assert counted == [{"g": G, "n": Literal(3)}]


def many_graphs(url: str, count: int) -> None:
    """``count`` graphs of one triple each, written in one update."""
    blocks = " ".join(
        f'GRAPH <{EX[f"graph/{n}"]}> {{ <{EX[f"s{n}"]}> <{EX.p}> "v{n}" }}' for n in range(count)
    )
    sparql_update(url, f"INSERT DATA {{ {blocks} }}")


def test_a_store_of_many_graphs_answers_over_all_of_them(url: str) -> None:
    """Virtuoso echoes each graph of a request's dataset as a response header, and Python's
    HTTP client refuses more than 100: with graphs named as protocol parameters, every query
    of a store of more than 49 graphs failed. The source graphs of ten million triples are
    511."""
    many_graphs(url, 120)
    store = RemoteStore(url)
    (row,) = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert row["n"] == Literal(120)
    per_graph = store.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    assert {str(r["g"]) for r in per_graph} == {str(EX[f"graph/{n}"]) for n in range(120)}
    rows = store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": EX["graph/7"]})
    assert rows == [{"o": Literal("v7")}]
    header, *lines = store.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", "csv").decode().split()
    assert len(lines) == 120 and header == "o"
    assert store.ask(f"ASK {{ GRAPH <{EX['graph/119']}> {{ ?s ?p 'v119' }} }}")


# -- end to end ------------------------------------------------------------------------------


def _build(location: str, cache: Path) -> str:
    """`nbkg build` of the bundled data into ``location`` (no release, as test_parity builds);
    the build lock of a remote store lives in the user cache dir, kept in ``cache``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(platformdirs, "user_cache_dir", lambda *a, **k: str(cache))
        built = CliRunner().invoke(main, ["build", "--store", location, "--no-release"])
    assert built.exit_code == 0, built.output
    return built.output


@pytest.mark.slow
def test_build_loads_every_source_into_its_own_graph(url: str, tmp_path: Path) -> None:
    sources = discover(bundled_data_dir())
    output = _build(url, tmp_path / "cache")
    assert f"{len(sources)} sources: {len(sources)} loaded, 0 unchanged, 0 rejected" in output
    assert len(own_graphs(url)) == len(sources)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An embedded store built from the bundled data as Virtuoso is, by `nbkg build`."""
    root = tmp_path_factory.mktemp("virtuoso-parity")
    location = str(root / "embedded")
    _build(location, root / "cache")
    return location


@pytest.fixture(scope="module")
def embedded_graphs(embedded: str) -> set[str]:
    with open_store(embedded, read_only=True) as store:
        return {str(name) for name in store.graphs()}


def _held(url: str) -> set[str]:
    """The store's graphs on the server, asked with GROUP BY: Virtuoso takes seconds for the
    DISTINCT of ``graph_names``, milliseconds for this."""
    response = requests.post(
        url,
        data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    response.raise_for_status()
    names = {b["g"]["value"] for b in response.json()["results"]["bindings"]}
    return {name for name in names if not name.startswith(SYSTEM_GRAPHS)}


@pytest.fixture
def built(virtuoso_server: str, embedded_graphs: set[str], tmp_path: Path) -> str:
    """Virtuoso holding the same build as ``embedded``; built again only when another test
    has changed its graphs since."""
    if _held(virtuoso_server) != embedded_graphs | {UNION}:
        for name in _held(virtuoso_server):
            sparql_update(virtuoso_server, f"DROP SILENT GRAPH <{name}>")
        _build(virtuoso_server, tmp_path / "cache")
        assert _held(virtuoso_server) == embedded_graphs | {UNION}
    return virtuoso_server


def _answer(
    location: str, name: str, params: dict[str, str] | None = None
) -> tuple[list[str], list[tuple[str, ...]]]:
    """The header and the rows, in the order given, of a canned query's CSV answer; as in
    test_parity, build times are left out and GROUP_CONCAT lists put in order."""
    bound = [arg for key, value in (params or {}).items() for arg in ("-p", f"{key}={value}")]
    answer = CliRunner().invoke(
        main, ["query", "--store", location, "-q", name, *bound, "--format", "csv"]
    )
    assert answer.exit_code == 0, answer.output
    header, *body = csv.reader(io.StringIO(answer.output))
    keep = [i for i, column in enumerate(header) if column.casefold() not in MOMENTS]
    return [header[i] for i in keep], [tuple(_unordered(row[i]) for i in keep) for row in body]


def _order_columns(sparql: str, header: list[str]) -> list[str]:
    """The columns the query's final ORDER BY sorts on, as far as they are columns: a key that
    is an expression over an unprojected variable (``(MIN(STR(?label)))``) stands for the
    column aggregated from that variable (``(MIN(?label) AS ?name)``); the keys after one
    that is neither are not compared. Empty when the query has no ORDER BY."""
    text = re.sub(r"(?m)^\s*#.*$", "", sparql)  # comments may mention ORDER BY
    clauses = re.findall(r"\bORDER\s+BY\b(.*?)(?:\bLIMIT\b|\bOFFSET\b|$)", text, re.I | re.S)
    columns: list[str] = []
    for variable in re.findall(r"\?(\w+)", clauses[-1] if clauses else ""):
        if variable not in header:
            alias = re.search(rf"\?{variable}\b[^()]*\)+\s+AS\s+\?(\w+)", text, re.I)
            variable = alias.group(1) if alias else ""
        if variable not in header:
            break
        columns.append(variable)
    return columns


@pytest.mark.slow
@pytest.mark.parametrize("name", QUERIES)
def test_canned_query_answers_as_on_the_embedded_store(
    built: str, embedded: str, name: str
) -> None:
    """The same rows (a multiset, GROUP_CONCAT lists in any order) and, where the query has
    an ORDER BY, in the same order up to ties; unbound, then with each parameter (and all
    together) bound to a value from the first answer."""
    sparql = (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
    header, rows = _answer(embedded, name)
    keys = [header.index(column) for column in _order_columns(sparql, header)]
    params = [p.name for p in catalogue()[name].params if p.name in header]
    choices = [[], *([p] for p in params), *([params] if len(params) > 1 else [])]
    for chosen in choices:
        bound, expected = {}, (header, rows)
        if chosen:
            row = next((r for r in rows if all(r[header.index(p)] for p in chosen)), None)
            if row is None:
                continue
            bound = {p: row[header.index(p)] for p in chosen}
            expected = _answer(embedded, name, bound)
        remote_header, remote_rows = _answer(built, name, bound)
        assert remote_header == expected[0], bound
        assert sorted(remote_rows) == sorted(expected[1]), bound
        assert [tuple(r[i] for i in keys) for r in remote_rows] == [
            tuple(r[i] for i in keys) for r in expected[1]
        ], bound
