"""Behaviour of the rule- and gazetteer-based extractor (nbkg.extraction.extractor)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbkg.extraction import amounts, dates
from nbkg.extraction.contract import problems
from nbkg.extraction.extractor import Gazetteer, extract
from nbkg.extraction.language import detect
from nbkg.extraction.lexicon import lexicon

HERE = Path(__file__).parent
SEEDS = HERE.parents[2].parent / "shared" / "seeds"
TEXTS = sorted((HERE / "corpus").glob("*.txt")) + sorted(SEEDS.glob("*.txt"))


def by_label(doc: dict) -> dict[str, dict]:
    return {e["label"]: e for e in doc["entities"]}


def facts(doc: dict, predicate: str) -> list[tuple]:
    names = {e["id"]: e["name"] for e in doc["entities"]}
    return [
        (
            names[f["subject"]],
            names.get(f["object"], f["object"]) if isinstance(f["object"], str) else f["object"],
        )  # fmt: skip
        for f in doc["facts"]
        if f["predicate"] == predicate
    ]


def test_types_and_offsets():
    text = "Tillväxtverket har beviljat Karlstads universitet och Stora Enso AB 2 miljoner kronor."
    doc = extract(text, document="t.txt", language="sv")
    ents = by_label(doc)
    assert ents["Tillväxtverket"]["type"] == "Funder"
    assert ents["Karlstads universitet"]["type"] == "ResearchOrganisation"
    assert ents["Stora Enso AB"]["type"] == "Firm"
    for e in doc["entities"]:
        assert text[e["start"] : e["end"]] == e["label"]


def test_amount_currency_from_language():
    assert amounts.find("beviljat 500.000 kronor", "sv") == [(9, 23, 500000, "SEK")]
    assert amounts.find("fått 2,5 millioner kroner", "nb")[0][2:] == (2500000, "NOK")
    assert amounts.find("bevilget 3 mio. kr.", "da")[0][2:] == (3000000, "DKK")
    assert amounts.find("1,2 milj. euroa", "fi")[0][2:] == (1200000, "EUR")
    assert amounts.find("a grant of €1.4 million", "en")[0][2:] == (1400000, "EUR")
    assert amounts.find("MNOK 12", "nb")[0][2:] == (12000000, "NOK")


def test_funding_facts():
    text = "Tillväxtverket har beviljat The Paper Province 500.000 kronor för projektet."
    doc = extract(text, document="t.txt", language="sv")
    assert ("The Paper Province", "Tillväxtverket") in facts(doc, "fundedBy")
    assert ("The Paper Province", {"amount": 500000, "currency": "SEK"}) in facts(
        doc, "fundingAmount"
    )


def test_dates_at_stated_precision_and_relative_only_with_date_line():
    lex = lexicon("sv")
    assert [v for _, v, _ in dates.find("startade i juli 2013", lex, None)] == ["2013-07"]
    assert [v for _, v, _ in dates.find("startade 2013", lex, None)] == ["2013"]
    assert dates.find("startade den 1 juli", lex, None) == []
    today = dates.date_line("Pressmeddelande • Jul 11, 2013 09:42 CEST\n\nText.", lex)
    assert str(today) == "2013-07-11"
    assert [v for _, v, _ in dates.find("startade den 1 juli", lex, today)] == ["2013-07-01"]
    assert [v for _, v, k in dates.find("perioden 2021-2027", lex, None)] == ["2021", "2027"]


def test_genitive_gives_base_name():
    text = (
        "North Sweden Cleantech är ett kluster. "
        "North Sweden Cleantechs projektledare Peter Hedman talade."
    )
    doc = extract(text, document="t.txt", language="sv")
    names = [e["name"] for e in doc["entities"]]
    assert names.count("North Sweden Cleantech") == 1
    assert ("Peter Hedman", {"role": "projektledare", "organisation": "e1"}) in facts(
        doc, "hasRole"
    )


def test_finnish_case_endings_link_to_gazetteer():
    gaz = Gazetteer.from_rows([("Business Finland", "https://w3id.org/nbkg/id/bf", "Funder")])
    doc = extract("Hanke sai rahoitusta Business Finlandilta.", document="t", language="fi",
                  gazetteer=gaz)  # fmt: skip
    ent = by_label(doc)["Business Finlandilta"]
    assert ent["name"] == "Business Finland" and ent["iri"] == "https://w3id.org/nbkg/id/bf"


def test_gazetteer_lookup_tolerance():
    gaz = Gazetteer.from_rows(
        [
            ("Hamar", "https://w3id.org/nbkg/id/hamar", "Region"),
            ("Arctic Cluster Team", "https://w3id.org/nbkg/id/act", "Cluster"),
            ("ACT", "https://w3id.org/nbkg/id/act", "Cluster", "Arctic Cluster Team"),
        ]
    )
    assert gaz.lookup("Hamars", "nb").name == "Hamar"
    assert gaz.lookup("arctic cluster team", "nb").iri.endswith("/act")
    assert gaz.lookup("ACT", "nb").name == "Arctic Cluster Team"
    assert gaz.lookup("act", "nb") is None  # short abbreviations keep their case
    assert gaz.lookup("Arctic Cluster Teem", "nb", "Cluster").name == "Arctic Cluster Team"
    assert gaz.lookup("Arctic Cluster Teem", "nb", "Person") is None


def test_coordinated_mentions_are_separate_entities():
    text = "Prosjektet er et samarbeid med Umeå kommune og Luleå kommune."
    doc = extract(text, document="t", language="nb")
    labels = by_label(doc)
    assert "Umeå kommune" in labels and "Luleå kommune" in labels


def test_language_detection():
    assert detect("Klyngen har medlemmer fra hele regionen, og det er ikke bare bedrifter.") == "nb"
    assert detect("Klustret har medlemmar från hela regionen och det är inte bara företag.") == "sv"
    assert detect("Hanke on osa klusterin toimintaa ja se alkoi vuonna 2020.") == "fi"


def test_from_store(built_store):
    from nbkg.graph.store import open_store

    with open_store(str(built_store), read_only=True) as store:
        gaz = Gazetteer.from_store(store)
    assert len(gaz) > 50
    match = gaz.lookup("Tillväxtverket", "sv")
    assert match is not None and match.iri


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_output_keeps_the_contract(path: Path):
    text = path.read_text(encoding="utf-8")
    doc = extract(text, document=path.name)
    assert problems(doc, text) == []


def test_funding_clause_by_clause_keeps_one_recipient():
    text = (
        "Prosjektet TareBio starta i januar. Forskningsrådet har bevilget 16 MNOK til "
        "prosjektet, og Nordland fylkeskommune har lagt 2,5 millioner kroner på bordet."
    )
    doc = extract(text, document="t.txt", language="nb")
    assert set(facts(doc, "fundedBy")) >= {
        ("TareBio", "Forskningsrådet"),
        ("TareBio", "Nordland fylkeskommune"),
    }
    amounts_ = [v["amount"] for s, v in facts(doc, "fundingAmount") if s == "TareBio"]
    assert sorted(amounts_) == [2500000, 16000000]


def test_funding_from_a_programme_named_in_a_relative_clause():
    text = (
        "SlamGass er eitt av prosjekta i ordninga Bedriftsnettverk, som Forskingsrådet og "
        "Siva finansierer i fellesskap, og har fått 9,8 millionar kroner derifrå."
    )
    doc = extract(text, document="t.txt", language="nn")
    found = set(facts(doc, "fundedBy"))
    assert ("SlamGass", "Siva") not in found
    assert ("SlamGass", {"amount": 9800000, "currency": "NOK"}) in facts(doc, "fundingAmount")


def test_amounts_read_a_word_ending_in_a_multiplier_letter_as_a_word():
    # "om" ends in "m" (millions in English); it is not a multiplier before "8 miljoner"
    assert amounts.find("Tillväxtverket har beslutat om 8 miljoner kronor.", "sv")[0][2:] == (
        8000000,
        "SEK",
    )


def test_amounts_in_portuguese_with_de_and_crowns_of_the_country_named():
    assert amounts.find("financia com 1,4 milhões de euros", "pt")[0][2:] == (1400000, "EUR")
    assert amounts.find("contribui com 600 000 coroas", "pt") == []
    assert amounts.find("contribui com 600 000 coroas", "pt", "NOK")[0][2:] == (600000, "NOK")
    text = (
        "O cluster Restråstoff Nordvest, de Ålesund, na Noruega, recebeu 2,5 milhões de "
        "coroas da Innovasjon Norge."
    )
    doc = extract(text, document="t.txt", language="pt")
    assert [v for _, v in facts(doc, "fundingAmount")] == [{"amount": 2500000, "currency": "NOK"}]
