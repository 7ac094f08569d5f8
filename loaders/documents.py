"""Documents (press releases, project texts): extraction results as RDF, one named graph
per document, every entity and fact citing the span of text that states it.

The extractor (:mod:`nbkg.extraction.extractor`) gives contract JSON; this module decides
the triples, through the same :class:`~nbkg.loaders.records.RecordWriter` as every other
loader, so a fact read from a press release meets the same fact from the registry on one
node. Entities are linked to what the graph already holds (the extractor's gazetteer IRI,
else an existing entity of a compatible type under the same id); only the rest get new IRIs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from nbkg.extraction.reader import DocumentError, read_document
from nbkg.graph import namespace as ns
from nbkg.graph.namespace import NBKG
from nbkg.loaders.base import Extraction, Loader, LoadError, Source, register
from nbkg.loaders.curated import document_iri
from nbkg.loaders.places import country_code
from nbkg.loaders.records import Cited, RecordError, RecordWriter, date_literal

#: Languages whose texts are most likely about one country, for places named without one.
LANGUAGE_COUNTRY = {
    "sv": "SE",
    "nb": "NO",
    "nn": "NO",
    "no": "NO",
    "da": "DK",
    "fi": "FI",
    "is": "IS",
}
#: Which graph classes an extracted type may link to.
COMPATIBLE: dict[str, set[URIRef]] = {
    "Cluster": {NBKG.Cluster},
    "Firm": {NBKG.Firm, NBKG.OtherOrganisation},
    "ResearchOrganisation": {NBKG.ResearchOrganisation},
    "Funder": {NBKG.Funder, NBKG.PublicBody},
    "PublicBody": {NBKG.PublicBody, NBKG.Funder},
    "Other": {NBKG.OtherOrganisation, NBKG.Firm, NBKG.Cluster},
    "Programme": {NBKG.Programme},
    "Project": {NBKG.Project},
    "Region": {NBKG.Region},
    "Country": {NBKG.Country, NBKG.SupranationalArea},
    "Person": {NBKG.Person},
}
ORGANISATION_TYPES = {"Cluster", "Firm", "ResearchOrganisation", "Funder", "PublicBody", "Other"}

#: Types of stored IRIs, for linking; None when there is no graph to link to.
TypesOf = Callable[[URIRef], set[URIRef]]


@dataclass
class DocumentContext:
    """What a document loader needs beyond the file: an extractor and the graph to link to."""

    extract: Callable[[str, str], dict[str, Any]]
    types_of: TypesOf = field(default=lambda iri: set())


@register
class DocumentLoader(Loader):
    name = "documents"
    patterns = ("documents/*.txt",)
    description = "plain-text documents, extracted by rules and gazetteers (UTF-8 .txt)"
    context: ClassVar[DocumentContext | None] = None

    def extract(self, source: Source) -> Extraction:
        try:
            text = read_document(source.path)
        except DocumentError as err:
            raise LoadError(source.name, None, str(err).split(": ", 1)[-1]) from None
        context = self.context or default_context()
        result = context.extract(text, source.name)
        try:
            return document_extraction(source, text, result, context.types_of)
        except RecordError as err:
            raise LoadError(source.name, None, str(err)) from None


@cache
def _positions() -> list[tuple[str, re.Pattern[str]]]:
    """Each position with one pattern for its stems, matched at the start of a word."""
    lexicon = files("nbkg.extraction").joinpath("lexicon/positions.yaml")
    found = []
    for slug, stems in yaml.safe_load(lexicon.read_text(encoding="utf-8")).items():
        alternatives = "|".join(re.escape(s.lower()) for s in stems or [])
        found.append((slug, re.compile(rf"(?<!\w)(?:{alternatives})" if alternatives else "(?!)")))
    return found


def position_for(title: str) -> str:
    """The position concept a role title names, by the stems of ``lexicon/positions.yaml``.

    >>> position_for("prosjektleder"), position_for("Toimitusjohtaja"), position_for("ombud")
    ('project-manager', 'ceo', 'contact')
    """
    lowered = title.lower()
    return next((slug for slug, pattern in _positions() if pattern.search(lowered)), "contact")


def _fundable(kind: str | None) -> bool:
    return kind in ORGANISATION_TYPES or kind == "Project"


def default_context() -> DocumentContext:
    """Extraction without a graph to link to (used when no store was given)."""
    from nbkg.extraction.extractor import extract

    return DocumentContext(lambda text, name: extract(text, document=name))


def document_extraction(
    source: Source, text: str, result: Mapping[str, Any], types_of: TypesOf
) -> Extraction:
    """The RDF of one extraction result: the document, its entities, its facts."""
    extraction = Extraction(source, Graph())
    writer = _DocumentWriter(extraction, text, result, types_of)
    writer.write()
    return extraction


class _DocumentWriter:
    def __init__(
        self, extraction: Extraction, text: str, result: Mapping[str, Any], types_of: TypesOf
    ) -> None:
        self.extraction, self.text, self.result = extraction, text, result
        self.records = RecordWriter(extraction.graph, extraction.locations)
        self.types_of = types_of
        self.sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.document = document_iri(self.sha)
        self.language = str(result.get("language") or "")
        self.slugs: dict[str, str] = {}  # contract id -> entity slug
        self.types: dict[str, str] = {}

    def write(self) -> None:
        self._document()
        entities = list(self.result.get("entities") or [])
        for entity in entities:  # countries first: regions need them
            if entity.get("type") == "Country":
                self._entity(entity)
        for entity in entities:
            if entity.get("type") != "Country":
                self._entity(entity)
        awards: dict[str, dict[str, Any]] = {}
        for fact in self.result.get("facts") or []:
            self._fact(fact, awards)
        for subject, award in awards.items():
            self._award(subject, award)

    # -- document and entities ---------------------------------------------------------

    def _document(self) -> None:
        g, node = self.extraction.graph, self.document
        g.add((node, RDF.type, NBKG.Document))
        g.add((node, RDFS.label, Literal(Path(self.extraction.source.name).stem)))
        g.add((node, NBKG.fileName, Literal(Path(self.extraction.source.name).name)))
        g.add((node, NBKG.sha256, Literal(self.sha)))
        if self.language:
            g.add((node, DCTERMS.language, Literal(self.language)))
        self.extraction.described_by.append(node)

    def cited(self, start: object, end: object) -> Cited:
        span = None
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(self.text):
            span = (start, end)
        return Cited(self.document, "document-stated", self.document, span)

    def _entity(self, entity: Mapping[str, Any]) -> None:
        kind, name = str(entity.get("type")), str(entity.get("name") or entity.get("label") or "")
        cited = self.cited(entity.get("start"), entity.get("end"))
        node = self._link(entity, kind, name)
        if node is None:  # a place whose country the document does not give
            return
        slug = str(node).removeprefix(str(ns.ID))
        self.slugs[str(entity["id"])], self.types[str(entity["id"])] = slug, kind
        if self.types_of(node) & COMPATIBLE.get(kind, set()):
            return  # known to the graph; the facts below carry this document's evidence
        if kind == "Country":
            self.records.country(slug.upper(), cited)
        elif kind == "Region":
            self.records.region(slug.split("-")[0].upper(), name, cited)
        else:
            self.records.entity(node, kind, name, cited)
        self._quote_last_span(node, cited)

    def _link(self, entity: Mapping[str, Any], kind: str, name: str) -> URIRef | None:
        """An IRI the graph already has for this entity, else a new stable one."""
        wanted = COMPATIBLE.get(kind, set())
        iri = str(entity.get("iri") or "")
        if iri and (kind not in ("Region", "Country") or self.types_of(URIRef(iri)) & wanted):
            return URIRef(iri)
        if kind == "Country":
            code = country_code(name)
            return ns.country(code) if code else None
        if kind == "Region":
            country = self._country_of(str(entity.get("id"))) or self._country()
            return ns.region(country, name) if country else None
        candidate = ns.entity(ns.slugify(name) or "unnamed")
        found = self.types_of(candidate)
        if not found or found & wanted:
            return candidate
        return ns.entity(f"{ns.slugify(name)}-{self.sha[:8]}")  # a different thing of that name

    def _country_of(self, entity_id: str) -> str | None:
        """The country a document places this entity in (``locatedIn`` a Country)."""
        names = {
            str(e.get("id")): str(e.get("name") or e.get("label") or "")
            for e in self.result.get("entities") or []
            if e.get("type") == "Country"
        }
        for fact in self.result.get("facts") or []:
            if fact.get("predicate") == "locatedIn" and str(fact.get("subject")) == entity_id:
                code = country_code(names.get(str(fact.get("object")), ""))
                if code and code != "EU":
                    return code
        return None

    def _country(self) -> str | None:
        """The country places in this document are in: its language's, or the one it names."""
        if self.language in LANGUAGE_COUNTRY:
            return LANGUAGE_COUNTRY[self.language]
        named = [
            country_code(str(e.get("name") or e.get("label") or ""))
            for e in self.result.get("entities") or []
            if e.get("type") == "Country"
        ]
        return next((code for code in named if code and code != "EU"), None)

    def _quote_last_span(self, node: URIRef, cited: Cited) -> None:
        if cited.span:
            evidence = self.extraction.graph.value(node, NBKG.evidence)
            if evidence is not None:
                start, end = cited.span
                self.extraction.graph.add((evidence, NBKG.quote, Literal(self.text[start:end])))

    # -- facts -------------------------------------------------------------------------

    def _fact(self, fact: Mapping[str, Any], awards: dict[str, dict[str, Any]]) -> None:
        predicate = str(fact.get("predicate"))
        subject = self.slugs.get(str(fact.get("subject")))
        if subject is None:
            return
        obj = fact.get("object")
        target = self.slugs.get(str(obj)) if isinstance(obj, str) else None
        cited = self.cited(fact.get("start"), fact.get("end"))
        node: URIRef | None = None
        records = self.records
        subject_iri = ns.entity(subject)
        subject_type, object_type = (
            self.types.get(str(fact.get("subject"))),
            self.types.get(str(obj)),
        )
        organisation = subject_type in ORGANISATION_TYPES
        if predicate == "memberOf" and target and organisation and object_type == "Cluster":
            node = records.membership(subject, target, "member", cited)
        elif predicate == "partnerOf" and target and organisation:
            if object_type == "Project":
                records.link(target, NBKG.partner, subject, cited)
                node = ns.fact("link", target, "partner", subject)
            elif object_type == "Cluster":
                node = records.membership(subject, target, "partner", cited)
        elif predicate == "coordinatedBy" and target:
            records.link(subject, NBKG.coordinator, target, cited)
            node = ns.fact("link", subject, "coordinator", target)
        elif predicate == "collaboratesWith" and target:
            records.link(subject, NBKG.collaboratesWith, target, cited)
            node = ns.fact("link", subject, "collaboratesWith", target)
        elif predicate == "locatedIn" and target and subject_type != "Country":
            if subject_type == "Region" and object_type == "Country":
                return  # a region's country is set with the region
            place = NBKG.country if object_type == "Country" else NBKG.locatedIn
            records.link(subject, place, target, cited)
            node = ns.fact("link", subject, str(place).rsplit("#", 1)[-1], target)
        elif (
            predicate in ("fundedBy", "partOfProgramme") and target and not _fundable(subject_type)
        ):
            pass  # only organisations and projects receive awards
        elif predicate in ("fundedBy", "partOfProgramme") and target:
            key = "programme" if self.types.get(str(obj)) == "Programme" else "funder"
            awards.setdefault(subject, {"cited": cited})[key] = target
        elif predicate == "fundingAmount" and isinstance(obj, Mapping) and _fundable(subject_type):
            award = awards.setdefault(subject, {"cited": cited})
            award["amount"], award["currency"] = obj.get("amount"), obj.get("currency")
            award["cited"] = cited
        elif predicate == "participantCount" and isinstance(obj, int) and subject_type == "Cluster":
            node = records.member_count(subject, obj, cited, approximate=True)
        elif predicate == "hasRole" and isinstance(obj, Mapping):
            organisation = self.slugs.get(str(obj.get("organisation")))
            if organisation:
                title = str(obj.get("role") or "")
                node = records.post(
                    subject,
                    organisation,
                    position_for(title),
                    cited,
                    title=title,
                    language=self.language or None,
                )
        elif predicate in ("startDate", "endDate", "foundedIn") and isinstance(obj, str):
            self._date(subject_iri, subject_type, predicate, obj)
        if node is not None:
            self._quote_last_span(node, cited)

    def _date(self, subject: URIRef, kind: str | None, predicate: str, value: str) -> None:
        """One date per entity and kind, on what the ontology dates: projects and programmes
        have periods, organisations founding dates; a period never ends before it starts."""
        term = {"startDate": NBKG.startDate, "endDate": NBKG.endDate}.get(predicate)
        if term is None:
            term = NBKG.foundingDate
            allowed = kind in ORGANISATION_TYPES
        else:
            allowed = kind in ("Project", "Programme")
        graph = self.extraction.graph
        if not allowed or (subject, term, None) in graph:
            return
        literal = date_literal(value)
        other = NBKG.endDate if term == NBKG.startDate else NBKG.startDate
        stated = graph.value(subject, other)
        if stated is not None:
            start, end = (literal, stated) if term == NBKG.startDate else (stated, literal)
            if str(end)[: len(str(start))] < str(start)[: len(str(end))]:
                return
        graph.add((subject, term, literal))

    def _award(self, subject: str, award: dict[str, Any]) -> None:
        cited = award.pop("cited")
        node = self.records.award(
            subject,
            cited,
            funder=award.get("funder"),
            programme=award.get("programme"),
            amount=award.get("amount"),
            currency=award.get("currency"),
        )
        self._quote_last_span(node, cited)
