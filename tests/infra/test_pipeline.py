"""The whole pipeline on real parts: intake → SQLite event store → relay → Kafka → rule worker
→ alert store → projections, and the Kafka intake with its dead-letter topic."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import pytest
from kafka import KafkaProducer

from infra.kafka.clients import make_consumer, make_producer
from infra.bootstrap import PIPELINE, bootstrap
from infra.runtime import Runtime
from infra.settings import TOPIC_EVENTS, TOPIC_OBSERVATIONS, TOPIC_OBSERVATIONS_DLQ, Settings

REGISTER = {
    "observation_id": "p-1", "informant": "grid-1", "observed_at": "2025-08-03T10:00:00+08:00",
    "kind": "household.registered", "household": "CQ-P1",
    "data": {"region": "500103001001", "grid": "500103001001-03", "address": "渝中区某街道", "hukou": "urban",
             "members": [{"resident": "CQ-P1-1", "name": "王某", "sex": "M", "birth_date": "1978-04-02",
                          "relation": "head"},
                         {"resident": "CQ-P1-2", "name": "李某", "sex": "F", "birth_date": "1980-09-17",
                          "relation": "spouse"}]},
}
INCOME = {
    "observation_id": "p-2", "informant": "grid-1", "observed_at": "2025-08-03T10:20:00+08:00",
    "kind": "household.income_reported", "household": "CQ-P1",
    "data": {"monthly_income": 1000, "period": "2025-07", "income_type": "irregular", "source": "declared"},
}
ENROL = {
    "observation_id": "p-3", "informant": "caseworker-1", "observed_at": "2025-08-20T10:00:00+08:00",
    "kind": "coverage.enrolled", "household": "CQ-P1", "data": {"programme": "dibao", "start": "2025-08-20"},
}


@pytest.fixture()
def runtime(broker: Any, tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(data_dir=tmp_path, kafka_bootstrap=broker.bootstrap, partitions=2)
    settings.topic_prefix = f"{tmp_path.name}-"
    running = bootstrap(settings, PIPELINE, group_consumers=False).start()
    yield running
    running.stop()


def open_alerts(runtime: Runtime, household: str) -> list[dict[str, Any]]:
    return runtime.views.query("SELECT * FROM alerts WHERE household = ? AND status = 'open'", (household,))


def test_observation_becomes_an_alert_and_enrolment_clears_it(runtime: Runtime) -> None:
    outcomes = runtime.intake.accept_batch([REGISTER, INCOME])
    assert [o.status for o in outcomes] == ["accepted", "accepted"]
    runtime.drain()
    alerts = open_alerts(runtime, "CQ-P1")
    assert [a["rule"] for a in alerts] == ["MISSED.DIBAO"]
    explanation = json.loads(alerts[0]["explanation"])
    assert explanation["facts"]["pc_income"] == 500
    assert "p-2" in explanation["event_ids"]

    runtime.intake.accept(ENROL)
    runtime.drain()
    assert open_alerts(runtime, "CQ-P1") == []
    closed = runtime.views.query("SELECT close_reason FROM alerts WHERE household = 'CQ-P1'")
    assert closed == [{"close_reason": "condition_cleared"}]


def test_resent_observations_change_nothing(runtime: Runtime) -> None:
    runtime.intake.accept_batch([REGISTER, INCOME])
    runtime.drain()
    before = runtime.households.recorder.max_notification_id()
    again = runtime.intake.accept_batch([REGISTER, INCOME])
    assert [o.status for o in again] == ["duplicate", "duplicate"]
    runtime.drain()
    assert runtime.households.recorder.max_notification_id() == before
    assert len(open_alerts(runtime, "CQ-P1")) == 1


def test_events_topic_carries_decoded_json_keyed_by_household(runtime: Runtime, wait_for: Any) -> None:
    runtime.intake.accept_batch([REGISTER, INCOME])
    runtime.drain()
    consumer = make_consumer(runtime.kafka, group_id=None, topics=[runtime.settings.topic(TOPIC_EVENTS)], assign_all=True,
                             partitions=2)
    seen: list[Any] = []

    def got_both() -> bool:
        for records in consumer.poll(timeout_ms=200).values():
            seen.extend(records)
        return sum(1 for r in seen if r.key == b"CQ-P1") >= 3

    try:
        wait_for(got_both, timeout=20)
    finally:
        consumer.close()
    events = [json.loads(r.value) for r in seen if r.key == b"CQ-P1"]
    types = [e["type"] for e in events]
    assert types[:2] == ["household.registered", "household.observed"]
    assert "alert.raised" in types
    assert "data" not in events[1]["observation"] and "monthly_income" in events[1]["observation"]["fields"]
    raw = b"".join(r.value for r in seen)
    assert all(v.encode() not in raw for v in ("王某", "李某", "渝中区某街道", "1978-04-02", "1980-09-17"))
    assert all(e["schema"] == "qianshao.event/2" and e["household"] == "CQ-P1" for e in events)


def test_kafka_intake_accepts_good_and_dead_letters_bad(runtime: Runtime, wait_for: Any) -> None:
    producer = make_producer(runtime.kafka)
    topic = runtime.settings.topic(TOPIC_OBSERVATIONS)
    producer.send(topic, key="CQ-P1", value=REGISTER)
    producer.send(topic, key="CQ-P1", value=dict(INCOME, data=dict(INCOME["data"], monthly_income=-5)))
    producer.send(topic, key="x", value={"kind": "no.such.kind"})
    producer.flush()
    plain = KafkaProducer(bootstrap_servers=runtime.kafka)
    plain.send(topic, b"{broken")
    plain.flush()
    plain.close()
    producer.close()
    runtime.drain()
    assert runtime.views.query("SELECT household FROM households") == [{"household": "CQ-P1"}]
    dlq = make_consumer(runtime.kafka, group_id=None, topics=[runtime.settings.topic(TOPIC_OBSERVATIONS_DLQ)],
                        assign_all=True, partitions=2)
    letters: list[dict[str, Any]] = []

    def three_letters() -> bool:
        for records in dlq.poll(timeout_ms=200).values():
            letters.extend(json.loads(r.value) for r in records)
        return len(letters) >= 3

    try:
        wait_for(three_letters, timeout=20)
    finally:
        dlq.close()
    reasons = " | ".join(letter["reason"] for letter in letters)
    assert "monthly_income" in reasons
    assert "kind" in reasons
    assert "not JSON" in reasons
    assert all("original" in letter and "source" in letter for letter in letters)


def test_clock_tick_raises_deadline_alerts(runtime: Runtime) -> None:
    runtime.intake.accept_batch([REGISTER, INCOME, dict(ENROL, observation_id="p-4",
                                                       data={"programme": "dibao", "start": "2025-08-20"})])
    runtime.drain()
    assert [a["rule"] for a in open_alerts(runtime, "CQ-P1")] == []
    tick = {"observation_id": "tick-2026-03-01", "informant": "scheduler", "observed_at": "2026-03-01T00:00:00+08:00",
            "kind": "clock.tick", "household": None, "data": {"date": "2026-03-01"}}
    assert runtime.intake.accept(tick).status == "accepted"
    runtime.drain()
    assert "LAPSED.REVIEW_OVERDUE" in [a["rule"] for a in open_alerts(runtime, "CQ-P1")]



def _tick(day: str) -> dict[str, Any]:
    return {"observation_id": f"tick-{day}", "informant": "scheduler", "observed_at": f"{day}T00:00:00+08:00",
            "kind": "clock.tick", "household": None, "data": {"date": day}}


def test_unacknowledged_alert_is_escalated_to_the_supervisor(runtime: Runtime) -> None:
    runtime.intake.accept_batch([REGISTER, INCOME, _tick("2025-08-04")])
    runtime.drain()
    assert open_alerts(runtime, "CQ-P1")[0]["escalated_on"] is None
    runtime.intake.accept(_tick("2025-08-12"))
    runtime.drain()
    alert = open_alerts(runtime, "CQ-P1")[0]
    assert alert["escalated_on"] == "2025-08-12" and alert["escalated_to"] == "supervisor:500103001"
    assert json.loads(alert["events"])[-1]["type"] == "escalated"


def test_acknowledged_alert_is_not_escalated(runtime: Runtime) -> None:
    runtime.intake.accept_batch([REGISTER, INCOME, _tick("2025-08-04")])
    runtime.drain()
    runtime.workflow.acknowledge(open_alerts(runtime, "CQ-P1")[0]["alert_id"], "cw-1", date(2025, 8, 4))
    runtime.intake.accept(_tick("2025-08-20"))
    runtime.drain()
    alert = open_alerts(runtime, "CQ-P1")[0]
    assert alert["escalated_on"] is None and alert["acknowledged_by"] == "cw-1"


def test_a_failing_step_is_counted_and_retried_without_losing_the_household(runtime: Runtime, monkeypatch: Any) -> None:
    failures = {"left": 1}
    assert runtime.worker is not None
    catch_up = runtime.worker.catch_up

    def flaky(*args: Any, **kwargs: Any) -> int:
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("database is locked (simulated)")
        return catch_up(*args, **kwargs)

    monkeypatch.setattr(runtime.worker, "catch_up", flaky)
    runtime.intake.accept_batch([REGISTER, INCOME])
    runtime.drain()
    assert failures["left"] == 0
    assert [a["rule"] for a in open_alerts(runtime, "CQ-P1")] == ["MISSED.DIBAO"]
    rules = runtime.health()["components"]["rules"]
    assert rules["errors"] == 1 and "database is locked" in rules["last_error"]


def _household(n: int) -> list[dict[str, Any]]:
    """REGISTER and INCOME for household CQ-P1<n> (same facts: MISSED.DIBAO holds)."""
    hid = f"CQ-P1{n}"
    members = [dict(m, resident=f"{hid}-{i}") for i, m in enumerate(REGISTER["data"]["members"], 1)]
    register = dict(REGISTER, observation_id=f"p{n}-1", household=hid, data=dict(REGISTER["data"], members=members))
    return [register, dict(INCOME, observation_id=f"p{n}-2", household=hid)]


WORKFLOW_STEPS: dict[str, list[Any]] = {
    "open": [],
    "assigned": [lambda w, a, on: w.assign(a, "cw-1", "sup-1", on)],
    "acknowledged": [lambda w, a, on: w.acknowledge(a, "cw-1", on)],
    "verification_requested": [lambda w, a, on: w.assign(a, "cw-1", "sup-1", on),
                               lambda w, a, on: w.request_verification(a, "cw-1", on)],
    "verified": [lambda w, a, on: w.assign(a, "cw-1", "sup-1", on),
                 lambda w, a, on: w.request_verification(a, "cw-1", on),
                 lambda w, a, on: w.record_verification(a, "found_as_reported", "确如所报", "grid-1", on)],
    "reopened": [lambda w, a, on: w.resolve(a, "duplicate", "cw-1", "", on),
                 lambda w, a, on: w.reopen(a, "并非重复", "sup-1", on)],
}


def test_the_rules_clear_an_alert_in_any_open_workflow_state(runtime: Runtime) -> None:
    households = {state: f"CQ-P1{n}" for n, state in enumerate(WORKFLOW_STEPS)}
    runtime.intake.accept_batch([o for n in range(len(WORKFLOW_STEPS)) for o in _household(n)])
    runtime.drain()
    on = date(2025, 8, 4)
    for state, steps in WORKFLOW_STEPS.items():
        alert_id = open_alerts(runtime, households[state])[0]["alert_id"]
        for step in steps:
            step(runtime.workflow, alert_id, on)
    runtime.drain()
    states = {s: open_alerts(runtime, h)[0]["state"] for s, h in households.items()}
    assert states == {**{s: s for s in WORKFLOW_STEPS}, "reopened": "open"}

    runtime.intake.accept_batch([dict(ENROL, observation_id=f"p{n}-3", household=households[state])
                                 for n, state in enumerate(WORKFLOW_STEPS)])
    runtime.drain()
    for household in households.values():
        assert open_alerts(runtime, household) == []
        (row,) = runtime.views.query("SELECT state, close_reason, events FROM alerts WHERE household = ?",
                                     (household,))
        assert (row["state"], row["close_reason"]) == ("closed", "condition_cleared")
        assert json.loads(row["events"])[-1]["type"] == "cleared"
