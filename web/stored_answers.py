"""A canned query's answer read from the release's whole-graph table, in place of running it.

With every parameter unbound, a canned query is a report over the whole graph: at ten
million triples several of them outlast the query time limit. The release holds each one's
answer, computed when the release was written (:mod:`nbkg.graph.release_answers`). It
stands in for the query only while the store holds the very graph it was computed from
(the manifest's ``state`` against :func:`nbkg.graph.state.graph_state`); otherwise, and
when the file cannot be read, the query runs as before, so a stale or broken release
costs time, never a wrong answer.

With parameters bound, the answer is the table's rows that hold the values in those
columns: what binding by a trailing ``VALUES`` clause means, and what each query's own
slot gives too (``tests/graph/test_canned_slots.py``). A parameter that selects a tenth of
the graph, such as a kind of organisation, costs the engine nearly the whole report
(55 s at 10M), and a small table answers it at once. A large table is left to the engine,
which finds one cluster among 675,000 memberships faster than a scan of the file would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from rdflib import Node

from nbkg.graph import release, release_answers
from nbkg.graph.answers import Answer
from nbkg.graph.state import graph_state
from nbkg.graph.store import StoreError, is_remote
from nbkg.web.backend import get_backend

_STATE = "nbkg.stored_answers.state"  # app.extensions key: the embedded store's state
#: Tables of at most this many rows are scanned for bound values (a few tens of ms).
SCAN_MOST = 10_000


@dataclass(frozen=True)
class Stored:
    answer: Answer
    file: str  # the release file, for the download link
    built: str  # when the release was written


def stored_answer(query: str, bindings: Mapping[str, Node], fmt: str, cap: int) -> Stored | None:
    """The release's answer to ``query`` with ``bindings``, in ``fmt`` and cut at ``cap``
    rows; None when the release has none for the store as it is now, or when the query
    answers bound values faster than the table would."""
    folder = get_backend().downloads
    manifest = release.read_manifest(folder) if folder is not None else None
    if folder is None or manifest is None:
        return None
    entry = _entry(manifest, query)
    if entry is None or (bindings and not _scannable(entry)):
        return None
    if manifest.get("state") != _state():
        return None
    path = release.file_in(folder, str(entry["name"]))
    if path is None:
        return None
    try:
        answer = release_answers.read_answer(path, fmt, cap, bindings)
    except KeyError:  # a parameter that is no column of the table: the query binds it
        return None
    except (OSError, SyntaxError, ValueError) as err:
        current_app.logger.warning("release answer %s unreadable, running the query: %s", path, err)
        return None
    return Stored(answer, path.name, str(manifest.get("built", "")))


def _entry(manifest: dict[str, Any], query: str) -> dict[str, Any] | None:
    for entry in manifest["files"]:
        if (
            isinstance(entry, dict)
            and entry.get("kind") == release_answers.KIND
            and entry.get("query") == query
            and entry.get("name") == release_answers.file_name(query)
        ):
            return entry
    return None


def _scannable(entry: dict[str, Any]) -> bool:
    rows = entry.get("rows")
    return isinstance(rows, int) and rows <= SCAN_MOST


def _state() -> str | None:
    """The store's state. An embedded store is opened read-only for the server's lifetime
    (a build waits for the server to stop), so its state is read once; a server's may
    change under us, so it is read each time."""
    store = get_backend().store
    if not is_remote(store.location) and _STATE in current_app.extensions:
        return current_app.extensions[_STATE]
    try:
        state = graph_state(store)
    except StoreError as err:
        current_app.logger.warning("cannot read the store's state: %s", err)
        return None
    if not is_remote(store.location):
        current_app.extensions[_STATE] = state
    return state
