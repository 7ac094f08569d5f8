"""One writer per store: the lock a build and `nbkg serve` take.

A build changes files under readers, and Oxigraph's read-only handles are undefined
behaviour while another process writes, so serving an embedded store holds the same lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from nbkg.graph.store import Store, StoreError, is_remote


def lock_path(location: str) -> Path:
    """Beside an embedded store; in the user's cache for a server, keyed by its URL."""
    if is_remote(location):
        from platformdirs import user_cache_dir

        folder = Path(user_cache_dir("nbkg")) / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / (hashlib.sha256(location.encode()).hexdigest()[:16] + ".lock")
    return Path(location).with_name(Path(location).name + ".build.lock")


@contextmanager
def build_lock(store: Store) -> Iterator[None]:
    """One build at a time per store; a second one fails at once with a clear message."""
    path = lock_path(store.location)
    with _held(
        path,
        f"another build is writing to {store.location}, or `nbkg serve` is serving it "
        f"(lock {path}); wait for the build or stop the server",
    ):
        yield


@contextmanager
def serving_lock(location: str) -> Iterator[None]:
    """Hold an embedded store's build lock while serving it; a server needs none."""
    if is_remote(location):
        yield
        return
    with _held(
        lock_path(location),
        f"{location} is being built or served by another process; wait for it or stop it",
    ):
        yield


@contextmanager
def _held(path: Path, busy: str) -> Iterator[None]:
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise StoreError(busy) from None
    try:
        yield
    finally:
        lock.release()
