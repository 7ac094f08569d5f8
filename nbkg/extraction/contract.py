"""The extraction contract: the JSON an extractor prints and gold files use.

The shape is fixed by ``shared/extraction/CONTRACT.md``; ``contract.schema.json`` (next to
this module) is its JSON Schema. :func:`problems` checks a document against the schema and
then against everything a schema cannot express: unique entity ids, fact references to
existing entities, offsets inside the text and ``label == text[start:end]``, real calendar
dates, ISO 4217 currencies, ISO 639 languages and the entity types some predicates need.

Every problem is one string that starts with the place it concerns, e.g.
``"entities[3].label: 'Foo' is not text[120:123] ('Fob')"``.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pycountry
from jsonschema import Draft202012Validator, ValidationError

ENTITY_TYPES: tuple[str, ...] = (
    "Cluster",
    "Firm",
    "ResearchOrganisation",
    "Funder",
    "PublicBody",
    "Programme",
    "Project",
    "Region",
    "Country",
    "Person",
    "Other",
)

#: Predicates whose object is an entity id.
ENTITY_PREDICATES: frozenset[str] = frozenset(
    {
        "memberOf",
        "partnerOf",
        "fundedBy",
        "partOfProgramme",
        "locatedIn",
        "collaboratesWith",
        "coordinatedBy",
    }
)
#: Predicates whose object is a date string "YYYY", "YYYY-MM" or "YYYY-MM-DD".
DATE_PREDICATES: frozenset[str] = frozenset({"startDate", "endDate", "foundedIn"})
#: Predicates whose object is a literal, with the shape of that literal.
LITERAL_PREDICATES: dict[str, str] = {
    "hasRole": "role",  # {"role": str, "organisation": entity id (optional)}
    "participantCount": "integer",  # non-negative integer
    "fundingAmount": "amount",  # {"amount": number, "currency": ISO 4217 code}
    **{p: "date" for p in sorted(DATE_PREDICATES)},
}
#: All contract predicates, in the order of CONTRACT.md.
PREDICATES: tuple[str, ...] = (
    "memberOf",
    "partnerOf",
    "fundedBy",
    "partOfProgramme",
    "locatedIn",
    "collaboratesWith",
    "coordinatedBy",
    "hasRole",
    "participantCount",
    "fundingAmount",
    "startDate",
    "endDate",
    "foundedIn",
)
#: Predicates that hold in both directions.
SYMMETRIC_PREDICATES: frozenset[str] = frozenset({"collaboratesWith"})

#: Human description of each predicate's object, used in messages.
OBJECT_SHAPES: dict[str, str] = {
    **{p: "an entity id" for p in ENTITY_PREDICATES},
    "hasRole": '{"role": text, "organisation": entity id (optional)}',
    "participantCount": "a non-negative integer",
    "fundingAmount": '{"amount": number, "currency": ISO 4217 code}',
    **{p: 'a date "YYYY", "YYYY-MM" or "YYYY-MM-DD"' for p in DATE_PREDICATES},
}

#: Entity types a predicate's subject or object must have, where the contract fixes them.
SUBJECT_TYPES: dict[str, frozenset[str]] = {"hasRole": frozenset({"Person"})}
OBJECT_TYPES: dict[str, frozenset[str]] = {"locatedIn": frozenset({"Region", "Country"})}

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The contract's JSON Schema (``contract.schema.json``)."""
    source = resources.files("nbkg.extraction").joinpath("contract.schema.json")
    return json.loads(source.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def read_text(path: str | Path) -> str:
    """A document's text as offsets count it: UTF-8, newlines kept exactly as in the file."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def place(path: Iterable[str | int]) -> str:
    """``["entities", 3, "label"]`` -> ``"entities[3].label"``; the root is ``"(document)"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"


def _join(base: str, key: str) -> str:
    return key if base == "(document)" else f"{base}.{key}"


_PATTERN_MEANINGS = {
    "language": "a lower-case ISO 639 language code",
    "currency": "an upper-case three-letter ISO 4217 currency code",
    "iri": "an http(s) IRI",
    "object": 'a date "YYYY", "YYYY-MM" or "YYYY-MM-DD"',
}


def _schema_messages(doc: Any, error: ValidationError) -> list[str]:
    where = place(error.absolute_path)
    path = list(error.absolute_path)
    if error.validator == "required":
        return [
            f"{_join(where, name)}: required field is missing"
            for name in error.validator_value
            if isinstance(error.instance, dict) and name not in error.instance
        ]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        patterns = error.schema.get("patternProperties", {})
        return [
            f"{_join(where, name)}: not a contract field"
            for name in error.instance
            if name not in known and not any(re.search(p, name) for p in patterns)
        ]
    if error.validator == "dependentRequired" and isinstance(error.instance, dict):
        return [
            f"{_join(where, needed)}: required when {given!r} is given"
            for given, needs in error.validator_value.items()
            if given in error.instance
            for needed in needs
            if needed not in error.instance
        ]
    if error.validator == "pattern" and path and path[-1] in _PATTERN_MEANINGS:
        return [f"{where}: {error.instance!r} is not {_PATTERN_MEANINGS[path[-1]]}"]
    if error.validator == "enum" and path and path[-1] == "predicate":
        return [f"{where}: {error.instance!r} is not a contract predicate"]
    if error.validator == "enum" and path and path[-1] == "type" and path[0] == "entities":
        return [
            f"{where}: {error.instance!r} is not a contract entity type "
            f"(one of {', '.join(ENTITY_TYPES)})"
        ]
    message = f"{where}: {error.message}"
    if len(path) >= 3 and path[0] == "facts" and path[2] == "object":
        try:
            predicate = doc["facts"][path[1]]["predicate"]
        except (KeyError, IndexError, TypeError):
            predicate = None
        if predicate in OBJECT_SHAPES:
            message += f" ({predicate} takes {OBJECT_SHAPES[predicate]})"
    return [message]


def date_problem(value: str) -> str | None:
    """Why ``value`` is not a contract date, or None when it is one."""
    match = DATE_RE.match(value)
    if not match:
        return f'{value!r} is not a date "YYYY", "YYYY-MM" or "YYYY-MM-DD"'
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError as err:
        return f"{value!r} is not a calendar date ({err})"
    return None


def _is_offset(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _span_problems(where: str, item: Mapping[str, Any], text: str | None, *, empty_ok: bool):
    start, end = item.get("start"), item.get("end")
    if not (_is_offset(start) and _is_offset(end)):
        return
    if end < start or (end == start and not empty_ok):
        yield f"{where}: start {start} is not before end {end}"
        return
    if text is not None and end > len(text):
        yield f"{where}.end: {end} is beyond the end of the text (length {len(text)})"


def problems(doc: Any, text: str | None = None) -> list[str]:
    """Every way ``doc`` deviates from the contract; an empty list when it conforms.

    ``text`` is the document's text as read (:func:`read_text`); when given, offsets are
    checked against it and every entity label must equal ``text[start:end]``.
    """
    found: list[str] = []
    errors = sorted(
        _validator().iter_errors(doc), key=lambda e: [_sort_key(p) for p in e.absolute_path]
    )
    for error in errors:
        found.extend(_schema_messages(doc, error))
    if not isinstance(doc, dict):
        return found

    language = doc.get("language")
    if isinstance(language, str) and re.fullmatch(r"[a-z]{2,3}", language):
        known = (
            pycountry.languages.get(alpha_2=language)
            if len(language) == 2
            else pycountry.languages.get(alpha_3=language)
        )
        if known is None:
            found.append(f"language: {language!r} is not an ISO 639 language code")

    entities = doc.get("entities") if isinstance(doc.get("entities"), list) else []
    facts = doc.get("facts") if isinstance(doc.get("facts"), list) else []

    types: dict[str, Any] = {}
    first_seen: dict[str, int] = {}
    for i, entity in enumerate(entities):
        if not isinstance(entity, dict):
            continue
        where = f"entities[{i}]"
        ident = entity.get("id")
        if isinstance(ident, str):
            if ident in first_seen:
                found.append(f"{where}.id: {ident!r} duplicates entities[{first_seen[ident]}].id")
            else:
                first_seen[ident] = i
                types[ident] = entity.get("type")
        span = list(_span_problems(where, entity, text, empty_ok=False))
        found.extend(span)
        start, end, label = entity.get("start"), entity.get("end"), entity.get("label")
        if (
            text is not None
            and not span
            and _is_offset(start)
            and _is_offset(end)
            and isinstance(label, str)
            and text[start:end] != label
        ):
            found.append(
                f"{where}.label: {label!r} is not text[{start}:{end}] ({text[start:end]!r})"
            )

    def reference(where: str, value: Any) -> bool:
        if isinstance(value, str) and value and value not in types:
            found.append(f"{where}: {value!r} is not the id of an entity")
            return False
        return isinstance(value, str)

    def typed(where: str, value: Any, allowed: frozenset[str] | None, role: str) -> None:
        if allowed and value in types and types[value] in ENTITY_TYPES:
            if types[value] not in allowed:
                found.append(
                    f"{where}: the {role} of this predicate must be a "
                    f"{' or '.join(sorted(allowed))}, {value!r} is a {types[value]}"
                )

    for i, fact in enumerate(facts):
        if not isinstance(fact, dict):
            continue
        where = f"facts[{i}]"
        predicate = fact.get("predicate")
        subject, obj = fact.get("subject"), fact.get("object")
        if reference(f"{where}.subject", subject):
            typed(f"{where}.subject", subject, SUBJECT_TYPES.get(predicate), "subject")
        if predicate in ENTITY_PREDICATES and reference(f"{where}.object", obj):
            typed(f"{where}.object", obj, OBJECT_TYPES.get(predicate), "object")
            if obj == subject:
                found.append(f"{where}.object: {obj!r} is the fact's own subject")
        elif predicate == "hasRole" and isinstance(obj, dict):
            reference(f"{where}.object.organisation", obj.get("organisation"))
        elif predicate == "fundingAmount" and isinstance(obj, dict):
            currency = obj.get("currency")
            if isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency):
                if pycountry.currencies.get(alpha_3=currency) is None:
                    found.append(
                        f"{where}.object.currency: {currency!r} is not an ISO 4217 currency code"
                    )
        elif predicate in DATE_PREDICATES and isinstance(obj, str) and DATE_RE.match(obj):
            problem = date_problem(obj)
            if problem:
                found.append(f"{where}.object: {problem}")
        found.extend(_span_problems(where, fact, text, empty_ok=False))

    return list(dict.fromkeys(found))


def _sort_key(part: str | int) -> tuple[int, int | str]:
    return (0, part) if isinstance(part, int) else (1, part)
