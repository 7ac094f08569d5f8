"""The extraction contract: schema, constants and every kind of problem problems() reports."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from nbkg.extraction import contract
from nbkg.extraction.contract import (
    DATE_PREDICATES,
    ENTITY_PREDICATES,
    ENTITY_TYPES,
    LITERAL_PREDICATES,
    PREDICATES,
    problems,
    read_text,
)

TEXT = (
    "Tillväxtverket beviljar 500 000 kronor till projektet Grön Tillväxt i Umeå. "
    "Projektet startar i juli 2013 och leds av Umeå universitet. "
    "Anna Berg är projektledare vid Umeå universitet."
)


def entity(ident: str, label: str, type_: str, name: str | None = None) -> dict:
    start = TEXT.index(label)
    return {
        "id": ident,
        "label": label,
        "name": name or label,
        "type": type_,
        "start": start,
        "end": start + len(label),
    }


def valid_doc() -> dict:
    sentence = TEXT.index("Projektet startar")
    return {
        "document": "grön.txt",
        "language": "sv",
        "entities": [
            entity("e1", "Tillväxtverket", "Funder"),
            {**entity("e2", "Grön Tillväxt", "Project"), "aliases": ["Gron Tillvaxt"]},
            entity("e3", "Umeå", "Region"),
            {
                **entity("e4", "Umeå universitet", "ResearchOrganisation"),
                "iri": "https://w3id.org/nbkg/id/umu",
            },
            entity("e5", "Anna Berg", "Person"),
        ],
        "facts": [
            {"subject": "e2", "predicate": "fundedBy", "object": "e1", "start": 0, "end": 75},
            {"subject": "e2", "predicate": "locatedIn", "object": "e3"},
            {"subject": "e2", "predicate": "coordinatedBy", "object": "e4"},
            {
                "subject": "e2",
                "predicate": "fundingAmount",
                "object": {"amount": 500000, "currency": "SEK"},
            },
            {
                "subject": "e2",
                "predicate": "startDate",
                "object": "2013-07",
                "start": sentence,
                "end": sentence + 30,
            },
            {
                "subject": "e5",
                "predicate": "hasRole",
                "object": {"role": "projektledare", "organisation": "e4"},
            },
            {"subject": "e5", "predicate": "hasRole", "object": {"role": "forskare"}},
            {"subject": "e4", "predicate": "participantCount", "object": 40},
            {"subject": "e4", "predicate": "foundedIn", "object": "1965"},
            {"subject": "e4", "predicate": "endDate", "object": "2016-02-29"},
        ],
        "_note": "annotator notes are allowed at the top level",
    }


def test_schema_is_valid_and_agrees_with_the_constants() -> None:
    schema = contract.schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["entity"]["properties"]["type"]["enum"] == list(ENTITY_TYPES)
    assert schema["$defs"]["fact"]["properties"]["predicate"]["enum"] == list(PREDICATES)
    assert set(PREDICATES) == ENTITY_PREDICATES | set(LITERAL_PREDICATES)
    assert not ENTITY_PREDICATES & set(LITERAL_PREDICATES)
    assert DATE_PREDICATES == {p for p, shape in LITERAL_PREDICATES.items() if shape == "date"}
    assert len(ENTITY_TYPES) == 11 and len(PREDICATES) == 13


def test_schema_file_is_shipped_next_to_the_module() -> None:
    path = Path(contract.__file__).with_name("contract.schema.json")
    assert json.loads(path.read_text(encoding="utf-8")) == contract.schema()


def test_a_valid_document_has_no_problems() -> None:
    doc = valid_doc()
    assert problems(doc) == []
    assert problems(doc, TEXT) == []
    assert problems({"document": "x.txt", "language": "nn", "entities": [], "facts": []}) == []


def test_read_text_keeps_newlines(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("Umeå\r\nLuleå\n".encode())
    assert read_text(path) == "Umeå\r\nLuleå\n"


def broken(change) -> list[str]:
    doc = copy.deepcopy(valid_doc())
    change(doc)
    return problems(doc, TEXT)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("facts"), "facts: required field is missing"),
        (lambda d: d.update(extra=1), "extra: not a contract field"),
        (lambda d: d.update(language="Swedish"), "language: 'Swedish' is not a lower-case ISO 639"),
        (lambda d: d.update(language="qq"), "language: 'qq' is not an ISO 639 language code"),
        (lambda d: d.update(document=""), "document: '' should be non-empty"),
        (lambda d: d.update(entities={}), "entities: {} is not of type 'array'"),
        (lambda d: d["entities"][1].pop("name"), "entities[1].name: required field is missing"),
        (
            lambda d: d["entities"][1].update(colour="red"),
            "entities[1].colour: not a contract field",
        ),
        (
            lambda d: d["entities"][0].update(type="Agency"),
            "entities[0].type: 'Agency' is not a contract entity type",
        ),
        (lambda d: d["entities"][0].update(start=-1), "entities[0].start: -1 is less than"),
        (lambda d: d["entities"][0].update(start="0"), "entities[0].start: '0' is not of type"),
        (
            lambda d: d["entities"][3].update(iri="umu"),
            "entities[3].iri: 'umu' is not an http(s) IRI",
        ),
        (lambda d: d["entities"][1].update(aliases="x"), "entities[1].aliases: 'x' is not of type"),
        (
            lambda d: d["entities"][4].update(id="e1"),
            "entities[4].id: 'e1' duplicates entities[0].id",
        ),
        (
            lambda d: d["entities"][2].update(label="Umea"),
            "entities[2].label: 'Umea' is not text[70:74] ('Umeå')",
        ),
        (lambda d: d["entities"][2].update(end=70), "entities[2]: start 70 is not before end 70"),
        (
            lambda d: d["entities"][2].update(end=10_000),
            f"entities[2].end: 10000 is beyond the end of the text (length {len(TEXT)})",
        ),
        (
            lambda d: d["facts"][1].update(predicate="funds"),
            "facts[1].predicate: 'funds' is not a contract predicate",
        ),
        (
            lambda d: d["facts"][1].update(subject="e9"),
            "facts[1].subject: 'e9' is not the id of an entity",
        ),
        (
            lambda d: d["facts"][1].update(object="e9"),
            "facts[1].object: 'e9' is not the id of an entity",
        ),
        (
            lambda d: d["facts"][1].update(object="e2"),
            "facts[1].object: 'e2' is the fact's own subject",
        ),
        (lambda d: d["facts"][1].pop("object"), "facts[1].object: required field is missing"),
        (lambda d: d["facts"][1].update(note="x"), "facts[1].note: not a contract field"),
        (lambda d: d["facts"][0].pop("end"), "facts[0].end: required when 'start' is given"),
        (
            lambda d: d["facts"][0].update(end=10_000),
            f"facts[0].end: 10000 is beyond the end of the text (length {len(TEXT)})",
        ),
        (
            lambda d: d["facts"][1].update(object={"id": "e3"}),
            "facts[1].object: {'id': 'e3'} is not of type 'string' (locatedIn takes an entity id)",
        ),
        (
            lambda d: d["facts"][1].update(object="e1"),
            "facts[1].object: the object of this predicate must be a Country or Region, 'e1' is a",
        ),
        (
            lambda d: d["facts"][3].update(object=500000),
            "facts[3].object: 500000 is not of type 'object' (fundingAmount takes",
        ),
        (
            lambda d: d["facts"][3]["object"].update(currency="kronor"),
            "facts[3].object.currency: 'kronor' is not an upper-case three-letter ISO 4217",
        ),
        (
            lambda d: d["facts"][3]["object"].update(currency="SEQ"),
            "facts[3].object.currency: 'SEQ' is not an ISO 4217 currency code",
        ),
        (
            lambda d: d["facts"][3]["object"].pop("currency"),
            "facts[3].object.currency: required field is missing",
        ),
        (
            lambda d: d["facts"][3]["object"].update(amount="500 000"),
            "facts[3].object.amount: '500 000' is not of type",
        ),
        (
            lambda d: d["facts"][4].update(object="juli 2013"),
            "facts[4].object: 'juli 2013' is not a date",
        ),
        (
            lambda d: d["facts"][4].update(object="2013-13"),
            "facts[4].object: '2013-13' is not a calendar date",
        ),
        (
            lambda d: d["facts"][9].update(object="2015-02-29"),
            "facts[9].object: '2015-02-29' is not a calendar date",
        ),
        (
            lambda d: d["facts"][4].update(object=2013),
            "facts[4].object: 2013 is not of type 'string'",
        ),
        (
            lambda d: d["facts"][5]["object"].update(organisation="e9"),
            "facts[5].object.organisation: 'e9' is not the id of an entity",
        ),
        (
            lambda d: d["facts"][6].update(object="forskare"),
            "facts[6].object: 'forskare' is not of type 'object' (hasRole takes",
        ),
        (
            lambda d: d["facts"][6]["object"].pop("role"),
            "facts[6].object.role: required field is missing",
        ),
        (
            lambda d: d["facts"][6].update(subject="e4"),
            "facts[6].subject: the subject of this predicate must be a Person, 'e4' is a Research",
        ),
        (
            lambda d: d["facts"][7].update(object="around 40"),
            "facts[7].object: 'around 40' is not of type 'integer'",
        ),
        (
            lambda d: d["facts"][7].update(object=True),
            "facts[7].object: True is not of type 'integer'",
        ),
        (
            lambda d: d["facts"][7].update(object=-3),
            "facts[7].object: -3 is less than the minimum of 0",
        ),
    ],
)
def test_each_violation_is_reported_at_its_place(change, expected: str) -> None:
    found = broken(change)
    assert any(p.startswith(expected) for p in found), found


def test_offsets_are_only_checked_against_a_given_text() -> None:
    doc = valid_doc()
    doc["entities"][2]["label"] = "Umea"
    assert problems(doc) == []
    assert problems(doc, TEXT) == ["entities[2].label: 'Umea' is not text[70:74] ('Umeå')"]


def test_not_an_object_at_all() -> None:
    assert problems([]) == ["(document): [] is not of type 'object'"]
    assert problems({"entities": [1], "facts": ["x"]}) == [
        "document: required field is missing",
        "language: required field is missing",
        "entities[0]: 1 is not of type 'object'",
        "facts[0]: 'x' is not of type 'object'",
    ]


def test_several_problems_are_all_reported_once_each() -> None:
    doc = valid_doc()
    doc["entities"][0]["type"] = "Agency"
    doc["facts"][0]["subject"] = "e9"
    doc["facts"][1]["subject"] = "e9"
    found = problems(doc, TEXT)
    assert len(found) == len(set(found)) == 3
