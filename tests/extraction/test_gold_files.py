"""The project's gold files keep to the contract, so the scores measured on them mean
what the contract says. Seed texts stay outside the project, in ``../shared/seeds``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbkg.extraction.contract import problems, read_text

HERE = Path(__file__).parent
SEEDS = HERE.parents[2] / "shared" / "seeds"
SETS = ("corpus", *(f"heldout{n}" for n in ("", 2, 3, 4, 5, 6)))
CORPUS = [p for d in SETS for p in sorted((HERE / d).glob("*.json"))]
SEED_GOLD = sorted((HERE / "gold" / "seeds").glob("*.json"))


def test_the_corpus_covers_every_language() -> None:
    corpus = [p for p in CORPUS if p.parent.name == "corpus"]
    languages = {json.loads(p.read_text(encoding="utf-8"))["language"] for p in corpus}
    assert languages >= {"sv", "nb", "nn", "da", "fi", "is", "en", "pt"}
    assert len(corpus) >= 12
    assert len(SEED_GOLD) == 5


@pytest.mark.parametrize("gold", CORPUS, ids=lambda p: p.stem)
def test_corpus_gold_keeps_to_the_contract(gold: Path) -> None:
    doc = json.loads(gold.read_text(encoding="utf-8"))
    assert doc["document"] == gold.with_suffix(".txt").name
    assert problems(doc, read_text(gold.with_suffix(".txt"))) == []


@pytest.mark.parametrize("gold", SEED_GOLD, ids=lambda p: p.stem)
def test_seed_gold_keeps_to_the_contract(gold: Path) -> None:
    doc = json.loads(gold.read_text(encoding="utf-8"))
    text = SEEDS / doc["document"]
    if not text.exists():
        pytest.fail(f"the seed text {text.name} is missing: ../shared must sit beside the project")
    assert problems(doc, read_text(text)) == []
