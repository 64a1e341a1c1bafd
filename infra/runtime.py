"""One running Qianshao process: its components, beside the services they serve (built by `infra.bootstrap`).

`start()` starts the components in order (broker first, so clients find it) and
a supervisor that restarts any loop that died; `stop()` stops them in reverse
order, the broker last. `health()` is what `/health` answers; `drain()` waits,
with a deadline, until everything accepted so far has gone all the way through.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from kafka import TopicPartition

from infra.health_probes import HealthProbes, NoAnswer
from infra.kafka.clients import ensure_topics, make_consumer
from infra.kafka.intake_consumer import KafkaIntake
from infra.kafka.relay import Relay
from infra.services import Services
from infra.settings import TOPIC_OBSERVATIONS, Settings
from infra.supervisor import Component, ComponentHealth, SupervisedLoop, Supervisor
from projections.runner import ProjectionRunner
from rules.worker import RuleWorker

log = logging.getLogger(__name__)

DRAIN_INTERVAL_S = 0.05
VIEWS_PROBE = "views"  # beside the components' own probes: are the read views readable and current?


@dataclass
class Runtime:
    """The components of one process (only those bootstrap was asked for) and the services it offers."""

    services: Services
    kafka: str | None = None
    topics: dict[str, int] = field(default_factory=dict)
    components: list[Component] = field(default_factory=list)
    worker: RuleWorker | None = None
    relay: Relay | None = None
    projections: ProjectionRunner | None = None
    kafka_intake: KafkaIntake | None = None
    _supervisor: Supervisor | None = None
    _probe: Any = None
    _health_probes: HealthProbes | None = None

    def __getattr__(self, name: str) -> Any:
        """A whole process's holders (the CLI, the tests) may name a service directly: `runtime.intake`."""
        if name == "services":
            raise AttributeError(name)
        return getattr(self.services, name)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def add(self, component: Component) -> None:
        self.components.append(component)

    def component(self, name: str) -> Component | None:
        return next((c for c in self.components if c.name == name), None)

    def start(self) -> "Runtime":
        if self.topics and self.component("broker") is None:
            ensure_topics(self.kafka or "", self.topics)
        for component in self.components:
            component.start()
        loops = [loop for c in self.components for loop in getattr(c, "loops", [getattr(c, "loop", None)])
                 if isinstance(loop, SupervisedLoop)]
        self._supervisor = Supervisor(loops)
        self._supervisor.start()
        return self

    def stop(self) -> None:
        """Stop the loops and close every Kafka client, then the stores, the broker last."""
        logging.getLogger("kafka").setLevel(logging.CRITICAL)  # closing connections is not an error
        if self._supervisor is not None:
            self._supervisor.stop()
        for component in reversed(self.components):
            try:
                component.stop()
            except Exception:  # noqa: BLE001 - stop the others whatever happens to one
                log.exception("stopping %s failed", component.name)
        if self._probe is not None:
            self._probe.close()
        if self.relay is not None:
            self.relay.positions.close()
            self.relay.dead_letters.close()
        due = getattr(self.worker, "due", None)
        if due is not None and hasattr(due, "close"):
            due.close()
        self.services.views.close()

    # --- health ---------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """Each component up or down, with lag, last error and restarts; `degraded` if any is down, more
        than `settings.health_max_lag` events behind, or not answering within `settings.health_timeout_s`."""
        if self._health_probes is None:
            self._health_probes = HealthProbes(self.settings.health_timeout_s)
        probes: dict[str, Any] = {c.name: c.health for c in self.components}
        answers = self._health_probes.ask({**probes, VIEWS_PROBE: self.services.views.is_outdated})
        reports = {name: _report(name, answers[name]) for name in probes}
        limit = self.settings.health_max_lag
        lagging = [name for name, h in reports.items() if h.lag is not None and h.lag > limit]
        down = [name for name, h in reports.items() if not h.up]
        views = answers[VIEWS_PROBE]
        if isinstance(views, BaseException):  # the views' database is unreachable: say so, do not fail
            log.warning("the read views cannot be read: %s", views)
            down.append("views")
        elif views:  # from an older release, until a projections process rebuilds them
            lagging.append("views")
        return {
            "status": "degraded" if down or lagging else "ok",
            "down": down,
            "lagging": lagging,
            "max_lag": limit,
            "kafka": self.kafka,
            "components": {name: h.to_json() for name, h in reports.items()},
        }

    def views_lag(self) -> Any:
        """How far the read views are behind the stores (nothing without a projections component)."""
        return self.projections.lag() if self.projections is not None else None

    # --- drain ----------------------------------------------------------------------------

    def drain(self, timeout: float = 60.0) -> None:
        """Wait until intake, relay, rule worker and projections have all caught up."""
        deadline = time.monotonic() + timeout
        stable = 0
        while stable < 2:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the pipeline did not catch up in time: {self._behind()}")
            stable = stable + 1 if not self._behind() else 0
            time.sleep(DRAIN_INTERVAL_S)  # the polling interval of a deadline-bounded wait

    def _behind(self) -> dict[str, Any]:
        """What is still behind (empty when everything has caught up)."""
        behind: dict[str, Any] = {}
        if self.relay is not None and self.relay.lag():
            behind["relay"] = self.relay.lag()
        if self.projections is not None and self.projections.lag():
            behind["projections"] = self.projections.lag()
        if self.worker is not None:
            lag = self.worker.lag(range(self.settings.partitions))
            if lag:
                behind["rules"] = lag
        if self.kafka_intake is not None:
            unread = self._intake_unread()
            if unread:
                behind["intake"] = unread
        return behind

    def _intake_unread(self) -> dict[str, tuple[int, int]]:
        assert self.kafka_intake is not None
        if self._probe is None:
            self._probe = make_consumer(self.kafka or "", group_id=None, topics=None)
        topic = self.settings.topic(TOPIC_OBSERVATIONS)
        ends = self._probe.end_offsets([TopicPartition(topic, p) for p in range(self.settings.partitions)])
        handled = self.kafka_intake.handled
        return {f"{tp.topic}:{tp.partition}": (handled.get((tp.topic, tp.partition), 0), end)
                for tp, end in ends.items() if handled.get((tp.topic, tp.partition), 0) < end}


def _report(name: str, answer: Any) -> ComponentHealth:
    """A component's health; one whose report cannot be made (its database unreachable, say) or that has
    not answered in time is down."""
    if not isinstance(answer, BaseException):
        return answer  # type: ignore[no-any-return]
    if not isinstance(answer, NoAnswer):
        log.warning("%s cannot report its health", name, exc_info=answer)
    return ComponentHealth(name, up=False, last_error=f"{type(answer).__name__}: {answer}"[:300])
