"""Shared fixtures: a CLI runner, throwaway stores, a copy of the bundled data to break,
and a real ``oxigraph serve`` for the remote backend."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def _serving_oxigraph(folder: Path) -> Iterator[str]:
    """A real Oxigraph SPARQL server on a free localhost port; yields its query URL."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        pytest.fail("the `oxigraph` server is missing: pip install -e '.[test]'")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
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


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """An `oxigraph serve` of its own for one test; yields its query URL."""
    with _serving_oxigraph(tmp_path / "oxigraph") as url:
        yield url


@pytest.fixture(scope="module")
def module_oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An `oxigraph serve` shared by the tests of one module; yields its query URL."""
    with _serving_oxigraph(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = 4000
MaxDirtyBuffers = 3000
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
MaxQueryMem = 256M

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/www
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""

# the anonymous /sparql user ("SPARQL", running as "nobody") may update (Virtuoso 7.2)
VIRTUOSO_GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL";'


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private Virtuoso (Debian's virtuoso-opensource) on free localhost ports, shared by
    the session; yields its /sparql URL. Tests empty it themselves."""
    with serving_virtuoso(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


@pytest.fixture(scope="module")
def small_log_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Virtuoso whose transactions may write 200 KB to its log (50 MB by default): a
    graph of thousands of triples then passes the limit as one of millions does."""
    folder = tmp_path_factory.mktemp("virtuoso-small-log")
    with serving_virtuoso(folder, "TransactionAfterImageLimit = 200000\n") as url:
        yield url


@pytest.fixture(scope="module")
def sorting_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Virtuoso set as the README advises for serving: it sorts an answer of up to one
    row past nbkg's row cap in memory (10,000 rows by default)."""
    folder = tmp_path_factory.mktemp("virtuoso-sorting")
    with serving_virtuoso(folder, "MaxSortedTopRows = 10001\n") as url:
        yield url


@contextmanager
def serving_virtuoso(folder: Path, parameters: str = "") -> Iterator[str]:
    """Run a Virtuoso in ``folder``, with ``parameters`` (ini lines) added to its
    [Parameters] section, and yield its /sparql URL."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not binary or not isql:
        pytest.fail(
            "Virtuoso is missing: apt-get install virtuoso-opensource "
            "(gives virtuoso-t and isql-vt; .ci/run installs it)"
        )
    (folder / "www").mkdir()
    sql_port, http_port = _free_port(), _free_port()
    ini = VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port)
    (folder / "virtuoso.ini").write_text(
        ini.replace("[Parameters]\n", f"[Parameters]\n{parameters}")
    )
    log = (folder / "console.log").open("wb")
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        for _ in range(600):
            if process.poll() is not None:
                pytest.fail(f"virtuoso-t exited: {(folder / 'console.log').read_text()[-2000:]}")
            try:
                answer = requests.get(url, params={"query": "ASK {}"}, timeout=2)
                if answer.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail(f"Virtuoso did not answer at {url} within a minute")
        granted = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if granted.returncode != 0 or "Error" in granted.stdout + granted.stderr:
            pytest.fail(f"isql-vt could not grant SPARQL updates: {granted.stdout}{granted.stderr}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
