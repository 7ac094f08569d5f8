"""One SPARQL request to a server, as SPARQLWrapper sends it: the query, the format asked
for and the dataset the query is to read, and what its failures mean. Retrying is the
store's (``RetryError`` marks a failure worth another try)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from http.client import HTTPException, IncompleteRead
from urllib.error import HTTPError, URLError

from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from nbkg.graph import formats
from nbkg.graph.remote_dataset import virtuoso_dataset
from nbkg.graph.remote_dialects import advice, lasting_error
from nbkg.graph.store import QueryError

TIMEOUT = 300
RETRY_STATUS = {429, 500, 502, 503, 504}
# SPARQLWrapper turns these HTTP answers into its own exceptions
_STATUS = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}

_COMMENT_LINE = re.compile(r"^[ \t]*#[^\n]*$", re.M)


class RetryError(Exception):
    """One attempt failed in a way worth another try."""


def sibling(url: str, name: str) -> str:
    """The endpoint ``name`` beside a query endpoint: …/query or …/sparql -> …/name."""
    base, _, last = url.rstrip("/").rpartition("/")
    return f"{base}/{name}" if last in ("query", "sparql") else f"{url.rstrip('/')}/{name}"


def is_sparql(url: str) -> bool:
    """Whether a query endpoint is Virtuoso's kind, …/sparql."""
    return url.rstrip("/").rpartition("/")[2] == "sparql"


def graph_twin(fmt: str) -> str:
    """The graph format a results format name stands for when a query gives a graph."""
    return {"json": "jsonld", "xml": "rdf"}.get(fmt, fmt)


def request(location: str, sparql: str, fmt: str) -> SPARQLWrapper:
    """A POST of ``sparql`` asking for ``fmt``; QueryError if the query cannot give it."""
    client = SPARQLWrapper(location)
    client.setMethod(POST)
    client.setOnlyConneg(True)  # the Accept header alone chooses the format
    with warnings.catch_warnings():  # SPARQLWrapper warns on text it cannot classify
        warnings.simplefilter("ignore", RuntimeWarning)
        # SPARQLWrapper reads the kind of request from the text, comments included: a
        # comment saying "clear" made a query an update, sent as update=
        client.setQuery(_COMMENT_LINE.sub("", sparql))
    client.setTimeout(TIMEOUT)
    graph_result = client.queryType in ("CONSTRUCT", "DESCRIBE")
    wanted = formats.get(graph_twin(fmt) if graph_result else fmt)
    if graph_result and wanted.kind == "results":
        raise QueryError(
            f"format {fmt!r} is for SELECT/ASK results; CONSTRUCT and DESCRIBE give "
            f"{', '.join(formats.GRAPH_FORMATS)}"
        )
    if not graph_result and wanted.kind != "results":
        raise QueryError(
            f"format {fmt!r} is for graphs; SELECT and ASK give {', '.join(formats.RESULT_FORMATS)}"
        )
    client.addCustomHttpHeader("Accept", wanted.media_type)
    return client


def read_from(
    client: SPARQLWrapper, default: Sequence[str], named: Sequence[str], *, pragmas: bool
) -> None:
    """Give the request its dataset: as protocol parameters, or as Virtuoso's ``DEFINE``
    pragmas (``pragmas``), since Virtuoso echoes each parameter as a response header."""
    if pragmas:
        client.queryString = virtuoso_dataset(default, named) + client.queryString
        return
    for graph in default:
        client.addDefaultGraph(graph)
    for graph in named:
        client.addNamedGraph(graph)


def send(client: SPARQLWrapper, location: str) -> tuple[bytes, str | None]:
    """The answer's body and ``Server`` header; RetryError for a failure worth another try
    (no connection, a busy server), QueryError for one that would only repeat."""
    try:
        response = client.query().response
        return response.read(), response.headers.get("Server")
    except HTTPError as err:
        body = err.read().decode("utf-8", "replace")[:500]
        if err.code in RETRY_STATUS and not lasting_error(body):
            raise RetryError(f"{location} answered {err.code}: {body}") from None
        raise QueryError(f"{location} answered {err.code}: {body}{advice(body)}") from None
    except SPARQLWrapperException as err:
        status = _STATUS.get(type(err).__name__, "an error")
        if status in RETRY_STATUS and not lasting_error(str(err)):
            raise RetryError(f"{location} answered {status}: {err}") from None
        raise QueryError(f"{location} answered {status}: {err}{advice(str(err))}") from None
    except (URLError, OSError, IncompleteRead) as err:
        raise RetryError(f"cannot reach {location}: {err}") from None
    except HTTPException as err:  # an answer Python's HTTP client cannot read
        raise QueryError(f"{location} sent an unreadable answer: {err}") from None
