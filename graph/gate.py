"""The SHACL gate: a source's graph must conform before it may replace its named graph.

The sources a build changes are validated together, with the ontology mixed in, and each
answers for the results on what it states or defines. Sources refer to entities other
sources define (a membership row names an organisation from another table), so the gate
adds the types of entities from outside the batch from a :class:`TypeIndex` built over
every source and the store. A reference nobody defines is a violation of its own: a
dangling reference.

Two engines read the same shapes: pyshacl-turbo (native, the default: it validates a
million triples in seconds where pySHACL takes many minutes) and pySHACL (the reference).
Tests hold them to the same violations; ``NBKG_SHACL_ENGINE=pyshacl`` picks the reference.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, SH

from nbkg.graph import hubs, parts
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
    """Every violation of one source, dangling references first; empty when it conforms."""
    return check_all([staged], index, engine)[0]


def check_all(
    batch: list[Staged], index: TypeIndex, engine: str | None = None
) -> list[list[Violation]]:
    """Every violation of each source of the batch, in batch order.

    The batch is validated as one graph, the way the store will hold it: a source may
    complete or contradict what another says of the same entity, and one run over ten
    million triples costs far less than a run per source with only the types of what
    each refers to (pyshacl-turbo cuts a big batch into parts by subject, which judge as
    the whole would). Every result is answered for by the sources that state it, or by
    those that define its focus node when none does; entities from outside the batch come
    in as types only (pyshacl-turbo: as reference types, which no target selects), and
    results on them are nobody's here.
    """
    defined = {iri for staged in batch for iri in staged.types}
    referenced = {iri for staged in batch for iri in staged.references} - defined
    known = index.resolve(referenced)
    violations = [_dangling(s, set(s.references) - defined, known) for s in batch]
    if not any(staged.subjects for staged in batch):
        return violations
    try:
        if (engine or default_engine()) == "pyshacl":
            # The types of what the batch refers to, so that sh:class can judge references.
            types = [(iri, RDF.type, cls) for iri, classes in known.items() for cls in classes]
            reports = [_pyshacl_report(batch, types)]
        else:
            reports = _turbo_reports(batch, known)
        for found, more in zip(violations, _attribute(reports, batch), strict=True):
            found += more
        return violations
    finally:
        for staged in batch:
            staged.release()


def default_engine() -> str:
    engine = os.environ.get("NBKG_SHACL_ENGINE", "turbo")
    if engine not in ENGINES:
        raise ValueError(f"NBKG_SHACL_ENGINE={engine!r}: choose one of {', '.join(ENGINES)}")
    return engine


def _pyshacl_report(batch: list[Staged], types: list[tuple[Node, Node, Node]]) -> Graph | None:
    """The reference engine's report, or None when the data conforms.

    No focus_nodes: pySHACL would then skip nested shapes (sh:node, sh:or) on values.
    No RDFS inference: rdfs:range would give any value the class sh:class asks for;
    sh:targetClass and sh:class already follow rdfs:subClassOf in the mixed-in ontology.
    """
    import pyshacl

    data = Graph()
    for prefix, iri in PREFIXES.items():
        data.bind(prefix, iri)
    for staged in batch:
        data += staged.graph()
    data += ontology_graph()  # whole: pySHACL's ont_graph would mix in axioms but not concepts
    for triple in types:
        data.add(triple)
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", allow_warnings=True, advanced=True
    )
    return None if conforms else report


def _turbo_reports(batch: list[Staged], known: dict[URIRef, set[URIRef]]) -> list[Graph]:
    """pyshacl-turbo's reports on the batch, a part at a time (see :mod:`nbkg.graph.parts`).

    The data goes to the engine as N-Triples text, parsed natively: an rdflib graph of a
    large source costs more than validating it. (Not as a pyoxigraph store:
    pyshacl-turbo 0.6.5 then fails plain strings against ``sh:in``.) No focus nodes:
    with them this engine slows down more than linearly (a 4M-triple source did not
    finish in 40 minutes).
    """
    import pyshacl_turbo

    shapes = _compiled_shapes()
    types: dict[URIRef, set[URIRef]] = {**known}
    for staged in batch:
        for iri, classes in staged.types.items():
            types.setdefault(iri, set()).update(classes)
    classes = {cls for found in types.values() for cls in found}
    axioms = parts.reference_axioms(ontology_graph(), shapes_graph(), classes)
    common = _ontology_ntriples() + axioms
    as_referenced = {
        iri.n3().encode(): [parts.referenced(cls).n3().encode() for cls in sorted(found)]
        for iri, found in types.items()
    }

    def validate(part: parts.Part) -> list[Graph]:
        return [
            report
            for piece in hubs.divide(part, divisible, most)
            if (report := validate_piece(piece)) is not None
        ]

    def validate_piece(part: parts.Part) -> Graph | None:
        data = bytes(part.data)
        part.data.clear()
        data = b"".join(
            ascii_ntriples(piece) for piece in (data, common, part.reference_types(as_referenced))
        )
        text = data.decode("ascii")
        del data
        conforms, report, _ = shapes.validate(
            pyshacl_turbo.Input(text, "ntriples", None, {}), allow_warnings=True
        )
        return None if conforms else report

    most = hubs.MOST_VALUES
    divisible = _divisible(most)
    split = parts.split(batch, crowd=2 * most)
    with ThreadPoolExecutor(VALIDATING_THREADS) as pool:
        return [report for found in pool.map(validate, split) for report in found]


#: Parts validated at once: the engine runs outside the interpreter lock, one core each.
VALIDATING_THREADS = 2


def ascii_ntriples(data: bytes) -> bytes:
    r"""N-Triples with every character past ASCII written as an escape (``\u00E5`` for å).

    The text handed to the engine is as large as the batch. With one Nordic letter in it,
    Python keeps it two bytes a character, plus a UTF-8 copy for the native side: 4.5 GB
    for ten million triples instead of 1.5 GB.

    >>> ascii_ntriples('<x> <y> "Tromsø 🐟" .\n'.encode())
    b'<x> <y> "Troms\\u00F8 \\U0001F41F" .\n'
    """
    if data.isascii():
        return data
    return data.decode("utf-8").encode("ascii", _UCHAR)


def _uchar(error: UnicodeEncodeError) -> tuple[str, int]:
    escaped = (
        f"\\u{ord(c):04X}" if ord(c) < 0x10000 else f"\\U{ord(c):08X}"
        for c in error.object[error.start : error.end]
    )
    return "".join(escaped), error.end


_UCHAR = "nbkg-ntriples-uchar"
codecs.register_error(_UCHAR, _uchar)


@cache
def _ontology_ntriples() -> bytes:
    return ontology_graph().serialize(format="nt", encoding="utf-8")


@cache
def _divisible(most: int) -> frozenset[bytes]:
    return hubs.divisible_predicates(shapes_graph(), most)


@cache
def _compiled_shapes():  # noqa: ANN202 - pyshacl_turbo.CompiledShapes, imported lazily
    import pyshacl_turbo

    return pyshacl_turbo.compile_shapes(parts.reference_shapes(shapes_graph()), advanced=True)


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


def _attribute(reports: list[Graph | None], batch: list[Staged]) -> list[list[Violation]]:
    """The reports' violations, shared out to the sources that answer for them.

    A result on an entity several sources say something of goes to those that state
    something along its path (a document that adds where a known cluster sits answers for
    that); if none does (a name is missing), to those that define the entity: a source does
    not answer for what the entity's definer owes. Which source states what is asked of
    each source once, for all results together.
    """
    shares: list[set[Violation]] = [set() for _ in batch]
    judged: list[tuple[Graph, Node, list[int], list[int], tuple[URIRef, URIRef] | None]] = []
    questions: dict[int, set[tuple[URIRef, URIRef]]] = {}
    for report in reports:
        if report is None:
            continue
        for result in report.objects(None, SH.result):
            focus = report.value(result, SH.focusNode)
            severity = report.value(result, SH.resultSeverity)
            if severity != SH.Violation or not isinstance(focus, URIRef):
                continue  # nested values are reported on the entity that holds them
            path = report.value(result, SH.resultPath)
            about = [i for i, staged in enumerate(batch) if focus in staged.subjects]
            definers = [i for i in about if focus in batch[i].types]
            if not isinstance(path, URIRef) or (len(about) == 1 and definers):
                judged.append((report, result, definers, [], None))  # the only source about it
                continue
            for i in about:
                questions.setdefault(i, set()).add((focus, path))
            judged.append((report, result, definers, about, (focus, path)))
    stated = {i: batch[i].stated(pairs) for i, pairs in questions.items()}
    for report, result, definers, about, pair in judged:
        stating = [i for i in about if pair in stated[i]]
        for i in stating or definers:
            shares[i].add(_violation(report, result, batch[i]))
    # One violation per broken rule and value: an ill-typed count breaks sh:datatype and,
    # for pyshacl-turbo, sh:minInclusive too, under the same message.
    return [
        sorted(found, key=lambda v: (_line(v.where), v.focus, v.message, v.path or ""))
        for found in shares
    ]


def _violation(report: Graph, result: Node, staged: Staged) -> Violation:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    messages = [str(m) for m in report.objects(result, SH.resultMessage)]
    return Violation(
        where=staged.where(focus),
        focus=short(focus),
        message="; ".join(sorted(messages)) or "breaks a constraint",
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
