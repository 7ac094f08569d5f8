"""Scoring predicted extractions against small hand-made gold documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbkg.extraction.contract import problems
from nbkg.extraction.scoring import Counts, Evaluation, GoldError, evaluate, normalise, score


def ent(ident: str, label: str, type_: str, name: str | None = None, **extra) -> dict:
    return {"id": ident, "label": label, "name": name or label, "type": type_,
            "start": 0, "end": len(label), **extra}  # fmt: skip


def fact(subject: str, predicate: str, obj) -> dict:
    return {"subject": subject, "predicate": predicate, "object": obj}


def doc(entities: list[dict], facts: list[dict] | None = None, language: str = "sv") -> dict:
    return {"document": "d.txt", "language": language, "entities": entities, "facts": facts or []}


def counts(c: Counts) -> tuple[int, int, int]:
    return (c.tp, c.fp, c.fn)


# ------------------------------------------------------------------ counts and normalisation


def test_counts_measures() -> None:
    c = Counts(tp=3, fp=1, fn=2)
    assert c.precision == 0.75 and c.recall == 0.6
    assert c.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert (Counts(), Counts().f1) == (Counts(0, 0, 0), 1.0)
    assert (Counts(fn=2).precision, Counts(fn=2).recall, Counts(fn=2).f1) == (0.0, 0.0, 0.0)
    assert (Counts(fp=2).precision, Counts(fp=2).recall) == (0.0, 0.0)
    assert Counts(1, 2, 3) + Counts(1, 1, 1) == Counts(2, 3, 4)


def test_normalise() -> None:
    assert normalise("  Umeå\n  UNIVERSITET ") == "umeå universitet"


# ------------------------------------------------------------------ entities


def test_exact_match() -> None:
    gold = doc([ent("g1", "Tillväxtverket", "Funder"), ent("g2", "Umeå", "Region")])
    result = score(doc([ent("p1", "Tillväxtverket", "Funder"), ent("p2", "Umeå", "Region")]), gold)
    assert counts(result.entities) == (2, 0, 0)
    assert result.entity_matches == [("p1", "g1"), ("p2", "g2")]
    assert result.entities.f1 == 1.0


def test_case_and_space_normalisation() -> None:
    gold = doc([ent("g1", "Umeå universitet", "ResearchOrganisation")])
    predicted = doc([ent("p1", "UMEÅ   Universitet", "ResearchOrganisation", name="x")])
    assert counts(score(predicted, gold).entities) == (1, 0, 0)


def test_name_matches_label_and_label_matches_name() -> None:
    gold = doc([ent("g1", "Hamars", "Region", name="Hamar")])
    assert counts(score(doc([ent("p1", "Hamar", "Region")]), gold).entities) == (1, 0, 0)
    predicted = doc([ent("p1", "Hamarregionen", "Region", name="hamars")])
    assert counts(score(predicted, gold).entities) == (1, 0, 0)


def test_alias_match() -> None:
    gold = doc([ent("g1", "Luleå tekniska universitet", "ResearchOrganisation", aliases=["LTU"])])
    assert counts(score(doc([ent("p1", "ltu", "ResearchOrganisation")]), gold).entities) == (
        1,
        0,
        0,
    )
    # aliases count on the gold side only
    gold = doc([ent("g1", "LTU", "ResearchOrganisation")])
    predicted = doc([ent("p1", "Luleå", "ResearchOrganisation", aliases=["LTU"])])
    assert counts(score(predicted, gold).entities) == (0, 1, 1)


def test_wrong_type_does_not_match() -> None:
    gold = doc([ent("g1", "Tillväxtverket", "Funder")])
    result = score(doc([ent("p1", "Tillväxtverket", "PublicBody")]), gold)
    assert counts(result.entities) == (0, 1, 1)
    assert result.missed_entities == gold["entities"]
    assert [e["id"] for e in result.spurious_entities] == ["p1"]


def test_one_to_one_matching() -> None:
    gold = doc([ent("g1", "Umeå", "Region")])
    predicted = doc([ent("p1", "Umeå", "Region"), ent("p2", "umeå", "Region")])
    assert counts(score(predicted, gold).entities) == (1, 1, 0)
    gold = doc([ent("g1", "Umeå", "Region"), ent("g2", "Umeå", "Region")])
    assert counts(score(doc([ent("p1", "Umeå", "Region")]), gold).entities) == (1, 0, 1)


def test_matching_is_maximal_not_greedy() -> None:
    # p1 prefers g1 (same label) but must give it up: p2 can only match g1
    gold = doc([ent("g1", "Nord", "Cluster"), ent("g2", "NC", "Cluster")])
    predicted = doc([ent("p1", "Nord", "Cluster", name="NC"), ent("p2", "Nord", "Cluster")])
    result = score(predicted, gold)
    assert counts(result.entities) == (2, 0, 0)
    assert sorted(result.entity_matches) == [("p1", "g2"), ("p2", "g1")]


# ------------------------------------------------------------------ facts

GOLD_ENTITIES = [
    ent("g1", "Tillväxtverket", "Funder"),
    ent("g2", "Grön Tillväxt", "Project"),
    ent("g3", "Umeå universitet", "ResearchOrganisation", aliases=["UmU"]),
    ent("g4", "Luleå tekniska universitet", "ResearchOrganisation", aliases=["LTU"]),
    ent("g5", "Anna Berg", "Person"),
]
PRED_ENTITIES = [
    ent("a", "tillväxtverket", "Funder"),
    ent("b", "Grön  Tillväxt", "Project"),
    ent("c", "UmU", "ResearchOrganisation"),
    ent("d", "LTU", "ResearchOrganisation"),
    ent("e", "Anna Berg", "Person"),
]


def fact_counts(predicted_facts: list[dict], gold_facts: list[dict]) -> tuple[int, int, int]:
    result = score(doc(PRED_ENTITIES, predicted_facts), doc(GOLD_ENTITIES, gold_facts))
    assert counts(result.entities) == (5, 0, 0)
    return counts(result.facts)


def test_facts_match_through_the_entity_matching() -> None:
    gold = [fact("g2", "fundedBy", "g1"), fact("g2", "coordinatedBy", "g3")]
    assert fact_counts([fact("b", "fundedBy", "a"), fact("b", "coordinatedBy", "c")], gold) == (
        2,
        0,
        0,
    )
    # wrong object entity, wrong predicate, swapped direction
    wrong = [fact("b", "fundedBy", "c"), fact("b", "partnerOf", "c"), fact("a", "fundedBy", "b")]
    assert fact_counts(wrong, gold) == (0, 3, 2)


def test_fact_on_an_unmatched_entity_does_not_match() -> None:
    predicted = doc(
        [ent("a", "Tillväxtverket", "PublicBody"), ent("b", "Grön Tillväxt", "Project")],
        [fact("b", "fundedBy", "a")],
    )
    gold = doc(GOLD_ENTITIES, [fact("g2", "fundedBy", "g1")])
    assert counts(score(predicted, gold).facts) == (0, 1, 1)


def test_date_precision() -> None:
    gold = [fact("g2", "startDate", "2013-07")]
    assert fact_counts([fact("b", "startDate", "2013-07")], gold) == (1, 0, 0)
    assert fact_counts([fact("b", "startDate", "2013-07-01")], gold) == (1, 0, 0)
    assert fact_counts([fact("b", "startDate", "2013")], gold) == (0, 1, 1)
    assert fact_counts([fact("b", "startDate", "2013-08-01")], gold) == (0, 1, 1)
    assert fact_counts([fact("b", "endDate", "2013-07")], gold) == (0, 1, 1)
    gold = [fact("g2", "foundedIn", "2013")]
    assert fact_counts([fact("b", "foundedIn", "2013-12-31")], gold) == (1, 0, 0)
    assert fact_counts([fact("b", "foundedIn", "2014")], gold) == (0, 1, 1)
    # two finer dates inside one gold month: only one can be the match
    two = [fact("b", "startDate", "2013-07-01"), fact("b", "startDate", "2013-07-15")]
    assert fact_counts(two, [fact("g2", "startDate", "2013-07")]) == (1, 1, 0)


def test_amounts() -> None:
    gold = [fact("g2", "fundingAmount", {"amount": 500000, "currency": "SEK"})]
    assert fact_counts(
        [fact("b", "fundingAmount", {"amount": 500000.0, "currency": "SEK"})], gold
    ) == (1, 0, 0)
    assert fact_counts(
        [fact("b", "fundingAmount", {"amount": 500000, "currency": "NOK"})], gold
    ) == (0, 1, 1)
    assert fact_counts(
        [fact("b", "fundingAmount", {"amount": 50000, "currency": "SEK"})], gold
    ) == (0, 1, 1)


def test_participant_count() -> None:
    gold = [fact("g2", "participantCount", 40)]
    assert fact_counts([fact("b", "participantCount", 40)], gold) == (1, 0, 0)
    assert fact_counts([fact("b", "participantCount", 41)], gold) == (0, 1, 1)


def test_has_role_with_organisation() -> None:
    gold = [fact("g5", "hasRole", {"role": "projektledare", "organisation": "g3"})]
    same = [fact("e", "hasRole", {"role": " Projektledare", "organisation": "c"})]
    assert fact_counts(same, gold) == (1, 0, 0)
    other_org = [fact("e", "hasRole", {"role": "projektledare", "organisation": "d"})]
    assert fact_counts(other_org, gold) == (0, 1, 1)
    no_org = [fact("e", "hasRole", {"role": "projektledare"})]
    assert fact_counts(no_org, gold) == (0, 1, 1)
    other_role = [fact("e", "hasRole", {"role": "forskare", "organisation": "c"})]
    assert fact_counts(other_role, gold) == (0, 1, 1)


def test_has_role_without_organisation() -> None:
    gold = [fact("g5", "hasRole", {"role": "projektledare"})]
    assert fact_counts([fact("e", "hasRole", {"role": "PROJEKTLEDARE"})], gold) == (1, 0, 0)
    with_org = [fact("e", "hasRole", {"role": "projektledare", "organisation": "c"})]
    assert fact_counts(with_org, gold) == (1, 0, 0)
    assert fact_counts([fact("e", "hasRole", {"role": "forskare"})], gold) == (0, 1, 1)


def test_collaborates_with_is_symmetric() -> None:
    gold = [fact("g3", "collaboratesWith", "g4")]
    assert fact_counts([fact("d", "collaboratesWith", "c")], gold) == (1, 0, 0)
    assert fact_counts([fact("c", "collaboratesWith", "d")], gold) == (1, 0, 0)
    # both directions predicted state one fact
    both = [fact("c", "collaboratesWith", "d"), fact("d", "collaboratesWith", "c")]
    assert fact_counts(both, gold) == (1, 0, 0)
    # other predicates are not symmetric
    assert fact_counts([fact("d", "memberOf", "c")], [fact("g3", "memberOf", "g4")]) == (0, 1, 1)


def test_duplicated_predicted_facts_count_once() -> None:
    gold = [fact("g2", "fundedBy", "g1")]
    twice = [fact("b", "fundedBy", "a"), {**fact("b", "fundedBy", "a"), "start": 0, "end": 5}]
    assert fact_counts(twice, gold) == (1, 0, 0)
    wrong_twice = [fact("b", "fundedBy", "c"), fact("b", "fundedBy", "c")]
    assert fact_counts(wrong_twice, gold) == (0, 1, 1)
    roles = [
        fact("e", "hasRole", {"role": "Projektledare"}),
        fact("e", "hasRole", {"role": "projektledare"}),
    ]
    assert fact_counts(roles, [fact("g5", "hasRole", {"role": "projektledare"})]) == (1, 0, 0)


def test_missed_and_spurious_facts_are_listed() -> None:
    result = score(
        doc(PRED_ENTITIES, [fact("b", "fundedBy", "a"), fact("b", "locatedIn", "c")]),
        doc(GOLD_ENTITIES, [fact("g2", "fundedBy", "g1"), fact("g2", "coordinatedBy", "g3")]),
    )
    assert counts(result.facts) == (1, 1, 1)
    assert result.missed_facts == [fact("g2", "coordinatedBy", "g3")]
    assert result.spurious_facts == [fact("b", "locatedIn", "c")]


def test_empty_prediction() -> None:
    result = score(doc([]), doc(GOLD_ENTITIES, [fact("g2", "fundedBy", "g1")]))
    assert counts(result.entities) == (0, 0, 5) and counts(result.facts) == (0, 0, 1)
    assert result.entities.f1 == 0.0


# ------------------------------------------------------------------ evaluate


TEXTS = {
    "sv1.txt": "Tillväxtverket finansierar Grön Tillväxt.",
    "sv2.txt": "Umeå universitet samarbetar med LTU.",
    "nb1.txt": "Innovasjon Norge finansierer Arena Skog.",
}


def gold_for(name: str, language: str, entities: list[tuple[str, str, str]], facts) -> dict:
    text = TEXTS[name]
    out = []
    for ident, label, type_ in entities:
        start = text.index(label)
        out.append({"id": ident, "label": label, "name": label, "type": type_,
                    "start": start, "end": start + len(label)})  # fmt: skip
    return {"document": name, "language": language, "entities": out, "facts": facts}


GOLD = {
    "sv1.json": gold_for(
        "sv1.txt", "sv",
        [("g1", "Tillväxtverket", "Funder"), ("g2", "Grön Tillväxt", "Project")],
        [fact("g2", "fundedBy", "g1")],
    ),
    "sv2.json": gold_for(
        "sv2.txt", "sv",
        [("g1", "Umeå universitet", "ResearchOrganisation"), ("g2", "LTU", "ResearchOrganisation")],
        [fact("g1", "collaboratesWith", "g2")],
    ),
    "nb1.json": gold_for(
        "nb1.txt", "nb",
        [("g1", "Innovasjon Norge", "Funder"), ("g2", "Arena Skog", "Cluster")],
        [fact("g2", "fundedBy", "g1")],
    ),
}  # fmt: skip


def fake_extract(text: str, name: str, language: str | None) -> dict:
    """Finds sv1 perfectly, sv2's entities but not its fact, nb1 with a wrong type."""
    gold = GOLD[name.replace(".txt", ".json")]
    result = json.loads(json.dumps(gold))
    if name == "sv2.txt":
        result["facts"] = []
    if name == "nb1.txt":
        result["entities"][1]["type"] = "Project"
    return result


def write_gold(folder: Path, with_texts: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for file, gold in GOLD.items():
        (folder / file).write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        if with_texts:
            (folder / gold["document"]).write_text(TEXTS[gold["document"]], encoding="utf-8")


@pytest.fixture
def evaluation(tmp_path: Path) -> Evaluation:
    write_gold(tmp_path / "gold")
    return evaluate(tmp_path / "gold", fake_extract)


def test_gold_examples_are_valid() -> None:
    for name, gold in GOLD.items():
        assert problems(gold, TEXTS[gold["document"]]) == [], name


def test_per_document_scores(evaluation: Evaluation) -> None:
    by_name = {d.document: d for d in evaluation.documents}
    assert [d.gold_file for d in evaluation.documents] == ["nb1.json", "sv1.json", "sv2.json"]
    assert counts(by_name["sv1.txt"].entities) == (2, 0, 0)
    assert counts(by_name["sv1.txt"].facts) == (1, 0, 0)
    assert counts(by_name["sv2.txt"].facts) == (0, 0, 1)
    assert counts(by_name["nb1.txt"].entities) == (1, 1, 1)
    assert counts(by_name["nb1.txt"].facts) == (0, 1, 1)
    assert all(d.problems == [] for d in evaluation.documents)


def test_per_language_and_total_are_micro_averaged(evaluation: Evaluation) -> None:
    languages = evaluation.by_language
    assert list(languages) == ["nb", "sv"]
    assert languages["sv"].documents == 2
    assert counts(languages["sv"].entities) == (4, 0, 0)
    assert counts(languages["sv"].facts) == (1, 0, 1)
    assert languages["sv"].facts.recall == 0.5
    total = evaluation.totals
    assert total.documents == 3
    assert counts(total.entities) == (5, 1, 1)
    assert counts(total.facts) == (1, 1, 2)
    assert total.facts.precision == 0.5 and total.facts.recall == pytest.approx(1 / 3)


def test_render_and_json(evaluation: Evaluation) -> None:
    table = evaluation.render()
    lines = table.splitlines()
    assert lines[1].split()[:2] == ["document", "lang"]
    body = [line.split() for line in lines if line.startswith(("sv", "nb", "language", "total"))]
    assert [row[0] for row in body] == [
        "nb1.txt",
        "sv1.txt",
        "sv2.txt",
        "language",
        "language",
        "total",
    ]
    assert body[1][2:5] == ["1.000", "1.000", "1.000"]
    assert lines[-1].startswith("total (3 docs)")
    data = json.loads(evaluation.to_json())
    assert data["total"]["facts"]["tp"] == 1 and data["total"]["documents"] == 3
    assert data["languages"]["sv"]["entities"]["f1"] == 1.0
    assert data["documents"][0]["gold_file"] == "nb1.json"
    assert "missed_facts" in json.loads(evaluation.to_json(details=True))["documents"][0]
    assert "missed facts" in evaluation.render(details=True)


def test_language_can_be_withheld(tmp_path: Path) -> None:
    write_gold(tmp_path)
    seen: list[str | None] = []

    def extract(text: str, name: str, language: str | None) -> dict:
        seen.append(language)
        assert text == TEXTS[name]
        return fake_extract(text, name, language)

    evaluate(tmp_path, extract)
    evaluate(tmp_path, extract, give_language=False)
    assert seen == ["nb", "sv", "sv", None, None, None]


def test_texts_dir_is_the_fallback(tmp_path: Path) -> None:
    write_gold(tmp_path / "gold", with_texts=False)
    (tmp_path / "texts").mkdir()
    for name, text in TEXTS.items():
        (tmp_path / "texts" / name).write_text(text, encoding="utf-8")
    result = evaluate(tmp_path / "gold", fake_extract, texts_dir=tmp_path / "texts")
    assert result.totals.documents == 3


def test_missing_text_file_is_an_error_naming_the_gold_file(tmp_path: Path) -> None:
    write_gold(tmp_path / "gold")
    (tmp_path / "gold" / "sv2.txt").unlink()
    with pytest.raises(GoldError, match=r"sv2\.json: text file 'sv2\.txt' not found") as info:
        evaluate(tmp_path / "gold", fake_extract, texts_dir=tmp_path)
    assert len(info.value.errors) == 1


def test_invalid_gold_is_an_error_naming_the_file(tmp_path: Path) -> None:
    write_gold(tmp_path)
    bad = json.loads((tmp_path / "sv1.json").read_text(encoding="utf-8"))
    bad["entities"][0]["label"] = "Tillvaxtverket"
    bad["facts"][0]["predicate"] = "funds"
    (tmp_path / "sv1.json").write_text(json.dumps(bad), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    called: list[str] = []
    with pytest.raises(GoldError) as info:
        evaluate(tmp_path, lambda text, name, lang: called.append(name) or {})
    assert called == []
    errors = info.value.errors
    assert errors[0].startswith("broken.json: not readable JSON")
    assert "sv1.json: facts[0].predicate: 'funds' is not a contract predicate" in errors
    assert (
        "sv1.json: entities[0].label: 'Tillvaxtverket' is not text[0:14] ('Tillväxtverket')"
        in errors
    )


def test_empty_gold_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="no gold files"):
        evaluate(tmp_path, fake_extract)


def test_extractor_output_problems_are_kept_and_shown(tmp_path: Path) -> None:
    write_gold(tmp_path)

    def sloppy(text: str, name: str, language: str | None) -> dict:
        result = fake_extract(text, name, language)
        result["entities"][0]["label"] = result["entities"][0]["label"].upper()
        return result

    result = evaluate(tmp_path, sloppy)
    assert counts(result.totals.entities) == (5, 1, 1)  # still scored, case-insensitively
    assert any("entities[0].label" in p for p in result.documents[0].problems)
    assert "extractor output that breaks the contract" in result.render()
