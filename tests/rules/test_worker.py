"""The rule worker reads the households log from the store and records how far it got in the
alerts store, in the same transaction as the alerts: no broker is needed to be right, a restart
resumes where the last transaction ended, and handling a stretch twice changes nothing."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, Iterator
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from domain.alerts.alert import AlertBook
from domain.households.clock import tick
from infra.event_store import open_alerts, open_households
from infra.kafka.clients import partition_for
from infra.settings import Settings
from rules.catalog import CATALOG
from rules.engine import RuleEngine
from rules.findings import Judge
from domain.policy.parameters import ParameterTable
from domain.policy.policy_service import PolicyService
from rules.worker import RuleWorker, tracking_name

PARTITIONS = 2


def household(name: str) -> list[dict[str, Any]]:
    region = "500103001001"
    return [
        {"observation_id": f"{name}-1", "informant": "g", "observed_at": "2026-11-02T09:00:00+08:00",
         "kind": "household.registered", "household": name,
         "data": {"region": region, "grid": f"{region}-01", "address": "某街道", "hukou": "urban",
                  "members": [{"resident": f"{name}-R1", "name": "王某", "sex": "M", "birth_date": "1970-04-02",
                               "relation": "head"}]}},
        {"observation_id": f"{name}-2", "informant": "g", "observed_at": "2026-11-02T09:10:00+08:00",
         "kind": "household.income_reported", "household": name,
         "data": {"monthly_income": 300, "period": "2026-10", "income_type": "stable", "source": "declared"}},
    ]


NAMES = [f"H-{i}" for i in range(12)]


@pytest.fixture()
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()


def worker_on(data: Path, engine: RuleEngine) -> RuleWorker:
    settings = Settings(data_dir=data)
    judge = Judge(CATALOG, engine, ParameterTable())
    return RuleWorker(open_households(settings), open_alerts(settings), judge,
                      partial(partition_for, partitions=PARTITIONS))


def open_slots(worker: RuleWorker) -> dict[str, list[str]]:
    found = {}
    for name in NAMES:
        try:
            found[name] = sorted(worker.alerts.repository.get(AlertBook.id_for(name)).open)
        except Exception:  # noqa: BLE001 - no book: no alerts
            found[name] = []
    return found


def test_catch_up_judges_every_household_and_records_the_position(tmp_path: Path, engine: RuleEngine) -> None:
    worker = worker_on(tmp_path, engine)
    worker.households.accept_batch([o for n in NAMES for o in household(n)])
    worker.catch_up(range(PARTITIONS))
    assert all(slots == ["MISSED.DIBAO|household:" + n] for n, slots in open_slots(worker).items())
    end = worker.log_end()
    assert [worker.position(p) for p in range(PARTITIONS)] == [end, end]
    assert worker.lag(range(PARTITIONS)) == 0


def test_a_restarted_worker_resumes_and_repeats_nothing(tmp_path: Path, engine: RuleEngine) -> None:
    first = worker_on(tmp_path, engine)
    first.households.accept_batch([o for n in NAMES[:6] for o in household(n)])
    first.catch_up(range(PARTITIONS))
    events_before = first.alerts.recorder.max_notification_id()

    second = worker_on(tmp_path, engine)  # a new process on the same stores
    assert second.catch_up(range(PARTITIONS)) == 0
    assert second.alerts.recorder.max_notification_id() == events_before
    second.households.accept_batch([o for n in NAMES[6:] for o in household(n)])
    second.catch_up(range(PARTITIONS))
    assert all(len(slots) == 1 for slots in open_slots(second).values())


def test_each_partition_handles_only_its_households(tmp_path: Path, engine: RuleEngine) -> None:
    worker = worker_on(tmp_path, engine)
    worker.households.accept_batch([o for n in NAMES for o in household(n)])
    worker.catch_up([0])
    judged = {n for n, slots in open_slots(worker).items() if slots}
    assert judged == {n for n in NAMES if partition_for(n, PARTITIONS) == 0}
    assert worker.position(1) == 0 and worker.lag([1]) == worker.log_end()


def test_a_stretch_already_tracked_is_refused(tmp_path: Path, engine: RuleEngine) -> None:
    worker = worker_on(tmp_path, engine)
    worker.households.accept_batch(household("H-0"))
    worker.catch_up(range(PARTITIONS))
    with pytest.raises(IntegrityError):
        worker.alerts.save_tracked(Tracking(tracking_name(0), worker.position(0)))


class CountingEngine(RuleEngine):
    """The real engine, counting its round trips and the households in each."""

    def __init__(self) -> None:
        super().__init__(CATALOG)
        self.households_per_call: list[int] = []

    def submit(self, facts: Any) -> None:
        self.households_per_call.append(len({fact["id"].split("|", 1)[0] for fact in facts}))
        super().submit(facts)


def test_the_engine_gets_many_households_per_round_trip(tmp_path: Path) -> None:
    engine = CountingEngine()
    try:
        worker = worker_on(tmp_path, engine)
        names = [f"M-{i}" for i in range(120)]
        worker.households.accept_batch([o for n in names for o in household(n)])
        worker.catch_up(range(PARTITIONS))
    finally:
        engine.close()
    assert sum(engine.households_per_call) == 120
    assert len(engine.households_per_call) <= 2 * 3  # per partition, batches of 50 households (PIPELINE_CHUNK)
    assert max(engine.households_per_call) == 50


def test_a_tick_re_judges_the_books_a_caseworker_changed_not_those_the_worker_wrote(
        tmp_path: Path, engine: RuleEngine) -> None:
    """The worker's own alerts (every household's MISSED.DIBAO) send nobody back to judgement at the next
    tick; a caseworker's resolution does, since the next evaluation may open a new episode at once."""
    worker = worker_on(tmp_path, engine)
    worker.households.accept_batch([o for n in NAMES for o in household(n)])
    worker.households.accept(tick(date(2026, 11, 10)))
    worker.catch_up(range(PARTITIONS))
    assert all(len(slots) == 1 for slots in open_slots(worker).values())

    worker.households.accept(tick(date(2026, 11, 11)))
    worker.catch_up(range(PARTITIONS))
    assert sum(list(worker.rejudged)[-PARTITIONS:]) == 0  # nothing due, no book changed by anyone else

    book = worker.alerts.repository.get(AlertBook.id_for(NAMES[3]))
    worker.alerts.resolve(next(iter(book.open.values())), "enrolled", "caseworker", "checked", date(2026, 11, 11))
    worker.households.accept(tick(date(2026, 11, 12)))
    worker.catch_up(range(PARTITIONS))
    assert sum(list(worker.rejudged)[-PARTITIONS:]) == 1


def worker_with_policy(data: Path, engine: RuleEngine) -> tuple[RuleWorker, PolicyService]:
    """A worker judging with the parameter table as administrators change it."""
    settings = Settings(data_dir=data)
    store = open_households(settings)
    policy = PolicyService(store, ParameterTable())
    worker = RuleWorker(store, open_alerts(settings, policy.table), Judge(CATALOG, engine, policy.table),
                        partial(partition_for, partitions=PARTITIONS))
    return worker, policy


def rural(name: str) -> list[dict[str, Any]]:
    observations = household(name)
    observations[0]["data"]["hukou"] = "rural"
    return observations


def test_an_urban_standard_change_re_judges_the_urban_households_of_its_region(tmp_path: Path,
                                                                                engine: RuleEngine) -> None:
    """A rural household never read the urban dibao standard: its judgement cannot change with it."""
    worker, policy = worker_with_policy(tmp_path, engine)
    urban_names, rural_names = NAMES[:5], NAMES[5:]
    worker.households.accept_batch([*(o for n in urban_names for o in household(n)),
                                    *(o for n in rural_names for o in rural(n))])
    worker.households.accept(tick(date(2026, 11, 10)))
    worker.catch_up(range(PARTITIONS))
    assert all(len(slots) == 1 for slots in open_slots(worker).values())  # MISSED.DIBAO: 300 below both

    policy.set_value("dibao.standard_monthly.urban", "500103", date(2026, 11, 1), 200, "admin", "test")
    worker.catch_up(range(PARTITIONS))
    assert sum(list(worker.rejudged)[-PARTITIONS:]) == len(urban_names)
    slots = open_slots(worker)
    assert all(slots[n] == [] for n in urban_names) and all(len(slots[n]) == 1 for n in rural_names)


def test_a_shorter_acknowledgement_limit_escalates_the_alerts_it_makes_late_at_once(tmp_path: Path,
                                                                                   engine: RuleEngine) -> None:
    """No judgement reads `sla.ack.*` (the escalation does): a change re-judges its whole region."""
    worker, policy = worker_with_policy(tmp_path, engine)
    worker.households.accept_batch([o for n in NAMES for o in household(n)])
    worker.households.accept(tick(date(2026, 11, 10)))  # a Tuesday: alerts raised today
    worker.catch_up(range(PARTITIONS))
    worker.households.accept(tick(date(2026, 11, 12)))
    worker.catch_up(range(PARTITIONS))
    alert = worker.alerts.repository.get(UUID(next(iter(
        worker.alerts.repository.get(AlertBook.id_for(NAMES[0])).open.values()))))
    assert not alert.escalated_to  # within its limit

    policy.set_value(f"sla.ack.{alert.severity}", "500103", date(2026, 11, 1), 1, "admin", "test")
    worker.catch_up(range(PARTITIONS))
    for name in NAMES:
        book = worker.alerts.repository.get(AlertBook.id_for(name))
        assert all(worker.alerts.repository.get(UUID(a)).escalated_to for a in book.open.values())
