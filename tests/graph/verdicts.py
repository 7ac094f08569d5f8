"""What the gate says of files: the ontology's examples, and verdicts in a comparable form.

Shared by the tests that hold two ways of validating to the same verdicts (two engines,
parts against the whole).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from nbkg.graph.build import validate

EXAMPLES = files("nbkg.ontology").joinpath("examples")
EXAMPLE_FILES = sorted(
    (kind, t.name)
    for kind in ("valid", "invalid")
    for t in EXAMPLES.joinpath(kind).iterdir()
    if t.name.endswith(".ttl")
)


def verdicts(paths: list[Path], data: Path) -> list[tuple[str, str, list[str]]]:
    """Source, status and sorted problems of each file, as ``nbkg validate`` judges them."""
    return [(r.source, r.status, sorted(r.problems)) for r in validate(paths, data)]
