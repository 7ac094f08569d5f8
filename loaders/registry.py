"""Loader for the sourced cluster registry: ``data/registry/*.csv``.

Five tables (clusters, organisations, memberships, programmes, awards), each row carrying
the public page it was taken from in ``source_url``. Each table loads into its own named
graph; rows refer to each other by id, and the build resolves those references across
tables. A row whose source is the cluster's own website counts as *self-claimed*, any other
page as *document-stated*.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, SKOS

from nbkg.graph import namespace as ns
from nbkg.graph.namespace import NBKG
from nbkg.loaders.base import Extraction, Loader, LoadError, Source, read_text, register
from nbkg.loaders.places import is_country_code
from nbkg.loaders.records import Cited, RecordError, RecordWriter
from nbkg.loaders.vocabulary import level_for, sectors_for

COLUMNS: dict[str, list[str]] = {
    "clusters": [
        "id",
        "name",
        "country",
        "region",
        "city",
        "founded",
        "website",
        "focus",
        "participant_count",
        "participant_count_year",
        "source_url",
    ],
    "organisations": ["id", "name", "type", "country", "city", "website", "source_url"],
    "memberships": ["organisation_id", "cluster_id", "role", "source_url"],
    "programmes": ["id", "name", "funder_id", "country", "level", "source_url"],
    "awards": [
        "cluster_id",
        "programme_id",
        "start_year",
        "end_year",
        "amount",
        "currency",
        "source_url",
    ],
}
REQUIRED: dict[str, set[str]] = {
    "clusters": {"id", "name", "country", "source_url"},
    "organisations": {"id", "name", "type", "country", "source_url"},
    "memberships": {"organisation_id", "cluster_id", "role", "source_url"},
    "programmes": {"id", "name", "level", "source_url"},
    "awards": {"cluster_id", "programme_id", "start_year", "source_url"},
}
ROLES = {
    "member": "member",
    "core member": "core-member",
    "r&d partner": "rd-partner",
    "partner": "partner",
    "host": "host",
    "coordinator": "coordinator",
}

Row = dict[str, str]


@register
class RegistryLoader(Loader):
    name = "registry"
    patterns = tuple(f"registry/{table}.csv" for table in COLUMNS)
    description = "sourced registry tables (CSV, one row per fact with its source_url)"

    def extract(self, source: Source) -> Extraction:
        table = Path(source.name).stem
        if not source.path.exists():
            raise LoadError(source.name, None, "file not found")
        if table not in COLUMNS:
            raise LoadError(
                source.name, None, f"unknown registry table; expected one of {', '.join(COLUMNS)}"
            )
        # SimpleMemory: a table's graph is only written, then read once in full; rdflib's
        # default store keeps three indexes and a context table that this never asks.
        extraction = Extraction(source, Graph(store="SimpleMemory"))
        writer = RecordWriter(extraction.graph, extraction.locations)
        handler = _HANDLERS[table]
        websites = _cluster_websites(source.path.parent) if table != "organisations" else {}
        for line, row in _rows(source, table):
            try:
                handler(writer, row, line, websites)
            except (RecordError, ValueError) as err:
                raise LoadError(source.name, line, str(err)) from None
        return extraction


def _rows(source: Source, table: str) -> Iterator[tuple[int, Row]]:
    text = read_text(source.path, source.name)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1  # first line of the record being read: quoted fields can span lines
    try:
        header = next(reader)
        unknown = [c for c in header if c not in COLUMNS[table]]
        if unknown:
            raise LoadError(
                source.name,
                1,
                f"unknown column(s) {', '.join(map(repr, unknown))}; "
                f"{table}.csv has {', '.join(COLUMNS[table])}",
            )
        missing = REQUIRED[table] - set(header)
        if missing:
            raise LoadError(source.name, 1, f"missing column(s) {', '.join(sorted(missing))}")
        start = reader.line_num + 1
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise LoadError(
                    source.name, line, f"{len(fields)} fields where the header has {len(header)}"
                )
            row = {k: v.strip() for k, v in zip(header, fields, strict=True)}
            for column in sorted(REQUIRED[table]):
                if not row.get(column):
                    raise LoadError(source.name, line, f"empty {column}")
            yield line, row
    except csv.Error as err:
        raise LoadError(
            source.name, start, f"malformed CSV: {err} (an unbalanced quote?)"
        ) from None


def _host(url: str) -> str:
    return urlparse(url).netloc.lower().removeprefix("www.")


def _cluster_websites(folder: Path) -> dict[str, str]:
    """Cluster id -> website host, to tell a cluster's own claims from third-party pages."""
    path = folder / "clusters.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            return {
                r["id"]: _host(r["website"])
                for r in csv.DictReader(handle)
                if r.get("id") and r.get("website")
            }
        except (csv.Error, KeyError, UnicodeDecodeError):
            return {}  # clusters.csv reports its own errors when it loads


def _cited(writer: RecordWriter, row: Row, cluster: str | None, websites: dict[str, str]) -> Cited:
    url = row["source_url"]
    if not url.startswith(("http://", "https://")):
        raise RecordError(f"source_url must be an http(s) address, not {url!r}")
    own = cluster and websites.get(cluster) and websites[cluster] == _host(url)
    return Cited(writer.web_page(url), "self-claimed" if own else "document-stated")


def _country(writer: RecordWriter, code: str, cited: Cited, line: int) -> URIRef:
    if not is_country_code(code):
        raise RecordError(f"unknown country code {code!r} (ISO 3166-1 alpha-2, or EU)")
    return writer.country(code, cited, line)


def _place(writer: RecordWriter, node: URIRef, row: Row, cited: Cited, line: int) -> None:
    writer.graph.add((node, NBKG.country, _country(writer, row["country"], cited, line)))
    region = (
        writer.region(row["country"], row["region"], cited, line) if row.get("region") else None
    )
    if region:
        writer.graph.add((node, NBKG.locatedIn, region))
    if row.get("city") and row["city"] != row.get("region"):
        city = writer.region(row["country"], row["city"], cited, line)
        writer.graph.add((node, NBKG.locatedIn, city))
        if region:
            writer.graph.add((city, NBKG.locatedIn, region))


def _website(writer: RecordWriter, node: URIRef, url: str) -> None:
    if url:
        writer.graph.add((node, FOAF.homepage, URIRef(url)))


def _cluster(writer: RecordWriter, row: Row, line: int, websites: dict[str, str]) -> None:
    cited = _cited(writer, row, row["id"], websites)
    node = writer.entity(ns.entity(row["id"]), "Cluster", row["name"], cited, line)
    _place(writer, node, row, cited, line)
    _website(writer, node, row["website"])
    if row["founded"]:
        writer.graph.add((node, NBKG.foundingDate, _year(row["founded"])))
    keywords = [k.strip() for k in row["focus"].split(";") if k.strip()]
    for keyword in keywords:
        writer.graph.add((node, NBKG.keyword, Literal(keyword)))
    for sector in sectors_for(keywords):
        writer.graph.add((node, NBKG.hasSector, sector))
    if row["participant_count"]:
        writer.member_count(
            row["id"],
            row["participant_count"],
            cited,
            line,
            as_of=row["participant_count_year"] or None,
        )


def _organisation(writer: RecordWriter, row: Row, line: int, websites: dict[str, str]) -> None:
    cited = _cited(writer, row, None, websites)
    node = writer.entity(ns.entity(row["id"]), row["type"], row["name"], cited, line)
    _place(writer, node, row, cited, line)
    _website(writer, node, row["website"])


def _membership(writer: RecordWriter, row: Row, line: int, websites: dict[str, str]) -> None:
    role = ROLES.get(row["role"].lower())
    if role is None:
        raise RecordError(f"unknown role {row['role']!r}; use one of {', '.join(ROLES)}")
    cited = _cited(writer, row, row["cluster_id"], websites)
    writer.membership(row["organisation_id"], row["cluster_id"], role, cited, line)


def _programme(writer: RecordWriter, row: Row, line: int, websites: dict[str, str]) -> None:
    cited = _cited(writer, row, None, websites)
    node = writer.entity(ns.entity(row["id"]), "Programme", row["name"], cited, line)
    writer.graph.add((node, NBKG.level, level_for(row["level"])))
    if row["level"] != row["name"]:
        writer.graph.add((node, SKOS.altLabel, Literal(row["level"])))
    if row.get("country"):
        writer.graph.add((node, NBKG.country, _country(writer, row["country"], cited, line)))
    if row.get("funder_id"):
        writer.link(row["id"], NBKG.fundedBy, row["funder_id"])


def _award(writer: RecordWriter, row: Row, line: int, websites: dict[str, str]) -> None:
    cited = _cited(writer, row, row["cluster_id"], websites)
    writer.award(
        row["cluster_id"],
        cited,
        line,
        programme=row["programme_id"],
        amount=row["amount"],
        currency=row["currency"] or None,
        start=_year(row["start_year"]),
        end=_year(row["end_year"]) if row["end_year"] else None,
    )


def _year(value: str) -> Literal:
    if not (len(value) == 4 and value.isdigit()):
        raise RecordError(f"not a year: {value!r} (write four digits, e.g. 2019)")
    return Literal(value, datatype=ns.XSD.gYear)


_HANDLERS: dict[str, Callable[[RecordWriter, Row, int, dict[str, str]], None]] = {
    "clusters": _cluster,
    "organisations": _organisation,
    "memberships": _membership,
    "programmes": _programme,
    "awards": _award,
}
