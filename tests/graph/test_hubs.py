"""A subject with very many values of one predicate is validated in pieces, with the verdicts
of the whole.

The gate would otherwise spend time on such a hub that grows with the square of its values.
Shares of two values (the least the project's shapes allow) put a hub's values in as many
pieces as there can be, which is where a piece could go wrong: a violation only the whole
shows, or one a piece invents.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH
from verdicts import verdicts

from nbkg.graph import hubs, parts
from nbkg.graph.staged import Staged
from nbkg.loaders.base import Extraction, Source
from nbkg.ontology import shapes_graph

ID = "https://w3id.org/nbkg/id/"
DEF = "https://w3id.org/nbkg/def#"
DERIVED = PROV.wasDerivedFrom.n3().encode()

HUB = """@prefix id: <https://w3id.org/nbkg/id/> .
@prefix nbkg: <https://w3id.org/nbkg/def#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix evidence: <https://w3id.org/nbkg/def/evidence/> .

id:no a nbkg:Country ; rdfs:label "Norway"@en ; nbkg:countryCode "NO" ;
    prov:wasDerivedFrom <https://example.org/iso> ; nbkg:evidenceKind evidence:register-confirmed .
id:se a nbkg:Country ; rdfs:label "Sweden"@en ; nbkg:countryCode "SE" ;
    prov:wasDerivedFrom <https://example.org/iso> ; nbkg:evidenceKind evidence:register-confirmed .

# A hub: named by many documents, one of which is written as text, not as an IRI, and under
# five names; it also lies within a country (not a region) and sits in two countries.
id:no-trondheim a nbkg:Region ;
    rdfs:label "Trondheim" , "Trondheim"@nb , "Trondhjem"@da , "Nidaros"@la , "Tróndheimur"@is ;
    nbkg:country id:no , id:se ; nbkg:locatedIn id:no ;
    nbkg:evidenceKind evidence:document-stated ;
    prov:wasDerivedFrom {documents} , "a document named in words" .

# A second hub, with fewer values and nothing wrong.
id:no-nordland a nbkg:Region ; rdfs:label "Nordland" ; nbkg:country id:no ;
    nbkg:evidenceKind evidence:document-stated ;
    prov:wasDerivedFrom {some} .

# A firm without a name, beside the hubs.
id:fjordtre-as a nbkg:Firm ; prov:wasDerivedFrom <https://example.org/doc-1> ;
    nbkg:evidenceKind evidence:document-stated .
"""

#: Links the source states, and one it does not, along one of the hub's predicates.
STATED = """
id:link-1 a nbkg:StatedLink , rdf:Statement ;
    rdf:subject id:no-trondheim ; rdf:predicate {predicate} ; rdf:object {stated} ;
    prov:wasDerivedFrom <https://example.org/doc-37> ;
    nbkg:evidenceKind evidence:document-stated .
id:link-2 a nbkg:StatedLink , rdf:Statement ;
    rdf:subject id:no-trondheim ; rdf:predicate {predicate} ; rdf:object {unstated} ;
    prov:wasDerivedFrom <https://example.org/doc-38> ;
    nbkg:evidenceKind evidence:document-stated .
"""
LINKS = {
    "no-links": None,
    "links-along-another-predicate": ("nbkg:locatedIn", "id:no", "id:eu"),
    "links-along-the-divided-predicate": (
        "prov:wasDerivedFrom",
        "<https://example.org/doc-37>",
        "<https://example.org/eu>",
    ),
}


def _documents(count: int) -> str:
    return " , ".join(f"<https://example.org/doc-{n}>" for n in range(count))


def _hub_file(tmp_path: Path, links: tuple[str, str, str] | None) -> Path:
    text = HUB.replace("{documents}", _documents(60)).replace("{some}", _documents(9))
    if links:
        predicate, stated, unstated = links
        text += (
            STATED.replace("{predicate}", predicate)
            .replace("{stated}", stated)
            .replace("{unstated}", unstated)
        )
    path = tmp_path / "hub.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def _verdicts(monkeypatch: pytest.MonkeyPatch, most: int, size: int, path: Path):
    monkeypatch.setenv("NBKG_SHACL_ENGINE", "turbo")
    monkeypatch.setattr(hubs, "MOST_VALUES", most)
    monkeypatch.setattr(parts, "PART_TRIPLES", size)
    return verdicts([path], path.parent)


@pytest.mark.parametrize("links", LINKS)
@pytest.mark.parametrize("size", [10**9, 1], ids=["one-part", "tiny-parts"])
def test_a_hub_in_pieces_gets_the_verdicts_of_the_whole(
    links: str, size: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _hub_file(tmp_path, LINKS[links])
    whole = _verdicts(monkeypatch, 10**9, 10**9, path)
    divide, counted = hubs.divide, []

    def counting(*args, **kwargs) -> list[parts.Part]:
        pieces = divide(*args, **kwargs)
        counted.append(len(pieces))
        return pieces

    monkeypatch.setattr(hubs, "divide", counting)
    pieces = _verdicts(monkeypatch, 2, size, path)
    # Trondheim's 61 sources in 30 shares, unless a link in its part describes one of them.
    assert (max(counted) == 30) == (not links.endswith("divided-predicate"))
    assert pieces == whole
    ((_, status, problems),) = whole
    assert status == "rejected"
    said = "\n".join(problems)
    for expected in (
        "a document named in words",  # one value among many of the hub's
        "a region can only lie within another region",  # beside the hub's values
        "a region needs exactly one country",
        "fjordtre-as",
    ):
        assert expected in said
    assert ("that the source does not state" in said) == (links != "no-links")
    assert "doc-37>" not in said and "id:no id:no" not in said


def _part(graph: Graph, most: int = 500) -> parts.Part:
    source = Source(Path("hub.ttl"), "rdf/hub.ttl", "rdf")
    (part,) = parts.split([Staged.of(Extraction(source, graph))], crowd=2 * most)
    return part


def _lines(part: parts.Part) -> set[bytes]:
    return {line for line in bytes(part.data).split(b"\n") if line}


def _hub_graph(values: int) -> Graph:
    graph = Graph()
    hub = URIRef(f"{ID}hub")
    graph.add((hub, RDF.type, URIRef(f"{DEF}Region")))
    graph.add((hub, RDFS.label, Literal("Hub")))
    for n in range(values):
        graph.add((hub, PROV.wasDerivedFrom, URIRef(f"https://example.org/doc-{n}")))
    for n in range(30):
        graph.add((URIRef(f"{ID}firm-{n}"), RDFS.label, Literal(f"firm {n}")))
    return graph


def test_pieces_share_a_hubs_values_and_each_repeats_its_other_statements() -> None:
    graph = _hub_graph(2_100)
    part = _part(graph)
    whole = _lines(part)
    pieces = hubs.divide(part, frozenset({DERIVED}), most=500)
    assert len(pieces) == 4  # 2,100 values in shares of 500 to 999
    assert set().union(*map(_lines, pieces)) == whole
    label = next(line for line in whole if b'rdf-schema#label> "Hub"' in line)
    for piece in pieces:
        lines = _lines(piece)
        assert label in lines
        assert 500 <= sum(DERIVED in line for line in lines) < 1_000
        assert piece.triples == len(lines)
    firms = {line for line in whole if b"firm-" in line}
    assert firms <= _lines(pieces[0]) and not firms & _lines(pieces[1])
    assert b"<https://example.org/doc-2099>" in set().union(*(p.references for p in pieces))


def test_a_part_without_hubs_stays_whole() -> None:
    part = _part(_hub_graph(990))  # and a name and a type: under 1,000 statements
    assert not part.crowded
    assert hubs.divide(part, frozenset({DERIVED}), most=500) == [part]
    crowded = _part(_hub_graph(990), most=400)
    assert crowded.crowded == {f"<{ID}hub>".encode()}
    assert hubs.divide(crowded, frozenset(), most=400) == [crowded]  # not divisible


def test_a_predicate_a_link_in_the_part_describes_stays_whole() -> None:
    graph = _hub_graph(2_000)
    link = URIRef(f"{ID}link")
    graph.add((link, RDF.subject, URIRef(f"{ID}hub")))
    graph.add((link, RDF.predicate, PROV.wasDerivedFrom))
    part = _part(graph)
    assert hubs.divide(part, frozenset({DERIVED}), most=500) == [part]


def test_values_that_are_blank_nodes_stay_with_their_statements() -> None:
    graph = _hub_graph(0)
    hub = URIRef(f"{ID}hub")
    for n in range(2_000):
        held = BNode()
        graph.add((hub, PROV.wasDerivedFrom, held))
        graph.add((held, RDFS.label, Literal(f"held {n}")))
    part = _part(graph)
    assert hubs.divide(part, frozenset({DERIVED}), most=500) == [part]


def test_the_projects_shapes_let_sources_be_divided_but_not_compared_values() -> None:
    divisible = hubs.divisible_predicates(shapes_graph(), most=500)
    assert DERIVED in divisible
    for kept_whole in ("startDate", "endDate", "amount", "currency", "startOffset", "endOffset"):
        assert f"<{DEF}{kept_whole}>".encode() not in divisible  # SPARQL, sh:lessThan
    assert not hubs.divisible_predicates(shapes_graph(), most=1) & {DERIVED}  # sh:minCount 1


SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:each ; sh:class ex:D ; sh:minCount 1 ; sh:name "each" ] ,
        [ sh:path ex:languages ; sh:uniqueLang true ] ,
        [ sh:path ex:bounded ; sh:maxCount 800 ] ,
        [ sh:path ex:some ; sh:hasValue ex:x ] ,
        [ sh:path ( ex:first ex:second ) ; sh:minCount 1 ] ,
        [ sh:path [ sh:inversePath ex:back ] ; sh:class ex:D ] .
"""


@pytest.mark.parametrize(
    ("predicate", "divisible"),
    [
        ("each", True),
        ("languages", False),  # sh:uniqueLang compares values
        ("bounded", False),  # a count the pieces could meet and the whole not
        ("some", False),  # sh:hasValue asks for one value among all
        ("first", False),  # paths through several predicates
        ("second", False),
        ("back", False),
    ],
)
def test_only_predicates_judged_value_by_value_are_divisible(
    predicate: str, divisible: bool
) -> None:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    found = hubs.divisible_predicates(shapes, most=500)
    assert (f"<https://example.org/{predicate}>".encode() in found) is divisible
    assert SH.path.n3().encode() not in found
