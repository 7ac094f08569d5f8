"""The release: dumps that decompress, parse and count what the manifest and the store say,
a VoID + DCAT description whose counts match direct SPARQL counts, and the build's SHACL
outcome per source, as RDF and as sentences."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import warnings
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH, XSD

from nbkg.cli import main
from nbkg.graph.build import build
from nbkg.graph.catalogue import catalogue
from nbkg.graph.namespace import NBKG, VOID
from nbkg.graph.release import (
    MANIFEST,
    REPORT_TTL,
    REPORT_TXT,
    VOID_FILE,
    read_manifest,
    release_folder,
    write_release,
)
from nbkg.graph.release_answers import file_name
from nbkg.graph.sparql import term_text
from nbkg.graph.store import open_store
from nbkg.graph.void import DATASET, DCAT, LICENCE, SPDX

BASE = "https://example.org/downloads/void.ttl"
PARSE = {
    "nbkg.nq.gz": ox.RdfFormat.N_QUADS,
    "nbkg.trig.gz": ox.RdfFormat.TRIG,
    "nbkg.ttl.gz": ox.RdfFormat.TURTLE,
    "nbkg.jsonld.gz": ox.RdfFormat.JSON_LD,
}
MEDIA = {
    "nbkg.nq.gz": "application/n-quads",
    "nbkg.trig.gz": "application/trig",
    "nbkg.ttl.gz": "text/turtle",
    "nbkg.jsonld.gz": "application/ld+json",
}
RDFLIB = {"nbkg.nq.gz": "nquads", "nbkg.trig.gz": "trig", "nbkg.jsonld.gz": "json-ld"}
AWARDS = "registry/awards.csv"


@pytest.fixture(scope="module")
def folder(built_store: Path) -> Path:
    return release_folder(built_store)


@pytest.fixture(scope="module")
def manifest(folder: Path) -> dict:
    found = read_manifest(folder)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def dumps(manifest: dict) -> dict[str, dict]:
    return {f["name"]: f for f in manifest["files"] if f["kind"] == "dump"}


@pytest.fixture(scope="module")
def void_graph(folder: Path) -> Graph:
    return Graph().parse(folder / VOID_FILE, format="turtle", publicID=BASE)


def count(store_path: Path, sparql: str, term: URIRef | None = None) -> int:
    """``?n`` of a counting query; ``$term`` in it is replaced by the IRI (our own, escaped).

    (A trailing VALUES block would bind after the aggregate, not restrict what it counts.)
    """
    if term is not None:
        sparql = sparql.replace("$term", term_text("term", term))
    with open_store(str(store_path), read_only=True) as store:
        return int(store.select(sparql)[0]["n"])


# -- the dumps ----------------------------------------------------------------------------


def test_release_has_every_file(folder: Path, manifest: dict) -> None:
    names = {f["name"] for f in manifest["files"]}
    answers = {file_name(name) for name in catalogue()}
    assert names == {*PARSE, VOID_FILE, REPORT_TTL, REPORT_TXT, *answers}
    assert {p.name for p in folder.iterdir()} == {*names, MANIFEST}  # no temporary leftovers


def test_dump_sizes_and_checksums_match_the_manifest(folder: Path, manifest: dict) -> None:
    for entry in manifest["files"]:
        data = (folder / entry["name"]).read_bytes()
        assert len(data) == entry["bytes"], entry["name"]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]


def test_dumps_parse_and_count_what_the_manifest_and_store_say(
    folder: Path, dumps: dict[str, dict], built_store: Path
) -> None:
    quads = count(built_store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    triples = count(built_store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert quads > triples > 1000
    assert dumps["nbkg.ttl.gz"]["triples"] == triples
    for name, fmt in PARSE.items():
        with gzip.open(folder / name) as handle:
            parsed = set(ox.parse(handle, fmt))
        assert dumps[name]["media_type"] == MEDIA[name]
        expected = triples if name == "nbkg.ttl.gz" else quads
        assert len(parsed) == expected == dumps[name].get("quads", dumps[name].get("triples"))


def test_dumps_parse_with_rdflib_too(folder: Path, dumps: dict[str, dict]) -> None:
    for name, fmt in RDFLIB.items():
        dataset = Dataset()
        with warnings.catch_warnings():  # rdflib 7 warns about its own default_context
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset.parse(data=gzip.decompress((folder / name).read_bytes()), format=fmt)
        assert len(list(dataset.quads((None, None, None, None)))) == dumps[name]["quads"], name
    union = Graph().parse(data=gzip.decompress((folder / "nbkg.ttl.gz").read_bytes()))
    assert len(union) == dumps["nbkg.ttl.gz"]["triples"]


def test_named_graphs_survive_in_the_quad_dumps(folder: Path, built_store: Path) -> None:
    with gzip.open(folder / "nbkg.nq.gz") as handle:
        names = {q.graph_name.value for q in ox.parse(handle, ox.RdfFormat.N_QUADS)}
    with open_store(str(built_store), read_only=True) as store:
        assert names == {str(g) for g in store.graphs()}
    assert "https://w3id.org/nbkg/graph/registry/clusters" in names


def test_same_store_gives_the_same_bytes(built_store: Path, folder: Path, tmp_path: Path) -> None:
    """gzip without a timestamp or file name: a rebuild of unchanged data checks the same."""
    with open_store(str(built_store), read_only=True) as store:
        again = write_release(store, tmp_path / "again", [], datetime.now(timezone.utc))
    for entry in again["files"]:
        if entry["kind"] == "dump":
            assert (tmp_path / "again" / entry["name"]).read_bytes() == (
                folder / entry["name"]
            ).read_bytes()


def test_a_failed_release_leaves_the_previous_one_whole(
    built_store: Path, folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "release"
    shutil.copytree(folder, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    with open_store(str(built_store), read_only=True) as store:
        real_dump = store.dump

        def failing(out, fmt="nq"):  # noqa: ANN001, ANN202
            if fmt == "jsonld":
                raise OSError("disk full")
            real_dump(out, fmt)

        store.dump = failing  # type: ignore[method-assign]
        with pytest.raises(OSError, match="disk full"):
            write_release(store, target, [])
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


# -- the VoID + DCAT description ------------------------------------------------------------


def test_void_describes_the_dataset(void_graph: Graph, manifest: dict, built_store: Path) -> None:
    assert (DATASET, RDF.type, VOID.Dataset) in void_graph
    assert (DATASET, RDF.type, DCAT.Dataset) in void_graph
    assert void_graph.value(DATASET, DCTERMS.license) == LICENCE
    assert str(LICENCE) == "https://creativecommons.org/licenses/by/4.0/" == manifest["license"]
    built = Literal(manifest["built"], datatype=XSD.dateTime)
    assert void_graph.value(DATASET, DCTERMS.issued) == built
    assert void_graph.value(DATASET, DCTERMS.modified) == built
    assert void_graph.value(DATASET, DCTERMS.title) is not None
    triples = count(built_store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(void_graph.value(DATASET, VOID.triples)) == triples == manifest["triples"]
    assert int(void_graph.value(DATASET, VOID.entities)) > 500


def test_class_partitions_match_a_direct_count(void_graph: Graph, built_store: Path) -> None:
    partitions = {
        void_graph.value(p, VOID["class"]): int(void_graph.value(p, VOID.entities))
        for p in void_graph.objects(DATASET, VOID.classPartition)
    }
    assert partitions[NBKG.Cluster] >= 60
    direct = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a $term }"
    for cls, entities in partitions.items():
        assert entities == count(built_store, direct, cls), cls
    every = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) }"
    assert len(partitions) == count(built_store, every)


def test_property_partitions_match_a_direct_count(void_graph: Graph, built_store: Path) -> None:
    partitions = {
        void_graph.value(p, VOID.property): int(void_graph.value(p, VOID.triples))
        for p in void_graph.objects(DATASET, VOID.propertyPartition)
    }
    assert partitions[RDF.type] > 500
    direct = "SELECT (COUNT(*) AS ?n) WHERE { ?s $term ?o }"
    for prop, triples in partitions.items():
        assert triples == count(built_store, direct, prop), prop
    assert sum(partitions.values()) == int(void_graph.value(DATASET, VOID.triples))


def test_subsets_count_each_named_graph(void_graph: Graph, built_store: Path) -> None:
    SD = URIRef("http://www.w3.org/ns/sparql-service-description#name")  # noqa: N806
    subsets = {
        void_graph.value(s, SD): int(void_graph.value(s, VOID.triples))
        for s in void_graph.objects(DATASET, VOID.subset)
    }
    with open_store(str(built_store), read_only=True) as store:
        assert set(subsets) == set(store.graphs())
    direct = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH $term { ?s ?p ?o } }"
    for graph, triples in subsets.items():
        assert triples == count(built_store, direct, graph), graph


def test_distributions_carry_size_checksum_and_type(
    void_graph: Graph, dumps: dict[str, dict]
) -> None:
    found = {}
    for dist in void_graph.objects(DATASET, DCAT.distribution):
        url = str(void_graph.value(dist, DCAT.downloadURL))
        checksum = void_graph.value(dist, SPDX.checksum)
        found[url.rpartition("/")[2]] = {
            "url": url,
            "bytes": int(void_graph.value(dist, DCAT.byteSize)),
            "sha256": str(void_graph.value(checksum, SPDX.checksumValue)),
            "algorithm": void_graph.value(checksum, SPDX.algorithm),
            "media": str(void_graph.value(dist, DCAT.mediaType)),
        }
    assert set(found) == set(dumps)
    dumped = set(void_graph.objects(DATASET, VOID.dataDump))
    for name, entry in dumps.items():
        assert found[name]["url"] == f"https://example.org/downloads/{name}"  # relative names
        assert URIRef(found[name]["url"]) in dumped
        assert found[name]["bytes"] == entry["bytes"]
        assert found[name]["sha256"] == entry["sha256"]
        assert found[name]["algorithm"] == SPDX.checksumAlgorithm_sha256
        assert found[name]["media"].endswith(entry["media_type"])


# -- the validation report ------------------------------------------------------------------


def test_report_lists_every_source_with_its_status(folder: Path, manifest: dict) -> None:
    text = (folder / REPORT_TXT).read_text(encoding="utf-8")
    sources = manifest["sources"]
    assert len(sources) == 11 and manifest["conforms"] is True
    for source in sources:
        sentence = f"{source['source']}: loaded, {source['triples']} triples, no problems."
        assert sentence in text.splitlines()
        assert source["sentences"] == [sentence]
    report = Graph().parse(folder / REPORT_TTL, format="turtle")
    whole = next(s for s in report.subjects(DCTERMS.hasPart, None))
    assert report.value(whole, SH.conforms) == Literal(True)
    parts = list(report.objects(whole, DCTERMS.hasPart))
    assert {str(report.value(p, DCTERMS.type)) for p in parts} == {"loaded"}
    assert len(parts) == 11


@pytest.fixture(scope="module")
def rejected_release(
    built_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict]:
    """A copy of the built store, rebuilt from data with one broken row, and its release."""
    from nbkg.graph.build import bundled_data_dir

    root = tmp_path_factory.mktemp("rejected")
    store_path = root / "store"
    shutil.copytree(built_store, store_path)
    data = root / "data"
    shutil.copytree(bundled_data_dir(), data, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    awards = data / AWARDS
    lines = awards.read_text(encoding="utf-8").split("\n")
    assert ",3800000,SEK," in lines[5]
    lines[5] = lines[5].replace(",3800000,SEK,", ",3800000,KRW,")
    awards.write_text("\n".join(lines), encoding="utf-8")
    with open_store(str(store_path)) as store:
        reports = build(store, data)
        manifest = write_release(store, release_folder(store_path), reports)
    return release_folder(store_path), manifest


def test_a_rejected_source_and_its_problem_are_reported(rejected_release) -> None:
    folder, manifest = rejected_release
    assert manifest["conforms"] is False
    assert manifest["statuses"] == {"rejected": 1, "unchanged": 10}
    text = (folder / REPORT_TXT).read_text(encoding="utf-8")
    problem = next(
        line for line in text.splitlines() if line.startswith(f"{AWARDS}: rejected: {AWARDS}:6:")
    )
    assert "the currency must be one ISO 4217 code" in problem and "KRW" in problem
    assert "registry/clusters.csv: unchanged, " in text
    assert "last good version" in text


def test_a_rejected_source_is_a_shacl_result(rejected_release) -> None:
    folder, _ = rejected_release
    report = Graph().parse(folder / REPORT_TTL, format="turtle")
    whole = next(s for s in report.subjects(DCTERMS.hasPart, None))
    assert report.value(whole, SH.conforms) == Literal(False)
    results = list(report.objects(whole, SH.result))
    assert len(results) == 1
    result = results[0]
    assert (result, RDF.type, SH.ValidationResult) in report
    assert "ISO 4217" in str(report.value(result, SH.resultMessage))
    assert str(report.value(result, SH.focusNode)).startswith("https://w3id.org/nbkg/id/")
    assert report.value(result, SH.resultPath) == NBKG.currency
    part = next(
        p for p in report.objects(whole, DCTERMS.hasPart) if (p, SH.result, result) in report
    )
    assert str(report.value(part, DCTERMS.type)) == "rejected"
    assert report.value(part, SH.conforms) == Literal(False)


# -- the commands ----------------------------------------------------------------------------


@pytest.fixture
def copied_store(built_store: Path, tmp_path: Path) -> Path:
    """The built store at the `runner` fixture's default store path."""
    target = tmp_path / "store"
    shutil.copytree(built_store, target)
    return target


def test_build_writes_the_release_beside_the_store(runner: CliRunner, copied_store: Path) -> None:
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    folder = release_folder(copied_store)
    assert f"release: {folder} (4 dumps, " in result.output
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["statuses"] == {"unchanged": 11}


def test_build_no_release(runner: CliRunner, copied_store: Path) -> None:
    result = runner.invoke(main, ["build", "--no-release"])
    assert result.exit_code == 0, result.output
    assert not release_folder(copied_store).exists()
    assert "release:" not in result.output


def test_export_release_for_any_store(
    runner: CliRunner, copied_store: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "release"
    result = runner.invoke(main, ["export", "--release", str(target)])
    assert result.exit_code == 0, result.output
    manifest = read_manifest(target)
    assert manifest is not None and manifest["statuses"] == {"stored": 11}
    text = (target / REPORT_TXT).read_text(encoding="utf-8")
    assert "written without a build" in text
    assert "registry/clusters.csv: stored, " in text
    with gzip.open(target / "nbkg.nq.gz") as handle:
        assert sum(1 for _ in io.TextIOWrapper(handle, encoding="utf-8")) == next(
            f["quads"] for f in manifest["files"] if f["name"] == "nbkg.nq.gz"
        )


def test_export_release_and_output_exclude_each_other(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["export", "--release", str(tmp_path / "r"), "-o", "x.nq"])
    assert result.exit_code == 2
    assert "either --output or --release" in result.output
