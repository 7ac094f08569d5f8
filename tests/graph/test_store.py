"""The store contract, run against both backends: the embedded Oxigraph store and a
RemoteStore talking to a real ``oxigraph serve``.

What is stored is checked through :func:`stored`, which reads the backend directly (the
embedded store's files, the server's Graph Store Protocol), so that write tests do not depend
on the query path they would otherwise share with the read tests.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pyoxigraph as ox
import pytest
import requests
from rdflib import XSD, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import PROV, RDF, RDFS
from rdflib.query import Result
from server_graphs import graph_names

from nbkg.graph import oxigraph_store
from nbkg.graph.namespace import NBKG
from nbkg.graph.oxigraph_store import OxigraphStore
from nbkg.graph.remote_dataset import STAGING
from nbkg.graph.remote_store import RemoteStore
from nbkg.graph.sparql import canned
from nbkg.graph.store import (
    QueryError,
    Store,
    StoreError,
    default_location,
    open_store,
    store_location,
)

EX = Namespace("http://example.org/")
G1, G2, G3 = EX["graph/one"], EX["graph/two"], EX["graph/three"]
HOSTILE = 'x" } ; DROP ALL ; #'

# rdflib 7.6 warns about its own Dataset internals when (de)serialising quads.
rdflib_dataset_internals = pytest.mark.filterwarnings(
    r"ignore:(Dataset\.\w+|ConjunctiveGraph) is deprecated:DeprecationWarning"
)


# -- fixtures and helpers -----------------------------------------------------------------


@pytest.fixture(
    params=["embedded", "embedded-bulk", pytest.param("remote", marks=pytest.mark.server)]
)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store(
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Store]:
    opened: Store
    if backend.startswith("embedded"):
        if backend == "embedded-bulk":  # every graph takes the path of large ones
            monkeypatch.setattr(oxigraph_store, "BULK_FROM", 1)
        opened = OxigraphStore(tmp_path / "store")
    else:
        opened = RemoteStore(request.getfixturevalue("oxigraph_server"))
    yield opened
    opened.close()


def graph_of(*triples: tuple) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def stored(store: Store, iri: URIRef) -> set[tuple]:
    """The triples of one named graph as the backend holds them (not through store.query)."""
    if isinstance(store, OxigraphStore):
        data = store._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))
    else:
        assert isinstance(store, RemoteStore)
        response = requests.get(
            store.gsp_url,
            params={"graph": str(iri)},
            headers={"Accept": "application/n-triples"},
            timeout=10,
        )
        if response.status_code == 404:
            return set()
        response.raise_for_status()
        data = response.content
    return set(Graph().parse(data=data, format="nt"))


def stored_graph_names(store: Store) -> set[str]:
    """Every named graph the backend holds, staging graphs included; a server's union graph
    aside, as the embedded store's union is its default graph."""
    if isinstance(store, OxigraphStore):
        return {g.value for g in store._store.named_graphs()}
    return graph_names(store.location)


def total_triples(store: Store) -> int:
    return sum(len(stored(store, URIRef(name))) for name in stored_graph_names(store))


def as_set(rows: list[dict]) -> set[frozenset]:
    return {frozenset(row.items()) for row in rows}


ONE = graph_of(
    (EX.alice, RDFS.label, Literal("Alice")),
    (EX.alice, EX.knows, EX.bob),
)
TWO = graph_of(
    (EX.bob, RDFS.label, Literal("Bob")),
    (EX.bob, EX.age, Literal(42)),
    (EX.bob, EX.says, Literal('say "hi"', lang="en")),
)


@pytest.fixture
def loaded(store: Store) -> Store:
    store.replace_graph(G1, ONE)
    store.replace_graph(G2, TWO)
    return store


# -- replace_graph, the union default graph and GRAPH ---------------------------------------


def test_union_default_graph_sees_every_named_graph(loaded: Store) -> None:
    rows = loaded.select(f"SELECT ?s ?label WHERE {{ ?s <{RDFS.label}> ?label }}")
    assert as_set(rows) == as_set(
        [{"s": EX.alice, "label": Literal("Alice")}, {"s": EX.bob, "label": Literal("Bob")}]
    )


def test_graph_clause_tells_graphs_apart(loaded: Store) -> None:
    rows = loaded.select(f"SELECT ?g ?s WHERE {{ GRAPH ?g {{ ?s <{RDFS.label}> ?o }} }}")
    assert as_set(rows) == as_set([{"g": G1, "s": EX.alice}, {"g": G2, "s": EX.bob}])
    rows = loaded.select(f"SELECT ?s WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}")
    assert {row["s"] for row in rows} == {EX.bob}


def test_replace_graph_stores_exactly_the_graph(loaded: Store) -> None:
    assert stored(loaded, G1) == set(ONE)
    assert stored(loaded, G2) == set(TWO)


def test_replacing_twice_leaves_exactly_the_second_version(store: Store) -> None:
    store.replace_graph(G1, ONE)
    second = graph_of((EX.carol, RDFS.label, Literal("Carol")))
    store.replace_graph(G1, second)
    assert stored(store, G1) == set(second)
    assert store.select(f"SELECT ?s WHERE {{ ?s <{RDFS.label}> ?o }}") == [{"s": EX.carol}]


def test_replacing_one_graph_leaves_the_others_untouched(loaded: Store) -> None:
    loaded.replace_graph(G1, graph_of((EX.carol, RDFS.label, Literal("Carol"))))
    assert stored(loaded, G2) == set(TWO)


def test_replacing_with_an_empty_graph_empties_it(loaded: Store) -> None:
    loaded.replace_graph(G1, Graph())
    assert stored(loaded, G1) == set()
    assert stored(loaded, G2) == set(TWO)
    assert not any(name.startswith(STAGING) for name in stored_graph_names(loaded))


def test_no_staging_graph_remains_after_replace(loaded: Store) -> None:
    loaded.replace_graph(G1, TWO)
    assert stored_graph_names(loaded) == {str(G1), str(G2)}


def test_compacting_keeps_every_graph_and_the_union(loaded: Store) -> None:
    before = (stored(loaded, G1), stored(loaded, G2), total_triples(loaded))
    loaded.compact()
    assert (stored(loaded, G1), stored(loaded, G2), total_triples(loaded)) == before
    loaded.replace_graph(G1, TWO)  # and the store stays writable
    assert stored(loaded, G1) == set(TWO)


def test_graphs_lists_the_named_graphs(loaded: Store) -> None:
    assert loaded.graphs() == sorted([G1, G2])


@pytest.mark.parametrize("one_line", [True, False], ids=["one-line", "multi-line"])
def test_a_query_with_its_own_from_reads_only_that_graph(loaded: Store, one_line: bool) -> None:
    space = " " if one_line else "\n"
    rows = loaded.select(f"SELECT ?s{space}FROM <{G1}>{space}WHERE {{ ?s ?p ?o }}")
    assert {row["s"] for row in rows} == {EX.alice}


# -- query(): result formats ---------------------------------------------------------------

SELECT_LABELS = f"SELECT ?s ?label WHERE {{ ?s <{RDFS.label}> ?label }} ORDER BY ?label"
CONSTRUCT_ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def test_select_as_json(loaded: Store) -> None:
    payload = json.loads(loaded.query(SELECT_LABELS, "json"))
    assert payload["head"]["vars"] == ["s", "label"]
    assert [b["label"]["value"] for b in payload["results"]["bindings"]] == ["Alice", "Bob"]


def test_select_as_xml(loaded: Store) -> None:
    result = Result.parse(io.BytesIO(loaded.query(SELECT_LABELS, "xml")), format="xml")
    assert [str(v) for v in result.vars] == ["s", "label"]
    assert [(row[0], row[1]) for row in result] == [
        (EX.alice, Literal("Alice")),
        (EX.bob, Literal("Bob")),
    ]


def test_select_as_csv_has_variable_names_as_header(loaded: Store) -> None:
    text = loaded.query(SELECT_LABELS, "csv").decode("utf-8")
    assert list(csv.reader(io.StringIO(text))) == [
        ["s", "label"],
        [str(EX.alice), "Alice"],
        [str(EX.bob), "Bob"],
    ]


def test_select_as_tsv_writes_terms(loaded: Store) -> None:
    lines = loaded.query(SELECT_LABELS, "tsv").decode("utf-8").splitlines()
    assert lines == ["?s\t?label", f'<{EX.alice}>\t"Alice"', f'<{EX.bob}>\t"Bob"']


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_true_and_false(loaded: Store, fmt: str) -> None:
    def answer(sparql: str) -> bool:
        return bool(Result.parse(io.BytesIO(loaded.query(sparql, fmt)), format=fmt).askAnswer)

    assert answer(f'ASK {{ ?s <{RDFS.label}> "Alice" }}') is True
    assert answer(f'ASK {{ ?s <{RDFS.label}> "Nobody" }}') is False
    assert loaded.ask(f'ASK {{ ?s <{RDFS.label}> "Bob" }}') is True
    assert loaded.ask(f'ASK {{ ?s <{RDFS.label}> "Nobody" }}') is False


@rdflib_dataset_internals
@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_construct_serialises_as_rdf(loaded: Store, fmt: str, rdflib_format: str) -> None:
    graph = Graph().parse(data=loaded.query(CONSTRUCT_ALL, fmt), format=rdflib_format)
    assert set(graph) == set(ONE) | set(TWO)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "rdf"])
def test_graph_format_for_select_is_a_helpful_query_error(loaded: Store, fmt: str) -> None:
    with pytest.raises(QueryError) as caught:
        loaded.query(SELECT_LABELS, fmt)
    message = str(caught.value)
    assert repr(fmt) in message
    assert "SELECT" in message and "json" in message and "csv" in message


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_results_format_for_construct_is_a_helpful_query_error(loaded: Store, fmt: str) -> None:
    with pytest.raises(QueryError) as caught:
        loaded.query(CONSTRUCT_ALL, fmt)
    message = str(caught.value)
    assert repr(fmt) in message
    assert "CONSTRUCT" in message and "ttl" in message


def test_syntax_error_is_a_query_error(loaded: Store) -> None:
    with pytest.raises(QueryError):
        loaded.query("SELEC ?s WHERE { ?s ?p ?o }")


def test_syntax_error_in_a_recognisable_query_is_a_query_error(loaded: Store) -> None:
    with pytest.raises(QueryError):
        loaded.query("SELECT ?s WHERE { ?s ?p }")


def test_syntax_error_in_an_update_is_a_query_error(loaded: Store) -> None:
    with pytest.raises(QueryError):
        loaded.update("INSERT DAT { }")
    assert total_triples(loaded) == len(ONE) + len(TWO)


# -- select() with bindings ----------------------------------------------------------------


def test_bindings_are_joined_as_values(loaded: Store) -> None:
    rows = loaded.select(f"SELECT ?s ?label WHERE {{ ?s <{RDFS.label}> ?label }}", {"s": EX.bob})
    assert rows == [{"s": EX.bob, "label": Literal("Bob")}]


def test_binding_a_literal_with_quotes_matches_it(loaded: Store) -> None:
    rows = loaded.select(
        f"SELECT ?s WHERE {{ ?s <{EX.says}> ?text }}", {"text": Literal('say "hi"', lang="en")}
    )
    assert rows == [{"s": EX.bob}]


def test_hostile_literal_binding_is_inert(loaded: Store) -> None:
    before = {name: stored(loaded, URIRef(name)) for name in stored_graph_names(loaded)}
    rows = loaded.select(
        f"SELECT ?s WHERE {{ ?s <{RDFS.label}> ?label }}", {"label": Literal(HOSTILE)}
    )
    assert rows == []
    assert loaded.ask(f"ASK {{ ?s <{RDFS.label}> ?label }}", {"label": Literal(HOSTILE)}) is False
    after = {name: stored(loaded, URIRef(name)) for name in stored_graph_names(loaded)}
    assert after == before


def test_a_stored_hostile_literal_is_found_by_binding(store: Store) -> None:
    store.replace_graph(G3, graph_of((EX.mallory, RDFS.label, Literal(HOSTILE))))
    rows = store.select(f"SELECT ?s WHERE {{ ?s <{RDFS.label}> ?l }}", {"l": Literal(HOSTILE)})
    assert rows == [{"s": EX.mallory}]


# -- dump() --------------------------------------------------------------------------------


def _named_graphs(dataset: Dataset) -> dict[URIRef, int]:
    return {
        g.identifier: len(g)  # type: ignore[misc]
        for g in dataset.graphs()
        if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
    }


@rdflib_dataset_internals
@pytest.mark.parametrize(("fmt", "rdflib_format"), [("nq", "nquads"), ("trig", "trig")])
def test_dump_in_a_quad_format_keeps_the_named_graphs(
    loaded: Store, fmt: str, rdflib_format: str
) -> None:
    out = io.BytesIO()
    loaded.dump(out, fmt)
    dataset = Dataset().parse(data=out.getvalue(), format=rdflib_format)
    assert _named_graphs(dataset) == {G1: len(ONE), G2: len(TWO)}


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt")])
def test_dump_in_a_triple_format_merges_the_graphs(
    loaded: Store, fmt: str, rdflib_format: str
) -> None:
    out = io.BytesIO()
    loaded.dump(out, fmt)
    graph = Graph().parse(data=out.getvalue(), format=rdflib_format)
    assert set(graph) == set(ONE) | set(TWO)


# -- update() and read-only ----------------------------------------------------------------


def test_update_insert_data_is_visible(loaded: Store) -> None:
    loaded.update(f'INSERT DATA {{ GRAPH <{G3}> {{ <{EX.dave}> <{RDFS.label}> "Dave" }} }}')
    rows = loaded.select(f"SELECT ?s WHERE {{ ?s <{RDFS.label}> ?l }}", {"l": Literal("Dave")})
    assert rows == [{"s": EX.dave}]
    assert stored(loaded, G3) == {(EX.dave, RDFS.label, Literal("Dave"))}


def test_read_only_embedded_store_refuses_writes_but_answers_queries(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "store") as writable:
        writable.replace_graph(G1, ONE)
    with OxigraphStore(tmp_path / "store", read_only=True) as read_only:
        with pytest.raises(StoreError, match="read-only"):
            read_only.update(f'INSERT DATA {{ <{EX.x}> <{EX.y}> "z" }}')
        with pytest.raises(StoreError, match="read-only"):
            read_only.replace_graph(G1, TWO)
        with pytest.raises(StoreError, match="read-only"):
            read_only.replace_graph(G2, TWO)
        assert read_only.select(f"SELECT ?s WHERE {{ ?s <{EX.knows}> ?o }}") == [{"s": EX.alice}]
        assert read_only.graphs() == [G1]


# -- parity: the same answers from both backends -------------------------------------------

PARITY_DATA = {
    EX["graph/clusters"]: graph_of(
        (EX.paper, RDF.type, NBKG.Cluster),
        (EX.paper, RDFS.label, Literal("Paper Province", lang="en")),
        (EX.paper, PROV.wasDerivedFrom, EX["page/paper"]),
        (EX.arctic, RDF.type, NBKG.Cluster),
        (EX.arctic, RDFS.label, Literal("Arctic Cluster Team")),
        (EX.arctic, PROV.wasDerivedFrom, EX["page/arctic"]),
    ),
    EX["graph/firms"]: graph_of(
        (EX.mill, RDF.type, NBKG.Firm),
        (EX.mill, RDFS.label, Literal("Mill AB")),
        (EX.mill, EX.founded, Literal("1901", datatype=XSD.gYear)),
        (EX.paper, PROV.wasDerivedFrom, EX["page/registry"]),
    ),
    EX["graph/more"]: graph_of(
        (EX.saw, RDF.type, NBKG.Firm),
        (EX.saw, RDFS.label, Literal("Sågverket", lang="sv")),
    ),
}


@pytest.fixture
def both(tmp_path: Path, oxigraph_server: str) -> Iterator[tuple[Store, Store]]:
    embedded, remote = OxigraphStore(tmp_path / "store"), RemoteStore(oxigraph_server)
    for opened in (embedded, remote):
        for iri, graph in PARITY_DATA.items():
            opened.replace_graph(iri, graph)
    yield embedded, remote
    embedded.close()
    remote.close()


@pytest.mark.server
@pytest.mark.parametrize(
    "query",
    [
        canned("entities-per-class"),
        canned("cluster-sources"),
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
        f"SELECT ?s (COUNT(?o) AS ?n) WHERE {{ ?s <{PROV.wasDerivedFrom}> ?o }} GROUP BY ?s",
        canned("triples-per-graph"),
    ],
    ids=["entities-per-class", "cluster-sources", "all-triples", "count", "triples-per-graph"],
)
def test_both_backends_give_the_same_answers(both: tuple[Store, Store], query: str) -> None:
    embedded, remote = both
    expected = embedded.select(query)
    assert expected, "the query should find something in the parity data"
    assert as_set(remote.select(query)) == as_set(expected)


@pytest.mark.server
def test_both_backends_bind_the_same_way(both: tuple[Store, Store]) -> None:
    query = f"SELECT ?s ?label WHERE {{ ?s <{RDFS.label}> ?label }}"
    for bindings in ({"s": EX.saw}, {"label": Literal("Sågverket", lang="sv")}, {"s": EX.none}):
        embedded, remote = (as_set(s.select(query, bindings)) for s in both)
        assert embedded == remote


# -- embedded specifics --------------------------------------------------------------------


def test_second_open_of_the_same_directory_says_another_process(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "store"):
        with pytest.raises(StoreError, match="another process"):
            OxigraphStore(tmp_path / "store")


def test_read_only_on_a_missing_directory_says_to_build(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="nbkg build"):
        OxigraphStore(tmp_path / "missing", read_only=True)
    assert not (tmp_path / "missing").exists()


def test_closing_releases_the_directory(tmp_path: Path) -> None:
    OxigraphStore(tmp_path / "store").close()
    with OxigraphStore(tmp_path / "store") as again:
        assert again.graphs() == []


def test_data_survives_reopening(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "store") as first:
        first.replace_graph(G1, ONE)
    with OxigraphStore(tmp_path / "store", read_only=True) as second:
        assert stored(second, G1) == set(ONE)


@pytest.mark.parametrize(
    "url", ["http://localhost:7878/query", "https://sparql.example.org/ds/sparql"]
)
def test_open_store_picks_remote_for_urls(url: str) -> None:
    with open_store(url) as opened:
        assert isinstance(opened, RemoteStore)
        assert opened.location == url


def test_open_store_picks_embedded_for_paths(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "store")) as opened:
        assert isinstance(opened, OxigraphStore)
        assert opened.location == str(tmp_path / "store")
    with open_store(str(tmp_path / "store"), read_only=True) as opened:
        assert opened.read_only


def test_open_store_respects_nbkg_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBKG_STORE", str(tmp_path / "from-env"))
    with open_store() as opened:
        assert isinstance(opened, OxigraphStore)
        assert opened.location == str(tmp_path / "from-env")
    with open_store(str(tmp_path / "given")) as opened:  # an explicit setting wins
        assert opened.location == str(tmp_path / "given")
    monkeypatch.setenv("NBKG_STORE", "http://127.0.0.1:1/query")
    with open_store() as opened:
        assert isinstance(opened, RemoteStore)


def test_open_store_defaults_to_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NBKG_STORE", raising=False)
    assert Path(default_location()).parts[-2:] == ("nbkg", "store")

    def user_data_dir(appname: str, *args: object, **kwargs: object) -> str:
        return str(tmp_path / "data" / appname)

    monkeypatch.setattr(platformdirs, "user_data_dir", user_data_dir)
    assert store_location() == str(tmp_path / "data" / "nbkg" / "store")
    with open_store() as opened:
        assert isinstance(opened, OxigraphStore)
        assert opened.location == str(tmp_path / "data" / "nbkg" / "store")
    assert (tmp_path / "data" / "nbkg" / "store").is_dir()


# -- atomicity -----------------------------------------------------------------------------


def _version(tag: str, size: int) -> Graph:
    return graph_of(*((EX[f"s{i}"], EX.p, Literal(tag)) for i in range(size)))


def test_readers_see_the_old_or_the_new_graph_never_a_mix(tmp_path: Path) -> None:
    n, m = 60, 25
    a, b = _version("A", n), _version("B", m)
    expected = {("A",) * n, ("B",) * m}
    store = OxigraphStore(tmp_path / "store")
    store.replace_graph(G1, a)
    store.replace_graph(G2, graph_of((EX.other, EX.p, Literal("other"))))
    done = threading.Event()
    seen: list[tuple[str, ...]] = []
    anomalies: list[object] = []
    errors: list[BaseException] = []
    replaces = 0

    def writer() -> None:
        nonlocal replaces
        deadline = time.monotonic() + 10
        try:
            while replaces < 200 and time.monotonic() < deadline:
                store.replace_graph(G1, b if replaces % 2 == 0 else a)
                replaces += 1
        except BaseException as err:  # noqa: BLE001 - reported by the main thread
            errors.append(err)
        finally:
            done.set()

    def reader() -> None:
        query = f"SELECT ?o WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}"
        try:
            while not done.is_set():
                values = tuple(sorted(str(row["o"]) for row in store.select(query)))
                seen.append(values)
                if values not in expected:
                    anomalies.append((len(values), sorted(set(values))))
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=writer)] + [
        threading.Thread(target=reader) for _ in range(3)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        done.set()
        store.close()
    assert errors == []
    assert anomalies == []
    assert replaces >= 2 and seen
    assert {("A",) * n, ("B",) * m} >= set(seen)


class _Spy:
    """Wraps the pyoxigraph store and runs a reader's query around every call it forwards."""

    def __init__(self, inner: ox.Store, probe: str) -> None:
        self._inner, self._probe, self.seen = inner, probe, []

    def __getattr__(self, name: str) -> object:
        target = getattr(self._inner, name)
        if name not in ("load", "update", "add_graph", "extend", "bulk_load", "remove_graph"):
            return target

        def call(*args: object, **kwargs: object) -> object:
            self._look()
            result = target(*args, **kwargs)
            self._look()
            return result

        return call

    def _look(self) -> None:
        rows = self._inner.query(self._probe)
        self.seen.append(tuple(sorted(row["o"].value for row in rows)))


def test_union_readers_never_see_a_half_replaced_graph(tmp_path: Path) -> None:
    n, m = 6, 4
    store = OxigraphStore(tmp_path / "store")
    try:
        store.replace_graph(G1, _version("A", n))
        spy = _Spy(store._store, f"SELECT ?o WHERE {{ ?s <{EX.p}> ?o }}")
        store._store = spy  # type: ignore[assignment]
        store.replace_graph(G1, _version("B", m))
        store._store = spy._inner
    finally:
        store.close()
    assert spy.seen and set(spy.seen) <= {("A",) * n, ("B",) * m}


def test_embedded_union_is_a_set_and_follows_replacements(tmp_path: Path) -> None:
    """A triple two sources share counts once; it leaves the union only with its last holder."""
    shared = Graph()
    shared.add((EX.alice, RDFS.label, Literal("Alice")))
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX.alice}> <{RDFS.label}> ?l }}"
    store = OxigraphStore(tmp_path / "store")
    try:
        store.replace_graph(G1, shared)
        store.replace_graph(G2, shared)
        assert store.select(count)[0]["n"].toPython() == 1
        store.replace_graph(G1, Graph())
        assert store.select(count)[0]["n"].toPython() == 1
        store.replace_graph(G2, Graph())
        assert store.select(count)[0]["n"].toPython() == 0
    finally:
        store.close()


def test_bulk_loaded_blank_nodes_are_the_same_in_the_union(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oxigraph_store, "BULK_FROM", 1)
    graph = graph_of(
        (EX.alice, EX.address, BNode("home")), (BNode("home"), EX.city, Literal("Oslo"))
    )
    store = OxigraphStore(tmp_path / "store")
    try:
        store.replace_graph(G1, graph)
        # the union's blank node is the named graph's: the join across both finds it
        rows = store.select(
            f"SELECT ?city WHERE {{ GRAPH <{G1}> {{ <{EX.alice}> <{EX.address}> ?b }} "
            f"?b <{EX.city}> ?city }}"
        )
        assert rows == [{"city": Literal("Oslo")}]
        count = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert count[0]["n"].toPython() == 2
    finally:
        store.close()


def test_bulk_load_writes_provenance_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A load that fails half-way leaves no provenance, so the next build reloads the graph."""
    monkeypatch.setattr(oxigraph_store, "BULK_FROM", 1)
    provenance = graph_of((G1, NBKG.gateDigest, Literal("abc")))
    store = OxigraphStore(tmp_path / "store")
    try:
        real = store._store

        class Failing:  # the disk fills up during the second bulk load
            def __init__(self) -> None:
                self.loads = 0

            def bulk_load(self, *args: object, **kwargs: object) -> None:
                self.loads += 1
                if self.loads == 2:
                    raise OSError("No space left on device")
                real.bulk_load(*args, **kwargs)

            def __getattr__(self, name: str) -> object:
                return getattr(real, name)

        store._store = Failing()  # type: ignore[assignment]
        with pytest.raises(OSError, match="No space"):
            store.replace_graph(G1, TWO, provenance)
        store._store = real
        assert (G1, NBKG.gateDigest, Literal("abc")) not in stored(store, G1)
        store.replace_graph(G1, TWO, provenance)
        assert stored(store, G1) == set(TWO) | set(provenance)
        assert store.select(f"SELECT ?d WHERE {{ <{G1}> <{NBKG.gateDigest}> ?d }}") == [
            {"d": Literal("abc")}
        ]
    finally:
        store.close()


@pytest.mark.parametrize("bulk", [False, True], ids=["transaction", "bulk"])
def test_provenance_goes_into_the_graph_and_the_union(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    if bulk:
        monkeypatch.setattr(oxigraph_store, "BULK_FROM", 1)
    provenance = graph_of((G1, NBKG.gateDigest, Literal("abc")))
    store = OxigraphStore(tmp_path / "store")
    try:
        store.replace_graph(G1, ONE, provenance)
        assert stored(store, G1) == set(ONE) | set(provenance)
        rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert rows[0]["n"].toPython() == len(ONE) + len(provenance)
    finally:
        store.close()


# -- run(): answers for publication, cut at a row cap ---------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_run_cuts_select_at_the_cap_and_stays_parseable(loaded: Store, fmt: str) -> None:
    sparql = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    answer = loaded.run(sparql, fmt, limit=2)
    assert (answer.rows, answer.truncated, answer.kind) == (2, True, "results")
    if fmt == "csv":  # lossy, so Oxigraph does not read it back
        assert len(list(csv.reader(io.StringIO(answer.body.decode())))) == 3
    else:
        assert len(list(ox.parse_query_results(answer.body, _OX_RESULTS[fmt]))) == 2
    whole = loaded.run(sparql, fmt, limit=100)
    assert (whole.rows, whole.truncated) == (5, False)


@pytest.mark.parametrize(
    ("sparql", "limit", "expected"),
    [
        # a cap of exactly the rows there are: whole, not cut
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY DESC(?o)", 5, (5, False)),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY DESC(?o)", 4, (4, True)),
        # the query's own modifiers stand, the cap on top of them
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 3", 2, (2, True)),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 3", 3, (3, False)),
        # an own LIMIT above the cap: lowered for a server, cut the same
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 50", 2, (2, True)),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?o OFFSET 1 LIMIT 50", 4, (4, False)),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?o OFFSET 1 LIMIT 50", 3, (3, True)),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?o OFFSET 1", 4, (4, False)),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?o OFFSET 1", 3, (3, True)),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } # no order\n", 4, (4, True)),
    ],
)
def test_run_tells_a_cut_answer_from_a_whole_one(
    loaded: Store, sparql: str, limit: int, expected: tuple[int, bool]
) -> None:
    answer = loaded.run(sparql, "json", limit=limit)
    assert (answer.rows, answer.truncated) == expected
    rows = json.loads(answer.body)["results"]["bindings"]
    whole = json.loads(loaded.run(sparql, "json").body)["results"]["bindings"]
    if "ORDER BY" in sparql:  # the first rows of the order, and the order kept
        assert [r["o"] for r in rows] == [r["o"] for r in whole][: expected[0]]


def test_run_keeps_terms_exact(loaded: Store) -> None:
    answer = loaded.run(
        f"SELECT ?age ?says WHERE {{ <{EX.bob}> <{EX.age}> ?age ; <{EX.says}> ?says }}", "json"
    )
    row = json.loads(answer.body)["results"]["bindings"][0]
    assert row["age"] == {"type": "literal", "value": "42", "datatype": str(XSD.integer)}
    assert row["says"] == {"type": "literal", "value": 'say "hi"', "xml:lang": "en"}


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "rdf"])
def test_run_cuts_construct_at_the_cap(loaded: Store, fmt: str) -> None:
    answer = loaded.run("CONSTRUCT WHERE { ?s ?p ?o }", fmt, limit=3)
    assert (answer.rows, answer.truncated, answer.kind) == (3, True, "graph")
    ox_format = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD", "rdf": "RDF_XML"}[fmt]
    assert len(list(ox.parse(answer.body, getattr(ox.RdfFormat, ox_format)))) == 3


def test_run_ask_and_protocol_dataset(loaded: Store) -> None:
    assert json.loads(loaded.run("ASK { ?s ?p ?o }", "json").body)["boolean"] is True
    only_two = loaded.run("SELECT ?s WHERE { ?s ?p ?o }", "json", default_graphs=[str(G2)])
    subjects = {b["s"]["value"] for b in json.loads(only_two.body)["results"]["bindings"]}
    assert subjects == {str(EX.bob)}
    named = loaded.run(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "json", named_graphs=[str(G1)]
    )
    assert [b["g"]["value"] for b in json.loads(named.body)["results"]["bindings"]] == [str(G1)]


def test_run_reports_syntax_errors_with_position(loaded: Store) -> None:
    with pytest.raises(QueryError, match=r"1:\d+"):
        loaded.run("SELECT * WHERE { ?s ?p }", "json")


_OX_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
}
