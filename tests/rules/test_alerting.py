"""Alerts follow the truth: raised once, cleared when the condition stops, snoozed after not_eligible."""

from datetime import date
from typing import Any, Iterator

import pytest

from domain.alerts.alert import AlertBook
from domain.policy.parameters import ParameterTable
from domain.alerts.application import AlertsApp
from rules.alerting import reconcile, save_changes
from rules.catalog import CATALOG
from rules.engine import RuleEngine
from rules.findings import Judge

ON = date(2025, 9, 1)


def observation(n: int, kind: str, data: dict[str, Any], at: str = "2025-08-03T10:00:00+08:00") -> dict[str, Any]:
    return {"observation_id": f"o{n}", "informant": "t", "observed_at": at, "kind": kind,
            "household": "H1", "resident": None, "data": data}


REGISTERED = observation(1, "household.registered", {
    "region": "500103001001", "grid": "g", "address": "a", "hukou": "urban", "local_hukou": True,
    "members": [{"resident": "R1", "name": "王某", "sex": "M", "birth_date": "1978-04-02", "relation": "head"}]})
POOR = observation(2, "household.income_reported",
                   {"monthly_income": 500, "period": "2025-07", "income_type": "stable", "source": "declared"})
ENROLLED = observation(3, "coverage.enrolled", {"programme": "dibao", "start": "2025-08-20"}, "2025-08-20T10:00:00+08:00")


@pytest.fixture()
def judge() -> Iterator[Judge]:
    engine = RuleEngine(CATALOG)
    yield Judge(CATALOG, engine, ParameterTable())
    engine.close()


@pytest.fixture()
def app() -> AlertsApp:
    return AlertsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def evaluate(app: AlertsApp, judge: Judge, observations: list[dict[str, Any]], cause: str = "e1") -> Any:
    findings = judge.judge(observations, ON)
    book, changes = reconcile(app, "H1", findings, ON, [cause])
    if changes:
        save_changes(app, book, changes)
    return changes


def open_rules(app: AlertsApp) -> list[str]:
    book = app.repository.get(AlertBook.id_for("H1"))
    return sorted(slot.split("|")[0] for slot in book.open)


def test_raises_once_with_explanation(app: AlertsApp, judge: Judge) -> None:
    changes = evaluate(app, judge, [REGISTERED, POOR])
    alert = changes.raised[0]
    assert alert.rule == "MISSED.DIBAO" and alert.severity == "high"
    assert alert.explanation["facts"]["pc_income"] == 500
    assert alert.explanation["parameters"]["dibao.standard_monthly.urban"]["value"] == 770
    assert set(alert.explanation["event_ids"]) >= {"o1", "o2"}
    assert not evaluate(app, judge, [REGISTERED, POOR], cause="e2")
    assert open_rules(app) == ["MISSED.DIBAO"]


def test_enrolment_clears_with_condition_cleared(app: AlertsApp, judge: Judge) -> None:
    raised = evaluate(app, judge, [REGISTERED, POOR]).raised[0]
    changes = evaluate(app, judge, [REGISTERED, POOR, ENROLLED], cause="e3")
    assert [a.id for a in changes.cleared] == [raised.id]
    assert changes.cleared[0].close_reason == "condition_cleared"
    assert open_rules(app) == []


def test_not_eligible_snoozes_then_a_new_episode_may_open(app: AlertsApp, judge: Judge) -> None:
    raised = evaluate(app, judge, [REGISTERED, POOR]).raised[0]
    app.resolve(str(raised.id), "not_eligible", "cw1", "car owner", ON)
    assert not evaluate(app, judge, [REGISTERED, POOR])
    later = date(2025, 12, 1)
    findings = judge.judge([REGISTERED, POOR], later)
    book, changes = reconcile(app, "H1", findings, later, ["e9"])
    assert [a.episode for a in changes.raised] == [2]
    assert changes.raised[0].id != raised.id
