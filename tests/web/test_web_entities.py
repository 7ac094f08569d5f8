"""Entity IRIs, pages and data: 303s by Accept, formats, languages, provenance, and that
every IRI the graph mints dereferences."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from nbkg.graph.namespace import DEF, ID
from nbkg.ontology import ontology_graph

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAPER = ID["paper-province"]


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        (BROWSER, "/page/paper-province"),
        ("*/*", "/page/paper-province"),
        ("text/turtle", "/data/paper-province.ttl"),
        ("application/ld+json", "/data/paper-province.jsonld"),
        ("application/n-triples", "/data/paper-province.nt"),
        ("application/rdf+xml", "/data/paper-province.rdf"),
        ("text/html;q=0.5, text/turtle;q=0.9", "/data/paper-province.ttl"),
        ("text/turtle;q=0.2, text/html", "/page/paper-province"),
    ],
)
def test_entity_iri_redirects_by_accept(client: FlaskClient, accept: str, location: str) -> None:
    response = client.get("/id/paper-province", headers={"Accept": accept})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(location)
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("ext", "rdflib_format", "media"),
    [
        ("ttl", ox.RdfFormat.TURTLE, "text/turtle"),
        ("nt", ox.RdfFormat.N_TRIPLES, "application/n-triples"),
        ("jsonld", ox.RdfFormat.JSON_LD, "application/ld+json"),
        ("rdf", ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    ],
)
def test_entity_data_in_every_format(
    client: FlaskClient, ext: str, rdflib_format: ox.RdfFormat, media: str
) -> None:
    response = client.get(f"/data/paper-province.{ext}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media}; charset=utf-8"
    nt = ox.serialize(ox.parse(response.data, rdflib_format), format=ox.RdfFormat.N_TRIPLES)
    graph = Graph().parse(data=nt, format="nt")
    assert {str(o) for o in graph.objects(PAPER, RDFS.label)} >= {"Paper Province"}
    members = set(graph.subjects(URIRef("http://www.w3.org/ns/org#organization"), PAPER))
    assert len(members) >= 10  # memberships point at the cluster: the data says so


def test_unknown_ids_get_a_helpful_404(client: FlaskClient) -> None:
    for path in ("/id/no-such-cluster", "/page/no-such-cluster", "/data/no-such-cluster.ttl"):
        response = client.get(path, headers={"Accept": BROWSER})
        assert response.status_code == 404, path
        assert b"Search for" in response.data
    assert client.get("/data/paper-province.exe").status_code == 404


def test_page_shows_facts_incoming_links_and_sources(client: FlaskClient) -> None:
    html = client.get("/page/paper-province").get_data(as_text=True)
    assert "<h1>The Paper Province</h1>" in html or "<h1>Paper Province</h1>" in html
    assert 'href="/page/billerud"' in html  # a member, linked to its page
    assert 'href="/page/se-varmland"' in html  # where it is
    assert "https://paperprovince.com" in html  # the page a registry row came from
    assert re.search(r"registry/clusters\.csv</td><td>\d{4}-\d\d-\d\dT", html)  # loaded when
    assert 'href="/def/evidence/self-claimed"' in html  # what kind of evidence


def test_page_embeds_schema_org_json_ld(client: FlaskClient) -> None:
    html = client.get("/page/paper-province").get_data(as_text=True)
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found
    data = json.loads(found.group(1))
    assert data["@type"] == "Organization"
    assert data["@id"] == str(PAPER)
    assert any(m["@id"] == str(ID["billerud"]) for m in data["member"])


def test_labels_follow_the_readers_language(client: FlaskClient) -> None:
    english = client.get("/def/role/member", headers={"Accept-Language": "en"})
    swedish = client.get("/def/role/member?lang=sv")
    norwegian = client.get("/def/role/member", headers={"Accept-Language": "nb-NO,nb;q=0.9"})
    finnish = client.get("/def/role/member", headers={"Accept-Language": "fi"})  # falls back
    title = re.compile(r"<h1>(.*?)</h1>")
    names = [
        title.search(r.get_data(as_text=True)).group(1)
        for r in (english, swedish, norwegian, finnish)
    ]
    labels = {
        label.language: str(label)
        for label in ontology_graph().objects(URIRef(f"{DEF}/role/member"), SKOS.prefLabel)
    }
    assert "fi" not in labels  # so Finnish readers get the English label
    assert names == [labels["en"], labels["sv"], labels["nb"], labels["en"]]


def test_ontology_documentation_and_turtle(client: FlaskClient) -> None:
    html = client.get("/def", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert 'id="Cluster"' in html and 'id="FundingAward"' in html
    turtle = client.get("/def", headers={"Accept": "text/turtle"})
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.data, format="turtle")
    assert (URIRef("https://w3id.org/nbkg/def#Cluster"), None, None) in graph
    assert (
        client.get("/def?format=jsonld").headers["Content-Type"].startswith("application/ld+json")
    )


@pytest.mark.parametrize(
    "path",
    [
        "/page/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/id/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        "/def/%3Cscript%3E",
        "/graph/%3Cscript%3Ex",
    ],
)
def test_hostile_paths_are_escaped(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag == "a" and found.get("href"):
            self.links.add(found["href"] or "")


MINTED = """
SELECT DISTINCT ?x WHERE {
  { ?x ?p ?o } UNION { ?s ?x ?o } UNION { ?s ?p ?x } UNION { GRAPH ?x { ?a ?b ?c } }
  FILTER (isIRI(?x) && STRSTARTS(STR(?x), "https://w3id.org/nbkg/"))
}"""


def test_every_minted_iri_dereferences(client: FlaskClient, app) -> None:  # noqa: ANN001
    store = app.extensions["nbkg"].store
    iris = sorted(str(row["x"]) for row in store.select(MINTED))
    assert len(iris) > 500
    ontology = _Anchors()
    ontology.feed(client.get("/def", headers={"Accept": BROWSER}).get_data(as_text=True))
    failures = []
    for iri in iris:
        path, _, fragment = iri.removeprefix("https://w3id.org/nbkg").partition("#")
        response = client.get(path, headers={"Accept": BROWSER}, follow_redirects=True)
        if response.status_code != 200:
            failures.append((iri, response.status_code))
        elif fragment and fragment not in ontology.ids:
            failures.append((iri, "no anchor"))
    assert failures == []


def test_links_on_pages_resolve(client: FlaskClient) -> None:
    """Every local link on a cluster page and the ontology page leads somewhere."""
    checked = 0
    for page in ("/page/paper-province", "/page/arctic-cluster-team", "/def"):
        anchors = _Anchors()
        anchors.feed(client.get(page, headers={"Accept": BROWSER}).get_data(as_text=True))
        for link in sorted(anchors.links):
            if link.startswith("/") and not link.startswith("/static/"):
                target = link.partition("#")[0]
                status = client.get(target, headers={"Accept": BROWSER}).status_code
                assert status == 200, (page, link, status)
                checked += 1
    assert checked > 50
