"""Documents into the graph: linking to known entities, facts with quoted evidence, the
gate, idempotence, bad input. The extraction is given (contract JSON), so these tests pin
the loader and the linking, whatever the extractor finds."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal

from nbkg.graph.build import load
from nbkg.graph.namespace import ID
from nbkg.graph.oxigraph_store import OxigraphStore
from nbkg.loaders.documents import DocumentContext, DocumentLoader
from nbkg.web import create_app

TEXT = (
    "Karlstad, 3 mars 2025\n"
    "Paper Province välkomnar Nyfors Bruk AB som ny medlem. "
    "Klustret får 2 miljoner kronor från Vinnova för arbetet.\n"
)
MEMBER_SENTENCE = "Paper Province välkomnar Nyfors Bruk AB som ny medlem."
FUNDING_SENTENCE = "Klustret får 2 miljoner kronor från Vinnova för arbetet."


def _span(text: str) -> tuple[int, int]:
    start = TEXT.index(text)
    return start, start + len(text)


def _stated_by(sentence: str) -> dict[str, int]:
    start, end = _span(sentence)
    return {"start": start, "end": end}


def _entity(eid: str, label: str, kind: str, **extra: Any) -> dict[str, Any]:
    start, end = _span(label)
    return {
        "id": eid,
        "label": label,
        "name": label,
        "type": kind,
        "start": start,
        "end": end,
        **extra,
    }


RESULT: dict[str, Any] = {
    "document": "nyfors.txt",
    "language": "sv",
    "entities": [
        _entity("e1", "Paper Province", "Cluster"),
        _entity("e2", "Nyfors Bruk AB", "Firm"),
        _entity("e3", "Vinnova", "Funder"),
        _entity("e4", "Karlstad", "Region"),
    ],
    "facts": [
        {"subject": "e2", "predicate": "memberOf", "object": "e1", **_stated_by(MEMBER_SENTENCE)},
        {"subject": "e1", "predicate": "fundedBy", "object": "e3", **_stated_by(FUNDING_SENTENCE)},
        {"subject": "e1", "predicate": "fundingAmount",
         "object": {"amount": 2000000, "currency": "SEK"}, **_stated_by(FUNDING_SENTENCE)},
        {"subject": "e2", "predicate": "locatedIn", "object": "e4"},
    ],
}  # fmt: skip


@pytest.fixture
def store(built_store: Path, tmp_path: Path) -> Iterator[OxigraphStore]:
    location = tmp_path / "store"
    shutil.copytree(built_store, location)
    opened = OxigraphStore(location)
    yield opened
    opened.close()


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "nyfors.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def given_extraction(store: OxigraphStore) -> Iterator[None]:
    def types_of(iri):  # noqa: ANN001, ANN202
        return {r["t"] for r in store.select("SELECT ?t WHERE { ?s a ?t }", {"s": iri})}

    previous = DocumentLoader.context
    DocumentLoader.context = DocumentContext(lambda text, name: RESULT, types_of)
    yield
    DocumentLoader.context = previous


def _ingest(store: OxigraphStore, *paths: Path) -> list:
    loader = DocumentLoader()
    return load(store, [loader.source(p) for p in paths])


def test_facts_link_to_known_entities_and_keep_their_quote(
    store: OxigraphStore, document: Path, given_extraction: None
) -> None:
    (report,) = _ingest(store, document)
    assert report.status == "loaded", report.problems
    clusters = store.select(
        "SELECT ?c WHERE { ?c a <https://w3id.org/nbkg/def#Cluster> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER (CONTAINS(?l, 'Paper Province')) }"
    )
    assert {row["c"] for row in clusters} == {ID["paper-province"]}  # linked, not duplicated
    quotes = store.select(
        "SELECT ?q WHERE { ?m <http://www.w3.org/ns/org#member> ?firm ; "
        "<http://www.w3.org/ns/org#organization> ?c ; <https://w3id.org/nbkg/def#evidence> ?e . "
        "?e <https://w3id.org/nbkg/def#quote> ?q }",
        {"c": ID["paper-province"], "firm": ID["nyfors-bruk-ab"]},
    )
    assert [row["q"] for row in quotes] == [Literal(MEMBER_SENTENCE)]
    amounts = store.select(
        "SELECT ?a ?cur ?f WHERE { ?x <https://w3id.org/nbkg/def#recipient> ?c ; "
        "<https://w3id.org/nbkg/def#amount> ?a ; <https://w3id.org/nbkg/def#currency> ?cur ; "
        "<https://w3id.org/nbkg/def#funder> ?f }",
        {"c": ID["paper-province"], "cur": Literal("SEK")},
    )
    assert (2000000, ID["vinnova"]) in [(int(r["a"]), r["f"]) for r in amounts]
    place = store.select(
        "SELECT ?p WHERE { ?firm <https://w3id.org/nbkg/def#locatedIn> ?p }",
        {"firm": ID["nyfors-bruk-ab"]},
    )
    assert [row["p"] for row in place] == [ID["se-karlstad"]]  # the registry's Karlstad


def test_ingesting_twice_changes_nothing(
    store: OxigraphStore, document: Path, given_extraction: None
) -> None:
    _ingest(store, document)
    before = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", "nt")
    (again,) = _ingest(store, document)
    assert again.status == "unchanged"
    after = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", "nt")
    assert sorted(before.splitlines()) == sorted(after.splitlines())


def test_the_entity_page_shows_the_evidence_sentence(
    store: OxigraphStore, document: Path, given_extraction: None
) -> None:
    _ingest(store, document)
    location = store.location
    store.close()
    app = create_app({"TESTING": True, "STORE": location, "QUERY_WORKERS": 1})
    try:
        html = app.test_client().get("/page/paper-province").get_data(as_text=True)
    finally:
        app.extensions["nbkg"].close()
    assert MEMBER_SENTENCE in html
    assert 'href="/page/nyfors-bruk-ab"' in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        ("Vänersborg och Trollhättan".encode("cp1252"), "Windows-1252"),
        (b"<html><body><p>Hej</p><p>du</p></body></html>", "HTML"),
    ],
)
def test_bad_documents_are_rejected_whole_with_the_file_named(
    store: OxigraphStore, tmp_path: Path, given_extraction: None, content: bytes, message: str
) -> None:
    graphs = store.graphs()
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    (report,) = _ingest(store, path)
    assert report.status == "rejected"
    assert any("bad.txt" in p and message in p for p in report.problems), report.problems
    assert store.graphs() == graphs


def test_a_document_breaking_a_rule_is_rejected_whole(
    store: OxigraphStore, document: Path, given_extraction: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_amount = {"amount": 5, "currency": "KRW"}
    broken = dict(
        RESULT,
        facts=[{"subject": "e2", "predicate": "fundingAmount", "object": bad_amount}],
    )
    monkeypatch.setattr(DocumentLoader.context, "extract", lambda text, name: broken)
    graphs = store.graphs()
    (report,) = _ingest(store, document)
    assert report.status == "rejected"
    assert any("currency" in p for p in report.problems)
    assert store.graphs() == graphs
