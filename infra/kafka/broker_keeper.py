"""Keep the embedded broker running: restart it on the same port when it dies.

The bundled broker keeps everything in memory, so a restarted broker is empty:
the topics are created again, and nothing is lost because the relay only
advances on acknowledged records and the rule worker reads what it missed from
the event store. The keeper also asks the broker a question every second, so a
broker that is alive but not answering (hung, stopped) shows as down in health.
"""

from __future__ import annotations

import logging
import time
from typing import Mapping

from infra.kafka.broker import EmbeddedBroker, answers_kafka
from infra.kafka.clients import ensure_topics
from infra.supervisor import ComponentHealth, SupervisedLoop

log = logging.getLogger(__name__)

CHECK_INTERVAL_S = 0.5
PROBE_INTERVAL_S = 1.0
PROBE_TIMEOUT_S = 1.0


class BrokerKeeper:
    """The embedded broker as a supervised component."""

    name = "broker"

    def __init__(self, broker: EmbeddedBroker, topics: Mapping[str, int]) -> None:
        self.broker = broker
        self.topics = dict(topics)
        self.restarts = 0
        self.answering = True
        self.topics_ready = False
        self._probed_at = 0.0
        self.loop = SupervisedLoop("broker", self._step, idle_wait=CHECK_INTERVAL_S)

    @property
    def bootstrap(self) -> str:
        return self.broker.bootstrap

    def start(self) -> None:
        """Start the broker here (the calling thread) and watch it from the keeper's thread."""
        if not self.broker.running:
            self.broker.start()
        ensure_topics(self.bootstrap, self.topics)
        self.topics_ready = True
        self.loop.start()

    def _step(self) -> bool:
        if not self.broker.running:
            self._restart()
            return True
        if not self.topics_ready:  # a restart whose topic set-up failed: try again
            ensure_topics(self.bootstrap, self.topics, recreate_mismatched=True)
            self.topics_ready = True
        if time.monotonic() - self._probed_at >= PROBE_INTERVAL_S:
            self.answering = answers_kafka(self.bootstrap, PROBE_TIMEOUT_S)
            self._probed_at = time.monotonic()
        return False

    def _restart(self) -> None:
        self.answering = False
        self.topics_ready = False
        log.error("the embedded broker on %s exited; restarting it on the same port", self.bootstrap)
        self.broker.restart()
        self.restarts += 1
        ensure_topics(self.bootstrap, self.topics, recreate_mismatched=True)
        self.topics_ready = True
        self.answering = True
        log.warning("the embedded broker is back on %s (restart %d); it starts empty", self.bootstrap, self.restarts)

    def health(self) -> ComponentHealth:
        up = self.broker.running and self.answering and self.topics_ready
        health = self.loop.health(up=up, bootstrap=self.bootstrap, pid=self.broker.pid, answering=self.answering,
                                  topics_ready=self.topics_ready)
        health.restarts += self.restarts
        return health

    def stop(self) -> None:
        self.loop.stop()
        self.broker.stop()
