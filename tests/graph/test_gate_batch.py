"""The gate validates the changed sources together, the way the store will hold them.

Each source answers for what it states and for the entities it defines; a source may
complete an entity another source defines, and when the completing source is rejected, the
parts of the others that leaned on it are validated again without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import nbkg.graph.rejections as rejections_module
from nbkg.graph.build import build, validate
from nbkg.graph.gate import ENGINES
from nbkg.graph.store import open_store

PREFIXES = """@prefix id: <https://w3id.org/nbkg/id/> .
@prefix nbkg: <https://w3id.org/nbkg/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix evidence: <https://w3id.org/nbkg/def/evidence/> .
"""

PAGE = "<https://example.org/about>"

#: A cluster with everything the shapes ask of it but a name, which ``NAMES`` gives it.
CLUSTER = f"""{PREFIXES}
id:test-cluster a nbkg:Cluster ;
    nbkg:country id:no ;
    nbkg:foundingDate "2017"^^xsd:gYear ;
    prov:wasDerivedFrom {PAGE} ;
    nbkg:evidenceKind evidence:self-claimed .

id:no a nbkg:Country ;
    rdfs:label "Norway"@en ;
    nbkg:countryCode "NO" ;
    prov:wasDerivedFrom {PAGE} ;
    nbkg:evidenceKind evidence:self-claimed .

{PAGE} a foaf:Document .
"""

NAMES = f"""{PREFIXES}
id:test-cluster rdfs:label "Test Cluster" .
{PAGE} a foaf:Document .
"""

BAD_HOMEPAGE = 'id:test-cluster foaf:homepage "ftp://example.org/" .\n'
NAMED = 'id:test-cluster rdfs:label "Test Cluster" .\n'

HAS_NAME = """ASK { GRAPH ?g { <https://w3id.org/nbkg/id/test-cluster>
    <http://www.w3.org/2000/01/rdf-schema#label> ?name } }"""


def _data(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "data" / "rdf"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / f"{name}.ttl").write_text(text, encoding="utf-8")
    return folder.parent


def _outcome(reports) -> dict[str, tuple[str, list[str]]]:
    return {
        Path(r.source).stem: (r.status, r.problems) for r in reports if r.source.startswith("rdf/")
    }


def test_a_source_may_complete_an_entity_another_defines(tmp_path: Path) -> None:
    data = _data(tmp_path, cluster=CLUSTER, names=NAMES)
    with open_store(str(tmp_path / "store")) as store:
        outcome = _outcome(build(store, data))
        assert outcome == {"cluster": ("loaded", []), "names": ("loaded", [])}
        assert store.ask(HAS_NAME)


def test_a_source_answers_for_what_it_states_of_another_sources_entity(tmp_path: Path) -> None:
    data = _data(tmp_path, cluster=CLUSTER + NAMED, links=PREFIXES + BAD_HOMEPAGE)
    with open_store(str(tmp_path / "store")) as store:
        outcome = _outcome(build(store, data))
    assert outcome["cluster"] == ("loaded", [])
    status, problems = outcome["links"]
    assert status == "rejected"
    assert len(problems) == 1 and "id:test-cluster foaf:homepage" in problems[0]


def test_sources_that_contradict_each_other_both_answer(tmp_path: Path) -> None:
    founded = 'id:test-cluster nbkg:foundingDate "2018"^^xsd:gYear .\n'
    data = _data(tmp_path, cluster=CLUSTER + NAMED, other=PREFIXES + founded)
    with open_store(str(tmp_path / "store")) as store:
        outcome = _outcome(build(store, data))
    for name in ("cluster", "other"):
        status, problems = outcome[name]
        assert status == "rejected"
        assert any("nbkg:foundingDate" in p for p in problems), problems


def test_a_source_that_leaned_on_a_rejected_one_is_validated_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # names.ttl gives the cluster its name but is rejected for a bad homepage, so the
    # cluster it named has none: cluster.ttl must not go into the store without it.
    unrelated = """id:other-cluster a nbkg:Cluster ; rdfs:label "Other" ; nbkg:country id:no ;
    prov:wasDerivedFrom <https://example.org/other> ; nbkg:evidenceKind evidence:self-claimed .
<https://example.org/other> a foaf:Document .
"""
    data = _data(tmp_path, cluster=CLUSTER + unrelated, names=NAMES + BAD_HOMEPAGE)
    batches: list[list[int]] = []
    real = rejections_module.check_all
    monkeypatch.setattr(
        rejections_module,
        "check_all",
        lambda batch, index: batches.append([s.triples for s in batch]) or real(batch, index),
    )
    with open_store(str(tmp_path / "store")) as store:
        outcome = _outcome(build(store, data))
        assert not store.ask(HAS_NAME)
        assert not store.ask("ASK { GRAPH ?g { ?c a <https://w3id.org/nbkg/def#Cluster> } }")
    assert outcome["names"][0] == "rejected"
    status, problems = outcome["cluster"]
    assert status == "rejected"
    assert any("id:test-cluster rdfs:label: needs a non-empty name" in p for p in problems)
    assert not any("other-cluster" in p for p in problems)
    # the second run validates only the part of cluster.ttl about what names.ttl named
    first, second = batches[0], batches[-1]
    assert len(batches) == 2 and len(second) == 1
    assert second[0] < max(first)


@pytest.mark.parametrize("engine", ENGINES)
def test_files_given_together_are_validated_together(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBKG_SHACL_ENGINE", engine)
    data = _data(tmp_path, cluster=CLUSTER, names=NAMES)
    together = validate(sorted((data / "rdf").iterdir()), data)
    assert {Path(r.source).stem: r.status for r in together} == {
        "cluster": "valid",
        "names": "valid",
    }
    (alone,) = validate([data / "rdf" / "cluster.ttl"], data)
    assert alone.status == "rejected"
    assert any("needs a non-empty name" in p for p in alone.problems)
