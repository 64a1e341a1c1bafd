"""The rule engine in a child process (DESIGN.md: keep a crash in durable_rules' C core
from taking the worker down).

The child builds the catalog itself (conditions are code, not data), so the
parent names it by import path. Facts are trimmed to the fields the rules read
(and given their unique ids) before they cross the pipe; the child encodes them
once for the engine. `submit` returns at once, so the parent can derive
the next batch of facts while the child matches this one: the two use both cores.
If the child dies, it is started again and the batch in flight is sent again.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import multiprocessing
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
        self._context = multiprocessing.get_context("spawn")
        self._in_flight: deque[list[dict[str, Any]]] = deque()
        self._ids = itertools.count(1)
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        self._conn, child = self._context.Pipe()
        self._process = self._context.Process(target=_serve, args=(child, self.catalog), daemon=True,
                                              name="rule-engine")
        self._process.start()
        child.close()

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

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
        log.error("rule engine process exited with %s; restarting", self._process.exitcode)
        self._start()
        for pending in self._in_flight:
            self._conn.send(pending)
        return self._conn.recv()

    def close(self) -> None:
        try:
            self._conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
        self._conn.close()
