"""``/queries``: the canned queries of ``queries/*.rq`` as pages and as an API.

``/queries`` lists them; ``/queries/<name>`` shows one with a form for its parameters, its
SPARQL and its answer as a table; ``/queries/<name>.json`` (``.csv``, ``.tsv``, ``.xml``),
``?format=`` or an ``Accept`` header naming a results type give the answer as data.
Parameters come as request arguments named like the query's parameters: left out, a
parameter takes its default; given empty, it stays unbound (no filter). Values are turned
into RDF terms by :func:`nbkg.graph.catalogue.bind` and bound by a ``VALUES`` clause; the
query runs in the worker pool under the time limit and the row cap, like ``/sparql``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for

from nbkg.graph.answer_lookup import Stored
from nbkg.graph.catalogue import CannedQuery, ParamError, bind, catalogue
from nbkg.graph.formats import FORMATS
from nbkg.graph.namespace import ID, PREFIXES, SLUG
from nbkg.graph.sparql import with_values
from nbkg.graph.store import QueryError, StoreError
from nbkg.web import negotiation
from nbkg.web.backend import get_pool
from nbkg.web.pool import Job, PoolBusyError, QueryTimeoutError
from nbkg.web.sparql import problem, with_counts
from nbkg.web.stored_answers import stored_answer

bp = Blueprint("queries", __name__)

DATA_FORMATS = negotiation.RESULT_CHOICES
#: Keyboards for the fields (text inputs all, so a rejected value is shown as typed).
_INPUT_MODES = {"integer": "numeric", "year": "numeric", "decimal": "decimal"}
_PLACEHOLDERS = {
    "iri": "id:slug or https://…",
    "integer": "42",
    "decimal": "1234.5",
    "date": "YYYY-MM-DD",
    "year": "YYYY",
    "language": "en, nb, sv…",
}


class RequestFailedError(Exception):
    """A request that ends in an error page or a plain-text problem."""

    def __init__(
        self, status: int, message: str, field: str | None = None, reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field
        self.reason = reason or message  # what the page says next to the field's name


# -- views -------------------------------------------------------------------------------------


@bp.get("/queries")
def index() -> Response | str:
    fmt = request.args.get("format", "")
    if fmt == "json" or (not fmt and _wants_data(("json",))):
        return _listing_json()
    return render_template("queries/index.html", queries=list(catalogue().values()))


@bp.get("/queries/<name>")
def show(name: str) -> Response | str | tuple[str, int]:
    base, fmt = _split(name)
    query = catalogue().get(base)
    html = fmt == "html"
    if query is None:
        message = f"there is no canned query named {base!r}; /queries lists them all"
        if html:
            return render_template("queries/missing.html", name=base), 404
        return problem(404, message)
    given = {p.name: request.args[p.name] for p in query.params if p.name in request.args}
    page = _Page(query, given)
    try:
        bindings = _bindings(query, given)
        page.sparql = _prepare(query, bindings)
        # the release's whole-graph table, where it holds the answer and serves it faster
        page.stored = stored_answer(base, bindings, "json" if html else fmt, _cap())
        result = page.stored.answer if page.stored else _run(page.sparql, "json" if html else fmt)
    except RequestFailedError as err:
        if html:
            page.error = err
            return render_template("queries/show.html", page=page), err.status
        return _problem(err)
    if not html:
        response = Response(result.body, content_type=negotiation.media_type(result.fmt))
    else:
        page.table = _table(query, json.loads(result.body))
        response = Response(render_template("queries/show.html", page=page, answer=result))
    if page.stored:
        response.headers["NBKG-Answer-From"] = f"release built {page.stored.built}"
    return _with_counts(response, result)


# -- helpers -----------------------------------------------------------------------------------


def _split(name: str) -> tuple[str, str]:
    """The query name and the answer format: from a suffix, ``?format=`` or ``Accept``."""
    base, dot, suffix = name.rpartition(".")
    if dot and suffix in DATA_FORMATS:
        return base, suffix
    asked = request.args.get("format", "").strip().lower()
    if asked in ("html", "text/html"):
        return name, "html"
    if asked:
        try:
            return name, negotiation.named(asked, DATA_FORMATS)
        except negotiation.NotAcceptableError:
            return name, "html"  # the page then says what went wrong
    if _wants_data(DATA_FORMATS):
        return name, negotiation.negotiate(request.accept_mimetypes, DATA_FORMATS)
    return name, "html"


def _wants_data(choices: tuple[str, ...]) -> bool:
    """Whether ``Accept`` ranks one of the data formats above HTML (a browser does not)."""
    accept = request.accept_mimetypes
    offered = ["text/html", *(FORMATS[c].media_type for c in choices)]
    if "json" in choices:
        offered.append("application/json")
    best = accept.best_match(offered, default="text/html")
    return best != "text/html"


def _prepare(query: CannedQuery, bindings: dict[str, Any]) -> str:
    """The query text with the visitor's values bound; RequestFailedError names a bad one."""
    try:
        return with_values(query.sparql, bindings)
    except ValueError as err:
        raise RequestFailedError(400, str(err)) from None


def _bindings(query: CannedQuery, given: dict[str, str]) -> dict[str, Any]:
    bad_format = request.args.get("format", "").strip().lower()
    if bad_format and bad_format not in ("html", "text/html"):
        try:
            negotiation.named(bad_format, DATA_FORMATS)
        except negotiation.NotAcceptableError as err:
            raise RequestFailedError(406, str(err), "format") from None
    try:
        return bind(query, given)
    except ParamError as err:
        raise RequestFailedError(400, str(err), err.param, err.reason) from None


def _cap() -> int:
    return int(current_app.config["ROW_CAP"])


def _run(sparql: str, fmt: str) -> Any:
    try:
        return get_pool().run(Job(sparql, fmt, _cap()))
    except QueryError as err:
        raise RequestFailedError(500, f"the canned query failed: {err}") from None
    except (QueryTimeoutError, PoolBusyError) as err:
        raise RequestFailedError(503, str(err)) from None
    except StoreError as err:
        raise RequestFailedError(502, str(err)) from None


def _problem(err: RequestFailedError) -> Response:
    return problem(err.status, err.message, retry_after=5 if err.status == 503 else None)


def _with_counts(response: Response, result: Any) -> Response:
    return with_counts(response, result, int(current_app.config["ROW_CAP"]))


def _listing_json() -> Response:
    listing = [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "tags": list(q.tags),
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "default": p.default,
                    "required": p.required,
                    "description": p.description,
                }
                for p in q.params
            ],
            "page": url_for("queries.show", name=q.name, _external=True),
            "json": url_for("queries.show", name=f"{q.name}.json", _external=True),
            "csv": url_for("queries.show", name=f"{q.name}.csv", _external=True),
        }
        for q in catalogue().values()
    ]
    body = json.dumps({"queries": listing}, ensure_ascii=False, indent=1)
    return Response(body, content_type="application/json; charset=utf-8")


# -- what the page shows -----------------------------------------------------------------------


@dataclass
class Field:
    name: str
    type: str
    value: str
    required: bool
    description: str
    default: str | None
    input_mode: str
    placeholder: str


@dataclass
class Cell:
    text: str
    href: str | None = None
    external: bool = False
    title: str | None = None
    lang: str | None = None


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Cell]]


class _Page:
    """Everything ``queries/show.html`` needs."""

    def __init__(self, query: CannedQuery, given: dict[str, str]) -> None:
        self.query = query
        self.sparql: str | None = None
        self.error: RequestFailedError | None = None
        self.table: Table | None = None
        self.stored: Stored | None = None  # the answer came from the release
        self.fields = [
            Field(
                p.name,
                p.type,
                given[p.name] if p.name in given else _shown(p.type, p.default),
                p.required,
                p.description,
                _shown(p.type, p.default) or None,
                _INPUT_MODES.get(p.type, "text"),
                _PLACEHOLDERS.get(p.type, ""),
            )
            for p in query.params
        ]
        # links carry the same values: a cleared field stays cleared, a default is spelled out
        self.args = {f.name: f.value for f in self.fields if f.value or f.default is not None}

    def link(self, fmt: str) -> str:
        path = url_for("queries.show", name=f"{self.query.name}.{fmt}")
        return f"{path}?{urlencode(self.args)}" if self.args else path

    def editor_link(self) -> str:
        """The SPARQL editor with this query (as bound) in a tab: the editor reads its
        permalinks' fragment, ``#query=…&tabTitle=…``; a ``?query=`` would run it instead."""
        fragment = urlencode(
            {"query": self.sparql or self.query.sparql, "tabTitle": self.query.title},
            quote_via=quote,
        )
        return f"{url_for('sparql.endpoint')}#{fragment}"


def _table(query: CannedQuery, answer: dict[str, Any]) -> Table:
    columns = list(answer.get("head", {}).get("vars", []))
    label_of = {}
    for column in columns:
        for candidate in (query.labels.get(column), f"{column}Name", f"{column}Label"):
            if candidate and candidate in columns and candidate != column:
                label_of[column] = candidate
                break
    rows = []
    for binding in answer.get("results", {}).get("bindings", []):
        row = []
        for column in columns:
            term = binding.get(column)
            label = binding.get(label_of[column], {}) if column in label_of else {}
            row.append(_cell(term, label.get("value")))
        rows.append(row)
    return Table(columns, rows)


def _cell(term: dict[str, str] | None, label: str | None) -> Cell:
    if term is None:
        return Cell("")
    value = term.get("value", "")
    if term.get("type") == "uri":
        short = _compact(value)
        slug = value[len(str(ID)) :] if value.startswith(str(ID)) else None
        if slug is not None and SLUG.fullmatch(slug):
            return Cell(label or short, f"{request.script_root}/page/{slug}", title=short)
        if value.startswith(("http://", "https://")) and short == value:
            return Cell(value, value, external=True)
        return Cell(short, title=value)
    if term.get("type") == "bnode":
        return Cell(f"_:{value}")
    return Cell(value, lang=term.get("xml:lang"))


def _shown(kind: str, default: str | None) -> str:
    """A default as the form shows it: IRIs as prefixed names where a prefix fits."""
    if default is None:
        return ""
    return _compact(default) if kind == "iri" else default


def _compact(iri: str) -> str:
    best = max(
        ((prefix, ns) for prefix, ns in PREFIXES.items() if iri.startswith(ns)),
        key=lambda pair: len(pair[1]),
        default=None,
    )
    return f"{best[0]}:{iri[len(best[1]) :]}" if best else iri
