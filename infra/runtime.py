"""Wire every component into one process: the embedded (or configured) backends,
intake, relay, rule worker, projections and the Kafka intake consumer.

`serve` and `demo` run all of them here; production runs the same components
as separate processes (see the README). `drain()` waits, with a deadline, until
everything accepted so far has gone all the way through to the read views.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from kafka import KafkaConsumer, TopicPartition

from domain.parameters import ParameterTable
from infra.alert_workflow import AlertWorkflow
from infra.broker import EmbeddedBroker
from infra.consumer_loop import Record, one_by_one, run_loop
from infra.event_store import AlertsApp, HouseholdsApp, open_alerts, open_households
from infra.intake import IntakeService
from infra.kafka_io import ensure_topics, make_consumer, make_producer, partition_for
from infra.observation_consumer import ObservationConsumer
from infra.policy_service import PolicyService
from infra.positions import PositionStore
from infra.relay import Relay
from infra.settings import TOPIC_EVENTS, TOPIC_OBSERVATIONS, TOPIC_OBSERVATIONS_DLQ, Settings
from projections.runner import ProjectionRunner
from projections.view_store import ViewStore
from rules.catalog import CATALOG
from rules.engine_process import EngineProcess
from rules.findings import Engine, Judge
from rules.worker import RuleWorker

log = logging.getLogger(__name__)

COMPONENTS = frozenset({"relay", "projections", "rules", "intake"})


@dataclass
class Runtime:
    """All components of one Qianshao process."""

    settings: Settings
    parameters: ParameterTable = field(default_factory=ParameterTable)
    group_consumers: bool = True
    broker: EmbeddedBroker | None = None
    engine: Engine | None = None
    components: frozenset[str] = COMPONENTS
    households: HouseholdsApp = field(init=False)
    alerts: AlertsApp = field(init=False)
    views: ViewStore = field(init=False)
    intake: IntakeService = field(init=False)
    worker: RuleWorker = field(init=False)
    workflow: AlertWorkflow = field(init=False)
    policy: PolicyService = field(init=False)
    bootstrap: str = field(init=False, default="")
    _stop: threading.Event = field(init=False, default_factory=threading.Event)
    _threads: list[threading.Thread] = field(init=False, default_factory=list)
    _handled: dict[tuple[str, int], int] = field(init=False, default_factory=dict)

    def start(self) -> "Runtime":
        self._start_kafka()
        self.households = open_households(self.settings)
        self.alerts = open_alerts(self.settings)
        self.views = ViewStore(self.settings.sqlite_path("views"))
        self.intake = IntakeService(self.households)
        self.policy = PolicyService(self.households, self.parameters)
        self.workflow = AlertWorkflow(self.alerts, self.policy.table)
        self._owns_engine = self.engine is None
        self.engine = self.engine or EngineProcess()
        judge = Judge(CATALOG, self.engine, self.policy.table)
        partitions = self.settings.partitions
        self.worker = RuleWorker(self.households, self.alerts, judge, lambda h: partition_for(h, partitions))
        self.relay = Relay(
            {"households": self.households, "alerts": self.alerts},
            make_producer(self.bootstrap),
            self.events_topic,
            partitions,
            PositionStore(self.settings.sqlite_path("relay")),
        )
        self._dlq_producer = make_producer(self.bootstrap)
        self.projections = ProjectionRunner({"households": self.households, "alerts": self.alerts}, self.views)
        loops = {
            "relay": lambda: self.relay.run(self._stop),
            "projections": lambda: self.projections.run(self._stop),
            "rules": self._run_worker,
            "intake": self._run_observation_consumer,
        }
        for name, loop in loops.items():
            if name in self.components:
                self._spawn(name, loop)
        return self

    @property
    def events_topic(self) -> str:
        return self.settings.topic(TOPIC_EVENTS)

    def _start_kafka(self) -> None:
        if self.settings.kafka_bootstrap:
            self.bootstrap = self.settings.kafka_bootstrap
        else:
            self.broker = EmbeddedBroker(port=self.settings.kafka_port, log_dir=self.settings.data_dir)
            self.broker.start()
            self.bootstrap = self.broker.bootstrap
        topics = (TOPIC_EVENTS, TOPIC_OBSERVATIONS, TOPIC_OBSERVATIONS_DLQ)
        ensure_topics(self.bootstrap, {self.settings.topic(t): self.settings.partitions for t in topics})

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _consumer(self, topic: str, group: str) -> KafkaConsumer:
        if self.group_consumers:
            return make_consumer(self.bootstrap, group_id=group, topics=[topic])
        return make_consumer(
            self.bootstrap, group_id=None, topics=[topic], assign_all=True, partitions=self.settings.partitions
        )

    def _mark_handled(self, topic: str, partition: int, offset: int) -> None:
        """Remember how far each partition was handled (records of a poll may be handled out of order)."""
        key = (topic, partition)
        self._handled[key] = max(self._handled.get(key, 0), offset + 1)

    def _run_worker(self) -> None:
        consumer = self._consumer(self.events_topic, self.settings.consumer_group)

        def handle(records: list[Record]) -> None:
            self.worker.handle_batch(records)
            for _, topic, partition, offset in records:
                self._mark_handled(topic, partition, offset)

        run_loop(consumer, handle, self._stop, lambda raw, why, t, p, o: self._mark_handled(t, p, o))

    def _run_observation_consumer(self) -> None:
        topic = self.settings.topic(TOPIC_OBSERVATIONS)
        consumer = self._consumer(topic, f"{self.settings.consumer_group}-intake")
        intake = ObservationConsumer(self.intake, self._dlq_producer, self.settings.topic(TOPIC_OBSERVATIONS_DLQ))

        def handle(record: dict[str, Any], t: str, p: int, o: int) -> None:
            intake.handle(record, t, p, o)
            self._mark_handled(t, p, o)

        def undecodable(raw: bytes | None, why: str, t: str, p: int, o: int) -> None:
            intake.dead_letter(raw, why, t, p, o)
            self._mark_handled(t, p, o)

        run_loop(consumer, one_by_one(handle), self._stop, undecodable)

    def drain(self, timeout: float = 60.0) -> None:
        """Wait until intake, relay, rule worker and projections have all caught up."""
        deadline = time.monotonic() + timeout
        stable = 0
        while stable < 2:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the pipeline did not catch up in time: {self._lag()}")
            if self._caught_up():
                stable += 1
            else:
                stable = 0
            self._stop.wait(0.05)

    def _lag(self) -> str:
        """What is behind, in words (for the timeout message)."""
        ends = self._end_offsets([self.events_topic, self.settings.topic(TOPIC_OBSERVATIONS)])
        behind = {f"{tp.topic}:{tp.partition}": (self._handled.get((tp.topic, tp.partition), 0), end)
                  for tp, end in ends.items() if self._handled.get((tp.topic, tp.partition), 0) < end}
        return (f"relay caught up {self.relay.caught_up()}, projections caught up {self.projections.caught_up()}, "
                f"consumers behind (handled, end): {behind}")

    def _caught_up(self) -> bool:
        if not (self.relay.caught_up() and self.projections.caught_up()):
            return False
        ends = self._end_offsets([self.events_topic, self.settings.topic(TOPIC_OBSERVATIONS)])
        return all(self._handled.get((tp.topic, tp.partition), 0) >= end for tp, end in ends.items())

    def _end_offsets(self, topics: list[str]) -> dict[TopicPartition, int]:
        probe = getattr(self, "_probe", None)
        if probe is None:
            probe = self._probe = make_consumer(self.bootstrap, group_id=None, topics=None)
        partitions = [TopicPartition(t, p) for t in topics for p in range(self.settings.partitions)]
        return probe.end_offsets(partitions)

    def stop(self) -> None:
        """Stop the loops, close every Kafka client, then the stores and the broker."""
        logging.getLogger("kafka").setLevel(logging.CRITICAL)  # closing connections is not an error
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        for client in (self.relay.producer, self._dlq_producer, getattr(self, "_probe", None)):
            if client is not None:
                client.close()
        if self._owns_engine and self.engine is not None:
            self.engine.close()
        self.views.close()
        if self.broker is not None:
            self.broker.stop()


