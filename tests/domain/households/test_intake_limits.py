"""Intake bounds what a real household can hold: each bound accepted at its value, refused one over.

Every refusal is a 422 naming the field (`data.members`, `data.members[3].name`) in English and
Chinese, like any other intake error. A household of 200 members is refused as a whole, with one
error and no look-up of its members, and the largest envelope intake accepts stays small.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from stdnum.cn import ric

from domain.households import intake_limits as limits
from domain.households.observations.envelope import Observation, parse_observation
from domain.households.observations.problems import FieldError, InvalidObservation

CN = timezone(timedelta(hours=8))
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=CN)
AT = "2026-03-01T09:30:00+08:00"
LONGEST_ID = "R" * limits.MAX_ID
SEEN = [f"R{i}" for i in range(1, limits.MAX_RESIDENTS_SEEN + 2)]  # one more than may be listed


class Registry:
    """Household H1 holds the residents of SEEN and LONGEST_ID; nothing else is recorded."""

    def __init__(self) -> None:
        self.h1 = {*SEEN, LONGEST_ID}

    def household_exists(self, household_id: str) -> bool:
        return household_id == "H1"

    def resident_household(self, resident_id: str) -> str | None:
        return "H1" if resident_id in self.h1 else None

    def registered_at(self, household_id: str) -> datetime | None:
        return datetime(2020, 1, 1, tzinfo=timezone.utc) if household_id == "H1" else None

    def application_submitted(self, household_id: str, application: str) -> bool:
        return household_id == "H1"


def member(index: int, **changes: Any) -> dict[str, Any]:
    born = date(1960, 1, 1) + timedelta(days=index)
    body = f"420503{born:%Y%m%d}{index % 1000:03d}"
    base = {"resident": f"RN-{index}", "name": "王某", "id_number": body + ric.calc_check_digit(body + "0"),
            "sex": "M" if index % 2 else "F", "birth_date": born.isoformat(), "relation": "other"}
    base.update(changes)
    return base


EXAMPLES: dict[str, tuple[str | None, dict[str, Any]]] = {
    "household.registered": (None, {
        "region": "420503001001", "grid": "420503001-01", "address": "伍家岗区某街道1号", "hukou": "urban",
        "members": [member(1, relation="head")]}),
    "resident.joined": ("R-NEW", {"name": "张小某", "sex": "F", "birth_date": "2026-02-20", "relation": "child",
                                  "reason": "birth"}),
    "household.income_reported": (None, {"monthly_income": 1200, "period": "2026-02", "income_type": "stable",
                                         "source": "declared"}),
    "household.assets_reported": (None, {"financial_assets": 2000, "motor_vehicles": 0, "extra_properties": 0}),
    "household.expense_reported": (None, {"kind": "medical", "amount": 3500, "date": "2026-02-10"}),
    "household.emergency_reported": (None, {"kind": "fire", "date": "2026-02-28", "loss": 30000, "resident": "R1"}),
    "household.hardship_reported": (None, {"signal": "no_food", "urgency": "immediate", "note": "家中断粮"}),
    "household.visited": (None, {"purpose": "routine", "residents_seen": ["R1"], "note": "入户走访"}),
    "resident.illness_reported": ("R1", {"condition": "尿毒症", "serious": True, "hospitalized": False,
                                         "date": "2026-02-01"}),
    "coverage.enrolled": (None, {"programme": "dibao", "start": "2026-03-01", "monthly_amount": 376}),
    "coverage.paid": (None, {"programme": "dibao", "period": "2026-02", "amount": 376}),
    "coverage.suspended": (None, {"programme": "dibao", "date": "2026-02-20", "reason": "待复核"}),
    "application.submitted": (None, {"application": "A-1", "programme": "dibao", "date": "2026-02-01"}),
    "application.decided": (None, {"application": "A-1", "date": "2026-02-25", "decision": "rejected",
                                   "reason": "收入超标"}),
}


def envelope(kind: str, **changes: Any) -> dict[str, Any]:
    resident, data = EXAMPLES[kind]
    body: dict[str, Any] = {"observation_id": f"obs-{kind}", "informant": "grid-01", "observed_at": AT, "kind": kind,
                            "household": "H-NEW" if kind == "household.registered" else "H1",
                            "data": copy.deepcopy(data)}
    if resident is not None:
        body["resident"] = resident
    body.update(changes)
    return body


def with_data(kind: str, **fields: Any) -> dict[str, Any]:
    body = envelope(kind)
    body["data"].update(fields)
    return body


def parse(body: dict[str, Any]) -> Observation:
    return parse_observation(body, Registry(), now=NOW)


def refusal(body: dict[str, Any]) -> InvalidObservation:
    with pytest.raises(InvalidObservation) as caught:
        parse(body)
    assert caught.value.status == 422
    for error in caught.value.errors:
        assert error.message and re.search(r"[\u4e00-\u9fff]", error.message_zh), error
    return caught.value


def the_error(body: dict[str, Any], field: str) -> FieldError:
    errors = refusal(body).errors
    assert [e.field for e in errors] == [field], errors  # that field, and nothing else
    return errors[0]


def registration(members: list[dict[str, Any]]) -> dict[str, Any]:
    return with_data("household.registered", members=members)


# --- members per household -----------------------------------------------------------------------


def test_a_household_of_the_most_members_is_accepted() -> None:
    members = [member(i, relation="head" if i == 1 else "other") for i in range(1, limits.MAX_MEMBERS + 1)]
    assert len(parse(registration(members)).data["members"]) == limits.MAX_MEMBERS == 30


def test_one_member_more_is_refused_naming_data_members() -> None:
    members = [member(i) for i in range(1, limits.MAX_MEMBERS + 2)]
    error = the_error(registration(members), "data.members")
    assert error.message == "must hold at most 30 members (got 31)"
    assert "30" in error.message_zh and "31" in error.message_zh


def test_a_household_of_200_members_with_long_names_is_refused_with_one_error_and_no_look_ups() -> None:
    """The record that used to stop the pipeline: refused as a whole, its members never examined."""
    members = [member(i, resident=LONGEST_ID if i == 1 else f"R{i}", name="长" * 500) for i in range(1, 201)]
    error = the_error(registration(members), "data.members")  # no 409 for the ids already in use, no name errors
    assert "at most 30 members (got 200)" in error.message


# --- text ---------------------------------------------------------------------------------------------

TEXT_FIELDS = [
    ("household.registered", "grid", limits.MAX_GRID),
    ("household.registered", "address", limits.MAX_ADDRESS),
    ("resident.joined", "name", limits.MAX_NAME),
    ("resident.illness_reported", "condition", limits.MAX_CONDITION),
    ("household.hardship_reported", "note", limits.MAX_NOTE),
    ("household.visited", "note", limits.MAX_NOTE),
    ("coverage.suspended", "reason", limits.MAX_NOTE),
    ("application.decided", "reason", limits.MAX_NOTE),
]


def test_the_text_bounds_are_the_documented_ones() -> None:
    assert (limits.MAX_NAME, limits.MAX_ADDRESS, limits.MAX_NOTE, limits.MAX_ID, limits.MAX_GRID) == (50, 200, 2000, 64, 64)


@pytest.mark.parametrize("kind, name, most", TEXT_FIELDS)
def test_text_at_its_bound_is_accepted_even_with_surrounding_spaces(kind: str, name: str, most: int) -> None:
    assert parse(with_data(kind, **{name: "  " + "字" * most + " "})).data[name] == "字" * most


@pytest.mark.parametrize("kind, name, most", TEXT_FIELDS)
def test_text_one_character_over_its_bound_is_refused(kind: str, name: str, most: int) -> None:
    error = the_error(with_data(kind, **{name: "字" * (most + 1)}), f"data.{name}")
    assert error.message == f"must be at most {most} characters (got {most + 1})"
    assert f"不能超过 {most} 个字符" in error.message_zh


def test_a_member_name_is_bounded_and_the_error_names_the_member() -> None:
    members = [member(i) for i in range(1, 6)]
    members[3]["name"] = "名" * limits.MAX_NAME
    assert parse(registration(members)).data["members"][3]["name"] == "名" * 50
    members[3]["name"] = "名" * (limits.MAX_NAME + 1)
    assert "at most 50 characters" in the_error(registration(members), "data.members[3].name").message


# --- identifiers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, name", [
    ("resident.joined", "observation_id"), ("resident.joined", "informant"),
    ("household.registered", "household"), ("resident.joined", "resident"),
])
def test_envelope_identifiers_are_bounded(kind: str, name: str) -> None:
    assert getattr(parse(envelope(kind, **{name: "x" * limits.MAX_ID})), name) == "x" * 64
    error = the_error(envelope(kind, **{name: "x" * (limits.MAX_ID + 1)}), name)
    assert error.message == "must be at most 64 characters (got 65)"


def test_identifiers_inside_data_are_bounded() -> None:
    assert parse(with_data("application.submitted", application="A" * 64)).data["application"] == "A" * 64
    the_error(with_data("application.submitted", application="A" * 65), "data.application")
    assert parse(with_data("household.emergency_reported", resident=LONGEST_ID)).data["resident"] == LONGEST_ID
    the_error(with_data("household.emergency_reported", resident=LONGEST_ID + "R"), "data.resident")
    assert parse(with_data("household.visited", residents_seen=[LONGEST_ID])).data["residents_seen"] == [LONGEST_ID]
    the_error(with_data("household.visited", residents_seen=["R1", LONGEST_ID + "R"]), "data.residents_seen[1]")
    members = [member(1, resident="M" * 64), member(2, resident="M" * 65)]
    the_error(registration(members), "data.members[1].resident")


def test_an_id_number_as_typed_is_bounded_before_its_separators_are_removed() -> None:
    number = member(1)["id_number"]
    spaced = " ".join(number[i:i + 1] for i in range(14)) + number[14:]  # 18 characters and 13 spaces
    padded = spaced + " " * (limits.MAX_ID_NUMBER_INPUT - len(spaced))
    assert len(padded) == 32 and parse(registration([member(1, id_number=padded)])).data["members"][0]["id_number"] == number
    error = the_error(registration([member(1, id_number=padded + " ")]), "data.members[0].id_number")
    assert error.message == "must be at most 32 characters (got 33)"


# --- lists ------------------------------------------------------------------------------------------------


def test_residents_seen_is_bounded() -> None:
    most = SEEN[: limits.MAX_RESIDENTS_SEEN]
    assert parse(with_data("household.visited", residents_seen=most)).data["residents_seen"] == most
    error = the_error(with_data("household.visited", residents_seen=SEEN), "data.residents_seen")
    assert error.message == "must hold at most 30 residents (got 31)"


def test_a_huge_residents_seen_is_refused_without_looking_its_residents_up() -> None:
    error = the_error(with_data("household.visited", residents_seen=[f"X{i}" for i in range(10_000)]),
                      "data.residents_seen")  # unknown residents, yet no 404 for each
    assert "got 10000" in error.message


# --- numbers -------------------------------------------------------------------------------------------------

MONEY_FIELDS = [
    ("household.income_reported", "monthly_income"), ("household.assets_reported", "financial_assets"),
    ("household.expense_reported", "amount"), ("household.emergency_reported", "loss"),
    ("coverage.enrolled", "monthly_amount"), ("coverage.paid", "amount"),
]


@pytest.mark.parametrize("kind, name", MONEY_FIELDS)
def test_money_up_to_a_hundred_million_yuan_is_accepted(kind: str, name: str) -> None:
    assert limits.MAX_MONEY == 100_000_000
    assert parse(with_data(kind, **{name: 100_000_000})).data[name] == 100_000_000.0
    assert parse(with_data(kind, **{name: 100_000_000.004})).data[name] == 100_000_000.0  # rounds to the bound


@pytest.mark.parametrize("kind, name", MONEY_FIELDS)
def test_money_a_fen_over_a_hundred_million_yuan_is_refused(kind: str, name: str) -> None:
    error = the_error(with_data(kind, **{name: 100_000_000.01}), f"data.{name}")
    assert error.message.startswith("is implausibly large: at most 100,000,000 yuan")
    assert "100,000,000 元" in error.message_zh


@pytest.mark.parametrize("name", ["motor_vehicles", "extra_properties"])
def test_counts_are_bounded(name: str) -> None:
    assert parse(with_data("household.assets_reported", **{name: limits.MAX_COUNT})).data[name] == 100
    error = the_error(with_data("household.assets_reported", **{name: limits.MAX_COUNT + 1}), f"data.{name}")
    assert error.message == "must be from 0 to 100 (got 101)"


# --- the largest envelope ------------------------------------------------------------------------------------


def test_the_largest_registration_intake_accepts_is_small() -> None:
    """Every bound at its maximum: the event it becomes stays far below the broker's 1 MB."""
    members = [member(i, resident=f"{i:02d}".ljust(limits.MAX_ID, "R"), name="名" * limits.MAX_NAME,
                      relation="head" if i == 1 else "other") for i in range(1, limits.MAX_MEMBERS + 1)]
    body = envelope("household.registered", observation_id="o" * 64, informant="i" * 64, household="H" * 64)
    body["data"].update(grid="格" * limits.MAX_GRID, address="址" * limits.MAX_ADDRESS, members=members)
    encoded = json.dumps(parse(body).to_json())  # ASCII-escaped: the larger of the two encodings
    assert len(encoded) < 20_000, len(encoded)  # about 17 KB
