"""Language knowledge for extraction, read from ``lexicon/<lang>.yaml`` over ``common.yaml``.

Nothing language-specific lives in code: the YAML files hold legal forms, head nouns, known
names, role words, relation cues, month names, number words, currencies and multipliers.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml

LANGUAGES = ("sv", "nb", "nn", "da", "fi", "is", "en", "pt")
FALLBACK = "en"


class _Loader(yaml.SafeLoader):
    """YAML without 1.1 booleans: "no", "on", "yes" are words here, not truth values."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in rules if tag != "tag:yaml.org,2002:bool"]
    for key, rules in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@cache
def _read(name: str) -> dict[str, Any]:
    path = files("nbkg.extraction").joinpath("lexicon", f"{name}.yaml")
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}  # noqa: S506


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = _merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = old + [v for v in value if v not in old]
        else:
            out[key] = value
    return out


@cache
def lexicon(language: str | None) -> dict[str, Any]:
    """The merged lexicon of ``language`` (English cues join every language's, as names
    written in English appear in all of them); unknown languages get the English one."""
    lang = language if language in LANGUAGES else FALLBACK
    merged = _merge(_read("common"), _read(lang))
    if lang != "en":
        english = _read("en")
        for key in ("heads", "prefix_heads", "known"):
            merged[key] = _merge(english.get(key) or {}, merged.get(key) or {})
        merged["roles"] = list(merged.get("roles") or []) + list(english.get("roles") or [])
        merged["legal_forms"] = list(merged.get("legal_forms") or []) + list(
            english.get("legal_forms") or []
        )
    merged["language"] = lang
    return merged


@cache
def stopwords(language: str) -> frozenset[str]:
    return frozenset(str(w).casefold() for w in _read(language).get("stopwords") or [])
