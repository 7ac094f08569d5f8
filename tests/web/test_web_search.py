"""/search and /api/suggest over the bundled data: folding, ranking, facets, JSON, escaping.

The bundled data has no Tromsø, so the Nordic-letter cases use places it does have:
Mosjøen and Trøndelag (ø), Värmland (ä), Piteå and Umeå (å), Aalborg ("aa").
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from nbkg.graph.namespace import NBKG
from nbkg.web.search_index import (
    ALL_WORDS,
    EXACT,
    INSIDE,
    NAME_PREFIX,
    WORD_PREFIX,
    NameIndex,
    entity_rows,
    fold,
    index_for,
)

ID = "https://w3id.org/nbkg/id/"


@pytest.fixture
def index(app: Flask) -> NameIndex:
    return index_for(app, app.extensions["nbkg"].store)


def suggested(client: FlaskClient, q: str) -> list[str]:
    response = client.get("/api/suggest", query_string={"q": q})
    assert response.status_code == 200
    return [r["iri"] for r in response.get_json()["results"]]


def result_iris(html: str) -> list[str]:
    return re.findall(r'<li data-iri="([^"]+)"', html)


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Tromsø", "tromso"),
        ("Värmland", "VARMLAND"),
        ("Ålesund", "Aalesund"),
        ("Piteå", "piteaa"),
        ("Bændasamtök Íslands", "baendasamtok islands"),
        ("Ferðaþjónusta", "ferdathjonusta"),
        ("Lantmännen Food R&D", "lantmannen food r-d"),
        ("Jyväskylä", "jyvaskyla"),
    ],
)
def test_fold_meets_what_readers_type(written: str, typed: str) -> None:
    assert fold(written) == fold(typed)


def test_o_slash_finds_its_place(client: FlaskClient) -> None:
    assert suggested(client, "mosjoen")[:2] == [f"{ID}no-mosjoen", f"{ID}alcoa-mosjoen"]
    assert suggested(client, "trondelag")[0] == f"{ID}no-trondelag"


def test_varmland_finds_varmland(client: FlaskClient) -> None:
    assert suggested(client, "varmland")[:2] == [f"{ID}se-varmland", f"{ID}region-varmland"]


def test_aa_matches_a_ring(client: FlaskClient) -> None:
    assert suggested(client, "piteaa")[0] == f"{ID}se-pitea"
    assert f"{ID}se-umea" in suggested(client, "umeaa")
    # and the other way: Aalborg is found by the å spelling
    assert suggested(client, "Ålborg")[0] == f"{ID}dk-aalborg"


def test_case_does_not_matter(client: FlaskClient) -> None:
    lower = suggested(client, "paper province")
    assert lower[0] == f"{ID}paper-province"
    assert suggested(client, "PAPER PROVINCE") == lower == suggested(client, "Paper Province")


def test_abbreviation_finds_and_is_shown(client: FlaskClient) -> None:
    assert suggested(client, "act")[0] == f"{ID}arctic-cluster-team"
    html = client.get("/search?q=ACT").get_data(as_text=True)
    assert result_iris(html)[0] == f"{ID}arctic-cluster-team"
    assert "also known as “ACT”" in html
    assert suggested(client, "NCE")[0] == f"{ID}no-nce"


def test_ranking_exact_then_prefix_then_word_then_inside(index: NameIndex) -> None:
    hits = index.search("arena").hits
    assert hits[0].entry.iri == f"{ID}no-arena" and hits[0].rank == EXACT
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks)
    assert {EXACT, NAME_PREFIX, WORD_PREFIX} <= set(ranks)
    first_prefix = next(h for h in hits if h.rank == NAME_PREFIX)
    assert first_prefix.entry.kind == "Cluster"  # clusters first among equals
    # every tie in rank is ordered by class weight
    for a, b in zip(hits, hits[1:], strict=False):
        assert (a.rank, a.entry.weight) <= (b.rank, b.entry.weight)
    nce = index.search("nce").hits
    assert [h.rank for h in nce][:3] == [EXACT, NAME_PREFIX, NAME_PREFIX]
    assert any(h.rank == INSIDE for h in nce)


def test_words_in_any_order(index: NameIndex) -> None:
    hits = index.search("province paper").hits
    assert hits[0].entry.iri == f"{ID}paper-province" and hits[0].rank == ALL_WORDS


def test_ranking_shows_in_the_page(client: FlaskClient, index: NameIndex) -> None:
    iris = result_iris(client.get("/search?q=arena").get_data(as_text=True))
    assert iris == [h.entry.iri for h in index.search("arena").hits]
    assert iris[0] == f"{ID}no-arena"
    # a cluster whose name starts with the word before a programme whose name does too
    assert iris.index(f"{ID}arena-bioenergi-innlandet") < iris.index(f"{ID}no-arena-pro")
    assert suggested(client, "arena") == iris[:10]


def test_type_facet_filters_and_counts(client: FlaskClient, index: NameIndex) -> None:
    everything = result_iris(client.get("/search?q=nce").get_data(as_text=True))
    html = client.get("/search?q=nce&type=Cluster").get_data(as_text=True)
    clusters = result_iris(html)
    expected = [h.entry.iri for h in index.search("nce").hits if h.entry.kind == "Cluster"]
    assert clusters == expected and 0 < len(clusters) < len(everything)
    assert f"<strong>Cluster</strong> ({len(clusters)})" in html
    # facet links keep the query
    assert 'href="/search?q=nce&amp;type=Firm"' in client.get("/search?q=nce").get_data(
        as_text=True
    )


def test_country_facet_filters(client: FlaskClient, index: NameIndex) -> None:
    html = client.get("/search?q=nce&country=no").get_data(as_text=True)
    iris = result_iris(html)
    by_iri = {e.iri: e for e in index.entries}
    assert iris and all("NO" in by_iri[i].countries for i in iris)
    assert len(iris) == index.search("nce").countries["NO"]
    both = result_iris(client.get("/search?q=nce&country=NO&type=Cluster").get_data(as_text=True))
    assert both and all(by_iri[i].kind == "Cluster" and "NO" in by_iri[i].countries for i in both)


def test_unknown_facet_values_find_nothing(client: FlaskClient) -> None:
    response = client.get("/search?q=nce&type=Nonsense&country=ZZ")
    assert response.status_code == 200 and result_iris(response.get_data(as_text=True)) == []


def test_search_pages(
    client: FlaskClient, app: Flask, index: NameIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    everything = [h.entry.iri for h in index.search("nce").hits]
    pages = -(-len(everything) // 4)
    assert pages > 2
    seen = []
    for page in range(1, pages + 2):
        html = client.get(f"/search?q=nce&page={page}").get_data(as_text=True)
        seen += result_iris(html)
        if page < pages:
            assert f'href="/search?q=nce&amp;page={page + 1}"' in html
    assert seen == everything
    assert client.get("/search?q=nce&page=0").status_code == 400
    assert client.get("/search?q=nce&page=x").status_code == 400


def test_suggest_json_shape(client: FlaskClient) -> None:
    response = client.get("/api/suggest?q=cluster")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["query"] == "cluster"
    assert 0 < len(body["results"]) <= 10
    for result in body["results"]:
        assert {"iri", "label", "type", "country", "page"} <= set(result)
        assert result["page"] == "/page/" + result["iri"].removeprefix(ID)
        assert result["type"] and isinstance(result["label"], str)
    first = body["results"][0]
    assert first["type"] == "Cluster" and first["country"] in ("NO", "SE", "FI", "DK", "IS")


def test_suggest_in_the_readers_language(client: FlaskClient) -> None:
    result = client.get("/api/suggest?q=paper+province&lang=nb").get_json()["results"][0]
    assert result["type"] == "Klynge"


def test_empty_queries(client: FlaskClient) -> None:
    assert client.get("/api/suggest?q=").get_json() == {"query": "", "results": []}
    assert client.get("/api/suggest?q=%21%21").get_json()["results"] == []
    response = client.get("/search")
    assert response.status_code == 200 and result_iris(response.get_data(as_text=True)) == []


HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'/><svg onload=x>"]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_are_escaped(client: FlaskClient, q: str) -> None:
    response = client.get("/search", query_string={"q": q, "type": q, "country": q})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert q not in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg" not in html
    assert "&lt;" in html or "&#34;" in html or "&#39;" in html
    suggest = client.get("/api/suggest", query_string={"q": q})
    assert suggest.status_code == 200 and suggest.mimetype == "application/json"
    assert suggest.get_json()["query"] == q.strip()


def test_entity_rows_give_each_code_that_applies() -> None:
    """What ``OPTIONAL { ?s nbkg:country/nbkg:countryCode ?code } UNION { ?s
    nbkg:countryCode ?code }`` gave, from three scans: a region takes its country's code, a
    country its own, an entity of two classes comes once per class, one without any code
    comes once without."""
    no, fi, region, firm, loose = (URIRef(f"https://w3id.org/nbkg/id/{n}") for n in "abrxy")
    kinds = [
        {"s": no, "type": NBKG.Country},
        {"s": region, "type": NBKG.Region},
        {"s": firm, "type": NBKG.Firm},
        {"s": firm, "type": NBKG.Funder},
        {"s": loose, "type": NBKG.Person},
    ]
    countries = [
        {"s": region, "country": no},
        {"s": firm, "country": no},
        {"s": firm, "country": fi},
    ]
    codes = [{"s": no, "code": Literal("no")}, {"s": fi, "code": Literal("fi")}]
    rows = sorted(
        (str(r["s"])[-1], str(r["type"]).rpartition("#")[2], str(r.get("code", "-")))
        for r in entity_rows(kinds, countries, codes)
    )
    assert rows == [
        ("a", "Country", "no"),
        ("r", "Region", "no"),
        ("x", "Firm", "fi"),
        ("x", "Firm", "no"),
        ("x", "Funder", "fi"),
        ("x", "Funder", "no"),
        ("y", "Person", "-"),
    ]


def test_a_name_stated_by_two_sources_is_indexed_once() -> None:
    """A server's union of the named graphs repeats a statement two sources make."""
    iri = URIRef("https://w3id.org/nbkg/id/x")
    name = {"s": iri, "p": RDFS.label, "name": Literal("Paper Province", lang="en")}
    index = NameIndex([name, name], [{"s": iri, "type": NBKG.Cluster}])
    (entry,) = index.entries
    assert [n.text for n in entry.names] == [Literal("Paper Province", lang="en")]
    assert [h.entry.iri for h in index.search("paper").hits] == [str(iri)]
