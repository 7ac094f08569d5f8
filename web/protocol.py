"""Reading a SPARQL 1.1 Protocol query request, and refusing what this endpoint never does.

The endpoint is read-only and makes no outbound requests. Updates are refused however they
arrive (``update=``, ``application/sparql-update``, update text sent as a query); so are
``SERVICE`` clauses, which Oxigraph would otherwise follow to any host. ``FROM`` and the
dataset parameters name graphs inside the store only: Oxigraph never fetches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request

from nbkg.graph.sparql import LEXEMES, MAX_NESTING, nesting, query_form

_UPDATE_TYPE = "application/sparql-update"
_QUERY_TYPE = "application/sparql-query"
_FORM_TYPE = "application/x-www-form-urlencoded"


class ProtocolError(ValueError):
    """A request the endpoint refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class QueryRequest:
    sparql: str | None  # None: no query (the editor or the service description)
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None
    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE: found once, by check()


def read(request: Request, max_bytes: int) -> QueryRequest:
    """The query operation of a request, or ProtocolError with the status to answer."""
    _check_utf8(request.query_string, "the URL's query string")
    if request.method == "POST":
        content_type = request.mimetype
        if content_type == _UPDATE_TYPE:
            raise _read_only()
        if "query" in request.args:  # the query travels in the body of a POST, once
            raise ProtocolError(400, "a POST carries its query in the body, not in the URL")
        if content_type == _QUERY_TYPE:
            params = request.args
            sparql = _decode(request.get_data(cache=False))
        elif content_type in (_FORM_TYPE, "multipart/form-data"):
            if content_type == _FORM_TYPE:  # cached, so request.form parses the same bytes
                _check_utf8(request.get_data(cache=True), "the form data")
            params = request.form
            sparql = params.get("query")
        else:
            raise ProtocolError(
                415,
                f"POST a query as {_QUERY_TYPE} or as the form field 'query' "
                f"({_FORM_TYPE}); got Content-Type {content_type or 'none'}",
            )
    else:
        params = request.args
        sparql = params.get("query")
    if "update" in params or "update" in request.args:
        raise _read_only()
    if len(params.getlist("query")) > 1:
        raise ProtocolError(400, "give one 'query' parameter, not several")
    form = None if sparql is None else check(sparql, max_bytes)
    return QueryRequest(
        sparql,
        _graphs(params, "default-graph-uri"),
        _graphs(params, "named-graph-uri"),
        params.get("format") or request.args.get("format"),
        form,
    )


def check(sparql: str, max_bytes: int) -> str | None:
    """Size, read-only and no-outbound rules for query text; the query form, if any."""
    size = len(sparql.encode("utf-8"))
    if size > max_bytes:
        raise ProtocolError(
            413, f"the query is {size} bytes; this endpoint takes up to {max_bytes}"
        )
    if not sparql.strip():
        raise ProtocolError(400, "the query is empty")
    form = query_form(sparql)
    if form is None and _UPDATE_START.match(_strip_prologue(sparql)):
        raise _read_only()
    if found := outbound(sparql):
        raise ProtocolError(
            403, f"{found} is not allowed here: queries are answered from this store alone"
        )
    if (depth := nesting(sparql)) > MAX_NESTING:
        raise ProtocolError(
            400, f"the query nests brackets {depth} deep; this endpoint takes up to {MAX_NESTING}"
        )
    return form


_OUTBOUND = re.compile(r"(?<![\w?$:])(SERVICE|LOAD)(?![\w:-])", re.IGNORECASE)
_UPDATE_START = re.compile(
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE
)
_PROLOGUE = re.compile(r"(?:\s+|PREFIX\s+[^:\s]*:\s*|BASE\s+)+", re.IGNORECASE)


def outbound(sparql: str) -> str | None:
    """The keyword that would make the engine reach another host, if any.

    >>> outbound('SELECT * { SERVICE <http://x/> { ?s ?p ?o } }')
    'SERVICE'
    >>> outbound('SELECT * { ?s ?p "SERVICE" . ?s ?service ?o } # LOAD')
    """
    found = _OUTBOUND.search(LEXEMES.sub(" ", sparql))
    return found.group(1).upper() if found else None


def _strip_prologue(sparql: str) -> str:
    bare = LEXEMES.sub(" ", sparql)
    match = _PROLOGUE.match(bare)
    return bare[match.end() :] if match else bare


def _graphs(params: MultiDict, name: str) -> tuple[str, ...]:
    values = tuple(v.strip() for v in params.getlist(name) if v.strip())
    for value in values:
        if not re.fullmatch(r"[a-zA-Z][\w+.-]*:[^\s<>\"{}|^`\\]*", value):
            raise ProtocolError(400, f"{name}={value!r} is not an absolute IRI")
    return values


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtocolError(400, f"the query is not UTF-8 text (byte {err.start})") from None


def _check_utf8(encoded: bytes, where: str) -> None:
    """Werkzeug turns bytes that are not UTF-8 into U+FFFD; a query must not change silently."""
    for pair in encoded.split(b"&"):
        try:
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(400, f"{where} is not UTF-8 text (percent-encoded)") from None


def _read_only() -> ProtocolError:
    return ProtocolError(
        403,
        "this endpoint is read-only: SPARQL Update is not accepted; download the data "
        "from /downloads to change a copy",
    )
