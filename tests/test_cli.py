"""The ``nbkg`` command line: build, query, export, stats, validate and their errors.

Read-only checks run against the session's ``built_store``; the one full build here is a
forced rebuild of a copy of it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

import nbkg
from nbkg.cli import main

ID = "https://w3id.org/nbkg/id/"
NBKG = "https://w3id.org/nbkg/def#"
GRAPH = "https://w3id.org/nbkg/graph/"
SOURCES = [
    "curated/arctic-cluster-team.yaml",
    "curated/north-sweden-cleantech.yaml",
    "curated/paper-province.yaml",
    "curated/upper-norrland-biomass-cluster.yaml",
    "curated/woodworks.yaml",
    "ontology/nbkg.ttl",
    "registry/awards.csv",
    "registry/clusters.csv",
    "registry/memberships.csv",
    "registry/organisations.csv",
    "registry/programmes.csv",
]
PROV_TIMES = (
    "<http://www.w3.org/ns/prov#startedAtTime>",
    "<http://www.w3.org/ns/prov#endedAtTime>",
)
REPORT = re.compile(r"^(loaded|unchanged|rejected)\s+(\S+)\s+(\d+) triples$", re.M)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def reports(output: str) -> dict[str, tuple[str, int]]:
    """source -> (status, triples), from the one line per source ``nbkg build`` prints."""
    return {source: (status, int(n)) for status, source, n in REPORT.findall(output)}


def graph_of(source: str) -> str:
    """The named graph a source loads into."""
    return GRAPH + ("ontology" if source.startswith("ontology/") else source.rsplit(".", 1)[0])


def export_nq(runner: CliRunner, store: Path) -> set[str]:
    result = ok(runner.invoke(main, ["export", "--format", "nq", "--store", str(store)]))
    return {line for line in result.stdout.splitlines() if line.strip()}


def without_prov_times(lines: set[str]) -> set[str]:
    return {line for line in lines if not any(p in line for p in PROV_TIMES)}


def same_up_to_blank_nodes(a: set[str], b: set[str]) -> bool:
    """Equal quads, where those with blank nodes (OWL lists in the ontology) may be relabelled."""
    ground_a = {line for line in a if "_:" not in line}
    ground_b = {line for line in b if "_:" not in line}
    if ground_a != ground_b:
        return False
    blank_a, blank_b = (
        _parse_dataset("\n".join(sorted(x - g)).encode(), "nquads")
        for x, g in ((a, ground_a), (b, ground_b))
    )
    names = {g.identifier for g in blank_a.graphs()} | {g.identifier for g in blank_b.graphs()}
    return all(isomorphic(blank_a.graph(name), blank_b.graph(name)) for name in names)


@pytest.fixture(scope="module")
def query(built_store: Path):
    """Run ``nbkg query … --format csv`` against the built store; rows as dicts."""
    runner = CliRunner()

    def run(*args: str) -> list[dict[str, str]]:
        result = ok(
            runner.invoke(main, ["query", *args, "--format", "csv", "--store", str(built_store)])
        )
        return list(csv.DictReader(io.StringIO(result.stdout, newline="")))

    return run


# ---- build ---------------------------------------------------------------------------


def test_build_force_reloads_then_a_plain_build_changes_nothing(
    runner: CliRunner, built_store: Path, data_dir: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"  # the runner's NBKG_STORE
    shutil.copytree(built_store, store)
    before = export_nq(runner, store)

    forced = ok(runner.invoke(main, ["build", "--data", str(data_dir), "--force"]))
    lines = reports(forced.output)
    assert sorted(lines) == SOURCES  # one line per source, with status and triple count
    assert {status for status, _ in lines.values()} == {"loaded"}
    assert all(n > 50 for _, n in lines.values())
    assert f"11 sources: 11 loaded, 0 unchanged, 0 rejected; store: {store}" in forced.output
    after_force = export_nq(runner, store)
    # same data; only the times of the load activities differ
    assert same_up_to_blank_nodes(without_prov_times(after_force), without_prov_times(before))
    changed = {line for line in after_force ^ before if "_:" not in line}
    assert changed and all(any(p in line for p in PROV_TIMES) for line in changed)
    # each line's count is the source's data triples, as recorded in its graph (void:triples)
    counts = {
        line.split()[0][1:-1]: int(line.split('"')[1])
        for line in after_force
        if "<http://rdfs.org/ns/void#triples>" in line
    }
    assert counts == {graph_of(source): n for source, (_, n) in lines.items()}

    again = ok(runner.invoke(main, ["build", "--data", str(data_dir)]))
    assert {s: status for s, (status, _) in reports(again.output).items()} == dict.fromkeys(
        SOURCES, "unchanged"
    )
    assert {s: n for s, (_, n) in reports(again.output).items()} == {
        s: n for s, (_, n) in lines.items()
    }
    assert "11 sources: 0 loaded, 11 unchanged, 0 rejected" in again.output
    assert export_nq(runner, store) == after_force


def test_build_bad_data_folder_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", "--data", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


# ---- the acceptance questions, per seed cluster ----------------------------------------

SEEDS = [
    "woodworks",
    "paper-province",
    "arctic-cluster-team",
    "north-sweden-cleantech",
    "upper-norrland-biomass-cluster",
]
MEMBERS = {  # member -> (role, kind of organisation); only the seed texts' and registry's
    "woodworks": {
        "lensa": ("member", "Other organisation"),
        "innherred-skognettverk": ("member", "Other organisation"),
        "skognaeringa-i-namdal": ("member", "Other organisation"),
    },
    "paper-province": {
        "billerud": ("member", "Firm"),
        "stora-enso": ("member", "Firm"),
        "karlstads-universitet": ("member", "Research organisation"),
        "region-varmland": ("partner", "Public body"),
    },
    "arctic-cluster-team": {
        "alcoa-mosjoen": ("member", "Firm"),
        "kunnskapsparken-helgeland": ("host", "Other organisation"),
    },
    "north-sweden-cleantech": {},  # its text names projects it is partner in, no members
    "upper-norrland-biomass-cluster": {},  # the text names no members
}


@pytest.mark.parametrize("cluster", SEEDS)
def test_members_and_partners_with_roles(query, cluster: str) -> None:
    rows = query("-q", "cluster-members", "-p", f"cluster=id:{cluster}")
    assert {r["cluster"] for r in rows} <= {ID + cluster}
    found = {r["member"].removeprefix(ID): (r["role"], r["kind"]) for r in rows}
    assert MEMBERS[cluster].items() <= found.items()
    assert all(r["name"] and r["evidence"] and r["sources"] for r in rows)
    if cluster == "paper-province":
        by_member = {r["member"].removeprefix(ID): r for r in rows}
        # the cluster's own site claims its members; a newspaper states the partner
        assert by_member["billerud"]["evidence"] == "claimed by the cluster"
        assert by_member["region-varmland"]["evidence"] == "stated in a document"


def test_funding_paper_province(query) -> None:
    rows = query("-q", "cluster-funding", "-p", "cluster=id:paper-province")
    tillvaxtverket = [r for r in rows if r["funder"] == "Tillväxtverket"]
    assert len(tillvaxtverket) == 1
    award = tillvaxtverket[0]
    assert (award["amount"], award["currency"]) == ("500000", "SEK")
    assert (award["start"], award["status"]) == ("2013-07-01", "granted")
    vinnvaxt = [r for r in rows if r["programme"] == "VINNVÄXT"]
    assert [(r["start"], r["end"]) for r in vinnvaxt] == [("2013", "2023")]


def test_funding_north_sweden_cleantech_through_its_project(query) -> None:
    rows = query("-q", "cluster-funding", "-p", "cluster=id:north-sweden-cleantech")
    by_award = {r["award"].removeprefix(ID): r for r in rows}
    erdf = by_award["award-cleaner-growth-erdf"]
    region = by_award["award-cleaner-growth-region-vasterbotten"]
    assert erdf["recipient"] == region["recipient"] == "Cleaner Growth"
    assert erdf["programme"] in (
        "European Regional Development Fund",
        "EU:s regionala utvecklingsfond",
    )
    assert region["funder"] == "Region Västerbotten"
    assert erdf["status"] == region["status"] == "granted"


@pytest.mark.parametrize(
    ("cluster", "programmes"),
    [
        ("woodworks", {"ARENA", "Arena", "Arena Pro (Norwegian Innovation Clusters)"}),
        ("arctic-cluster-team", {"ARENA", "Arena", "Arena Pro (Norwegian Innovation Clusters)"}),
    ],
)
def test_funding_norwegian_programmes(query, cluster: str, programmes: set[str]) -> None:
    rows = query("-q", "cluster-funding", "-p", f"cluster=id:{cluster}")
    assert len({r["programme"] for r in rows} & programmes) >= 2
    assert {r["status"] for r in rows} <= {"granted", "applied for"}


def test_funding_upper_norrland_none_stated(query) -> None:
    assert query("-q", "cluster-funding", "-p", "cluster=id:upper-norrland-biomass-cluster") == []


@pytest.mark.parametrize(
    ("cluster", "country", "places"),
    [
        ("woodworks", "Norway", {"Trøndelag", "Midt-Norge"}),
        ("paper-province", "Sweden", {"Värmland", "Karlstad"}),
        ("arctic-cluster-team", "Norway", {"Nordland", "Mo i Rana"}),
        ("north-sweden-cleantech", "Sweden", {"Norra Sverige"}),
        ("upper-norrland-biomass-cluster", "Sweden", {"Upper Norrland", "Norrbotten"}),
    ],
)
def test_where_it_sits(query, cluster: str, country: str, places: set[str]) -> None:
    rows = query("-q", "cluster-locations", "-p", f"cluster=id:{cluster}")
    assert len(rows) == 1
    assert rows[0]["country"] == country
    assert places <= set(rows[0]["places"].split("; "))
    assert rows[0]["sectors"]


@pytest.mark.parametrize(
    ("cluster", "people"),
    [
        ("paper-province", {("Magnus Persson", "project manager", "projektledare")}),
        ("north-sweden-cleantech", {("Peter Hedman", "project manager", "projektledare")}),
        ("woodworks", set()),
        ("arctic-cluster-team", set()),  # its text names people of members, not of the cluster
        ("upper-norrland-biomass-cluster", set()),
    ],
)
def test_who_leads_it(query, cluster: str, people: set[tuple[str, str, str]]) -> None:
    rows = query("-q", "cluster-people", "-p", f"organisation=id:{cluster}")
    assert people <= {(r["name"], r["position"], r["title"]) for r in rows}
    assert {r["organisation"] for r in rows} <= {ID + cluster}


@pytest.mark.parametrize(
    ("cluster", "source", "evidence"),
    [
        (
            "paper-province",
            "https://paperprovince.com/en/about-paper-province/history/",
            "claimed by the cluster",
        ),
        ("woodworks", "https://wcte2023.org/sponsors/woodworks/", None),
        (
            "arctic-cluster-team",
            "https://www.eydecluster.com/no/aktuelt/2020/ny-arena-pro-klynge/",
            None,
        ),
        # not in the registry: their source is the curated document
        ("north-sweden-cleantech", f"{ID}doc-06975ca72c28e08a", "claimed by the cluster"),
        ("upper-norrland-biomass-cluster", f"{ID}doc-7176f7655d35e0ac", "stated in a document"),
    ],
)
def test_clusters_carry_their_sources(
    query, cluster: str, source: str, evidence: str | None
) -> None:
    rows = [r for r in query("-q", "cluster-sources") if r["cluster"] == ID + cluster]
    assert source in {r["source"] for r in rows}
    if evidence:
        assert evidence in {r["evidence"] for r in rows if r["source"] == source}


# ---- query: formats, forms and refusals -----------------------------------------------


def test_csv_is_w3c_sparql_csv(built_store: Path) -> None:
    sparql = (
        f"SELECT ?org ?name WHERE {{ ?org a <{NBKG}Firm> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?name "
        f"FILTER (?org = <{ID}holdur>) }}"
    )
    result = ok(
        CliRunner().invoke(main, ["query", sparql, "--format", "csv", "--store", str(built_store)])
    )
    raw = result.stdout_bytes.decode("utf-8")
    assert raw.split("\r\n")[0] == "org,name"  # variable names; CRLF line ends
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows == [["org", "name"], [f"{ID}holdur", "Höldur, Bílaleiga Akureyrar"]]
    assert "<" not in result.output  # IRIs without angle brackets


def test_json_and_table_select(built_store: Path) -> None:
    sparql = f"SELECT ?c WHERE {{ ?c a <{NBKG}Cluster> FILTER (?c = <{ID}paper-province>) }}"
    as_json = ok(
        CliRunner().invoke(main, ["query", sparql, "--format", "json", "--store", str(built_store)])
    )
    data = json.loads(as_json.output)
    assert data["head"]["vars"] == ["c"]
    assert {b["c"]["value"] for b in data["results"]["bindings"]} == {f"{ID}paper-province"}
    as_table = ok(CliRunner().invoke(main, ["query", sparql, "--store", str(built_store)]))
    assert "paper-province" in as_table.output


def test_construct_as_turtle(built_store: Path) -> None:
    sparql = f"CONSTRUCT {{ ?c a <{NBKG}Cluster> }} WHERE {{ ?c a <{NBKG}Cluster> }}"
    result = ok(
        CliRunner().invoke(main, ["query", sparql, "--format", "ttl", "--store", str(built_store)])
    )
    graph = Graph().parse(data=result.output, format="turtle")
    clusters = set(graph.subjects(RDF.type, URIRef(NBKG + "Cluster")))
    assert {URIRef(ID + s) for s in SEEDS} <= clusters
    assert len(graph) == len(clusters) > 50


@pytest.mark.parametrize(
    ("pattern", "fmt", "expected"),
    [
        (f"<{ID}paper-province> a <{NBKG}Cluster>", "table", "true"),
        (f"<{ID}paper-province> a <{NBKG}Firm>", "table", "false"),
        (f"<{ID}paper-province> a <{NBKG}Cluster>", "json", True),
        (f"<{ID}paper-province> a <{NBKG}Firm>", "json", False),
    ],
)
def test_ask_gives_true_or_false(built_store: Path, pattern: str, fmt: str, expected) -> None:
    args = ["query", f"ASK {{ {pattern} }}", "--format", fmt, "--store", str(built_store)]
    result = ok(CliRunner().invoke(main, args))
    if fmt == "json":
        assert json.loads(result.output)["boolean"] is expected
    else:
        assert result.output.strip() == expected


def test_syntax_error_names_line_and_column(built_store: Path) -> None:
    sparql = "SELECT ?s\nWHERE { ?s ?p }"
    result = CliRunner().invoke(main, ["query", sparql, "--store", str(built_store)])
    assert result.exit_code == 1
    assert "SPARQL syntax error" in result.output
    assert re.search(r"\b2:\d+\b", result.output), result.output  # line 2, some column
    assert "Traceback" not in result.output


UPDATES = [
    f'INSERT DATA {{ <{ID}x> <{NBKG}keyword> "x" }}',
    f"PREFIX nbkg: <{NBKG}>\n# a comment\n"
    f'INSERT DATA {{ GRAPH <{GRAPH}x> {{ <{ID}x> nbkg:keyword "x" }} }}',
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "CLEAR DEFAULT",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_and_change_nothing(
    runner: CliRunner, built_store: Path, tmp_path: Path, update: str
) -> None:
    store = tmp_path / "store"
    shutil.copytree(built_store, store)
    before = export_nq(runner, store)
    result = runner.invoke(main, ["query", update])
    assert result.exit_code == 1
    assert "only queries are run here" in result.output
    assert "nbkg build" in result.output
    query_file = tmp_path / "update.rq"
    query_file.write_text(update, encoding="utf-8")
    from_file = runner.invoke(main, ["query", "--file", str(query_file)])
    assert from_file.exit_code == 1
    assert export_nq(runner, store) == before


HOSTILE = 'x" } ; DROP ALL ; #'


def test_hostile_param_is_bound_as_a_literal(
    runner: CliRunner, built_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(built_store, store)
    before = export_nq(runner, store)
    echoed = ok(
        runner.invoke(
            main, ["query", "SELECT ?name WHERE {}", "-p", f"name={HOSTILE}", "--format", "json"]
        )
    )
    binding = json.loads(echoed.output)["results"]["bindings"]
    assert binding == [{"name": {"type": "literal", "value": HOSTILE}}]
    canned = runner.invoke(
        main, ["query", "-q", "cluster-members", "-p", f"cluster={HOSTILE}", "--format", "csv"]
    )
    assert canned.exit_code == 2  # the parameter is declared an IRI: refused, named
    assert "parameter 'cluster'" in canned.output
    assert export_nq(runner, store) == before


@pytest.mark.parametrize("value", ["id:x>}DROP", "<http://x>} DROP ALL #>", "<a b>"])
def test_param_that_is_no_iri_is_a_clear_error(built_store: Path, value: str) -> None:
    """Hostile text shaped like an IRI is refused up front (it never reaches the query)."""
    result = CliRunner().invoke(
        main,
        ["query", "-q", "cluster-members", "-p", f"cluster={value}", "--store", str(built_store)],
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert "--param" in result.output


def test_param_needs_name_equals_value(built_store: Path) -> None:
    result = CliRunner().invoke(
        main, ["query", "-q", "cluster-members", "-p", "no-equals", "--store", str(built_store)]
    )
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.output


def test_query_needs_exactly_one_source_of_text(built_store: Path) -> None:
    for args in ([], ["ASK {}", "-q", "cluster-members"]):
        result = CliRunner().invoke(main, ["query", *args, "--store", str(built_store)])
        assert result.exit_code == 2
        assert "exactly one of QUERY, --file or --canned" in result.output
    unknown = CliRunner().invoke(
        main, ["query", "-q", "no-such-query", "--store", str(built_store)]
    )
    assert unknown.exit_code == 2
    assert "no canned query 'no-such-query'" in unknown.output


def test_query_from_stdin(built_store: Path) -> None:
    result = ok(
        CliRunner().invoke(
            main,
            ["query", "--file", "-", "--format", "json", "--store", str(built_store)],
            input=f"ASK {{ <{ID}woodworks> a <{NBKG}Cluster> }}",
        )
    )
    assert json.loads(result.output)["boolean"] is True


def test_query_nested_too_deep_is_an_error_not_a_crash(built_store: Path) -> None:
    """Oxigraph's parser ends its process a few thousand levels down, so this runs in a
    child process: without the guard it dies of a signal."""
    deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000
    done = subprocess.run(
        [sys.executable, "-c", "from nbkg.cli import main; main()"]
        + ["query", "--file", "-", "--store", str(built_store)],
        input=deep,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr[-500:]
    assert "nests brackets 5000 deep" in done.stderr
    assert "Traceback" not in done.stderr


# ---- export, stats, version, missing store --------------------------------------------


def _parse_dataset(data: bytes, fmt: str) -> Dataset:
    dataset = Dataset()
    with warnings.catch_warnings():  # rdflib 7 warns about its own ConjunctiveGraph internals
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=data, format=fmt)
    return dataset


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("nq", "nquads"), ("trig", "trig"), ("jsonld", "json-ld")]
)
def test_export_keeps_named_graphs(
    built_store: Path, tmp_path: Path, fmt: str, rdflib_format: str
) -> None:
    out = tmp_path / f"graph.{fmt}"
    result = ok(
        CliRunner().invoke(
            main, ["export", "--format", fmt, "-o", str(out), "--store", str(built_store)]
        )
    )
    assert f"wrote {out}" in result.output
    dataset = _parse_dataset(out.read_bytes(), rdflib_format)
    named = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert len(named) >= 10
    assert {
        f"{GRAPH}registry/clusters",
        f"{GRAPH}curated/paper-province",
        f"{GRAPH}ontology",
    } <= named
    clusters = dataset.graph(URIRef(f"{GRAPH}registry/clusters"))
    assert (URIRef(ID + "paper-province"), RDF.type, URIRef(NBKG + "Cluster")) in clusters


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml")]
)
def test_export_merges_graphs(
    built_store: Path, tmp_path: Path, fmt: str, rdflib_format: str
) -> None:
    out = tmp_path / f"graph.{fmt}"
    ok(
        CliRunner().invoke(
            main, ["export", "--format", fmt, "-o", str(out), "--store", str(built_store)]
        )
    )
    graph = Graph().parse(data=out.read_bytes(), format=rdflib_format)
    assert len(graph) > 5000
    pp = URIRef(ID + "paper-province")
    assert (pp, RDF.type, URIRef(NBKG + "Cluster")) in graph
    labels = set(graph.objects(pp, RDFS.label))
    assert {Literal("Paper Province"), Literal("The Paper Province")} <= labels


def test_stats_lists_graphs_and_classes(built_store: Path) -> None:
    result = ok(CliRunner().invoke(main, ["stats", "--store", str(built_store)]))
    for source in SOURCES:
        graph = graph_of(source).replace(GRAPH, "graph:")
        assert re.search(rf"^{re.escape(graph)}\s+{re.escape(source)}\s+\d+$", result.output, re.M)
    for cls in ("nbkg:Cluster", "nbkg:Membership", "nbkg:FundingAward", "nbkg:Person"):
        assert re.search(rf"^{cls}\s+\d+$", result.output, re.M), cls


def test_version() -> None:
    result = ok(CliRunner().invoke(main, ["--version"]))
    assert result.output == f"nbkg, version {nbkg.__version__}\n"


@pytest.mark.parametrize(
    "args",
    [["query", "ASK {}"], ["query", "-q", "cluster-members"], ["export"], ["stats"]],
)
def test_store_never_built_is_a_clear_error(runner: CliRunner, tmp_path: Path, args) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert f"no store at {tmp_path / 'store'}: run `nbkg build` first" in result.output
    assert not (tmp_path / "store").exists()  # reading did not create one


def test_canned_parameters_are_read_by_their_declared_type(query, built_store: Path) -> None:
    rows = query("-q", "funding-by-funder-year", "-p", "year=2013")
    assert rows and {row["year"] for row in rows} == {"2013"}
    result = CliRunner().invoke(
        main,
        ["query", "-q", "funding-by-funder-year", "-p", "year=twenty", "--store", str(built_store)],
    )
    assert result.exit_code == 2
    assert "year" in result.output


def test_serve_starts_while_a_remote_store_is_unreachable(tmp_path: Path) -> None:
    """The names are indexed at start; a store that cannot answer yet delays that, not the
    server."""
    import socket

    def free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    port = free_port()
    closed = f"http://127.0.0.1:{free_port()}/sparql"
    process = subprocess.Popen(
        [sys.executable, "-c", "from nbkg.cli import main; main()", "serve"]
        + ["--store", closed, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        warning, serving = process.stdout.readline(), process.stdout.readline()
    finally:
        process.terminate()
        process.communicate(timeout=30)  # and closes the pipe
    assert warning.startswith("warning: names not indexed yet (cannot reach")
    assert serving.startswith(f"nbkg serving {closed} on http://127.0.0.1:{port}/")
