"""Typed parameters over real HTTP: bad values and dates are refused and nothing is stored; a value
stored before the check existed is shown as unusable and the rules needing it do not hold."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from eventsourcing.application import AggregateNotFoundError

from domain.policy.book import POLICY_ID, PolicyBook
from infra.runtime import Runtime
from tests.people import People

HOUSEHOLD = "CQ-P1"
STANDARD = "dibao.standard_monthly.urban"
IN_FORCE = {"region": "500103001001", "on": "2025-08-03"}


def envelope(oid: str, kind: str, data: dict[str, Any], at: str) -> dict[str, Any]:
    return {"observation_id": oid, "informant": "grid-7", "observed_at": at, "kind": kind, "household": HOUSEHOLD,
            "data": data}


REGISTER = envelope("p-1", "household.registered", {
    "region": "500103001001", "grid": "500103001001-03", "address": "渝中区某街道某社区3栋", "hukou": "urban",
    "members": [{"resident": "CQ-P1-1", "name": "陈某", "sex": "F", "birth_date": "1969-11-05", "relation": "head"}]},
    at="2025-08-03T10:00:00+08:00")
INCOME = envelope("p-2", "household.income_reported",
                  {"monthly_income": 500, "period": "2025-07", "income_type": "stable", "source": "declared"},
                  at="2025-08-03T10:05:00+08:00")


def new_value(**changes: Any) -> dict[str, Any]:
    return {"name": STANDARD, "region": "500103", "from": "2025-07-01", "value": 900, "reason": "2025 adjustment",
            **changes}


@pytest.fixture()
def admin(people: People) -> dict[str, str]:
    """Only an administrator sets parameters; the `api` client (a caseworker) reads them."""
    return people.headers("admin")


def assert_refused(response: httpx.Response, field: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert field in [e["field"] for e in errors], errors
    named = next(e for e in errors if e["field"] == field)
    assert named["message"] and named["message_zh"]
    return named


@pytest.mark.parametrize("since", ["", None, -1, 0, 20250701, "abc", "20250701", "2025-02-30", "2025-07-01T00:00:00",
                                   True, ["2025-07-01"]])
def test_a_date_that_is_not_yyyy_mm_dd_is_refused_and_nothing_stored(api: tuple[httpx.Client, Runtime],
                                                                      admin: dict[str, str], since: Any) -> None:
    client, _ = api
    before = client.get("/api/v1/parameters", params=IN_FORCE).json()
    response = client.post("/api/v1/parameters", json=new_value(**{"from": since}), headers=admin)
    named = assert_refused(response, "from")
    assert "YYYY-MM-DD" in named["message"] or "calendar date" in named["message"]
    assert client.get("/api/v1/parameters", params=IN_FORCE).json() == before


def test_a_missing_date_is_refused_naming_from(api: tuple[httpx.Client, Runtime], admin: dict[str, str]) -> None:
    client, _ = api
    body = new_value()
    del body["from"]
    assert_refused(client.post("/api/v1/parameters", json=body, headers=admin), "from")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (STANDARD, "", "amount of money (CNY) ≥ 0"),
        (STANDARD, None, "amount of money (CNY) ≥ 0"),
        (STANDARD, -1, "amount of money (CNY) ≥ 0"),
        (STANDARD, True, "amount of money (CNY) ≥ 0"),
        (STANDARD, "900", "amount of money (CNY) ≥ 0"),
        ("dibao.review_months.stable", 1.5, "whole number of months"),
        ("sla.ack.high", 0, "whole number of working days"),
        ("visiting.interval_days", -7, "whole number of days"),
        ("edge.multiplier", 0, "a multiplier"),
        ("elderly_allowance.requires_local_hukou", "yes", "true or false"),
        ("disability.care_extra_mental_grades", [3, 5], "disability grades 1 to 4"),
        ("school.compulsory_ages", [15, 6], "[youngest, oldest]"),
        ("elderly_allowance.min_age", 200, "years of age"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_naming_value_and_nothing_stored(
    api: tuple[httpx.Client, Runtime], admin: dict[str, str], name: str, value: Any, expected: str
) -> None:
    client, _ = api
    before = client.get("/api/v1/parameters", params=IN_FORCE).json()
    response = client.post("/api/v1/parameters", json=new_value(name=name, value=value), headers=admin)
    named = assert_refused(response, "value")
    assert expected in named["message"] and "必须" in named["message_zh"]
    assert client.get("/api/v1/parameters", params=IN_FORCE).json() == before


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_finite_numbers_are_refused(api: tuple[httpx.Client, Runtime], admin: dict[str, str],
                                        literal: bytes) -> None:
    client, _ = api
    body = json.dumps(new_value(value=0)).encode().replace(b'"value": 0', b'"value": ' + literal)
    response = client.post("/api/v1/parameters", content=body, headers={**admin, "content-type": "application/json"})
    assert_refused(response, "value")


def test_an_unknown_name_is_refused_naming_name(api: tuple[httpx.Client, Runtime], admin: dict[str, str]) -> None:
    client, _ = api
    response = client.post("/api/v1/parameters", json=new_value(name="dibao.no_such"), headers=admin)
    named = assert_refused(response, "name")
    assert "dibao.no_such" in named["message"] and "未知参数" in named["message_zh"]


def test_a_good_value_is_stored_and_in_force(api: tuple[httpx.Client, Runtime], admin: dict[str, str]) -> None:
    client, runtime = api
    response = client.post("/api/v1/parameters", json=new_value(value=900.5), headers=admin)
    assert response.status_code == 201
    assert response.json() == {"name": STANDARD, "region": "500103", "from": "2025-07-01", "value": 900.5}
    in_force = client.get("/api/v1/parameters", params=IN_FORCE).json()
    assert in_force["values"][STANDARD] == {"value": 900.5, "region": "500103", "from": "2025-07-01"}
    assert in_force["unusable"] == []
    book: PolicyBook = runtime.households.repository.get(POLICY_ID)
    assert [v["set_by"] for v in book.values] == ["test-admin"]  # the administrator who asked, not a body field


def test_the_in_force_date_must_be_iso_too(api: tuple[httpx.Client, Runtime]) -> None:
    client, _ = api
    for on in ("0", "1700000000", "2025-02-30", "20250803"):
        assert_refused(client.get("/api/v1/parameters", params={"region": "500103", "on": on}), "on")


def store_bypassing_the_check(runtime: Runtime, value: Any) -> None:
    """What a PolicyBook written before values were typed may hold."""
    try:
        book: PolicyBook = runtime.households.repository.get(POLICY_ID)
    except AggregateNotFoundError:
        book = PolicyBook()
    book.set_value(name=STANDARD, region="500103", effective_from="2025-07-01", value=value, set_by="legacy",
                   reason="stored before parameters were typed")
    runtime.households.save(book)


def dibao_alerts(client: httpx.Client) -> list[dict[str, Any]]:
    params = {"household": HOUSEHOLD, "rule": "MISSED.DIBAO", "status": "open"}
    return client.get("/api/v1/alerts", params=params).json()["alerts"]


@pytest.mark.parametrize(("stored", "shown"), [("", ""), (None, None), (float("nan"), "nan"), ("770", "770")])
def test_a_stored_unusable_standard_is_shown_and_the_rule_needing_it_does_not_hold(
    api: tuple[httpx.Client, Runtime], admin: dict[str, str], stored: Any, shown: Any
) -> None:
    client, runtime = api
    store_bypassing_the_check(runtime, stored)
    client.post("/api/v1/observations", json={"observations": [REGISTER, INCOME]})
    runtime.drain()

    household = client.get(f"/api/v1/households/{HOUSEHOLD}")
    assert household.status_code == 200
    assessment = household.json()["assessment"]
    (unusable,) = assessment["unusable_parameters"]
    assert {k: unusable[k] for k in ("name", "region", "from", "value")} == {
        "name": STANDARD, "region": "500103", "from": "2025-07-01", "value": shown}
    assert "amount of money" in unusable["reason"] and "金额" in unusable["reason_zh"]
    assert STANDARD not in assessment["parameters"] and STANDARD not in assessment["missing_parameters"]
    assert dibao_alerts(client) == []

    in_force = client.get("/api/v1/parameters", params=IN_FORCE).json()
    assert STANDARD not in in_force["values"] and STANDARD not in in_force["missing"]
    assert [u["name"] for u in in_force["unusable"]] == [STANDARD]

    # Setting a usable value for the same date replaces it, and the household is judged again.
    assert client.post("/api/v1/parameters", json=new_value(value=900), headers=admin).status_code == 201
    runtime.drain()
    assert [a["rule"] for a in dibao_alerts(client)] == ["MISSED.DIBAO"]
    assert client.get(f"/api/v1/households/{HOUSEHOLD}").json()["assessment"]["unusable_parameters"] == []
