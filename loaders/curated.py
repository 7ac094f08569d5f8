"""Loader for hand-curated records of source documents: ``data/curated/*.yaml``.

Each file describes one document (named by file name and SHA-256, the text itself stays
outside the project) and lists the entities and facts it states, each with the character
offsets of the sentence that states it. The format is documented in
``data/curated/README.md``.
"""

from __future__ import annotations

from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from nbkg.graph import namespace as ns
from nbkg.graph.namespace import NBKG
from nbkg.loaders.base import Extraction, Loader, LoadError, Source, read_text, register
from nbkg.loaders.places import is_country_code
from nbkg.loaders.records import ENTITY_TYPES, Cited, RecordError, RecordWriter, date_literal
from nbkg.loaders.vocabulary import concept_for

DOCUMENT_KEYS = {"file", "sha256", "title", "language", "date", "publisher", "evidence", "url"}
ENTITY_KEYS = {
    "id",
    "type",
    "name",
    "names",
    "abbreviation",
    "country",
    "located_in",
    "sectors",
    "founded",
    "start",
    "end",
    "level",
    "part_of",
    "owners",
    "note",
    "evidence",
}
FACT_KEYS: dict[str, tuple[set[str], set[str]]] = {  # kind -> (required, optional)
    "membership": ({"member", "cluster", "role"}, {"start", "end"}),
    "member_count": ({"cluster", "count"}, {"role", "approximate", "as_of"}),
    "award": (
        {"recipient"},
        {"funder", "programme", "project", "amount", "currency", "start", "end", "status"},
    ),
    "post": ({"person", "organisation", "role"}, {"title"}),
    "partner": ({"organisation", "project"}, set()),
    "coordinator": ({"organisation", "of"}, set()),
    "collaboration": ({"between"}, set()),
    "programme_participation": ({"participant", "programme"}, {"status", "start", "end"}),
    "programme_funder": ({"programme", "funder"}, set()),
}


class _LineLoader(yaml.SafeLoader):
    """Safe YAML loading that remembers the line of every mapping, as ``__line__``."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def document_iri(sha256: str) -> URIRef:
    """Documents are named by their content, so the same text always gets the same IRI."""
    return ns.entity(f"doc-{sha256[:16]}")


@register
class CuratedLoader(Loader):
    name = "curated"
    patterns = ("curated/*.yaml", "curated/*.yml")
    description = "hand-curated facts of one document each, with evidence offsets (YAML)"

    def extract(self, source: Source) -> Extraction:
        text = read_text(source.path, source.name)
        try:
            record = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = mark.line + 1 if mark else None
            raise LoadError(
                source.name, line, f"malformed YAML: {getattr(err, 'problem', err)}"
            ) from None
        if not isinstance(record, dict):
            raise LoadError(source.name, 1, "expected a mapping with document, entities and facts")
        extraction = Extraction(source, Graph())
        _Reader(source, extraction).read(record)
        return extraction


class _Reader:
    def __init__(self, source: Source, extraction: Extraction) -> None:
        self.source = source
        self.extraction = extraction
        self.writer = RecordWriter(extraction.graph, extraction.locations)
        self.declared: dict[str, int] = {}
        self.document: URIRef | None = None
        self.kind = "document-stated"

    def fail(self, item: dict[str, Any] | None, message: str) -> LoadError:
        line = item.get("__line__") if isinstance(item, dict) else None
        return LoadError(self.source.name, line, message)

    def read(self, record: dict[str, Any]) -> None:
        self.check_keys(record, {"document", "entities", "facts"}, "the file")
        if not isinstance(record.get("document"), dict):
            raise self.fail(record, "missing 'document' section")
        self.read_document(record["document"])
        entities = record.get("entities") or []
        facts = record.get("facts") or []
        if not isinstance(entities, list) or not isinstance(facts, list):
            raise self.fail(record, "'entities' and 'facts' must be lists")
        for item in entities:
            self.declare(item)
        for item in entities:
            self.guard(item, self.read_entity)
        for item in facts:
            self.guard(item, self.read_fact)

    def guard(self, item: Any, read: Any) -> None:
        if not isinstance(item, dict):
            raise self.fail(None, f"expected a mapping, found {item!r}")
        try:
            read(item)
        except RecordError as err:
            raise self.fail(item, str(err)) from None

    def check_keys(self, item: dict[str, Any], allowed: set[str], what: str) -> None:
        unknown = sorted(k for k in item if k != "__line__" and k not in allowed)
        if unknown:
            raise self.fail(
                item,
                f"unknown key(s) {', '.join(unknown)} in {what}; "
                f"allowed: {', '.join(sorted(allowed))}",
            )

    # -- document ----------------------------------------------------------------------

    def read_document(self, doc: dict[str, Any]) -> None:
        self.check_keys(doc, DOCUMENT_KEYS, "document")
        for key in ("file", "sha256", "title", "language"):
            if not doc.get(key):
                raise self.fail(doc, f"document needs {key!r}")
        sha = str(doc["sha256"]).lower()
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise self.fail(doc, "document sha256 must be 64 hex digits")
        self.kind = str(doc.get("evidence", "document-stated"))
        self.document = document_iri(sha)
        g, node = self.extraction.graph, self.document
        g.add((node, ns.RDF.type, NBKG.Document))
        g.add((node, RDFS.label, Literal(str(doc["title"]), lang="en")))
        g.add((node, NBKG.fileName, Literal(str(doc["file"]))))
        g.add((node, NBKG.sha256, Literal(sha)))
        g.add((node, DCTERMS.language, Literal(str(doc["language"]))))
        if doc.get("url"):
            g.add((node, DCTERMS.source, URIRef(str(doc["url"]))))
        try:
            if doc.get("date"):
                g.add((node, DCTERMS.date, date_literal(doc["date"])))
        except RecordError as err:
            raise self.fail(doc, str(err)) from None
        self.extraction.locations[node] = doc["__line__"]
        self.extraction.described_by.append(node)
        self.language = str(doc["language"])
        self.publisher = doc.get("publisher")

    def cited(self, item: dict[str, Any]) -> Cited:
        span = item.get("evidence")
        if not (
            isinstance(span, list) and len(span) == 2 and all(isinstance(i, int) for i in span)
        ):
            raise RecordError("evidence must be [start, end]: two character offsets")
        if not 0 <= span[0] < span[1]:
            raise RecordError(f"evidence offsets must satisfy 0 <= start < end, got {span}")
        assert self.document is not None
        return Cited(self.document, self.kind, self.document, (span[0], span[1]))

    # -- entities ----------------------------------------------------------------------

    def declare(self, item: Any) -> None:
        if not isinstance(item, dict) or not item.get("id"):
            raise self.fail(item if isinstance(item, dict) else None, "entity needs an 'id'")
        slug = str(item["id"])
        if slug in self.declared:
            raise self.fail(
                item, f"entity {slug!r} declared twice (first at line {self.declared[slug]})"
            )
        try:
            ns.entity(slug)
        except ValueError as err:
            raise self.fail(item, str(err)) from None
        self.declared[slug] = item["__line__"]

    def ref(self, slug: Any) -> str:
        slug = str(slug)
        if slug not in self.declared:
            raise RecordError(f"refers to {slug!r}, which is not declared under entities")
        return slug

    def read_entity(self, item: dict[str, Any]) -> None:
        self.check_keys(item, ENTITY_KEYS, "an entity")
        slug, type_name, cited = str(item["id"]), str(item.get("type", "")), self.cited(item)
        if type_name not in ENTITY_TYPES:
            raise RecordError(f"unknown type {type_name!r}; use one of {', '.join(ENTITY_TYPES)}")
        w, line = self.writer, item["__line__"]
        if type_name == "Country":
            if not is_country_code(slug):
                raise RecordError(f"country id {slug!r} is not an ISO 3166-1 alpha-2 code")
            node = w.country(slug, cited, line)
        else:
            node = w.entity(ns.entity(slug), type_name, item.get("name", ""), cited, line)
        g = w.graph
        for name in item.get("names") or []:
            g.add((node, SKOS.altLabel, Literal(str(name))))
        if item.get("abbreviation"):
            g.add((node, NBKG.abbreviation, Literal(str(item["abbreviation"]))))
        if item.get("note"):
            g.add((node, RDFS.comment, Literal(str(item["note"]), lang="en")))
        if item.get("country") and type_name != "Country":
            g.add((node, NBKG.country, ns.entity(self.ref(item["country"]))))
        for place in item.get("located_in") or []:
            g.add((node, NBKG.locatedIn, ns.entity(self.ref(place))))
        for sector in item.get("sectors") or []:
            g.add((node, NBKG.hasSector, concept_for("sector", str(sector))))
        if item.get("founded"):
            g.add((node, NBKG.foundingDate, date_literal(item["founded"])))
        w.period(node, item.get("start"), item.get("end"))
        if item.get("level"):
            g.add((node, NBKG.level, concept_for("level", str(item["level"]))))
        if item.get("part_of"):
            g.add((node, NBKG.partOfProgramme, ns.entity(self.ref(item["part_of"]))))
        for owner in item.get("owners") or []:
            g.add((node, NBKG.owner, ns.entity(self.ref(owner))))

    # -- facts -------------------------------------------------------------------------

    def read_fact(self, item: dict[str, Any]) -> None:
        kinds = [k for k in item if k in FACT_KEYS]
        self.check_keys(item, set(FACT_KEYS) | {"evidence"}, "a fact")
        if len(kinds) != 1 or not isinstance(item[kinds[0]], dict):
            raise RecordError(f"a fact needs exactly one of {', '.join(FACT_KEYS)}")
        kind, body = kinds[0], item[kinds[0]]
        required, optional = FACT_KEYS[kind]
        self.check_keys(body, required | optional, kind)
        missing = sorted(required - set(body))
        if missing:
            raise RecordError(f"{kind} needs {', '.join(missing)}")
        getattr(self, f"fact_{kind}")(body, self.cited(item), item["__line__"])

    def fact_membership(self, f: dict[str, Any], cited: Cited, line: int) -> None:
        concept_for("role", str(f["role"]))
        self.writer.membership(
            self.ref(f["member"]),
            self.ref(f["cluster"]),
            str(f["role"]),
            cited,
            line,
            f.get("start"),
            f.get("end"),
        )

    def fact_member_count(self, f: dict[str, Any], cited: Cited, line: int) -> None:
        if f.get("role"):
            concept_for("role", str(f["role"]))
        self.writer.member_count(
            self.ref(f["cluster"]),
            f["count"],
            cited,
            line,
            role=f.get("role"),
            as_of=f.get("as_of"),
            approximate=bool(f.get("approximate")),
        )

    def fact_award(self, f: dict[str, Any], cited: Cited, line: int) -> None:
        status = str(f.get("status", "granted"))
        concept_for("status", status)
        refs = {k: self.ref(f[k]) for k in ("funder", "programme", "project") if f.get(k)}
        if not ({"funder", "programme"} & set(refs)):
            raise RecordError("an award needs a funder or a programme")
        self.writer.award(
            self.ref(f["recipient"]),
            cited,
            line,
            **refs,
            amount=f.get("amount"),
            currency=f.get("currency"),
            start=f.get("start"),
            end=f.get("end"),
            status=status,
        )

    def fact_programme_participation(self, f: dict[str, Any], cited: Cited, line: int) -> None:
        status = str(f.get("status", "granted"))
        concept_for("status", status)
        self.writer.award(
            self.ref(f["participant"]),
            cited,
            line,
            programme=self.ref(f["programme"]),
            start=f.get("start"),
            end=f.get("end"),
            status=status,
        )

    def fact_post(self, f: dict[str, Any], cited: Cited, line: int) -> None:
        concept_for("position", str(f["role"]))
        self.writer.post(
            self.ref(f["person"]),
            self.ref(f["organisation"]),
            str(f["role"]),
            cited,
            line,
            title=f.get("title"),
            language=self.language,
        )

    def fact_partner(self, f: dict[str, Any], cited: Cited, line: int) -> None:
        self.writer.link(
            self.ref(f["project"]), NBKG.partner, self.ref(f["organisation"]), cited, line
        )

    def fact_coordinator(self, f: dict[str, Any], cited: Cited, line: int) -> None:
        self.writer.link(
            self.ref(f["of"]), NBKG.coordinator, self.ref(f["organisation"]), cited, line
        )

    def fact_collaboration(self, f: dict[str, Any], cited: Cited, line: int) -> None:
        pair = f["between"]
        if not (isinstance(pair, list) and len(pair) == 2):
            raise RecordError("collaboration needs 'between' with exactly two ids")
        a, b = self.ref(pair[0]), self.ref(pair[1])
        self.writer.link(a, NBKG.collaboratesWith, b, cited, line)
        self.writer.link(b, NBKG.collaboratesWith, a)

    def fact_programme_funder(self, f: dict[str, Any], cited: Cited, line: int) -> None:
        self.writer.link(
            self.ref(f["programme"]), NBKG.fundedBy, self.ref(f["funder"]), cited, line
        )
