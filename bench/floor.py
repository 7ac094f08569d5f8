"""How much a query's cost may grow from one store to a larger one on this machine.

The canned queries are built from a few ways of reaching the data: scanning an index,
turning stored ids back into text, joining by hash, looking up row by row, sorting. This
times each of them alone, over the memberships of two stores, so the growth of a whole
query can be read against the growth of its parts. A part that grows faster than the
rows it touches sets a floor no rewriting of the query can go under.

    python bench/floor.py --small STORE_1M --large STORE_10M [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

PREFIXES = """PREFIX nbkg: <https://w3id.org/nbkg/def#>
PREFIX org: <http://www.w3.org/ns/org#>
"""
#: Each part, as a query whose answer is small or needs no text, unless text is the point.
PARTS = {
    "index scan, no text": ("SELECT ?x WHERE { ?m org:organization ?c BIND (1 AS ?x) }"),
    "text of ids, in index order": "SELECT ?m WHERE { ?m a nbkg:Membership }",
    "text of ids, in random order": "SELECT ?m WHERE { ?m org:organization ?c }",
    "hash join of two scans, no text": """SELECT (COUNT(*) AS ?n) WHERE {
        { SELECT ?m ?c WHERE { ?m org:organization ?c } }
        { SELECT ?m ?o WHERE { ?m org:member ?o } } }""",
    "lookup row by row, no text": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?m org:organization ?c . ?m org:member ?o }"
    ),
    "group by id, no text": (
        "SELECT ?o (COUNT(*) AS ?n) WHERE { ?m org:member ?o } GROUP BY ?o LIMIT 1"
    ),
    "sort by text": "SELECT ?m WHERE { ?m a nbkg:Membership } ORDER BY ?m LIMIT 1",
}
ROWS = "SELECT (COUNT(*) AS ?n) WHERE { ?m a nbkg:Membership }"


def timed(store: ox.Store, sparql: str, runs: int) -> float:
    """Median seconds of ``runs`` runs after one warm-up, the answer written as TSV."""
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        store.query(PREFIXES + sparql).serialize(format=ox.QueryResultsFormat.TSV)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def memberships(store: ox.Store) -> int:
    return int(next(iter(store.query(PREFIXES + ROWS)))["n"].value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=Path, required=True)
    parser.add_argument("--large", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    small, large = ox.Store.read_only(str(args.small)), ox.Store.read_only(str(args.large))
    rows = memberships(large) / memberships(small)
    print(f"memberships x{rows:.1f} ({memberships(small):,} -> {memberships(large):,})\n")
    print("| part | small | large | growth |")
    print("|---|---:|---:|---:|")
    for name, sparql in PARTS.items():
        a, b = timed(small, sparql, args.runs), timed(large, sparql, args.runs)
        print(f"| {name} | {a * 1000:,.0f} ms | {b * 1000:,.0f} ms | x{b / a:.1f} |", flush=True)


if __name__ == "__main__":
    main()
