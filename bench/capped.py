"""What the web's row cap saves when the server is told it (``LIMIT cap+1``).

Each canned query, unbound, is answered as the web answers it on a remote store
(``RemoteStore.run`` with the cap), once with the cap sent to the server and once the way
the store did before: every row fetched, parsed, then cut. The two ways alternate, so the
machine's noise falls on both alike. Times are medians of ``--runs`` after a warm-up;
memory is the peak of Python's allocations (tracemalloc) during one more run, which holds
the whole JSON answer when the cap is not sent. A way the server refuses says so (Virtuoso
cannot sort a long value in a whole answer). ``--runs 0``: one run each, no warm-up.

    python bench/capped.py --store http://127.0.0.1:7878/query [--cap 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import tracemalloc
from pathlib import Path

from nbkg.graph.remote_store import RemoteStore
from nbkg.graph.sparql import canned
from nbkg.graph.store import QueryError

QUERIES = sorted(p.stem for p in (Path(__file__).parents[1] / "queries").glob("*.rq"))
#: A visitor's first query at /sparql, besides the canned ones.
EVERY_TRIPLE = "SELECT * WHERE { ?s ?p ?o }"
#: The same with a limit of the visitor's own, above the cap: lowered to it when sent.
OWN_LIMIT = "SELECT * WHERE { ?s ?p ?o } LIMIT 1000000"


def answered(store: RemoteStore, sparql: str, cap: int, sent: bool) -> tuple[float, int]:
    """Seconds and rows kept: one run."""
    store._caps_sorted = sent  # noqa: SLF001 - the switch between the two ways measured
    started = time.perf_counter()
    answer = store.run(sparql, "json", limit=cap)
    return time.perf_counter() - started, answer.rows or 0


def peak_memory(store: RemoteStore, sparql: str, cap: int, sent: bool) -> int:
    """Peak bytes Python allocated in one run, apart from the timed ones: tracing every
    allocation slows the parsing of a big answer more than that of a small one."""
    tracemalloc.start()
    try:
        answered(store, sparql, cap, sent)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measured(
    store: RemoteStore, sparql: str, cap: int, runs: int, ways: tuple[bool, ...], memory: bool
) -> dict[bool, str]:
    """Per way (cap sent or not): the median time, the rows and the peak memory, or the
    server's refusal."""
    times: dict[bool, list[float]] = {True: [], False: []}
    rows: dict[bool, int] = {}
    refused: dict[bool, str] = {}
    for run in range(runs + 1):
        for sent in ways:
            if sent in refused:
                continue
            try:
                seconds, rows[sent] = answered(store, sparql, cap, sent)
            except QueryError as err:
                found = re.search(r"Error (SR\d+)", str(err))
                refused[sent] = f"refused ({found.group(1) if found else str(err)[:60]})"
                continue
            if run or not runs:  # no runs asked: the one run counts, no warm-up
                times[sent].append(seconds)
    cells = {}
    for sent in (False, True):
        if sent not in ways or sent in refused:
            cells[sent] = f"{refused.get(sent, 'not run')} | |"
            continue
        median = statistics.median(times[sent])
        peak = f"{peak_memory(store, sparql, cap, sent) / 2**20:,.1f} MiB" if memory else ""
        cells[sent] = f"{median * 1000:,.1f} ms | {rows[sent]:,} | {peak}"
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="a SPARQL query endpoint")
    parser.add_argument("--cap", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--query",
        action="append",
        help="a canned query (default: all, and every triple with and without a LIMIT)",
    )
    parser.add_argument(
        "--cap-only", action="store_true", help="only the cap sent (whole answers take minutes)"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the run that traces it")
    args = parser.parse_args()
    ways = (True,) if args.cap_only else (False, True)
    store = RemoteStore(args.store)
    print("| query | all rows sent | rows | memory | cap sent | rows | memory |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in args.query or [*QUERIES, EVERY_TRIPLE, OWN_LIMIT]:
        sparql = name if name in (EVERY_TRIPLE, OWN_LIMIT) else canned(name)
        cells = measured(store, sparql, args.cap, args.runs, ways, not args.no_memory)
        print(f"| {name} | {cells[False]} | {cells[True]} |", flush=True)


if __name__ == "__main__":
    main()
