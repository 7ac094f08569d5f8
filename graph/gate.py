"""The SHACL gate: a source's graph must conform before it may replace its named graph.

Each source is validated with the ontology mixed in, and only results on its own nodes
count. Sources refer to entities other sources define (a membership row names an
organisation from another table), so the gate adds the types of those entities from a
:class:`TypeIndex` built over every source and the store. A reference nobody defines is a
violation of its own: a dangling reference.

Two engines read the same shapes: pyshacl-turbo (native, the default: it validates a
million triples in seconds where pySHACL takes many minutes) and pySHACL (the reference).
Tests hold them to the same violations; ``NBKG_SHACL_ENGINE=pyshacl`` picks the reference.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, SH

from nbkg.graph.namespace import PREFIXES
from nbkg.graph.staged import Staged
from nbkg.ontology import ontology_graph, shapes_graph


@dataclass(frozen=True)
class Violation:
    """One broken constraint, said in plain words and located in the source file."""

    where: str  # file:line
    focus: str
    message: str
    path: str | None = None
    value: str | None = None
    target: URIRef | None = field(default=None, compare=False)  # the entity a dangling one names

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.where}: {self.focus}{path}: {self.message}{value}"


class TypeIndex:
    """Types of every entity known to this build, for resolving references across sources."""

    def __init__(self, lookup: Callable[[set[URIRef]], dict[URIRef, set[URIRef]]] | None = None):
        self.types: dict[URIRef, set[URIRef]] = {}
        self.lookup = lookup  # asks the store about entities no source of this build defines

    def add(self, staged: Staged) -> None:
        for subject, classes in staged.types.items():
            self.types.setdefault(subject, set()).update(classes)

    def resolve(self, iris: set[URIRef]) -> dict[URIRef, set[URIRef]]:
        found = {iri: self.types[iri] for iri in iris if iri in self.types}
        missing = iris - set(found)
        if missing and self.lookup:
            found.update(self.lookup(missing))
        return found


ENGINES = ("turbo", "pyshacl")


def check(staged: Staged, index: TypeIndex, engine: str | None = None) -> list[Violation]:
    """Every violation of the source, dangling references first; empty when it conforms."""
    local = set(staged.types)
    referenced = set(staged.references) - local
    known = index.resolve(referenced)
    violations = _dangling(staged, referenced, known)
    focus = sorted(staged.subjects)
    if not focus:
        return violations
    # The types of what the source refers to, so that sh:class can judge the references.
    types = [(iri, RDF.type, cls) for iri, classes in known.items() for cls in classes]
    if (engine or default_engine()) == "pyshacl":
        report = _pyshacl_report(staged.graph(), types)
    else:
        # Focus nodes only when types of other sources' entities were added, which would
        # make those entities focus nodes too: pyshacl-turbo validates a source about four
        # times slower with them (37 s against 10 s for 513k triples).
        report = _turbo_report(staged.ntriples.data, types, focus if types else None)
    try:
        return violations + _shacl(report, staged, focus, local)
    finally:
        staged.release()


def default_engine() -> str:
    engine = os.environ.get("NBKG_SHACL_ENGINE", "turbo")
    if engine not in ENGINES:
        raise ValueError(f"NBKG_SHACL_ENGINE={engine!r}: choose one of {', '.join(ENGINES)}")
    return engine


def _pyshacl_report(graph: Graph, types: list[tuple[Node, Node, Node]]) -> Graph | None:
    """The reference engine's report, or None when the data conforms.

    No focus_nodes: pySHACL would then skip nested shapes (sh:node, sh:or) on values, so
    the entities referred to become focus nodes too and their results are filtered out.
    No RDFS inference: rdfs:range would give any value the class sh:class asks for;
    sh:targetClass and sh:class already follow rdfs:subClassOf in the mixed-in ontology.
    """
    import pyshacl

    data = Graph()
    for prefix, iri in PREFIXES.items():
        data.bind(prefix, iri)
    data += graph
    data += ontology_graph()  # whole: pySHACL's ont_graph would mix in axioms but not concepts
    for triple in types:
        data.add(triple)
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", allow_warnings=True, advanced=True
    )
    return None if conforms else report


def _turbo_report(
    ntriples: bytes, types: list[tuple[Node, Node, Node]], focus: list[URIRef] | None
) -> Graph | None:
    """pyshacl-turbo's report on the source's own nodes, or None when they conform.

    The data goes to the engine as N-Triples text, parsed natively: an rdflib graph of a
    large source costs more than validating it. (Not as a pyoxigraph store:
    pyshacl-turbo 0.6.5 then fails plain strings against ``sh:in``.) Focus nodes keep the
    report to the source's own nodes; this engine, unlike pySHACL, still follows nested
    shapes on their values.
    """
    import pyshacl_turbo

    text = "".join(
        [
            ntriples.decode("utf-8"),
            _ontology_ntriples().decode("utf-8"),
            "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in types),
        ]
    )
    data = pyshacl_turbo.Input(text, "ntriples", None, {})
    conforms, report, _ = _compiled_shapes().validate(data, allow_warnings=True, focus_nodes=focus)
    return None if conforms else report


@cache
def _ontology_ntriples() -> bytes:
    return ontology_graph().serialize(format="nt", encoding="utf-8")


@cache
def _compiled_shapes():  # noqa: ANN202 - pyshacl_turbo.CompiledShapes, imported lazily
    import pyshacl_turbo

    return pyshacl_turbo.compile_shapes(shapes_graph(), advanced=True)


def dangling(staged: Staged, index: TypeIndex) -> list[Violation]:
    """References to entities that neither this source nor the index defines."""
    referenced = set(staged.references) - set(staged.types)
    try:
        return _dangling(staged, referenced, index.resolve(referenced))
    finally:
        staged.release()


def _dangling(
    staged: Staged, referenced: set[URIRef], known: dict[URIRef, set[URIRef]]
) -> list[Violation]:
    missing = referenced - set(known)
    if not missing:
        return []
    graph = staged.graph()  # only now: who refers to what is not kept staged
    return [
        Violation(
            staged.where(subject),
            short(subject),
            f"refers to {short(obj)}, which no source defines",
            short(predicate),
            target=obj,
        )
        for subject, predicate, obj in sorted(
            (s, p, o)
            for o in missing
            for s, p in graph.subject_predicates(o)
            if isinstance(s, URIRef) and p != RDF.type
        )
    ]


def _shacl(
    report: Graph | None, staged: Staged, focus: list[URIRef], local: set[URIRef]
) -> list[Violation]:
    if report is None:
        return []
    own = set(focus)
    results = [
        r
        for r in report.objects(None, SH.result)
        if report.value(r, SH.focusNode) in own and _stated_here(report, r, staged, local)
    ]
    # One violation per broken rule and value: an ill-typed count breaks sh:datatype and,
    # for pyshacl-turbo, sh:minInclusive too, under the same message.
    violations = set(_violations(report, results, staged))
    return sorted(violations, key=lambda v: (_line(v.where), v.focus, v.message, v.path or ""))


def _stated_here(report: Graph, result: Node, staged: Staged, local: set) -> bool:
    """Whether a result is this source's to answer for.

    A source may state something about an entity another source defines (a document adds
    where a known cluster sits). It answers for what it states, not for what the
    defining source owes (a name, a country): those results are the definer's.
    """
    focus = report.value(result, SH.focusNode)
    if focus in local:
        return True
    path = report.value(result, SH.resultPath)
    return isinstance(path, URIRef) and (focus, path, None) in staged.graph()


def _violations(report: Graph, results: list[Node], staged: Staged) -> Iterable[Violation]:
    for result in results:
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        messages = [str(m) for m in report.objects(result, SH.resultMessage)]
        yield Violation(
            where=staged.where(focus) if isinstance(focus, URIRef) else staged.source.name,
            focus=short(focus),
            message="; ".join(messages) or "breaks a constraint",
            path=short(path) if path is not None else None,
            value=short(value) if value is not None and value != focus else None,
        )


def short(node: Node | None) -> str:
    """A node the way a reader of the data files would write it (prefixed where possible)."""
    if isinstance(node, Literal):
        return repr(str(node))
    text = str(node)
    for prefix, iri in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(iri) and text != iri:
            return f"{prefix}:{text[len(iri) :]}"
    return f"<{text}>" if isinstance(node, URIRef) else text


def _line(where: str) -> int:
    tail = where.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0
