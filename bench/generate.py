"""A synthetic nbkg graph of a chosen size, for benchmarks only.

The bundled data is built first (ontology, real clusters), then synthetic clusters, firms,
memberships and funding awards are added in the same shapes the loaders produce, each kind
in its own named graph, until the store holds about the number of triples asked for. The
default graph (the union) is written alongside, as the build would keep it.

    python bench/generate.py --triples 1000000 --store /tmp/nbkg-1m
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from nbkg.graph.build import build, bundled_data_dir
from nbkg.graph.oxigraph_store import OxigraphStore

NBKG = "https://w3id.org/nbkg/def#"
ID = "https://w3id.org/nbkg/id/"
GRAPH = "https://w3id.org/nbkg/graph/bench/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ORG = "http://www.w3.org/ns/org#"
PROV_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
COUNTRIES = ["no", "se", "dk", "fi", "is"]
ROLES = ["member", "rd-partner", "founder", "partner", "host"]
SECTORS = ["forest", "pulp-paper", "food", "marine", "bioenergy", "biotech"]
WORDS = ["Nord", "Skog", "Bio", "Hav", "Fjell", "Tre", "Lax", "Grön", "Arktisk", "Värme",
         "Øst", "Vest", "Energi", "Mat", "Fisk", "Papir", "Kraft", "Innovasjon"]  # fmt: skip
# Triples per unit, as written below: cluster 9, firm 7, membership 9, award 10.
_PER_CLUSTER = 9 + 40 * (7 + 9) + 2 * 10


def n(kind: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(f"{kind}{local}")


def lit(value: object, datatype: str | None = None) -> ox.Literal:
    if datatype:
        return ox.Literal(str(value), datatype=ox.NamedNode(datatype))
    return ox.Literal(str(value))


def quads(target: int, seed: int = 7) -> Iterator[ox.Quad]:
    """About ``target`` triples, each in its kind's named graph and in the default graph."""
    rng = random.Random(seed)
    clusters = max(1, target // _PER_CLUSTER)
    graphs = {k: n(GRAPH, k) for k in ("clusters", "organisations", "memberships", "awards")}
    source = n("https://example.org/bench/", "source")

    def emit(graph: str, s: ox.NamedNode, p: ox.NamedNode, o: object) -> Iterator[ox.Quad]:
        yield ox.Quad(s, p, o, graphs[graph])  # type: ignore[arg-type]
        yield ox.Quad(s, p, o, ox.DefaultGraph())  # type: ignore[arg-type]

    for c in range(clusters):
        country = COUNTRIES[c % len(COUNTRIES)]
        cluster = n(ID, f"bench-cluster-{c}")
        name = f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()} klynge {c}"
        for p, o in (
            (RDF_TYPE, n(NBKG, "Cluster")),
            (LABEL, lit(name)),
            (n(NBKG, "country"), n(ID, country)),
            (n(NBKG, "locatedIn"), n(ID, f"{country}-bench-region-{c % 40}")),
            (n(NBKG, "hasSector"), n("https://w3id.org/nbkg/def/sector/", rng.choice(SECTORS))),
            (n(NBKG, "foundingDate"), lit(1990 + c % 35, "http://www.w3.org/2001/XMLSchema#gYear")),
            (n(NBKG, "keyword"), lit(rng.choice(WORDS).lower())),
            (n(NBKG, "evidenceKind"), n("https://w3id.org/nbkg/def/evidence/", "self-claimed")),
            (PROV_FROM, source),
        ):
            yield from emit("clusters", cluster, p, o)
        for m in range(40):
            firm = n(ID, f"bench-firm-{c}-{m}")
            for p, o in (
                (RDF_TYPE, n(NBKG, "Firm")),
                (LABEL, lit(f"{rng.choice(WORDS)} {rng.choice(WORDS)} AS {c}-{m}")),
                (n(NBKG, "country"), n(ID, country)),
                (n(NBKG, "hasSector"), n("https://w3id.org/nbkg/def/sector/", rng.choice(SECTORS))),
                (
                    n(NBKG, "evidenceKind"),
                    n("https://w3id.org/nbkg/def/evidence/", "document-stated"),
                ),
                (PROV_FROM, source),
                (
                    n("http://xmlns.com/foaf/0.1/", "homepage"),
                    n("https://example.org/", f"f{c}-{m}"),
                ),
            ):
                yield from emit("organisations", firm, p, o)
            membership = n(ID, f"membership-bench-{c}-{m}")
            role = ROLES[m % len(ROLES)]
            for p, o in (
                (RDF_TYPE, n(NBKG, "Membership")),
                (RDF_TYPE, n(ORG, "Membership")),
                (n(ORG, "member"), firm),
                (n(ORG, "organization"), cluster),
                (n(ORG, "role"), n("https://w3id.org/nbkg/def/role/", role)),
                (
                    n(NBKG, "startDate"),
                    lit(2000 + m % 25, "http://www.w3.org/2001/XMLSchema#gYear"),
                ),
                (n(NBKG, "evidenceKind"), n("https://w3id.org/nbkg/def/evidence/", "self-claimed")),
                (PROV_FROM, source),
                (LABEL, lit(f"membership {c}-{m}")),
            ):
                yield from emit("memberships", membership, p, o)
        for a in range(2):
            award = n(ID, f"award-bench-{c}-{a}")
            for p, o in (
                (RDF_TYPE, n(NBKG, "FundingAward")),
                (n(NBKG, "recipient"), cluster),
                (n(NBKG, "funder"), n(ID, "innovasjon-norge" if country == "no" else "vinnova")),
                (n(NBKG, "amount"), lit(rng.randrange(100_000, 9_000_000), f"{XSD}decimal")),
                (n(NBKG, "currency"), lit("NOK" if country == "no" else "SEK")),
                (n(NBKG, "startDate"), lit(2010 + (c + a) % 15, f"{XSD}gYear")),
                (n(NBKG, "awardStatus"), n("https://w3id.org/nbkg/def/status/", "granted")),
                (
                    n(NBKG, "evidenceKind"),
                    n("https://w3id.org/nbkg/def/evidence/", "document-stated"),
                ),
                (PROV_FROM, source),
                (LABEL, lit(f"award {c}-{a}")),
            ):
                yield from emit("awards", award, p, o)


XSD = "http://www.w3.org/2001/XMLSchema#"


def generate(location: Path, triples: int) -> int:
    """Build the bundled data into a new store at ``location`` and pad it to ``triples``."""
    with OxigraphStore(location) as store:
        build(store, bundled_data_dir())
        store._store.bulk_extend(quads(triples))
        store._store.optimize()
        total = len(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        count = int(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
    assert total == 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--store", type=Path, required=True)
    args = parser.parse_args()
    if args.store.exists():
        parser.error(f"{args.store} exists; give a new folder")
    started = time.perf_counter()
    count = generate(args.store, args.triples)
    print(f"{count} triples in the union at {args.store} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
