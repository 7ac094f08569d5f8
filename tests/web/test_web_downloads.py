"""``/downloads``, ``/dataset`` and ``/.well-known/void``: the release files with checksums,
the dataset description by content negotiation, and nothing outside the release folder."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from nbkg.graph.namespace import NBKG, VOID
from nbkg.graph.release import MANIFEST, VOID_FILE, read_manifest, release_folder
from nbkg.graph.void import DATASET, DCAT, LICENCE
from nbkg.web import create_app

SECRET = "top secret: not part of any release"
XSS = '<script>alert("x")</script>'
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def manifest(built_store: Path) -> dict:
    found = read_manifest(release_folder(built_store))
    assert found is not None
    return found


def get(client: FlaskClient, url: str, accept: str = "*/*"):  # noqa: ANN201
    """The response, read whole and closed (a sent file stays open until closed)."""
    response = client.get(url, headers={"Accept": accept}, follow_redirects=True)
    response.get_data()
    response.close()
    return response


# -- the downloads page and files -------------------------------------------------------------


def test_downloads_page_lists_every_dump(client: FlaskClient, manifest: dict) -> None:
    page = get(client, "/downloads", BROWSER).get_data(as_text=True)
    dumps = [f for f in manifest["files"] if f["kind"] == "dump"]
    assert len(dumps) == 4
    for entry in dumps:
        assert f'href="/downloads/{entry["name"]}"' in page
        assert entry["sha256"] in page
        assert f'title="{entry["bytes"]} bytes"' in page
        assert f"{entry.get('quads', entry.get('triples'))} " in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    assert manifest["built"] in page
    assert 'href="/downloads/report"' in page and 'href="/dataset"' in page


def test_every_listed_file_downloads_with_its_checksum(client: FlaskClient, manifest: dict) -> None:
    for entry in manifest["files"]:
        response = get(client, f"/downloads/{entry['name']}")
        assert response.status_code == 200, entry["name"]
        assert hashlib.sha256(response.data).hexdigest() == entry["sha256"]
        if entry["kind"] == "dump":
            assert response.mimetype == "application/gzip"
            assert response.headers["Content-Disposition"].startswith("attachment")
            assert "Content-Encoding" not in response.headers  # saved as .gz, not unpacked
        else:
            assert response.mimetype == entry["media_type"]
    listed = get(client, f"/downloads/{MANIFEST}")
    assert listed.status_code == 200 and listed.json == manifest


def test_report_page_lists_every_source(client: FlaskClient, manifest: dict) -> None:
    page = get(client, "/downloads/report", BROWSER).get_data(as_text=True)
    assert len(manifest["sources"]) == 11
    for source in manifest["sources"]:
        assert f"<code>{source['source']}</code>" in page
        assert source["sentences"][0] in page
    assert "every source passed" in page


# -- the dataset description ----------------------------------------------------------------


def parsed(data: bytes, media: str) -> Graph:
    """Parsed by Oxigraph (rdflib's JSON-LD parser warns under filterwarnings=error)."""
    triples = ox.parse(data, ox.RdfFormat.from_media_type(media))
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/json;q=0.5, text/turtle;q=0.9", "text/turtle"),
        ("*/*", "text/turtle"),
    ],
)
def test_dataset_negotiates_rdf(
    client: FlaskClient, manifest: dict, accept: str, media: str
) -> None:
    response = get(client, "/dataset", accept)
    assert response.status_code == 200
    assert response.mimetype == media
    assert "Accept" in response.headers["Vary"]
    graph = parsed(response.data, media)
    assert (DATASET, RDF.type, VOID.Dataset) in graph
    assert graph.value(DATASET, DCTERMS.license) == LICENCE
    assert graph.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")
    assert URIRef("http://localhost/downloads/nbkg.nq.gz") in set(
        graph.objects(DATASET, VOID.dataDump)
    )
    assert int(graph.value(DATASET, VOID.triples)) == manifest["triples"]


def test_format_parameter_and_well_known(client: FlaskClient) -> None:
    by_param = get(client, "/dataset?format=ttl", BROWSER)
    assert by_param.mimetype == "text/turtle"
    well_known = get(client, "/.well-known/void", "text/turtle")
    assert well_known.status_code == 200 and well_known.mimetype == "text/turtle"
    assert len(Graph().parse(data=well_known.data, format="turtle")) == len(
        Graph().parse(data=by_param.data, format="turtle")
    )


def test_unacceptable_type_is_406(client: FlaskClient) -> None:
    response = get(client, "/dataset", "image/png")
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)
    bad = get(client, f"/dataset?format={XSS}")
    assert bad.status_code == 406 and bad.mimetype == "text/plain"


def test_dataset_page_for_browsers(client: FlaskClient, manifest: dict) -> None:
    response = get(client, "/.well-known/void", BROWSER)
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in page
    assert manifest["built"] in page
    assert f"{manifest['triples']} distinct triples" in page
    assert "nbkg:Cluster" in page and "org:organization" in page  # class and property counts
    for entry in manifest["files"]:
        if entry["kind"] == "dump":
            assert entry["sha256"] in page
    assert "registry/clusters.csv: loaded, " in page


# -- a release folder of the test's own making ---------------------------------------------------


@pytest.fixture(scope="module")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lab")
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def lab_app(built_store: Path, lab_root: Path) -> Iterator[Flask]:
    """An app over the built store whose downloads folder the tests fill as they please."""
    application = create_app(
        {
            "TESTING": True,
            "STORE": str(built_store),
            "DOWNLOADS": str(lab_root / "release"),
            "QUERY_WORKERS": 1,
        }
    )
    yield application
    application.extensions["nbkg"].close()


@pytest.fixture
def lab(lab_app: Flask, lab_root: Path, built_store: Path) -> Iterator[tuple[FlaskClient, Path]]:
    """A fresh copy of the built release in the lab folder, for one test to change."""
    folder = lab_root / "release"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(release_folder(built_store), folder)
    yield lab_app.test_client(), folder
    shutil.rmtree(folder, ignore_errors=True)


def edit_manifest(folder: Path, change) -> None:  # noqa: ANN001
    path = folder / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


TRAVERSALS = [
    "/downloads/../secret.txt",
    "/downloads/%2e%2e/secret.txt",
    "/downloads/%2E%2E%2Fsecret.txt",
    "/downloads/..%2fsecret.txt",
    "/downloads/..%5csecret.txt",
    "/downloads/..\\secret.txt",
    "/downloads/.%2e/.%2e/secret.txt",
    "/downloads/nbkg.nq.gz/../../secret.txt",
    "/downloads/release/../../secret.txt",
    "/downloads//etc/passwd",
    "/downloads/%2fetc%2fpasswd",
    "/downloads/secret.txt",
    "/downloads/nbkg.nq.gz%00",
    "/downloads/.manifest.json.1.tmp",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_path_traversal_is_404(lab, url: str) -> None:
    client, _ = lab
    response = get(client, url)
    assert response.status_code == 404, url
    assert SECRET not in response.get_data(as_text=True)


def test_absolute_path_is_404(lab, lab_root: Path) -> None:
    client, _ = lab
    for url in (f"/downloads/{lab_root / 'secret.txt'}", f"/downloads/{lab_root}/secret.txt"):
        response = get(client, url)
        assert response.status_code == 404 and SECRET not in response.get_data(as_text=True)


def test_a_tampered_manifest_opens_nothing_outside(lab, lab_root: Path) -> None:
    """Even names the manifest lists are served only from inside the folder, not via links."""
    client, folder = lab
    (folder / "link.txt").symlink_to(lab_root / "secret.txt")
    (folder / "sub").mkdir()
    names = [
        "../secret.txt",
        str(lab_root / "secret.txt"),
        "link.txt",
        "sub/../../secret.txt",
        "..\\secret.txt",
    ]
    edit_manifest(
        folder,
        lambda m: m["files"].extend({"name": n, "media_type": "text/plain"} for n in names),
    )
    for name in names:
        response = get(client, f"/downloads/{name}")
        assert response.status_code == 404, name
        assert SECRET not in response.get_data(as_text=True)
    assert get(client, "/downloads/nbkg.nq.gz").status_code == 200  # the rest still works


def test_a_file_not_in_the_manifest_is_404(lab) -> None:
    client, folder = lab
    (folder / "extra.txt").write_text("not listed", encoding="utf-8")
    assert get(client, "/downloads/extra.txt").status_code == 404


def test_nothing_from_data_or_url_is_rendered_unescaped(lab) -> None:
    client, folder = lab

    def poison(manifest: dict) -> None:
        manifest["built"] = XSS
        manifest["license"] = "javascript:alert(1)"
        manifest["files"][0]["title"] = XSS
        manifest["files"][0]["sha256"] = XSS
        manifest["sources"][0]["source"] = XSS
        manifest["sources"][0]["sentences"] = [f"{XSS}: rejected: {XSS}", XSS]
        manifest["statuses"] = {XSS: 1}

    edit_manifest(folder, poison)
    description = (folder / VOID_FILE).read_text(encoding="utf-8")
    description += (
        f"\n<https://w3id.org/nbkg/dataset> <http://purl.org/dc/terms/title> {json.dumps(XSS)} ;"
        f"\n  <http://rdfs.org/ns/void#classPartition> [ <http://rdfs.org/ns/void#class> "
        f"<https://example.org/x?a=<b>> ] .\n".replace("<b>", "%3Cb%3E")
    )
    (folder / VOID_FILE).write_text(description, encoding="utf-8")
    for url in ("/downloads", "/downloads/report", "/dataset", f"/downloads/{XSS}"):
        page = get(client, url, BROWSER).get_data(as_text=True)
        assert "<script>alert" not in page, url
        assert "javascript:" not in page, url
    assert "&lt;script&gt;" in get(client, "/downloads/report", BROWSER).get_data(as_text=True)


def test_missing_release_is_said_plainly(lab, built_store: Path) -> None:
    client, folder = lab
    shutil.rmtree(folder)
    page = get(client, "/downloads", BROWSER).get_data(as_text=True)
    assert "No release has been written for this store yet" in page
    assert "nbkg export --release DIR" in page
    assert "No release has been written" in get(client, "/downloads/report", BROWSER).get_data(
        as_text=True
    )
    assert get(client, "/downloads/nbkg.nq.gz").status_code == 404
    # the description is still there, counted from the store, without downloads
    response = get(client, "/dataset", "text/turtle")
    graph = Graph().parse(data=response.data, format="turtle")
    assert graph.value(DATASET, VOID.dataDump) is None
    assert graph.value(DATASET, DCTERMS.license) == LICENCE
    partitions = {
        graph.value(p, VOID["class"]): graph.value(p, VOID.entities)
        for p in graph.objects(DATASET, VOID.classPartition)
    }
    assert partitions[NBKG.Cluster] >= Literal(60)
    assert graph.value(DATASET, DCAT.landingPage) == URIRef("http://localhost/dataset")
    assert "no release has been written" in get(client, "/dataset", BROWSER).get_data(as_text=True)


def test_without_a_release_folder_the_pages_say_so(lab, lab_app: Flask) -> None:
    client, _ = lab
    backend = lab_app.extensions["nbkg"]
    kept, backend.downloads = backend.downloads, None  # as for a remote store
    try:
        page = get(client, "/downloads", BROWSER).get_data(as_text=True)
        assert "no release folder is configured" in page
        assert get(client, f"/downloads/{MANIFEST}").status_code == 404
    finally:
        backend.downloads = kept
