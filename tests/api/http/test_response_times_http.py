"""Response times over real HTTP: observation → alert → acknowledgement → visit → resolution, by
caseworker, rule and community, in working days (the SLA's unit for non-critical alerts) and
calendar days; supervisors see only their jurisdiction, auditors everything."""

from __future__ import annotations

from typing import Any

import httpx

from infra.runtime import Runtime
from tests.api.http.test_alert_workflow_http import poor_household, post, tick
from tests.people import People


def times(client: httpx.Client, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/audit/response-times", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def history(api: tuple[httpx.Client, Runtime], people: People) -> dict[str, str]:
    """Three poor households observed on Friday 2025-08-01, found on Monday 08-04 (the first tick);
    W1 acknowledged that day, visited 08-05, resolved 08-08; W2 acknowledged 08-06; W3 untouched;
    and one household in another street (500103002001)."""
    client, runtime = api
    runtime.intake.accept(tick("2025-08-04"))
    runtime.drain()
    friday = "2025-08-01T10:00:00+08:00"
    observations = [dict(o, observed_at=friday) for h in ("W1", "W2", "W3") for o in poor_household(h)]
    elsewhere = [dict(o, observed_at=friday, informant="x") for o in poor_household("W4")]
    elsewhere[0]["data"] = dict(elsewhere[0]["data"], region="500103002001", grid="500103002001-01")
    assert client.post("/api/v1/observations", json={"observations": observations}).status_code == 202
    assert {o.status for o in runtime.intake.accept_batch(elsewhere)} == {"accepted"}
    runtime.drain()
    queue = client.get("/api/v1/alerts", params={"status": "open"}).json()["alerts"]
    ids = {a["household"]: a["alert_id"] for a in queue}
    assert post(client, ids["W1"], "acknowledge", {}).status_code == 200
    assert post(client, ids["W1"], "request-verification", {}).status_code == 200
    runtime.intake.accept(tick("2025-08-06"))
    runtime.drain()
    assert post(client, ids["W2"], "acknowledge", {}).status_code == 200
    visit = {"outcome": "found_as_reported", "note": "属实", "visited_on": "2025-08-05"}
    assert post(client, ids["W1"], "verification", visit, people.headers("informant")).status_code == 200
    runtime.intake.accept(tick("2025-08-08"))
    runtime.drain()
    assert post(client, ids["W1"], "resolve", {"outcome": "referred", "note": "已转介"}).status_code == 200
    runtime.drain()
    return ids


def test_stages_by_caseworker_in_working_and_calendar_days(api: tuple[httpx.Client, Runtime],
                                                            people: People) -> None:
    client, _ = api
    history(api, people)
    report = times(client, people.headers("auditor"), group_by="caseworker")
    groups = {g["group"]: g for g in report["groups"]}
    assert {g: groups[g]["alerts"] for g in groups} == {"test-caseworker": 2, "unassigned": 2}
    stages = groups["test-caseworker"]["stages"]
    # Friday → Monday: 3 calendar days, 1 working day.
    assert stages["observation_to_alert"] == {"count": 2, "counted_in": "working_days", "median": 1.0, "p90": 1.0,
                                              "median_calendar_days": 3.0, "p90_calendar_days": 3.0}
    assert (stages["alert_to_acknowledgement"]["median"], stages["alert_to_acknowledgement"]["p90"]) == (1.0, 1.8)
    assert [stages[s]["median"] for s in ("acknowledgement_to_visit", "visit_to_resolution", "alert_to_resolution")] \
        == [1.0, 3.0, 4.0]
    assert [stages[s]["count"] for s in ("acknowledgement_to_visit", "visit_to_resolution")] == [1, 1]
    untouched = groups["unassigned"]["stages"]
    assert untouched["alert_to_acknowledgement"] == {"count": 0, "counted_in": None, "median": None, "p90": None,
                                                     "median_calendar_days": None, "p90_calendar_days": None}


def test_supervisors_see_their_jurisdiction_and_dates_narrow_it(api: tuple[httpx.Client, Runtime],
                                                                people: People) -> None:
    client, _ = api
    history(api, people)
    auditor, supervisor = people.headers("auditor"), people.headers("supervisor")
    assert [(g["group"], g["alerts"]) for g in times(client, auditor)["groups"]] == [
        ("500103001001", 3), ("500103002001", 1)]
    mine = times(client, supervisor, group_by="rule", region="510500")
    assert mine["region"] == "500103001" and [(g["group"], g["alerts"]) for g in mine["groups"]] == [
        ("MISSED.DIBAO", 3)]
    assert times(client, auditor, **{"to": "2025-08-03"})["groups"] == []
    assert len(times(client, auditor, **{"from": "2025-08-04", "to": "2025-08-04"})["groups"]) == 2


def test_refusals_are_problems(api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, _ = api
    assert client.get("/api/v1/audit/response-times").status_code == 403  # caseworkers have no statistics
    bad = client.get("/api/v1/audit/response-times", params={"group_by": "street"}, headers=people.headers("auditor"))
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    for day in ("0", "2025-8-4", "2025-02-30"):
        refused = client.get("/api/v1/audit/response-times", params={"to": day}, headers=people.headers("auditor"))
        assert refused.status_code == 422 and "to" in refused.text, day
