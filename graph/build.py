"""The build: every source through its loader and the SHACL gate into the store.

Per source: extract into a scratch graph -> check it (SHACL with the ontology, RDFS
inference, references resolved across sources) -> on success replace its named graph in one
atomic step, together with a PROV-O record of the load. A source that fails is rejected
whole and the store keeps its previous version. Sources whose file, ontology and shapes are
unchanged since the last load are skipped unless forced.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path

from rdflib import URIRef

from nbkg.graph.gate import VALIDATING_THREADS, TypeIndex, Violation, check_all
from nbkg.graph.lock import build_lock
from nbkg.graph.provenance import describe_load, graph_digest_query
from nbkg.graph.rejections import judge
from nbkg.graph.staged import Staged
from nbkg.graph.store import Store
from nbkg.loaders.base import Extraction, LoadError, Source, loader_for, loaders
from nbkg.ontology import ONTOLOGY_FILES, resource


@dataclass
class SourceReport:
    """What happened to one source in a build or validation."""

    source: str
    graph: str
    status: str  # loaded | unchanged | rejected | valid
    triples: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "unchanged", "valid")


def bundled_data_dir() -> Path:
    return Path(str(files("nbkg.data")))


def discover(data_dir: Path) -> list[Source]:
    """Every source of the data folder, the ontology first (others refer to its concepts)."""
    registered = loaders()
    ordered = [registered["ontology"], *(v for k, v in registered.items() if k != "ontology")]
    return [source for loader in ordered for source in loader.sources(data_dir)]


def extract(sources: Iterable[Source]) -> tuple[list[Extraction], list[SourceReport]]:
    extractions, failures = [], []
    registered = loaders()
    for source in sources:
        try:
            extractions.append(registered[source.loader].extract(source))
        except LoadError as err:
            failures.append(
                SourceReport(source.name, str(source.graph), "rejected", problems=[str(err)])
            )
    return extractions, failures


#: Source files from this size on are read in a worker process; smaller ones cost less to
#: read than a worker costs to start.
IN_A_WORKER_FROM = 2 * 2**20
#: Workers reading at once: each holds one source as an rdflib graph, a kilobyte a triple.
STAGING_WORKERS = 2


def stage(sources: Iterable[Source]) -> tuple[list[Staged], list[SourceReport]]:
    """Extract and stage each source: only its N-Triples bytes and a few sets are kept.

    Big sources are read in worker processes, two at a time. Memory an rdflib graph held
    mostly stays with the process after the graph is gone: a five-million-triple table
    read in the build's own process left it gigabytes larger when SHACL needed the room.
    """
    sources = list(sources)
    big = [i for i, source in enumerate(sources) if _file_size(source) >= IN_A_WORKER_FROM]
    results: dict[int, tuple[list[Staged], list[SourceReport]]] = {}
    with _workers(len(big)) as pool:
        pending = {i: pool.submit(_stage_one, sources[i]) for i in big} if pool else {}
        for i, source in enumerate(sources):
            if i not in pending:
                results[i] = _stage_one(source)
        for i, future in pending.items():
            results[i] = future.result()
    staged, failures = [], []
    for i in sorted(results):
        staged += results[i][0]
        failures += results[i][1]
    return staged, failures


def _stage_one(source: Source) -> tuple[list[Staged], list[SourceReport]]:
    extractions, failures = extract([source])
    return [Staged.of(e) for e in extractions], failures


@contextmanager
def _workers(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    if not jobs:
        yield None
        return
    # spawn: the build may run in a process with threads (tests, nbkg serve --build)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(jobs, STAGING_WORKERS), mp_context=context) as pool:
        yield pool


def _file_size(source: Source) -> int:
    try:
        return sum(path.stat().st_size for path in (source.path, *source.companions))
    except OSError:
        return 0


def gate_digest(source: Source) -> str:
    digest = hashlib.sha256(source.sha256.encode())
    for name in (*ONTOLOGY_FILES, "shapes.ttl"):
        digest.update(resource(name).read_bytes())
    return digest.hexdigest()


def build(store: Store, data_dir: Path, *, force: bool = False) -> list[SourceReport]:
    """Load every source of ``data_dir`` into ``store``; one report per source."""
    return load(store, discover(data_dir), force=force)


def load(store: Store, sources: list[Source], *, force: bool = False) -> list[SourceReport]:
    """Load these sources into ``store`` through the gate; one report per source.

    A source whose file, ontology and shapes are unchanged since its graph was loaded is
    not even read again: a rebuild costs what the changed sources cost. References are
    checked against what the store will hold afterwards: unchanged sources, changed
    sources the gate accepts, and stored graphs that stay. Rejecting a source can break
    references of others, so the check repeats until nothing changes.
    """
    with build_lock(store):
        digests = {source: gate_digest(source) for source in sources}
        skipped = [s for s in sources if not force and _stored_digest(store, s.graph) == digests[s]]
        extractions, reports = stage(s for s in sources if s not in skipped)
        reports += [_skipped_report(store, s) for s in skipped]
        changed = [
            e for e in extractions if force or _stored_digest(store, e.target) != digests[e.source]
        ]
        unchanged = [e for e in extractions if e not in changed]
        reports += [_report(e, "unchanged") for e in unchanged]
        started = datetime.now(timezone.utc)
        store.discard_unchecked()  # what a crashed build wrote ahead of its gate
        store.fill_union()  # a server loaded from a dump: its union before any graph changes
        ahead = {e.target for e in _new_graphs(store, changed)}
        rejected = _gate_writing_ahead(store, changed, unchanged, ahead)
        for extraction in changed:
            target = extraction.target
            if target in rejected:
                if target in ahead:
                    store.discard(target)
                reports.append(_report(extraction, "rejected", rejected[target]))
                continue
            provenance = describe_load(
                extraction, digests[extraction.source], started, datetime.now(timezone.utc)
            )
            if target in ahead:
                store.confirm(target, provenance)
            else:
                store.replace_graph(target, extraction.ntriples, provenance)
            reports.append(_report(extraction, "loaded"))
        loaded = sum(r.triples for r in reports if r.status == "loaded")
        if loaded and loaded >= COMPACT_FROM * sum(r.triples for r in reports if r.ok):
            store.compact()
    return sorted(reports, key=lambda r: r.source)


#: Share of the sources' triples a build must have loaded for it to compact the store:
#: compacting costs about as much as the whole store (32 s at 10M triples), which a rebuild
#: of one changed source should not pay.
COMPACT_FROM = 0.25


def _new_graphs(store: Store, changed: list[Staged]) -> list[Staged]:
    """The changed sources whose graphs the store does not hold: there is no old version
    to keep, so they may be written while the gate still judges them."""
    if not store.writes_ahead:
        return []
    return [e for e in changed if not store.ask(_HOLDS_GRAPH, {"g": e.target})]


_HOLDS_GRAPH = "ASK { GRAPH ?g { ?s ?p ?o } }"


def _gate_writing_ahead(
    store: Store, changed: list[Staged], unchanged: list[Staged], ahead: set[URIRef]
) -> dict[URIRef, list[Violation]]:
    """The gate's verdicts; the new graphs ``ahead`` are written unchecked meanwhile when
    a core is free for it, else right after, and only those the gate accepts.

    Both run outside the interpreter lock. With a core of its own the writer costs little;
    on two cores, which the gate's two parts already take, it slowed the 10M build down.
    """
    new = [e for e in changed if e.target in ahead]
    if not new:
        return judge(store, changed, unchanged)
    alongside = WRITE_ALONGSIDE if WRITE_ALONGSIDE is not None else _core_to_spare()
    if not alongside:
        rejected = judge(store, changed, unchanged)
        try:
            store.write_unchecked([(e.target, e.ntriples) for e in new if e.target not in rejected])
        except BaseException:
            store.discard_unchecked()
            raise
        return rejected
    with ThreadPoolExecutor(1) as pool:
        writing = pool.submit(store.write_unchecked, [(e.target, e.ntriples) for e in new])
        try:
            rejected = judge(store, changed, unchanged, ahead)
            writing.result()
        except BaseException:
            wait([writing])
            store.discard_unchecked()
            raise
    return rejected


#: Write new graphs while the gate runs (True), after it (False), or decide by whether a
#: core is left over from the gate's parts (None).
WRITE_ALONGSIDE: bool | None = None


def _core_to_spare() -> bool:
    return len(os.sched_getaffinity(0)) > VALIDATING_THREADS


def validate(paths: Iterable[Path], data_dir: Path | None = None) -> list[SourceReport]:
    """Check files against the gate without loading them.

    References resolve against the files given and the sources of ``data_dir`` (the bundled
    data by default), so a single registry table can be checked on its own.
    """
    given = [loader_for(path).source(path, _common_root(path)) for path in paths]
    extractions, reports = stage(given)
    context, _ = stage(discover(data_dir or bundled_data_dir()))
    index = TypeIndex()
    for extraction in [*context, *extractions]:
        index.add(extraction)
    for extraction, violations in zip(extractions, check_all(extractions, index), strict=True):
        reports.append(_report(extraction, "rejected" if violations else "valid", violations))
    return reports


def _common_root(path: Path) -> Path:
    """The data folder a file belongs to (the parent of registry/, curated/…), if any."""
    parent = path.resolve().parent
    return parent.parent if parent.name in ("registry", "curated", "rdf") else parent


def _stored_digest(store: Store, graph: URIRef) -> str | None:
    rows = store.select(graph_digest_query(), {"g": graph})
    return str(rows[0]["digest"]) if rows else None


def _skipped_report(store: Store, source: Source) -> SourceReport:
    """An unchanged source, not read again: its size as recorded when it was loaded."""
    rows = store.select(_RECORDED_TRIPLES, {"g": source.graph})
    triples = int(rows[0]["n"]) if rows else 0
    return SourceReport(source.name, str(source.graph), "unchanged", triples)


_RECORDED_TRIPLES = """PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?n WHERE { GRAPH ?g { ?g void:triples ?n } }"""


def _report(extraction: Staged, status: str, violations: Iterable[Violation] = ()) -> SourceReport:
    return SourceReport(
        extraction.source.name,
        str(extraction.target),
        status,
        extraction.triples,
        [str(v) for v in violations],
    )
