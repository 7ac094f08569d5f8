"""``/sparql``: the SPARQL 1.1 Protocol query operation, the query editor, the service
description.

A query request is read (:mod:`nbkg.web.protocol`), its answer format negotiated
(:mod:`nbkg.web.negotiation`) and the query run by the worker pool under the time limit
and row cap. Answers say how many rows they carry and whether the cap cut them, in
``NBKG-Rows`` / ``NBKG-Row-Cap`` / ``NBKG-Truncated`` headers.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from nbkg.graph.answers import Answer
from nbkg.graph.store import QueryError, StoreError
from nbkg.web import negotiation
from nbkg.web.backend import get_pool, get_store
from nbkg.web.editor import editor_settings
from nbkg.web.pool import Job, PoolBusyError, QueryTimeoutError
from nbkg.web.protocol import ProtocolError, QueryRequest, read
from nbkg.web.service_description import describe

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response | str:
    try:
        asked = read(request, current_app.config["MAX_QUERY_BYTES"])
        if asked.sparql is None:
            return _without_query(asked)
        return answer(asked)
    except ProtocolError as err:
        return problem(err.status, str(err))
    except negotiation.NotAcceptableError as err:
        return problem(406, str(err))
    except RequestEntityTooLarge:  # the body is over MAX_CONTENT_LENGTH; Werkzeug stops reading
        limit = current_app.config["MAX_QUERY_BYTES"]
        return problem(
            413, f"the request is too large; this endpoint takes queries up to {limit} bytes"
        )


def answer(asked: QueryRequest) -> Response:
    """Run a checked query and wrap the answer in its response."""
    assert asked.sparql is not None
    choices = (
        negotiation.GRAPH_CHOICES
        if asked.form in ("CONSTRUCT", "DESCRIBE")
        else negotiation.RESULT_CHOICES
    )
    fmt = (
        negotiation.named(asked.format, choices)
        if asked.format
        else negotiation.negotiate(request.accept_mimetypes, choices)
    )
    cap = int(current_app.config["ROW_CAP"])
    job = Job(asked.sparql, fmt, cap, asked.default_graphs, asked.named_graphs)
    try:
        result = get_pool().run(job)
    except QueryError as err:
        return problem(400, str(err))
    except (QueryTimeoutError, PoolBusyError) as err:
        return problem(503, str(err), retry_after=5)
    except StoreError as err:
        return problem(502, str(err))
    response = Response(result.body, content_type=negotiation.media_type(result.fmt))
    return with_counts(response, result, cap)


def with_counts(response: Response, result: Answer, cap: int) -> Response:
    """State how many rows an answer carries and whether the row cap cut it."""
    response.headers["Vary"] = "Accept"
    response.headers["NBKG-Row-Cap"] = str(cap)
    if result.rows is not None:
        response.headers["NBKG-Rows"] = str(result.rows)
    response.headers["NBKG-Truncated"] = "true" if result.truncated else "false"
    if result.truncated:
        response.headers["Warning"] = f'199 nbkg "answer cut at the row cap of {cap} rows"'
    return response


def _without_query(asked: QueryRequest) -> Response | str:
    """A browser gets the editor; a program gets the service description."""
    accept = request.accept_mimetypes
    if not asked.format and negotiation.prefers_html(accept, negotiation.GRAPH_CHOICES):
        return render_template("sparql/editor.html", settings=editor_settings())
    choices = negotiation.GRAPH_CHOICES
    fmt = (
        negotiation.named(asked.format, choices)
        if asked.format
        else negotiation.negotiate(accept, choices)
    )
    config = current_app.config
    graph = describe(
        url_for("sparql.endpoint", _external=True),
        url_for("downloads.dataset", _external=True),
        get_store().graphs(),
        int(config["ROW_CAP"]),
        float(config["QUERY_TIMEOUT"]),
    )
    rdflib_name = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[fmt]
    body = graph.serialize(format=rdflib_name, encoding="utf-8")
    response = Response(body, content_type=negotiation.media_type(fmt))
    response.headers["Vary"] = "Accept"
    return response


def problem(status: int, message: str, *, retry_after: int | None = None) -> Response:
    """An error as plain text: the status line's meaning, then what went wrong and why."""
    response = Response(f"{message}\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers["X-Content-Type-Options"] = "nosniff"  # the message may quote the query
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response
