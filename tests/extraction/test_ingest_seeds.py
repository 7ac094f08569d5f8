"""The seed texts through `nbkg ingest`: every one loads, the clusters they are about gain
facts with their quoted sentences, nothing known is duplicated, and a second run changes
nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from nbkg.cli import main
from nbkg.graph.oxigraph_store import OxigraphStore

SEEDS = sorted((Path(__file__).parents[2].parent / "shared" / "seeds").glob("*.txt"))
CLUSTERS = ["paper-province", "woodworks", "north-sweden-cleantech", "arctic-cluster-team"]
QUOTED = """
SELECT (COUNT(DISTINCT ?fact) AS ?n) WHERE {
  GRAPH ?g { ?fact ?p ?cluster ; <https://w3id.org/nbkg/def#evidence> ?evidence }
  ?evidence <https://w3id.org/nbkg/def#quote> ?quote
  FILTER (STRSTARTS(STR(?g), "https://w3id.org/nbkg/graph/documents/"))
}"""
DUPLICATES = """
SELECT ?new ?old WHERE {
  GRAPH ?g { ?new a ?type ; <http://www.w3.org/2000/01/rdf-schema#label> ?name }
  FILTER (STRSTARTS(STR(?g), "https://w3id.org/nbkg/graph/documents/"))
  ?old a ?type ; <http://www.w3.org/2000/01/rdf-schema#label> ?other .
  FILTER (?old != ?new && LCASE(STR(?name)) = LCASE(STR(?other)))
}"""


@pytest.mark.slow
def test_ingesting_the_seeds(built_store: Path, tmp_path: Path) -> None:
    assert len(SEEDS) == 5, "../shared/seeds must sit beside the project"
    store = tmp_path / "store"
    shutil.copytree(built_store, store)
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", "--store", str(store), *map(str, SEEDS)])
    assert first.exit_code == 0, first.output
    assert first.output.count("loaded ") == 5
    with OxigraphStore(store, read_only=True) as opened:
        from rdflib import URIRef

        for slug in CLUSTERS:
            cluster = URIRef(f"https://w3id.org/nbkg/id/{slug}")
            assert int(opened.select(QUOTED, {"cluster": cluster})[0]["n"]) >= 1, slug
        assert opened.select(DUPLICATES) == []
    second = runner.invoke(main, ["ingest", "--store", str(store), *map(str, SEEDS)])
    assert second.exit_code == 0 and second.output.count("unchanged ") == 5, second.output
