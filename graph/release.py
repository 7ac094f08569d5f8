"""A release: the whole graph as compressed dumps, described, checksummed and reported on.

``write_release(store, folder, reports, built_at)`` writes into ``folder``:

* ``nbkg.nq.gz``, ``nbkg.trig.gz``, ``nbkg.jsonld.gz`` (the named graphs, one per source)
  and ``nbkg.ttl.gz`` (their union), gzip-compressed without a timestamp, so the same data
  gives the same bytes and the same checksum;
* ``void.ttl``: the VoID + DCAT description (:mod:`nbkg.graph.void`);
* ``validation-report.ttl`` and ``validation-report.txt``: the build's gate outcome per
  source (:mod:`nbkg.graph.validation_report`);
* ``answer-<query>.tsv``: each canned query's answer over the whole graph, every parameter
  unbound (:mod:`nbkg.graph.release_answers`); left out with ``answers=False``;
* ``manifest.json``: every file above with its size, SHA-256, media type and, for dumps,
  the number of statements it holds (counted by parsing the file back), plus the sources
  and the state of the graph the release was written from (:mod:`nbkg.graph.state`).

Every file is first written under a temporary name and renamed into place once all are
ready, the manifest last; readers see whole files, never half-written ones.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import nbkg
from nbkg.graph import formats, release_answers
from nbkg.graph import void as void_description
from nbkg.graph.build import SourceReport
from nbkg.graph.state import graph_state
from nbkg.graph.store import Store
from nbkg.graph.validation_report import (
    accepted,
    report_graph,
    report_text,
    sentences,
    statuses,
    stored_reports,
)

MANIFEST = "manifest.json"
VOID_FILE = "void.ttl"
REPORT_TTL = "validation-report.ttl"
REPORT_TXT = "validation-report.txt"
SUFFIX = ".release"

#: format name, title, W3C formats IRI name
DUMPS = (
    ("nq", "N-Quads", "N-Quads"),
    ("trig", "TriG", "TriG"),
    ("ttl", "Turtle", "Turtle"),
    ("jsonld", "JSON-LD", "JSON-LD"),
)
_PARSE = {
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def release_folder(location: str | Path) -> Path:
    """Where a build of the embedded store at ``location`` puts its release: beside it."""
    path = Path(location)
    return path.with_name(path.name + SUFFIX)


def dump_name(fmt: str) -> str:
    return f"nbkg.{formats.get(fmt).suffix}.gz"


def write_release(
    store: Store,
    folder: str | Path,
    reports: Sequence[SourceReport] | None = None,
    built_at: datetime | None = None,
    *,
    answers: bool = True,
) -> dict[str, Any]:
    """Write the release of ``store`` into ``folder``; return its manifest.

    Without ``reports`` (a release of a store no build just ran on), each stored source is
    reported as "stored". ``built_at`` defaults to now. ``answers=False`` leaves out the
    whole-graph answer tables, which take as long as the canned queries do.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    built_at = built_at or datetime.now(timezone.utc)
    if reports is None:
        reports = stored_reports(store)
    staged = _Staging(folder)
    try:
        dumps = [_dump(store, staged, fmt, title, feature) for fmt, title, feature in DUMPS]
        stats = void_description.statistics(store)
        description = void_description.describe(
            stats, built_at, dumps, see_also=(REPORT_TTL, REPORT_TXT)
        )
        others = [
            staged.write(VOID_FILE, description.serialize(format="turtle", encoding="utf-8")),
            staged.write(
                REPORT_TTL,
                report_graph(reports, built_at).serialize(format="turtle", encoding="utf-8"),
            ),
            staged.write(REPORT_TXT, report_text(reports, built_at).encode("utf-8")),
        ]
        tables = (
            [_table(staged, t) for t in release_answers.whole_graph_answers(store)]
            if answers
            else []
        )
        manifest = {
            "dataset": str(void_description.DATASET),
            "title": void_description.TITLE,
            "license": str(void_description.LICENCE),
            "built": built_at.isoformat(),
            "generator": f"nbkg {nbkg.__version__}",
            "triples": stats.triples,
            "graphs": len(stats.graphs),
            "state": graph_state(store),
            "conforms": all(accepted(r) for r in reports),
            "statuses": statuses(reports),
            "files": [*(_dump_entry(d) for d in dumps), *others, *tables],
            "sources": [_source_entry(r) for r in reports],
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        staged.write(MANIFEST, text.encode("utf-8"))
        staged.commit()
    finally:
        staged.discard()
    return manifest


def read_manifest(folder: str | Path | None) -> dict[str, Any] | None:
    """The manifest of the release in ``folder``; None when there is none (or it is unreadable)."""
    if folder is None:
        return None
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files"), list) else None


def file_in(folder: Path, name: str) -> Path | None:
    """The regular file ``name`` directly in ``folder``, resolved; None for anything else
    (``..``, absolute paths, subfolders, links leading out), so a name read from a
    manifest can open nothing outside the release."""
    root = folder.resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(root) or path.parent != root or not path.is_file():
        return None
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def count_statements(path: Path, fmt: str) -> int:
    """Distinct statements in a gzip-compressed dump, read back with Oxigraph's parsers."""
    with gzip.open(path, "rb") as handle:
        return len(set(ox.parse(handle, _PARSE[fmt])))


# -- internals ------------------------------------------------------------------------


class _Staging:
    """Files written under temporary names in the target folder, renamed in one go."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, Path] = {}

    def temporary(self, name: str) -> Path:
        path = self.folder / f".{name}.{os.getpid()}.tmp"
        self.files[name] = path
        return path

    def write(self, name: str, data: bytes, media_type: str | None = None) -> dict[str, Any]:
        path = self.temporary(name)
        path.write_bytes(data)
        return {
            "name": name,
            "kind": "report" if name.startswith("validation-report") else "description",
            "media_type": media_type or _media_type(name),
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }

    def commit(self) -> None:
        for name, path in self.files.items():  # insertion order: the manifest comes last
            os.replace(path, self.folder / name)
        self.files.clear()

    def discard(self) -> None:
        for path in self.files.values():
            path.unlink(missing_ok=True)
        self.files.clear()


def _dump(
    store: Store, staged: _Staging, fmt: str, title: str, feature: str
) -> void_description.Dump:
    name = dump_name(fmt)
    path = staged.temporary(name)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        store.dump(gz, fmt)
    kind = formats.get(fmt).kind
    return void_description.Dump(
        name=name,
        title=title,
        media_type=formats.get(fmt).media_type,
        feature=feature,
        size=path.stat().st_size,
        sha256=sha256_of(path),
        statements=count_statements(path, fmt),
        unit="quads" if kind == "dataset" else "triples",
    )


def _dump_entry(dump: void_description.Dump) -> dict[str, Any]:
    return {
        "name": dump.name,
        "kind": "dump",
        "title": dump.title,
        "media_type": dump.media_type,
        "encoding": "gzip",
        "bytes": dump.size,
        "sha256": dump.sha256,
        dump.unit: dump.statements,
    }


def _table(staged: _Staging, table: release_answers.Table) -> dict[str, Any]:
    entry = staged.write(table.name, table.body, release_answers.MEDIA_TYPE)
    return {
        **entry,
        "kind": release_answers.KIND,
        "query": table.query,
        "title": table.title,
        "rows": table.rows,
        "seconds": table.seconds,
    }


def _source_entry(report: SourceReport) -> dict[str, Any]:
    return {
        "source": report.source,
        "graph": report.graph,
        "status": report.status,
        "triples": report.triples,
        "problems": list(report.problems),
        "sentences": sentences(report),
    }


def _media_type(name: str) -> str:
    if name.endswith(".ttl"):
        return "text/turtle"
    if name.endswith(".json"):
        return "application/json"
    return "text/plain"
