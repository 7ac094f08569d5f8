"""The registry loader (data/registry/*.csv): what it makes of each table, and what the build
keeps of it in the store (one named graph per table, with a PROV record of the load)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS, XSD

from nbkg.cli import main
from nbkg.graph.build import bundled_data_dir
from nbkg.loaders.base import Extraction, loaders

NBKG = "https://w3id.org/nbkg/def#"
ID = "https://w3id.org/nbkg/id/"
GRAPH = "https://w3id.org/nbkg/graph/"
EVIDENCE = "https://w3id.org/nbkg/def/evidence/"
TABLES = ["awards", "clusters", "memberships", "organisations", "programmes"]


n = Namespace(NBKG).term  # n("Cluster") is nbkg:Cluster
i = Namespace(ID).term  # i("paper-province") is the entity's IRI


@pytest.fixture(scope="module")
def extracted() -> dict[str, Extraction]:
    """Every registry table of the bundled data, extracted once for the module."""
    loader = loaders()["registry"]
    return {Path(s.name).stem: loader.extract(s) for s in loader.sources(bundled_data_dir())}


def test_sources_are_the_five_tables_each_with_its_own_graph(data_dir: Path) -> None:
    sources = loaders()["registry"].sources(data_dir)
    assert [s.name for s in sources] == [f"registry/{t}.csv" for t in TABLES]
    assert [str(s.graph) for s in sources] == [f"{GRAPH}registry/{t}" for t in TABLES]
    assert {s.loader for s in sources} == {"registry"}
    for source in sources:
        assert source.sha256 == hashlib.sha256(source.path.read_bytes()).hexdigest()


def test_cluster_row_becomes_a_located_cited_cluster(extracted: dict[str, Extraction]) -> None:
    clusters = extracted["clusters"]
    g, pp = clusters.graph, i("paper-province")
    assert (pp, RDF.type, n("Cluster")) in g
    assert (pp, RDFS.label, Literal("Paper Province")) in g
    assert (pp, n("country"), i("se")) in g
    assert (pp, n("locatedIn"), i("se-varmland")) in g
    assert (pp, n("locatedIn"), i("se-karlstad")) in g
    assert (pp, n("foundingDate"), Literal("1999", datatype=XSD.gYear)) in g
    page = URIRef("https://paperprovince.com/en/about-paper-province/history/")
    assert (pp, PROV.wasDerivedFrom, page) in g
    assert clusters.where(pp) == "registry/clusters.csv:28"
    # the participant count of Arctic Cluster Team (line 14) is a fact of its own
    count = next(g.subjects(n("countOf"), i("arctic-cluster-team")))
    assert g.value(count, n("count")) == Literal("83", datatype=XSD.nonNegativeInteger)
    assert g.value(count, n("asOf")) == Literal("2020", datatype=XSD.gYear)
    assert clusters.where(count) == "registry/clusters.csv:14"


@pytest.mark.parametrize(
    ("table", "node", "kind"),
    [
        # the cluster's own website (paperprovince.com) -> the cluster claims it itself
        ("clusters", "paper-province", "self-claimed"),
        ("memberships", "membership-billerud-paper-province-member", "self-claimed"),
        ("awards", "award-paper-province-se-vinnvaxt-2013", "self-claimed"),
        # any other page -> a document states it
        ("clusters", "woodworks", "document-stated"),
        ("clusters", "arctic-cluster-team", "document-stated"),  # eydecluster.com, not its own
        ("memberships", "membership-region-varmland-paper-province-partner", "document-stated"),
        ("awards", "award-paper-province-interreg-sverige-norge-2017", "document-stated"),
        ("organisations", "billerud", "document-stated"),  # organisations have no own site
    ],
)
def test_evidence_kind_follows_whose_page_the_source_is(
    extracted: dict[str, Extraction], table: str, node: str, kind: str
) -> None:
    g = extracted[table].graph
    assert list(g.objects(i(node), n("evidenceKind"))) == [URIRef(EVIDENCE + kind)]


def test_membership_and_award_rows(extracted: dict[str, Extraction]) -> None:
    memberships = extracted["memberships"].graph
    node = i("membership-aarhus-universitet-biocluster-foulum-rd-partner")  # "R&D partner"
    assert (node, RDF.type, n("Membership")) in memberships
    assert (node, ORG.member, i("aarhus-universitet")) in memberships
    assert (node, ORG.organization, i("biocluster-foulum")) in memberships
    assert (node, ORG.role, URIRef("https://w3id.org/nbkg/def/role/rd-partner")) in memberships
    assert extracted["memberships"].where(node) == "registry/memberships.csv:5"

    awards = extracted["awards"].graph
    award = i("award-krinova-interreg-south-baltic-2018")
    assert awards.value(award, n("amount")) == Literal("3800000", datatype=XSD.decimal)
    assert awards.value(award, n("currency")) == Literal("SEK")
    assert awards.value(award, n("recipient")) == i("krinova")
    assert awards.value(award, n("programme")) == i("interreg-south-baltic")
    assert awards.value(award, n("startDate")) == Literal("2018", datatype=XSD.gYear)


def test_references_use_the_iris_the_defining_table_mints(
    extracted: dict[str, Extraction],
) -> None:
    """Rows refer to each other by id and meet on one IRI: a membership names the very node
    organisations.csv types, and a programme names its funder the same way."""
    memberships = extracted["memberships"].graph
    organisations = extracted["organisations"].graph
    programmes = extracted["programmes"].graph
    members = set(memberships.objects(None, ORG.member))
    firms = set(organisations.subjects(RDF.type, n("Firm")))
    assert i("billerud") in members & firms
    assert (i("no-arena"), n("fundedBy"), i("innovasjon-norge")) in programmes
    assert (i("innovasjon-norge"), RDF.type, n("Funder")) in organisations


# ---- in the store --------------------------------------------------------------------


def test_each_table_has_its_own_graph_with_prov_of_the_load(built_store: Path, reader) -> None:
    rows = reader.select(
        built_store,
        """SELECT ?g ?activity ?started ?ended ?file ?name ?sha WHERE {
          GRAPH ?g {
            ?g prov:wasGeneratedBy ?activity ; prov:wasDerivedFrom ?file .
            ?activity a prov:Activity ; prov:startedAtTime ?started ; prov:endedAtTime ?ended ;
                prov:used ?file .
            ?file a nbkg:SourceFile ; nbkg:fileName ?name ; nbkg:sha256 ?sha .
          }
          FILTER STRSTARTS(STR(?g), "https://w3id.org/nbkg/graph/registry/")
        }""",
    )
    by_graph = {row["g"]: row for row in rows}
    assert sorted(by_graph) == [f"{GRAPH}registry/{t}" for t in TABLES]
    for table in TABLES:
        row = by_graph[f"{GRAPH}registry/{table}"]
        path = bundled_data_dir() / "registry" / f"{table}.csv"
        assert row["name"] == f"registry/{table}.csv"
        assert row["sha"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert row["started"] <= row["ended"]


def test_table_facts_live_in_their_tables_graph(built_store: Path, reader) -> None:
    rows = reader.select(
        built_store,
        """SELECT ?g WHERE { GRAPH ?g {
             id:membership-billerud-paper-province-member org:member id:billerud } }""",
    )
    assert [r["g"] for r in rows] == [f"{GRAPH}registry/memberships"]
    rows = reader.select(built_store, "SELECT ?g WHERE { GRAPH ?g { id:billerud a nbkg:Firm } }")
    assert [r["g"] for r in rows] == [f"{GRAPH}registry/organisations"]


@pytest.mark.parametrize(
    ("slug", "cls", "graphs"),
    [
        ("paper-province", "Cluster", ["curated/paper-province", "registry/clusters"]),
        ("alcoa-mosjoen", "Firm", ["curated/arctic-cluster-team", "registry/organisations"]),
        (
            "membership-alcoa-mosjoen-arctic-cluster-team-member",  # the same fact, stated twice
            "Membership",
            ["curated/arctic-cluster-team", "registry/memberships"],
        ),
    ],
)
def test_same_thing_in_two_sources_gets_one_iri(
    built_store: Path, reader, slug: str, cls: str, graphs: list[str]
) -> None:
    rows = reader.select(
        built_store,
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ id:{slug} a nbkg:{cls} }} }} ORDER BY ?g",
    )
    assert [r["g"] for r in rows] == [GRAPH + g for g in graphs]


def test_validate_accepts_the_bundled_tables(data_dir: Path) -> None:
    # memberships.csv is left out only because its SHACL check is the slowest (~4 s)
    tables = ["awards", "clusters", "organisations", "programmes"]
    paths = [str(data_dir / "registry" / f"{t}.csv") for t in tables]
    result = CliRunner().invoke(main, ["validate", *paths])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert [(parts[0], parts[1]) for parts in lines] == [
        ("valid", f"registry/{t}.csv") for t in tables
    ]
    assert all(int(parts[2]) > 100 and parts[3] == "triples" for parts in lines)
