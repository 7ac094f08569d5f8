"""Benchmark of the web front end against ``oxigraph serve-read-only`` on the same store.

1. ``/sparql`` throughput on a fixed query mix, nbkg and Oxigraph's own server measured
   side by side in one run (alternating rounds, same client, same store), reported as the
   ratio nbkg / oxigraph. The target is at least 0.7.
2. Entity page latency: ``/page/<slug>`` of random clusters, p50 and p95 (target p95 < 100 ms).

    python bench/generate.py --triples 1000000 --store /tmp/nbkg-1m
    python bench/web.py --store /tmp/nbkg-1m

Run on demand, never from the test suite: absolute times on a shared machine mean little,
the ratio is what counts.
"""

from __future__ import annotations

import argparse
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

PREFIX = """PREFIX nbkg: <https://w3id.org/nbkg/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX id: <https://w3id.org/nbkg/id/>
"""
#: The fixed mix: what researchers ask most, from lookups to aggregates over every cluster.
MIX = {
    "clusters-per-country": """SELECT ?country (COUNT(?c) AS ?n)
        WHERE { ?c a nbkg:Cluster ; nbkg:country ?country } GROUP BY ?country ORDER BY DESC(?n)""",
    "members-of-a-cluster": """SELECT ?m ?name ?role WHERE {
        ?ms org:organization id:bench-cluster-{n} ; org:member ?m ; org:role ?role .
        ?m rdfs:label ?name } ORDER BY ?name""",
    "funding-by-year": """SELECT ?year ?currency (SUM(?amount) AS ?total) (COUNT(?a) AS ?awards)
        WHERE { ?a a nbkg:FundingAward ; nbkg:amount ?amount ; nbkg:currency ?currency ;
        nbkg:startDate ?start BIND (STR(?start) AS ?year) } GROUP BY ?year ?currency
        ORDER BY ?year""",
    "firms-in-a-region": """SELECT ?firm ?name WHERE {
        ?ms org:organization ?c ; org:member ?firm . ?c nbkg:locatedIn id:no-bench-region-{r} .
        ?firm rdfs:label ?name } LIMIT 200""",
    "name-lookup": """SELECT ?e ?name WHERE { ?e rdfs:label ?name
        FILTER (STRSTARTS(?name, "Skog")) } LIMIT 50""",
    "entity-exists": "ASK { id:bench-firm-{n}-3 ?p ?o }",
    "describe-entity": """CONSTRUCT { id:bench-cluster-{n} ?p ?o }
        WHERE { id:bench-cluster-{n} ?p ?o }""",
    "organisations-in-several-clusters": """SELECT ?org (COUNT(DISTINCT ?c) AS ?clusters)
        WHERE { ?ms org:member ?org ; org:organization ?c } GROUP BY ?org
        HAVING (COUNT(DISTINCT ?c) > 1) LIMIT 100""",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen) -> None:
    for _ in range(600):
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=60)
            return
        except requests.ConnectionError:
            if process.poll() is not None:
                sys.exit(f"server exited: {process.args}")
            time.sleep(0.1)
    sys.exit(f"server did not start: {url}")


def queries(clusters: int, rng: random.Random) -> list[tuple[str, str]]:
    picked = []
    for name, text in MIX.items():
        n, r = rng.randrange(clusters), rng.randrange(40)
        picked.append((name, PREFIX + text.replace("{n}", str(n)).replace("{r}", str(r))))
    return picked


def load(url: str, clients: int, seconds: float, clusters: int) -> tuple[float, int]:
    """Queries per second over ``seconds`` with ``clients`` threads, and the error count."""
    done, errors = [0], [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        while time.perf_counter() < stop:
            for _, text in queries(clusters, rng):
                response = session.post(
                    url,
                    data={"query": text},
                    headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"},
                    timeout=60,
                )
                with lock:
                    done[0] += 1
                    errors[0] += response.status_code != 200

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - started), errors[0]


def per_query(urls: dict[str, str], clusters: int, repeats: int = 5) -> None:
    """One client, one query at a time: the median time of each query on each server."""
    rng = random.Random(11)
    session = requests.Session()
    print(f"  {'query':36} " + " ".join(f"{name:>10}" for name in urls) + "   ratio")
    for name, text in queries(clusters, rng):
        medians = []
        for url in urls.values():
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                response = session.post(
                    url, data={"query": text}, timeout=60,
                    headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"},
                )  # fmt: skip
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, name, response.text[:200])
            medians.append(statistics.median(times))
        cells = " ".join(f"{m:8.1f}ms" for m in medians)
        print(f"  {name:36} {cells}   {medians[0] / medians[1]:.2f}")


def page_latency(base: str, clusters: int, pages: int) -> list[float]:
    rng = random.Random(3)
    session = requests.Session()
    times = []
    for _ in range(pages):
        slug = f"bench-cluster-{rng.randrange(clusters)}"
        started = time.perf_counter()
        response = session.get(f"{base}/page/{slug}", headers={"Accept": "text/html"}, timeout=30)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (slug, response.status_code)
    return times


def search_latency(base: str, terms: list[str], searches: int) -> list[float]:
    """Times of ``/search?q=…`` for ``searches`` terms drawn from ``terms``, in ms."""
    rng = random.Random(5)
    session = requests.Session()
    times = []
    for _ in range(searches):
        term = rng.choice(terms)
        started = time.perf_counter()
        response = session.get(
            f"{base}/search", params={"q": term}, headers={"Accept": "text/html"}, timeout=30
        )
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (term, response.status_code)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]


@contextmanager
def servers(store: Path) -> Iterator[tuple[str, str, str]]:
    """``oxigraph serve-read-only`` and ``nbkg serve`` on ``store``, started and ready:
    yields the Oxigraph query URL, the nbkg ``/sparql`` URL and the nbkg base URL."""
    venv_bin = Path(sys.executable).parent
    oxigraph = shutil.which("oxigraph") or str(venv_bin / "oxigraph")
    nbkg = shutil.which("nbkg") or str(venv_bin / "nbkg")
    ox_port, nb_port = free_port(), free_port()
    started = [
        subprocess.Popen(
            [oxigraph, "serve-read-only", "--location", str(store),
             "--bind", f"127.0.0.1:{ox_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [nbkg, "serve", "--store", str(store), "--port", str(nb_port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    ox_url, nb_url = f"http://127.0.0.1:{ox_port}/query", f"http://127.0.0.1:{nb_port}/sparql"
    try:
        wait_for(ox_url, started[0])
        wait_for(nb_url, started[1])
        yield ox_url, nb_url, f"http://127.0.0.1:{nb_port}"
    finally:
        for server in started:
            server.terminate()
            server.wait(timeout=30)


def bench_clusters(nb_url: str) -> tuple[int, int]:
    """Clusters in the store, and how many of them are synthetic (``bench-cluster-0…N-1``)."""

    def count(where: str) -> int:
        response = requests.post(
            nb_url, data={"query": PREFIX + f"SELECT (COUNT(?c) AS ?n) {{ {where} }}"},
            headers={"Accept": "application/sparql-results+json"}, timeout=60,
        )  # fmt: skip
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    synthetic = 'FILTER (STRSTARTS(STR(?c), "https://w3id.org/nbkg/id/bench-cluster-"))'
    return count("?c a nbkg:Cluster"), max(1, count(f"?c a nbkg:Cluster {synthetic}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    with servers(args.store) as (ox_url, nb_url, nb_base):
        count, clusters = bench_clusters(nb_url)
        print(f"store {args.store}: {count} clusters; {args.clients} clients, "
              f"{args.seconds:g} s per round, {args.rounds} rounds each")  # fmt: skip
        for url in (ox_url, nb_url):  # warm both caches the same way
            load(url, args.clients, 3, clusters)
        print("per query, one client (ratio = oxigraph time / nbkg time):")
        per_query({"oxigraph": ox_url, "nbkg": nb_url}, clusters)
        results: dict[str, list[float]] = {"oxigraph": [], "nbkg": []}
        for _ in range(args.rounds):
            for name, url in (("oxigraph", ox_url), ("nbkg", nb_url)):
                qps, errors = load(url, args.clients, args.seconds, clusters)
                results[name].append(qps)
                print(f"  {name:9} {qps:8.1f} queries/s  errors: {errors}")
        ox_qps, nb_qps = statistics.median(results["oxigraph"]), statistics.median(results["nbkg"])
        print(f"throughput ratio nbkg/oxigraph: {nb_qps / ox_qps:.2f} (target >= 0.7)")
        times = page_latency(nb_base, clusters, args.pages)
        p50 = statistics.median(times)
        print(f"entity pages: {len(times)} pages, p50 {p50:.1f} ms, p95 {p95(times):.1f} ms "
              f"(target p95 < 100 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
