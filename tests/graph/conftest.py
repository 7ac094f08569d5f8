"""Fixtures of the store tests: a clean endpoint environment and the oxigraph server's base."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_endpoint_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's NBKG_*_ENDPOINT settings must not redirect the tests' servers."""
    monkeypatch.delenv("NBKG_UPDATE_ENDPOINT", raising=False)
    monkeypatch.delenv("NBKG_GSP_ENDPOINT", raising=False)


@pytest.fixture
def base(oxigraph_server: str) -> str:
    """The oxigraph server without its /query path, for its /update and /store endpoints."""
    return oxigraph_server.removesuffix("/query")
