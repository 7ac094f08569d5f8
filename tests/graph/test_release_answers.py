"""The release's answer tables: each canned query's whole-graph answer, as the store gives it,
listed in the manifest with the state of the graph it answers for."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from nbkg.cli import main
from nbkg.graph.build import build
from nbkg.graph.catalogue import catalogue
from nbkg.graph.release import read_manifest, release_folder, write_release
from nbkg.graph.release_answers import KIND, MEDIA_TYPE, file_name
from nbkg.graph.state import graph_state
from nbkg.graph.store import open_store

QUERIES = sorted(catalogue())


@pytest.fixture(scope="module")
def manifest(built_store: Path) -> dict:
    found = read_manifest(release_folder(built_store))
    assert found is not None
    return found


@pytest.fixture(scope="module")
def tables(manifest: dict) -> dict[str, dict]:
    return {f["query"]: f for f in manifest["files"] if f["kind"] == KIND}


def test_every_canned_query_has_a_table(tables: dict[str, dict]) -> None:
    assert sorted(tables) == QUERIES
    for name, entry in tables.items():
        assert entry["name"] == file_name(name)
        assert entry["media_type"] == MEDIA_TYPE
        assert entry["title"] == catalogue()[name].title
        assert entry["seconds"] >= 0


@pytest.mark.parametrize("name", QUERIES)
def test_a_table_is_the_query_answer_over_the_whole_graph(
    built_store: Path, tables: dict[str, dict], name: str
) -> None:
    body = (release_folder(built_store) / file_name(name)).read_bytes()
    with open_store(str(built_store), read_only=True) as store:
        assert body == store.query(catalogue()[name].sparql, "tsv")
    entry = tables[name]
    assert entry["bytes"] == len(body)
    assert entry["sha256"] == hashlib.sha256(body).hexdigest()
    rows = list(ox.parse_query_results(body, ox.QueryResultsFormat.TSV))
    assert entry["rows"] == len(rows)


def test_the_big_reports_have_rows(tables: dict[str, dict]) -> None:
    """Unbound means every cluster: more rows than any one cluster's answer would give."""
    assert tables["cluster-members"]["rows"] > 200
    assert tables["entity-names"]["rows"] > 1000
    assert tables["shared-rd-partners"]["rows"] > 0


def test_the_manifest_names_the_state_of_the_graph(built_store: Path, manifest: dict) -> None:
    with open_store(str(built_store), read_only=True) as store:
        assert manifest["state"] == graph_state(store)
    assert len(manifest["state"]) == 64


def test_the_state_follows_the_sources(data_dir: Path, tmp_path: Path) -> None:
    """Same sources, same state (a rebuild that loads nothing changes nothing); one source
    changed, another state."""
    location = str(tmp_path / "store")
    with open_store(location) as store:
        build(store, data_dir)
        first = graph_state(store)
        build(store, data_dir)
        assert graph_state(store) == first
        awards = data_dir / "registry" / "awards.csv"
        lines = awards.read_text(encoding="utf-8").splitlines(keepends=True)
        awards.write_text("".join(lines[:-1]), encoding="utf-8")  # one award fewer
        reports = build(store, data_dir)
        assert [r.status for r in reports if r.status == "loaded"] == ["loaded"]
        assert graph_state(store) != first


def test_answers_can_be_left_out(built_store: Path, tmp_path: Path) -> None:
    with open_store(str(built_store), read_only=True) as store:
        manifest = write_release(store, tmp_path / "release", answers=False)
    assert not [f for f in manifest["files"] if f["kind"] == KIND]
    assert not list((tmp_path / "release").glob("answer-*"))
    assert manifest["state"]


def test_export_writes_them_unless_told_not_to(
    runner: CliRunner, built_store: Path, tmp_path: Path
) -> None:
    store = ["--store", str(built_store)]
    with_tables = runner.invoke(main, ["export", *store, "--release", str(tmp_path / "a")])
    assert with_tables.exit_code == 0, with_tables.output
    assert f"{len(QUERIES)} answer tables" in with_tables.output
    assert len(list((tmp_path / "a").glob("answer-*.tsv"))) == len(QUERIES)
    without = runner.invoke(
        main, ["export", *store, "--release", str(tmp_path / "b"), "--no-answers"]
    )
    assert without.exit_code == 0, without.output
    assert "0 answer tables" in without.output
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert not [f for f in manifest["files"] if f["kind"] == KIND]
