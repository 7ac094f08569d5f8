"""The curated loader (data/curated/*.yaml): one document per file, its entities and facts,
each with the evidence span that states it and the kind of evidence behind it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from nbkg.cli import main
from nbkg.graph.build import bundled_data_dir
from nbkg.loaders.base import Extraction, loaders

NBKG = "https://w3id.org/nbkg/def#"
ID = "https://w3id.org/nbkg/id/"
GRAPH = "https://w3id.org/nbkg/graph/"
EVIDENCE = "https://w3id.org/nbkg/def/evidence/"
STEMS = [
    "arctic-cluster-team",
    "north-sweden-cleantech",
    "paper-province",
    "upper-norrland-biomass-cluster",
    "woodworks",
]
PAPER_DOC = "doc-cf6ab69d1ff5ee14"


n = Namespace(NBKG).term  # n("Cluster") is nbkg:Cluster
i = Namespace(ID).term  # i("paper-province") is the entity's IRI


@pytest.fixture(scope="module")
def extracted() -> dict[str, Extraction]:
    loader = loaders()["curated"]
    return {Path(s.name).stem: loader.extract(s) for s in loader.sources(bundled_data_dir())}


def test_one_source_and_graph_per_yaml_file(data_dir: Path) -> None:
    sources = loaders()["curated"].sources(data_dir)
    assert [s.name for s in sources] == [f"curated/{stem}.yaml" for stem in STEMS]
    assert [str(s.graph) for s in sources] == [f"{GRAPH}curated/{stem}" for stem in STEMS]
    # README.md sits in the same folder and is not a source
    assert (data_dir / "curated" / "README.md").exists()


def test_document_is_named_by_its_content(extracted: dict[str, Extraction]) -> None:
    paper = extracted["paper-province"]
    g, doc = paper.graph, i(PAPER_DOC)
    sha = "cf6ab69d1ff5ee141fac063f8f4e17562e48a346222488ae717d26a2a74c1970"
    assert (doc, RDF.type, n("Document")) in g
    assert (doc, n("fileName"), Literal("002_88c0a6b9af976288.txt")) in g
    assert (doc, n("sha256"), Literal(sha)) in g
    assert (doc, DCTERMS.language, Literal("sv")) in g
    assert (doc, DCTERMS.date, Literal("2013-07-11", datatype=XSD.date)) in g
    assert paper.described_by == [doc]
    assert paper.where(doc) == "curated/paper-province.yaml:4"


def test_facts_carry_evidence_spans_into_the_document(extracted: dict[str, Extraction]) -> None:
    g = extracted["paper-province"].graph
    award = i("award-paper-province-tillvaxtverket-2013-07-01")
    assert g.value(award, n("recipient")) == i("paper-province")
    assert g.value(award, n("funder")) == i("tillvaxtverket")
    assert g.value(award, n("forProject")) == i("more-innovation-from-sme")
    assert g.value(award, n("amount")) == Literal("500000", datatype=XSD.decimal)
    assert g.value(award, n("currency")) == Literal("SEK")
    assert g.value(award, PROV.wasDerivedFrom) == i(PAPER_DOC)
    span = g.value(award, n("evidence"))
    assert (span, RDF.type, n("TextEvidence")) in g
    assert g.value(span, n("inDocument")) == i(PAPER_DOC)
    assert g.value(span, n("startOffset")).toPython() == 142
    assert g.value(span, n("endOffset")).toPython() == 442

    post = i("post-magnus-persson-paper-province-project-manager")
    assert g.value(post, ORG.heldBy) == i("magnus-persson")
    assert g.value(post, ORG.role) == URIRef("https://w3id.org/nbkg/def/position/project-manager")
    assert g.value(post, n("roleTitle")) == Literal("projektledare", lang="sv")
    assert g.value(g.value(post, n("evidence")), n("startOffset")).toPython() == 1070


def test_every_fact_node_and_entity_has_a_span_and_a_kind(
    extracted: dict[str, Extraction],
) -> None:
    for stem, extraction in extracted.items():
        g = extraction.graph
        facts = {
            s
            for cls in ("Membership", "Post", "FundingAward", "MemberCount")
            for s in g.subjects(RDF.type, n(cls))
        }
        cited = set(g.subjects(PROV.wasDerivedFrom))
        assert facts <= cited, stem
        assert i(stem) in cited, stem  # the cluster each file is named after
        for node in cited:
            assert g.value(node, n("evidence")) is not None, (stem, node)
            assert g.value(node, n("evidenceKind")) is not None, (stem, node)


@pytest.mark.parametrize(
    ("stem", "kind"),
    [
        ("paper-province", "self-claimed"),  # the cluster's own press release
        ("woodworks", "self-claimed"),
        ("north-sweden-cleantech", "self-claimed"),
        ("arctic-cluster-team", "self-claimed"),
        ("upper-norrland-biomass-cluster", "document-stated"),  # a third-party summary
    ],
)
def test_evidence_kind_comes_from_the_document(
    extracted: dict[str, Extraction], stem: str, kind: str
) -> None:
    g = extracted[stem].graph
    kinds = set(g.objects(None, n("evidenceKind")))
    assert kinds == {URIRef(EVIDENCE + kind)}
    assert (i(stem), n("evidenceKind"), URIRef(EVIDENCE + kind)) in g


def test_entities_keep_names_places_and_sectors(extracted: dict[str, Extraction]) -> None:
    g = extracted["paper-province"].graph
    pp = i("paper-province")
    assert (pp, RDF.type, n("Cluster")) in g
    assert (pp, RDFS.label, Literal("The Paper Province")) in g
    assert (pp, SKOS.altLabel, Literal("Paper Province")) in g
    assert (pp, n("country"), i("se")) in g
    assert (pp, n("locatedIn"), i("se-varmland")) in g
    assert (pp, n("hasSector"), URIRef("https://w3id.org/nbkg/def/sector/pulp-paper")) in g
    assert (i("se"), n("countryCode"), Literal("SE")) in g
    assert extracted["paper-province"].where(pp) == "curated/paper-province.yaml:14"


def test_every_evidence_span_in_a_file_reaches_the_graph(
    extracted: dict[str, Extraction],
) -> None:
    for stem, extraction in extracted.items():
        record = yaml.safe_load((bundled_data_dir() / "curated" / f"{stem}.yaml").read_text())
        sha = record["document"]["sha256"]
        wanted = {
            (item["evidence"][0], item["evidence"][1])
            for item in [*record.get("entities", []), *(record.get("facts") or [])]
        }
        g = extraction.graph
        found = {
            (g.value(s, n("startOffset")).toPython(), g.value(s, n("endOffset")).toPython())
            for s in g.subjects(RDF.type, n("TextEvidence"))
            if g.value(s, n("inDocument")) == i(f"doc-{sha[:16]}")
        }
        assert wanted <= found, (stem, sorted(wanted - found))


# ---- in the store --------------------------------------------------------------------


def test_each_file_has_its_graph_with_prov_of_the_load(built_store: Path, reader) -> None:
    rows = reader.select(
        built_store,
        """SELECT ?g ?started ?ended ?name ?sha ?doc WHERE {
          GRAPH ?g {
            ?g prov:wasGeneratedBy ?activity ; prov:wasDerivedFrom ?file ;
               <http://purl.org/dc/terms/source> ?doc .
            ?activity prov:startedAtTime ?started ; prov:endedAtTime ?ended .
            ?file nbkg:fileName ?name ; nbkg:sha256 ?sha .
          }
          FILTER STRSTARTS(STR(?g), "https://w3id.org/nbkg/graph/curated/")
        }""",
    )
    by_graph = {row["g"]: row for row in rows}
    assert sorted(by_graph) == [f"{GRAPH}curated/{stem}" for stem in STEMS]
    for stem in STEMS:
        row = by_graph[f"{GRAPH}curated/{stem}"]
        data = (bundled_data_dir() / "curated" / f"{stem}.yaml").read_bytes()
        assert row["name"] == f"curated/{stem}.yaml"
        assert row["sha"] == hashlib.sha256(data).hexdigest()
        assert row["started"] <= row["ended"]
        assert row["doc"].startswith(f"{ID}doc-")


def test_curated_fact_nodes_in_the_store_have_text_evidence(built_store: Path, reader) -> None:
    missing = reader.select(
        built_store,
        """SELECT ?fact WHERE {
          GRAPH ?g { ?fact a ?cls }
          VALUES ?cls { nbkg:Membership nbkg:Post nbkg:FundingAward nbkg:MemberCount }
          FILTER STRSTARTS(STR(?g), "https://w3id.org/nbkg/graph/curated/")
          FILTER NOT EXISTS {
            GRAPH ?g {
              ?fact nbkg:evidence ?span ; nbkg:evidenceKind ?kind .
              ?span a nbkg:TextEvidence ; nbkg:inDocument ?doc ;
                    nbkg:startOffset ?start ; nbkg:endOffset ?end .
              ?doc a nbkg:Document .
              FILTER (?start < ?end)
            }
          }
        }""",
    )
    assert missing == []
    count = reader.select(
        built_store,
        """SELECT (COUNT(DISTINCT ?fact) AS ?n) WHERE { GRAPH ?g { ?fact nbkg:evidence ?s }
           FILTER STRSTARTS(STR(?g), "https://w3id.org/nbkg/graph/curated/") }""",
    )
    assert int(count[0]["n"]) > 50


def test_paper_province_is_one_node_in_registry_and_curated(built_store: Path, reader) -> None:
    rows = reader.select(
        built_store,
        """SELECT ?g ?label WHERE { GRAPH ?g { id:paper-province a nbkg:Cluster ;
             rdfs:label ?label } } ORDER BY ?g""",
    )
    assert [(r["g"], r["label"]) for r in rows] == [
        (f"{GRAPH}curated/paper-province", "The Paper Province"),
        (f"{GRAPH}registry/clusters", "Paper Province"),
    ]


def test_validate_accepts_the_bundled_files(data_dir: Path) -> None:
    paths = [str(data_dir / "curated" / f"{stem}.yaml") for stem in STEMS]
    result = CliRunner().invoke(main, ["validate", *paths])
    assert result.exit_code == 0, result.output
    statuses = [line.split()[:2] for line in result.output.splitlines()]
    assert statuses == [["valid", f"curated/{stem}.yaml"] for stem in STEMS]
