"""Faults inside one component, on the real broker and real SQLite: a record the broker refuses,
a rule that raises, a parameter value no rule can use. None may stop the pipeline or cost another
household its alert."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, Iterator

import pytest
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.utils import get_topic

from domain.alerts.alert import AlertBook
from domain.policy.book import POLICY_ID, PolicyBook
from infra.bootstrap import PIPELINE, bootstrap
from infra.kafka.clients import make_producer
from domain.policy.policy_service import PolicyError
from infra.runtime import Runtime
from infra.settings import Settings

REGION = "500103001001"


def register(household: str, members: int, name: str = "王某", resident: str = "") -> dict[str, Any]:
    people = [{"resident": f"{resident or household}-{i}", "name": name, "sex": "F", "birth_date": "1970-01-0" + str(1 + i % 9),
               "relation": "head" if i == 1 else "other"} for i in range(1, members + 1)]
    return {"observation_id": f"{household}-reg", "informant": "grid-1", "observed_at": "2026-11-02T09:00:00+08:00",
            "kind": "household.registered", "household": household,
            "data": {"region": REGION, "grid": f"{REGION}-01", "address": "渝中区某街道", "hukou": "urban",
                     "members": people}}


def poor(household: str) -> dict[str, Any]:
    return {"observation_id": f"{household}-inc", "informant": "grid-1", "observed_at": "2026-11-02T09:30:00+08:00",
            "kind": "household.income_reported", "household": household,
            "data": {"monthly_income": 300, "period": "2026-10", "income_type": "stable", "source": "declared"}}


def open_rules(runtime: Runtime, household: str) -> list[str]:
    rows = runtime.views.query("SELECT rule FROM alerts WHERE household = ? AND status = 'open' ORDER BY rule",
                               (household,))
    return [r["rule"] for r in rows]


def settings_for(broker: Any, tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path, kafka_bootstrap=broker.bootstrap, partitions=2)
    settings.topic_prefix = f"{tmp_path.name}-"
    return settings


@pytest.fixture()
def small_records(broker: Any, tmp_path: Path) -> Iterator[Runtime]:
    """A pipeline whose producer takes requests of at most 2 KiB: a registration of 30 members with 60-character
    resident ids is over 2 KiB published (their ids, no personal data), one of a single member under 1 KiB."""
    runtime = bootstrap(settings_for(broker, tmp_path), PIPELINE, group_consumers=False)
    assert runtime.relay is not None
    runtime.relay.producer_factory = partial(make_producer, broker.bootstrap, max_request_size=2048)
    yield runtime.start()
    runtime.stop()


def test_a_record_the_broker_refuses_is_dead_lettered_and_everything_after_it_flows(small_records: Runtime) -> None:
    runtime = small_records
    big = register("H-BIG", 30, resident="R-" + "长" * 20 + "x" * 35)
    outcomes = runtime.intake.accept_batch([big, poor("H-BIG"), register("H-SMALL", 1), poor("H-SMALL")])
    assert [o.status for o in outcomes] == ["accepted"] * 4
    runtime.drain()
    assert runtime.relay is not None
    [letter] = runtime.relay.dead_letters.all()
    assert (letter.source, letter.type, letter.household) == ("households", "household.registered", "H-BIG")
    assert "MessageSizeTooLargeError" in letter.reason
    # the household behind the refused record is judged anyway: the rule worker reads the store
    assert open_rules(runtime, "H-BIG") == ["MISSED.DIBAO"]
    assert open_rules(runtime, "H-SMALL") == ["MISSED.DIBAO"]
    relay = runtime.health()["components"]["relay"]
    assert relay["status"] == "up" and relay["dead_letters"] == 1 and relay["lag"] == 0
    assert relay["last_dead_letter"]["type"] == "household.registered"


@pytest.fixture()
def raising_rule(broker: Any, tmp_path: Path) -> Iterator[Runtime]:
    runtime = bootstrap(settings_for(broker, tmp_path), PIPELINE, group_consumers=False,
                        catalog="tests.faults.faulty_catalog:CATALOG")
    yield runtime.start()
    runtime.stop()


def failures_recorded(runtime: Runtime, household: str) -> list[Any]:
    events = runtime.alerts.events.get(AlertBook.id_for(household))
    return [e for e in events if get_topic(type(e)).endswith("EvaluationFailed")]


def test_a_rule_that_raises_is_recorded_and_nothing_else_is_held_up(raising_rule: Runtime) -> None:
    runtime = raising_rule
    runtime.intake.accept_batch([register("H-3", 3), poor("H-3"), register("H-1", 1), poor("H-1")])
    runtime.drain()
    assert open_rules(runtime, "H-1") == ["MISSED.DIBAO", "TEST.RAISES_FOR_THREE"]
    assert open_rules(runtime, "H-3") == ["MISSED.DIBAO"]  # the other rules of that household still hold
    [failure] = failures_recorded(runtime, "H-3")
    assert failure.rule == "TEST.RAISES_FOR_THREE" and "ZeroDivisionError" in failure.error
    rules = runtime.health()["components"]["rules"]
    assert rules["status"] == "up" and rules["failed_evaluations"] >= 1
    assert rules["last_failed_evaluation"]["household"] == "H-3"

    # judged again (a new observation): the same failure is not recorded twice, and the worker goes on
    enrol = {"observation_id": "H-1-enrol", "informant": "cw-1", "observed_at": "2026-11-03T09:00:00+08:00",
             "kind": "coverage.enrolled", "household": "H-1", "data": {"programme": "dibao", "start": "2026-11-03"}}
    again = dict(poor("H-3"), observation_id="H-3-inc-2", observed_at="2026-11-03T10:00:00+08:00")
    runtime.intake.accept_batch([enrol, again])
    runtime.drain()
    assert open_rules(runtime, "H-1") == []
    assert len(failures_recorded(runtime, "H-3")) == 1


@pytest.fixture()
def pipeline(broker: Any, tmp_path: Path) -> Iterator[Runtime]:
    runtime = bootstrap(settings_for(broker, tmp_path), PIPELINE, group_consumers=False)
    yield runtime.start()
    runtime.stop()


def store_unchecked(runtime: Runtime, value: Any, effective_from: str) -> None:
    """A dibao standard written before parameters were typed (bypasses the policy service's check)."""
    try:
        book: PolicyBook = runtime.households.repository.get(POLICY_ID)
    except AggregateNotFoundError:
        book = PolicyBook()
    book.set_value(name="dibao.standard_monthly.urban", region="500103", effective_from=effective_from, value=value,
                   set_by="legacy", reason="stored before parameters were typed")
    runtime.households.save(book)


@pytest.mark.parametrize("bad", ["", None, "770"])
def test_a_bad_parameter_is_refused_and_a_stored_one_neither_crashes_nor_closes_alerts(
    pipeline: Runtime, bad: Any
) -> None:
    runtime = pipeline
    with pytest.raises(PolicyError):
        runtime.policy.set_value("dibao.standard_monthly.urban", "500103", date(2026, 11, 1), bad, "admin-1")
    runtime.intake.accept_batch([register("H-OLD", 2), poor("H-OLD")])
    runtime.drain()
    assert open_rules(runtime, "H-OLD") == ["MISSED.DIBAO"]

    store_unchecked(runtime, bad, "2026-11-01")  # every household is judged again, with a value no rule can use
    later = dict(register("H-NEW", 2), observation_id="H-NEW-reg", observed_at="2026-11-04T09:00:00+08:00")
    runtime.intake.accept_batch([later, dict(poor("H-NEW"), observed_at="2026-11-04T09:30:00+08:00")])
    runtime.drain()
    assert open_rules(runtime, "H-OLD") == ["MISSED.DIBAO"]  # not known is not false: the alert stays open
    assert open_rules(runtime, "H-NEW") == []  # and none is raised on a value nobody can read
    failed = {f.rule: f.error for f in failures_recorded(runtime, "H-NEW")}
    assert "MISSED.DIBAO" in failed and "dibao.standard_monthly.urban" in failed["MISSED.DIBAO"]
    assert runtime.health()["components"]["rules"]["status"] == "up"

    runtime.policy.set_value("dibao.standard_monthly.urban", "500103", date(2026, 11, 1), 800, "admin-1")
    runtime.drain()
    assert open_rules(runtime, "H-OLD") == open_rules(runtime, "H-NEW") == ["MISSED.DIBAO"]
