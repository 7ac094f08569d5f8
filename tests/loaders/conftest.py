"""Fixtures for the loader tests: a writable copy of the built store and ways to read a store."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from nbkg.graph.store import open_store

PREFIXES = """PREFIX nbkg: <https://w3id.org/nbkg/def#>
PREFIX id: <https://w3id.org/nbkg/id/>
PREFIX graph: <https://w3id.org/nbkg/graph/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


class StoreReader:
    """Read-only looks into an embedded store; each call opens and closes it."""

    def quads(self, store: Path) -> set[str]:
        """Every quad of the store, as N-Quads lines."""
        out = io.BytesIO()
        with open_store(str(store), read_only=True) as opened:
            opened.dump(out, "nq")
        return {line for line in out.getvalue().decode("utf-8").splitlines() if line.strip()}

    def select(self, store: Path, sparql: str) -> list[dict[str, str]]:
        """Rows of a SELECT as strings; the prefixes above are declared."""
        with open_store(str(store), read_only=True) as opened:
            rows = opened.select(PREFIXES + sparql)
        return [{k: str(v) for k, v in row.items()} for row in rows]

    def ask(self, store: Path, sparql: str) -> bool:
        with open_store(str(store), read_only=True) as opened:
            return opened.ask(PREFIXES + sparql)


@pytest.fixture(scope="session")
def reader() -> StoreReader:
    return StoreReader()


@pytest.fixture(scope="session")
def built_quads(built_store: Path, reader: StoreReader) -> set[str]:
    """The quads of the session's built store (taken once)."""
    return reader.quads(built_store)


@pytest.fixture
def store_copy(built_store: Path, tmp_path: Path) -> Path:
    """The session's built store, copied (it is closed, so a directory copy will do).

    It lies at the ``runner`` fixture's default store path, so bare ``nbkg`` commands use it.
    """
    target = tmp_path / "store"
    shutil.copytree(built_store, target)
    return target
