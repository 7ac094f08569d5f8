"""The suite's measurements that run in a child process of their own.

Each one is timed and its peak memory sampled from outside (:func:`measured`), so a slow or
greedy step can be stopped at a timeout without taking the suite down, and one step's
memory does not count against the next. A worker prints one JSON object as its last line.

    python bench/suite_workers.py KIND ARG...
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil


def measured(command: list[str], timeout: float | None = None) -> dict:
    """Run ``command``; wall time, peak RSS of its process tree (MB), exit code, stdout."""
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    started = time.perf_counter()
    sampler.start()
    timed_out = False
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        for child in process.children(recursive=True):
            child.kill()
        process.kill()
        out, err = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    return {
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak[0] / 2**20, 1),
        "returncode": process.returncode,
        "timed_out": timed_out,
        "stdout": out,
        "stderr": err[-2000:],
    }


def worker(kind: str, *args: str, timeout: float | None = None) -> dict:
    """Run one of this file's workers in a child process and read its JSON."""
    run = measured([sys.executable, __file__, kind, *args], timeout)
    result = {k: run[k] for k in ("seconds", "peak_rss_mb", "timed_out")}
    if not run["timed_out"]:
        if run["returncode"] != 0:
            raise RuntimeError(f"worker {kind} failed: {run['stderr']}")
        result.update(json.loads(run["stdout"].strip().splitlines()[-1]))
    return result


# -- workers -----------------------------------------------------------------------------


def bulk_load(dump: str, location: str) -> dict:
    """The floor: a bare pyoxigraph bulk load of the build's quads."""
    import pyoxigraph as ox

    started = time.perf_counter()
    store = ox.Store(location)
    store.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
    store.flush()
    took = time.perf_counter() - started
    return {"load_seconds": round(took, 3), "quads": len(store)}


def plain_shacl(union: str, keys_out: str) -> dict:
    """Plain pySHACL over the whole graph, as a user without nbkg would run it."""
    import pyshacl
    from rdflib import Graph

    from nbkg.ontology import shapes_graph

    started = time.perf_counter()
    data = Graph()
    data.parse(union, format="nt")
    parsed = time.perf_counter() - started
    shapes = shapes_graph()
    started = time.perf_counter()
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
    )
    took = time.perf_counter() - started
    return {
        "parse_seconds": round(parsed, 3),
        "validate_seconds": round(took, 3),
        "triples": len(data),
        "conforms": bool(conforms),
        **_summary(report, keys_out),
    }


def turbo_shacl(union: str, keys_out: str) -> dict:
    """The gate's engine, pyshacl-turbo, over the same whole graph; parsing counted."""
    import pyshacl_turbo

    from nbkg.ontology import shapes_graph

    shapes = pyshacl_turbo.compile_shapes(shapes_graph(), advanced=True)
    started = time.perf_counter()
    text = Path(union).read_text(encoding="utf-8")
    data = pyshacl_turbo.Input(text, "ntriples", None, {})
    conforms, report, _ = shapes.validate(data, allow_warnings=True)
    took = time.perf_counter() - started
    return {
        "validate_seconds": round(took, 3),
        "conforms": bool(conforms),
        **_summary(report, keys_out),
    }


def gate(data_dir: str, source_name: str) -> dict:
    """The gate on one source against plain pySHACL on the same source.

    Every source is staged (N-Triples bytes), as the build holds them: as rdflib graphs,
    ten million triples would not fit in memory.
    """
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    from nbkg.graph.build import discover, stage
    from nbkg.graph.gate import TypeIndex, check
    from nbkg.ontology import ontology_graph, shapes_graph

    started = time.perf_counter()
    staged, failures = stage(discover(Path(data_dir)))
    extracted = time.perf_counter() - started
    (planted,) = [s for s in staged if s.source.name == source_name]
    index = TypeIndex()
    for source in staged:
        index.add(source)
    ontology_graph(), shapes_graph()  # cached: load them outside the timings
    check(planted, TypeIndex())  # compiles the shapes once, outside the timing
    started = time.perf_counter()
    violations = check(planted, index)
    gate_seconds = time.perf_counter() - started
    # Plain: the source, the ontology, and the types of what it refers to (from every source),
    # which sh:class needs; no focus nodes, no filtering of results.
    started = time.perf_counter()
    graph = planted.graph()
    data = Graph()
    data += graph
    data += ontology_graph()
    subjects = set(graph.subjects())
    for referenced in set(graph.objects()) - subjects:
        for cls in index.types.get(referenced, ()):  # type: ignore[arg-type]
            data.add((referenced, RDF.type, cls))
    prepared = time.perf_counter() - started
    started = time.perf_counter()
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", allow_warnings=True, advanced=True
    )
    plain_seconds = time.perf_counter() - started
    results = _violation_results(report)
    own = [r for r in results if report.value(r, SH.focusNode) in subjects]
    return {
        "source": source_name,
        "source_triples": planted.triples,
        "extract_all_seconds": round(extracted, 3),
        "gate_seconds": round(gate_seconds, 3),
        "gate_violations": len(violations),
        "plain_prepare_seconds": round(prepared, 3),
        "plain_seconds": round(plain_seconds, 3),
        # focus nodes the source itself describes (types added for references make the
        # referenced entities focus nodes too, with nothing else of them in the graph)
        "plain_violations": len(own),
        "plain_violations_all_focus_nodes": len(results),
        "plain_by_message": _by_message(report, results),
        "load_failures": [f.problems for f in failures],
    }


WORKERS = {
    "bulk_load": bulk_load,
    "plain_shacl": plain_shacl,
    "turbo_shacl": turbo_shacl,
    "gate": gate,
}


# -- reading SHACL reports ---------------------------------------------------------------


def _violation_results(report) -> list:  # noqa: ANN001 - an rdflib Graph
    from rdflib.namespace import SH

    return [
        r
        for r in report.objects(None, SH.result)
        if report.value(r, SH.resultSeverity) == SH.Violation
    ]


def _summary(report, keys_out: str) -> dict:  # noqa: ANN001 - an rdflib Graph
    """Counts for the report, and every violation's key written to ``keys_out``.

    A key is focus node, path, message and value: what two engines must agree on. Values
    that are blank nodes are left out, their labels differ between engines. Results are a
    set: one engine may report an ill-typed value once for sh:datatype and once more for
    sh:minInclusive under the same message.
    """
    from rdflib import BNode
    from rdflib.namespace import SH

    results = _violation_results(report)
    keys = set()
    for r in results:
        value = report.value(r, SH.value)
        keys.add(
            (
                str(report.value(r, SH.focusNode)),
                str(report.value(r, SH.resultPath)),
                "; ".join(sorted(str(m) for m in report.objects(r, SH.resultMessage))),
                None if value is None or isinstance(value, BNode) else value.n3(),
            )
        )
    Path(keys_out).write_text(json.dumps(sorted(keys, key=str)), encoding="utf-8")
    return {
        "violations": len(keys),
        "results": len(results),
        "by_message": _by_message(report, results),
    }


def _by_message(report, results: list) -> dict[str, int]:  # noqa: ANN001
    """How many results each shape message accounts for, most first (ten at most)."""
    from rdflib.namespace import SH

    counts = Counter(
        "; ".join(sorted(str(m) for m in report.objects(r, SH.resultMessage))) or "(no message)"
        for r in results
    )
    return dict(counts.most_common(10))


if __name__ == "__main__":
    print(json.dumps(WORKERS[sys.argv[1]](*sys.argv[2:])))
