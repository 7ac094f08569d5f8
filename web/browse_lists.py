"""The lists behind ``/browse/<kind>``: what each kind shows, filtering by facets, facet
counts, sorting and paging, and the rows of a download.

Each kind is read once per application by one query (``rq/browse-<kind>.rq``) that returns
``(item, key, value)`` rows, one per fact shown or filtered by, and kept in memory as a
:class:`Table`. Filters, counts and order are then worked out here, in Python, so one page
costs no query. Labels come from the search index (:mod:`nbkg.web.search_index`), picked in
the reader's language.

Facet values in URLs are short: a country code (``country=NO``), an entity's slug
(``region=no-trondelag``, ``programme=no-arena``), a concept's or class's local name
(``role=rd-partner``, ``type=Firm``), a year (``year=2016``). They compare without regard
to case.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.resources import files
from typing import Any

from flask import Flask
from rdflib import Literal, Node, URIRef

from nbkg.graph.store import Store
from nbkg.web.i18n import pick
from nbkg.web.links import local_path
from nbkg.web.regions import with_ancestors
from nbkg.web.search_index import NameIndex, fold


@dataclass(frozen=True)
class Column:
    key: str
    title: str


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    #: What the list shows after the name.
    columns: tuple[Column, ...]
    #: Keys readers can filter by (query parameters of the same name).
    facets: tuple[str, ...]
    #: Keys readers can sort by (``sort=key`` or ``sort=-key``); the first is the default.
    sorts: tuple[str, ...] = ("name",)
    #: For kinds without labels: the keys whose labels make up a row's name.
    named_by: tuple[str, ...] = ()


FACET_TITLES = {
    "type": "Type",
    "country": "Country",
    "region": "Region",
    "programme": "Programme",
    "role": "Role",
    "year": "Year",
    "level": "Level",
    "status": "Status",
}
#: Facets whose values read best newest first, not by count.
_BY_VALUE = ("year",)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "clusters",
            "Clusters",
            (
                Column("country", "Country"),
                Column("region", "Regions"),
                Column("programme", "Programmes"),
                Column("year", "Founded"),
            ),
            ("country", "region", "programme", "year"),
            ("name", "country", "year"),
        ),
        Kind(
            "organisations",
            "Organisations",
            (
                Column("type", "Type"),
                Column("country", "Country"),
                Column("region", "Regions"),
                Column("role", "Roles"),
                Column("cluster", "Clusters"),
            ),
            ("type", "country", "region", "role", "year"),
            ("name", "type", "country"),
        ),
        Kind(
            "programmes",
            "Programmes",
            (
                Column("country", "Country"),
                Column("level", "Level"),
                Column("funder", "Funded by"),
                Column("programme", "Part of"),
            ),
            ("country", "level", "programme"),
            ("name", "country"),
        ),
        Kind(
            "projects",
            "Projects",
            (
                Column("country", "Country"),
                Column("region", "Regions"),
                Column("programme", "Programmes"),
                Column("coordinator", "Coordinator"),
                Column("year", "Start"),
            ),
            ("country", "region", "programme", "year"),
            ("name", "country", "year"),
        ),
        Kind(
            "awards",
            "Funding awards",
            (
                Column("recipient", "Recipient"),
                Column("programme", "Programme"),
                Column("funder", "Funder"),
                Column("project", "Project"),
                Column("amount", "Amount"),
                Column("currency", "Currency"),
                Column("start", "Start"),
                Column("end", "End"),
                Column("status", "Status"),
                Column("country", "Country"),
            ),
            ("country", "region", "programme", "year", "status"),
            ("name", "year", "amount", "country"),
            named_by=("recipient", "programme", "funder"),
        ),
    )
}


class BadParameterError(ValueError):
    """A query parameter that cannot be read; ``name`` is the parameter."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


@dataclass(frozen=True)
class Params:
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "name"
    page: int = 1

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


def parse(kind: Kind, args: Mapping[str, str]) -> Params:
    """Read filters, sort and page from query parameters, or say which one is wrong.

    Unknown facet *values* are not errors (they just match nothing); a facet this kind has
    no filter for, a year that is no year, an unknown sort or a page that is no page are.
    """
    filters: dict[str, str] = {}
    for name in FACET_TITLES:
        value = (args.get(name) or "").strip()
        if not value:
            continue
        if name not in kind.facets:
            raise BadParameterError(
                name, f"{kind.name} cannot be filtered by {name}; try {', '.join(kind.facets)}"
            )
        if name == "year" and not (value.isdigit() and len(value) == 4):
            raise BadParameterError(name, f"{value!r} is not a year (four digits, e.g. 2016)")
        if len(value) > 200:
            raise BadParameterError(name, "too long")
        filters[name] = value
    sort = (args.get("sort") or kind.sorts[0]).strip()
    if sort.lstrip("-") not in kind.sorts:
        raise BadParameterError(
            "sort", f"{sort!r} is not a sort of {kind.name}; use {', '.join(kind.sorts)}"
        )
    page_text = (args.get("page") or "1").strip()
    if not (page_text.isdigit() and 0 < int(page_text) < 1_000_000):
        raise BadParameterError("page", f"{page_text!r} is not a page number (1, 2, …)")
    return Params(filters, sort, int(page_text))


def value_id(value: Node) -> str:
    """The short form of a value used in URLs.

    >>> value_id(URIRef("https://w3id.org/nbkg/id/no-arena")), value_id(Literal("NO"))
    ('no-arena', 'NO')
    >>> value_id(URIRef("https://w3id.org/nbkg/def#Firm"))
    'Firm'
    """
    if isinstance(value, URIRef):
        return str(value).rstrip("/").rsplit("/", 1)[-1].rpartition("#")[2]
    return str(value)


class Table:
    """Every item of one kind with its values per key, as the query returned them."""

    def __init__(self, kind: Kind, rows: Iterable[Mapping[str, Node]]) -> None:
        self.kind = kind
        self.items: dict[str, dict[str, list[Node]]] = {}
        for row in rows:
            values = self.items.setdefault(str(row["item"]), {})
            if "key" in row and "value" in row:
                found = values.setdefault(str(row["key"]), [])
                if row["value"] not in found:
                    found.append(row["value"])

        #: Row names by reader languages, worked out once per set of languages.
        self._names: dict[tuple[str, ...], dict[str, str]] = {}

    def __len__(self) -> int:
        return len(self.items)

    def names(self, labeller: Labeller) -> dict[str, str]:
        """Every item's name as the reader sees it (cached per set of languages)."""
        languages = tuple(labeller.languages)
        names = self._names.get(languages)
        if names is None:
            names = {item: labeller.name(self, item) for item in self.items}
            self._names[languages] = names
        return names

    def _matches(self, item: str, filters: Mapping[str, str], skip: str | None = None) -> bool:
        values = self.items[item]
        for key, wanted in filters.items():
            if key == skip:
                continue
            wanted = wanted.casefold()
            if not any(value_id(v).casefold() == wanted for v in values.get(key, ())):
                return False
        return True

    def select(self, filters: Mapping[str, str]) -> list[str]:
        return [item for item in self.items if self._matches(item, filters)]

    def facet_counts(self, key: str, filters: Mapping[str, str]) -> Counter[Node]:
        """How many items have each value of ``key``, under every filter but ``key``'s own."""
        counts: Counter[Node] = Counter()
        for item, values in self.items.items():
            if self._matches(item, filters, skip=key):
                counts.update(values.get(key, ()))
        return counts


class Labeller:
    """Writes values for readers: labels in their languages, numbers and codes as they are."""

    def __init__(self, index: NameIndex, languages: Sequence[str]) -> None:
        self.index = index
        self.languages = languages

    def __call__(self, value: Node) -> str:
        if isinstance(value, URIRef):
            label = pick(self.index.labels(str(value)), self.languages)
            return str(label) if label is not None else value_id(value)
        return str(value)

    def facet_label(self, key: str, value: Node) -> str:
        if key == "country":
            label = pick(self.index.country_labels(str(value)), self.languages)
            return f"{label} ({value})" if label is not None else str(value)
        return self(value)

    def name(self, table: Table, item: str) -> str:
        values = table.items[item]
        label = pick([v for v in values.get("name", ()) if isinstance(v, Literal)], self.languages)
        if label is not None:
            return str(label)
        # Unlabelled (awards): the first key's value, the first of the others, the year.
        keys = table.kind.named_by
        parts = [self(values[keys[0]][0])] if keys and values.get(keys[0]) else []
        via = next((values[k][0] for k in keys[1:] if values.get(k)), None)
        if via is not None:
            parts.append(self(via))
        if values.get("year"):
            parts.append(str(values["year"][0]))
        return " · ".join(parts) or item


@dataclass
class Listing:
    """One page of a filtered, sorted list, with facet counts and every matching item."""

    kind: Kind
    params: Params
    items: list[str]
    page_items: list[str]
    pages: int
    facets: dict[str, list[dict[str, Any]]]


def listing(table: Table, params: Params, labeller: Labeller, page_size: int) -> Listing:
    items = table.select(params.filters)
    items = _sorted(table, items, params, labeller)
    pages = max(1, -(-len(items) // page_size))
    start = (params.page - 1) * page_size
    facets = {}
    for key in table.kind.facets:
        counts = table.facet_counts(key, params.filters)
        chosen = params.filters.get(key, "").casefold()
        entries = [
            {
                "value": value_id(value),
                "label": labeller.facet_label(key, value),
                "count": count,
                "chosen": value_id(value).casefold() == chosen,
            }
            for value, count in counts.items()
        ]
        if key in _BY_VALUE:
            entries.sort(key=lambda e: e["value"], reverse=True)
        else:
            entries.sort(key=lambda e: (-e["count"], fold(e["label"])))
        facets[key] = entries
    return Listing(table.kind, params, items, items[start : start + page_size], pages, facets)


def _sorted(table: Table, items: list[str], params: Params, labeller: Labeller) -> list[str]:
    names = table.names(labeller)
    by_name = sorted(items, key=lambda item: (fold(names[item]), item))
    key = params.sort_key
    if key == "name":
        return by_name[::-1] if params.descending else by_name

    def sort_value(item: str) -> tuple[int, Any]:
        values = table.items[item].get(key, ())
        return min(_comparable(v, labeller) for v in values)

    having = [item for item in by_name if table.items[item].get(key)]
    lacking = [item for item in by_name if not table.items[item].get(key)]
    return sorted(having, key=sort_value, reverse=params.descending) + lacking


def _comparable(value: Node, labeller: Labeller) -> tuple[int, Any]:
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, (int, float, Decimal)) and not isinstance(python, bool):
            return (0, python)
    return (1, fold(labeller(value)))


def record(table: Table, item: str, labeller: Labeller) -> dict[str, Any]:
    """One row for pages and downloads: name, link, and each column's values with labels."""
    values = table.items[item]
    return {
        "iri": item,
        "page": local_path(item) or item,
        "name": table.names(labeller)[item],
        "columns": {
            column.key: [
                {
                    "value": str(v),
                    "label": labeller(v),
                    "page": local_path(str(v)) if isinstance(v, URIRef) else None,
                }
                for v in values.get(column.key, ())
            ]
            for column in table.kind.columns
        },
    }


def csv_rows(kind: Kind, records: Iterable[dict[str, Any]]) -> Iterable[list[str]]:
    """A header, then one row per record; several values in one cell are joined by "; "."""
    yield ["iri", "name", *(column.key for column in kind.columns)]
    for rec in records:
        yield [
            rec["iri"],
            rec["name"],
            *("; ".join(v["label"] for v in rec["columns"][c.key]) for c in kind.columns),
        ]


def _rq(name: str) -> str:
    return files("nbkg.web").joinpath(f"rq/{name}.rq").read_text(encoding="utf-8")


_LOCK = threading.Lock()
_KEY = "nbkg.browse_tables"


def table_for(app: Flask, store: Store, kind: Kind) -> Table:
    """The application's table of one kind, read on first use."""
    tables: dict[str, Table] = app.extensions.setdefault(_KEY, {})
    table = tables.get(kind.name)
    if table is None:
        with _LOCK:
            table = tables.get(kind.name)
            if table is None:
                rows = store.select(_rq(f"browse-{kind.name}"))
                table = Table(kind, with_ancestors(rows, _place_parents(app, store)))
                tables[kind.name] = table
    return table


def _place_parents(app: Flask, store: Store) -> list[dict[str, Node]]:
    """Each place with the places it lies in, read once for every kind's table."""
    parents = app.extensions.get(_PARENTS)
    if parents is None:
        parents = app.extensions[_PARENTS] = store.select(_rq("place-parents"))
    return parents


_PARENTS = "nbkg.browse_place_parents"
