"""Placeholder: replaced by the canned-queries surface."""

from flask import Blueprint

bp = Blueprint("queries", __name__)


@bp.get("/queries")
def index() -> str:
    return ""
