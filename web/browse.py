"""Placeholder: replaced by the browse surface."""

from flask import Blueprint

bp = Blueprint("browse", __name__)


@bp.get("/browse")
def index() -> str:
    return ""
