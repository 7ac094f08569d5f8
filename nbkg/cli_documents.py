"""The document commands: ``nbkg extract``, ``nbkg ingest``, ``nbkg evaluate``.

Kept apart from :mod:`nbkg.cli` (which registers them) because they share the extractor,
the reader and the gazetteer, and none of the graph commands need those.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from nbkg.extraction.reader import DocumentError, read_document
from nbkg.graph.store import Store, StoreError, is_remote, open_store, store_location

STORE_HELP = "Store to link entities to (default: NBKG_STORE or the per-user store, if built)."


def _linked_store(setting: str | None) -> Store | None:
    """The store whose names link extracted entities, when there is one to read."""
    location = store_location(setting)
    if not is_remote(location) and not Path(location).exists():
        return None
    try:
        return open_store(location, read_only=True)
    except StoreError as err:
        raise click.ClickException(str(err)) from None


def _extractor(store: Store | None):  # noqa: ANN202 - a callable
    from nbkg.extraction.extractor import extract
    from nbkg.extraction.gazetteer import Gazetteer

    gazetteer = Gazetteer.from_store(store) if store is not None else None

    def run(text: str, name: str, language: str | None = None) -> dict[str, Any]:
        return extract(text, document=name, language=language, gazetteer=gazetteer)

    return run


@click.command("extract")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "language", metavar="XX", help="Language of the text (default: detected).")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "ttl"]), default="json", show_default=True
)
@click.option("--store", "store", metavar="PATH|URL", help=STORE_HELP)
def extract_command(file: Path, language: str | None, fmt: str, store: str | None) -> None:
    """Print the entities and facts of one plain-text document.

    JSON follows the extraction contract; Turtle is what `nbkg ingest` would load.
    """
    try:
        text = read_document(file)
    except DocumentError as err:
        raise click.ClickException(str(err)) from None
    linked = _linked_store(store)
    try:
        result = _extractor(linked)(text, str(file), language)
        if fmt == "json":
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))
            return
        from nbkg.extraction.ingest import store_types
        from nbkg.loaders.documents import DocumentLoader, document_extraction

        source = DocumentLoader().source(file)
        extraction = document_extraction(source, text, result, store_types(linked))
        click.echo(extraction.graph.serialize(format="turtle"), nl=False)
    finally:
        if linked is not None:
            linked.close()


@click.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--store", "store", metavar="PATH|URL", help="Store to load into. [env: NBKG_STORE]")
def ingest_command(files: tuple[Path, ...], store: str | None) -> None:
    """Extract documents, link them to the graph and load each into its own named graph.

    Every document passes the SHACL gate; one that breaks a rule is rejected whole. A
    document loaded before with the same bytes is left unchanged.
    """
    from nbkg.cli import _print_reports
    from nbkg.extraction.ingest import ingest

    try:
        with open_store(store) as opened:
            reports = ingest(opened, files)
    except StoreError as err:
        raise click.ClickException(str(err)) from None
    _print_reports(reports)
    rejected = [r for r in reports if not r.ok]
    click.echo(
        f"{len(reports)} documents: {sum(r.status == 'loaded' for r in reports)} loaded, "
        f"{sum(r.status == 'unchanged' for r in reports)} unchanged, {len(rejected)} rejected"
    )
    if rejected:
        sys.exit(1)


@click.command("evaluate")
@click.argument("gold_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--texts",
    "texts_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder holding the documents when they are not next to the gold files.",
)
@click.option("--store", "store", metavar="PATH|URL", help=STORE_HELP)
@click.option("--no-gazetteer", is_flag=True, help="Extract without linking to any store.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--min-entity-f1", type=float, help="Exit 1 when the total entity F1 is lower.")
@click.option("--min-fact-f1", type=float, help="Exit 1 when the total fact F1 is lower.")
def evaluate_command(
    gold_dir: Path,
    texts_dir: Path | None,
    store: str | None,
    no_gazetteer: bool,
    as_json: bool,
    min_entity_f1: float | None,
    min_fact_f1: float | None,
) -> None:
    """Score the extractor against gold files: precision, recall and F1 for entities and
    facts, per document, per language and in total."""
    from nbkg.extraction.scoring import evaluate

    linked = None if no_gazetteer else _linked_store(store)
    try:
        evaluation = evaluate(gold_dir, _extractor(linked), texts_dir)
    except (DocumentError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    finally:
        if linked is not None:
            linked.close()
    click.echo(json.dumps(evaluation.to_json(), indent=2) if as_json else evaluation.render())
    entity_f1, fact_f1 = evaluation.totals.entities.f1, evaluation.totals.facts.f1
    failed = []
    if min_entity_f1 is not None and entity_f1 < min_entity_f1:
        failed.append(f"entity F1 {entity_f1:.3f} is below {min_entity_f1:.3f}")
    if min_fact_f1 is not None and fact_f1 < min_fact_f1:
        failed.append(f"fact F1 {fact_f1:.3f} is below {min_fact_f1:.3f}")
    if failed:
        click.echo("; ".join(failed), err=True)
        sys.exit(1)
