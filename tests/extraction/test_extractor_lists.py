"""Facts stated by the layout of a text rather than by one sentence: lists under a heading,
grant lists headed by a project and its sum, lists that follow an announcement."""

from __future__ import annotations

from nbkg.extraction.extractor import extract


def facts(doc: dict, predicate: str) -> set[tuple]:
    names = {e["id"]: e["name"] for e in doc["entities"]}
    return {
        (names[f["subject"]], names.get(str(f["object"]), str(f["object"])))
        for f in doc["facts"]
        if f["predicate"] == predicate
    }


def test_items_under_a_partner_heading_are_partners():
    text = (
        "Prosjektet TorvFri startar 1. mars 2025.\n\n"
        "Partnere i prosjektet:\n"
        "- Hedmark Jord AS, Hamar\n"
        "- Østerdal Sag AS, Koppang\n"
        "- Høgskolen i Innlandet (INN)\n"
    )
    doc = extract(text, document="t.txt", language="nb")
    assert facts(doc, "partnerOf") >= {
        ("Hedmark Jord AS", "TorvFri"),
        ("Østerdal Sag AS", "TorvFri"),
    }


def test_a_line_with_a_name_and_a_sum_heads_a_grant():
    text = (
        "Tillväxtverket har beviljat stöd till tre projekt.\n\n"
        "LökSkal – 4,2 miljoner kronor\n"
        "Projektet avslutas den 31 januari 2027.\n"
    )
    doc = extract(text, document="t.txt", language="sv")
    types = {e["label"]: e["type"] for e in doc["entities"]}
    assert types["LökSkal"] == "Project"
    amounts = {(s, str(o)) for s, o in facts(doc, "fundingAmount")}
    assert ("LökSkal", str({"amount": 4200000, "currency": "SEK"})) in amounts


def test_a_list_after_an_announcement_of_new_members():
    text = (
        "Klyngen Bornholms Bioøkonomiklynge har fået fire nye medlemmer. "
        "De fire nye er Østerlars Oliemølle ApS, Aakirkeby Mølle A/S og Hasle Træindustri A/S."
    )
    doc = extract(text, document="t.txt", language="da")
    members = {s for s, o in facts(doc, "memberOf") if o == "Bornholms Bioøkonomiklynge"}
    assert members >= {"Østerlars Oliemølle ApS", "Aakirkeby Mølle A/S", "Hasle Træindustri A/S"}


def test_a_role_after_an_organisation_in_the_genitive():
    text = "Anlegget bygges av Biokraft AS på Skogn. I dag sier Biokrafts markedssjef Marte Hoel at"
    text += " det er klart."
    doc = extract(text, document="t.txt", language="nb")
    roles = [f["object"] for f in doc["facts"] if f["predicate"] == "hasRole"]
    ids = {e["id"]: e["name"] for e in doc["entities"]}
    assert {"role": "markedssjef", "organisation": "Biokraft AS"} in [
        {**r, "organisation": ids.get(r.get("organisation"))} for r in roles
    ]
