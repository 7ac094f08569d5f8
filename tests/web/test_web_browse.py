"""/browse lists: facets checked against direct SPARQL counts, sorting, paging, downloads
equal to the filtered list, bad parameters, escaping."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Literal

from nbkg.graph.store import Store
from nbkg.web.browse_lists import KINDS
from nbkg.web.search_index import fold

ID = "https://w3id.org/nbkg/id/"
PREFIXES = """
PREFIX nbkg: <https://w3id.org/nbkg/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX id: <https://w3id.org/nbkg/id/>
PREFIX role: <https://w3id.org/nbkg/def/role/>
"""


@pytest.fixture
def store(app: Flask) -> Store:
    return app.extensions["nbkg"].store


def count(store: Store, where: str, **bindings: object) -> int:
    rows = store.select(
        f"{PREFIXES} SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}",
        {k: Literal(v) for k, v in bindings.items()} or None,
    )
    return int(rows[0]["n"])


def listed(client: FlaskClient, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def row_iris(html: str) -> list[str]:
    return re.findall(r'<tr data-iri="([^"]+)"', html)


def test_index_counts_every_kind(client: FlaskClient, store: Store) -> None:
    html = client.get("/browse").get_data(as_text=True)
    for name in KINDS:
        assert f'href="/browse/{name}"' in html
    clusters = count(store, "?x a nbkg:Cluster")
    assert f'<span class="count">{clusters}</span> Clusters' in html


@pytest.mark.parametrize(
    ("kind", "where"),
    [
        ("clusters", "?x a nbkg:Cluster"),
        (
            "organisations",
            "VALUES ?c { nbkg:Firm nbkg:ResearchOrganisation nbkg:Funder nbkg:PublicBody "
            "nbkg:OtherOrganisation } ?x a ?c",
        ),
        ("programmes", "?x a nbkg:Programme"),
        ("projects", "?x a nbkg:Project"),
        ("awards", "?x a nbkg:FundingAward"),
    ],
)
def test_unfiltered_lists_hold_every_item(
    client: FlaskClient, store: Store, kind: str, where: str
) -> None:
    body = listed(client, f"/browse/{kind}.json")
    assert body["total"] == len(body["items"]) == count(store, where) > 0
    assert len({item["iri"] for item in body["items"]}) == body["total"]


@pytest.mark.parametrize(
    ("url", "where"),
    [
        (
            "/browse/clusters.json?country=NO",
            '?x a nbkg:Cluster ; nbkg:country/nbkg:countryCode "NO"',
        ),
        (
            "/browse/clusters.json?country=se",
            '?x a nbkg:Cluster ; nbkg:country/nbkg:countryCode "SE"',
        ),
        (
            "/browse/clusters.json?region=no-nordland",
            "?x a nbkg:Cluster ; nbkg:locatedIn/nbkg:locatedIn* id:no-nordland",
        ),
        (
            "/browse/clusters.json?programme=no-arena",
            "?x a nbkg:Cluster . ?a nbkg:recipient ?x ; nbkg:programme id:no-arena",
        ),
        (
            "/browse/organisations.json?role=rd-partner",
            "?m org:member ?x ; org:role role:rd-partner",
        ),
        (
            "/browse/organisations.json?role=core-member&country=NO",
            '?m org:member ?x ; org:role role:core-member . ?x nbkg:country/nbkg:countryCode "NO"',
        ),
        (
            "/browse/organisations.json?type=ResearchOrganisation&country=SE",
            '?x a nbkg:ResearchOrganisation ; nbkg:country/nbkg:countryCode "SE"',
        ),
        (
            "/browse/awards.json?programme=no-arena",
            "?x a nbkg:FundingAward ; nbkg:programme id:no-arena",
        ),
        (
            "/browse/awards.json?year=2021",
            '?x a nbkg:FundingAward ; nbkg:startDate ?d FILTER(STRSTARTS(STR(?d), "2021"))',
        ),
        (
            "/browse/awards.json?country=NO&programme=no-arena-pro",
            "?x a nbkg:FundingAward ; nbkg:programme id:no-arena-pro ; "
            'nbkg:recipient/nbkg:country/nbkg:countryCode "NO"',
        ),
        (
            "/browse/programmes.json?country=NO",
            '?x a nbkg:Programme ; nbkg:country/nbkg:countryCode "NO"',
        ),
    ],
)
def test_facets_filter_as_sparql_counts(
    client: FlaskClient, store: Store, url: str, where: str
) -> None:
    body = listed(client, url)
    assert body["total"] == len(body["items"]) == count(store, where) > 0


def test_facet_counts_match_what_the_filter_gives(client: FlaskClient) -> None:
    html = client.get("/browse/clusters").get_data(as_text=True)
    found = re.search(r'href="/browse/clusters\?country=NO">[^<]*</a> \((\d+)\)', html)
    assert found, "the country facet offers NO"
    assert int(found.group(1)) == listed(client, "/browse/clusters.json?country=NO")["total"]
    years = re.findall(r'href="/browse/clusters\?year=(\d{4})"', html)
    assert years == sorted(years, reverse=True) and years
    # a chosen facet shows as chosen, with a way out
    chosen = client.get("/browse/clusters?country=NO").get_data(as_text=True)
    assert re.search(r'<strong>[^<]*\(NO\)</strong> \(\d+\) <a href="/browse/clusters"', chosen)


def test_facet_links_keep_other_filters_and_sort(client: FlaskClient) -> None:
    html = client.get("/browse/awards?country=NO&sort=-year").get_data(as_text=True)
    assert 'href="/browse/awards?country=NO&amp;sort=-year&amp;programme=no-arena"' in html
    assert 'href="/browse/awards.csv?country=NO&amp;sort=-year"' in html


def test_pagination_walks_the_whole_list(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PAGE_SIZE", 7)
    everything = [
        i["iri"] for i in listed(client, "/browse/organisations.json?country=SE")["items"]
    ]
    pages = -(-len(everything) // 7)
    assert pages >= 3
    seen: list[str] = []
    for page in range(1, pages + 1):
        html = client.get(f"/browse/organisations?country=SE&page={page}").get_data(as_text=True)
        rows = row_iris(html)
        assert len(rows) == (7 if page < pages else len(everything) - 7 * (pages - 1))
        assert f"page {page} of {pages}" in html
        seen += rows
    assert seen == everything
    beyond = client.get(f"/browse/organisations?country=SE&page={pages + 1}")
    assert beyond.status_code == 200 and row_iris(beyond.get_data(as_text=True)) == []


def test_csv_and_json_equal_the_filtered_list(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PAGE_SIZE", 5)
    query = "country=NO&sort=-year"
    body = listed(client, f"/browse/clusters.json?{query}")
    assert body["total"] > 5  # more than one page, and the download has them all
    also = listed(client, f"/browse/clusters?{query}&format=json")
    assert also == body
    response = client.get(f"/browse/clusters.csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["iri", "name", "country", "region", "programme", "year"]
    assert [r[0] for r in rows[1:]] == [item["iri"] for item in body["items"]]
    assert [r[1] for r in rows[1:]] == [item["name"] for item in body["items"]]
    assert {r[2] for r in rows[1:]} == {"NO"}
    first_page = row_iris(client.get(f"/browse/clusters?{query}").get_data(as_text=True))
    assert first_page == [item["iri"] for item in body["items"]][:5]
    assert client.get(f"/browse/clusters?{query}&format=csv").data == response.data


def test_sorting(client: FlaskClient) -> None:
    by_name = [i["name"] for i in listed(client, "/browse/clusters.json")["items"]]
    assert by_name == sorted(by_name, key=fold)  # "Agro Örebro" among the o's
    backwards = [i["name"] for i in listed(client, "/browse/clusters.json?sort=-name")["items"]]
    assert backwards == by_name[::-1]
    items = listed(client, "/browse/clusters.json?sort=year")["items"]
    years = [min(v["value"] for v in i["columns"]["year"]) for i in items if i["columns"]["year"]]
    assert years == sorted(years) and len(years) > 5
    # items without a year come last, whichever the direction
    assert not any(i["columns"]["year"] for i in items[len(years) :])
    newest = listed(client, "/browse/clusters.json?sort=-year")["items"]
    assert [min(v["value"] for v in i["columns"]["year"]) for i in newest[: len(years)]] == sorted(
        years, reverse=True
    )
    amounts = listed(client, "/browse/awards.json?sort=-amount")["items"]
    assert float(amounts[0]["columns"]["amount"][0]["value"]) == max(
        float(i["columns"]["amount"][0]["value"]) for i in amounts if i["columns"]["amount"]
    )


def test_awards_are_named_by_recipient_and_programme(client: FlaskClient) -> None:
    items = listed(client, "/browse/awards.json?programme=se-vinnvaxt")["items"]
    assert any(i["name"].startswith("Paper Province · ") for i in items)
    item = next(i for i in items if i["name"].startswith("Paper Province"))
    assert item["columns"]["recipient"][0]["page"] == "/page/paper-province"


def test_unknown_kind_is_not_found(client: FlaskClient) -> None:
    assert client.get("/browse/unicorns").status_code == 404
    assert client.get("/browse/unicorns.csv").status_code == 404


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/browse/clusters?year=nineteen", "year"),
        ("/browse/clusters?page=0", "page"),
        ("/browse/clusters?page=-1", "page"),
        ("/browse/clusters?sort=colour", "sort"),
        ("/browse/clusters?role=member", "role"),
        ("/browse/clusters?format=xml", "format"),
        ("/browse/clusters.xml", "format"),
    ],
)
def test_bad_parameters_are_named(client: FlaskClient, url: str, parameter: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith(parameter)


def test_unknown_facet_values_match_nothing(client: FlaskClient) -> None:
    assert listed(client, "/browse/clusters.json?country=XX")["total"] == 0
    html = client.get("/browse/clusters?region=atlantis").get_data(as_text=True)
    assert row_iris(html) == [] and "Nothing matches" in html


HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_facet_values_are_escaped(client: FlaskClient, value: str) -> None:
    response = client.get("/browse/awards", query_string={"country": value, "programme": value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert value not in html and "<img src=x" not in html and "<script>alert" not in html
    data = client.get("/browse/awards.json", query_string={"country": value})
    assert data.mimetype == "application/json" and data.get_json()["filters"]["country"] == value
    bad = client.get("/browse/awards", query_string={"year": value})
    assert bad.status_code == 400 and bad.mimetype == "text/plain"
