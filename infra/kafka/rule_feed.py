"""Feed the rule worker from `qianshao.events`, with the event store as the safety net.

Two supervised loops share one worker state:

- the *poll* loop reads `qianshao.events` and only notes how far the households log
  has got (each record carries its log position) and which partitions this worker
  owns; a Kafka call that hangs (a broker that is hung or just restarted) holds up
  nothing but this loop;
- the *judge* loop, the only thread that touches the rule worker, handles the log
  up to that position from the store, and catches up from the store by itself on
  start, on every new partition assignment, and whenever the store is ahead while
  Kafka has been quiet (a broker that came back empty, a record the relay could
  not publish). Progress is recorded in the alerts store; Kafka offsets are
  committed only as an optimisation.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from kafka import KafkaConsumer

from infra.kafka.json_codec import DecodeError, decode_json
from infra.supervisor import ComponentHealth, SupervisedLoop
from rules.worker import RuleWorker

log = logging.getLogger(__name__)

POLL_TIMEOUT_MS = 200
MAX_RECORDS = 1000
QUIET_CATCH_UP_S = 1.0


class RuleFeed:
    """The rule worker as a supervised component consuming `qianshao.events`."""

    name = "rules"

    def __init__(
        self,
        worker: RuleWorker,
        consumer_factory: Callable[[], KafkaConsumer],
        topic: str,
        all_partitions: list[int] | None,
        quiet_catch_up_s: float = QUIET_CATCH_UP_S,
    ) -> None:
        """`all_partitions`: the partitions this worker owns outright (no consumer group), or None
        to take what the group assigns."""
        self.worker = worker
        self.consumer_factory = consumer_factory
        self.topic = topic
        self.fixed = all_partitions
        self.quiet_catch_up_s = quiet_catch_up_s
        self.consumer: KafkaConsumer | None = None
        self.owned: frozenset[int] = frozenset(all_partitions or ())
        self.undecodable = 0
        self._wanted = 0  # the furthest households-log position Kafka records mentioned
        self._last_record = time.monotonic()
        self._wake = threading.Event()
        self._caught_up_owned: frozenset[int] = frozenset()
        self.poll_loop = SupervisedLoop("rules.poll", self.poll_step, idle_wait=0.0,
                                        on_error=lambda _: self._drop_consumer())
        self.loop = SupervisedLoop("rules", self.judge_step, idle_wait=0.0)

    @property
    def loops(self) -> list[SupervisedLoop]:
        return [self.loop, self.poll_loop]

    def start(self) -> None:
        self.loop.start()
        self.poll_loop.start()

    def stop(self) -> None:
        self.poll_loop.stop()
        self._wake.set()
        self.loop.stop()
        self._drop_consumer()

    # --- the poll loop: Kafka only ------------------------------------------------------------

    def poll_step(self) -> bool:
        """One poll: note the furthest position mentioned and the partitions owned; wake the judge."""
        if self.consumer is None:
            self.consumer = self.consumer_factory()
        self._refresh_owned()
        batches = self.consumer.poll(timeout_ms=POLL_TIMEOUT_MS, max_records=MAX_RECORDS)
        upto = self._highest_position(batches)
        if upto is not None:
            self._last_record = time.monotonic()
            self._wanted = max(self._wanted, upto)
            self._wake.set()
        if batches and self.fixed is None:
            self.consumer.commit_async()
        return bool(batches)

    def _refresh_owned(self) -> None:
        if self.fixed is not None or self.consumer is None:
            return
        assigned = frozenset(tp.partition for tp in self.consumer.assignment() if tp.topic == self.topic)
        if assigned != self.owned:
            self.owned = assigned
            self._wake.set()

    def _highest_position(self, batches: dict[Any, list[Any]]) -> int | None:
        """The furthest households-log position the polled records mention."""
        highest: int | None = None
        for records in batches.values():
            for record in records:
                value = decode_json(record.value)
                if isinstance(value, DecodeError):
                    self.undecodable += 1
                    log.warning("ignoring an undecodable record on %s: %s", self.topic, value.reason)
                    continue
                if value.get("source") == "households" and isinstance(value.get("position"), int):
                    highest = max(highest or 0, value["position"])
        return highest

    def _drop_consumer(self) -> None:
        """After a failure start over with a fresh consumer (the broker may have been restarted)."""
        consumer, self.consumer = self.consumer, None
        if consumer is not None:
            try:
                consumer.close(autocommit=False)
            except Exception:  # noqa: BLE001 - a broken consumer may fail to close; it is dropped anyway
                log.warning("the old consumer did not close cleanly", exc_info=True)

    # --- the judge loop: the store only -------------------------------------------------------

    def judge_step(self) -> bool:
        """Handle what Kafka pointed at, or what the store holds when Kafka was quiet."""
        self._wake.wait(timeout=self.quiet_catch_up_s)
        self._wake.clear()
        owned = self.owned
        newly = owned - self._caught_up_owned
        if newly:
            self.worker.catch_up(newly)  # on start and on every new assignment
        self._caught_up_owned = owned
        if not owned:
            return False
        wanted = self._wanted
        if wanted and min(self.worker.position(p) for p in owned) < wanted:
            return self.worker.catch_up(owned, wanted) > 0
        if time.monotonic() - self._last_record > self.quiet_catch_up_s and self.worker.lag(owned):
            return self.worker.catch_up(owned) > 0
        return False

    def health(self) -> ComponentHealth:
        stats = self.worker.stats
        failure = stats.last_failure
        polling = self.poll_loop.health()
        health = self.loop.health(
            lag=self.worker.lag(self.owned), partitions=sorted(self.owned), evaluations=stats.evaluations,
            failed_evaluations=stats.failures, kafka={"up": polling.up, "errors": polling.errors,
                                                      "last_error": polling.last_error},
            last_failed_evaluation=None if failure is None else
            {"household": failure.household, "rule": failure.rule, "error": failure.error},
        )
        health.restarts += polling.restarts
        return health
