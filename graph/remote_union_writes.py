"""The writes of a remote store that keep its union graph (:mod:`nbkg.graph.remote_union`)
in line: an update's resync, filling the union graph of a store loaded by other means, and
the swap that puts a new version of a graph in place. Mixed into ``RemoteStore``, whose
requests (``_update``), graph listing and Virtuoso detection they use."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from nbkg.graph.remote_dataset import STAGING
from nbkg.graph.remote_union import (
    UNION,
    copy_into,
    resync,
    resync_steps,
    swap,
    swap_steps,
    unlogged,
)
from nbkg.graph.store import StoreError


class UnionWrites:
    location: str
    read_only: bool
    _virtuoso: bool  # the last answer came from Virtuoso
    # the store's own requests
    _update: Callable[..., None]
    _listed_graphs: Callable[[], list[str]]
    _drop_quietly: Callable[[str], None]

    def update(self, sparql: str) -> None:
        """Run the update, then bring the union graph in line (in the same request, but on
        Virtuoso): what an update changed is not known here, so a pass over the whole store,
        as embedded. A store without a union graph keeps none: ``nbkg build`` fills it."""
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only")
        if UNION not in self._listed_graphs():  # queries name each graph until a build
            self._update(sparql)
        elif self._virtuoso:  # the user's update keeps its transaction; the resync cannot
            self._update(sparql)
            self._resync()
        else:
            self._update(f"{sparql} ;\n{resync()}")

    def fill_union(self) -> None:
        """A store whose graphs were loaded by other means gets its union graph: copied
        graph by graph into a staging graph, so that no request holds the whole store
        (Virtuoso caps what one transaction may write), then moved in whole."""
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only")
        listed = self._listed_graphs()
        if UNION in listed or not listed:
            return
        staging = f"{STAGING}{uuid.uuid4()}"
        try:
            for name in listed:
                copy = copy_into(staging, name)
                self._update(unlogged(copy) if self._virtuoso else copy)
            self._update(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{UNION}>")
        except StoreError:
            self._drop_quietly(staging)
            raise

    def _swap(self, staging: str, target: str, settled: Callable[[], bool]) -> None:
        """Swap the new version in and keep the union graph in line: one transaction, or
        on Virtuoso three requests (see ``remote_union``)."""
        if not self._virtuoso:
            self._update(swap(staging, target), settled)
            return
        retract, add, move = swap_steps(staging, target)
        with self._union_at_stake():
            self._update(unlogged(retract))
            self._update(unlogged(add))
            self._update(move, settled)

    def _resync(self) -> None:
        """Bring the union graph in line with the store, on Virtuoso without its
        transaction log."""
        with self._union_at_stake():
            for step in resync_steps():
                self._update(unlogged(step))

    @contextmanager
    def _union_at_stake(self) -> Iterator[None]:
        """Writes outside a transaction: if one fails, the union graph may be half-written,
        so it goes (queries name each graph until a build fills it again)."""
        try:
            yield
        except StoreError:
            self._drop_quietly(UNION)
            raise
