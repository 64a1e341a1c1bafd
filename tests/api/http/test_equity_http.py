"""The equity report over real HTTP: per hukou, sex, age band, disability and community, the share of
residents with alerts of each category next to the group's share of the population, the share
resolved as enrolled, and the median days to resolution; auditors everywhere, supervisors at home."""

from __future__ import annotations

from typing import Any

import httpx

from infra.runtime import Runtime
from tests.api.http.test_alert_workflow_http import envelope, post, tick
from tests.people import GRID, People

REGION = "500103001001"


def household(name: str, hukou: str, income: int, *members: tuple[str, str], region: str = REGION,
              grid: str = GRID) -> list[dict[str, Any]]:
    roster = [{"resident": f"{name}-R{i}", "name": "某", "sex": sex, "birth_date": born,
               "relation": "head" if i == 1 else "spouse"} for i, (sex, born) in enumerate(members, 1)]
    return [envelope(f"{name}-1", name, "household.registered",
                     {"region": region, "grid": grid, "address": "某街道", "hukou": hukou, "members": roster}),
            envelope(f"{name}-2", name, "household.income_reported",
                     {"monthly_income": income, "period": "2025-07", "income_type": "stable", "source": "declared"},
                     at="2025-08-03T10:05:00+08:00")]


def report(client: httpx.Client, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/audit/equity", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def by_group(found: dict[str, Any], dimension: str) -> dict[str, dict[str, Any]]:
    return {g["group"]: g for g in found["groups"][dimension]}


def test_groups_next_to_their_share_of_the_population(api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, runtime = api
    runtime.intake.accept(tick("2025-08-04"))
    runtime.drain()
    observations = [*household("E1", "urban", 600, ("F", "1950-03-01"), ("M", "1948-05-01")),  # MISSED.DIBAO
                    *household("E2", "rural", 9000, ("F", "1990-01-01")),
                    *household("E3", "urban", 9000, ("M", "2000-01-01")),
                    envelope("E3-3", "E3", "resident.disability_assessed",
                             {"category": "physical", "grade": 4, "certified": True}, at="2025-08-03T11:00:00+08:00")]
    observations[-1]["resident"] = "E3-R1"
    assert client.post("/api/v1/observations", json={"observations": observations}).status_code == 202
    runtime.drain()
    (alert,) = client.get("/api/v1/alerts", params={"status": "open"}).json()["alerts"]
    assert (alert["household"], alert["rule"]) == ("E1", "MISSED.DIBAO")
    runtime.intake.accept(tick("2025-08-06"))
    runtime.drain()
    assert post(client, alert["alert_id"], "resolve", {"outcome": "enrolled", "note": "已纳入"}).status_code == 200
    runtime.drain()

    found = report(client, people.headers("auditor"))
    assert found["residents"] == 4 and found["region"] == "all" and found["on"] == "2025-08-06"
    hukou = by_group(found, "hukou")
    assert (hukou["urban"]["residents"], hukou["urban"]["population_share"]) == (3, 0.75)
    assert hukou["urban"]["with_alert"] == {"NEED": 0.0, "MISSED": 0.6667, "LAPSED": 0.0, "LATE": 0.0}
    assert (hukou["urban"]["resolved_enrolled"], hukou["urban"]["median_days_to_resolution"]) == (1.0, 2.0)
    assert (hukou["rural"]["population_share"], hukou["rural"]["any_alert"], hukou["rural"]["resolved_enrolled"],
            hukou["rural"]["median_days_to_resolution"]) == (0.25, 0.0, None, None)
    assert {g: v["with_alert"]["MISSED"] for g, v in by_group(found, "sex").items()} == {"F": 0.5, "M": 0.5}
    assert {g: (v["residents"], v["any_alert"]) for g, v in by_group(found, "age_band").items()} == {
        "18-59": (2, 0.0), "60-79": (2, 1.0)}
    assert {g: (v["residents"], v["any_alert"]) for g, v in by_group(found, "disability").items()} == {
        "disabled": (1, 0.0), "none": (3, 0.6667)}
    assert list(by_group(found, "community")) == [REGION]


def test_supervisors_see_only_their_jurisdiction(api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, runtime = api
    elsewhere = household("E9", "urban", 9000, ("F", "1980-01-01"), region="500103002001", grid="500103002001-01")
    home = household("E8", "rural", 9000, ("M", "1970-01-01"))
    recorded = [dict(o, informant="x") for o in (*elsewhere, *home)]  # straight to intake, not posted
    assert {o.status for o in runtime.intake.accept_batch([*recorded, tick("2025-08-04")])} == {"accepted"}
    runtime.drain()
    assert report(client, people.headers("auditor"))["residents"] == 2
    mine = report(client, people.headers("supervisor"), region="500103002")
    assert (mine["region"], mine["residents"], list(by_group(mine, "community"))) == ("500103001", 1, [REGION])
    assert client.get("/api/v1/audit/equity").status_code == 403
    bad = client.get("/api/v1/audit/equity", params={"region": "x"}, headers=people.headers("auditor"))
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")



def test_a_kept_report_follows_what_is_recorded_after_it(api: tuple[httpx.Client, Runtime], people: People) -> None:
    """The report is kept between requests (`projections.report_cache`), yet a household registered or
    changed afterwards is counted at the next request: the cache is keyed on the store's head."""
    client, runtime = api
    runtime.intake.accept(tick("2025-08-04"))
    assert client.post("/api/v1/observations", json={"observations": household("K1", "urban", 9000, ("F", "1990-01-01"))}
                       ).status_code == 202
    runtime.drain()
    assert report(client, people.headers("auditor"))["residents"] == 1
    assert report(client, people.headers("auditor"))["residents"] == 1
    assert client.post("/api/v1/observations", json={"observations": household("K2", "rural", 9000,
                                                                                 ("M", "1940-01-01"))}).status_code == 202
    runtime.drain()
    found = report(client, people.headers("auditor"))
    assert by_group(found, "hukou")["rural"]["residents"] == 1
    assert found["residents"] == 2
