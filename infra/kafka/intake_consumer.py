"""The Kafka intake: observations from field gateways on `qianshao.observations`.

The same validation as the HTTP endpoint; a message that is not valid goes to
`qianshao.observations.dlq` with the reason and the original message, keyed by
its observation id when it has one, so nothing sent is ever silently lost. A
dead letter counts as handled only once the broker acknowledged it; a record
whose handling keeps failing is dead-lettered with the error after
`MAX_ATTEMPTS`, so it cannot hold up the records after it.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import MessageSizeTooLargeError

from domain.households.application import HouseholdsApp
from infra.kafka.poll_loop import one_by_one, poll_once
from infra.supervisor import ComponentHealth, SupervisedLoop

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 60.0
MAX_ATTEMPTS = 3
ORIGINAL_MAX_CHARS = 100_000


class ObservationConsumer:
    """Feeds intake from Kafka records and dead-letters what intake refuses."""

    def __init__(self, intake: HouseholdsApp, producer: KafkaProducer, dlq_topic: str) -> None:
        self.intake = intake
        self.producer = producer
        self.dlq_topic = dlq_topic

    def handle(self, record: dict[str, Any], topic: str, partition: int, offset: int) -> None:
        items = record["observations"] if isinstance(record.get("observations"), list) else [record]
        for outcome, item in zip(self.intake.accept_batch(items), items):
            if outcome.status == "rejected":
                errors = [e for e in outcome.to_json()["errors"]]
                reason = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
                self._send(item, reason, errors, topic, partition, offset, outcome.observation_id)

    def dead_letter_failed(self, record: dict[str, Any], reason: str, topic: str, partition: int, offset: int) -> None:
        """A record intake could not handle at all (an error, not a validation failure)."""
        errors = [{"field": "", "message": reason, "message_zh": "处理失败"}]
        self._send(record, f"handling failed: {reason}", errors, topic, partition, offset, None)

    def dead_letter(self, raw: bytes | None, reason: str, topic: str, partition: int, offset: int) -> None:
        """A record that is not even a JSON object."""
        original = raw.decode("utf-8", errors="replace") if raw is not None else None
        self._send(original, reason, [{"field": "", "message": reason}], topic, partition, offset, None)

    def _send(
        self, original: Any, reason: str, errors: list[dict[str, Any]], topic: str, partition: int, offset: int,
        observation_id: str | None,
    ) -> None:
        letter = {
            "reason": reason,
            "errors": errors,
            "source": {"topic": topic, "partition": partition, "offset": offset},
            "original": original,
        }
        key = observation_id or f"{topic}:{partition}:{offset}"
        try:
            self.producer.send(self.dlq_topic, key=key, value=letter).get(timeout=SEND_TIMEOUT_S)
        except MessageSizeTooLargeError:
            text = original if isinstance(original, str) else repr(original)
            letter["original"] = text[:ORIGINAL_MAX_CHARS]
            letter["original_truncated"] = True
            self.producer.send(self.dlq_topic, key=key, value=letter).get(timeout=SEND_TIMEOUT_S)


class KafkaIntake:
    """The Kafka intake as a supervised component; a failed poll is rewound and delivered again."""

    name = "intake"

    def __init__(
        self,
        intake: HouseholdsApp,
        consumer_factory: Callable[[], KafkaConsumer],
        producer_factory: Callable[[], KafkaProducer],
        dlq_topic: str,
    ) -> None:
        self.intake = intake
        self.consumer_factory = consumer_factory
        self.producer_factory = producer_factory
        self.dlq_topic = dlq_topic
        self.consumer: KafkaConsumer | None = None
        self.handler: ObservationConsumer | None = None
        self.handled: dict[tuple[str, int], int] = {}
        self._attempts: dict[tuple[str, int, int], int] = {}
        self.loop = SupervisedLoop("intake", self.step, idle_wait=0.0, on_error=lambda _: self._drop_clients())

    def start(self) -> None:
        self.loop.start()

    def stop(self) -> None:
        self.loop.stop()
        self._drop_clients()

    def step(self) -> bool:
        if self.consumer is None or self.handler is None:
            self.handler = ObservationConsumer(self.intake, self.producer_factory(), self.dlq_topic)
            self.consumer = self.consumer_factory()
        return poll_once(self.consumer, one_by_one(self._handle), self._undecodable) > 0

    def _handle(self, record: dict[str, Any], topic: str, partition: int, offset: int) -> None:
        assert self.handler is not None
        key = (topic, partition, offset)
        try:
            self.handler.handle(record, topic, partition, offset)
        except Exception as error:
            self._attempts[key] = self._attempts.get(key, 0) + 1
            if self._attempts[key] < MAX_ATTEMPTS:
                raise
            log.exception("record %s:%s:%s failed %d times: dead-lettered", topic, partition, offset, MAX_ATTEMPTS)
            self.handler.dead_letter_failed(record, f"{type(error).__name__}: {error}", topic, partition, offset)
        self._attempts.pop(key, None)
        self._mark(topic, partition, offset)

    def _undecodable(self, raw: bytes | None, why: str, topic: str, partition: int, offset: int) -> None:
        assert self.handler is not None
        self.handler.dead_letter(raw, why, topic, partition, offset)
        self._mark(topic, partition, offset)

    def _mark(self, topic: str, partition: int, offset: int) -> None:
        """Remember how far each partition was handled (for drain and lag)."""
        key = (topic, partition)
        self.handled[key] = max(self.handled.get(key, 0), offset + 1)

    def _drop_clients(self) -> None:
        consumer, self.consumer = self.consumer, None
        handler, self.handler = self.handler, None
        self.handled.clear()  # a new consumer (perhaps on a restarted broker) starts its own count
        for client in (consumer, handler.producer if handler else None):
            if client is not None:
                try:
                    client.close()
                except Exception:  # noqa: BLE001 - a broken client may fail to close; it is dropped anyway
                    log.warning("a Kafka client did not close cleanly", exc_info=True)

    def lag(self) -> int | None:
        """Records on the broker not handled yet, as far as the consumer's last fetch knows."""
        consumer = self.consumer
        if consumer is None:
            return None
        try:
            behind = 0
            for tp in consumer.assignment():
                high = consumer.highwater(tp)
                if high is not None:
                    behind += max(0, high - self.handled.get((tp.topic, tp.partition), 0))
            return behind
        except Exception:  # noqa: BLE001 - lag is advisory; a consumer being replaced has none
            return None

    def health(self) -> ComponentHealth:
        return self.loop.health(lag=self.lag())
