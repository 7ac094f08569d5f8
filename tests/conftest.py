"""Shared fixtures: a CLI runner, throwaway stores, a copy of the bundled data to break,
and a real ``oxigraph serve`` for the remote backend."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from nbkg.graph.build import build, bundled_data_dir
from nbkg.graph.release import release_folder, write_release
from nbkg.graph.store import open_store


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A CLI runner whose default store is a fresh directory, never the user's own."""
    monkeypatch.setenv("NBKG_STORE", str(tmp_path / "store"))
    return CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled data folder, for tests that break or change files."""
    target = tmp_path / "data"
    shutil.copytree(
        bundled_data_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "*.py")
    )
    return target


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store built once from the bundled data; open it read-only in tests.

    Its release (dumps, VoID, validation report) is written beside it, as `nbkg build` does.
    """
    location = tmp_path_factory.mktemp("built") / "store"
    with open_store(str(location)) as store:
        reports = build(store, bundled_data_dir())
        write_release(store, release_folder(location), reports)
    assert all(r.ok for r in reports), [p for r in reports for p in r.problems]
    return location


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """A real Oxigraph SPARQL server on a free localhost port; yields its query URL."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        pytest.fail("the `oxigraph` server is missing: pip install -e '.[test]'")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None:
                    pytest.fail(f"oxigraph serve exited: {process.stderr.read().decode()}")
                time.sleep(0.1)
        yield f"{url}/query"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()
