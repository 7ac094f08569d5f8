"""Which version of the graph a store holds, as one digest.

An answer computed ahead of time (the release's whole-graph tables) may stand in for a
query only over the graph it was computed from. Every named graph the build loads carries
the digest its gate judged (the source's bytes, the shapes and the loader), so the sorted
pairs of graph and digest name the store's content without reading the content itself:
a few hundred rows however large the graph.
"""

from __future__ import annotations

import hashlib

from nbkg.graph.provenance import graph_digest_query
from nbkg.graph.store import Store


def graph_state(store: Store) -> str:
    """A SHA-256 over the store's named graphs and their gate digests."""
    pairs = sorted(f"{row['g']}\t{row['digest']}\n" for row in store.select(graph_digest_query()))
    return hashlib.sha256("".join(pairs).encode("utf-8")).hexdigest()
