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
