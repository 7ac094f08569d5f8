"""Visitors' SPARQL queries run in worker processes, each with its own read-only store.

Oxigraph cannot interrupt a query once it runs, and a thread cannot be killed; a process
can. A query that outlives the time limit is stopped by ending its worker, which is then
replaced, so the answer is a clean error and no other request waits on it. Workers are
started with ``spawn``: forking a process that already runs server threads is unsafe.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection

from nbkg.graph.answers import Answer
from nbkg.graph.store import QueryError, StoreError, open_store


class QueryTimeoutError(StoreError):
    """The query ran past the time limit and was stopped."""


class PoolBusyError(StoreError):
    """Every worker stayed busy for the whole time limit."""


@dataclass(frozen=True)
class Job:
    sparql: str
    fmt: str
    limit: int | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def _work(location: str, conn: Connection) -> None:
    """A worker's life: open the store read-only, answer jobs until the pipe closes."""
    store = open_store(location, read_only=True)
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = store.run(
                job.sparql,
                job.fmt,
                limit=job.limit,
                default_graphs=job.default_graphs,
                named_graphs=job.named_graphs,
            )
            conn.send(("ok", answer))
        except QueryError as err:
            conn.send(("query", str(err)))
        except Exception as err:  # noqa: BLE001 - reported to the caller, the worker lives on
            conn.send(("store", f"{type(err).__name__}: {err}"))


class _Worker:
    def __init__(self, context: multiprocessing.context.BaseContext, location: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_work, args=(location, child), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """A fixed number of workers; :meth:`run` borrows one per query."""

    def __init__(self, location: str, *, size: int = 4, timeout: float = 20.0) -> None:
        self.location, self.timeout = location, timeout
        self._context = multiprocessing.get_context("spawn")
        # Last in, first out: the worker that just answered takes the next query, its caches
        # still warm; under light load the others stay asleep instead of taking turns.
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for _ in range(max(1, size)):
            self._idle.put(self._start())

    def run(self, job: Job) -> Answer:
        """The answer, or QueryError (bad query), QueryTimeoutError, PoolBusyError, StoreError."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolBusyError(
                f"all query workers stayed busy for {self.timeout:g} s; try again shortly"
            ) from None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(self.timeout):
                worker = self._replace(worker)
                raise QueryTimeoutError(
                    f"the query ran longer than the limit of {self.timeout:g} s and was "
                    f"stopped; narrow it down or add a LIMIT"
                )
            status, payload = worker.conn.recv()
        except (EOFError, OSError) as err:
            worker = self._replace(worker)
            raise StoreError(f"the query worker failed ({err}); it has been restarted") from None
        finally:
            self._idle.put(worker)
        if status == "ok":
            return payload
        if status == "query":
            raise QueryError(payload)
        raise StoreError(payload)

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self.location)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop()
        with self._lock:
            self._all.discard(worker)
        return self._start()
