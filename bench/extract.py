"""Extraction benchmark: 1,000 documents of about 2,000 characters against the gazetteer
of a big graph. Run on demand, not in CI:

    python bench/extract.py --store /tmp/nbkg-1m          # made by bench/generate.py if absent
    python bench/extract.py --store /tmp/nbkg-1m --triples 1000000 --docs 1000

Documents are the project's own corpus texts (tests/extraction/corpus), cut or repeated to
the size asked for, each with names of the big graph's clusters and firms mixed in so that
the gazetteer is hit. Target: under 60 s for 1,000 documents.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from nbkg.extraction.extractor import Gazetteer, extract  # noqa: E402
from nbkg.graph.oxigraph_store import OxigraphStore  # noqa: E402


def documents(count: int, size: int, names: list[str], seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    corpus = HERE.parent / "tests" / "extraction" / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))] or [
        "Tillväxtverket har beviljat The Paper Province 500.000 kronor för projektet. "
    ]
    docs = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) for p in parts) < size:
            parts.append(rng.choice(texts)[: size // 2])
            parts.append(f" {rng.choice(names)} samarbetar med {rng.choice(names)}. ")
        docs.append("".join(parts)[:size])
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--size", type=int, default=2000)
    args = parser.parse_args()
    if not args.store.exists():
        started = time.perf_counter()
        count = generate(args.store, args.triples)
        print(f"generated {count} triples in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    with OxigraphStore(args.store, read_only=True) as store:
        gazetteer = Gazetteer.from_store(store)
    loaded = time.perf_counter() - started
    names = [m.name for ms in gazetteer._exact.values() for m in ms][:5000]
    docs = documents(args.docs, args.size, names)
    started = time.perf_counter()
    entities = facts = 0
    for i, text in enumerate(docs):
        out = extract(text, document=f"bench-{i}.txt", gazetteer=gazetteer)
        entities += len(out["entities"])
        facts += len(out["facts"])
    took = time.perf_counter() - started
    print(f"gazetteer: {len(gazetteer)} names in {loaded:.1f} s")
    print(f"{len(docs)} documents of {args.size} chars: {took:.1f} s "
          f"({entities} entities, {facts} facts); target < 60 s")  # fmt: skip


if __name__ == "__main__":
    main()
