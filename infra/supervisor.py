"""Supervised loops: a component's work runs in a thread that never dies silently.

Each `SupervisedLoop` calls its step function until stopped. An exception is
logged with the component's name, counted, remembered as the last error and
retried after an exponential backoff; a thread that died anyway (an exception
that is not an `Exception`) is restarted by `Supervisor.watch`. Health is read
from counters the loop keeps, so `/health` never blocks on the work itself.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Protocol

log = logging.getLogger(__name__)

BACKOFF_FIRST_S = 0.2
BACKOFF_MAX_S = 5.0
IDLE_WAIT_S = 0.05
WATCH_INTERVAL_S = 0.5


@dataclass
class ComponentHealth:
    """What `/health` says about one component."""

    name: str
    up: bool
    lag: int | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    errors: int = 0
    restarts: int = 0
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "up" if self.up else "down",
            "lag": self.lag,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at,
            "errors": self.errors,
            "restarts": self.restarts,
            **self.detail,
        }


class Component(Protocol):
    """A part of a process that bootstrap assembles: started, stopped and asked how it is."""

    name: str

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def health(self) -> ComponentHealth: ...


class SupervisedLoop:
    """Runs `step()` in a thread until stopped; `step` returns True when it did some work.

    Idle steps wait `idle_wait` before the next call; failing steps wait an exponential
    backoff. `failing` is true from a failure until the next successful step.
    """

    def __init__(self, name: str, step: Callable[[], bool], idle_wait: float = IDLE_WAIT_S,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        self.name = name
        self.step = step
        self.idle_wait = idle_wait
        self.on_error = on_error
        self.stop_event = threading.Event()
        self.errors = 0
        self.restarts = 0
        self.failing = False
        self.last_error: str | None = None
        self.last_error_at: str | None = None
        self.last_success = time.monotonic()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.stop_event.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def restart_if_dead(self) -> bool:
        """Start the thread again if it ended without being stopped; True if it did."""
        if self.stop_event.is_set() or self._thread is None or self._thread.is_alive():
            return False
        self.restarts += 1
        log.error("%s: the loop had ended; restarting it (restart %d)", self.name, self.restarts)
        self.start()
        return True

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=timeout)

    def _run(self) -> None:
        backoff = BACKOFF_FIRST_S
        while not self.stop_event.is_set():
            try:
                worked = self.step()
            except Exception as error:  # noqa: BLE001 - every failure is logged, counted and retried
                self._failed(error)
                self.stop_event.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_S)
                continue
            backoff = BACKOFF_FIRST_S
            self.failing = False
            self.last_success = time.monotonic()
            if not worked:
                self.stop_event.wait(self.idle_wait)

    def _failed(self, error: Exception) -> None:
        self.errors += 1
        self.failing = True
        self.last_error = f"{type(error).__name__}: {error}"[:500]
        self.last_error_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        log.exception("%s: step failed (error %d); retrying after a pause", self.name, self.errors)
        if self.on_error is not None:
            try:
                self.on_error(error)
            except Exception:  # noqa: BLE001 - a failing recovery hook must not kill the loop
                log.exception("%s: recovery after an error failed too", self.name)

    def health(self, lag: int | None = None, up: bool | None = None, **detail: Any) -> ComponentHealth:
        """Health from the loop's own counters; `up` may be narrowed by the component."""
        running = self.alive and not self.failing
        return ComponentHealth(
            name=self.name, up=running if up is None else (running and up), lag=lag,
            last_error=self.last_error, last_error_at=self.last_error_at,
            errors=self.errors, restarts=self.restarts, detail=detail,
        )


class Supervisor:
    """Restarts dead loops, in a thread of its own."""

    def __init__(self, loops: list[SupervisedLoop], interval: float = WATCH_INTERVAL_S) -> None:
        self.loops = loops
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.watch, name="supervisor", daemon=True)
        self._thread.start()

    def watch(self) -> None:
        while not self._stop.wait(self.interval):
            for loop in self.loops:
                loop.restart_if_dead()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
