"""A schema.org JSON-LD summary of an entity, embedded in its page for search engines."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import FOAF, ORG, OWL, RDFS, SKOS

from nbkg.graph.namespace import NBKG
from nbkg.web.resource import Description

SCHEMA_TYPES = {
    NBKG.Cluster: "Organization",
    NBKG.Firm: "Corporation",
    NBKG.ResearchOrganisation: "ResearchOrganization",
    NBKG.Funder: "FundingAgency",
    NBKG.PublicBody: "GovernmentOrganization",
    NBKG.OtherOrganisation: "Organization",
    NBKG.Organisation: "Organization",
    NBKG.Programme: "FundingScheme",
    NBKG.Project: "Project",
    NBKG.FundingAward: "MonetaryGrant",
    NBKG.Person: "Person",
    NBKG.Country: "Country",
    NBKG.Region: "AdministrativeArea",
    NBKG.SupranationalArea: "AdministrativeArea",
    NBKG.Document: "CreativeWork",
}


def summary(description: Description) -> dict[str, object]:
    types = [SCHEMA_TYPES[t.term] for t in description.types if t.term in SCHEMA_TYPES]
    doc: dict[str, object] = {
        "@context": "https://schema.org",
        "@id": str(description.iri),
        "@type": types[0] if types else "Thing",
        "name": description.label,
    }
    alternates = sorted(
        {
            str(v.term)
            for p in (RDFS.label, SKOS.altLabel, NBKG.abbreviation)
            for v in description.values(p)
        }
        - {description.label}
    )
    if alternates:
        doc["alternateName"] = alternates
    if homepage := description.values(FOAF.homepage):
        doc["url"] = str(homepage[0].term)
    if comment := description.values(RDFS.comment):
        doc["description"] = str(comment[0].term)
    if founded := description.values(NBKG.foundingDate):
        doc["foundingDate"] = str(founded[0].term)
    places = [*description.values(NBKG.locatedIn), *description.values(NBKG.country)]
    if places:
        doc["location"] = [_ref(v.term, v.label) for v in places]
    if same := description.values(OWL.sameAs):
        doc["sameAs"] = [str(v.term) for v in same]
    members = [
        cell
        for table in description.fact_tables
        if table.type == NBKG.Membership
        for fact in table.facts
        if any(v.term == description.iri for v in fact.cells.get(ORG.organization, []))
        for cell in fact.cells.get(ORG.member, [])
    ]
    if members:
        doc["member"] = [_ref(v.term, v.label) for v in members]
    return doc


def _ref(term: object, label: str | None) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"@id": str(term), **({"name": label} if label else {})}
    return {"name": str(term) if isinstance(term, Literal) else str(term)}
