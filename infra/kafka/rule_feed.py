"""Feed the rule worker from `qianshao.events`, with the event store as the safety net.

Kafka records say which stretch of the households log to handle now (each record
carries its log position); the worker reads that stretch from the store and
records its progress there. On start, on every new partition assignment, and
whenever the store is ahead while Kafka is quiet (a broker that came back empty,
a record the relay could not publish), the worker catches up from the store
directly. Kafka offsets are committed only as an optimisation.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

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
        self.owned: set[int] = set(all_partitions or ())
        self.undecodable = 0
        self._caught_up_owned: set[int] = set()
        self._last_record = time.monotonic()
        self.loop = SupervisedLoop("rules", self.step, idle_wait=0.0, on_error=lambda _: self._drop_consumer())

    def start(self) -> None:
        self.loop.start()

    def stop(self) -> None:
        self.loop.stop()
        self._drop_consumer()

    def step(self) -> bool:
        """One poll: handle the stretch its records point to; catch up from the store when needed."""
        if self.consumer is None:
            self.consumer = self.consumer_factory()
        self._refresh_owned()
        newly = self.owned - self._caught_up_owned
        if newly:
            self.worker.catch_up(newly)
            self._caught_up_owned |= newly
        batches = self.consumer.poll(timeout_ms=POLL_TIMEOUT_MS, max_records=MAX_RECORDS)
        upto = self._highest_position(batches)
        if upto is not None:
            self._last_record = time.monotonic()
            self.worker.catch_up(self.owned, upto)
        elif time.monotonic() - self._last_record > self.quiet_catch_up_s and self.worker.lag(self.owned):
            self.worker.catch_up(self.owned)
        if batches and self.fixed is None:
            self.consumer.commit_async()
        return bool(batches)

    def _refresh_owned(self) -> None:
        if self.fixed is not None or self.consumer is None:
            return
        assigned = {tp.partition for tp in self.consumer.assignment() if tp.topic == self.topic}
        if assigned or self.consumer.subscription():
            lost = self.owned - assigned
            self._caught_up_owned -= lost
            self.owned = assigned

    def _highest_position(self, batches: dict) -> int | None:
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
        if self.fixed is None:
            self._caught_up_owned.clear()

    def health(self) -> ComponentHealth:
        stats = self.worker.stats
        failure = stats.last_failure
        return self.loop.health(
            lag=self.worker.lag(self.owned), partitions=sorted(self.owned), evaluations=stats.evaluations,
            failed_evaluations=stats.failures,
            last_failed_evaluation=None if failure is None else
            {"household": failure.household, "rule": failure.rule, "error": failure.error},
        )
