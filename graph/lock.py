"""One build at a time per store: the lock a build and `nbkg serve` take."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from nbkg.graph.store import Store, StoreError, is_remote


@contextmanager
def build_lock(store: Store) -> Iterator[None]:
    """One build at a time per store; a second one fails at once with a clear message."""
    if is_remote(store.location):
        from platformdirs import user_cache_dir

        folder = Path(user_cache_dir("nbkg")) / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (hashlib.sha256(store.location.encode()).hexdigest()[:16] + ".lock")
    else:
        path = Path(store.location).with_name(Path(store.location).name + ".build.lock")
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise StoreError(
            f"another build is writing to {store.location}, or `nbkg serve` is serving it "
            f"(lock {path}); wait for the build or stop the server"
        ) from None
    try:
        yield
    finally:
        lock.release()
