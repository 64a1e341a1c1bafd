"""Kafka clients against the real embedded broker: topics, a keyed JSON round trip, a consumer
group with the fast timeouts, the partitioner, tolerant decoding and quiescence."""

from __future__ import annotations

import uuid
from typing import Any, Callable, Iterator

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord

from infra.kafka.broker import EmbeddedBroker
from infra.kafka.json_codec import DecodeError, decode_json, encode_json
from infra.kafka.clients import (
    FAST_GROUP,
    end_offsets_reached,
    ensure_topics,
    make_consumer,
    make_producer,
    partition_counts,
    partition_for,
)

RECORD = {"household": "CQ-渝中-0001", "type": "household.observed", "data": {"monthly_income": 1000, "note": "低保边缘"}}


def fresh(name: str) -> str:
    """A topic or group name no other test uses (the broker lives for the whole session)."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


@pytest.fixture()
def topic(broker: EmbeddedBroker) -> str:
    name = fresh("io")
    ensure_topics(broker.bootstrap, {name: 3})
    return name


@pytest.fixture()
def producer(broker: EmbeddedBroker) -> Iterator[KafkaProducer]:
    client = make_producer(broker.bootstrap)
    yield client
    client.close()


def collect(consumer: KafkaConsumer, count: int, wait_for: Callable[..., Any], timeout: float = 20) -> list[ConsumerRecord]:
    """Poll until `count` records arrived (deadline-bounded)."""
    records: list[ConsumerRecord] = []

    def enough() -> bool:
        for batch in consumer.poll(timeout_ms=100).values():
            records.extend(batch)
        return len(records) >= count

    wait_for(enough, timeout=timeout, message=f"{count} records")
    return records


def test_ensure_topics_creates_idempotently_and_waits_for_partitions(broker: EmbeddedBroker) -> None:
    topics = {fresh("a"): 1, fresh("b"): 4}
    ensure_topics(broker.bootstrap, topics)
    ensure_topics(broker.bootstrap, topics)  # again: nothing to do, no error
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    try:
        assert partition_counts(admin, topics) == topics
    finally:
        admin.close()


def test_ensure_topics_refuses_another_partition_count(broker: EmbeddedBroker, topic: str) -> None:
    with pytest.raises(ValueError, match="other partition counts"):
        ensure_topics(broker.bootstrap, {topic: 5})


def test_ensure_topics_can_recreate_a_topic_auto_created_with_another_count(broker: EmbeddedBroker, topic: str) -> None:
    """After the embedded broker restarts empty, a client may auto-create a topic before the keeper does."""
    ensure_topics(broker.bootstrap, {topic: 5}, recreate_mismatched=True)
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    try:
        assert partition_counts(admin, [topic]) == {topic: 5}
    finally:
        admin.close()


def test_producer_is_idempotent_with_acks_all(producer: KafkaProducer) -> None:
    assert producer.config["enable_idempotence"] is True
    assert producer.config["acks"] == -1


def test_keyed_json_record_round_trip(broker: EmbeddedBroker, topic: str, producer: KafkaProducer,
                                      wait_for: Any) -> None:
    sent = producer.send(topic, key="CQ-渝中-0001", value=RECORD).get(timeout=10)
    consumer = make_consumer(broker.bootstrap, group_id=None, topics=[topic], assign_all=True)
    try:
        assert len(consumer.assignment()) == 3
        [record] = collect(consumer, 1, wait_for)
    finally:
        consumer.close()
    assert (record.partition, record.offset) == (sent.partition, sent.offset)
    assert record.key == "CQ-渝中-0001".encode("utf-8")
    assert record.value == encode_json(RECORD)
    assert "低保边缘".encode("utf-8") in record.value and b" " not in record.value  # readable, compact
    assert decode_json(record.value) == RECORD


def test_group_member_receives_records_and_resumes_after_commit(broker: EmbeddedBroker, topic: str,
                                                                producer: KafkaProducer, wait_for: Any) -> None:
    group = fresh("group")
    producer.send(topic, key="h-1", value={"n": 1}).get(timeout=10)
    member = make_consumer(broker.bootstrap, group_id=group, topics=[topic])
    try:
        assert {k: member.config[k] for k in FAST_GROUP} == FAST_GROUP
        [first] = collect(member, 1, wait_for, timeout=30)
        member.commit()
    finally:
        member.close()  # leave the group so the next member is not kept waiting for this one
    assert decode_json(first.value) == {"n": 1}

    producer.send(topic, key="h-2", value={"n": 2}).get(timeout=10)
    again = make_consumer(broker.bootstrap, group_id=group, topics=[topic])
    try:  # the join may wait out the group's rebalance (10 s: FAST_GROUP) more than once on the session's busy
        [second] = collect(again, 1, wait_for, timeout=90)  # broker: 6-16 s alone, past 30 s once in a full run
    finally:
        again.close()
    assert decode_json(second.value) == {"n": 2}  # the committed record is not delivered twice


def test_partition_for_agrees_with_the_producer(broker: EmbeddedBroker, producer: KafkaProducer) -> None:
    name = fresh("keys")
    ensure_topics(broker.bootstrap, {name: 5})
    keys = [f"CQ-{i:04d}" for i in range(40)] + ["渝中区-家庭-7", ""]
    futures = {key: producer.send(name, key=key, value={"k": key}) for key in keys}
    placed = {key: future.get(timeout=10).partition for key, future in futures.items()}
    assert placed == {key: partition_for(key, 5) for key in keys}
    assert len(set(placed.values())) == 5  # the keys really spread


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"{broken", "not JSON"),
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"[1, 2]", "JSON list, expected an object"),
        (b"null", "JSON NoneType, expected an object"),
        (None, "empty record value"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_decode_json_reports_instead_of_raising(raw: bytes | None, reason: str) -> None:
    result = decode_json(raw)
    assert isinstance(result, DecodeError)
    assert reason in result.reason
    assert result.raw == raw


def test_a_non_json_record_does_not_stop_the_consumer(broker: EmbeddedBroker, producer: KafkaProducer,
                                                      wait_for: Any) -> None:
    name = fresh("dirty")
    ensure_topics(broker.bootstrap, {name: 1})
    plain = KafkaProducer(bootstrap_servers=broker.bootstrap)
    try:
        plain.send(name, b"not json at all").get(timeout=10)
    finally:
        plain.close()
    producer.send(name, key="h", value={"ok": True}).get(timeout=10)
    consumer = make_consumer(broker.bootstrap, group_id=None, topics=[name], assign_all=True)
    try:
        records = collect(consumer, 2, wait_for)
    finally:
        consumer.close()
    decoded = [decode_json(r.value) for r in records]
    assert isinstance(decoded[0], DecodeError) and decoded[0].raw == b"not json at all"
    assert decoded[1] == {"ok": True}


def test_end_offsets_reached_tells_when_everything_was_polled(broker: EmbeddedBroker, topic: str,
                                                              producer: KafkaProducer, wait_for: Any) -> None:
    for i in range(30):
        producer.send(topic, key=f"h-{i}", value={"i": i})
    producer.flush()
    bare = make_consumer(broker.bootstrap, group_id=None)
    consumer = make_consumer(broker.bootstrap, group_id=None, topics=[topic], assign_all=True)
    try:
        assert not end_offsets_reached(bare)  # nothing assigned: not caught up
        assert not end_offsets_reached(consumer)
        collect(consumer, 30, wait_for)
        assert end_offsets_reached(consumer)
        producer.send(topic, key="h-late", value={"late": True}).get(timeout=10)
        assert not end_offsets_reached(consumer)
    finally:
        consumer.close()
        bare.close()


def test_partition_for_rejects_a_topic_without_partitions() -> None:
    with pytest.raises(ValueError):
        partition_for("h", 0)
