"""The benchmark suite: build, validation, canned queries and the web front end by graph size.

For each size (triples) it generates a data folder deterministically by seed
(``bench/generate.py --data``), then measures:

1. ``nbkg build --data DIR --no-release`` into a new embedded store: wall time and peak
   memory (RSS of the child process tree, sampled with psutil). Then a rebuild after one
   small source changed (``registry/programmes.csv``): only that source may pass the gate.
2. The floor to compare the build with: a bare ``pyoxigraph.Store.bulk_load`` of the same
   quads (the build's named graphs, dumped as N-Quads), plus validation of the whole graph
   (the union, ontology included) against ``ontology/shapes.ttl``, once with pyshacl-turbo
   (the gate's engine) and once with plain pySHACL; plain pySHACL is stopped after
   ``--shacl-timeout`` seconds and not run above ``--plain-shacl-max`` triples. The two
   engines' violations (focus node, path, message, value) are compared.
3. The gate on one source with planted violations (``registry/awards.csv`` with
   ``--violations`` awards of a currency the shapes do not allow): the time of
   :func:`nbkg.graph.gate.check` and its violation count, against plain pySHACL on the same
   source (its graph, the ontology and the types of the entities it refers to).
4. Every canned query (``queries/*.rq``, parameters unbound as ``nbkg query --canned``
   runs them) through the embedded store: first run and median of ``--repeats``; then
   its answer served from a table as the release keeps it (JSON, cut at the row cap), as
   ``/queries/<name>`` does with every parameter cleared.
5. ``/sparql`` throughput of ``nbkg serve`` against ``oxigraph serve-read-only`` on the
   same store (functions of ``bench/web.py``), entity-page p95 and search p95.

    python bench/suite.py --sizes 100000,1000000,10000000 --out bench/report

It writes ``report.json``, ``report.md`` and ``cost.png`` (time against size, log-log) to
``--out``, after every size. Run on demand, never from the test suite; needs the ``bench``
extra (matplotlib, psutil). Measurements that run in a child process of their own are in
``suite_workers.py``; the report is written by ``suite_report.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import psutil  # noqa: E402
from generate import WORDS, write_data  # noqa: E402
from suite_report import write_report  # noqa: E402
from suite_workers import measured, worker  # noqa: E402

import web  # noqa: E402

PLANTED_SOURCE = "registry/awards.csv"
CHANGED_SOURCE = "registry/programmes.csv"  # edited between a build and the rebuild
ROW_CAP = 10_000  # the web's default (NBKG_ROW_CAP)


# -- the measurements of one size --------------------------------------------------------


def nbkg_bin() -> str:
    return shutil.which("nbkg") or str(Path(sys.executable).parent / "nbkg")


def measure_build(data: Path, store: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = measured(
        [nbkg_bin(), "build", "--store", str(store), "--data", str(data), "--no-release"]
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = [line for line in run["stdout"].splitlines() if " sources: " in line]
    rejected = [line for line in run["stdout"].splitlines() if line.startswith("rejected")]
    return {
        "seconds": run["seconds"],
        "peak_rss_mb": run["peak_rss_mb"],
        # ru_maxrss of the largest child so far (KB on Linux); only a new maximum shows
        "ru_maxrss_mb": round(after / 1024, 1) if after > before else None,
        "returncode": run["returncode"],
        # without the store's location, which is this machine's
        "summary": summary[-1].split("; store:")[0] if summary else run["stderr"][-500:],
        "rejected": rejected,
    }


def measure_rebuild(data: Path, store: Path) -> dict:
    """Change one programme's name, build again: only that source should pass the gate."""
    table = data / CHANGED_SOURCE
    rows = table.read_text(encoding="utf-8").splitlines(keepends=True)
    header = rows[0].rstrip("\n").split(",")
    cells = rows[1].split(",")
    cells[header.index("name")] += " (renamed)"
    rows[1] = ",".join(cells)
    table.write_text("".join(rows), encoding="utf-8")
    result = measure_build(data, store)
    result["changed"] = CHANGED_SOURCE
    return result


def store_counts(store: Path) -> dict:
    from nbkg.graph.oxigraph_store import OxigraphStore

    with OxigraphStore(store, read_only=True) as opened:
        named = opened.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        union = opened.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return {"named_graph_quads": int(named[0]["n"]), "union_triples": int(union[0]["n"])}


def dump(store: Path, quads: Path, union: Path) -> None:
    from nbkg.graph.oxigraph_store import OxigraphStore

    with OxigraphStore(store, read_only=True) as opened:
        with quads.open("wb") as out:
            opened.dump(out, "nq")
        with union.open("wb") as out:
            opened.dump(out, "nt")


def canned_queries(store: Path, repeats: int) -> dict[str, dict]:
    """Each canned query as ``nbkg query --canned NAME`` runs it, through the Python API;
    then its answer as the release keeps it, served as the web serves it (JSON, cut at the
    row cap) from the table file."""
    from nbkg.graph.catalogue import catalogue
    from nbkg.graph.oxigraph_store import OxigraphStore
    from nbkg.graph.release_answers import read_answer
    from nbkg.graph.sparql import canned, query_form

    out: dict[str, dict] = {}
    with OxigraphStore(store, read_only=True) as opened, tempfile.TemporaryDirectory() as tmp:
        for name in catalogue():
            text = canned(name)
            fmt = "json" if query_form(text) in ("SELECT", "ASK") else "ttl"
            times = []
            size = 0
            for _ in range(repeats + 1):
                started = time.perf_counter()
                size = len(opened.query(text, fmt))
                times.append((time.perf_counter() - started) * 1000)
            out[name] = {
                "first_ms": round(times[0], 2),
                "median_ms": round(statistics.median(times[1:]), 2),
                "answer_bytes": size,
            }
            if query_form(text) == "SELECT":
                table = Path(tmp) / f"{name}.tsv"
                table.write_bytes(opened.query(text, "tsv"))
                served = []
                for _ in range(repeats + 1):
                    started = time.perf_counter()
                    read_answer(table, "json", ROW_CAP)
                    served.append((time.perf_counter() - started) * 1000)
                out[name]["release_ms"] = round(statistics.median(served[1:]), 2)
    return out


def measure_web(store: Path, seconds: float, clients: int, pages: int) -> dict:
    with web.servers(store) as (ox_url, nb_url, nb_base):
        _, clusters = web.bench_clusters(nb_url)
        for url in (ox_url, nb_url):  # warm both caches the same way
            web.load(url, clients, 2, clusters)
        ox_qps, ox_errors = web.load(ox_url, clients, seconds, clusters)
        nb_qps, nb_errors = web.load(nb_url, clients, seconds, clusters)
        page_times = web.page_latency(nb_base, clusters, pages)
        terms = [*WORDS, "Cluster", "Paper Province", "Skog AS", "Bio"]
        search_times = web.search_latency(nb_base, terms, pages)
    return {
        "clients": clients,
        "seconds_per_side": seconds,
        "oxigraph_qps": round(ox_qps, 1),
        "nbkg_qps": round(nb_qps, 1),
        "errors": {"oxigraph": ox_errors, "nbkg": nb_errors},
        "throughput_ratio": round(nb_qps / ox_qps, 3) if ox_qps else None,
        "page_p50_ms": round(statistics.median(page_times), 1),
        "page_p95_ms": round(web.p95(page_times), 1),
        "search_p50_ms": round(statistics.median(search_times), 1),
        "search_p95_ms": round(web.p95(search_times), 1),
        "requests": pages,
    }


def run_size(size: int, args: argparse.Namespace, work: Path) -> dict:
    result: dict = {"size": size, "seed": args.seed}
    folder = work / f"n{size}"
    data, planted, store = folder / "data", folder / "data-planted", folder / "store"
    say(f"[{size}] generating data (seed {args.seed})")
    result["generated"] = write_data(data, size, seed=args.seed)
    result["generated_planted"] = write_data(
        planted, size, seed=args.seed, violations=args.violations
    )
    say(f"[{size}] nbkg build")
    result["build"] = measure_build(data, store)
    result["store"] = store_counts(store)
    say(f"[{size}] {result['build']['summary']} in {result['build']['seconds']:.1f} s")

    say(f"[{size}] rebuild after a change to {CHANGED_SOURCE}")
    result["rebuild"] = measure_rebuild(data, store)

    quads, union = folder / "named.nq", folder / "union.nt"
    dump(store, quads, union)
    say(f"[{size}] bare pyoxigraph bulk load")
    result["bare_load"] = worker("bulk_load", str(quads), str(folder / "bare-store"))
    say(f"[{size}] pyshacl-turbo over the whole graph")
    turbo_keys, plain_keys = folder / "turbo-violations.json", folder / "plain-violations.json"
    result["turbo_shacl"] = worker("turbo_shacl", str(union), str(turbo_keys))
    if size <= args.plain_shacl_max:
        say(f"[{size}] plain pySHACL over the whole graph (timeout {args.shacl_timeout:g} s)")
        shacl = worker("plain_shacl", str(union), str(plain_keys), timeout=args.shacl_timeout)
        shacl["timeout_seconds"] = args.shacl_timeout
        result["plain_shacl"] = shacl
        if not shacl["timed_out"]:
            result["same_violations"] = turbo_keys.read_text() == plain_keys.read_text()

    say(f"[{size}] gate on {PLANTED_SOURCE} with {args.violations} planted violations")
    gate = worker("gate", str(planted), PLANTED_SOURCE)
    gate["planted"] = result["generated_planted"]["violations"]
    gate["same_count"] = gate["gate_violations"] == gate["plain_violations"]
    result["gate"] = gate

    say(f"[{size}] canned queries ({args.repeats} runs each)")
    result["queries"] = canned_queries(store, args.repeats)
    if args.web_seconds > 0:
        say(f"[{size}] web: {args.web_seconds:g} s per side")
        result["web"] = measure_web(store, args.web_seconds, args.clients, args.pages)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def say(text: str) -> None:
    print(f"{datetime.now(timezone.utc):%H:%M:%S} {text}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="triples, comma-separated")
    parser.add_argument("--out", type=Path, default=HERE / "report")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--violations", type=int, default=25, help="planted in one source")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each canned query")
    parser.add_argument("--shacl-timeout", type=float, default=2400, help="plain pySHACL, s")
    parser.add_argument(
        "--plain-shacl-max",
        type=int,
        default=1_000_000,
        help="largest size to run plain pySHACL at (it takes hours at 10M triples)",
    )
    parser.add_argument("--web-seconds", type=float, default=10, help="per side; 0 skips")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--pages", type=int, default=100, help="entity pages and searches")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep stores and data folders")
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    work = args.work or Path(tempfile.mkdtemp(prefix="nbkg-suite-"))
    work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    report: dict = {
        "started": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "command": "python bench/suite.py " + " ".join(_shown_arguments(sys.argv[1:])),
        "seed": args.seed,
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        },
        "results": [],
    }
    try:
        for size in sizes:
            report["results"].append(run_size(size, args, work))
            write_report(report, args.out)  # after every size, so a long run leaves figures
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    say(f"report: {args.out / 'report.md'}")


def _shown_arguments(argv: list[str]) -> list[str]:
    """The command line without the scratch and output folders, which are this machine's."""
    private = ("--work", "--out")
    shown, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in private:
            skip = True
        elif not arg.startswith(tuple(f"{option}=" for option in private)):
            shown.append(arg)
    return shown


if __name__ == "__main__":
    main()
