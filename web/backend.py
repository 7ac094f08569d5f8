"""The store as a Flask extension: opened once per process, read-only, closed at exit.

Two ways in. ``get_store()`` is the in-process store for the site's own, known queries
(entity pages, search, lists). ``get_pool()`` runs visitors' SPARQL in worker processes,
each with its own read-only handle, so a query over the time limit can be stopped by
ending its process without touching the others.
"""

from __future__ import annotations

import atexit
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from nbkg.graph.store import Store, is_remote, open_store
from nbkg.web.pool import QueryPool


@dataclass
class Backend:
    store: Store
    pool: QueryPool
    downloads: Path | None

    def close(self) -> None:
        self.pool.close()
        self.store.close()


def init_app(app: Flask) -> None:
    store = open_store(app.config["STORE"], read_only=True)
    pool = QueryPool(
        store.location,
        size=int(app.config["QUERY_WORKERS"]),
        timeout=float(app.config["QUERY_TIMEOUT"]),
    )
    backend = Backend(store, pool, _downloads_folder(app.config["DOWNLOADS"], store))
    app.extensions["nbkg"] = backend
    atexit.register(backend.close)


def _downloads_folder(setting: str | None, store: Store) -> Path | None:
    if setting:
        return Path(setting)
    if is_remote(store.location):
        return None
    return Path(store.location).with_name(Path(store.location).name + ".release")


def get_backend() -> Backend:
    return current_app.extensions["nbkg"]


def get_store() -> Store:
    return get_backend().store


def get_pool() -> QueryPool:
    return get_backend().pool
