"""Entity IRIs and their pages: ``/id/<slug>`` (303 to page or data), ``/page/<slug>``,
``/data/<slug>.<ext>``, the ontology at ``/def``, and every other minted IRI
(``/def/<scheme>/<concept>``, ``/graph/<source>``) with content negotiation.

Entity IRIs (``https://w3id.org/nbkg/id/<slug>``) are independent of the host; w3id.org
redirects them here, where the path after ``/nbkg`` is the same.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from rdflib import Graph, URIRef
from werkzeug.datastructures import MIMEAccept

from nbkg.graph.namespace import DEF, ID
from nbkg.ontology import ontology_graph, resource
from nbkg.web import negotiation
from nbkg.web.backend import get_store
from nbkg.web.i18n import reader_languages
from nbkg.web.links import BASE, curie, href
from nbkg.web.ontology_doc import document
from nbkg.web.resource import Description, bound, describe, rq
from nbkg.web.schema_org import summary

bp = Blueprint("entities", __name__)
_RDFLIB = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}


@bp.app_template_filter("href")
def _href(term: object) -> str:
    return href(str(term))


@bp.app_template_filter("curie")
def _curie(term: object) -> str:
    return curie(str(term))


@bp.get("/id/<path:slug>")
def identifier(slug: str) -> Response:
    """The entity IRI itself: 303 See Other to the page or the data, by Accept."""
    iri = _minted(f"{ID}{slug}")
    if iri is None or not get_store().ask(rq("exists"), {"e": iri}):
        return _missing(iri)
    accept = request.accept_mimetypes
    if _wants_page(accept):
        target = url_for("entities.page", slug=slug)
    else:
        try:
            fmt = negotiation.negotiate(accept, negotiation.GRAPH_CHOICES)
        except negotiation.NotAcceptableError as err:
            return _not_acceptable(str(err))
        target = url_for("entities.data", slug=slug, ext=fmt)
    response = redirect(target, code=303)
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/page/<path:slug>")
def page(slug: str) -> Response | str:
    iri = _minted(f"{ID}{slug}")
    description = describe(get_store(), iri, reader_languages()) if iri else None
    if description is None:
        return _missing(f"{ID}{slug}")
    return _render(description, slug=slug)


@bp.get("/data/<path:slug>.<ext>")
def data(slug: str, ext: str) -> Response:
    if ext not in negotiation.GRAPH_CHOICES:
        abort(404)
    iri = _minted(f"{ID}{slug}")
    store = get_store()
    if iri is None or not store.ask(rq("exists"), {"e": iri}):
        return _missing(f"{ID}{slug}")
    body = store.query(bound(rq("description"), "e", iri), ext)
    return Response(body, content_type=negotiation.media_type(ext))


@bp.get("/def")
@bp.get("/def/<path:rest>")
def ontology(rest: str | None = None) -> Response | str:
    """The ontology (``/def``, ``/def/<version>``) or one of its concepts and schemes."""
    iri = _minted(f"{DEF}/{rest}" if rest else DEF)
    if iri is None:
        return _missing(f"{DEF}/{rest}")
    is_document = rest is None or ontology_graph().value(URIRef(DEF), _VERSION_IRI) == iri
    accept = request.accept_mimetypes
    wants_html = "format" not in request.args and _wants_page(accept)
    if is_document:
        if wants_html:
            return _vary(
                render_template(
                    "entities/ontology.html", doc=document(ontology_graph(), reader_languages())
                )
            )
        return _serialised(ontology_graph(), accept)
    description = describe(get_store(), iri, reader_languages())
    if description is None:
        return _missing(iri)
    if wants_html:
        return _vary(_render(description, slug=None))
    return _serialised(_graph_of(iri), accept)


@bp.get("/graph/<path:rest>")
def source_graph(rest: str) -> Response | str:
    """A named graph (one source): its load record and what it holds."""
    iri = _minted(f"{BASE}/graph/{rest}")
    description = describe(get_store(), iri, reader_languages()) if iri else None
    if description is None:
        return _missing(f"{BASE}/graph/{rest}")
    accept = request.accept_mimetypes
    if "format" not in request.args and _wants_page(accept):
        return _vary(_render(description, slug=None))
    return _serialised(_graph_of(iri), accept)


@bp.get("/shapes")
def shapes() -> Response:
    """The SHACL shapes the gate applies (validation reports refer to them)."""
    body = resource("shapes.ttl").read_bytes()
    return Response(body, content_type=negotiation.media_type("ttl"))


# -- helpers ---------------------------------------------------------------------------

_VERSION_IRI = URIRef("http://www.w3.org/2002/07/owl#versionIRI")


_IRI_PATH = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/%-]*")


def _minted(text: str) -> URIRef | None:
    """The IRI a request path names, or None when the path cannot be part of one."""
    return URIRef(text) if _IRI_PATH.fullmatch(text.partition("://")[2]) else None


def _wants_page(accept: MIMEAccept) -> bool:
    """HTML unless a data format is asked for by name (``*/*`` alone gets the page)."""
    return (
        not accept
        or negotiation.prefers_html(accept, negotiation.GRAPH_CHOICES)
        or not _names_data(accept)
    )


def _names_data(accept: object) -> bool:
    offered = {negotiation.media_type(c).split(";")[0] for c in negotiation.GRAPH_CHOICES}
    return any(value in offered and q > 0 for value, q in accept)  # type: ignore[attr-defined]


def _render(description: Description, *, slug: str | None) -> str:
    names = [f"entities/{t.term.split('#')[-1]}.html" for t in description.types if "#" in t.term]
    return render_template(
        [*names, "entities/entity.html"],
        d=description,
        slug=slug,
        jsonld=summary(description),
        considered=[*names, "entities/entity.html"],
    )


def _graph_of(iri: URIRef) -> Graph:
    body = get_store().query(bound(rq("description"), "e", iri), "nt")
    return Graph().parse(data=body, format="nt")


def _serialised(graph: Graph, accept: object) -> Response:
    try:
        fmt = (
            negotiation.named(request.args["format"], negotiation.GRAPH_CHOICES)
            if "format" in request.args
            else negotiation.negotiate(accept, negotiation.GRAPH_CHOICES)  # type: ignore[arg-type]
        )
    except negotiation.NotAcceptableError as err:
        return _not_acceptable(str(err))
    body = graph.serialize(format=_RDFLIB[fmt], encoding="utf-8")
    return _vary(Response(body, content_type=negotiation.media_type(fmt)))


def _vary(response: Response | str) -> Response:
    response = response if isinstance(response, Response) else Response(response)
    response.headers["Vary"] = "Accept"
    return response


def _missing(iri: str) -> Response:
    guess = str(iri).rstrip("/").rsplit("/", 1)[-1].replace("-", " ")
    body = render_template("entities/missing.html", iri=str(iri), guess=guess)
    return Response(body, status=404, content_type="text/html; charset=utf-8")


def _not_acceptable(message: str) -> Response:
    return Response(f"{message}\n", status=406, content_type="text/plain; charset=utf-8")
