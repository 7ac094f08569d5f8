"""The embedded store and a SPARQL server loaded by the same `nbkg build` give the same
answers to every canned query (issue 6): users can move to a server without their queries
changing meaning."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib.namespace import XSD

from nbkg.cli import main
from nbkg.graph.catalogue import catalogue

pytestmark = [pytest.mark.server, pytest.mark.slow]

# Columns that state when a source was loaded differ between two builds by design.
MOMENTS = {"loaded", "modified", "generated", "time", "date"}


@pytest.fixture(scope="module")
def stores(
    tmp_path_factory: pytest.TempPathFactory, module_oxigraph_server: str
) -> Iterator[dict[str, str]]:
    """An embedded store and an `oxigraph serve`, each built from the bundled data."""
    root = tmp_path_factory.mktemp("parity")
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(platformdirs, "user_cache_dir", lambda *a, **k: str(root / "cache"))
        locations = {"embedded": str(root / "embedded"), "server": module_oxigraph_server}
        for location in locations.values():
            built = runner.invoke(main, ["build", "--store", location, "--no-release"])
            assert built.exit_code == 0, built.output
        yield locations


def rows(location: str, name: str) -> list[tuple[str, ...]]:
    answer = CliRunner().invoke(main, ["query", "--store", location, "-q", name, "--format", "csv"])
    assert answer.exit_code == 0, answer.output
    table = list(csv.reader(io.StringIO(answer.output)))
    header, body = table[0], table[1:]
    keep = [i for i, column in enumerate(header) if column.casefold() not in MOMENTS]
    return sorted(tuple(_unordered(row[i]) for i in keep) for row in body)


def _unordered(cell: str) -> str:
    """GROUP_CONCAT lists ("Troms; Nordland", space-separated source IRIs) come in an
    order SPARQL leaves open."""
    if "; " in cell:
        return "; ".join(sorted(cell.split("; ")))
    parts = cell.split(" ")
    if len(parts) > 1 and all(p.startswith(("http://", "https://")) for p in parts):
        return " ".join(sorted(parts))
    return cell


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_canned_query_answers_the_same_on_both_stores(stores: dict[str, str], name: str) -> None:
    embedded, server = rows(stores["embedded"], name), rows(stores["server"], name)
    assert embedded == server
    assert Path(stores["embedded"]).exists()


def exported(location: str, fmt: str) -> list:
    answer = CliRunner().invoke(main, ["export", "--store", location, "--format", fmt])
    assert answer.exit_code == 0, answer.output
    return list(ox.parse(answer.stdout_bytes, ox.RdfFormat.from_extension(fmt)))


def _lasting(quads: list) -> tuple[set, int]:
    """The quads a second build states alike (not its load times), and how many hold a
    blank node (labelled afresh by each dump)."""
    blank = [q for q in quads if any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))]
    timed = {
        q
        for q in quads
        if isinstance(q.object, ox.Literal) and q.object.datatype.value == str(XSD.dateTime)
    }
    return set(quads) - set(blank) - timed, len(blank)


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_the_dump_of_every_named_graph_is_the_same_on_both_stores(
    stores: dict[str, str], fmt: str
) -> None:
    embedded, server = exported(stores["embedded"], fmt), exported(stores["server"], fmt)
    assert len(embedded) == len(server)
    assert _lasting(embedded) == _lasting(server)
    assert {q.graph_name for q in server} == {q.graph_name for q in embedded}
