"""Whole-graph answers served from the release: the same answer as running the query, only
while the store holds the graph they were computed from, and never a wrong one when the
release is stale or broken."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from nbkg.graph.answer_lookup import SCAN_MOST
from nbkg.graph.catalogue import bind, catalogue
from nbkg.graph.release import MANIFEST, release_folder
from nbkg.graph.release_answers import file_name
from nbkg.graph.sparql import with_values
from nbkg.graph.store import open_store
from nbkg.web import create_app

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
CAP = 400
FROM = "NBKG-Answer-From"
NAMES = sorted(catalogue())
#: A made-up answer for member-counts: a row no query over the data could give.
PLANTED = b'?cluster\t?name\t?count\n<https://w3id.org/nbkg/id/planted>\t"Planted"\t"7"\n'


def unbound(name: str, suffix: str = ".json") -> str:
    """The query's URL with every parameter given empty: the whole-graph report."""
    params = "&".join(f"{p.name}=" for p in catalogue()[name].params)
    return f"/queries/{name}{suffix}" + (f"?{params}" if params else "")


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shelf")


@pytest.fixture(scope="module")
def shelf_app(built_store: Path, shelf: Path) -> Iterator[Flask]:
    application = create_app(
        {
            "TESTING": True,
            "STORE": str(built_store),
            "DOWNLOADS": str(shelf / "release"),
            "QUERY_WORKERS": 1,
            "ROW_CAP": CAP,
        }
    )
    yield application
    application.extensions["nbkg"].close()


@pytest.fixture
def release(shelf_app: Flask, shelf: Path, built_store: Path) -> Iterator[Path]:
    """A fresh copy of the built release, for one test to change."""
    folder = shelf / "release"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(release_folder(built_store), folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def client(shelf_app: Flask, release: Path) -> FlaskClient:
    return shelf_app.test_client()


def live(built_store: Path, name: str) -> dict:
    """The answer of running the query, cut at the same cap."""
    with open_store(str(built_store), read_only=True) as store:
        return json.loads(store.run(catalogue()[name].sparql, "json", limit=CAP).body)


def edit_manifest(folder: Path, change) -> None:  # noqa: ANN001
    path = folder / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_the_release_answers_as_the_query_does(
    client: FlaskClient, built_store: Path, name: str
) -> None:
    response = client.get(unbound(name))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers[FROM].startswith("release built ")
    assert response.get_json(force=True) == live(built_store, name)


def test_cap_and_formats_hold_for_a_stored_answer(client: FlaskClient) -> None:
    response = client.get(unbound("entity-names"))
    assert response.headers[FROM]
    assert response.headers["NBKG-Truncated"] == "true"
    assert response.headers["NBKG-Rows"] == str(CAP)
    csv_answer = client.get(unbound("member-counts", ".csv"))
    assert csv_answer.mimetype == "text/csv"
    assert csv_answer.get_data(as_text=True).startswith("cluster,name,count")
    xml = client.get(unbound("member-counts", ".xml"))
    assert xml.headers[FROM] and b"<sparql" in xml.data


def test_a_planted_table_is_what_is_served(client: FlaskClient, release: Path) -> None:
    """The answer really comes from the file (a test that compared equal answers only
    would pass just as well if the query ran)."""
    (release / file_name("member-counts")).write_bytes(PLANTED)
    rows = client.get(unbound("member-counts")).get_json(force=True)["results"]["bindings"]
    assert [r["name"]["value"] for r in rows] == ["Planted"]


def test_a_bound_value_is_picked_from_the_table(client: FlaskClient, release: Path) -> None:
    (release / file_name("member-counts")).write_bytes(PLANTED)
    picked = client.get("/queries/member-counts.json?cluster=id:planted")
    assert picked.headers[FROM]
    assert [r["name"]["value"] for r in bound_rows(picked)] == ["Planted"]
    other = client.get("/queries/member-counts.json?cluster=id:woodworks")
    assert other.headers[FROM] and bound_rows(other) == []


def test_a_large_table_leaves_bound_values_to_the_query(client: FlaskClient, release: Path) -> None:
    """Scanning a table of 675,000 rows for one cluster is slower than the engine's lookup."""
    (release / file_name("member-counts")).write_bytes(PLANTED)
    edit_manifest(
        release,
        lambda m: [
            f.update(rows=SCAN_MOST + 1) for f in m["files"] if f.get("query") == "member-counts"
        ],
    )
    bound = client.get("/queries/member-counts.json?cluster=id:planted")
    assert bound.status_code == 200 and FROM not in bound.headers
    assert bound_rows(bound) == []
    whole = client.get(unbound("member-counts"))  # unbound, any size is read from the table
    assert whole.headers[FROM] and "Planted" in whole.get_data(as_text=True)


def test_a_parameter_the_table_has_no_column_for_runs_the_query(
    client: FlaskClient, release: Path
) -> None:
    without_cluster = PLANTED.replace(b"?cluster\t", b"?somewhere\t")
    (release / file_name("member-counts")).write_bytes(without_cluster)
    response = client.get("/queries/member-counts.json?cluster=id:paper-province")
    assert response.status_code == 200 and FROM not in response.headers
    assert bound_rows(response)


def bound_rows(response) -> list[dict]:  # noqa: ANN001
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json(force=True)["results"]["bindings"]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda m: m.update(state="0" * 64),
        lambda m: m.pop("state"),
        lambda m: m.update(files=[f for f in m["files"] if f["kind"] != "answer"]),
        lambda m: [f.update(name="../store") for f in m["files"] if f.get("kind") == "answer"],
    ],
    ids=["another-graph", "no-state", "not-listed", "outside-the-folder"],
)
def test_a_table_not_for_this_graph_is_not_used(
    client: FlaskClient, release: Path, built_store: Path, spoil
) -> None:  # noqa: ANN001
    (release / file_name("member-counts")).write_bytes(PLANTED)
    edit_manifest(release, spoil)
    response = client.get(unbound("member-counts"))
    assert response.status_code == 200
    assert FROM not in response.headers
    assert response.get_json(force=True) == live(built_store, "member-counts")


@pytest.mark.parametrize(
    "damage",
    [b"not a results table\x00\xff", b'?cluster\t?name\n<unterminated\t"x"\n', None],
    ids=["garbage", "bad-term", "missing"],
)
def test_a_broken_table_runs_the_query_and_says_why_in_the_log(
    client: FlaskClient,
    release: Path,
    built_store: Path,
    caplog: pytest.LogCaptureFixture,
    damage: bytes | None,
) -> None:
    path = release / file_name("member-counts")
    if damage is None:
        path.unlink()
    else:
        path.write_bytes(damage)
    with caplog.at_level(logging.WARNING):
        response = client.get(unbound("member-counts"))
    assert response.status_code == 200
    assert FROM not in response.headers
    assert response.get_json(force=True) == live(built_store, "member-counts")
    if damage is not None:
        assert file_name("member-counts") in caplog.text


def test_the_page_says_where_the_answer_comes_from(client: FlaskClient) -> None:
    page = client.get(unbound("cluster-members", ""), headers=HTML)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    link = f"/downloads/{file_name('cluster-members')}"
    assert "Read from this query's whole-graph answer" in text and f'href="{link}"' in text
    table = client.get(link)
    assert table.status_code == 200 and table.mimetype == "text/tab-separated-values"
    assert table.data.startswith(b"?cluster\t")
    table.close()
    bound = client.get("/queries/cluster-members?cluster=id:woodworks", headers=HTML)
    assert "Read from this query's whole-graph answer" in bound.get_data(as_text=True)


def test_the_downloads_page_lists_the_tables(client: FlaskClient) -> None:
    text = client.get("/downloads").get_data(as_text=True)
    assert "Answer tables" in text
    for name in NAMES:
        assert f'href="/downloads/{file_name(name)}"' in text
        assert f'href="/queries/{name}"' in text


# -- bound values: the table's rows, the query's answer ------------------------------------

#: A value of each parameter type that no table holds.
ABSENT = {"iri": "https://w3id.org/nbkg/id/nowhere", "year": "1666", "language": "xx"}
PARAMS = sorted((name, p.name) for name, q in catalogue().items() for p in q.params)


def picks(release: Path, name: str, column: str) -> list[str]:
    """Values to ask for, as a visitor types them: the first and last the table holds in
    that column, and one it does not hold."""
    with (release / file_name(name)).open("rb") as handle:
        held = [
            row[column].value
            for row in ox.parse_query_results(handle, ox.QueryResultsFormat.TSV)
            if row[column] is not None
        ]
    assert held, f"{name}: no {column} to pick"
    kind = catalogue()[name].param(column).type  # type: ignore[union-attr]
    return [held[0], held[-1], ABSENT[kind]]


def comparable(bindings: list[dict]) -> list[tuple]:
    """Rows as a sorted list, each GROUP_CONCAT list sorted: SPARQL leaves both orders open,
    and a table and a query with a value bound may be planned differently."""

    def cell(term: dict) -> tuple:
        value = term["value"]
        if "; " in value:
            value = "; ".join(sorted(value.split("; ")))
        return (term["type"], value, term.get("xml:lang"), term.get("datatype"))

    return sorted(tuple(sorted((var, cell(t)) for var, t in row.items())) for row in bindings)


@pytest.mark.parametrize(("name", "param"), PARAMS, ids=[f"{n}-{p}" for n, p in PARAMS])
def test_a_bound_value_from_the_table_is_the_query_answer(
    client: FlaskClient, release: Path, built_store: Path, name: str, param: str
) -> None:
    query = catalogue()[name]
    for value in picks(release, name, param):
        given = {p.name: "" for p in query.params} | {param: value}
        response = client.get(f"/queries/{name}.json", query_string=given)
        assert response.headers[FROM], (name, param, value)
        with open_store(str(built_store), read_only=True) as store:
            sparql = with_values(query.sparql, bind(query, given))
            expected = json.loads(store.run(sparql, "json", limit=CAP).body)
        served = response.get_json(force=True)
        assert served["head"] == expected["head"]
        got, want = (
            comparable(served["results"]["bindings"]),
            comparable(expected["results"]["bindings"]),
        )
        assert got == want, (name, param, value)


PLANTED_CLASSES = (
    b"?class\t?entities\n"
    b"<https://w3id.org/nbkg/def#Cluster>\t"
    b'"4242"^^<http://www.w3.org/2001/XMLSchema#integer>\n'
)


def test_the_home_page_counts_from_the_table(client: FlaskClient, release: Path) -> None:
    """Its counts are the entities-per-class report, which reads every typed entity on
    each visit otherwise (3.1 s at ten million triples)."""
    (release / file_name("entities-per-class")).write_bytes(PLANTED_CLASSES)
    page = client.get("/", headers=HTML).get_data(as_text=True)
    assert "4,242" in page or "4242" in page


def test_the_home_page_counts_live_when_the_table_is_not_for_this_graph(
    client: FlaskClient, release: Path
) -> None:
    (release / file_name("entities-per-class")).write_bytes(PLANTED_CLASSES)
    edit_manifest(release, lambda manifest: manifest.update(state="another graph"))
    page = client.get("/", headers=HTML).get_data(as_text=True)
    assert "4242" not in page and "4,242" not in page
    assert "clusters" in page
