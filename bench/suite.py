"""The benchmark suite: build, validation, canned queries and the web front end by graph size.

For each size (triples) it generates a data folder deterministically by seed
(``bench/generate.py --data``), then measures:

1. ``nbkg build --data DIR --no-release`` into a new embedded store: wall time and peak
   memory (RSS of the child process tree, sampled with psutil), side by side with a bare
   ``pyoxigraph.Store.bulk_load`` of the same quads (the build's named graphs, dumped as
   N-Quads) and a plain pySHACL run over the whole graph (the union, ontology included)
   against ``ontology/shapes.ttl``, which is stopped after ``--shacl-timeout`` seconds and
   then reported as "> N s".
2. The gate on one source with planted violations (``registry/awards.csv`` with
   ``--violations`` awards of a currency the shapes do not allow): the time of
   :func:`nbkg.graph.gate.check` and its violation count, against plain pySHACL on the same
   source (its graph, the ontology and the types of the entities it refers to).
3. Every canned query (``queries/*.rq``, parameters unbound as ``nbkg query --canned``
   runs them) through the embedded store: first run and median of ``--repeats``.
4. ``/sparql`` throughput of ``nbkg serve`` against ``oxigraph serve-read-only`` on the
   same store (functions of ``bench/web.py``), entity-page p95 and search p95.

    python bench/suite.py --sizes 100000,1000000 --out bench/report

It writes ``report.json``, ``report.md`` and ``cost.png`` (time against size, log-log) to
``--out``. Run on demand, never from the test suite; needs the ``bench`` extra
(matplotlib, psutil).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import psutil  # noqa: E402
from generate import WORDS, write_data  # noqa: E402

import web  # noqa: E402

PLANTED_SOURCE = "registry/awards.csv"


# -- measuring a child process ------------------------------------------------------------


def measured(command: list[str], timeout: float | None = None) -> dict:
    """Run ``command``; wall time, peak RSS of its process tree (MB), exit code, stdout."""
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in tree)
                peak[0] = max(peak[0], rss)
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
    """Run one of this file's worker functions in a child process and read its JSON."""
    run = measured([sys.executable, __file__, "--worker", kind, *args], timeout)
    result = {k: run[k] for k in ("seconds", "peak_rss_mb", "timed_out")}
    if not run["timed_out"]:
        if run["returncode"] != 0:
            raise RuntimeError(f"worker {kind} failed: {run['stderr']}")
        result.update(json.loads(run["stdout"].strip().splitlines()[-1]))
    return result


# -- workers (child processes) -----------------------------------------------------------


def _bulk_load(dump: str, location: str) -> dict:
    import pyoxigraph as ox

    started = time.perf_counter()
    store = ox.Store(location)
    store.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
    store.flush()
    took = time.perf_counter() - started
    return {"load_seconds": round(took, 3), "quads": len(store)}


def _plain_shacl(union: str) -> dict:
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

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
    results = [
        r
        for r in report.objects(None, SH.result)
        if report.value(r, SH.resultSeverity) == SH.Violation
    ]
    violations = len(results)
    return {
        "parse_seconds": round(parsed, 3),
        "validate_seconds": round(took, 3),
        "triples": len(data),
        "conforms": bool(conforms),
        "violations": violations,
        "by_message": _by_message(report, results),
    }


def _by_message(report, results: list) -> dict[str, int]:
    """How many results each shape message accounts for, most first (ten at most)."""
    from collections import Counter

    from rdflib.namespace import SH

    counts = Counter(
        "; ".join(sorted(str(m) for m in report.objects(r, SH.resultMessage))) or "(no message)"
        for r in results
    )
    return dict(counts.most_common(10))


def _gate(data_dir: str, source_name: str) -> dict:
    """The gate on one source against plain pySHACL on the same source."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    from nbkg.graph.build import discover, extract
    from nbkg.graph.gate import TypeIndex, check
    from nbkg.ontology import ontology_graph, shapes_graph

    started = time.perf_counter()
    extractions, failures = extract(discover(Path(data_dir)))
    extracted = time.perf_counter() - started
    (planted,) = [e for e in extractions if e.source.name == source_name]
    index = TypeIndex()
    for extraction in extractions:
        index.add(extraction.graph)
    ontology_graph(), shapes_graph()  # cached: load them outside the timings
    started = time.perf_counter()
    violations = check(planted, index)
    gate_seconds = time.perf_counter() - started
    # Plain: the source, the ontology, and the types of what it refers to (from every source),
    # which sh:class needs; no focus nodes, no filtering of results.
    started = time.perf_counter()
    data = Graph()
    data += planted.graph
    data += ontology_graph()
    subjects = set(planted.graph.subjects())
    referenced = {o for o in planted.graph.objects() if o not in subjects}
    for extraction in extractions:
        if extraction is planted:
            continue
        for s, o in extraction.graph.subject_objects(RDF.type):
            if s in referenced:
                data.add((s, RDF.type, o))
    prepared = time.perf_counter() - started
    started = time.perf_counter()
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", allow_warnings=True, advanced=True
    )
    plain_seconds = time.perf_counter() - started
    results = [
        r
        for r in report.objects(None, SH.result)
        if report.value(r, SH.resultSeverity) == SH.Violation
    ]
    own = [r for r in results if report.value(r, SH.focusNode) in subjects]
    return {
        "source": source_name,
        "source_triples": len(planted.graph),
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


WORKERS = {"bulk_load": _bulk_load, "plain_shacl": _plain_shacl, "gate": _gate}


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
    """Each canned query as ``nbkg query --canned NAME`` runs it, through the Python API."""
    from nbkg.graph.catalogue import catalogue
    from nbkg.graph.oxigraph_store import OxigraphStore
    from nbkg.graph.sparql import canned, query_form

    out: dict[str, dict] = {}
    with OxigraphStore(store, read_only=True) as opened:
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

    quads, union = folder / "named.nq", folder / "union.nt"
    dump(store, quads, union)
    say(f"[{size}] bare pyoxigraph bulk load")
    result["bare_load"] = worker("bulk_load", str(quads), str(folder / "bare-store"))
    say(f"[{size}] plain pySHACL over the whole graph (timeout {args.shacl_timeout:g} s)")
    shacl = worker("plain_shacl", str(union), timeout=args.shacl_timeout)
    shacl["timeout_seconds"] = args.shacl_timeout
    result["plain_shacl"] = shacl

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


# -- the report --------------------------------------------------------------------------


def shacl_seconds(r: dict) -> tuple[float, bool]:
    """Plain whole-graph validation time and whether it is only a lower bound (timed out)."""
    s = r["plain_shacl"]
    if s["timed_out"]:
        return s["timeout_seconds"], True
    return s["validate_seconds"], False


def ratios(results: list[dict]) -> dict:
    out: dict = {"per_size": {}}
    for r in results:
        plain, lower = shacl_seconds(r)
        bare = r["bare_load"]["load_seconds"]
        per = {
            "build_over_bare_load_plus_validation": round(
                r["build"]["seconds"] / (bare + plain), 3
            ),
            "build_ratio_is_upper_bound": lower,
            "gate_over_plain_pyshacl": round(
                r["gate"]["gate_seconds"] / r["gate"]["plain_seconds"], 3
            ),
        }
        if "web" in r:
            per["throughput_nbkg_over_oxigraph"] = r["web"]["throughput_ratio"]
        out["per_size"][str(r["size"])] = per
    if len(results) > 1:
        small, large = results[0], results[-1]
        factor = large["size"] / small["size"]
        growth = {
            "build": large["build"]["seconds"] / small["build"]["seconds"],
            "bare_load": large["bare_load"]["load_seconds"] / small["bare_load"]["load_seconds"],
            "gate": large["gate"]["gate_seconds"] / small["gate"]["gate_seconds"],
        }
        for name, q in large["queries"].items():
            base = small["queries"][name]["median_ms"]
            growth[f"query {name}"] = q["median_ms"] / base if base else None
        out["growth"] = {
            "from": small["size"],
            "to": large["size"],
            "size_factor": factor,
            "time_factor": {k: round(v, 2) if v else None for k, v in growth.items()},
        }
    return out


def markdown(report: dict) -> str:
    results = report["results"]
    lines = [
        "# nbkg benchmark suite",
        "",
        f"Run {report['started']} on {report['machine']['platform']}, "
        f"{report['machine']['cpus']} CPUs, Python {report['machine']['python']}; "
        f"seed {report['seed']}. Command: `{report['command']}`.",
        "",
        "Absolute times on a shared machine mean little; ratios and growth are what count.",
        "",
    ]
    for r in results:
        size, b, ratio = r["size"], r["build"], report["ratios"]["per_size"][str(r["size"])]
        plain, lower = shacl_seconds(r)
        shown = f"> {plain:g} s (timed out)" if lower else f"{plain:.1f} s"
        g = r["gate"]
        lines += [
            f"## {size:,} triples asked",
            "",
            f"Store: {r['store']['union_triples']:,} triples in the union, "
            f"{r['store']['named_graph_quads']:,} quads in named graphs; "
            f"{r['generated']['clusters']:,} synthetic clusters, "
            f"{r['generated']['documents']} documents. Build: {b['summary']}.",
            "",
            "| measurement | time | peak memory |",
            "|---|---:|---:|",
            f"| `nbkg build` (SHACL gate per source) | {b['seconds']:.1f} s | "
            f"{b['peak_rss_mb']:.0f} MB |",
            f"| bare `Store.bulk_load` of the same quads | {r['bare_load']['load_seconds']:.1f} s "
            f"| {r['bare_load']['peak_rss_mb']:.0f} MB |",
            f"| plain pySHACL, whole graph (parse not counted) | {shown} | "
            f"{r['plain_shacl']['peak_rss_mb']:.0f} MB |",
            f"| gate on `{g['source']}` ({g['source_triples']:,} triples) | "
            f"{g['gate_seconds']:.2f} s | |",
            f"| plain pySHACL on the same source | {g['plain_seconds']:.2f} s | |",
            "",
            f"Planted violations: {g['planted']}; the gate reports {g['gate_violations']}, "
            f"plain pySHACL {g['plain_violations']} on the source's own nodes "
            f"({'same count' if g['same_count'] else 'DIFFERENT counts'}; "
            f"{g['plain_violations_all_focus_nodes']} counting the entities it refers to, "
            f"which the added types make focus nodes). Plain pySHACL over the whole graph "
            f"(which the gate accepted source by source): "
            + (
                "timed out."
                if lower
                else f"{r['plain_shacl']['violations']} violations, conforms "
                f"{r['plain_shacl']['conforms']}; by message:"
            ),
            "",
            *([] if lower else [*_markdown_messages(r["plain_shacl"]["by_message"]), ""]),
            f"Ratios: build / (bare load + plain validation) = "
            f"{'< ' if lower else ''}{ratio['build_over_bare_load_plus_validation']:.2f}; "
            f"gate / plain pySHACL on the planted source = {ratio['gate_over_plain_pyshacl']:.2f}"
            + (
                f"; throughput nbkg / oxigraph = {ratio['throughput_nbkg_over_oxigraph']:.2f}"
                if "throughput_nbkg_over_oxigraph" in ratio
                else ""
            )
            + ".",
            "",
        ]
        if "web" in r:
            w = r["web"]
            lines += [
                "| web | value |",
                "|---|---:|",
                f"| `/sparql` nbkg ({w['clients']} clients, {w['seconds_per_side']:g} s) | "
                f"{w['nbkg_qps']:.1f} queries/s |",
                f"| `/query` oxigraph serve-read-only | {w['oxigraph_qps']:.1f} queries/s |",
                f"| throughput ratio nbkg / oxigraph (target >= 0.7) | "
                f"{w['throughput_ratio']:.2f} |",
                f"| entity page p50 / p95 (target p95 < 100 ms) | {w['page_p50_ms']:.1f} / "
                f"{w['page_p95_ms']:.1f} ms |",
                f"| search p50 / p95 | {w['search_p50_ms']:.1f} / {w['search_p95_ms']:.1f} ms |",
                f"| errors (oxigraph, nbkg) | {w['errors']['oxigraph']}, {w['errors']['nbkg']} |",
                "",
            ]
        lines += ["| canned query | first run | median | answer |", "|---|---:|---:|---:|"]
        for name, q in r["queries"].items():
            lines.append(
                f"| {name} | {q['first_ms']:.1f} ms | {q['median_ms']:.1f} ms | "
                f"{q['answer_bytes']:,} B |"
            )
        lines.append("")
    growth = report["ratios"].get("growth")
    if growth:
        lines += [
            f"## Growth from {growth['from']:,} to {growth['to']:,} triples "
            f"(size x{growth['size_factor']:g})",
            "",
            "| what | time factor |",
            "|---|---:|",
        ]
        for name, factor in growth["time_factor"].items():
            lines.append(f"| {name} | {'' if factor is None else f'x{factor:g}'} |")
        lines.append("")
    else:
        lines += ["One size only: no growth ratios (give two sizes or more).", ""]
    lines += ["Figure: `cost.png`, time against size (log-log).", ""]
    return "\n".join(lines)


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["store"]["union_triples"] for r in results]
    fig, ax = plt.subplots(figsize=(8, 5.5))
    marker = "o-"
    for name in results[0]["queries"]:
        ax.plot(
            sizes, [r["queries"][name]["median_ms"] / 1000 for r in results], marker,
            color="0.75", linewidth=0.8, markersize=3,
        )  # fmt: skip
    ax.plot([], [], marker, color="0.75", label="canned queries (median)")
    series = {
        "nbkg build": [r["build"]["seconds"] for r in results],
        "bare bulk_load": [r["bare_load"]["load_seconds"] for r in results],
        "plain pySHACL, whole graph": [shacl_seconds(r)[0] for r in results],
        "gate, planted source": [r["gate"]["gate_seconds"] for r in results],
    }
    for label, values in series.items():
        ax.plot(sizes, values, marker, label=label, linewidth=2)
    for r, x in zip(results, sizes, strict=True):
        if shacl_seconds(r)[1]:
            ax.annotate("timed out", (x, shacl_seconds(r)[0]), fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples in the store (union)")
    ax.set_ylabel("seconds")
    ax.set_title("nbkg: cost against graph size")
    ax.grid(True, which="both", linewidth=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def say(text: str) -> None:
    print(f"{datetime.now(timezone.utc):%H:%M:%S} {text}", flush=True)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        print(json.dumps(WORKERS[sys.argv[2]](*sys.argv[3:])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="triples, comma-separated")
    parser.add_argument("--out", type=Path, default=HERE / "report")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--violations", type=int, default=25, help="planted in one source")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each canned query")
    parser.add_argument("--shacl-timeout", type=float, default=900, help="plain pySHACL, s")
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
    """The command line without the scratch folder, which is this machine's."""
    shown, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--work":
            skip = True
        elif not arg.startswith("--work="):
            shown.append(arg)
    return shown


def write_report(report: dict, out: Path) -> None:
    report["ratios"] = ratios(report["results"])
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(markdown(report), encoding="utf-8")
    plot(report["results"], out / "cost.png")


def _markdown_messages(counts: dict[str, int]) -> list[str]:
    return [f"  - {n} × {message[:160]}" for message, n in counts.items()]


if __name__ == "__main__":
    main()
