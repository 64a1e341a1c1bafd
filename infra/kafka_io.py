"""Kafka clients configured for this system (and known to work with the bundled broker)."""

from __future__ import annotations

import json
import time
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError
from kafka.partitioner.default import murmur2
from kafka.serializer import Serializer

# DESIGN.md: with default group timeouts the first record of a new group took ~24 s.
FAST_GROUP = {"session_timeout_ms": 6000, "heartbeat_interval_ms": 1000, "max_poll_interval_ms": 10000}


def encode_json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class KeySerializer(Serializer):
    """Household ids (str) as UTF-8 bytes."""

    def serialize(self, topic: str, headers: Any, data: Any) -> bytes | None:
        return data.encode("utf-8") if data is not None else None


class JsonSerializer(Serializer):
    """Record values: compact UTF-8 JSON objects, Chinese kept readable."""

    def serialize(self, topic: str, headers: Any, data: Any) -> bytes:
        return encode_json(data)


def ensure_topics(bootstrap: str, topics: dict[str, int], deadline_s: float = 30.0) -> None:
    """Create the topics that do not exist yet, then wait until metadata shows them all."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        existing = set(admin.list_topics())
        new = [NewTopic(name, partitions, 1) for name, partitions in topics.items() if name not in existing]
        if new:
            try:
                admin.create_topics(new)
            except TopicAlreadyExistsError:
                pass
        deadline = time.monotonic() + deadline_s
        while not set(topics) <= set(admin.list_topics()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"topics {sorted(topics)} did not appear on {bootstrap}")
            time.sleep(0.05)  # polling metadata, bounded by the deadline
    finally:
        admin.close()


def make_producer(bootstrap: str) -> KafkaProducer:
    """Idempotent, acks=all; keys are household ids, values JSON objects."""
    return KafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        linger_ms=5,
        key_serializer=KeySerializer(),
        value_serializer=JsonSerializer(),
    )


def make_consumer(
    bootstrap: str, *, group_id: str | None, topics: list[str] | None = None, assign_all: bool = False
) -> KafkaConsumer:
    """A consumer that commits by hand; `assign_all` skips the group join (single process, tests)."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **(FAST_GROUP if group_id else {}),
    )
    if topics and assign_all:
        consumer.assign([TopicPartition(t, p) for t in topics for p in sorted(_partitions(consumer, t))])
    elif topics:
        consumer.subscribe(topics)
    return consumer


def _partitions(consumer: KafkaConsumer, topic: str, deadline_s: float = 10.0) -> set[int]:
    deadline = time.monotonic() + deadline_s
    while True:
        found = consumer.partitions_for_topic(topic)
        if found:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"topic {topic} has no partitions")
        time.sleep(0.05)  # polling metadata, bounded by the deadline


def partition_for(key: str, partitions: int) -> int:
    """The partition kafka-python's default partitioner puts `key` on."""
    return (murmur2(key.encode("utf-8")) & 0x7FFFFFFF) % partitions
