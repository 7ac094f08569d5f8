"""A canned query's answer looked up in a release, in place of running the query.

The release keeps each canned query's whole-graph answer (:mod:`nbkg.graph.release_answers`).
A table stands in for the query only while the store holds the very graph it was computed
from: the manifest's ``state`` against the store's (:func:`nbkg.graph.state.graph_state`).
With parameters bound, the answer is the table's rows that hold the values in those
columns, which is what binding means (a trailing ``VALUES`` joins the finished answer with
the value); a large table is left to the engine, which finds one cluster among 675,000
memberships by index faster than a scan of the file would. The web (``/queries``, the home
page) and ``nbkg query --canned`` look answers up here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Node

from nbkg.graph import release, release_answers
from nbkg.graph.answers import Answer

#: Tables of at most this many rows are scanned for bound values (a few tens of ms).
SCAN_MOST = 10_000


class UnreadableAnswerError(Exception):
    """A release's table for this graph that cannot be read (the query runs instead)."""


@dataclass(frozen=True)
class Stored:
    answer: Answer
    file: str  # the release file, for the download link
    built: str  # when the release was written


def release_answer(
    folder: Path | None,
    query: str,
    bindings: Mapping[str, Node],
    fmt: str,
    cap: int | None,
    state: Callable[[], str | None],
) -> Stored | None:
    """The answer the release in ``folder`` holds for ``query`` with ``bindings``, in
    ``fmt`` and cut at ``cap`` rows; None when it holds none for the graph whose state
    ``state`` reads, or when the engine answers the bound values faster.

    UnreadableAnswerError: the table is listed for this graph but cannot be read.
    """
    manifest = release.read_manifest(folder) if folder is not None else None
    if folder is None or manifest is None:
        return None
    entry = _entry(manifest, query)
    if entry is None or (bindings and not _scannable(entry)):
        return None
    if manifest.get("state") != state():
        return None
    path = release.file_in(folder, str(entry["name"]))
    if path is None:
        return None
    try:
        answer = release_answers.read_answer(path, fmt, cap, bindings)
    except KeyError:  # a parameter that is no column of the table: the query binds it
        return None
    except (OSError, SyntaxError, ValueError) as err:
        raise UnreadableAnswerError(f"{path}: {err}") from err
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
