"""Placeholder: replaced by the search surface."""

from flask import Blueprint

bp = Blueprint("search", __name__)


@bp.get("/search")
def search() -> str:
    return ""


@bp.get("/api/suggest")
def suggest() -> dict:
    return {"results": []}
