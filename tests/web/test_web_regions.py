"""An item's regions: its own places and the places they lie in, as the path
``nbkg:locatedIn/nbkg:locatedIn*`` gives them, computed from (place, parent) rows."""

from __future__ import annotations

from rdflib import Literal, URIRef

from nbkg.web.regions import with_ancestors

ID = "https://w3id.org/nbkg/id/"


def iri(slug: str) -> URIRef:
    return URIRef(ID + slug)


def edges(*pairs: tuple[str, str]) -> list[dict[str, URIRef]]:
    return [{"place": iri(place), "parent": iri(parent)} for place, parent in pairs]


def regions(rows: list[dict], parent_rows: list[dict]) -> list[tuple[str, str]]:
    return [
        (str(r["item"]).removeprefix(ID), str(r["value"]).removeprefix(ID))
        for r in with_ancestors(rows, parent_rows)
        if str(r["key"]) == "region"
    ]


def region(item: str, place: str) -> dict:
    return {"item": iri(item), "key": Literal("region"), "value": iri(place)}


def test_each_place_brings_the_chain_above_it_nearest_first() -> None:
    parents = edges(("karlstad", "varmland"), ("varmland", "se"))
    assert regions([region("paper-province", "karlstad")], parents) == [
        ("paper-province", "karlstad"),
        ("paper-province", "varmland"),
        ("paper-province", "se"),
    ]


def test_a_place_in_two_places_brings_both_and_a_shared_one_once() -> None:
    parents = edges(("tornio", "lapland"), ("tornio", "bothnian-arc"), ("lapland", "fi"))
    parents += edges(("bothnian-arc", "fi"))
    found = regions([region("c", "tornio")], parents)
    assert sorted(found) == [("c", "bothnian-arc"), ("c", "fi"), ("c", "lapland"), ("c", "tornio")]


def test_a_cycle_in_the_data_ends_the_walk() -> None:
    parents = edges(("a", "b"), ("b", "a"))
    assert regions([region("x", "a")], parents) == [("x", "a"), ("x", "b")]


def test_rows_of_other_keys_pass_unchanged() -> None:
    name = {"item": iri("x"), "key": Literal("name"), "value": Literal("Karlstad")}
    country = {"item": iri("x"), "key": Literal("country"), "value": Literal("se")}
    assert list(with_ancestors([name, country], edges(("se", "nordics")))) == [name, country]


def test_a_place_above_nothing_is_its_own_only_region() -> None:
    assert regions([region("x", "nowhere")], []) == [("x", "nowhere")]
