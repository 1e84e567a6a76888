"""Canonicalization in a small pool of worker processes, so that costly documents never hold the service.

RDFC-1.0 canonicalization is pure-Python CPU work: run in the service's threads it takes the GIL from the
event loop and from every other request. Here it runs in `workers` spawned processes, each canonicalization
under its own time budget (`canonical`); the caller waits at most `deadline_seconds` (queue included), and
at most `max_pending` canonicalizations wait or run at once. Beyond either, `CanonicalizationBusyError` is raised
(the HTTP layer answers 503 with Retry-After), so a burst of expensive requests cannot queue without end.
With `workers=0` the pool canonicalizes in the calling thread (tests, tools).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from credentials.vc.dataintegrity import HashData, hash_data


class CanonicalizationBusyError(RuntimeError):
    """No worker could canonicalize the document in time; the client should retry later."""


def _warm_up() -> None:
    """Load the bundled contexts once per worker, so the first request pays no start-up cost."""
    from credentials.vc.canonical import canonicalize
    from credentials.vc.contexts import VC_V2_CONTEXT

    canonicalize({"@context": [VC_V2_CONTEXT], "description": "warm-up"})


def _hash_in_worker(document: Mapping[str, Any], config: Mapping[str, Any]) -> HashData:
    return hash_data(document, config)


class CanonicalizationPool:
    def __init__(self, workers: int, *, deadline_seconds: float = 5.0, max_pending: int | None = None) -> None:
        self.workers = workers
        self.deadline_seconds = deadline_seconds
        self.max_pending = max_pending if max_pending is not None else max(1, workers) * 32
        self._lock = threading.Lock()
        self._pending = 0
        self._executor: ProcessPoolExecutor | None = None

    def hash_data(self, document: Mapping[str, Any], config: Mapping[str, Any]) -> HashData:
        """HashData of the unsecured document and proof config; raises MalformedDocumentError subclasses
        as `hash_data` does, and CanonicalizationBusyError when the pool is full or the deadline passed."""
        if self.workers <= 0:
            return hash_data(document, config)
        with self._lock:
            if self._pending >= self.max_pending:
                raise CanonicalizationBusyError(f"{self._pending} canonicalizations are already waiting")
            self._pending += 1
            executor = self._started()
        try:
            future: Future[HashData] = executor.submit(_hash_in_worker, dict(document), dict(config))
            return future.result(timeout=self.deadline_seconds)
        except FutureTimeout:
            future.cancel()  # still queued: never run; running: its own time budget ends it
            raise CanonicalizationBusyError(f"not canonicalized within {self.deadline_seconds} s") from None
        except BrokenProcessPool:
            with self._lock:
                if self._executor is executor:
                    self._executor = None  # a worker died: the next request starts a fresh pool
            raise CanonicalizationBusyError("a canonicalization worker stopped") from None
        finally:
            with self._lock:
                self._pending -= 1

    def _started(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up
            )
        return self._executor

    def start(self) -> None:
        """Start the workers now (at service start-up) rather than on the first verification."""
        if self.workers > 0:
            with self._lock:
                executor = self._started()
            for _ in range(self.workers):
                executor.submit(_warm_up)

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
