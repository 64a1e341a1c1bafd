"""One poll of a Kafka consumer, for the intake consumer.

Records are decoded here (a record that is not a JSON object goes to the
handler's `on_undecodable`), handled one by one, and offsets are committed only
after the whole polled batch was handled, so a crash re-delivers rather than loses.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from kafka import KafkaConsumer, TopicPartition

from infra.kafka.json_codec import DecodeError, decode_json

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], str, int, int], None]
Undecodable = Callable[[bytes | None, str, str, int, int], None]
Record = tuple[dict[str, Any], str, int, int]
BatchHandler = Callable[[list[Record]], None]


def one_by_one(handle: Handler) -> BatchHandler:
    """A batch handler that handles each record on its own."""

    def handle_batch(records: list[Record]) -> None:
        for value, topic, partition, offset in records:
            handle(value, topic, partition, offset)

    return handle_batch


def poll_once(
    consumer: KafkaConsumer, handle: BatchHandler, on_undecodable: Undecodable | None = None, timeout_ms: int = 200
) -> int:
    """Handle one poll's worth of records (in partition order); returns how many there were."""
    batches = consumer.poll(timeout_ms=timeout_ms, max_records=1000)
    decoded: list[Record] = []
    count = 0
    for tp, records in batches.items():
        for record in records:
            count += 1
            value = decode_json(record.value)
            if isinstance(value, DecodeError):
                if on_undecodable is not None:
                    on_undecodable(record.value, value.reason, tp.topic, tp.partition, record.offset)
                continue
            decoded.append((value, tp.topic, tp.partition, record.offset))
    if decoded:
        try:
            handle(decoded)
        except Exception:
            _rewind(consumer, batches)
            raise
    if count and consumer.config.get("group_id"):
        consumer.commit()
    return count


def _rewind(consumer: KafkaConsumer, batches: dict[TopicPartition, list[Any]]) -> None:
    """Seek back to the first record of the failed poll, so it is delivered again (at least once)."""
    for tp, records in batches.items():
        if records:
            consumer.seek(tp, records[0].offset)
