"""Hub subjects cut into pieces, so that the gate's cost stays linear in their values.

pyshacl-turbo's time for one focus node grows with the square of its values along a
property path. A region named by 1,000 documents takes 34 ms to validate, by 16,000
documents 9.5 s. Hubs like that grow with the data: every document that names Lahti adds a
``prov:wasDerivedFrom`` to it. At ten million triples, the parts that held a hub took up to
ten times as long as the others.

So a part whose subject holds many values of one predicate is validated in pieces. Each
piece holds at most ``2 * most`` of those values, along with the subject's other statements
and the rest of the part. Any piece reports a violation that the whole would report, and
the gate keeps one violation per rule and value.

Only *divisible* predicates are cut. For those, every constraint along the predicate
judges each value alone, or counts values against a bound below ``most``, which every
piece and the whole meet alike (each piece holds at least ``most`` values). A predicate
that a pair or qualified constraint compares, that a complex path passes through, or that
a SPARQL constraint names stays whole. So do the predicates of reified links in the part,
because a SPARQL constraint looks for the triple a link describes, and a subject's values
along a predicate when some are blank nodes, whose own statements stay in the first piece.
"""

from __future__ import annotations

from rdflib import Graph, Node, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse

from nbkg.graph.parts import Part, add_line
from nbkg.graph.staged import object_term

#: Values of one predicate that a piece gives one subject, at least (and under twice that).
#: A subject with fewer than twice as many stays whole. 500 values take 6 ms beyond the
#: engine's 15 ms per run; 1,000 take 19 ms; 4,000 take 300 ms.
MOST_VALUES = 500

#: Constraint parameters that judge each value alone.
_PER_VALUE = {
    SH[name]
    for name in (
        "class datatype nodeKind in pattern flags minLength maxLength languageIn "
        "minInclusive maxInclusive minExclusive maxExclusive node not and or xone"
    ).split()
}
#: Parameters that count values, met alike by every piece when their bound is below ``most``.
_COUNTS = {SH.minCount, SH.maxCount}
#: Parameters that say nothing about the values.
_SAYING = {
    SH[name] for name in "path name description message severity order group deactivated".split()
}
#: Parameters that compare one predicate's values with another's.
_PAIRS = {SH[name] for name in "equals disjoint lessThan lessThanOrEquals".split()}

_RDF_PREDICATE = RDF.predicate.n3().encode()


def divisible_predicates(shapes: Graph, most: int = MOST_VALUES) -> frozenset[bytes]:
    """The predicates whose values a piece may hold some of, as N-Triples terms."""
    kept: set[URIRef] = set()
    whole: set[URIRef] = set()
    for shape, path in shapes.subject_objects(SH.path):
        if not isinstance(path, URIRef):
            whole.update(_iris(shapes, path))
            continue
        if all(_per_value(p, o, most) for p, o in shapes.predicate_objects(shape)):
            kept.add(path)
        else:
            whole.add(path)
    for parameter in _PAIRS:
        whole.update(o for o in shapes.objects(None, parameter) if isinstance(o, URIRef))
    whole.update(_sparql_iris(shapes))
    return frozenset(p.n3().encode() for p in kept - whole)


def divide(part: Part, divisible: frozenset[bytes], most: int = MOST_VALUES) -> list[Part]:
    """The part as pieces, each giving every hub at most ``2 * most`` values of a predicate.

    The first piece is the part without the hubs' values beyond their first share; each
    other piece holds one more share of every hub that has it, with the hubs' statements
    along other predicates and a first share along the other divided ones. A part without
    hubs comes back as it is. Only the part's crowded subjects (see :func:`split`) are
    looked at, so a part without any costs nothing.
    """
    if not part.crowded:
        return [part]
    along: dict[tuple[bytes, bytes], dict[bytes, None]] = {}
    rest: list[bytes] = []
    stated: set[bytes] = set()
    for line in bytes(part.data).split(b"\n"):
        if not line:
            continue
        subject, predicate, _ = line.split(b" ", 2)
        if predicate == _RDF_PREDICATE:
            stated.add(object_term(line))
        if subject in part.crowded:
            along.setdefault((subject, predicate), {})[line] = None
        else:
            rest.append(line)
    # A SPARQL constraint looks for the triple that a reified link describes.
    many = {
        pair
        for pair, found in along.items()
        if len(found) >= 2 * most
        and pair[1] in divisible
        and pair[1] not in stated
        and not any(object_term(line).startswith(b"_:") for line in found)
    }
    if not many:
        return [part]
    hubs = {subject for subject, _ in many}
    own: dict[bytes, list[bytes]] = {hub: [] for hub in hubs}
    for (subject, predicate), found in along.items():
        if (subject, predicate) not in many:
            (own[subject] if subject in hubs else rest).extend(found)
    shares: dict[bytes, list[list[list[bytes]]]] = {hub: [] for hub in hubs}
    for subject, predicate in many:
        shares[subject].append(_shares(list(along[subject, predicate]), most))
    count = max(len(cut) for cuts in shares.values() for cut in cuts)
    pieces = [_piece(n, part, rest, own, shares) for n in range(count)]
    part.data.clear()
    return pieces


def _piece(
    n: int,
    part: Part,
    rest: list[bytes],
    own: dict[bytes, list[bytes]],
    shares: dict[bytes, list[list[list[bytes]]]],
) -> Part:
    """Piece ``n``: the rest of the part in the first, and share ``n`` of every hub that has it."""
    piece = Part(bytearray(), 0, set(part.references) if n == 0 else set())
    for line in rest if n == 0 else ():
        add_line(piece, line, references=False)
    for hub, cuts in shares.items():
        if n >= max(map(len, cuts)):
            continue
        for line in own[hub]:
            add_line(piece, line, references=n > 0)
        for cut in cuts:
            for line in cut[n % len(cut)]:
                add_line(piece, line, references=n > 0)
    return piece


def _shares(lines: list[bytes], most: int) -> list[list[bytes]]:
    """The lines in shares of ``most`` to ``2 * most - 1`` (all of them if fewer)."""
    count = max(1, len(lines) // most)
    return [lines[i * len(lines) // count : (i + 1) * len(lines) // count] for i in range(count)]


def _per_value(parameter: Node, value: Node, most: int) -> bool:
    if parameter in _COUNTS:
        return int(value) < most  # type: ignore[call-overload]
    if not str(parameter).startswith(str(SH)):
        return True  # a type or an annotation
    return parameter in _PER_VALUE or parameter in _SAYING


def _iris(graph: Graph, node: Node) -> set[URIRef]:
    """Every IRI a complex path is made of (its lists and nested paths)."""
    found: set[URIRef] = set()
    todo, seen = [node], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, URIRef):
            found.add(node)
            continue
        todo.extend(o for _, o in graph.predicate_objects(node))
    return found


def _sparql_iris(shapes: Graph) -> set[URIRef]:
    """Every IRI the SPARQL constraints name, with the prefixes they declare."""
    prefixes = {
        str(prefix): str(namespace)
        for declaration in shapes.objects(None, SH.declare)
        for prefix in shapes.objects(declaration, SH.prefix)
        for namespace in shapes.objects(declaration, SH.namespace)
    }
    found: set[URIRef] = set()
    for text in shapes.objects(None, SH.select):
        query = prepareQuery(str(text), initNs=prefixes)
        traverse(query.algebra, visitPre=lambda node: _collect(node, found))
    return found


def _collect(node: object, found: set[URIRef]) -> None:
    if isinstance(node, URIRef):
        found.add(node)
