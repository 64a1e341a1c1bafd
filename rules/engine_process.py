"""The rule engine in a child process (DESIGN.md: keep a crash in durable_rules' C core
from taking the worker down).

The child builds the catalog itself (conditions are code, not data), so the
parent names it by import path. Facts are trimmed to the fields the rules read
(and given their unique ids) before they cross the pipe; the child encodes them
once for the engine. `submit` returns at once, so the parent can derive
the next batch of facts while the child matches this one: the two use both cores.
If the child dies, it is started again and the batch in flight is sent again.

The child is `python -m rules.engine_process`, not a multiprocessing child: a spawned (or fork-server)
child imports the parent's main module first (the CLI, pytest, a bench), and a worker's first judgement
after a start or a crash waited 1.5-2 s for it; this one imports the engine and the catalog only.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import os
import signal
import socket
import subprocess
import sys
from collections import deque
from multiprocessing.connection import Connection
from typing import Any, Sequence

from rules.engine import Match, RuleEngine, referenced_fields, trimmed_facts

log = logging.getLogger(__name__)
DEFAULT_CATALOG = "rules.catalog:CATALOG"


def load_catalog(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _serve(conn: Connection, catalog: str) -> None:
    """The child's loop: trimmed facts in, matches out, until told to stop (None)."""
    engine = RuleEngine(load_catalog(catalog))
    try:
        while (facts := conn.recv()) is not None:
            conn.send([(m.rule_id, m.fact_id) for m in engine.evaluate_trimmed(facts)])
    except EOFError:
        pass
    finally:
        engine.close()


class EngineProcess:
    """`evaluate`, `submit` and `collect` over a RuleEngine running in a child process."""

    def __init__(self, catalog: str = DEFAULT_CATALOG) -> None:
        self.catalog = catalog
        self.fields = referenced_fields(load_catalog(catalog))
        self._in_flight: deque[list[dict[str, Any]]] = deque()
        self._ids = itertools.count(1)
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        ours, child = socket.socketpair()
        with child:
            command = [sys.executable, "-m", "rules.engine_process", str(child.fileno()), self.catalog]
            path = os.pathsep.join(p for p in sys.path if p)  # the parent's imports, as multiprocessing passes them
            self._process = subprocess.Popen(command, pass_fds=[child.fileno()], stdin=subprocess.DEVNULL,
                                             env={**os.environ, "PYTHONPATH": path})
        self._conn = Connection(ours.detach())

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def submit(self, facts: Sequence[dict[str, Any]]) -> None:
        """Send a batch, trimmed here (pickled, it is a quarter of its JSON and fits the connection's
        buffer, so this returns while the child still matches the batch before)."""
        batch = trimmed_facts(facts, self.fields, self._ids)
        self._in_flight.append(batch)
        self._send(batch)

    def collect(self) -> list[Match]:
        """Matches of the oldest submitted batch (restarting the child if it died meanwhile)."""
        try:
            found = self._conn.recv()
        except (EOFError, OSError):
            found = self._recover()
        self._in_flight.popleft()
        return [Match(rule_id, fact_id) for rule_id, fact_id in found]

    def evaluate(self, facts: Sequence[dict[str, Any]]) -> list[Match]:
        self.submit(facts)
        return self.collect()

    def _send(self, batch: list[dict[str, Any]]) -> None:
        try:
            self._conn.send(batch)
        except (BrokenPipeError, OSError):
            pass  # the child is gone; collect() restarts it and sends again

    def _recover(self) -> list[tuple[str, str]]:
        """The child died: start a new one and send every batch still in flight again."""
        self.restarts += 1
        log.error("rule engine process exited with %s; restarting", self._process.poll())
        self._start()
        for pending in self._in_flight:
            self._conn.send(pending)
        return self._conn.recv()

    def close(self) -> None:
        try:
            self._conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._conn.close()


if __name__ == "__main__":  # the child: `python -m rules.engine_process <socket fd> <catalog>`
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the parent's to handle; it closes the socket
    _serve(Connection(int(sys.argv[1])), sys.argv[2])
