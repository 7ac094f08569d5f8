"""The gate's two SHACL engines give the same verdicts.

pyshacl-turbo is the default because it is fast; pySHACL is the reference implementation.
Every example of the ontology (valid and invalid), every bundled source, and a registry table
with broken rows of many kinds must come out the same, violation for violation.
"""

from __future__ import annotations

import csv
import io
from importlib.resources import as_file
from pathlib import Path

import pytest
from verdicts import EXAMPLE_FILES, EXAMPLES, verdicts

from nbkg.graph.build import bundled_data_dir, discover
from nbkg.graph.gate import ENGINES, default_engine


def _problems(monkeypatch: pytest.MonkeyPatch, engine: str, paths: list[Path], data: Path):
    monkeypatch.setenv("NBKG_SHACL_ENGINE", engine)
    return verdicts(paths, data)


@pytest.mark.parametrize(("kind", "name"), EXAMPLE_FILES)
def test_engines_agree_on_example(
    kind: str, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with as_file(EXAMPLES.joinpath(kind, name)) as path:
        turbo = _problems(monkeypatch, "turbo", [path], tmp_path)
        reference = _problems(monkeypatch, "pyshacl", [path], tmp_path)
    assert turbo == reference
    assert (turbo[0][1] == "valid") == (kind == "valid")


def test_engines_agree_on_the_bundled_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    data = bundled_data_dir()
    paths = [s.path for s in discover(data) if s.path.suffix in (".csv", ".yaml")]
    turbo = _problems(monkeypatch, "turbo", paths, data)
    assert turbo == _problems(monkeypatch, "pyshacl", paths, data)
    assert all(status == "valid" for _, status, _ in turbo)


def test_engines_agree_on_broken_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = bundled_data_dir()
    with (data / "registry" / "awards.csv").open(encoding="utf-8", newline="") as table:
        reader = csv.DictReader(table)
        fields, rows = reader.fieldnames, list(reader)
    breaks = [
        {"amount": "-5", "currency": "NOK"},  # below zero
        {"amount": "100", "currency": "XBT"},  # outside the closed list
        {"amount": "100", "currency": ""},  # amount without currency
        {"start_year": "2020", "end_year": "2010"},  # ends before it starts
    ]
    for row, change in zip(rows, breaks, strict=False):
        row.update(change)
    path = tmp_path / "registry" / "awards.csv"
    path.parent.mkdir()
    with path.open("w", encoding="utf-8", newline="") as table:
        writer = csv.DictWriter(table, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    turbo = _problems(monkeypatch, "turbo", [path], data)
    assert turbo == _problems(monkeypatch, "pyshacl", [path], data)
    assert turbo[0][1] == "rejected" and len(turbo[0][2]) == len(breaks)


def test_unknown_engine_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBKG_SHACL_ENGINE", "fast")
    with pytest.raises(ValueError, match="NBKG_SHACL_ENGINE='fast'.*turbo, pyshacl"):
        default_engine()
    assert set(ENGINES) == {"turbo", "pyshacl"}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_stored_graph_conforms_as_the_store_holds_it(built_store: Path, engine: str) -> None:
    """A dump of the built store passes the shapes whole, as a registry consuming it would
    check it: Oxigraph stores counts and offsets as xsd:integer, not as written."""
    from rdflib import Graph

    from nbkg.graph.store import open_store
    from nbkg.ontology import shapes_graph

    dump = io.BytesIO()
    with open_store(str(built_store), read_only=True) as store:
        store.dump(dump, "nt")
    data = Graph().parse(data=dump.getvalue(), format="nt")
    if engine == "pyshacl":
        import pyshacl as validator
    else:
        import pyshacl_turbo as validator
    conforms, _, text = validator.validate(
        data, shacl_graph=shapes_graph(), inference="none", allow_warnings=True, advanced=True
    )
    assert conforms, text[:2000]


def test_engines_agree_on_text_past_ascii(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the gate hands pyshacl-turbo escapes (\u00F8) for everything past ASCII
    with as_file(EXAMPLES.joinpath("valid", "cluster.ttl")) as example:
        text = example.read_text(encoding="utf-8")
    path = tmp_path / "rdf" / "cluster.ttl"
    path.parent.mkdir()
    path.write_text(
        text + '\nid:bioraffineri-midt foaf:homepage "ftp://trøndelag.no/🐟" ;\n'
        '    skos:altLabel "Bioraffineri Midt 🌲"@nb .\n',
        encoding="utf-8",
    )
    turbo = _problems(monkeypatch, "turbo", [path], tmp_path)
    assert turbo == _problems(monkeypatch, "pyshacl", [path], tmp_path)
    ((_, status, problems),) = turbo
    assert status == "rejected" and any("'ftp://trøndelag.no/🐟'" in p for p in problems)
