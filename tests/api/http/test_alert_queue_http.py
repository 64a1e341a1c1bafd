"""The caseworker's queue: filters for what is mine and what is late, and the SLA clock of each alert."""

from __future__ import annotations

from typing import Any

import httpx

from infra.runtime import Runtime
from tests.people import GRID, People

HOUSEHOLD = "CQ-Q1"


def envelope(oid: str, kind: str, data: dict[str, Any], at: str) -> dict[str, Any]:
    return {"observation_id": oid, "informant": "x", "observed_at": at, "kind": kind, "household": HOUSEHOLD,
            "data": data}


def tick(day: str) -> dict[str, Any]:
    return {"observation_id": f"tick-{day}", "informant": "scheduler", "observed_at": f"{day}T00:00:00+08:00",
            "kind": "clock.tick", "household": None, "data": {"date": day}}


POOR = [
    envelope("q-1", "household.registered", {
        "region": "500103001001", "grid": GRID, "address": "渝中区某街道", "hukou": "urban",
        "members": [{"resident": "CQ-Q1-1", "name": "陈某", "sex": "F", "birth_date": "1969-11-05",
                     "relation": "head"}]}, "2026-11-02T09:00:00+08:00"),
    envelope("q-2", "household.income_reported", {"monthly_income": 500, "period": "2026-10",
                                                  "income_type": "stable", "source": "declared"},
             "2026-11-02T09:10:00+08:00"),
]


def queue(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/alerts", params={"status": "open", **params})
    assert response.status_code == 200, response.text
    return response.json()["alerts"]


def test_the_sla_clock_and_the_mine_and_late_filters(api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, runtime = api
    runtime.intake.accept_batch([*POOR, tick("2026-11-02")])  # a Monday
    runtime.drain()
    (alert,) = queue(client)
    assert alert["rule"] == "MISSED.DIBAO" and alert["severity"] == "high"
    # sla.ack.high is 3 working days: Monday's alert must be acknowledged by Thursday
    assert alert["sla"] == {"acknowledge_by": "2026-11-05", "counted_in": "working_days", "limit": 3,
                            "days_left": 3, "overdue": False}
    assert queue(client, assigned_to="me") == [] and queue(client, overdue=True) == []

    assigned = client.post(f"/api/v1/alerts/{alert['alert_id']}/assign", json={"to": "test-caseworker"},
                           headers=people.headers("supervisor"))
    assert assigned.status_code == 200, assigned.text
    runtime.drain()
    assert [a["alert_id"] for a in queue(client, assigned_to="me")] == [alert["alert_id"]]
    assert queue(client, assigned_to="someone-else") == []

    runtime.intake.accept(tick("2026-11-09"))  # the next Monday: late, and escalated by the rules
    runtime.drain()
    (late,) = queue(client, overdue=True)
    assert late["sla"]["overdue"] is True and late["sla"]["days_left"] == -4
    assert queue(client, overdue=False) == []
