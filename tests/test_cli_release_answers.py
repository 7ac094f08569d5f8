"""``nbkg query --canned`` answers from the release beside an embedded store while the store
holds the graph the release was computed from, as the web does; ``--live`` runs the query."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from nbkg.cli import main
from nbkg.graph.catalogue import catalogue
from nbkg.graph.release import MANIFEST, release_folder
from nbkg.graph.release_answers import file_name

FROM_RELEASE = "answered from the release"
#: A made-up answer for member-counts: a row no query over the data could give.
PLANTED = b'?cluster\t?name\t?count\n<https://w3id.org/nbkg/id/planted>\t"Planted"\t"7"\n'


@pytest.fixture
def store(built_store: Path, tmp_path: Path) -> Path:
    """A copy of the built store and its release, for one test to change."""
    copy = tmp_path / "store"
    shutil.copytree(built_store, copy)
    shutil.copytree(release_folder(built_store), release_folder(copy))
    return copy


def run(store: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["query", "--store", str(store), *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("name", sorted(catalogue()))
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_release_answers_as_the_query_does(built_store: Path, name: str, fmt: str) -> None:
    stored = run(built_store, "-q", name, "--format", fmt)
    live = run(built_store, "-q", name, "--format", fmt, "--live")
    assert FROM_RELEASE in stored.stderr and FROM_RELEASE not in live.stderr
    if fmt == "json":
        assert json.loads(stored.stdout) == json.loads(live.stdout)
    else:
        assert stored.stdout == live.stdout


def test_a_bound_value_is_picked_from_a_small_table(built_store: Path) -> None:
    args = ("-q", "member-counts", "-p", "cluster=paper-province", "--format", "csv")
    stored, live = run(built_store, *args), run(built_store, *args, "--live")
    assert FROM_RELEASE in stored.stderr
    assert stored.stdout == live.stdout and "Paper Province" in stored.stdout


def test_a_planted_table_is_what_is_printed(store: Path) -> None:
    """The answer really comes from the file (equal answers alone would pass if the query
    ran)."""
    (release_folder(store) / file_name("member-counts")).write_bytes(PLANTED)
    printed = run(store, "-q", "member-counts", "--format", "csv").stdout
    assert printed.splitlines()[1:] == ["https://w3id.org/nbkg/id/planted,Planted,7"]
    assert "Planted" not in run(store, "-q", "member-counts", "--format", "csv", "--live").stdout


def test_a_table_for_another_graph_is_not_used(store: Path) -> None:
    folder = release_folder(store)
    (folder / file_name("member-counts")).write_bytes(PLANTED)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["state"] = "another graph"
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    result = run(store, "-q", "member-counts", "--format", "csv")
    assert FROM_RELEASE not in result.stderr and "Planted" not in result.stdout


def test_a_broken_table_runs_the_query_and_says_why(store: Path) -> None:
    path = release_folder(store) / file_name("member-counts")
    path.write_bytes(b"not a results table\x00\xff")
    result = run(store, "-q", "member-counts", "--format", "csv")
    assert "warning:" in result.stderr and path.name in result.stderr
    assert result.stdout == run(store, "-q", "member-counts", "--format", "csv", "--live").stdout


def test_queries_of_ones_own_always_run(built_store: Path) -> None:
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/nbkg/def#Cluster> }"
    result = run(built_store, sparql, "--format", "csv")
    assert FROM_RELEASE not in result.stderr
