"""``/search``: ranked full-text search over names; ``/api/suggest``: the same, as JSON for
the search box on every page.

The work is done by the in-memory :class:`~nbkg.web.search_index.NameIndex`; views parse the
request, ask the index and render.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from nbkg.web.backend import get_store
from nbkg.web.i18n import pick, reader_languages
from nbkg.web.links import local_path
from nbkg.web.search_index import Hit, NameIndex, index_for

bp = Blueprint("search", __name__)

#: Longest query read; the rest is ignored.
MAX_QUERY = 200
SUGGESTIONS = 10


def current_index() -> NameIndex:
    return index_for(current_app._get_current_object(), get_store())  # type: ignore[attr-defined]


@bp.get("/search")
def search() -> Response | str:
    q = request.args.get("q", "")[:MAX_QUERY].strip()
    kind = request.args.get("type", "").strip()
    country = request.args.get("country", "").strip().upper()
    page = _page_number(request.args.get("page", "1"))
    if page is None:
        return _bad_request("page must be a whole number from 1")
    index = current_index()
    languages = reader_languages()
    found = index.search(q, kind=kind, country=country)
    size = int(current_app.config["PAGE_SIZE"])
    shown = found.hits[(page - 1) * size : page * size]
    current = {"q": q, "type": kind, "country": country}

    def link(**changes: object) -> str:
        """This search with some parameters changed (None drops one); back to page 1."""
        args = {k: v for k, v in {**current, **changes}.items() if v not in (None, "")}
        return url_for("search.search", **args)

    return render_template(
        "search/results.html",
        link=link,
        q=q,
        kind=kind,
        country=country,
        page=page,
        pages=max(1, -(-len(found.hits) // size)),
        total=len(found.hits),
        results=[present(hit, index, languages) for hit in shown],
        types=[
            {"value": k, "label": _class_label(index, k, languages), "count": n}
            for k, n in sorted(found.types.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        countries=[
            {"value": c, "label": _country_label(index, c, languages), "count": n}
            for c, n in sorted(found.countries.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    )


@bp.get("/api/suggest")
def suggest() -> Response:
    q = request.args.get("q", "")[:MAX_QUERY].strip()
    index = current_index()
    languages = reader_languages()
    hits = index.search(q).hits[:SUGGESTIONS] if q else []
    return jsonify({"query": q, "results": [present(hit, index, languages) for hit in hits]})


def present(hit: Hit, index: NameIndex, languages: Sequence[str]) -> dict[str, Any]:
    """A hit as the page and the JSON show it (plain strings, escaped by whoever renders)."""
    entry = hit.entry
    label = pick(entry.labels, languages)
    other = hit.matched_other_name
    return {
        "iri": entry.iri,
        "label": str(label) if label is not None else entry.iri,
        "type": _class_label(index, entry.kind, languages),
        "kind": entry.kind,
        "country": entry.countries[0] if entry.countries else None,
        "countries": list(entry.countries),
        "page": local_path(entry.iri) or entry.iri,
        "matched": str(other) if other is not None and other != label else None,
    }


def _class_label(index: NameIndex, kind: str, languages: Sequence[str]) -> str:
    label = pick(index.class_labels(kind), languages)
    return str(label) if label is not None else kind


def _country_label(index: NameIndex, code: str, languages: Sequence[str]) -> str:
    label = pick(index.country_labels(code), languages)
    return f"{label} ({code})" if label is not None else code


def _page_number(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else None


def _bad_request(message: str) -> Response:
    return Response(f"{message}\n", status=400, content_type="text/plain; charset=utf-8")
