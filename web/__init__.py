"""The web front end: one Flask application, one blueprint per surface.

``create_app(config)`` layers settings: the defaults in :mod:`nbkg.web.settings`, then
``NBKG_*`` environment variables, then ``config`` (tests pass a dict). The store is opened
once per process (see :mod:`nbkg.web.backend`); views reach it through ``get_store()``
for the site's own queries and ``get_pool()`` for visitors' SPARQL, which runs in worker
processes under a time limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_cors import CORS

from nbkg.web import settings


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(settings)
    app.config.from_prefixed_env("NBKG")
    if config:
        app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_QUERY_BYTES"] + 4096

    from nbkg.web import backend

    backend.init_app(app)
    _register_blueprints(app)
    CORS(app, resources=_OPEN_TO_SCRIPTS, expose_headers=_EXPOSED, methods=["GET", "POST"])
    return app


#: Routes other sites' scripts may call (CORS): data, not pages.
_OPEN_TO_SCRIPTS = {
    r"/sparql": {},
    r"/id/*": {},
    r"/data/*": {},
    r"/def*": {},
    r"/api/*": {},
    r"/queries/*": {},
    r"/browse/*": {},
    r"/downloads/*": {},
    r"/dataset*": {},
    r"/.well-known/void": {},
}
_EXPOSED = ["NBKG-Rows", "NBKG-Row-Cap", "NBKG-Truncated", "Location"]


def _register_blueprints(app: Flask) -> None:
    from nbkg.web import browse, downloads, entities, pages, queries, search, sparql

    for module in (pages, sparql, entities, search, browse, queries, downloads):
        app.register_blueprint(module.bp)
