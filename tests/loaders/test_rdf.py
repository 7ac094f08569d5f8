"""The RDF loader (data/rdf/*.ttl, .nt, .rdf, .jsonld): contributions that are already RDF,
one named graph per file, through the same gate as every other source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from nbkg.cli import main
from nbkg.loaders.base import loader_for, loaders

NBKG = "https://w3id.org/nbkg/def#"
ID = "https://w3id.org/nbkg/id/"
GRAPH = "https://w3id.org/nbkg/graph/"

EXTRA_TTL = """\
@prefix nbkg: <https://w3id.org/nbkg/def#> .
@prefix id:   <https://w3id.org/nbkg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org:  <http://www.w3.org/ns/org#> .

# A firm and its membership of a cluster that the registry defines.
id:testing-sawmill a nbkg:Firm ;
    rdfs:label "Testing Sawmill AB" ;
    nbkg:country id:se ;
    prov:wasDerivedFrom <https://example.org/sawmill> ;
    nbkg:evidenceKind <https://w3id.org/nbkg/def/evidence/document-stated> .

id:membership-testing-sawmill-paper-province-member a nbkg:Membership ;
    org:member id:testing-sawmill ;
    org:organization id:paper-province ;
    org:role <https://w3id.org/nbkg/def/role/member> ;
    prov:wasDerivedFrom <https://example.org/sawmill> ;
    nbkg:evidenceKind <https://w3id.org/nbkg/def/evidence/document-stated> .
"""

EXTRA_NT = (
    "<https://w3id.org/nbkg/id/testing-sawmill> "
    '<http://www.w3.org/2000/01/rdf-schema#comment> "A sawmill." .\n'
)


def write_rdf(data_dir: Path, name: str, text: str) -> Path:
    folder = data_dir / "rdf"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sources_graphs_and_locations(data_dir: Path) -> None:
    write_rdf(data_dir, "extra.ttl", EXTRA_TTL)
    write_rdf(data_dir, "more.nt", EXTRA_NT)
    (data_dir / "rdf" / "notes.txt").write_text("not RDF")
    loader = loaders()["rdf"]
    sources = loader.sources(data_dir)
    assert [s.name for s in sources] == ["rdf/extra.ttl", "rdf/more.nt"]
    assert [str(s.graph) for s in sources] == [f"{GRAPH}rdf/extra", f"{GRAPH}rdf/more"]
    assert loader_for(data_dir / "rdf" / "extra.ttl").name == "rdf"

    extraction = loader.extract(sources[0])
    sawmill = URIRef(ID + "testing-sawmill")
    assert (sawmill, RDF.type, URIRef(NBKG + "Firm")) in extraction.graph
    assert (sawmill, RDFS.label, Literal("Testing Sawmill AB")) in extraction.graph
    assert len(extraction.graph) == 11
    # each subject is located at the first line that names it, for the gate's messages
    assert extraction.where(sawmill) == "rdf/extra.ttl:8"
    membership = URIRef(ID + "membership-testing-sawmill-paper-province-member")
    assert extraction.where(membership) == "rdf/extra.ttl:14"

    nt = loader.extract(sources[1])
    assert len(nt.graph) == 1
    assert nt.where(sawmill) == "rdf/more.nt:1"


def test_gate_messages_point_at_the_line_of_the_subject(data_dir: Path) -> None:
    path = write_rdf(
        data_dir,
        "unsourced.ttl",
        "@prefix nbkg: <https://w3id.org/nbkg/def#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "\n"
        '<https://w3id.org/nbkg/id/other-firm> a nbkg:Firm ; rdfs:label "Other" .\n',
    )
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "rejected  rdf/unsourced.ttl" in result.output
    assert "rdf/unsourced.ttl:4: id:other-firm prov:wasDerivedFrom: has no source" in result.output
    assert "rdf/unsourced.ttl:4: id:other-firm nbkg:evidenceKind: needs an evidence kind" in (
        result.output
    )


def test_build_loads_an_rdf_file_into_its_own_graph(
    runner: CliRunner, store_copy: Path, data_dir: Path, reader
) -> None:
    write_rdf(data_dir, "extra.ttl", EXTRA_TTL)
    result = runner.invoke(main, ["build", "--data", str(data_dir)])
    assert result.exit_code == 0, result.output
    lines = re.findall(r"^(\w+)\s+(\S+)\s+\d+ triples$", result.output, re.M)
    statuses = {source: status for status, source in lines}
    assert statuses.pop("rdf/extra.ttl") == "loaded"
    assert set(statuses.values()) == {"unchanged"} and len(statuses) == 11

    rows = reader.select(
        store_copy,
        """SELECT ?g ?name WHERE { GRAPH ?g {
             id:membership-testing-sawmill-paper-province-member org:member id:testing-sawmill .
             ?g prov:wasDerivedFrom/nbkg:fileName ?name } }""",
    )
    assert rows == [{"g": f"{GRAPH}rdf/extra", "name": "rdf/extra.ttl"}]
    # the new firm meets the registry's cluster on one node: it shows among its members
    members = runner.invoke(
        main,
        ["query", "-q", "cluster-members", "-p", "cluster=id:paper-province", "--format", "csv"],
    )
    assert "Testing Sawmill AB" in members.output


def test_relative_paths_work(
    runner: CliRunner, store_copy: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``nbkg build --data data``, the usual way to call it, with a relative path."""
    write_rdf(data_dir, "extra.ttl", EXTRA_TTL)
    monkeypatch.chdir(data_dir.parent)
    checked = runner.invoke(main, ["validate", "data/rdf/extra.ttl"])
    assert checked.exit_code == 0, checked.output
    built = runner.invoke(main, ["build", "--data", "data"])
    assert built.exit_code == 0, built.output
    assert re.search(r"^loaded\s+rdf/extra\.ttl\s", built.output, re.M), built.output
