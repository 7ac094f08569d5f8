"""``/downloads``, ``/dataset`` and ``/.well-known/void``: the release and its description.

The release folder (``Backend.downloads``: the ``DOWNLOADS`` setting, else ``<store>.release``
beside an embedded store) is written by ``nbkg build`` or ``nbkg export --release DIR``; this
surface only reads it. ``/downloads/<name>`` serves a file only when the release manifest
lists that exact name and it resolves to a regular file inside the folder, so nothing else
can be read through it (no ``..``, no absolute paths, no symlinks leading out).

``/dataset`` (and the same at ``/.well-known/void``) is the VoID + DCAT description: a page
for browsers, Turtle, N-Triples, JSON-LD or RDF/XML for programs. It is the release's
``void.ttl`` with its relative download names resolved against ``/downloads/`` and this
site's SPARQL endpoint added. With no release (a remote store, or none written yet) the
pages say so, and the description is counted from the store itself, without downloads.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, XSD

from nbkg.graph import release, release_answers, void
from nbkg.graph.namespace import PREFIXES, VOID
from nbkg.graph.store import is_remote
from nbkg.web import negotiation
from nbkg.web.backend import get_backend, get_store

bp = Blueprint("downloads", __name__)

_RDFLIB = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}
_LIVE = "nbkg.downloads.live"  # app.extensions key: the description counted from the store
_SHORT = {**PREFIXES, "void": str(VOID), "dcat": str(DCAT), "sd": str(void.SD)}


# -- pages ----------------------------------------------------------------------------


@bp.get("/downloads")
def index() -> str:
    manifest = _manifest()
    files = manifest["files"] if manifest else []
    return render_template(
        "downloads/index.html",
        manifest=manifest,
        missing=_missing(),
        dumps=[f for f in files if f.get("kind") == "dump"],
        answers=[f for f in files if f.get("kind") == release_answers.KIND],
        others=[f for f in files if f.get("kind") not in ("dump", release_answers.KIND)],
        licence_link=_web_link(manifest.get("license") if manifest else None),
        licence_name=_licence_name(manifest.get("license") if manifest else None),
    )


@bp.get("/downloads/report")
def report() -> str:
    manifest = _manifest()
    return render_template(
        "downloads/report.html",
        manifest=manifest,
        missing=_missing(),
        sources=manifest.get("sources", []) if manifest else [],
    )


@bp.get("/downloads/<path:name>")
def file(name: str) -> Response:
    """A file of the release, if the manifest lists it; 404 for anything else."""
    folder = get_backend().downloads
    manifest = _manifest()
    if folder is None or manifest is None:
        abort(404)
    listed = {f.get("name"): f for f in manifest["files"] if isinstance(f, dict)}
    if name == release.MANIFEST:
        entry: dict[str, Any] = {"media_type": "application/json"}
    elif name in listed:
        entry = listed[name]
    else:
        abort(404)
    path = release.file_in(folder, name)
    if path is None:
        abort(404)
    compressed = entry.get("encoding") == "gzip"
    mimetype = "application/gzip" if compressed else _with_charset(str(entry["media_type"]))
    # send_from_directory joins with safe_join: a second check on the name
    return send_from_directory(
        path.parent, path.name, mimetype=mimetype, as_attachment=compressed, max_age=300
    )


@bp.get("/dataset")
def dataset() -> Response | str:
    return _description()


@bp.get("/.well-known/void")
def well_known() -> Response | str:
    """The VoID well-known location (RFC 8615): the same answer as ``/dataset``."""
    return _description()


def _description() -> Response | str:
    asked = request.args.get("format")
    accept = request.accept_mimetypes
    choices = negotiation.GRAPH_CHOICES
    try:
        if not asked and negotiation.prefers_html(accept, choices):
            return _dataset_page()
        fmt = negotiation.named(asked, choices) if asked else negotiation.negotiate(accept, choices)
    except negotiation.NotAcceptableError as err:
        return Response(f"{err}\n", status=406, content_type="text/plain; charset=utf-8")
    body = description_graph().serialize(format=_RDFLIB[fmt], encoding="utf-8")
    response = Response(body, content_type=negotiation.media_type(fmt))
    response.headers["Vary"] = "Accept"
    return response


def _dataset_page() -> Response:
    graph = description_graph()
    d = void.DATASET
    licence = graph.value(d, DCTERMS.license)
    page = render_template(
        "downloads/dataset.html",
        manifest=_manifest(),
        missing=_missing(),
        title=str(graph.value(d, DCTERMS.title) or void.TITLE),
        description=str(graph.value(d, DCTERMS.description) or ""),
        licence=str(licence) if licence is not None else None,
        licence_link=_web_link(licence),
        licence_name=_licence_name(licence),
        built=graph.value(d, DCTERMS.modified),
        counts={
            name: graph.value(d, VOID[name])
            for name in ("triples", "entities", "distinctSubjects", "distinctObjects")
        },
        classes=_partitions(graph, VOID.classPartition, VOID["class"], VOID.entities),
        properties=_partitions(graph, VOID.propertyPartition, VOID.property, VOID.triples),
        subsets=_subsets(graph),
    )
    response = Response(page, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


# -- the description --------------------------------------------------------------------


def description_graph() -> Graph:
    """The dataset description as served: absolute download URLs, this site's endpoint."""
    folder = get_backend().downloads
    path = folder / release.VOID_FILE if folder is not None else None
    if path is not None and _manifest() is not None and path.is_file():
        stat = path.stat()
        base = url_for("downloads.file", name=release.VOID_FILE, _external=True)
        cached = _parse(str(path), stat.st_mtime_ns, stat.st_size, base)
    else:
        cached = current_app.extensions.get(_LIVE)
        if cached is None:
            cached = void.describe(void.statistics(get_store()), None)
            current_app.extensions[_LIVE] = cached
    graph = Graph()
    for prefix, namespace in cached.namespaces():
        graph.bind(prefix, namespace)
    graph += cached
    endpoint = URIRef(url_for("sparql.endpoint", _external=True))
    graph.add((void.DATASET, VOID.sparqlEndpoint, endpoint))
    landing = URIRef(url_for("downloads.dataset", _external=True))
    graph.add((void.DATASET, DCAT.landingPage, landing))
    return graph


@lru_cache(maxsize=8)
def _parse(path: str, mtime_ns: int, size: int, base: str) -> Graph:
    """void.ttl, parsed once per version of the file and per site address."""
    graph = Graph()
    graph.parse(path, format="turtle", publicID=base)
    return graph


def _manifest() -> dict[str, Any] | None:
    folder = get_backend().downloads
    return release.read_manifest(folder) if folder is not None and folder.is_dir() else None


def _missing() -> str | None:
    """Why there is no release to offer, in a sentence; None when there is one."""
    backend = get_backend()
    if _manifest() is not None:
        return None
    if backend.downloads is None:
        where = "a remote SPARQL store" if is_remote(backend.store.location) else "this store"
        return (
            f"This site serves {where}, and no release folder is configured. Write one with "
            f"`nbkg export --release DIR` and point the DOWNLOADS setting (NBKG_DOWNLOADS) at it."
        )
    return (
        "No release has been written for this store yet. `nbkg build` writes one beside an "
        "embedded store; `nbkg export --release DIR` writes one for any store."
    )


def _partitions(graph: Graph, link: URIRef, key: URIRef, count: URIRef) -> list[dict]:
    rows = []
    for part in graph.objects(void.DATASET, link):
        iri = graph.value(part, key)
        number = graph.value(part, count)
        if iri is not None:
            rows.append({"iri": str(iri), "short": _short(iri), "count": _int(number)})
    return sorted(rows, key=lambda r: (-r["count"], r["short"]))


def _subsets(graph: Graph) -> list[dict]:
    rows = []
    for subset in graph.objects(void.DATASET, VOID.subset):
        name = graph.value(subset, void.SD.name)
        title = graph.value(subset, DCTERMS.title)
        rows.append(
            {
                "graph": str(name) if name is not None else "",
                "title": str(title) if title is not None else "",
                "triples": _int(graph.value(subset, VOID.triples)),
            }
        )
    return sorted(rows, key=lambda r: r["graph"])


def _short(iri: object) -> str:
    text = str(iri)
    for prefix, namespace in sorted(_SHORT.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(namespace) and text != namespace:
            return f"{prefix}:{text[len(namespace) :]}"
    for prefix, namespace in (("rdf", str(RDF)), ("rdfs", str(RDFS)), ("xsd", str(XSD))):
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _web_link(node: object) -> str | None:
    """An address safe to put in href: http(s) only, never javascript: or data:."""
    text = str(node) if node is not None else ""
    return text if text.startswith(("https://", "http://")) else None


def _licence_name(node: object) -> str:
    return "CC BY 4.0" if str(node) == str(void.LICENCE) else str(node)


def _with_charset(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if "charset" not in media_type else media_type


@bp.app_template_filter("bytes")
def human_bytes(size: object) -> str:
    """A size for people: 106661 -> '104.2 KiB'."""
    number = float(_int(size))
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if number < 1024 or unit == "GiB":
            return f"{int(number)} bytes" if unit == "bytes" else f"{number:.1f} {unit}"
        number /= 1024
    return f"{number:.1f} GiB"
