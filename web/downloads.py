"""Placeholder: replaced by the downloads surface."""

from flask import Blueprint

bp = Blueprint("downloads", __name__)


@bp.get("/downloads")
def index() -> str:
    return ""


@bp.get("/dataset")
def dataset() -> str:
    return ""
