"""Due-only judging is judging everything: for random districts and random sequences of clock ticks,
parameter changes and caseworker resolutions, the alerts a worker keeps when a tick judges only the
households due (and a parameter change only the households of its region that read it) equal those of a worker that judges every
household on every tick and every change. Both workers read one households store, each keeps its own
alerts store; alert ids derive from (household, slot, episode), so the two are compared alert by alert."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Iterator

import pytest
from eventsourcing.application import AggregateNotFoundError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.cli.demo.synthetic import iter_district
from domain.alerts.alert import Alert, AlertBook
from domain.households.clock import tick
from domain.policy.parameters import ParameterTable
from domain.policy.policy_service import PolicyService
from infra.event_store import open_alerts, open_households
from infra.kafka.clients import partition_for
from infra.settings import Settings
from rules.catalog import CATALOG
from rules.due import MemoryDueDates
from rules.engine import RuleEngine
from rules.findings import Judge
from rules.worker import RuleWorker

AS_OF = date(2025, 11, 30)
PARTITIONS = 2
COUNTY = "500116"
SCOPES = ("500000", COUNTY, "500116001", "500116002", "500116101", "500116001001", "510500")
VALUES = {  # name -> values an administrator might set
    "dibao.standard_monthly.urban": (700, 800, 1200),
    "dibao.standard_monthly.rural": (600, 700, 1000),
    "visiting.interval_days": (7, 20, 30),
    "emergency.window_days": (10, 30, 60),
    "payment.gap_months": (1, 2, 3),
    "elderly_allowance.min_age": (65, 80),
    "sla.ack.medium": (1, 7),
    "age_out.notice_days": (30, 90),
    "child.age_limit": (16, 18),
    "tekun.standard_monthly": (900, 1500),
    "dibao.review_months.stable": (3, 12),
    "child.missing_months": (3, 6),
    "application.limit_working_days.dibao": (10, 30),
    "school.compulsory_ages": ([6, 15], [7, 16]),
    "edge.multiplier": (1.5, 2),
}


class EveryHousehold(MemoryDueDates):
    """The reference: every recorded household is due on every tick and in every region."""

    def due(self, partition: int, upto: date) -> set[str]:
        return self.recorded(partition)

    def in_region(self, partition: int, scope: str, name: str | None = None) -> set[str]:
        return self.recorded(partition)


@pytest.fixture(scope="module")
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()


ticks = st.tuples(st.just("tick"), st.integers(1, 40))
values = st.sampled_from(sorted(VALUES)).flatmap(lambda name: st.tuples(
    st.just("value"), st.just(name), st.sampled_from(SCOPES), st.sampled_from(VALUES[name]), st.integers(-5, 40)))
resolutions = st.tuples(st.just("resolve"), st.integers(0, 10_000), st.sampled_from(("not_eligible", "enrolled")))
steps = st.lists(st.one_of(ticks, ticks, values, resolutions), min_size=3, max_size=10)


def alerts_of(worker: RuleWorker, households: list[str]) -> dict[str, Any]:
    """Every alert of every household (slot, episode, dates, state, escalation), and each book's snoozes."""
    found: dict[str, Any] = {}
    for household in households:
        try:
            book = worker.alerts.repository.get(AlertBook.id_for(household))
        except AggregateNotFoundError:
            continue
        found[household] = {"open": sorted(book.open), "snoozed": dict(book.snoozed_until),
                            "failing": dict(book.failing)}
        for slot, episodes in sorted(book.episodes.items()):
            for episode in range(1, episodes + 1):
                alert = worker.alerts.repository.get(Alert.id_for(household, slot, episode))
                found[f"{household}|{slot}|{episode}"] = (alert.raised_on, alert.severity, alert.status,
                                                          alert.escalated_to)
    return found


def open_alert_ids(worker: RuleWorker, households: list[str]) -> list[str]:
    ids = []
    for household in households:
        try:
            ids += sorted(worker.alerts.repository.get(AlertBook.id_for(household)).open.values())
        except AggregateNotFoundError:
            pass
    return ids


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), size=st.integers(3, 12), plan=steps)
def test_due_only_judging_equals_judging_everything(engine: RuleEngine, seed: int, size: int,
                                                    plan: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory)
        store = open_households(Settings(data_dir=data / "shared"))
        policy = PolicyService(store, ParameterTable())
        envelopes = list(iter_district(seed=seed, households=size, as_of=AS_OF))
        households = sorted({e["household"] for e in envelopes})
        store.accept_batch(envelopes)
        today = AS_OF
        store.accept(tick(today))

        def worker(name: str, due: MemoryDueDates) -> RuleWorker:
            alerts = open_alerts(Settings(data_dir=data / name), policy.table)
            return RuleWorker(store, alerts, Judge(CATALOG, engine, policy.table),
                              partial(partition_for, partitions=PARTITIONS), due)

        due_only, everything = worker("due", MemoryDueDates()), worker("all", EveryHousehold())
        for step in [("tick", 0), *plan]:
            if step[0] == "tick":
                today += timedelta(days=step[1])
                store.accept(tick(today))
            elif step[0] == "value":
                _, name, scope, value, offset = step
                policy.set_value(name, scope, today + timedelta(days=offset), value, "test")
            else:
                _, index, outcome = step
                ids = open_alert_ids(due_only, households)
                if ids:
                    alert_id = ids[index % len(ids)]
                    for one in (due_only, everything):
                        one.alerts.resolve(alert_id, outcome, "caseworker", "checked", today)
            for one in (due_only, everything):
                one.catch_up(range(PARTITIONS))
            assert alerts_of(due_only, households) == alerts_of(everything, households), step
        assert due_only.evaluations <= everything.evaluations
