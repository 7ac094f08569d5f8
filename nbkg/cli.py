"""The ``nbkg`` command: build, check, query and export the knowledge graph.

Every command takes ``--store`` (or ``NBKG_STORE``): a directory for the embedded store or the
http(s) URL of a SPARQL 1.1 query endpoint. Exit status: 0 on success, 1 when data or a query
is rejected, 2 for usage errors.
"""

from __future__ import annotations

import gc
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rdflib import Literal, Node, URIRef

import nbkg
from nbkg.graph import formats
from nbkg.graph.answer_lookup import Stored, UnreadableAnswerError, release_answer
from nbkg.graph.build import SourceReport, build, bundled_data_dir, validate
from nbkg.graph.catalogue import CannedQuery, catalogue, to_term
from nbkg.graph.lock import build_lock, serving_lock
from nbkg.graph.namespace import PREFIXES
from nbkg.graph.release import release_folder, write_release
from nbkg.graph.sparql import canned, query_form, with_values
from nbkg.graph.state import graph_state
from nbkg.graph.store import Store, StoreError, is_remote, open_store, store_location
from nbkg.output import table

if TYPE_CHECKING:
    from flask import Flask

_NO_QUERY = CannedQuery("", "", "", "")
STORE_HELP = "Store: a directory (embedded Oxigraph) or a SPARQL endpoint URL. [env: NBKG_STORE]"
store_option = click.option("--store", "store", metavar="PATH|URL", help=STORE_HELP)
answers_option = click.option(
    "--answers/--no-answers",
    default=True,
    show_default=True,
    help="Put each canned query's whole-graph answer in the release (as long as they take).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(nbkg.__version__, prog_name="nbkg")
def main() -> None:
    """Nordic Bioeconomy Knowledge Graph: clusters, members, programmes and funding as RDF."""


def _open(store: str | None, *, read_only: bool = False) -> Store:
    try:
        return open_store(store, read_only=read_only)
    except StoreError as err:
        raise click.ClickException(str(err)) from None


def _print_reports(reports: list[SourceReport]) -> None:
    width = max((len(r.source) for r in reports), default=10)
    for r in reports:
        colour = "green" if r.ok else "red"
        click.echo(
            f"{click.style(r.status.ljust(9), fg=colour)} {r.source.ljust(width)} "
            f"{r.triples:>7} triples"
        )
        for problem in r.problems:
            click.echo(f"    {problem}", err=True)


@main.command("build")
@store_option
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Data folder to load (default: the bundled data).",
)
@click.option("--force", is_flag=True, help="Reload sources even when unchanged.")
@click.option(
    "--no-release",
    is_flag=True,
    help="Do not write the release (dumps, VoID, validation report) beside an embedded store.",
)
@answers_option
def build_command(
    store: str | None, data_dir: Path | None, force: bool, no_release: bool, answers: bool
) -> None:
    """Load every source through the SHACL gate into the store.

    A source that breaks a constraint is rejected whole and its previous version stays.
    For an embedded store the release (compressed dumps, VoID description, validation
    report) is then written to STORE.release beside it; for a remote store use
    `nbkg export --release DIR`.
    """
    reports, folder, manifest = _build_and_release(
        store, data_dir, force, not no_release, answers=answers
    )
    _report_build(reports, store, folder, manifest)
    if any(not r.ok for r in reports):
        sys.exit(1)


def _build_and_release(
    store: str | None, data_dir: Path | None, force: bool, release: bool, *, answers: bool = True
) -> tuple[list[SourceReport], Path | None, dict | None]:
    """Build, then (embedded stores) write the release beside the store."""
    built_at = datetime.now(timezone.utc)
    folder = manifest = None
    with _open(store) as opened:
        try:
            reports = build(opened, data_dir or bundled_data_dir(), force=force)
        except StoreError as err:
            raise click.ClickException(str(err)) from None
        if release and not is_remote(opened.location):
            folder = release_folder(opened.location)
            try:
                with build_lock(opened):
                    manifest = write_release(opened, folder, reports, built_at, answers=answers)
            except (StoreError, OSError) as err:
                raise click.ClickException(f"the release was not written: {err}") from None
    return reports, folder, manifest


def _report_build(
    reports: list[SourceReport], store: str | None, folder: Path | None, manifest: dict | None
) -> None:
    _print_reports(reports)
    rejected = [r for r in reports if not r.ok]
    loaded = sum(r.status == "loaded" for r in reports)
    click.echo(
        f"{len(reports)} sources: {loaded} loaded, "
        f"{sum(r.status == 'unchanged' for r in reports)} unchanged, "
        f"{len(rejected)} rejected; store: {store_location(store)}"
    )
    if folder is not None and manifest is not None:
        click.echo(f"release: {folder} ({_release_summary(manifest)})")


def _release_summary(manifest: dict) -> str:
    dumps = [f for f in manifest["files"] if f.get("kind") == "dump"]
    size = sum(f["bytes"] for f in dumps)
    tables = sum(f.get("kind") == "answer" for f in manifest["files"])
    return (
        f"{len(dumps)} dumps, {manifest['triples']} triples, {size} bytes compressed, "
        f"{tables} answer tables"
    )


@main.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def validate_command(paths: tuple[Path, ...]) -> None:
    """Check data files (CSV, YAML, RDF) against the shapes without loading them."""
    reports = validate(list(paths))
    _print_reports(reports)
    if not all(r.ok for r in reports):
        sys.exit(1)


def _parse_param(text: str) -> tuple[str, Node]:
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise click.BadParameter(f"{text!r}: write NAME=VALUE", param_hint="--param")
    if value.startswith("<") and value.endswith(">"):
        return name, URIRef(value[1:-1])
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES and " " not in value:
        return name, URIRef(PREFIXES[prefix] + local)
    return name, Literal(value)


@main.command("query")
@click.argument("sparql", required=False)
@click.option(
    "--file",
    "-f",
    "file",
    type=click.File("r", encoding="utf-8"),
    help="Read the query from a .rq file ('-' for standard input).",
)
@click.option("--canned", "-q", "name", metavar="NAME", help="Run queries/NAME.rq.")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind ?NAME to VALUE (id:slug, <iri> or text), safely escaped.",
)
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", *formats.FORMATS]),
)
@click.option(
    "--live",
    is_flag=True,
    help="Run a canned query even where the release beside the store holds its answer.",
)
@store_option
def query_command(
    sparql: str | None,
    file: click.utils.LazyFile | None,
    name: str | None,
    params: tuple[str, ...],
    fmt: str,
    live: bool,
    store: str | None,
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) against the store.

    A canned query is answered from the release written beside an embedded store while the
    store holds the graph the release was computed from (the same rows; at ten million
    triples several reports take minutes to run); --live runs it."""
    given = [x for x in (sparql, file, name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of QUERY, --file or --canned")
    text = sparql or (file.read() if file else _canned(name))  # type: ignore[arg-type]
    form = query_form(text)
    if form is None:
        raise click.ClickException(
            "only queries are run here (SELECT, ASK, CONSTRUCT, DESCRIBE); "
            "the store is changed only by `nbkg build`"
        )
    bindings = dict(_parse_param(p) for p in params)
    if name:
        bindings.update(_typed(name, params))
    try:
        text = with_values(text, bindings)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--param") from None
    wanted = fmt
    if fmt == "table":
        wanted = "json" if form in ("SELECT", "ASK") else "ttl"
    with _open(store, read_only=True) as opened:
        stored = _from_release(opened, name, bindings, wanted) if name and not live else None
        try:
            output = stored.answer.body if stored else opened.query(text, wanted)
        except StoreError as err:
            raise click.ClickException(str(err)) from None
    if fmt == "table" and form in ("SELECT", "ASK"):
        click.echo(table(output))
    else:
        click.echo(output.decode("utf-8"), nl=False)


def _from_release(opened: Store, name: str, bindings: dict[str, Node], fmt: str) -> Stored | None:
    """The release's answer beside an embedded store, if it is for the graph the store holds;
    says so on standard error."""
    if is_remote(opened.location) or formats.get(fmt).kind != "results":
        return None
    try:
        stored = release_answer(
            release_folder(opened.location), name, bindings, fmt, None, lambda: graph_state(opened)
        )
    except UnreadableAnswerError as err:
        click.echo(f"warning: {err}; running the query", err=True)
        return None
    if stored is not None:
        click.echo(
            f"answered from the release written {stored.built} ({stored.file}), computed from "
            "the graph the store holds; --live runs the query",
            err=True,
        )
    return stored


def _typed(name: str, params: tuple[str, ...]) -> dict[str, Node]:
    """Values for a canned query's declared parameters, read by their declared type
    (``-p year=2013`` binds an xsd:gYear, ``-p cluster=paper-province`` an entity IRI).
    Parameters left out stay unbound here, so the query covers every value."""
    declared = {p.name: p for p in catalogue().get(name, _NO_QUERY).params}
    typed: dict[str, Node] = {}
    for text in params:
        key, _, value = text.partition("=")
        if key in declared:
            try:
                typed[key] = to_term(declared[key], value)
            except ValueError as err:
                raise click.BadParameter(str(err), param_hint="--param") from None
    return typed


def _canned(name: str) -> str:
    try:
        return canned(name)
    except FileNotFoundError:
        raise click.BadParameter(f"no canned query {name!r}", param_hint="--canned") from None


@main.command("export")
@click.option(
    "--format",
    "fmt",
    default="nq",
    show_default=True,
    type=click.Choice(list(formats.GRAPH_FORMATS)),
    help="nq, trig and jsonld keep the named graphs; ttl, nt and rdf merge them.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@click.option(
    "--release",
    "release",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the whole release (compressed dumps, VoID, report, manifest) into this folder.",
)
@answers_option
@store_option
def export_command(
    fmt: str, output: Path | None, release: Path | None, answers: bool, store: str | None
) -> None:
    """Dump the whole graph, or write a release of it (--release DIR)."""
    if release and output:
        raise click.UsageError("give either --output or --release, not both")
    with _open(store, read_only=True) as opened:
        if release:
            try:
                manifest = write_release(opened, release, answers=answers)
            except (StoreError, OSError) as err:
                raise click.ClickException(f"the release was not written: {err}") from None
            click.echo(f"release: {release} ({_release_summary(manifest)})", err=True)
        elif output:
            with output.open("wb") as handle:
                opened.dump(handle, fmt)
            click.echo(f"wrote {output} ({output.stat().st_size} bytes, {fmt})", err=True)
        else:
            opened.dump(sys.stdout.buffer, fmt)


@main.command("stats")
@store_option
def stats_command(store: str | None) -> None:
    """Triples per named graph and entities per class."""
    with _open(store, read_only=True) as opened:
        for query in ("triples-per-graph", "entities-per-class"):
            click.echo(table(opened.query(canned(query), "json")))
            click.echo()


@main.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=24, show_default=True, type=int, help="Request threads.")
@click.option(
    "--build/--no-build",
    "build_first",
    default=False,
    help="Build the store from the bundled data (or --data) before serving.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Data folder for --build (default: the bundled data).",
)
def serve_command(
    store: str | None, host: str, port: int, threads: int, build_first: bool, data_dir: Path | None
) -> None:
    """Serve the web front end and the SPARQL endpoint with waitress.

    The store is opened read-only; while it is served, `nbkg build` on the same embedded
    store waits for the server to stop.
    """
    from waitress import serve

    from nbkg.web import create_app

    if build_first:
        reports, folder, manifest = _build_and_release(store, data_dir, False, True)
        _report_build(reports, store, folder, manifest)
    location = store_location(store)
    try:
        with serving_lock(location):
            app = create_app({"STORE": location})
            _index_names(app)
            # What start-up loaded (the name index: hundreds of thousands of objects) lives
            # as long as the server; each search makes as many short-lived ones. Left to the
            # collector, every full collection walked the index: a search's p95 was four
            # times its median at a million triples. Frozen, they are never walked again.
            gc.freeze()
            click.echo(f"nbkg serving {location} on http://{host}:{port}/ (Ctrl-C stops)")
            serve(app, host=host, port=port, threads=threads, ident="nbkg")
    except StoreError as err:
        raise click.ClickException(str(err)) from None


def _index_names(app: Flask) -> None:
    """Build the search index before the first visitor waits seconds for it."""
    from nbkg.web.search import current_index

    try:
        with app.app_context():
            current_index()
    except StoreError as err:
        click.echo(f"warning: names not indexed yet ({err}); the first search will try again")


def _register_document_commands() -> None:
    from nbkg.cli_documents import evaluate_command, extract_command, ingest_command

    for command in (extract_command, ingest_command, evaluate_command):
        main.add_command(command)


_register_document_commands()
