"""The composition root: build exactly the components one process runs.

`bootstrap(settings, {"relay", "rules", ...})` opens the applications every entrypoint needs
(households with intake and corrections, alerts with their workflow, identity, audit), builds the
services beside them (policy, household assessment, history, the authorizer) and then only the
chosen components, each a small object with `start`, `stop` and `health`:

    broker       the embedded Kafka broker and its keeper (embedded mode, when a Kafka component runs)
    engine       the durable_rules child process (with `rules`)
    projections  read views from both event stores
    rules        the rule worker fed by `qianshao.events`, tracking in the alerts store
    relay        event stores -> `qianshao.events`
    intake       `qianshao.observations` -> intake (dead letters to `.dlq`)
    scheduler    one clock tick a day

`serve --only api` builds none of them: no engine, no producers, no broker.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from typing import Any, Callable, Collection

from domain.policy.parameters import ParameterTable
from infra.engine_component import EngineComponent
from domain.identity.authorizer import Authorizer
from infra.event_store import open_alerts, open_audit, open_households, open_identity
from infra.integrity import KeptVerdicts
from projections.as_of import AsOf
from projections.household_history import HouseholdHistory
from infra.kafka.broker import EmbeddedBroker
from infra.kafka.broker_keeper import BrokerKeeper
from infra.kafka.clients import make_consumer, make_producer, partition_for
from infra.kafka.intake_consumer import KafkaIntake
from infra.kafka.relay import DeadLetters, Relay, RelayComponent
from infra.kafka.relay_lock import FileRelayLock, PostgresRelayLock
from infra.kafka.rule_feed import RuleFeed
from domain.policy.policy_service import PolicyService
from infra.due_dates import SqlDueDates
from infra.known_households import SqlKnownHouseholds
from infra.imports.jobs import ImportJobs
from infra.positions import PositionStore
from infra.shared_tables import open_shared_tables
from infra.projection_loop import ProjectionsComponent
from infra.report_loop import ReportsComponent
from infra.runtime import Runtime
from infra.services import Services
from infra.scheduler import Scheduler
from infra.view_database import open_views
from infra.settings import TOPIC_EVENTS, TOPIC_OBSERVATIONS, TOPIC_OBSERVATIONS_DLQ, Settings
from projections.report_cache import ReportCache
from projections.report_warmer import ReportWarmer
from projections.runner import ProjectionRunner
from rules.assessment import Assessor
from rules.engine_process import DEFAULT_CATALOG, EngineProcess, load_catalog
from rules.findings import Engine, Judge
from rules.worker import RuleWorker

COMPONENTS = frozenset({"relay", "projections", "rules", "intake", "scheduler", "reports"})
PIPELINE = frozenset({"relay", "projections", "rules", "intake"})  # everything but the scheduler
FLUSH_MARGIN_S = 5.0
KAFKA_COMPONENTS = frozenset({"relay", "rules", "intake"})

log = logging.getLogger(__name__)


def bootstrap(
    settings: Settings,
    components: Collection[str] = COMPONENTS,
    *,
    parameters: ParameterTable | None = None,
    engine: Engine | None = None,
    catalog: str = DEFAULT_CATALOG,
    group_consumers: bool | None = None,
) -> Runtime:
    """Build (not start) a process: its services and the chosen components; `Runtime.start()` starts them."""
    unknown = set(components) - COMPONENTS
    if unknown:
        raise ValueError(f"unknown components: {', '.join(sorted(unknown))}")
    households = open_households(settings)
    policy = PolicyService(households, parameters or ParameterTable())
    alerts, audit = open_alerts(settings, parameters=policy.table), open_audit(settings)
    views = open_views(settings, rebuild_outdated="projections" in components)
    identity = open_identity(settings)
    services = Services(
        settings=settings,
        households=households,
        alerts=alerts,
        views=views,
        intake=households,
        corrections=households,
        policy=policy,
        workflow=alerts,
        assessor=Assessor(households, policy.table),
        identity=identity,
        audit=audit,
        history=(history := HouseholdHistory(households, alerts, audit)),
        as_of=AsOf(history, lambda: policy.base),
        authorizer=Authorizer(households, alerts, audit),
        reports=ReportCache(views, households),
        integrity=KeptVerdicts({app.name: app.recorder for app in (households, alerts, identity, audit)}),
        imports=ImportJobs(open_shared_tables(settings, "imports")),
    )
    runtime = Runtime(services)
    if services.views.outdated:
        log.warning("the read views are from an older release: they are served as they are until a process "
                    "with the projections component starts and rebuilds them")
    if KAFKA_COMPONENTS & set(components):
        _add_kafka(runtime)
    group = settings.kafka_bootstrap is not None if group_consumers is None else group_consumers
    builders: dict[str, Callable[[], None]] = {
        "projections": lambda: _add_projections(runtime),
        "rules": lambda: _add_rules(runtime, engine, catalog, group),
        "relay": lambda: _add_relay(runtime),
        "intake": lambda: _add_kafka_intake(runtime, group),
        "scheduler": lambda: _add_scheduler(runtime),
        "reports": lambda: _add_reports(runtime),
    }
    for name, build in builders.items():
        if name in components:
            build()
    return runtime


def _add_kafka(runtime: Runtime) -> None:
    settings = runtime.settings
    topics = {settings.topic(t): settings.partitions for t in (TOPIC_EVENTS, TOPIC_OBSERVATIONS, TOPIC_OBSERVATIONS_DLQ)}
    if settings.kafka_bootstrap:
        runtime.kafka = settings.kafka_bootstrap
        runtime.topics = topics
        return
    keeper = BrokerKeeper(EmbeddedBroker(port=settings.kafka_port, log_dir=settings.data_dir), topics)
    runtime.kafka = keeper.bootstrap
    runtime.add(keeper)


def _producer(runtime: Runtime) -> Any:
    return make_producer(runtime.kafka, delivery_timeout_ms=runtime.settings.delivery_timeout_ms)


def _consumer(runtime: Runtime, topic: str, group: str | None) -> Any:
    settings = runtime.settings
    if group:
        return make_consumer(runtime.kafka, group_id=group, topics=[topic])
    return make_consumer(runtime.kafka, group_id=None, topics=[topic], assign_all=True, partitions=settings.partitions)


def _add_projections(runtime: Runtime) -> None:
    services = runtime.services
    sources = {"households": services.households, "alerts": services.alerts, "audit": services.audit}
    runtime.projections = ProjectionRunner(sources, services.views)
    runtime.add(ProjectionsComponent(runtime.projections))


def _add_reports(runtime: Runtime) -> None:
    """The district reports computed ahead of the pages, on the clock's day as the pages read it, and the
    logs' integrity verdicts walked ahead of the integrity page."""
    services = runtime.services
    today = lambda: services.assessor.clock() or date.today()  # noqa: E731 - as `api.http.dependencies.today`
    runtime.add(ReportsComponent(ReportWarmer(services.reports, services.views, today), services.integrity))


def _add_rules(runtime: Runtime, engine: Engine | None, catalog: str, group: bool) -> None:
    settings = runtime.settings
    if engine is None:
        process = EngineProcess(catalog)
        runtime.add(EngineComponent(process))
        engine = process
    judge = Judge(load_catalog(catalog), engine, runtime.services.policy.table)
    partitions = settings.partitions
    tables = open_shared_tables(settings, "rule_due")  # the worker's own: due dates, the households it knows
    runtime.worker = RuleWorker(runtime.services.households, runtime.services.alerts, judge,
                                partial(partition_for, partitions=partitions), SqlDueDates(tables),
                                fold_cache_size=settings.folds_kept, known=SqlKnownHouseholds(tables))
    topic = settings.topic(TOPIC_EVENTS)
    consumer = partial(_consumer, runtime, topic, settings.consumer_group if group else None)
    runtime.add(RuleFeed(runtime.worker, consumer, topic, None if group else list(range(partitions)),
                         quiet_catch_up_s=settings.quiet_catch_up_s))


def _add_relay(runtime: Runtime) -> None:
    settings = runtime.settings
    runtime.relay = Relay(
        {"households": runtime.services.households, "alerts": runtime.services.alerts},
        partial(_producer, runtime),
        settings.topic(TOPIC_EVENTS),
        settings.partitions,
        PositionStore(tables := open_shared_tables(settings, "relay")),
        DeadLetters(tables),
        flush_timeout_s=settings.delivery_timeout_ms / 1000 + FLUSH_MARGIN_S,
    )
    lock = (PostgresRelayLock(settings.postgres) if settings.postgres
            else FileRelayLock(settings.data_dir / "relay.lock"))
    runtime.add(RelayComponent(runtime.relay, lock))


def _add_kafka_intake(runtime: Runtime, group: bool) -> None:
    settings = runtime.settings
    topic = settings.topic(TOPIC_OBSERVATIONS)
    consumer = partial(_consumer, runtime, topic, f"{settings.consumer_group}-intake" if group else None)
    runtime.kafka_intake = KafkaIntake(runtime.services.intake, consumer, partial(_producer, runtime),
                                       settings.topic(TOPIC_OBSERVATIONS_DLQ))
    runtime.add(runtime.kafka_intake)


def _add_scheduler(runtime: Runtime) -> None:
    from domain.households.clock import tick

    runtime.add(Scheduler(runtime.services.intake, tick))
