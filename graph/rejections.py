"""Which changed sources a build rejects.

SHACL judges every changed source once. Rejecting one can break what others refer to, or
take away a name another source leant on, so the reference check and the revalidation of
what leant on a rejected source repeat until no verdict changes.
"""

from __future__ import annotations

from rdflib import URIRef

from nbkg.graph.gate import TypeIndex, Violation, check_all, dangling, short
from nbkg.graph.sparql import with_rows
from nbkg.graph.staged import Staged
from nbkg.graph.store import Store


def judge(
    store: Store,
    changed: list[Staged],
    unchanged: list[Staged],
    ahead: frozenset[URIRef] | set[URIRef] = frozenset(),
) -> dict[URIRef, list[Violation]]:
    """Violations per rejected graph.

    SHACL runs once over every changed source; the reference check repeats until nothing
    more is rejected. A source validated together with one that is then rejected may have
    leant on it (for a name it gave an entity), so sources that state something of or refer
    to what a rejected source defines are validated again without it. Graphs written
    ``ahead`` of the verdict are no stored version of anything: the store's answers leave
    them out.
    """
    replacing = {e.target for e in changed}
    index = _index([*unchanged, *changed], store, replacing)
    rejected = _rejections(changed, index)
    judged: set[URIRef] = set()  # rejections whose sources SHACL has since done without
    while True:
        accepted = [e for e in changed if e.target not in rejected]
        replacing = {e.target for e in accepted} | ahead
        index = _index([*unchanged, *accepted], store, replacing)
        stored = [e for e in accepted if e.target not in ahead]  # had a version before
        newly: dict[URIRef, list[Violation]] = {}
        for extraction in accepted:
            if found := dangling(extraction, index):
                newly[extraction.target] = found
        for extraction in unchanged:
            for violation in dangling(extraction, index):
                culprit = _previous_definer(store, violation.target, stored)
                if culprit is not None:
                    newly.setdefault(culprit.target, []).append(
                        _no_longer_defines(
                            culprit, violation.focus, violation.target, violation.where
                        )
                    )
        read = {e.target for e in [*unchanged, *changed]}
        for culprit, focus, target, where in _orphaned(store, stored, index, read):
            newly.setdefault(culprit.target, []).append(
                _no_longer_defines(culprit, focus, target, where)
            )
        if not newly:
            gone = [e for e in changed if e.target in rejected and e.target not in judged]
            judged.update(e.target for e in gone)
            newly = _rejections(_leaning_on(accepted, gone), index)
        if not newly:
            return rejected
        rejected.update(newly)


def _rejections(batch: list[Staged], index: TypeIndex) -> dict[URIRef, list[Violation]]:
    if not batch:
        return {}
    verdicts = check_all(batch, index)
    return {e.target: found for e, found in zip(batch, verdicts, strict=True) if found}


def _leaning_on(accepted: list[Staged], rejected: list[Staged]) -> list[Staged]:
    """The parts of accepted sources that state something of, or refer to, what the
    rejected sources state something of.

    Only those parts are validated again: the web page a rejected table cites is cited by
    every other table too, and validating them all again would double the cost of a build.
    """
    gone = {iri for e in rejected for iri in e.subjects}
    return [part for e in accepted if (part := e.about(gone)) is not None] if gone else []


def _no_longer_defines(culprit: Staged, focus: str, target: URIRef | None, where: str) -> Violation:
    return Violation(
        culprit.source.name,
        focus,
        f"no longer defines {short(target)}, which {where} refers to",
    )


def _orphaned(
    store: Store, accepted: list[Staged], index: TypeIndex, read: set[URIRef]
) -> list[tuple[Staged, str, URIRef, str]]:
    """References from stored graphs this build did not read to entities it removes.

    An entity that a changed source's stored version defined, that its new version does
    not, and that no other source or stored graph defines, is removed by the build; any
    stored graph left unread (its source unchanged) that refers to it would dangle.
    """
    found = []
    for extraction in accepted:
        before = store.select(_DEFINED_IN_GRAPH, {"g": extraction.target})
        gone = {row["s"] for row in before} - set(index.resolve({row["s"] for row in before}))
        ordered = sorted(gone)  # type: ignore[type-var]
        for start in range(0, len(ordered), _LOOKUP_BATCH):
            batch = ordered[start : start + _LOOKUP_BATCH]
            for row in store.select(with_rows(_REFERRERS, "o", batch)):
                if row["g"] not in read:
                    where = str(row.get("file") or row["g"])
                    found.append((extraction, short(row["s"]), row["o"], where))
    return found


_DEFINED_IN_GRAPH = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?type } FILTER (isIRI(?s)) }"
_REFERRERS = """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX nbkg: <https://w3id.org/nbkg/def#>
SELECT DISTINCT ?g ?s ?o ?file WHERE {
  GRAPH ?g { ?s ?p ?o FILTER (?p != <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>) }
  OPTIONAL { GRAPH ?g { ?g prov:wasDerivedFrom ?f . ?f nbkg:fileName ?file } }
}"""


def _previous_definer(store: Store, iri: URIRef | None, candidates: list[Staged]) -> Staged | None:
    """The changed source whose stored graph defined ``iri`` before this build."""
    by_graph = {e.target: e for e in candidates}
    rows = store.select("SELECT ?g WHERE { GRAPH ?g { ?s a ?type } }", {"s": iri}) if iri else []
    return next((by_graph[row["g"]] for row in rows if row["g"] in by_graph), None)


def _index(
    extractions: list[Staged], store: Store, replacing: set[URIRef] = frozenset()
) -> TypeIndex:
    """Types from these extractions, then from stored graphs this build does not replace."""

    def lookup(iris: set[URIRef]) -> dict[URIRef, set[URIRef]]:
        found: dict[URIRef, set[URIRef]] = {}
        ordered = sorted(iris)
        for start in range(0, len(ordered), _LOOKUP_BATCH):  # one query per batch, not per IRI
            batch = ordered[start : start + _LOOKUP_BATCH]
            for row in store.select(with_rows(_TYPES_IN_GRAPHS, "s", batch)):
                if row["g"] not in replacing:
                    found.setdefault(row["s"], set()).add(row["type"])  # type: ignore[arg-type]
        return found

    index = TypeIndex(lookup)
    for extraction in extractions:
        index.add(extraction)
    return index


_LOOKUP_BATCH = 500
_TYPES_IN_GRAPHS = "SELECT ?s ?type ?g WHERE { GRAPH ?g { ?s a ?type } }"
