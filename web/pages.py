"""The home page and the pieces every page shares."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, url_for

from nbkg.graph.sparql import canned
from nbkg.web.backend import get_store
from nbkg.web.i18n import reader_languages

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def shared() -> dict[str, object]:
    return {"languages": reader_languages()}


#: The lists a visitor can open from the home page, by the class they count.
_LISTS = {
    "Cluster": ("clusters", "clusters"),
    "Organisation": ("organisations", "organisations"),
    "Programme": ("programmes", "programmes"),
    "Project": ("projects", "projects"),
    "FundingAward": ("awards", "funding awards"),
}


@bp.get("/")
def home() -> str:
    found = {
        str(row["class"]).rpartition("#")[2]: int(row["entities"])
        for row in get_store().select(canned("entities-per-class"))
    }
    counts = [(kind, name, found.get(cls, 0)) for cls, (kind, name) in _LISTS.items()]
    return render_template("home.html", counts=counts)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for this path whatever the page says."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
