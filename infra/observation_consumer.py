"""The Kafka intake: observations from field gateways on `qianshao.observations`.

The same validation as the HTTP endpoint; a message that is not valid goes to
`qianshao.observations.dlq` with the reason and the original message, keyed by
its observation id when it has one, so nothing sent is ever silently lost.
"""

from __future__ import annotations

from typing import Any

from kafka import KafkaProducer

from infra.intake import IntakeService


class ObservationConsumer:
    """Feeds intake from Kafka records and dead-letters what intake refuses."""

    def __init__(self, intake: IntakeService, producer: KafkaProducer, dlq_topic: str) -> None:
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
        self.producer.send(self.dlq_topic, key=observation_id or f"{topic}:{partition}:{offset}", value=letter)
        self.producer.flush()
