"""The curated records' evidence offsets point at real sentences of their documents.

The documents are third-party texts kept outside the project (``../shared/seeds`` beside a
checkout). When they are there, check each record's SHA-256 and that every span lies inside
the text and names what it is evidence for.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from nbkg.graph.build import bundled_data_dir

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
RECORDS = sorted((bundled_data_dir() / "curated").glob("*.yaml"))


def test_there_is_a_record_for_each_seed_cluster() -> None:
    names = {p.stem for p in RECORDS}
    assert {
        "woodworks",
        "paper-province",
        "arctic-cluster-team",
        "north-sweden-cleantech",
        "upper-norrland-biomass-cluster",
    } <= names


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_evidence_spans_fit_the_document(record: Path) -> None:
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    text_path = SEEDS / data["document"]["file"]
    if not text_path.exists():
        pytest.skip(f"{text_path.name} is not beside the checkout")
    raw = text_path.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == data["document"]["sha256"]
    text = raw.decode("utf-8")
    for entity in data["entities"]:
        start, end = entity["evidence"]
        assert 0 <= start < end <= len(text), entity["id"]
        if entity["type"] not in ("Country",):
            span = text[start:end].lower()
            names = [
                entity.get("name", ""),
                *(entity.get("names") or []),
                entity.get("abbreviation") or "",
            ]
            named_in_text = [n for n in names if n and n.lower() in text.lower()]
            # a descriptive name for something the text does not name is not checked
            if named_in_text:
                assert any(n.lower()[:6] in span for n in named_in_text), (entity["id"], span[:80])
    for fact in data.get("facts") or []:
        start, end = fact["evidence"]
        assert 0 <= start < end <= len(text)
