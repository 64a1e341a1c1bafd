"""Auditors replay a household over real HTTP: its whole history with who and when, the household as it
was on a date as known at a moment (late reports and later corrections left out), and an alert's story
with what the system held when the caseworker resolved it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from infra.runtime import Runtime
from tests.api.http.test_alert_workflow_http import poor_household, tick
from tests.people import People

HOUSEHOLD = "CQ-H1"


def correction(amount: float) -> dict[str, Any]:
    return {"observation_id": f"{HOUSEHOLD}-2b", "observed_at": "2025-08-03T10:05:00+08:00",
            "kind": "household.income_reported", "household": HOUSEHOLD,
            "data": {"monthly_income": amount, "period": "2025-07", "income_type": "stable", "source": "declared"}}


@pytest.fixture()
def story(api: tuple[httpx.Client, Runtime], people: People) -> dict[str, Any]:
    """Reported poor, raised, acknowledged and resolved by the caseworker, then the income corrected."""
    client, runtime = api
    informant = people.headers("informant")
    assert client.post("/api/v1/observations", json={"observations": poor_household(HOUSEHOLD)},
                       headers=informant).status_code == 202
    runtime.intake.accept(tick("2025-08-04"))
    runtime.drain()
    (alert,) = client.get("/api/v1/alerts", params={"household": HOUSEHOLD}).json()["alerts"]
    assert client.get(f"/api/v1/households/{HOUSEHOLD}").status_code == 200  # a recorded read, full identity
    assert client.post(f"/api/v1/alerts/{alert['alert_id']}/acknowledge", json={}).status_code == 200
    assert client.post(f"/api/v1/alerts/{alert['alert_id']}/resolve",
                       json={"outcome": "referred", "note": "转街道核查"}).status_code == 200
    before_correction = datetime.now(timezone.utc)
    assert client.post(f"/api/v1/observations/{HOUSEHOLD}-2/correction", json=correction(5000),
                       headers=informant).status_code == 202
    runtime.drain()
    return {"alert": alert["alert_id"], "before_correction": before_correction.isoformat()}


def test_the_history_lists_every_event_with_who_and_when(api: tuple[httpx.Client, Runtime], people: People,
                                                          story: dict[str, Any]) -> None:
    client, _ = api
    auditor = people.headers("auditor")
    answer = client.get(f"/api/v1/audit/households/{HOUSEHOLD}/events", headers=auditor)
    assert answer.status_code == 200, answer.text
    events = answer.json()["events"]
    types = [e["type"] for e in events]
    for kind in ("household.registered", "household.observed", "alert.raised", "access.recorded",
                 "alert.acknowledged", "alert.resolved", "household.corrected"):
        assert kind in types, kind
    assert types.index("alert.raised") < types.index("alert.acknowledged") < types.index("household.corrected")
    recorded = [e["recorded_at"] for e in events]
    assert recorded == sorted(recorded)
    by = {e["type"]: e["by"] for e in events}
    assert by["household.registered"] == "test-informant" and by["alert.resolved"] == "test-caseworker"
    assert by["access.recorded"] == "test-caseworker" and by["alert.raised"] == "rules"
    raised = next(e for e in events if e["type"] == "alert.raised")
    assert f"{HOUSEHOLD}-2" in raised["observations"]
    registered = next(e for e in events if e["type"] == "household.registered")
    assert registered["observation"]["data"]["members"][0]["name"] == "陈*"  # auditors see masked names
    assert registered["occurred_at"] == "2025-08-03T10:00:00+08:00"

    alerts_only = client.get(f"/api/v1/audit/households/{HOUSEHOLD}/events", params={"kind": "alert"},
                             headers=auditor).json()
    assert {e["type"].split(".")[0] for e in alerts_only["events"]} == {"alert"}
    early = client.get(f"/api/v1/audit/households/{HOUSEHOLD}/events", headers=auditor,
                       params={"to": story["before_correction"], "kind": "household.corrected"}).json()
    assert early["total"] == 0
    page = client.get(f"/api/v1/audit/households/{HOUSEHOLD}/events", params={"limit": 2, "offset": 1},
                      headers=auditor).json()
    assert [e["recorded_at"] for e in page["events"]] == recorded[1:3]
    assert client.get("/api/v1/audit/households/NOPE/events", headers=auditor).status_code == 404
    assert client.get(f"/api/v1/audit/households/{HOUSEHOLD}/events", params={"to": "yesterday"},
                      headers=auditor).status_code == 422
    assert client.get(f"/api/v1/audit/households/{HOUSEHOLD}/events",
                      headers=people.headers("caseworker")).status_code == 403


def test_the_household_as_known_at_a_moment_on_a_date(api: tuple[httpx.Client, Runtime], people: People,
                                                       story: dict[str, Any]) -> None:
    client, _ = api
    auditor = people.headers("auditor")

    def incomes(**params: str) -> list[float]:
        answer = client.get(f"/api/v1/audit/households/{HOUSEHOLD}", params=params, headers=auditor)
        assert answer.status_code == 200, answer.text
        return [o["data"]["monthly_income"] for o in answer.json()["observations_in_force"]
                if o["kind"] == "household.income_reported"]

    assert incomes(as_of="2025-08-04", known_at=story["before_correction"]) == [500]
    assert incomes(as_of="2025-08-04") == [5000]  # known now: the correction is in force
    assert incomes(as_of="2025-08-02") == []  # nothing had been reported yet on that date
    then = client.get(f"/api/v1/audit/households/{HOUSEHOLD}", headers=auditor,
                      params={"as_of": "2025-08-04", "known_at": story["before_correction"]}).json()
    assert then["members"][0]["name"] == "陈*"
    assert then["open_alerts"] == []  # resolved before that moment
    long_before = client.get(f"/api/v1/audit/households/{HOUSEHOLD}", headers=auditor,
                             params={"known_at": "2020-01-01T00:00:00+08:00"})
    assert long_before.status_code == 404


def test_an_alert_story_shows_its_causes_and_what_was_known_when_resolved(
        api: tuple[httpx.Client, Runtime], people: People, story: dict[str, Any]) -> None:
    client, _ = api
    answer = client.get(f"/api/v1/audit/alerts/{story['alert']}", headers=people.headers("auditor"))
    assert answer.status_code == 200, answer.text
    told = answer.json()
    assert told["rule"] == "MISSED.DIBAO" and told["household"] == HOUSEHOLD
    income = next(c for c in told["caused_by"] if c["observation_id"] == f"{HOUSEHOLD}-2")
    assert income["status"] == "corrected" and income["corrected_by"] == f"{HOUSEHOLD}-2b"
    assert [a["type"] for a in told["actions"]] == ["alert.raised", "alert.acknowledged", "alert.resolved"]
    (resolution,) = told["resolutions"]
    assert (resolution["by"], resolution["outcome"], resolution["note"]) == ("test-caseworker", "referred", "转街道核查")
    then = resolution["household_then"]
    assert [o["data"]["monthly_income"] for o in then["observations_in_force"]
            if o["kind"] == "household.income_reported"] == [500]
    assert [a["rule"] for a in then["open_alerts"]] == ["MISSED.DIBAO"]  # open until that very resolution
    assert client.get("/api/v1/audit/alerts/not-a-uuid", headers=people.headers("auditor")).status_code == 404
