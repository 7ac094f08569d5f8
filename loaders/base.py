"""The loader contract and the registry of loaders, one per kind of source.

A loader reads one source file and returns its RDF as a :class:`Extraction`: the triples
for that source's named graph plus, for every subject, where in the file it came from, so
that the SHACL gate can point a reader at ``file:line``. Loaders register themselves with
:func:`register`; outside packages can add loaders through the ``nbkg.loaders`` entry-point
group.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import ClassVar

from rdflib import Graph, URIRef

from nbkg.graph.namespace import source_graph


class LoadError(Exception):
    """A source cannot be read. Carries ``file:line`` so the user can go straight there."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Source:
    """One source file, named relative to the data folder it was found in."""

    path: Path
    name: str  # relative path, as shown to users and recorded in PROV
    loader: str
    companions: tuple[Path, ...] = ()  # further files read as part of this source

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256(self.path.read_bytes())
        for extra in self.companions:
            digest.update(extra.read_bytes())
        return digest.hexdigest()

    @property
    def graph(self) -> URIRef:
        return source_graph(self.loader, Path(self.name).stem)


@dataclass
class Extraction:
    """What a loader made of one source."""

    source: Source
    graph: Graph
    locations: dict[URIRef, int] = field(default_factory=dict)  # subject -> line
    described_by: list[URIRef] = field(default_factory=list)  # documents or pages cited
    graph_iri: URIRef | None = None  # defaults to the source's own graph

    @property
    def target(self) -> URIRef:
        return self.graph_iri or self.source.graph

    def where(self, node: URIRef) -> str:
        line = self.locations.get(node)
        return f"{self.source.name}:{line}" if line else self.source.name


class Loader:
    """Base class: subclasses set ``name`` and ``patterns`` and implement :meth:`extract`."""

    name: ClassVar[str]
    patterns: ClassVar[tuple[str, ...]]  # globs under the data folder
    description: ClassVar[str] = ""

    def sources(self, data_dir: Path) -> list[Source]:
        found = sorted({p for pattern in self.patterns for p in data_dir.glob(pattern)})
        return [self.source(p, data_dir) for p in found if p.is_file()]

    def source(self, path: Path, data_dir: Path | None = None) -> Source:
        try:
            name = (
                path.resolve().relative_to(data_dir.resolve()).as_posix() if data_dir else path.name
            )
        except ValueError:
            name = path.name
        return Source(path=path, name=name, loader=self.name)

    def extract(self, source: Source) -> Extraction:
        raise NotImplementedError


_LOADERS: dict[str, type[Loader]] = {}


def register(cls: type[Loader]) -> type[Loader]:
    """Class decorator adding a loader to the registry under its ``name``."""
    _LOADERS[cls.name] = cls
    return cls


def loaders() -> dict[str, Loader]:
    """Every registered loader, bundled ones first, then those from entry points."""
    import nbkg.loaders.curated  # noqa: F401  (registers itself)
    import nbkg.loaders.documents  # noqa: F401
    import nbkg.loaders.ontology  # noqa: F401
    import nbkg.loaders.rdf  # noqa: F401
    import nbkg.loaders.registry  # noqa: F401

    for ep in entry_points(group="nbkg.loaders"):
        register(ep.load())
    return {name: cls() for name, cls in _LOADERS.items()}


def loader_for(path: Path) -> Loader:
    """Pick the loader for a file given on the command line, by the folder and suffix it has."""
    candidates = list(loaders().values())
    for loader in candidates:
        if any(path.match(p) for p in loader.patterns):
            return loader
    by_suffix: dict[str, Callable[[], Loader]] = {
        ".csv": lambda: loaders()["registry"],
        ".yaml": lambda: loaders()["curated"],
        ".yml": lambda: loaders()["curated"],
    }
    if path.suffix in by_suffix:
        return by_suffix[path.suffix]()
    return loaders()["rdf"]


def read_text(path: Path, name: str) -> str:
    """Read a source as UTF-8, refusing empty files and other encodings with a clear message."""
    if not path.exists():
        raise LoadError(name, None, "file not found")
    data = path.read_bytes()
    if not data.strip():
        raise LoadError(name, None, "file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise LoadError(
            name, line, f"not UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8"
        ) from None
