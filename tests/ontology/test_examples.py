"""The ontology's examples against the SHACL gate.

Every file of ``examples/valid`` must pass the gate; every file of ``examples/invalid`` must be
rejected for exactly the rule its first line states (``# breaks: <token>``) and for nothing
else. Examples are checked against an empty data folder, so every id they refer to must be
defined in the example itself: an example that leans on the bundled data would be rejected
for a dangling reference.
"""

from __future__ import annotations

import re
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from nbkg.graph.build import SourceReport, validate
from nbkg.graph.namespace import NBKG
from nbkg.ontology import ontology_graph, shapes_graph

EXAMPLES = files("nbkg.ontology").joinpath("examples")

# Tokens for constraints that are reported without a property path, and the words of the
# problem that identify them.
REASONS = {
    "dangling": "which no source defines",
    "period": "before it starts",
    "funder-or-programme": "funder or a programme",
    "amount-without-currency": "but no currency",
    "stated-link": "that the source does not state",
}
PROPERTY_TOKEN = re.compile(r"^[a-z]+:[A-Za-z][A-Za-z0-9]*$")
BREAKS = re.compile(r"^# breaks: (\S+)$")

# The rules the invalid examples must cover between them.
REQUIRED_BREAKS = {
    "nbkg:currency",  # currency outside the closed list
    "nbkg:count",  # negative member count
    "nbkg:amount",  # amount that is not a decimal
    "amount-without-currency",
    "rdfs:label",  # missing name
    "prov:wasDerivedFrom",  # missing source
    "nbkg:evidenceKind",  # missing evidence kind
    "org:organization",  # membership in something that is not a cluster
    "org:role",  # membership without role
    "nbkg:country",  # region without country
    "nbkg:startDate",  # start date of the wrong datatype
    "period",  # ends before it starts
    "nbkg:startOffset",  # text span whose start is not below its end
    "dangling",  # reference to an id nobody defines
    "nbkg:countryCode",  # country code that is not two upper-case letters
    "funder-or-programme",  # award with neither funder nor programme
}

# Examples the gate should reject but does not yet, with the reason. Strict: once the gate is
# fixed the test passes unexpectedly and fails, and the entry must go.
KNOWN_GATE_GAPS: dict[str, str] = {}  # example file -> why the gate cannot catch it yet


def _examples(kind: str) -> list[Traversable]:
    folder = EXAMPLES.joinpath(kind)
    if not folder.is_dir():
        return []
    return sorted((t for t in folder.iterdir() if t.name.endswith(".ttl")), key=lambda t: t.name)


VALID = _examples("valid")
INVALID = _examples("invalid")


def _lines(example: Traversable) -> list[str]:
    return example.read_text(encoding="utf-8").splitlines()


def _stated_token(example: Traversable) -> str:
    match = BREAKS.match(_lines(example)[0])
    assert match, f"{example.name}: the first line must be '# breaks: <token>'"
    return match.group(1)


def _matches(token: str, problem: str) -> bool:
    if token in REASONS:
        return REASONS[token] in problem
    return f" {token}:" in problem


def _graph(example: Traversable) -> Graph:
    return Graph().parse(data=example.read_text(encoding="utf-8"), format="turtle")


@pytest.fixture(scope="module")
def no_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty data folder: references may only resolve inside the example itself."""
    return tmp_path_factory.mktemp("no-data")


def _validate(example: Traversable, data_dir: Path) -> SourceReport:
    with as_file(example) as path:
        reports = validate([Path(path).resolve()], data_dir=data_dir)
    assert len(reports) == 1, reports
    return reports[0]


def test_example_folders_are_not_empty() -> None:
    assert len(VALID) >= 6, [t.name for t in VALID]
    assert len(INVALID) >= 12, [t.name for t in INVALID]


@pytest.mark.parametrize("example", VALID, ids=lambda t: t.name)
def test_valid_example_passes_the_gate(example: Traversable, no_data: Path) -> None:
    report = _validate(example, no_data)
    assert report.problems == []
    assert report.status == "valid"


@pytest.mark.parametrize(
    "example",
    [
        pytest.param(
            t,
            id=t.name,
            marks=[pytest.mark.xfail(reason=KNOWN_GATE_GAPS[t.name], strict=False)]
            if t.name in KNOWN_GATE_GAPS
            else [],
        )
        for t in INVALID
    ],
)
def test_invalid_example_is_rejected_for_its_stated_reason_only(
    example: Traversable, no_data: Path
) -> None:
    token = _stated_token(example)
    report = _validate(example, no_data)
    assert report.status == "rejected", f"{example.name} passed the gate"
    assert any(_matches(token, p) for p in report.problems), (
        f"{example.name} is rejected, but not for {token}: {report.problems}"
    )
    others = [p for p in report.problems if not _matches(token, p)]
    assert others == [], f"{example.name} breaks more than {token}"


@pytest.mark.parametrize("example", VALID, ids=lambda t: t.name)
def test_valid_example_says_what_it_shows(example: Traversable) -> None:
    first = _lines(example)[0]
    assert first.startswith("# ") and len(first) > 10, first


@pytest.mark.parametrize("example", INVALID, ids=lambda t: t.name)
def test_invalid_example_states_one_broken_rule(example: Traversable) -> None:
    token = _stated_token(example)
    assert token in REASONS or PROPERTY_TOKEN.match(token), token
    second = _lines(example)[1]
    assert second.startswith("# ") and len(second.split()) > 4, (
        f"{example.name}: the second line must say in words which rule is broken"
    )


def test_invalid_examples_cover_the_required_rules() -> None:
    stated = {_stated_token(t) for t in INVALID}
    assert REQUIRED_BREAKS - stated == set()


def test_valid_examples_cover_every_class_with_a_shape() -> None:
    ontology = ontology_graph()
    targets = set(shapes_graph().objects(None, SH.targetClass)) - {SKOS.Concept}
    required = targets | {
        NBKG.Firm,
        NBKG.ResearchOrganisation,
        NBKG.Funder,
        NBKG.PublicBody,
        NBKG.OtherOrganisation,
    }
    typed: set[URIRef] = set()
    for example in VALID:
        typed |= {c for c in _graph(example).objects(None, RDF.type) if isinstance(c, URIRef)}
    covered = {sup for cls in typed for sup in ontology.transitive_objects(cls, RDFS.subClassOf)}
    assert sorted(required - covered) == []
