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


@bp.get("/")
def home() -> str:
    counts = {
        str(row["class"]).rpartition("#")[2]: int(row["entities"])
        for row in get_store().select(canned("entities-per-class"))
    }
    return render_template("home.html", counts=counts)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for this path whatever the page says."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
