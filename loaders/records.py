"""Write entities and facts as RDF, the same way for every loader.

Loaders describe what a source says (an organisation, a membership, an award…) and this
module decides the triples: IRIs, classes, datatypes, and the provenance each entity and fact
carries (``prov:wasDerivedFrom``, ``nbkg:evidenceKind`` and, where offsets are known, an
``nbkg:TextEvidence`` span). Keeping it in one place is what makes two sources that state
the same fact meet on one node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, PROV, RDF, RDFS, XSD

from nbkg.graph import namespace as ns
from nbkg.graph.namespace import NBKG, ORG

ENTITY_TYPES: dict[str, URIRef] = {
    "Cluster": NBKG.Cluster,
    "Firm": NBKG.Firm,
    "ResearchOrganisation": NBKG.ResearchOrganisation,
    "Funder": NBKG.Funder,
    "PublicBody": NBKG.PublicBody,
    "Other": NBKG.OtherOrganisation,
    "Programme": NBKG.Programme,
    "Project": NBKG.Project,
    "Region": NBKG.Region,
    "Country": NBKG.Country,
    "Person": NBKG.Person,
}
EVIDENCE_KINDS = ("self-claimed", "document-stated", "register-confirmed")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


class RecordError(ValueError):
    """A value in a record cannot be turned into RDF; the loader adds file and line."""


@dataclass(frozen=True)
class Cited:
    """Where an entity or fact comes from: a document or page, and how strong a source it is."""

    source: URIRef
    kind: str = "document-stated"
    document: URIRef | None = None  # set when offsets point into a nbkg:Document
    span: tuple[int, int] | None = None


def date_literal(value: object) -> Literal:
    """A date at the precision given: ``2013`` -> xsd:gYear, ``2013-07`` -> xsd:gYearMonth.

    >>> date_literal("2013-07").datatype == XSD.gYearMonth
    True
    >>> date_literal(2016).datatype == XSD.gYear
    True
    """
    text = str(value).strip()
    match = _DATE.match(text)
    if not match:
        raise RecordError(f"not a date: {text!r} (write YYYY, YYYY-MM or YYYY-MM-DD)")
    _, month, day = match.groups()
    datatype = XSD.date if day else XSD.gYearMonth if month else XSD.gYear
    return Literal(text, datatype=datatype)


def decimal_literal(value: object) -> Literal:
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    try:
        Decimal(text)
    except InvalidOperation:
        raise RecordError(f"not a number: {value!r}") from None
    return Literal(text, datatype=XSD.decimal)


def count_literal(value: object) -> Literal:
    """Counts keep their lexical form so that the gate, not the loader, judges a negative one."""
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise RecordError(f"not a whole number: {value!r}")
    return Literal(text, datatype=XSD.nonNegativeInteger)


class RecordWriter:
    """Adds entities and facts to one source's graph."""

    def __init__(self, graph: Graph, locations: dict[URIRef, int]) -> None:
        self.graph = graph
        self.locations = locations

    # -- provenance ------------------------------------------------------------------

    def cite(self, node: URIRef, cited: Cited, line: int | None = None) -> None:
        g = self.graph
        g.add((node, PROV.wasDerivedFrom, cited.source))
        if cited.kind not in EVIDENCE_KINDS:
            raise RecordError(f"unknown evidence kind {cited.kind!r}: use one of {EVIDENCE_KINDS}")
        g.add((node, NBKG.evidenceKind, ns.concept("evidence", cited.kind)))
        if cited.span and cited.document:
            g.add((node, NBKG.evidence, self.span(cited.document, *cited.span)))
        if line and node not in self.locations:
            self.locations[node] = line

    def span(self, document: URIRef, start: int, end: int) -> URIRef:
        doc_slug = str(document).rsplit("/", 1)[-1]
        node = ns.entity(f"evidence-{doc_slug.removeprefix('doc-')}-{start}-{end}")
        self.graph.add((node, RDF.type, NBKG.TextEvidence))
        self.graph.add((node, NBKG.inDocument, document))
        self.graph.add((node, NBKG.startOffset, count_literal(start)))
        self.graph.add((node, NBKG.endOffset, count_literal(end)))
        return node

    def web_page(self, url: str) -> URIRef:
        page = URIRef(url)
        self.graph.add((page, RDF.type, FOAF.Document))
        return page

    # -- entities --------------------------------------------------------------------

    def entity(
        self, node: URIRef, type_name: str, name: str, cited: Cited, line: int | None = None
    ) -> URIRef:
        if type_name not in ENTITY_TYPES:
            raise RecordError(
                f"unknown type {type_name!r}: use one of {', '.join(sorted(ENTITY_TYPES))}"
            )
        if not str(name or "").strip():
            raise RecordError("empty name")
        self.graph.add((node, RDF.type, ENTITY_TYPES[type_name]))
        self.graph.add((node, RDFS.label, Literal(str(name).strip())))
        self.cite(node, cited, line)
        return node

    def country(self, code: str, cited: Cited, line: int | None = None) -> URIRef:
        from nbkg.loaders.places import country_labels

        code = code.strip().upper()
        node = ns.country(code)
        kind = NBKG.SupranationalArea if code == "EU" else NBKG.Country
        self.graph.add((node, RDF.type, kind))
        for label in country_labels(code):
            self.graph.add((node, RDFS.label, label))
        self.graph.add((node, NBKG.countryCode, Literal(code)))
        self.cite(node, cited, line)
        return node

    def region(self, country_code: str, name: str, cited: Cited, line: int | None = None) -> URIRef:
        node = ns.region(country_code, name)
        self.entity(node, "Region", name, cited, line)
        self.graph.add((node, NBKG.country, ns.country(country_code)))
        return node

    # -- facts -----------------------------------------------------------------------

    def _fact(self, node: URIRef, cls: URIRef, cited: Cited, line: int | None) -> URIRef:
        self.graph.add((node, RDF.type, cls))
        self.cite(node, cited, line)
        return node

    def period(self, node: URIRef, start: object = None, end: object = None) -> None:
        if start not in (None, ""):
            self.graph.add((node, NBKG.startDate, date_literal(start)))
        if end not in (None, ""):
            self.graph.add((node, NBKG.endDate, date_literal(end)))

    def membership(
        self,
        member: str,
        cluster: str,
        role: str,
        cited: Cited,
        line: int | None = None,
        start: object = None,
        end: object = None,
    ) -> URIRef:
        node = self._fact(
            ns.fact("membership", member, cluster, role), NBKG.Membership, cited, line
        )
        self.graph.add((node, ORG.member, ns.entity(member)))
        self.graph.add((node, ORG.organization, ns.entity(cluster)))
        self.graph.add((node, ORG.role, ns.concept("role", role)))
        self.period(node, start, end)
        return node

    def member_count(
        self,
        cluster: str,
        count: object,
        cited: Cited,
        line: int | None = None,
        role: str | None = None,
        as_of: object = None,
        approximate: bool = False,
    ) -> URIRef:
        node = ns.fact("count", cluster, role or "all", str(as_of or ""), str(count))
        self._fact(node, NBKG.MemberCount, cited, line)
        self.graph.add((node, NBKG.countOf, ns.entity(cluster)))
        self.graph.add((node, NBKG["count"], count_literal(count)))
        if role:
            self.graph.add((node, NBKG.countedRole, ns.concept("role", role)))
        if as_of not in (None, ""):
            self.graph.add((node, NBKG.asOf, date_literal(as_of)))
        if approximate:
            self.graph.add((node, NBKG.approximate, Literal(True)))
        return node

    def award(
        self,
        recipient: str,
        cited: Cited,
        line: int | None = None,
        *,
        funder: str | None = None,
        programme: str | None = None,
        project: str | None = None,
        amount: object = None,
        currency: str | None = None,
        start: object = None,
        end: object = None,
        status: str = "granted",
    ) -> URIRef:
        value = decimal_literal(amount) if amount not in (None, "") else None
        key = [recipient, programme or funder or "", str(start or "")]
        if programme and funder:
            key.insert(2, funder)
        if not start and value is not None:
            # Without a year, two grants from one funder (two press releases) would meet
            # in one award with two amounts; the amount tells them apart instead.
            key += [str(value), str(currency or "")]
        node = self._fact(ns.fact("award", *key), NBKG.FundingAward, cited, line)
        g = self.graph
        g.add((node, NBKG.recipient, ns.entity(recipient)))
        if funder:
            g.add((node, NBKG.funder, ns.entity(funder)))
        if programme:
            g.add((node, NBKG.programme, ns.entity(programme)))
        if project:
            g.add((node, NBKG.forProject, ns.entity(project)))
        if value is not None:
            g.add((node, NBKG.amount, value))
        if currency not in (None, ""):
            g.add((node, NBKG.currency, Literal(str(currency).strip())))
        g.add((node, NBKG.awardStatus, ns.concept("status", status)))
        self.period(node, start, end)
        return node

    def post(
        self,
        person: str,
        organisation: str,
        role: str,
        cited: Cited,
        line: int | None = None,
        title: str | None = None,
        language: str | None = None,
    ) -> URIRef:
        node = self._fact(ns.fact("post", person, organisation, role), NBKG.Post, cited, line)
        self.graph.add((node, ORG.heldBy, ns.entity(person)))
        self.graph.add((node, ORG.postIn, ns.entity(organisation)))
        self.graph.add((node, ORG.role, ns.concept("position", role)))
        self.graph.add((ns.entity(person), ORG.holds, node))
        if title:
            self.graph.add((node, NBKG.roleTitle, Literal(title, lang=language)))
        return node

    def link(
        self,
        subject: str,
        predicate: URIRef,
        obj: str,
        cited: Cited | None = None,
        line: int | None = None,
    ) -> None:
        """A direct link; with ``cited``, also a reified nbkg:StatedLink carrying its evidence."""
        triple = (ns.entity(subject), predicate, ns.entity(obj))
        self.graph.add(triple)
        if cited is None:
            return
        name = re.split(r"[#/]", str(predicate))[-1]
        node = self._fact(ns.fact("link", subject, name, obj), NBKG.StatedLink, cited, line)
        self.graph.add((node, RDF.type, RDF.Statement))
        self.graph.add((node, RDF.subject, triple[0]))
        self.graph.add((node, RDF.predicate, predicate))
        self.graph.add((node, RDF.object, triple[2]))
