"""Health probes with a deadline: `/health` answers within a few seconds whatever a store does.

A component's report reads its stores (the views' positions, the log's last id). With the database gone,
the event store's reads retry for about 45 s, so `/health` said "projections down" only after 47 s, long
after a load balancer's probe had given up. Here each probe runs on a thread of its own and is waited for
until one deadline; a probe that has not answered by then is reported as not answering, and is not asked
again until it has (a stuck store is not probed by a pile of threads, one per `/health` call).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, wait
from typing import Any, Callable, Mapping

DEFAULT_TIMEOUT_S = 2.0


class NoAnswer(Exception):
    """The probe did not answer within the deadline (it goes on, and a later call reads its answer)."""

    def __init__(self, name: str, timeout_s: float, asked_s: float) -> None:
        super().__init__(f"{name}: no answer within {timeout_s:g} s (asked {asked_s:.0f} s ago)")


class HealthProbes:
    """Runs named probes concurrently and returns, by a deadline, each one's answer or its exception."""

    def __init__(self, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.timeout_s = timeout_s
        self._pending: dict[str, tuple[Future[Any], float]] = {}  # probes still running, with when they began
        self._lock = threading.Lock()

    def ask(self, probes: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
        """Each probe's result, or the exception it raised, or `NoAnswer` when it is still running."""
        with self._lock:
            running = {name: self._still_running(name) or self._start(name, probe) for name, probe in probes.items()}
        wait([future for future, _ in running.values()], timeout=self.timeout_s)
        answers: dict[str, Any] = {}
        with self._lock:
            for name, (future, began) in running.items():
                if not future.done():
                    answers[name] = NoAnswer(name, self.timeout_s, time.monotonic() - began)
                    continue
                self._pending.pop(name, None)
                error = future.exception()
                answers[name] = error if error is not None else future.result()
        return answers

    def _still_running(self, name: str) -> tuple[Future[Any], float] | None:
        """The probe asked before and not finished yet (one that has finished since is stale: asked again)."""
        pending = self._pending.get(name)
        return pending if pending is not None and not pending[0].done() else None

    def _start(self, name: str, probe: Callable[[], Any]) -> tuple[Future[Any], float]:
        future: Future[Any] = Future()

        def run() -> None:
            try:
                future.set_result(probe())
            except BaseException as error:  # noqa: BLE001 - handed to the caller of `ask`, never lost in the thread
                future.set_exception(error)

        started = self._pending[name] = (future, time.monotonic())
        threading.Thread(target=run, name=f"health-{name}", daemon=True).start()  # daemon: a stuck store
        return started  # does not hold up the process's exit
