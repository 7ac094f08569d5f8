"""``/browse``: lists of clusters, organisations, programmes, projects and funding awards,
with facets, sorting, paging, and the filtered list as CSV or JSON.

``/browse/<kind>?country=NO&year=2016&sort=-year&page=2``; ``/browse/<kind>.csv`` and
``/browse/<kind>.json`` (or ``?format=csv|json``) give every row of the filtered list, not
just one page. The work is done in :mod:`nbkg.web.browse_lists`.
"""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from nbkg.web import browse_lists
from nbkg.web.backend import get_store
from nbkg.web.browse_lists import KINDS, BadParameterError, Kind, Labeller, Table
from nbkg.web.i18n import reader_languages
from nbkg.web.search import current_index

bp = Blueprint("browse", __name__)

FORMATS = ("html", "csv", "json")


def _table(kind: Kind) -> Table:
    return browse_lists.table_for(current_app._get_current_object(), get_store(), kind)  # type: ignore[attr-defined]


@bp.get("/browse")
def index() -> str:
    counts = {name: len(_table(kind)) for name, kind in KINDS.items()}
    return render_template("browse/index.html", kinds=KINDS, counts=counts)


@bp.get("/browse/<kind>")
@bp.get("/browse/<kind>.<fmt>")
def listing(kind: str, fmt: str | None = None) -> Response | str:
    chosen = KINDS.get(kind)
    if chosen is None:
        abort(404)
    fmt = fmt or request.args.get("format") or "html"
    if fmt not in FORMATS:
        return _bad_request(f"format: {fmt!r} is not offered; use csv or json")
    try:
        params = browse_lists.parse(chosen, request.args)
    except BadParameterError as err:
        return _bad_request(str(err))
    table = _table(chosen)
    labeller = Labeller(current_index(), reader_languages())
    page_size = int(current_app.config["PAGE_SIZE"])
    found = browse_lists.listing(table, params, labeller, page_size)
    if fmt != "html":
        records = [browse_lists.record(table, item, labeller) for item in found.items]
        return _download(chosen, params, records, fmt)
    current = {**params.filters, "sort": None if params.sort == chosen.sorts[0] else params.sort}

    def link(fmt: str | None = None, **changes: object) -> str:
        """This list with some parameters changed (None drops one); page 1 unless given."""
        args = {k: v for k, v in {**current, **changes}.items() if v not in (None, "")}
        if fmt:
            return url_for("browse.listing", kind=chosen.name, fmt=fmt, **args)
        return url_for("browse.listing", kind=chosen.name, **args)

    return render_template(
        "browse/listing.html",
        kind=chosen,
        listing=found,
        total=len(found.items),
        rows=[browse_lists.record(table, item, labeller) for item in found.page_items],
        facet_titles=browse_lists.FACET_TITLES,
        link=link,
    )


def _download(kind: Kind, params: browse_lists.Params, records: list[dict], fmt: str) -> Response:
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(browse_lists.csv_rows(kind, records))
        response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        body = {
            "kind": kind.name,
            "filters": params.filters,
            "sort": params.sort,
            "total": len(records),
            "items": records,
        }
        response = Response(
            json.dumps(body, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    response.headers["Content-Disposition"] = f'inline; filename="{kind.name}.{fmt}"'
    response.headers["NBKG-Rows"] = str(len(records))
    return response


def _bad_request(message: str) -> Response:
    return Response(f"{message}\n", status=400, content_type="text/plain; charset=utf-8")
