"""`nbkg extract` and `nbkg evaluate` through the command line: valid contract JSON,
Turtle that parses, clear errors naming the file, thresholds that fail the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from nbkg.cli import main
from nbkg.extraction.contract import problems, read_text

CORPUS = Path(__file__).parent / "corpus"
DOCUMENT = CORPUS / "sv_skog_textilfiber.txt"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("NBKG_STORE", str(tmp_path / "no-store"))  # extract without linking
    return CliRunner()


def test_extract_prints_contract_json(cli: CliRunner) -> None:
    result = cli.invoke(main, ["extract", str(DOCUMENT)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["language"] == "sv"
    assert problems(doc, read_text(DOCUMENT)) == []
    assert {"Cluster", "Funder"} <= {e["type"] for e in doc["entities"]}


def test_extract_links_to_a_built_store(built_store: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["extract", str(DOCUMENT), "--store", str(built_store), "--lang", "sv"]
    )
    assert result.exit_code == 0, result.output
    linked = {e["name"]: e.get("iri") for e in json.loads(result.output)["entities"]}
    assert linked.get("Vinnova") == "https://w3id.org/nbkg/id/vinnova"


def test_extract_turtle_parses(cli: CliRunner) -> None:
    result = cli.invoke(main, ["extract", str(DOCUMENT), "--format", "ttl"])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.output, format="turtle")
    assert len(graph) > 20


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x00PK\x03\x04", "binary"),
        ("Skellefteå kommun".encode("latin-1"), "Windows-1252"),
        (b"<!doctype html><html><body><p>a</p><p>b</p></body></html>", "HTML"),
    ],
)
def test_extract_refuses_bad_files_naming_them(
    cli: CliRunner, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "weird.txt"
    path.write_bytes(content)
    result = cli.invoke(main, ["extract", str(path)])
    assert result.exit_code == 1
    assert "weird.txt" in result.output and message in result.output


def test_extract_refuses_huge_files(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("Skog och papper. " * 200_000, encoding="utf-8")
    result = cli.invoke(main, ["extract", str(path)])
    assert result.exit_code == 1 and "over the limit" in result.output


def test_evaluate_prints_totals_per_language_and_enforces_thresholds(cli: CliRunner) -> None:
    result = cli.invoke(main, ["evaluate", str(CORPUS), "--no-gazetteer"])
    assert result.exit_code == 0, result.output
    assert "language sv" in result.output and "total (16 docs)" in result.output
    failing = cli.invoke(main, ["evaluate", str(CORPUS), "--no-gazetteer", "--min-fact-f1", "1"])
    assert failing.exit_code == 1
    assert "fact F1" in failing.output


def test_evaluate_names_a_broken_gold_file(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Vinnova\n", encoding="utf-8")
    (tmp_path / "a.json").write_text('{"document": "a.txt"}', encoding="utf-8")
    result = cli.invoke(main, ["evaluate", str(tmp_path), "--no-gazetteer"])
    assert result.exit_code == 1
    assert "a.json" in result.output
