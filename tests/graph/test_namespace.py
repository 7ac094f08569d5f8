"""IRI minting: slugs, entities, regions, facts and source graphs."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from nbkg.graph.namespace import (
    GRAPH,
    ID,
    NBKG,
    ONTOLOGY_GRAPH,
    PREFIXES,
    SLUG,
    concept,
    country,
    entity,
    fact,
    region,
    slugify,
    source_graph,
)

# -- slugify ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Mo i Rana", "mo-i-rana"),
        ("Tromsø", "tromso"),
        ("TROMSØ", "tromso"),
        ("Ålesund", "alesund"),
        ("Værøy", "vaeroy"),
        ("Æbeltoft", "aebeltoft"),
        ("Växjö", "vaxjo"),
        ("Umeå universitet", "umea-universitet"),
        ("Örnsköldsvik", "ornskoldsvik"),
        ("Garðabær", "gardabaer"),
        ("þorp", "thorp"),
        ("Jyväskylä", "jyvaskyla"),
        ("Straße", "strasse"),
        ("Reykjavíkurborg", "reykjavikurborg"),
        ("Tromsø & Värmland", "tromso-varmland"),
        ("  Kunnskapsparken Helgeland AS ", "kunnskapsparken-helgeland-as"),
        ("RISE Processum AB (publ.)", "rise-processum-ab-publ"),
        ("a--b__c", "a-b-c"),
        ("2030-sekretariatet", "2030-sekretariatet"),
        ("—", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Þórshöfn", "thorshofn"), ("Þingeyjarsveit", "thingeyjarsveit"), ("ÐE", "de")],
)
def test_slugify_capital_thorn_and_eth(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize(
    "text", ["Tromsø", "Þórshöfn", "Ærø", "Kiruna / Gällivare", "O'Brien", "école", "北欧"]
)
def test_slugs_are_ascii_ids_and_stable(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or SLUG.match(slug)
    assert slug.isascii()
    assert slugify(slug) == slug


# -- entity ----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["a", "paper-province", "se-vinnvaxt-2013", "123", "a-1-b"])
def test_entity(slug: str) -> None:
    assert entity(slug) == URIRef(f"https://w3id.org/nbkg/id/{slug}")
    assert entity(slug) == ID[slug]


@pytest.mark.parametrize(
    "slug",
    ["", "Paper-Province", "a--b", "-a", "a-", "a b", "tromsø", "a_b", "a/b", "a.b", "#x", "\na"],
)
def test_entity_rejects_bad_slugs(slug: str) -> None:
    with pytest.raises(ValueError, match="slug"):
        entity(slug)


def test_entity_rejects_a_trailing_newline() -> None:
    with pytest.raises(ValueError, match="slug"):
        entity("paper-province\n")


def test_country() -> None:
    assert country("SE") == ID["se"]
    assert country("eu") == ID["eu"]


# -- region, concept, fact, source_graph -----------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "slug"),
    [
        ("NO", "Trøndelag", "no-trondelag"),
        ("SE", "Västerbotten", "se-vasterbotten"),
        ("fi", "Etelä-Pohjanmaa", "fi-etela-pohjanmaa"),
        ("DK", "Region Midtjylland", "dk-region-midtjylland"),
        ("IS", "Höfuðborgarsvæðið", "is-hofudborgarsvaedid"),
    ],
)
def test_region(code: str, name: str, slug: str) -> None:
    assert region(code, name) == ID[slug]


def test_region_with_no_name_left_is_rejected() -> None:
    with pytest.raises(ValueError):
        region("NO", "???")


def test_concept() -> None:
    assert concept("role", "rd-partner") == URIRef("https://w3id.org/nbkg/def/role/rd-partner")
    assert concept("sector", "forestry").startswith(PREFIXES["sector"])


def test_fact_is_named_by_what_it_states() -> None:
    iri = fact("membership", "Alcoa Mosjøen", "Arctic Cluster Team", "member")
    assert iri == ID["membership-alcoa-mosjoen-arctic-cluster-team-member"]
    assert fact("membership", "alcoa-mosjoen", "arctic-cluster-team", "member") == iri


def test_fact_skips_empty_parts() -> None:
    assert fact("award", "paper-province", "", "2013") == ID["award-paper-province-2013"]
    assert fact("count", "x", None) == ID["count-x"]  # type: ignore[arg-type]


def test_fact_rejects_an_unusable_kind() -> None:
    with pytest.raises(ValueError):
        fact("Membership", "a")


@pytest.mark.parametrize(
    ("loader", "name", "iri"),
    [
        ("registry", "clusters", "https://w3id.org/nbkg/graph/registry/clusters"),
        ("curated", "Paper Province", "https://w3id.org/nbkg/graph/curated/paper-province"),
        (
            "curated",
            "north-sweden-cleantech",
            "https://w3id.org/nbkg/graph/curated/north-sweden-cleantech",
        ),
        ("rdf", "Tromsø Kommune", "https://w3id.org/nbkg/graph/rdf/tromso-kommune"),
    ],
)
def test_source_graph(loader: str, name: str, iri: str) -> None:
    assert source_graph(loader, name) == URIRef(iri)
    assert source_graph(loader, name).startswith(str(GRAPH))


def test_namespaces_and_prefixes() -> None:
    assert ONTOLOGY_GRAPH == URIRef("https://w3id.org/nbkg/graph/ontology")
    assert PREFIXES["nbkg"] == str(NBKG) == "https://w3id.org/nbkg/def#"
    assert PREFIXES["id"] == str(ID)
    assert all(iri.endswith(("/", "#")) for iri in PREFIXES.values())
    assert len(set(PREFIXES.values())) == len(PREFIXES)
