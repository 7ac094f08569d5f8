"""Web fixtures: one application over the built store for the session, and its client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from nbkg.web import create_app

#: Short enough to keep the suite quick, long enough for every honest query here.
TEST_TIMEOUT = 4.0
TEST_ROW_CAP = 500


@pytest.fixture(scope="session")
def app(built_store: Path) -> Iterator[Flask]:
    application = create_app(
        {
            "TESTING": True,
            "STORE": str(built_store),
            "QUERY_WORKERS": 2,
            "QUERY_TIMEOUT": TEST_TIMEOUT,
            "ROW_CAP": TEST_ROW_CAP,
        }
    )
    yield application
    application.extensions["nbkg"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# -- a real `nbkg serve` ---------------------------------------------------------------------

#: The served copy's limits, as environment variables (see the `served_settings` fixture).
SERVED_SETTINGS = {
    "NBKG_QUERY_TIMEOUT": "5",
    "NBKG_QUERY_WORKERS": "4",
    "NBKG_ROW_CAP": "2000",
}


@pytest.fixture(scope="session")
def served_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the served copy: ``store/`` and the server's log."""
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="session")
def served(built_store: Path, served_home: Path) -> Iterator[str]:
    """`nbkg serve` (waitress) in its own process, over a copy of the built store (the
    server holds a lock on the store's folder); yields the base URL, e.g. http://127.0.0.1:P."""
    import os
    import shutil
    import socket
    import subprocess
    import sys
    import time

    import requests

    home = served_home
    store = home / "store"
    shutil.copytree(built_store, store)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (home / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", "from nbkg.cli import main; main()", "serve"]
        + ["--store", str(store), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **SERVED_SETTINGS},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nbkg serve did not start: {(home / 'serve.log').read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()  # its query workers see their pipe close, and end too
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def served_settings() -> dict[str, str]:
    """The settings `served` starts the server with."""
    return dict(SERVED_SETTINGS)
