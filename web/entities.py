"""Placeholder: replaced by the entity pages."""

from flask import Blueprint

bp = Blueprint("entities", __name__)


@bp.get("/def")
def ontology() -> str:
    return ""
