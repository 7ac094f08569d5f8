"""What an entity page shows, gathered from the store in a handful of queries.

A page needs the entity's statements with the source graph of each, what points at it
(facts such as memberships and awards are shown with their own details), labels for every
term in the reader's language, and when each source was loaded. All of it is fetched by
the queries in ``web/rq/`` with terms bound as escaped values, a fixed number per page
however large the graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from rdflib import Literal, Node, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from nbkg.graph.namespace import NBKG, ORG
from nbkg.graph.sparql import with_rows, with_values
from nbkg.graph.store import Store
from nbkg.web.i18n import pick
from nbkg.web.links import curie

FACT_TYPES = {NBKG.Membership, NBKG.Post, NBKG.MemberCount, NBKG.FundingAward, NBKG.StatedLink}
#: Properties shown first, in this order; the rest follow by name.
_ORDER = [
    RDFS.label,
    SKOS.altLabel,
    NBKG.abbreviation,
    RDFS.comment,
    NBKG.country,
    NBKG.locatedIn,
    ORG.member,
    ORG.organization,
    ORG.heldBy,
    ORG.postIn,
    ORG.role,
    NBKG.roleTitle,
    RDF.subject,
    RDF.predicate,
    RDF.object,
    NBKG.recipient,
    NBKG.funder,
    NBKG.programme,
    NBKG.forProject,
    NBKG.amount,
    NBKG.currency,
    NBKG.countOf,
    NBKG.count,
    NBKG.countedRole,
    NBKG.startDate,
    NBKG.endDate,
    NBKG.asOf,
    NBKG.awardStatus,
    NBKG.evidenceKind,
    PROV.wasDerivedFrom,
]
_HIDDEN_IN_FACTS = {RDF.type}
_CHUNK = 400


@cache
def rq(name: str) -> str:
    return files("nbkg.web").joinpath(f"rq/{name}.rq").read_text(encoding="utf-8")


@dataclass
class Value:
    term: Node
    label: str | None = None
    graphs: list[str] = field(default_factory=list)


@dataclass
class Property:
    predicate: URIRef
    label: str
    values: list[Value]


@dataclass
class Fact:
    node: URIRef
    cells: dict[URIRef, list[Value]]
    graphs: list[str] = field(default_factory=list)


@dataclass
class FactTable:
    type: URIRef
    label: str
    columns: list[tuple[URIRef, str]]
    facts: list[Fact]


@dataclass
class Source:
    graph: str
    label: str
    file: str | None
    loaded: str | None


@dataclass
class Description:
    iri: URIRef
    label: str
    types: list[Value]
    properties: list[Property]
    fact_tables: list[FactTable]
    incoming: list[Property]
    sources: list[Source]
    labels: dict[Node, str]

    def values(self, predicate: URIRef) -> list[Value]:
        return next((p.values for p in self.properties if p.predicate == predicate), [])


def describe(store: Store, iri: URIRef, languages: Sequence[str]) -> Description | None:
    """Everything an entity page shows, or None when the graph does not know the IRI."""
    if not store.ask(rq("exists"), {"e": iri}):
        return None
    statements = store.select(rq("statements"), {"s": iri})
    incoming = store.select(rq("incoming"), {"o": iri})
    fact_nodes = sorted({r["s"] for r in incoming if r.get("type") in FACT_TYPES}, key=str)
    fact_rows = _many(store, rq("outgoing"), "s", fact_nodes)

    terms: set[Node] = {iri}
    for row in statements:
        terms |= {row["p"], row["o"]}
    for row in incoming:
        terms |= {row["s"], row["p"], *([row["type"]] if "type" in row else [])}
    for row in fact_rows:
        terms |= {row["p"], row["o"]}
    labels = _labels(store, terms, languages)
    evidence = [r["o"] for r in [*statements, *fact_rows] if r["p"] == NBKG.evidence]
    labels.update(_evidence_labels(store, evidence))
    name = labels.get(iri) or str(iri).rstrip("/").rsplit("/", 1)[-1]
    graphs = {str(r["g"]) for r in statements} | {str(r["g"]) for r in fact_rows}

    return Description(
        iri=iri,
        label=name,
        types=[Value(r["o"], labels.get(r["o"])) for r in _distinct(statements, RDF.type)],
        properties=_properties(statements, labels),
        fact_tables=_fact_tables(incoming, fact_rows, labels),
        incoming=_incoming(incoming, set(fact_nodes), labels),
        sources=_sources(store, graphs),
        labels=labels,
    )


def _many(store: Store, sparql: str, name: str, terms: Sequence[Node]) -> list[dict[str, Node]]:
    rows: list[dict[str, Node]] = []
    for start in range(0, len(terms), _CHUNK):
        rows += store.select(with_rows(sparql, name, terms[start : start + _CHUNK]))
    return rows


def _labels(store: Store, terms: Iterable[Node], languages: Sequence[str]) -> dict[Node, str]:
    iris = sorted({t for t in terms if isinstance(t, URIRef)}, key=str)
    found: dict[Node, list[Literal]] = defaultdict(list)
    for row in _many(store, rq("labels"), "x", iris):
        found[row["x"]].append(row["label"])  # type: ignore[arg-type]
    return {term: str(pick(names, languages)) for term, names in found.items()}


def _evidence_labels(store: Store, nodes: list[Node]) -> dict[Node, str]:
    """Text evidence named by where it points: characters a–b of a document."""
    unique = sorted({n for n in nodes if isinstance(n, URIRef)}, key=str)
    found = {}
    for row in _many(store, rq("evidence"), "ev", unique):
        document = row.get("docTitle") or row.get("fileName") or row["doc"]
        where = f"characters {row['start']}–{row['end']} of “{document}”"
        found[row["ev"]] = f"“{row['quote']}” ({where})" if row.get("quote") else where
    return found


def _distinct(rows: list[dict[str, Node]], predicate: URIRef) -> list[dict[str, Node]]:
    seen, kept = set(), []
    for row in rows:
        if row["p"] == predicate and row["o"] not in seen:
            seen.add(row["o"])
            kept.append(row)
    return kept


def _rank(predicate: URIRef, label: str) -> tuple[int, str]:
    return (_ORDER.index(predicate) if predicate in _ORDER else len(_ORDER), label)


def _properties(rows: list[dict[str, Node]], labels: dict[Node, str]) -> list[Property]:
    grouped: dict[URIRef, dict[Node, Value]] = defaultdict(dict)
    for row in rows:
        predicate, obj = row["p"], row["o"]
        if predicate == RDF.type:
            continue
        value = grouped[predicate].setdefault(obj, Value(obj, labels.get(obj)))  # type: ignore[index]
        value.graphs.append(str(row["g"]))
    properties = [
        Property(p, labels.get(p) or curie(str(p)), sorted(v.values(), key=_value_key))
        for p, v in grouped.items()
    ]
    return sorted(properties, key=lambda p: _rank(p.predicate, p.label))


def _value_key(value: Value) -> str:
    return (value.label or str(value.term)).lower()


def _fact_tables(
    incoming: list[dict[str, Node]], fact_rows: list[dict[str, Node]], labels: dict[Node, str]
) -> list[FactTable]:
    type_of = {r["s"]: r["type"] for r in incoming if r.get("type") in FACT_TYPES}
    cells: dict[Node, dict[URIRef, dict[Node, Value]]] = defaultdict(lambda: defaultdict(dict))
    graphs: dict[Node, set[str]] = defaultdict(set)
    for row in fact_rows:
        graphs[row["s"]].add(str(row["g"]))
        if row["p"] not in _HIDDEN_IN_FACTS:
            cells[row["s"]][row["p"]].setdefault(row["o"], Value(row["o"], labels.get(row["o"])))  # type: ignore[index]
    tables = []
    for kind in sorted(set(type_of.values()), key=str):
        nodes = sorted((n for n, t in type_of.items() if t == kind), key=str)
        predicates = {p for n in nodes for p in cells[n]}
        columns = sorted(
            ((p, labels.get(p) or curie(str(p))) for p in predicates),
            key=lambda c: _rank(*c),
        )
        facts = [
            Fact(n, {p: list(v.values()) for p, v in cells[n].items()}, sorted(graphs[n]))  # type: ignore[arg-type]
            for n in nodes
        ]
        tables.append(FactTable(kind, labels.get(kind) or curie(str(kind)), columns, facts))  # type: ignore[arg-type]
    return tables


def _incoming(
    rows: list[dict[str, Node]], facts: set[Node], labels: dict[Node, str]
) -> list[Property]:
    grouped: dict[URIRef, dict[Node, Value]] = defaultdict(dict)
    for row in rows:
        if row["s"] not in facts:
            grouped[row["p"]].setdefault(row["s"], Value(row["s"], labels.get(row["s"])))  # type: ignore[index]
    properties = [
        Property(p, labels.get(p) or curie(str(p)), sorted(v.values(), key=_value_key))
        for p, v in grouped.items()
    ]
    return sorted(properties, key=lambda p: _rank(p.predicate, p.label))


def _sources(store: Store, graphs: set[str]) -> list[Source]:
    if not graphs:
        return []
    rows = store.select(with_rows(rq("loads"), "g", [URIRef(g) for g in sorted(graphs)]))
    found = {
        str(r["g"]): Source(
            str(r["g"]),
            str(r.get("label") or r["g"]),
            str(r["file"]) if "file" in r else None,
            str(r["ended"]) if "ended" in r else None,
        )
        for r in rows
    }
    return [found.get(g) or Source(g, g, None, None) for g in sorted(graphs)]


def bound(sparql: str, name: str, term: Node) -> str:
    """A query with one variable bound (for the data views' CONSTRUCT)."""
    return with_values(sparql, {name: term})
