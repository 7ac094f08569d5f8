"""Bad input, for every kind of source: the error names the file and the line (or record) and
says what rule is broken in plain words; a build rejects that source whole, loads the others,
and keeps the previous version of the rejected source's graph."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from nbkg.cli import main

GRAPH = "https://w3id.org/nbkg/graph/"
Edit = Callable[[Path], None]

BAD_TTL = """\
@prefix nbkg: <https://w3id.org/nbkg/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

<https://w3id.org/nbkg/id/testing-sawmill> a nbkg:Firm ;
    rdfs:label "Testing Sawmill AB" ;
    nbkg:country <https://w3id.org/nbkg/id/se>
    prov:wasDerivedFrom <https://example.org/sawmill> ;
    nbkg:evidenceKind <https://w3id.org/nbkg/def/evidence/document-stated> .
"""
GOOD_TTL = BAD_TTL.replace("/se>\n", "/se> ;\n")


# ---- edits to the writable copy of the data folder ------------------------------------


def replace(rel: str, line: int, old: str, new: str) -> Edit:
    """Replace ``old`` by ``new`` on one line (1-based) of a data file."""

    def edit(data_dir: Path) -> None:
        path = data_dir / rel
        lines = path.read_text(encoding="utf-8").split("\n")
        assert old in lines[line - 1], f"{rel}:{line} is {lines[line - 1]!r}"
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        path.write_text("\n".join(lines), encoding="utf-8")

    return edit


def insert_after(rel: str, line: int, text: str) -> Edit:
    def edit(data_dir: Path) -> None:
        path = data_dir / rel
        lines = path.read_text(encoding="utf-8").split("\n")
        lines.insert(line, text)
        path.write_text("\n".join(lines), encoding="utf-8")

    return edit


def truncate(rel: str, keep: int, then: Edit) -> Edit:
    """Keep the first ``keep`` lines (a quick SHACL check of a big table), then edit."""

    def edit(data_dir: Path) -> None:
        path = data_dir / rel
        lines = path.read_text(encoding="utf-8").split("\n")
        path.write_text("\n".join(lines[:keep]) + "\n", encoding="utf-8")
        then(data_dir)

    return edit


def drop_column(rel: str, column: str) -> Edit:
    def edit(data_dir: Path) -> None:
        path = data_dir / rel
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        index = rows[0].index(column)
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(
                [row[:index] + row[index + 1 :] for row in rows]
            )

    return edit


def empty(rel: str) -> Edit:
    def edit(data_dir: Path) -> None:
        (data_dir / rel).write_bytes(b"")

    return edit


def latin1(rel: str, line: int, old: str, new: str) -> Edit:
    """Write one line's replacement in Latin-1, the rest of the file staying UTF-8."""

    def edit(data_dir: Path) -> None:
        path = data_dir / rel
        lines = path.read_bytes().split(b"\n")
        assert old.encode() in lines[line - 1]
        lines[line - 1] = lines[line - 1].replace(old.encode(), new.encode("latin-1"))
        path.write_bytes(b"\n".join(lines))

    return edit


def write(rel: str, text: str) -> Edit:
    def edit(data_dir: Path) -> None:
        path = data_dir / rel
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")

    return edit


@dataclass(frozen=True)
class Case:
    source: str  # the file, relative to the data folder
    edit: Edit
    where: str  # "file:line" the message must start with
    words: tuple[str, ...]  # the rule, in plain words

    @property
    def graph(self) -> str:
        folder, name = self.source.split("/")
        return f"{GRAPH}{folder}/{name.rsplit('.', 1)[0]}"


AWARDS, CLUSTERS = "registry/awards.csv", "registry/clusters.csv"
MEMBERSHIPS, ORGANISATIONS = "registry/memberships.csv", "registry/organisations.csv"
PROGRAMMES, PAPER = "registry/programmes.csv", "curated/paper-province.yaml"

CASES = {
    # -- CSV syntax and layout
    "csv-extra-field": Case(
        MEMBERSHIPS,
        replace(MEMBERSHIPS, 5, ",R&D partner,", ",R&D partner,extra,"),
        f"{MEMBERSHIPS}:5",
        ("5 fields where the header has 4",),
    ),
    "csv-missing-field": Case(
        AWARDS,
        replace(AWARDS, 3, ",2021,,,,", ",2021,,,"),
        f"{AWARDS}:3",
        ("6 fields where the header has 7",),
    ),
    "csv-unknown-column": Case(
        PROGRAMMES,
        replace(PROGRAMMES, 1, ",funder_id,", ",funder,"),
        f"{PROGRAMMES}:1",
        ("unknown column(s) 'funder'", "funder_id"),
    ),
    "csv-missing-required-column": Case(
        PROGRAMMES,
        drop_column(PROGRAMMES, "level"),
        f"{PROGRAMMES}:1",
        ("missing column(s) level",),
    ),
    "csv-empty-file": Case(AWARDS, empty(AWARDS), AWARDS, ("file is empty",)),
    "csv-not-utf8": Case(
        ORGANISATIONS,
        latin1(ORGANISATIONS, 51, "Alcoa Mosjøen", "Alcoa Mosjöen"),
        f"{ORGANISATIONS}:51",
        ("not UTF-8", "0xf6"),
    ),
    "csv-empty-required-value": Case(
        CLUSTERS,
        replace(CLUSTERS, 28, ",Paper Province,", ",,"),
        f"{CLUSTERS}:28",
        ("empty name",),
    ),
    # -- values the loader cannot read
    "csv-non-numeric-amount": Case(
        AWARDS,
        replace(AWARDS, 6, ",3800000,SEK,", ",lots,SEK,"),
        f"{AWARDS}:6",
        ("not a number: 'lots'",),
    ),
    "csv-bad-year": Case(
        AWARDS, replace(AWARDS, 2, ",2018,2020,", ",20x8,2020,"), f"{AWARDS}:2", ("not a year",)
    ),
    "csv-unknown-role": Case(
        MEMBERSHIPS,
        replace(MEMBERSHIPS, 2, ",member,", ",overlord,"),
        f"{MEMBERSHIPS}:2",
        ("unknown role 'overlord'", "member"),
    ),
    "csv-unknown-programme-level": Case(
        PROGRAMMES,
        replace(PROGRAMMES, 2, ",Arena,", ",Galactic,"),
        f"{PROGRAMMES}:2",
        ("unknown programme level 'Galactic'", "arena"),
    ),
    "csv-unknown-country": Case(
        CLUSTERS,
        replace(CLUSTERS, 28, ",SE,Värmland,", ",XX,Värmland,"),
        f"{CLUSTERS}:28",
        ("unknown country code 'XX'",),
    ),
    "csv-source-url-not-http": Case(
        ORGANISATIONS,
        replace(ORGANISATIONS, 2, ",https://ec.europa.eu/regional", ",ec.europa.eu/regional"),
        f"{ORGANISATIONS}:2",
        ("source_url must be an http(s) address",),
    ),
    # -- SHACL constraints
    "shacl-wrong-currency": Case(
        AWARDS,
        replace(AWARDS, 6, ",3800000,SEK,", ",3800000,KRW,"),
        f"{AWARDS}:6",
        ("nbkg:currency", "the currency must be one ISO 4217 code", "(value: 'KRW')"),
    ),
    "shacl-negative-count": Case(
        CLUSTERS,
        replace(CLUSTERS, 14, ",83,2020,", ",-5,2020,"),
        f"{CLUSTERS}:14",
        ("nbkg:count", "a whole number of zero or more", "(value: '-5')"),
    ),
    "shacl-negative-amount": Case(
        AWARDS,
        replace(AWARDS, 6, ",3800000,SEK,", ",-10,SEK,"),
        f"{AWARDS}:6",
        ("the amount must be one xsd:decimal of zero or more",),
    ),
    "shacl-amount-without-currency": Case(
        AWARDS,
        replace(AWARDS, 6, ",3800000,SEK,", ",3800000,,"),
        f"{AWARDS}:6",
        ("has an amount (3800000) but no currency",),
    ),
    "shacl-ends-before-it-starts": Case(
        AWARDS,
        replace(AWARDS, 2, ",2018,2020,", ",2021,2020,"),
        f"{AWARDS}:2",
        ("ends (2020) before it starts (2021)",),
    ),
    "dangling-reference": Case(
        MEMBERSHIPS,
        truncate(MEMBERSHIPS, 6, replace(MEMBERSHIPS, 3, "kunnskapsparken-helgeland,", "ghost,")),
        f"{MEMBERSHIPS}:3",
        ("org:member", "refers to id:ghost, which no source defines"),
    ),
    # -- curated YAML
    "yaml-malformed": Case(
        PAPER,
        replace(PAPER, 17, "names: [Paper Province]", "names: [Paper Province]]"),
        f"{PAPER}:17",
        ("malformed YAML",),
    ),
    "yaml-unknown-key": Case(
        PAPER,
        insert_after(PAPER, 16, "    colour: blue"),
        f"{PAPER}:14",  # the entity's first line
        ("unknown key(s) colour in an entity", "allowed:"),
    ),
    "yaml-undeclared-id": Case(
        PAPER,
        replace(PAPER, 87, "organisation: paper-province, of:", "organisation: ghost, of:"),
        f"{PAPER}:87",
        ("refers to 'ghost', which is not declared under entities",),
    ),
    "yaml-evidence-reversed": Case(
        PAPER,
        replace(PAPER, 22, "[1749, 1837]", "[1837, 1749]"),
        f"{PAPER}:14",
        ("evidence offsets must satisfy 0 <= start < end", "[1837, 1749]"),
    ),
    "yaml-unknown-position": Case(
        PAPER,
        replace(PAPER, 95, "role: project-manager", "role: overlord"),
        f"{PAPER}:95",
        ("unknown position 'overlord'",),
    ),
    "yaml-empty-file": Case(PAPER, empty(PAPER), PAPER, ("file is empty",)),
    # -- RDF
    "turtle-malformed": Case(
        "rdf/x.ttl", write("rdf/x.ttl", BAD_TTL), "rdf/x.ttl:8", ("malformed turtle",)
    ),
}


def report_lines(output: str) -> dict[str, str]:
    """source -> status, from the one line per source that build and validate print."""
    found = re.findall(r"^(loaded|unchanged|rejected|valid)\s+(\S+)\s+\d+ triples$", output, re.M)
    return {source: status for status, source in found}


def assert_clear_message(output: str, case: Case) -> None:
    problems = [line.strip() for line in output.splitlines() if line.startswith("    ")]
    mine = [p for p in problems if p.startswith(f"{case.where}:")]
    assert mine, f"no problem reported at {case.where}:\n{output}"
    assert any(all(word in p for word in case.words) for p in mine), output
    assert "Traceback" not in output


# ---- nbkg validate FILE: the message -------------------------------------------------


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_validate_names_file_line_and_rule(data_dir: Path, case: Case) -> None:
    case.edit(data_dir)
    result = CliRunner().invoke(main, ["validate", str(data_dir / case.source)])
    assert result.exit_code == 1, result.output
    assert report_lines(result.output) == {case.source: "rejected"}
    assert_clear_message(result.output, case)


@pytest.mark.parametrize(
    "rel,line",
    [(PROGRAMMES, 5), (MEMBERSHIPS, 5)],  # no quote below line 5 / a quoted field at 143
)
def test_unbalanced_quote_is_reported_at_its_line(data_dir: Path, rel: str, line: int) -> None:
    path = data_dir / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = '"' + lines[line - 1]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{rel}:{line}: malformed CSV" in result.output


def test_amount_without_currency_message_does_not_blame_funder(data_dir: Path) -> None:
    CASES["shacl-amount-without-currency"].edit(data_dir)
    result = CliRunner().invoke(main, ["validate", str(data_dir / AWARDS)])
    assert "but no currency" in result.output
    assert "needs a funder or a programme" not in result.output


def test_validate_missing_file_in_a_data_folder(data_dir: Path) -> None:
    (data_dir / AWARDS).unlink()
    result = CliRunner().invoke(main, ["validate", str(data_dir / AWARDS)])
    assert result.exit_code == 1
    assert f"{AWARDS}: file not found" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["nonexistent.yaml", "nonexistent.ttl"])
def test_validate_missing_file_of_other_kinds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", name])
    assert result.exit_code != 0
    assert f"{name}: file not found" in result.output


def test_validate_nonexistent_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "nonexistent.csv"])
    assert result.exit_code != 0
    assert "nonexistent.csv" in result.output
    assert "not found" in result.output or "does not exist" in result.output
    assert "unknown registry table" not in result.output


# ---- nbkg build after a good build: the rest loads, the old version stays -------------

STORE_CASES = {
    "csv-syntax": (
        "csv-extra-field",
        "id:membership-aarhus-universitet-biocluster-foulum-rd-partner org:member "
        "id:aarhus-universitet",
    ),
    "csv-not-utf8": ("csv-not-utf8", 'id:alcoa-mosjoen rdfs:label "Alcoa Mosjøen"'),
    "shacl-currency": (
        "shacl-wrong-currency",
        'id:award-krinova-interreg-south-baltic-2018 nbkg:currency "SEK"',
    ),
    "shacl-negative-count": (
        "shacl-negative-count",
        'id:count-arctic-cluster-team-all-2020-83 nbkg:count "83"^^xsd:nonNegativeInteger',
    ),
    "dangling-reference": (
        "dangling-reference",
        "id:membership-kunnskapsparken-helgeland-arctic-cluster-team-host org:member "
        "id:kunnskapsparken-helgeland",
    ),
    "yaml-malformed": (
        "yaml-malformed",
        "id:post-magnus-persson-paper-province-project-manager org:heldBy id:magnus-persson",
    ),
    "yaml-undeclared-id": (
        "yaml-undeclared-id",
        "id:more-innovation-from-sme nbkg:coordinator id:paper-province",
    ),
}
TOUCHED = "curated/upper-norrland-biomass-cluster.yaml"  # changed legitimately in the same build


def graph_quads(quads: set[str], graph: str) -> set[str]:
    return {q for q in quads if q.endswith(f"<{graph}> .")}


@pytest.mark.parametrize(("name", "fact"), list(STORE_CASES.values()), ids=list(STORE_CASES))
def test_rejected_source_keeps_its_previous_graph(
    runner: CliRunner,
    store_copy: Path,
    data_dir: Path,
    built_quads: set[str],
    reader,
    name: str,
    fact: str,
) -> None:
    case = CASES[name]
    case.edit(data_dir)
    with (data_dir / TOUCHED).open("a", encoding="utf-8") as handle:
        handle.write("# touched\n")

    result = runner.invoke(main, ["build", "--store", str(store_copy), "--data", str(data_dir)])

    assert result.exit_code == 1, result.output
    assert_clear_message(result.output, case)
    statuses = report_lines(result.output)
    assert statuses.pop(case.source) == "rejected"
    assert statuses.pop(TOUCHED) == "loaded"  # other changed sources still load
    assert set(statuses.values()) == {"unchanged"} and len(statuses) == 9
    assert "11 sources: 1 loaded, 9 unchanged, 1 rejected" in result.output
    # the rejected source's graph is exactly its previous version
    after = reader.quads(store_copy)
    assert graph_quads(after, case.graph) == graph_quads(built_quads, case.graph) != set()
    assert reader.ask(store_copy, f"ASK {{ GRAPH <{case.graph}> {{ {fact} }} }}")


def test_rejected_rdf_file_keeps_its_previous_graph(
    runner: CliRunner, store_copy: Path, data_dir: Path, reader
) -> None:
    write("rdf/x.ttl", GOOD_TTL)(data_dir)
    first = runner.invoke(main, ["build", "--data", str(data_dir)])
    assert first.exit_code == 0, first.output
    assert report_lines(first.output)["rdf/x.ttl"] == "loaded"
    good = reader.quads(store_copy)

    case = CASES["turtle-malformed"]
    case.edit(data_dir)
    second = runner.invoke(main, ["build", "--data", str(data_dir)])

    assert second.exit_code == 1, second.output
    assert_clear_message(second.output, case)
    statuses = report_lines(second.output)
    assert statuses.pop("rdf/x.ttl") == "rejected"
    assert set(statuses.values()) == {"unchanged"}
    assert reader.quads(store_copy) == good
    assert reader.ask(
        store_copy,
        f'ASK {{ GRAPH <{GRAPH}rdf/x> {{ id:testing-sawmill rdfs:label "Testing Sawmill AB" }} }}',
    )


def test_build_api_reports_the_same(store_copy: Path, data_dir: Path, built_quads, reader) -> None:
    """The Python API gives the same report the CLI prints."""
    from nbkg.graph.build import build
    from nbkg.graph.store import open_store

    CASES["yaml-unknown-key"].edit(data_dir)
    with open_store(str(store_copy)) as store:
        reports = build(store, data_dir)
    by_source = {r.source: r for r in reports}
    assert len(reports) == 11
    rejected = by_source.pop(PAPER)
    assert (rejected.status, rejected.ok) == ("rejected", False)
    assert rejected.graph == f"{GRAPH}curated/paper-province"
    assert rejected.problems == [
        f"{PAPER}:14: unknown key(s) colour in an entity; allowed: abbreviation, country, end, "
        "evidence, founded, id, level, located_in, name, names, note, owners, part_of, "
        "sectors, start, type"
    ]
    assert {r.status for r in by_source.values()} == {"unchanged"}
    assert reader.quads(store_copy) == built_quads
