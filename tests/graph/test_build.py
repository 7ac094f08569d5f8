"""The build: one build at a time per store, atomic replacement of a source's graph,
revalidation when the ontology or shapes change, and a gate that holds across sources."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef

import nbkg.graph.build as build_module
import nbkg.graph.rejections as rejections_module
from nbkg.cli import main
from nbkg.graph.build import build, bundled_data_dir, gate_digest
from nbkg.graph.lock import build_lock
from nbkg.graph.store import StoreError, open_store
from nbkg.loaders.base import loaders

GRAPH = "https://w3id.org/nbkg/graph/"
ID = "https://w3id.org/nbkg/id/"
EX = "http://example.org/"
NBKG_SCRIPT = Path(sys.executable).with_name("nbkg")


def quads(store: Path) -> set[str]:
    out = io.BytesIO()
    with open_store(str(store), read_only=True) as opened:
        opened.dump(out, "nq")
    return {line for line in out.getvalue().decode("utf-8").splitlines() if line.strip()}


def named_graphs(store: Path) -> set[str]:
    """Every named graph in the store's files, empty ones included (read past nbkg)."""
    raw = ox.Store.read_only(str(store))
    try:
        return {g.value for g in raw.named_graphs()}
    finally:
        del raw


def statuses(reports) -> dict[str, str]:
    return {r.source: r.status for r in reports}


@pytest.fixture
def store_copy(built_store: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(built_store, target)
    return target


# ---- one build at a time ---------------------------------------------------------------


def test_build_lock_refuses_a_second_holder(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "store")) as store:
        with build_lock(store):
            with pytest.raises(StoreError, match="another build is writing to .*wait for the b"):
                with build_lock(store):
                    pass  # pragma: no cover
        with build_lock(store):  # released: the next build may start
            pass


def _nbkg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NBKG_STORE"}
    return subprocess.run(
        [str(NBKG_SCRIPT), *args], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.mark.parametrize("keep_open", [True, False], ids=["store-open", "lock-only"])
def test_concurrent_build_fails_clearly_and_leaves_the_store_intact(
    store_copy: Path, keep_open: bool
) -> None:
    """A build holds the lock (and, while writing, the store); a second `nbkg build` in
    another process stops at once with a message naming the other user of the store."""
    before = quads(store_copy)
    store = open_store(str(store_copy))
    try:
        with build_lock(store):
            if not keep_open:
                store.close()  # only the build lock stands in the way now
            second = _nbkg("build", "--store", str(store_copy))
    finally:
        if keep_open:
            store.close()
    assert second.returncode == 1, second.stdout + second.stderr
    assert "another" in second.stderr
    expected = "is open in another process" if keep_open else "another build is writing"
    assert expected in second.stderr
    assert "Traceback" not in second.stderr
    assert second.stdout == ""  # it reported no sources: it did not start
    assert quads(store_copy) == before

    after = _nbkg("build", "--store", str(store_copy))  # lock released: builds go on
    assert after.returncode == 0, after.stderr
    assert "11 sources: 0 loaded, 11 unchanged, 0 rejected" in after.stdout


# ---- atomic replacement ------------------------------------------------------------------


def test_replace_graph_holds_exactly_the_new_triples(tmp_path: Path) -> None:
    location = tmp_path / "store"
    target, other = URIRef(EX + "graph/target"), URIRef(EX + "graph/other")
    old, new, kept = Graph(), Graph(), Graph()
    for i in range(5):
        old.add((URIRef(f"{EX}old/{i}"), URIRef(EX + "p"), Literal(i)))
    new.add((URIRef(EX + "new"), URIRef(EX + "p"), Literal('tricky " } ; DROP ALL ; #')))
    new.add((URIRef(EX + "new"), URIRef(EX + "q"), BNode()))
    kept.add((URIRef(EX + "kept"), URIRef(EX + "p"), Literal("kept")))
    with open_store(str(location)) as store:
        store.replace_graph(other, kept)
        store.replace_graph(target, old)
        store.replace_graph(target, new)
        rows = store.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": target})
        assert len(rows) == 2
        assert {(r["s"], r["p"]) for r in rows} == {
            (URIRef(EX + "new"), URIRef(EX + "p")),
            (URIRef(EX + "new"), URIRef(EX + "q")),
        }
        assert Literal('tricky " } ; DROP ALL ; #') in {r["o"] for r in rows}
        assert len(store.select("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": other})) == 1
        store.replace_graph(target, Graph())
        assert store.select("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": target}) == []
    graphs = named_graphs(location)
    assert not [g for g in graphs if g.startswith("urn:nbkg:staging")]
    assert graphs <= {str(target), str(other)} and str(other) in graphs


def test_built_store_holds_one_graph_per_source_and_nothing_else(built_store: Path) -> None:
    graphs = named_graphs(built_store)
    assert not [g for g in graphs if g.startswith("urn:nbkg:staging")]
    expected = {str(s.graph) for s in build_module.discover(bundled_data_dir())}
    expected = {g for g in expected if "/ontology/" not in g} | {f"{GRAPH}ontology"}
    assert graphs == expected
    assert len(graphs) == 11
    with open_store(str(built_store), read_only=True) as store:
        assert not store.ask(DANGLING_PROGRAMME)  # what the gate tests below rely on


# ---- what makes a source "unchanged" ----------------------------------------------------


def _tiny_data(tmp_path: Path) -> Path:
    """A data folder with one self-contained curated file: a build takes about a second."""
    data = tmp_path / "tiny"
    (data / "curated").mkdir(parents=True)
    name = "upper-norrland-biomass-cluster.yaml"
    shutil.copy(bundled_data_dir() / "curated" / name, data / "curated" / name)
    return data


class _Changed:
    """Stands in for an ontology resource whose bytes have changed."""

    def __init__(self, real) -> None:
        self.real = real

    def read_bytes(self) -> bytes:
        return self.real.read_bytes() + b"\n# changed\n"


def test_gate_digest_follows_source_ontology_and_shapes(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = loaders()["curated"].sources(data_dir)[0]
    digest = gate_digest(source)
    assert gate_digest(source) == digest
    real = build_module.resource
    monkeypatch.setattr(
        build_module, "resource", lambda n: _Changed(real(n)) if n == "shapes.ttl" else real(n)
    )
    assert gate_digest(source) != digest
    monkeypatch.setattr(build_module, "resource", real)
    with source.path.open("a", encoding="utf-8") as handle:
        handle.write("# edited\n")
    assert gate_digest(source) != digest


def test_changed_shapes_or_source_force_revalidation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _tiny_data(tmp_path)
    curated = "curated/upper-norrland-biomass-cluster.yaml"
    with open_store(str(tmp_path / "store")) as store:
        assert set(statuses(build(store, data)).values()) == {"loaded"}
        assert set(statuses(build(store, data)).values()) == {"unchanged"}

        with (data / curated).open("a", encoding="utf-8") as handle:
            handle.write("# edited\n")
        assert statuses(build(store, data)) == {
            "ontology/nbkg.ttl": "unchanged",
            curated: "loaded",
        }

        real = build_module.resource
        monkeypatch.setattr(
            build_module,
            "resource",
            lambda n: _Changed(real(n)) if n == "shapes.ttl" else real(n),
        )
        checked = []
        real_check = rejections_module.check_all
        monkeypatch.setattr(
            rejections_module,
            "check_all",
            lambda b, i: checked.extend(e.source.name for e in b) or real_check(b, i),
        )
        assert set(statuses(build(store, data)).values()) == {"loaded"}
        assert sorted(checked) == [curated, "ontology/nbkg.ttl"]  # revalidated, not copied


def test_force_reloads_every_source(tmp_path: Path) -> None:
    data = _tiny_data(tmp_path)
    with open_store(str(tmp_path / "store")) as store:
        build(store, data)
        assert set(statuses(build(store, data, force=True)).values()) == {"loaded"}


# ---- the gate holds across sources -------------------------------------------------------

DANGLING_PROGRAMME = """PREFIX nbkg: <https://w3id.org/nbkg/def#>
ASK { ?award nbkg:programme ?p FILTER NOT EXISTS { ?p a ?type } }"""


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def test_a_rejected_source_does_not_vouch_for_references(store_copy: Path, data_dir: Path) -> None:
    # a new programme whose row is rejected (its funder exists nowhere) …
    _append(
        data_dir / "registry" / "programmes.csv",
        "new-programme,New Programme,no-such-funder,SE,Arena,https://example.org/programme",
    )
    # … and a new award for that programme
    _append(
        data_dir / "registry" / "awards.csv",
        "paper-province,new-programme,2024,,,,https://example.org/award",
    )
    result = CliRunner().invoke(
        main, ["build", "--store", str(store_copy), "--data", str(data_dir)]
    )
    assert result.exit_code == 1
    assert "registry/programmes.csv:13: id:new-programme nbkg:fundedBy: refers to" in (
        result.output
    )
    with open_store(str(store_copy), read_only=True) as store:
        assert not store.ask(DANGLING_PROGRAMME), "the store holds an award of no programme"
    assert "registry/awards.csv:28" in result.output
    assert "refers to id:new-programme, which no source defines" in result.output


def test_removing_an_entity_others_refer_to_is_rejected(store_copy: Path, data_dir: Path) -> None:
    programmes = data_dir / "registry" / "programmes.csv"
    lines = programmes.read_text(encoding="utf-8").splitlines(keepends=True)
    programmes.write_text(
        "".join(line for line in lines if not line.startswith("bsr-innovation-express,")),
        encoding="utf-8",
    )  # awards.csv:22 still names it
    result = CliRunner().invoke(
        main, ["build", "--store", str(store_copy), "--data", str(data_dir)]
    )
    with open_store(str(store_copy), read_only=True) as store:
        assert not store.ask(DANGLING_PROGRAMME), "the store holds an award of no programme"
    assert result.exit_code == 1
    assert "bsr-innovation-express" in result.output


# ---- incremental rebuilds --------------------------------------------------------------


def test_a_rebuild_reads_and_validates_only_the_changed_source(
    store_copy: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    programmes = data_dir / "registry" / "programmes.csv"
    text = programmes.read_text(encoding="utf-8")
    programmes.write_text(text.replace("Arena (", "Arena programme (", 1), encoding="utf-8")
    read, checked = [], []
    real_stage, real_check = build_module.stage, rejections_module.check_all

    def spy_extract(sources):  # noqa: ANN001, ANN202
        sources = list(sources)
        read.extend(s.name for s in sources)
        return real_stage(sources)

    def spy_check(batch, index):  # noqa: ANN001, ANN202
        checked.extend(e.source.name for e in batch)
        return real_check(batch, index)

    monkeypatch.setattr(build_module, "stage", spy_extract)
    monkeypatch.setattr(rejections_module, "check_all", spy_check)
    compacted = _count_compactions(monkeypatch)
    with open_store(str(store_copy)) as store:
        reports = build(store, data_dir)
        label = store.select(
            "SELECT ?l WHERE { <https://w3id.org/nbkg/id/no-arena> "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
        )
    # the ontology's graph is not named after its file, so it is read to find its graph
    assert sorted(read) == ["ontology/nbkg.ttl", "registry/programmes.csv"]
    assert checked == ["registry/programmes.csv"]
    by_status = {r.source: r.status for r in reports}
    assert by_status.pop("registry/programmes.csv") == "loaded"
    assert set(by_status.values()) == {"unchanged"}
    assert {str(row["l"]) for row in label} >= {"Arena programme (Norwegian Innovation Clusters)"}
    unchanged = next(r for r in reports if r.source == "registry/clusters.csv")
    assert unchanged.triples > 0  # as recorded when it was loaded
    assert compacted == []  # compacting costs as much as the whole store


def test_a_first_build_compacts_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compacted = _count_compactions(monkeypatch)
    with open_store(str(tmp_path / "store")) as store:
        build(store, bundled_data_dir())
        assert compacted == [store.location]
        assert store.ask("ASK { ?s a <https://w3id.org/nbkg/def#Cluster> }")


def _count_compactions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from nbkg.graph.oxigraph_store import OxigraphStore

    compacted: list[str] = []
    real = OxigraphStore.compact

    def counting(self: OxigraphStore) -> None:
        compacted.append(self.location)
        real(self)

    monkeypatch.setattr(OxigraphStore, "compact", counting)
    return compacted


# ---- big sources are read in worker processes -----------------------------------------


class _CountingPool(build_module.ProcessPoolExecutor):
    submitted: list[str] = []

    def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN204
        _CountingPool.submitted.append(args[0].name)
        return super().submit(fn, *args, **kwargs)


def _stable(lines: set[str]) -> set[str]:
    """Quads that do not change from one build to the next (no load times, no blank nodes)."""
    return {line for line in lines if "AtTime>" not in line and "_:" not in line}


def test_sources_read_in_workers_give_the_same_graph(
    tmp_path: Path, built_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_module, "IN_A_WORKER_FROM", 0)  # every source, however small
    monkeypatch.setattr(build_module, "ProcessPoolExecutor", _CountingPool)
    _CountingPool.submitted = []
    with open_store(str(tmp_path / "store")) as store:
        reports = build(store, bundled_data_dir())
    assert all(r.ok for r in reports)
    assert sorted(_CountingPool.submitted) == sorted(r.source for r in reports)
    assert _stable(quads(tmp_path / "store")) == _stable(quads(built_store))


def test_a_bad_file_read_in_a_worker_names_its_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_module, "IN_A_WORKER_FROM", 0)
    programmes = data_dir / "registry" / "programmes.csv"
    lines = programmes.read_text(encoding="utf-8").split("\n")
    lines[4] = '"' + lines[4]
    programmes.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(programmes)])
    assert result.exit_code == 1, result.output
    assert "registry/programmes.csv:5: malformed CSV" in result.output
