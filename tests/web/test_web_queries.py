"""``/queries``: the canned queries listed, run with parameters as pages and as data."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from nbkg.graph.catalogue import catalogue
from nbkg.web.pool import QueryTimeoutError

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
NAMES = list(catalogue())
#: Queries whose answer may rightly be empty with their defaults (none, for the bundled data).
MAY_BE_EMPTY: set[str] = set()
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def bindings(client: FlaskClient, url: str) -> list[dict[str, dict[str, str]]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/sparql-results+json"
    return response.get_json(force=True)["results"]["bindings"]


def values(rows: list[dict[str, dict[str, str]]], var: str) -> set[str]:
    return {row[var]["value"] for row in rows if var in row}


class Links(HTMLParser):
    """Every href on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def hrefs(page: str) -> list[str]:
    parser = Links()
    parser.feed(page)
    return parser.hrefs


# -- the listing -------------------------------------------------------------------------------


def test_there_are_at_least_ten_canned_queries() -> None:
    assert len(NAMES) >= 10


def test_the_listing_shows_every_query(client: FlaskClient) -> None:
    response = client.get("/queries", headers=HTML)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    links = hrefs(page)
    for name, query in catalogue().items():
        assert f"/queries/{name}" in links
        assert f"/queries/{name}.json" in links
        assert f"/queries/{name}.csv" in links
        assert str(query.title).replace("&", "&amp;") in page


def test_the_listing_as_json(client: FlaskClient) -> None:
    response = client.get("/queries?format=json")
    assert response.status_code == 200
    listed = response.get_json()["queries"]
    assert [q["name"] for q in listed] == NAMES
    members = next(q for q in listed if q["name"] == "cluster-members")
    assert members["params"][0]["name"] == "cluster"
    assert members["json"].endswith("/queries/cluster-members.json")


# -- every query runs --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_query_runs_with_its_defaults(client: FlaskClient, name: str) -> None:
    response = client.get(f"/queries/{name}.json")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["NBKG-Truncated"] == "false"
    answer = json.loads(response.get_data())
    assert set(answer) == {"head", "results"}
    assert answer["head"]["vars"]
    rows = answer["results"]["bindings"]
    assert int(response.headers["NBKG-Rows"]) == len(rows)
    if name not in MAY_BE_EMPTY:
        assert rows, f"{name} answers nothing with its defaults"


@pytest.mark.parametrize("name", NAMES)
def test_every_query_page_renders(client: FlaskClient, name: str) -> None:
    response = client.get(f"/queries/{name}", headers=HTML)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    query = catalogue()[name]
    assert "<table>" in page
    assert f"{response.headers['NBKG-Rows']} row" in page
    for param in query.params:
        assert f'name="{param.name}"' in page


# -- parameters change the answer --------------------------------------------------------------


def test_cluster_members_differ_between_clusters(client: FlaskClient) -> None:
    paper = bindings(client, "/queries/cluster-members.json?cluster=id:paper-province")
    woodworks = bindings(client, "/queries/cluster-members.json?cluster=woodworks")
    assert paper and woodworks
    assert values(paper, "cluster") == {"https://w3id.org/nbkg/id/paper-province"}
    assert values(woodworks, "cluster") == {"https://w3id.org/nbkg/id/woodworks"}
    assert values(paper, "member") != values(woodworks, "member")


def test_a_default_applies_when_left_out_and_an_empty_value_means_all(
    client: FlaskClient,
) -> None:
    default = bindings(client, "/queries/cluster-members.json")
    everyone = bindings(client, "/queries/cluster-members.json?cluster=")
    assert values(default, "cluster") == {"https://w3id.org/nbkg/id/paper-province"}
    assert len(values(everyone, "cluster")) > 10


def test_members_by_role_narrows_to_one_role(client: FlaskClient) -> None:
    rows = bindings(client, "/queries/members-by-role.json?cluster=&role=role:rd-partner")
    assert rows
    assert values(rows, "role") == {"https://w3id.org/nbkg/def/role/rd-partner"}
    assert len(values(rows, "cluster")) > 1


def test_clusters_by_country_and_programme(client: FlaskClient) -> None:
    norway = bindings(client, "/queries/clusters-by-programme.json?country=no")
    arena = bindings(client, "/queries/clusters-by-programme.json?country=no&programme=id:no-arena")
    assert values(norway, "country") == {"https://w3id.org/nbkg/id/no"}
    assert values(arena, "programme") == {"https://w3id.org/nbkg/id/no-arena"}
    assert 0 < len(arena) < len(norway)


def test_funding_by_year(client: FlaskClient) -> None:
    all_years = bindings(client, "/queries/funding-by-funder-year.json")
    year = bindings(client, "/queries/funding-by-funder-year.json?year=2013")
    assert year and len(year) < len(all_years)
    assert values(year, "year") == {"2013"}


def test_names_in_one_language(client: FlaskClient) -> None:
    rows = bindings(client, "/queries/entity-names.json?entity=id:se&language=sv")
    assert [row["name"]["value"] for row in rows] == ["Sverige"]


def test_clusters_per_region_in_one_country(client: FlaskClient) -> None:
    rows = bindings(client, "/queries/clusters-per-region.json?country=se")
    assert rows
    assert values(rows, "country") == {"https://w3id.org/nbkg/id/se"}


def test_shared_partners_are_shared(client: FlaskClient) -> None:
    rows = bindings(client, "/queries/shared-rd-partners.json")
    assert rows
    for row in rows:
        assert row["cluster"]["value"] != row["otherCluster"]["value"]


def test_organisations_in_several_clusters_are_in_several(client: FlaskClient) -> None:
    rows = bindings(client, "/queries/organisations-in-several-clusters.json")
    assert rows
    assert all(int(row["clusters"]["value"]) >= 2 for row in rows)
    firms = bindings(client, "/queries/organisations-in-several-clusters.json?kind=nbkg:Firm")
    assert firms and values(firms, "kind") == {"https://w3id.org/nbkg/def#Firm"}


# -- formats -----------------------------------------------------------------------------------


def test_csv_parses(client: FlaskClient) -> None:
    response = client.get("/queries/cluster-members.csv?cluster=id:woodworks")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows
    assert {row["cluster"] for row in rows} == {"https://w3id.org/nbkg/id/woodworks"}
    assert int(response.headers["NBKG-Rows"]) == len(rows)


@pytest.mark.parametrize(
    ("url", "headers", "mimetype"),
    [
        ("/queries/cluster-members?format=json", {}, "application/sparql-results+json"),
        ("/queries/cluster-members?format=csv", {}, "text/csv"),
        ("/queries/cluster-members?format=text/csv", {}, "text/csv"),
        ("/queries/cluster-members.tsv", {}, "text/tab-separated-values"),
        ("/queries/cluster-members.xml", {}, "application/sparql-results+xml"),
        (
            "/queries/cluster-members",
            {"Accept": "application/sparql-results+json"},
            "application/sparql-results+json",
        ),
        ("/queries/cluster-members", {"Accept": "text/csv"}, "text/csv"),
        ("/queries/cluster-members", HTML, "text/html"),
        ("/queries/cluster-members", {}, "text/html"),
        ("/queries/cluster-members?format=html", {"Accept": "text/csv"}, "text/html"),
    ],
)
def test_format_by_suffix_argument_or_accept(
    client: FlaskClient, url: str, headers: dict[str, str], mimetype: str
) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == mimetype


def test_an_unknown_format_is_refused(client: FlaskClient) -> None:
    response = client.get("/queries/cluster-members?format=pdf")
    assert response.status_code == 406
    assert "pdf" in response.get_data(as_text=True)


def test_the_cap_is_reported(client: FlaskClient, app: Flask) -> None:
    response = client.get("/queries/entity-names.json?entity=")
    assert response.status_code == 200
    assert response.headers["NBKG-Row-Cap"] == str(app.config["ROW_CAP"])
    assert response.headers["NBKG-Truncated"] == "true"
    assert int(response.headers["NBKG-Rows"]) == app.config["ROW_CAP"]
    page = client.get("/queries/entity-names?entity=", headers=HTML).get_data(as_text=True)
    assert f"cut at the row cap of {app.config['ROW_CAP']} rows" in page


# -- the page ----------------------------------------------------------------------------------


def test_the_page_shows_title_form_sparql_and_links(client: FlaskClient) -> None:
    response = client.get("/queries/cluster-members?cluster=id:woodworks", headers=HTML)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    query = catalogue()["cluster-members"]
    assert f"<h1>{query.title}</h1>" in page
    assert query.description in page
    assert 'value="id:woodworks"' in page
    assert "SELECT ?cluster ?member" in page
    assert "#+ title" not in page.split("<h2>SPARQL</h2>")[1]
    links = hrefs(page)
    assert "/queries/cluster-members.json?cluster=id%3Awoodworks" in links
    assert "/queries/cluster-members.csv?cluster=id%3Awoodworks" in links
    editor = next(link for link in links if link.startswith("/sparql#"))
    fragment = parse_qs(urlsplit(editor).fragment)
    assert fragment["tabTitle"] == [query.title]
    assert "+" not in urlsplit(editor).fragment  # the editor reads "+" as a space
    sparql = fragment["query"][0]
    # bound in the query's own slot, where the engine starts from it
    assert "VALUES ?cluster { <https://w3id.org/nbkg/id/woodworks> }" in sparql
    assert "UNDEF" not in sparql


def test_defaults_are_filled_in(client: FlaskClient) -> None:
    page = client.get("/queries/cluster-members", headers=HTML).get_data(as_text=True)
    assert 'value="id:paper-province"' in page


def test_entity_iris_link_to_their_pages_with_a_label(client: FlaskClient) -> None:
    page = client.get("/queries/cluster-members?cluster=woodworks", headers=HTML)
    text = page.get_data(as_text=True)
    links = hrefs(text)
    assert "/page/woodworks" in links
    members = bindings(client, "/queries/cluster-members.json?cluster=woodworks")
    first = members[0]
    slug = first["member"]["value"].rsplit("/", 1)[1]
    assert f"/page/{slug}" in links
    name = first["name"]["value"].replace("&", "&amp;")
    assert f'<a href="/page/{slug}" title="id:{slug}">{name}</a>' in text


def test_other_iris_are_text_or_outside_links(client: FlaskClient) -> None:
    page = client.get("/queries/members-by-role", headers=HTML).get_data(as_text=True)
    assert '<span title="https://w3id.org/nbkg/def/role/member">role:member</span>' in page
    sources = client.get("/queries/cluster-sources", headers=HTML).get_data(as_text=True)
    assert 'rel="nofollow noopener"' in sources


def test_a_cleared_field_stays_cleared_in_the_links(client: FlaskClient) -> None:
    page = client.get("/queries/cluster-members?cluster=", headers=HTML).get_data(as_text=True)
    assert "/queries/cluster-members.json?cluster=" in hrefs(page)
    assert 'value=""' in page


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/queries/cluster-members.json?cluster=Paper%20Province", "cluster"),
        ("/queries/cluster-members.json?cluster=id:x%3E%7DDROP", "cluster"),
        ("/queries/funding-by-funder-year.json?year=last", "year"),
        ("/queries/funding-by-funder-year.csv?year=20", "year"),
        ("/queries/entity-names.json?language=english%20please", "language"),
        ("/queries/members-by-role.json?role=nosuch:role", "role"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_parameter(
    client: FlaskClient, url: str, field: str
) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert f"parameter '{field}'" in response.get_data(as_text=True)


def test_a_bad_value_on_the_page_is_a_400_naming_the_field(client: FlaskClient) -> None:
    response = client.get("/queries/funding-by-funder-year?year=soon", headers=HTML)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page
    assert "<strong>year</strong>" in page
    assert "is no year" in page
    assert 'aria-invalid="true"' in page
    assert 'value="soon"' in page  # kept, so it can be corrected


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_values_come_back_escaped(client: FlaskClient, hostile: str) -> None:
    for name, param in (("cluster-members", "cluster"), ("cluster-members", "nothing")):
        response = client.get(f"/queries/{name}", query_string={param: hostile}, headers=HTML)
        page = response.get_data(as_text=True)
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
    response = client.get(
        "/queries/cluster-members", query_string={"cluster": hostile}, headers=HTML
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "&lt;" in page
    assert "onerror=alert(1)&gt;" in page or "&lt;script&gt;" in page


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_in_a_string_parameter_is_bound_escaped(
    client: FlaskClient, hostile: str
) -> None:
    """A language tag is checked; a hostile one never reaches the query."""
    response = client.get("/queries/entity-names", query_string={"language": hostile}, headers=HTML)
    assert response.status_code == 400
    assert hostile not in response.get_data(as_text=True)


def test_an_unknown_query_is_404(client: FlaskClient) -> None:
    page = client.get("/queries/no-such-query", headers=HTML)
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    assert "no-such-query" in page.get_data(as_text=True)
    data = client.get("/queries/no-such-query.json")
    assert data.status_code == 404
    assert "no-such-query" in data.get_data(as_text=True)
    hostile = client.get("/queries/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers=HTML)
    assert hostile.status_code == 404
    assert "<script>alert(1)" not in hostile.get_data(as_text=True)


class _SlowPool:
    def run(self, job: object) -> None:
        raise QueryTimeoutError("the query ran longer than the limit of 4 s and was stopped")


def test_a_timeout_is_503(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("nbkg.web.queries.get_pool", lambda: _SlowPool())
    # no release table to answer from, as for a stale release or a remote store
    monkeypatch.setattr("nbkg.web.queries.stored_answer", lambda *args: None)
    data = client.get("/queries/cluster-members.json")
    assert data.status_code == 503
    assert data.headers["Retry-After"]
    assert "longer than the limit" in data.get_data(as_text=True)
    page = client.get("/queries/cluster-members", headers=HTML)
    assert page.status_code == 503
    assert "longer than the limit" in page.get_data(as_text=True)


def test_cors_lets_scripts_call_the_api(client: FlaskClient) -> None:
    response = client.get(
        "/queries/cluster-members.json", headers={"Origin": "https://example.org"}
    )
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://example.org")
