"""Kafka clients configured for this system, and known to work with the bundled Tansu broker.

Records carry a household id (UTF-8) as key and a compact UTF-8 JSON object as
value (`infra.kafka.json_codec`). Consumers hand out raw bytes; the poll loop decodes.

Settings and why (measured against tansu 0.6.0 with kafka-python 3.0.12):
- group timeouts `FAST_GROUP`: a new group's first record arrives after ~3 s instead
  of ~24 s with the defaults; Tansu holds the first JoinGroup for about half the
  session timeout, so that is the floor.
- `fetch_max_wait_ms=100`: with the default 500 ms an idle consumer saw a new record
  up to ~210 ms late; with 100 ms ~12 ms median, ~35 ms at worst.
- `bootstrap_timeout_ms=5000`: with the default 30 s a client created while the broker was
  hung blocked its component for 30 s; the supervised loop retries sooner instead.
- `enable_idempotence=True` is passed explicitly: kafka-python silently turns
  idempotence off on conflicting settings unless it was asked for by name.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any, Iterable, Mapping

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError, TopicAlreadyExistsError, for_code
from kafka.partitioner.default import murmur2

from infra.kafka.json_codec import JsonSerializer, KeySerializer

FAST_GROUP: dict[str, int] = {"session_timeout_ms": 6000, "heartbeat_interval_ms": 1000, "max_poll_interval_ms": 10000}
FETCH_MAX_WAIT_MS = 100
METADATA_DEADLINE_S = 30.0
POLL_INTERVAL_S = 0.05
DELIVERY_TIMEOUT_MS = 30_000
REQUEST_TIMEOUT_MS = 10_000
MAX_BLOCK_MS = 5_000
BOOTSTRAP_TIMEOUT_MS = 5_000  # a client made while the broker does not answer gives up soon, and is made again


# --- topics -------------------------------------------------------------------------------


def ensure_topics(
    bootstrap: str, topics: Mapping[str, int], deadline_s: float = METADATA_DEADLINE_S, recreate_mismatched: bool = False
) -> None:
    """Create the missing topics (idempotent) and wait until metadata shows each with its partitions.

    A topic that already exists with another partition count is an error: keys are
    spread by `partition_for(key, partitions)`, which must agree with the topic. A broker
    that just came back empty may have auto-created a topic on a client's first request
    (Tansu ignores `allow_auto_create_topics`); `recreate_mismatched` deletes and creates it again.
    """
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        if recreate_mismatched:
            _delete_mismatched(admin, topics, deadline_s)
        _create_missing(admin, topics)
        _await_partitions(admin, topics, deadline_s)
    finally:
        admin.close()


def _delete_mismatched(admin: KafkaAdminClient, topics: Mapping[str, int], deadline_s: float) -> None:
    """Delete topics with the wrong partition count (a client's request auto-created them too early)."""
    wrong = [name for name, n in partition_counts(admin, topics).items() if n != topics[name]]
    if not wrong:
        return
    admin.delete_topics(wrong)
    deadline = time.monotonic() + deadline_s
    while set(wrong) & set(partition_counts(admin, wrong)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics {wrong} were not deleted within {deadline_s}s")
        time.sleep(POLL_INTERVAL_S)  # the polling interval of a deadline-bounded wait


def _create_missing(admin: KafkaAdminClient, topics: Mapping[str, int]) -> None:
    wanted = {name: {"num_partitions": n, "replication_factor": 1} for name, n in topics.items()}
    if not wanted:
        return
    result = admin.create_topics(wanted, raise_errors=False)
    for topic in result["topics"]:
        error = for_code(topic["error_code"])
        if topic["error_code"] and error is not TopicAlreadyExistsError:
            raise error(f"cannot create topic {topic['name']}: {topic.get('error_message')}")


def partition_counts(admin: KafkaAdminClient, names: Iterable[str]) -> dict[str, int]:
    """Partitions per topic as metadata shows them now; an unknown topic is absent."""
    described = admin.describe_topics(list(names))
    return {t["name"]: len(t["partitions"]) for t in described if t["error_code"] == 0 and t["partitions"]}


def _await_partitions(admin: KafkaAdminClient, topics: Mapping[str, int], deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    while True:
        seen = partition_counts(admin, topics)
        wrong = {name: n for name, n in seen.items() if n != topics[name]}
        if wrong:
            raise ValueError(f"topics exist with other partition counts: {wrong}, wanted {dict(topics)}")
        if len(seen) == len(topics):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics {sorted(set(topics) - set(seen))} did not appear within {deadline_s}s")
        time.sleep(POLL_INTERVAL_S)  # the polling interval of a deadline-bounded wait


# --- clients ------------------------------------------------------------------------------


def make_producer(bootstrap: str, delivery_timeout_ms: int = DELIVERY_TIMEOUT_MS, **overrides: Any) -> KafkaProducer:
    """Idempotent producer, acks from all replicas; `send(topic, key=str, value=dict)`.

    A send the broker does not acknowledge within `delivery_timeout_ms` fails its
    future (the caller checks every future); `send` itself waits at most
    `MAX_BLOCK_MS` for metadata, so an absent broker is noticed in seconds.
    """
    config: dict[str, Any] = {
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        "delivery_timeout_ms": delivery_timeout_ms,
        "request_timeout_ms": min(REQUEST_TIMEOUT_MS, delivery_timeout_ms - 10),
        "max_block_ms": MAX_BLOCK_MS,
        "bootstrap_timeout_ms": BOOTSTRAP_TIMEOUT_MS,
        "key_serializer": KeySerializer(),
        "value_serializer": JsonSerializer(),
    }
    return KafkaProducer(bootstrap_servers=bootstrap, **{**config, **overrides})


def make_consumer(
    bootstrap: str,
    *,
    group_id: str | None,
    topics: list[str] | None = None,
    assign_all: bool = False,
    partitions: int | None = None,
    auto_offset_reset: str = "earliest",
    **overrides: Any,
) -> KafkaConsumer:
    """A consumer of raw bytes (decode with `decode_json`) that commits only when told.

    With `topics` it subscribes as a member of `group_id`, or, with `assign_all`,
    takes every partition of the topics without joining a group (tests,
    single-process runs). Without `topics` it is a bare client (e.g. to read end offsets).
    Give `partitions` with `assign_all` when the count is known: just after a topic is
    created a client's metadata may list only some partitions, and one left out is never read.
    """
    config: dict[str, Any] = {
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": auto_offset_reset,
        "fetch_max_wait_ms": FETCH_MAX_WAIT_MS,
        "bootstrap_timeout_ms": BOOTSTRAP_TIMEOUT_MS,
        **FAST_GROUP,
    }
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, **{**config, **overrides})
    try:
        if topics and assign_all and partitions:
            consumer.assign([TopicPartition(t, p) for t in topics for p in range(partitions)])
        elif topics and assign_all:
            consumer.assign(all_partitions(consumer, topics))
        elif topics:
            consumer.subscribe(topics)
    except BaseException:
        consumer.close()
        raise
    return consumer


def all_partitions(
    consumer: KafkaConsumer, topics: Iterable[str], deadline_s: float = METADATA_DEADLINE_S
) -> list[TopicPartition]:
    """Every partition of `topics`, waiting (with a deadline) until metadata knows each topic."""
    return [TopicPartition(t, p) for t in topics for p in sorted(_partitions_of(consumer, t, deadline_s))]


def _partitions_of(consumer: KafkaConsumer, topic: str, deadline_s: float) -> set[int]:
    deadline = time.monotonic() + deadline_s
    while not (found := consumer.partitions_for_topic(topic)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"topic {topic} has no partitions after {deadline_s}s (does it exist?)")
        time.sleep(POLL_INTERVAL_S)  # the polling interval of a deadline-bounded wait
    return set(found)


def end_offsets_reached(consumer: KafkaConsumer, timeout_ms: int = 5000) -> bool:
    """True when the consumer has been handed every record now in its assigned partitions.

    Used to wait for quiescence (tests, the scenario runner). False while nothing is
    assigned (a group member still joining has not caught up) or a position is unknown.
    Positions advance as `poll()` returns records, so this means "polled", not "handled".
    """
    assigned = list(consumer.assignment())
    if not assigned:
        return False
    try:
        ends = consumer.end_offsets(assigned, timeout_ms=timeout_ms)
        positions = {tp: consumer.position(tp, timeout_ms=timeout_ms) for tp in assigned}
    except KafkaError:
        return False
    return all(positions[tp] is not None and positions[tp] >= ends[tp] for tp in assigned)


# --- keys ---------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def partition_for(key: str, partitions: int) -> int:
    """The partition kafka-python's default partitioner puts `key` on, given the topic's count.

    Same steps as `kafka.partitioner.DefaultPartitioner`: murmur2 of the UTF-8 key,
    made positive, modulo the partition count (tests check it against the producer). Kept for the keys
    seen last: a rule worker asks it for every household of every partition it tends.
    """
    if partitions < 1:
        raise ValueError(f"a topic has at least one partition, got {partitions}")
    return (murmur2(key.encode("utf-8")) & 0x7FFFFFFF) % partitions
