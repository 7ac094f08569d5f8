"""A synthetic nbkg graph of a chosen size, for benchmarks only.

Two outputs, both deterministic for a given ``--seed``:

``--store DIR``: the bundled data is built first (ontology, real clusters), then synthetic
clusters, firms, memberships and funding awards are added in the same shapes the loaders
produce, each kind in its own named graph, until the store holds about the number of
triples asked for. The default graph (the union) is written alongside, as the build would
keep it.

``--data DIR``: a data folder for ``nbkg build --data DIR``: the bundled registry tables
and curated files with synthetic rows appended (clusters, firms, memberships, awards) and
plain-text press releases in ``documents/`` whose facts cite the sentence that states them.
``--violations N`` plants N SHACL violations in one source, ``registry/awards.csv`` (an
award whose currency is not an ISO 4217 code of the shapes' list), so the gate rejects it.

    python bench/generate.py --triples 1000000 --store /tmp/nbkg-1m
    python bench/generate.py --triples 1000000 --data nbkg-1m-data --violations 50
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
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


def generate(location: Path, triples: int, seed: int = 7) -> int:
    """Build the bundled data into a new store at ``location`` and pad it to ``triples``."""
    with OxigraphStore(location) as store:
        build(store, bundled_data_dir())
        store._store.bulk_extend(quads(triples, seed))
        store._store.optimize()
        total = len(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        count = int(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
    assert total == 1
    return count


# -- a data folder for `nbkg build` ------------------------------------------------------

#: Triples the registry loader makes of one synthetic cluster with its firms, memberships and
#: awards (measured on the loader's output; see :func:`triples_per_cluster`).
FIRMS_PER_CLUSTER = 40
AWARDS_PER_CLUSTER = 2
#: A planted violation: not one of the currencies the shapes allow (``sh:in``).
BAD_CURRENCY = "XBT"
REGIONS = 40
REGISTRY_ROLES = ["member", "r&d partner", "core member", "partner", "member"]
CITIES = {
    "NO": ["Bodø", "Trondheim", "Tromsø", "Mo i Rana", "Ålesund"],
    "SE": ["Umeå", "Karlstad", "Luleå", "Örnsköldsvik", "Sundsvall"],
    "DK": ["Aarhus", "Esbjerg", "Odense", "Aalborg", "Foulum"],
    "FI": ["Oulu", "Vaasa", "Lahti", "Joensuu", "Kuopio"],
    "IS": ["Akureyri", "Selfoss", "Ísafjörður", "Húsavík", "Egilsstaðir"],
}
FUNDERS = {"NO": "innovasjon-norge", "SE": "vinnova"}
FOCUS = ["forestry", "bioenergy", "pulp and paper", "food", "aquaculture", "biotechnology",
         "biorefining", "wood construction", "seafood", "circular economy"]  # fmt: skip


def _cluster_name(c: int, rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()} Cluster {c}"


def _firm_name(c: int, m: int, rng: random.Random) -> str:
    return f"{rng.choice(WORDS)} {rng.choice(WORDS)} AS {c}-{m}"


def _existing_ids(folder: Path, table: str, column: str = "id") -> set[str]:
    with (folder / "registry" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return {row[column] for row in csv.DictReader(f)}


def rows(clusters: int, seed: int, violations: int, programmes: set[str]) -> dict[str, list]:
    """Synthetic registry rows: ``clusters`` clusters with their firms, memberships, awards."""
    rng = random.Random(seed)
    out: dict[str, list] = {"clusters": [], "organisations": [], "memberships": [], "awards": []}
    countries = [c.upper() for c in COUNTRIES]
    programme = {"NO": "no-arena", "SE": "se-vinnvaxt"}
    for c in range(clusters):
        country = countries[c % len(countries)]
        cid = f"bench-cluster-{c}"
        site = f"https://bench-cluster-{c}.example.org"
        focus = ";".join(rng.sample(FOCUS, 2))
        out["clusters"].append({
            "id": cid, "name": _cluster_name(c, rng), "country": country,
            "region": f"Bench Region {c % REGIONS}", "city": rng.choice(CITIES[country]),
            "founded": str(1990 + c % 35), "website": site, "focus": focus,
            "participant_count": str(FIRMS_PER_CLUSTER + c % 20),
            "participant_count_year": str(2015 + c % 10), "source_url": f"{site}/about",
        })  # fmt: skip
        for m in range(FIRMS_PER_CLUSTER):
            fid = f"bench-firm-{c}-{m}"
            out["organisations"].append({
                "id": fid, "name": _firm_name(c, m, rng), "type": "Firm", "country": country,
                "city": rng.choice(CITIES[country]), "website": f"https://f{c}-{m}.example.org",
                "source_url": f"https://news.example.org/{c}/{m // 10}",
            })  # fmt: skip
            out["memberships"].append({
                "organisation_id": fid, "cluster_id": cid,
                "role": REGISTRY_ROLES[m % len(REGISTRY_ROLES)],
                "source_url": f"{site}/members",
            })  # fmt: skip
        prog = programme.get(country)
        for a in range(AWARDS_PER_CLUSTER if prog in programmes else 0):
            out["awards"].append({
                "cluster_id": cid, "programme_id": prog, "start_year": str(2010 + (c + a) % 12),
                "end_year": str(2013 + (c + a) % 12),
                "amount": str(rng.randrange(100, 9000) * 1000),
                "currency": "NOK" if country == "NO" else "SEK",
                "source_url": f"https://news.example.org/awards/{c}",
            })  # fmt: skip
    bad = rng.sample(range(len(out["awards"])), min(violations, len(out["awards"])))
    for i in bad:
        out["awards"][i]["currency"] = BAD_CURRENCY
    return out


DOCUMENT = """{cluster} receives {currency} {amount} million

The {cluster}, a network of firms and researchers based in {country}, has been granted \
{currency} {amount} million from {funder}. Its secretariat is in {city}. \
Among its members are {firm1} and {firm2}. The cluster is hosted by {host}.

"{quote}," says cluster manager {person}. Last year {firm3} joined the cluster as well.
"""
QUOTES = ["We will move from pilot plants to industrial volumes",
          "Our members have shown what Nordic biomass can do",
          "The funding lets us build a shared test facility"]  # fmt: skip
COUNTRY_NAMES = {"NO": "Norway", "SE": "Sweden", "DK": "Denmark", "FI": "Finland", "IS": "Iceland"}
FUNDER_NAMES = {"NO": "Innovation Norway", "SE": "Vinnova", "DK": "Innovation Fund Denmark",
                "FI": "Business Finland", "IS": "Rannís"}  # fmt: skip
PEOPLE = ["Ingrid Solheim", "Lars Nyberg", "Maja Lund", "Erik Holm", "Sara Berg"]


def documents(count: int, clusters: int, seed: int) -> list[tuple[str, str]]:
    """``count`` English press releases about synthetic clusters: (file name, text)."""
    rng = random.Random(seed + 1)
    docs = []
    for d in range(count):
        c = rng.randrange(max(1, clusters))
        country = ["NO", "SE", "DK", "FI", "IS"][c % 5]
        currency = {"NO": "NOK", "SE": "SEK", "DK": "DKK", "IS": "ISK"}.get(country, "EUR")
        firm = [f"{rng.choice(WORDS)} {rng.choice(WORDS[:9])}tek AS" for _ in range(4)]
        text = DOCUMENT.format(
            cluster=f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()} Bio Cluster",
            currency=currency, amount=f"{rng.randrange(2, 40) / 2:g}",
            city=rng.choice(CITIES[country]),
            funder=FUNDER_NAMES[country], country=COUNTRY_NAMES[country],
            firm1=firm[0], firm2=firm[1], firm3=firm[2], host=firm[3],
            quote=rng.choice(QUOTES), person=rng.choice(PEOPLE),
        )  # fmt: skip
        docs.append((f"bench-{d:05d}.txt", text))
    return docs


#: Triples the loaders make of the bundled data, of one synthetic cluster (with its 40 firms,
#: memberships, awards) and of one press release, measured on the loaders' output.
BUNDLED_TRIPLES, PER_CLUSTER, PER_DOCUMENT = 7_600, 588, 185


def write_data(
    folder: Path,
    triples: int,
    *,
    seed: int = 7,
    violations: int = 0,
    docs: int | None = None,
    per_cluster: float | None = None,
) -> dict[str, int]:
    """Write a data folder of about ``triples`` triples (after loading) to ``folder``.

    The bundled registry and curated files are copied, synthetic rows appended to the
    registry tables, and ``docs`` press releases (default: one per 20,000 triples, at
    least 5) written to ``documents/``. ``per_cluster`` is the number of triples one
    synthetic cluster turns into (default: an estimate); returns what was written.
    """
    bundled = bundled_data_dir()
    folder.mkdir(parents=True, exist_ok=False)
    for sub in ("registry", "curated"):
        shutil.copytree(bundled / sub, folder / sub, ignore=shutil.ignore_patterns("__*"))
    docs = max(5, triples // 20_000) if docs is None else docs
    synthetic = triples - BUNDLED_TRIPLES - docs * PER_DOCUMENT
    clusters = max(1, round(synthetic / (per_cluster or PER_CLUSTER)))
    programmes = _existing_ids(folder, "programmes")
    made = rows(clusters, seed, violations, programmes)
    for table, new in made.items():
        path = folder / "registry" / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        with path.open("a", encoding="utf-8", newline="") as f:
            if not path.read_bytes().endswith(b"\n"):
                f.write("\n")
            writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
            writer.writerows({k: row.get(k, "") for k in header} for row in new)
    (folder / "documents").mkdir()
    for name, text in documents(docs, clusters, seed):
        (folder / "documents" / name).write_text(text, encoding="utf-8")
    planted = sum(r["currency"] == BAD_CURRENCY for r in made["awards"])
    return {"clusters": clusters, "documents": docs, "violations": planted}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--store", type=Path, help="write a store (the bulk-loaded graph)")
    where.add_argument("--data", type=Path, help="write a data folder for nbkg build --data")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--violations", type=int, default=0, help="(--data) planted in awards")
    parser.add_argument("--documents", type=int, default=None, help="(--data) press releases")
    args = parser.parse_args()
    target = args.store or args.data
    if target.exists():
        parser.error(f"{target} exists; give a new folder")
    started = time.perf_counter()
    if args.data:
        made = write_data(
            args.data, args.triples, seed=args.seed, violations=args.violations, docs=args.documents
        )
        print(f"data folder {args.data}: {made} in {time.perf_counter() - started:.1f} s")
        return
    count = generate(args.store, args.triples, seed=args.seed)
    print(f"{count} triples in the union at {args.store} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
