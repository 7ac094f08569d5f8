"""Canned queries answered from the release's whole-graph tables while the store holds the
graph they were computed from (:mod:`nbkg.graph.answer_lookup`).

With every parameter unbound, a canned query is a report over the whole graph: at ten
million triples several of them outlast the query time limit. Otherwise, and when a table
cannot be read, the query runs as before, so a stale or broken release costs time, never a
wrong answer. A parameter that selects a tenth of the graph, such as a kind of
organisation, costs the engine nearly the whole report (55 s at 10M); a small table
answers it at once.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app
from rdflib import Node

from nbkg.graph.answer_lookup import Stored, UnreadableAnswerError, release_answer
from nbkg.graph.state import graph_state
from nbkg.graph.store import StoreError, is_remote
from nbkg.web.backend import get_backend

_STATE = "nbkg.stored_answers.state"  # app.extensions key: the embedded store's state


def stored_answer(query: str, bindings: Mapping[str, Node], fmt: str, cap: int) -> Stored | None:
    """The release's answer to ``query`` with ``bindings``, in ``fmt`` and cut at ``cap``
    rows; None when the release has none for the store as it is now, or when the query
    answers bound values faster than the table would."""
    folder = get_backend().downloads
    try:
        return release_answer(folder, query, bindings, fmt, cap, _state)
    except UnreadableAnswerError as err:
        current_app.logger.warning("release answer unreadable, running the query: %s", err)
        return None


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
