"""The embedded store and a SPARQL server loaded by the same `nbkg build` give the same
answers to every canned query (issue 6): users can move to a server without their queries
changing meaning."""

from __future__ import annotations

import csv
import io
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest
import requests
from click.testing import CliRunner

from nbkg.cli import main
from nbkg.graph.catalogue import catalogue

pytestmark = [pytest.mark.server, pytest.mark.slow]

# Columns that state when a source was loaded differ between two builds by design.
MOMENTS = {"loaded", "modified", "generated", "time", "date"}


def _serve(folder: Path) -> Iterator[str]:
    """`oxigraph serve` on a free port for the whole module; yields its query URL."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):
            try:
                requests.get(url, params={"query": "ASK {}"}, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """An embedded store and an `oxigraph serve`, each built from the bundled data."""
    root = tmp_path_factory.mktemp("parity")
    runner = CliRunner()
    server = _serve(root / "oxigraph")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(platformdirs, "user_cache_dir", lambda *a, **k: str(root / "cache"))
        locations = {"embedded": str(root / "embedded"), "server": next(server)}
        for location in locations.values():
            built = runner.invoke(main, ["build", "--store", location, "--no-release"])
            assert built.exit_code == 0, built.output
        yield locations
    server.close()


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
