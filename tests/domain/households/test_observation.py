"""Intake validation, as a specification: what is accepted, how it is normalised, what is refused and why.

Every refusal must name the exact field (a dotted path), in English and Chinese, list every
problem at once, and carry the right status: 422 malformed, 404 unknown reference, 409 conflict.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from domain import vocabulary as v
from domain.households.observations.envelope import Observation, parse_observation
from domain.households.observations.problems import FieldError, InvalidObservation
from domain.labels import PROGRAMME_NAMES

CN = timezone(timedelta(hours=8))
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=CN)
AT = "2026-03-01T09:30:00+08:00"  # observed_at of every example; its date is 2026-03-01


def id_number(region: str, born: date, sequence: str = "123") -> str:
    """A resident ID number with a correct check digit, computed by stdnum (never hard-coded)."""
    body = f"{region}{born:%Y%m%d}{sequence}"
    return body + ric.calc_check_digit(body + "0")  # calc_check_digit ignores the last character


REGISTERED_AT = datetime(2024, 6, 1, 9, 0, tzinfo=CN)


class FakeRegistry:
    """Households H1 (R1 adult, R2 child, R3; application A-1 submitted) and H2 (R9) are already
    recorded, both registered on 2024-06-01 at 09:00 China Standard Time."""

    def __init__(self) -> None:
        self.members = {"H1": {"R1", "R2", "R3"}, "H2": {"R9"}}
        self.applications = {"H1": {"A-1"}, "H2": set()}

    def household_exists(self, household_id: str) -> bool:
        return household_id in self.members

    def resident_household(self, resident_id: str) -> str | None:
        return next((h for h, residents in self.members.items() if resident_id in residents), None)

    def registered_at(self, household_id: str) -> datetime | None:
        return REGISTERED_AT if household_id in self.members else None

    def application_submitted(self, household_id: str, application: str) -> bool:
        return application in self.applications.get(household_id, set())


HEAD_ID = id_number("420503", date(1958, 4, 12), "121")

# One valid example of every kind: (household, resident, data).
VALID: dict[str, tuple[str | None, str | None, dict[str, Any]]] = {
    "household.registered": ("H-NEW", None, {
        "region": "420503001001", "grid": "420503001-01", "address": "伍家岗区某街道1号", "hukou": "urban",
        "members": [
            {"resident": "RN-1", "name": "王某", "id_number": HEAD_ID, "sex": "M", "birth_date": "1958-04-12",
             "relation": "head"},
            {"resident": "RN-2", "name": "王某某", "sex": "F", "birth_date": "2014-09-01", "relation": "grandchild"},
        ],
    }),
    "resident.joined": ("H1", "R-BABY", {
        "name": "张小某", "sex": "F", "birth_date": "2026-02-20", "relation": "child", "reason": "birth"}),
    "resident.left": ("H1", "R3", {"reason": "moved_out", "date": "2026-02-28"}),
    "resident.died": ("H1", "R3", {"date": "2026-02-27"}),
    "household.income_reported": ("H1", None, {
        "monthly_income": 1200, "period": "2026-02", "income_type": "irregular", "source": "declared"}),
    "household.assets_reported": ("H1", None, {"financial_assets": 20000.456, "motor_vehicles": 0, "extra_properties": 1}),
    "household.expense_reported": ("H1", None, {"kind": "medical", "amount": 3500.5, "date": "2026-02-10"}),
    "household.emergency_reported": ("H1", None, {"kind": "fire", "date": "2026-02-28", "loss": 30000, "resident": "R1"}),
    "household.hardship_reported": ("H1", None, {"signal": "no_food", "urgency": "immediate", "note": "  家中断粮  "}),
    "household.rural_risk_reported": ("H1", None, {"risk": "no_safe_water", "date": "2026-01-15"}),
    "household.visited": ("H1", None, {"purpose": "elderly_care", "residents_seen": ["R1", "R2", "R1"]}),
    "resident.disability_assessed": ("H1", "R1", {"category": "physical", "grade": 3, "certified": True}),
    "resident.illness_reported": ("H1", "R1", {
        "condition": "尿毒症", "serious": True, "hospitalized": False, "date": "2026-02-01"}),
    "resident.labour_capacity_assessed": ("H1", "R1", {"capacity": "partial"}),
    "resident.employment_changed": ("H1", "R1", {"status": "unemployed", "date": "2025-12-31"}),
    "resident.care_dependency_assessed": ("H1", "R1", {"level": "full"}),
    "resident.living_arrangement_reported": ("H1", "R1", {
        "lives_alone": True, "empty_nest": False, "left_behind": False, "special_family": False}),
    "resident.parent_status_reported": ("H1", "R2", {
        "father": {"status": "dead", "since": "2019-05-01"}, "mother": {"status": "missing"}}),
    "resident.school_status_reported": ("H1", "R2", {"status": "dropped_out", "full_time": False}),
    "resident.supporter_reported": ("H1", "R1", {"has_capable_supporter": False}),
    "coverage.enrolled": ("H1", None, {
        "programme": "dibao", "start": "2026-03-01", "monthly_amount": 376, "review_interval_months": 6}),
    "coverage.reviewed": ("H1", "R1", {"programme": "tekun", "date": "2026-02-15", "outcome": "continue"}),
    "coverage.paid": ("H1", None, {"programme": "dibao", "period": "2026-02", "amount": 376}),
    "coverage.suspended": ("H1", None, {"programme": "low_income_edge", "date": "2026-02-20", "reason": "待复核"}),
    "coverage.resumed": ("H1", None, {"programme": "low_income_edge", "date": "2026-02-27"}),
    "coverage.terminated": ("H1", "R2", {
        "programme": "orphan_allowance", "date": "2026-02-28", "reason": "aged_out", "grace_until": "2026-08-31"}),
    "application.submitted": ("H1", "R1", {
        "application": "A-1", "programme": "disability_care_subsidy", "date": "2026-02-01"}),
    "application.decided": ("H1", None, {
        "application": "A-1", "date": "2026-02-25", "decision": "rejected", "reason": "收入超标"}),
    "clock.tick": (None, None, {"date": "2026-03-01"}),
}

# Required data fields of each kind, read off RULES.md § Vocabulary (fields without "?").
REQUIRED: dict[str, list[str]] = {
    "household.registered": ["region", "grid", "address", "hukou", "members"],
    "resident.joined": ["name", "sex", "birth_date", "relation", "reason"],
    "resident.left": ["reason", "date"],
    "resident.died": ["date"],
    "household.income_reported": ["monthly_income", "period", "income_type", "source"],
    "household.assets_reported": ["financial_assets", "motor_vehicles", "extra_properties"],
    "household.expense_reported": ["kind", "amount", "date"],
    "household.emergency_reported": ["kind", "date"],
    "household.hardship_reported": ["signal", "urgency"],
    "household.rural_risk_reported": ["risk", "date"],
    "household.visited": ["purpose"],
    "resident.disability_assessed": ["category", "grade", "certified"],
    "resident.illness_reported": ["condition", "serious", "hospitalized", "date"],
    "resident.labour_capacity_assessed": ["capacity"],
    "resident.employment_changed": ["status", "date"],
    "resident.care_dependency_assessed": ["level"],
    "resident.living_arrangement_reported": ["lives_alone", "empty_nest", "left_behind", "special_family"],
    "resident.parent_status_reported": ["father", "mother"],
    "resident.school_status_reported": ["status", "full_time"],
    "resident.supporter_reported": ["has_capable_supporter"],
    "coverage.enrolled": ["programme", "start"],
    "coverage.reviewed": ["programme", "date", "outcome"],
    "coverage.paid": ["programme", "period", "amount"],
    "coverage.suspended": ["programme", "date", "reason"],
    "coverage.resumed": ["programme", "date"],
    "coverage.terminated": ["programme", "date", "reason"],
    "application.submitted": ["application", "programme", "date"],
    "application.decided": ["application", "date", "decision"],
    "clock.tick": ["date"],
}


def envelope(kind: str, /, **changes: Any) -> dict[str, Any]:
    """The valid example of `kind`, with envelope keys replaced (a value of ... removes the key)."""
    household, resident, data = VALID[kind]
    body: dict[str, Any] = {
        "observation_id": f"obs-{kind}", "informant": "grid-01", "observed_at": AT, "kind": kind,
        "household": household, "resident": resident, "data": copy.deepcopy(data),
    }
    body.update(changes)
    return {k: value for k, value in body.items() if value is not ...}


def with_data(kind: str, /, **fields: Any) -> dict[str, Any]:
    """The valid example of `kind` with data fields replaced (a value of ... removes the field)."""
    body = envelope(kind)
    body["data"].update(fields)
    body["data"] = {k: value for k, value in body["data"].items() if value is not ...}
    return body


def parse(body: Any) -> Observation:
    return parse_observation(body, FakeRegistry(), now=NOW)


def refusal(body: Any) -> InvalidObservation:
    with pytest.raises(InvalidObservation) as caught:
        parse(body)
    for error in caught.value.errors:  # every message exists in both languages
        assert error.message and re.search(r"[\u4e00-\u9fff]", error.message_zh), error
    return caught.value


def fields(body: Any) -> list[str]:
    return [e.field for e in refusal(body).errors]


def the_error(body: Any, field: str) -> FieldError:
    errors = [e for e in refusal(body).errors if e.field == field]
    assert errors, f"no error at {field}: {refusal(body).errors}"
    return errors[0]


# --- the vocabulary ---------------------------------------------------------------------------


def test_the_vocabulary_lists_every_kind_with_a_subject() -> None:
    assert set(v.OBSERVATION_KINDS) == set(VALID) == set(REQUIRED)
    assert "clock.tick" in v.OBSERVATION_KINDS and v.SUBJECTS["clock.tick"] == "none"
    assert set(v.SUBJECTS.values()) == {"household", "resident", "household_or_resident", "none"}


def test_programme_levels_partition_the_twelve_programmes() -> None:
    assert len(v.PROGRAMMES) == 12 and set(v.PROGRAMMES) == set(PROGRAMME_NAMES)
    assert not v.RESIDENT_LEVEL_PROGRAMMES & v.HOUSEHOLD_LEVEL_PROGRAMMES
    either = set(v.PROGRAMMES) - v.RESIDENT_LEVEL_PROGRAMMES - v.HOUSEHOLD_LEVEL_PROGRAMMES
    assert either == {"dibao"} == v.EITHER_LEVEL_PROGRAMMES
    assert PROGRAMME_NAMES["tekun"] == ("特困人员救助供养", "extreme-poverty support")


def test_the_id_number_helper_agrees_with_stdnum() -> None:
    assert ric.is_valid(id_number("110101", date(1990, 3, 7)))
    assert ric.is_valid(id_number("420503", date(2012, 1, 1)))


# --- valid envelopes ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", v.OBSERVATION_KINDS)
def test_a_valid_envelope_of_every_kind_passes(kind: str) -> None:
    observation = parse(envelope(kind))
    household, resident, _ = VALID[kind]
    assert (observation.kind, observation.household, observation.resident) == (kind, household, resident)
    assert observation.observation_id == f"obs-{kind}" and observation.informant == "grid-01"
    assert observation.observed_at == datetime(2026, 3, 1, 9, 30, tzinfo=CN)
    as_json = observation.to_json()
    assert json.loads(json.dumps(as_json)) == as_json  # JSON-native all the way down
    assert as_json["observed_at"] == "2026-03-01T09:30:00+08:00"


def test_registration_is_normalised() -> None:
    body = envelope("household.registered")
    body["data"]["members"][0]["id_number"] = HEAD_ID[:6] + " " + HEAD_ID[6:-1] + HEAD_ID[-1].lower()
    data = parse(body).data
    assert data["local_hukou"] is True  # the one default filled in
    assert data["members"][0]["id_number"] == HEAD_ID.upper()
    assert "id_number" not in data["members"][1]  # optional and absent: left out, never None
    assert data["grid"] == "420503001-01" and data["region"] == "420503001001"


def test_local_hukou_false_is_kept() -> None:
    assert parse(with_data("household.registered", local_hukou=False)).data["local_hukou"] is False


def test_money_is_a_float_rounded_to_the_fen() -> None:
    assert parse(envelope("household.assets_reported")).data == {
        "financial_assets": 20000.46, "motor_vehicles": 0, "extra_properties": 1}
    income = parse(envelope("household.income_reported")).data["monthly_income"]
    assert income == 1200.0 and isinstance(income, float)
    assert parse(with_data("coverage.paid", amount=-0.0)).data["amount"] == 0.0


def test_counts_are_ints_and_an_integral_float_is_accepted() -> None:
    data = parse(with_data("household.assets_reported", motor_vehicles=2.0)).data
    assert data["motor_vehicles"] == 2 and isinstance(data["motor_vehicles"], int)


def test_optional_fields_absent_null_or_blank_are_omitted() -> None:
    assert parse(with_data("household.hardship_reported", note=None)).data == {"signal": "no_food", "urgency": "immediate"}
    assert "note" not in parse(with_data("household.hardship_reported", note="   ")).data
    assert parse(with_data("household.emergency_reported", loss=..., resident="")).data == {"kind": "fire", "date": "2026-02-28"}
    enrolled = parse(with_data("coverage.enrolled", monthly_amount=..., review_interval_months=None)).data
    assert enrolled == {"programme": "dibao", "start": "2026-03-01"}


def test_free_text_is_stripped_and_residents_seen_deduplicated() -> None:
    assert parse(envelope("household.hardship_reported")).data["note"] == "家中断粮"
    assert parse(envelope("household.visited")).data == {"purpose": "elderly_care", "residents_seen": ["R1", "R2"]}


def test_parent_status_keeps_its_shape() -> None:
    assert parse(envelope("resident.parent_status_reported")).data == {
        "father": {"status": "dead", "since": "2019-05-01"}, "mother": {"status": "missing"}}


def test_unknown_extra_keys_are_ignored() -> None:
    body = with_data("resident.died", cause="illness", nested={"x": [1]})
    body["priority"] = "high"
    assert parse(body).data == {"date": "2026-02-27"}


def test_dates_may_be_one_day_ahead_and_coverage_start_a_year_ahead() -> None:
    assert parse(with_data("resident.died", date="2026-03-02")).data["date"] == "2026-03-02"
    assert parse(with_data("coverage.enrolled", start="2027-03-02")).data["start"] == "2027-03-02"
    assert parse(with_data("coverage.terminated", grace_until="2027-03-02")).data["grace_until"] == "2027-03-02"


def test_observed_at_accepts_any_offset_and_a_few_minutes_of_clock_drift() -> None:
    assert parse(envelope("resident.died", observed_at="2026-03-01T01:30:00Z")).observed_at.utcoffset() == timedelta(0)
    assert parse(envelope("resident.died", observed_at="2026-03-01T12:04:59+08:00"))


def test_dibao_may_be_for_the_household_or_one_member() -> None:
    assert parse(envelope("coverage.enrolled")).resident is None
    assert parse(envelope("coverage.enrolled", resident="R1")).resident == "R1"


def test_a_valid_id_number_from_a_district_younger_than_its_holder_is_accepted() -> None:
    """stdnum's birth-place table refuses 500103 (渝中区) for 1980; real cards carry today's code."""
    number = id_number("500103", date(1980, 1, 1))
    assert not ric.is_valid(number)
    member = {"resident": "RN-1", "name": "李某", "id_number": number, "sex": "M", "birth_date": "1980-01-01",
              "relation": "head"}
    assert parse(with_data("household.registered", members=[member])).data["members"][0]["id_number"] == number


# --- the envelope ------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [None, [], "text", 42, True])
def test_an_envelope_that_is_not_an_object_is_refused(body: Any) -> None:
    error = refusal(body)
    assert error.status == 422 and [e.field for e in error.errors] == [""]
    assert "JSON object" in error.errors[0].message


@pytest.mark.parametrize("name", ["observation_id", "informant", "kind", "observed_at"])
@pytest.mark.parametrize("value", [..., None, "", "   ", 7])
def test_envelope_fields_are_required(name: str, value: Any) -> None:
    assert name in fields(envelope("resident.died", **{name: value}))


def test_identifiers_must_not_carry_surrounding_spaces() -> None:
    assert the_error(envelope("resident.died", observation_id=" obs-1 "), "observation_id").message == (
        "must not begin or end with spaces")


def test_an_unknown_kind_lists_the_valid_ones_and_suggests_the_nearest() -> None:
    message = the_error(envelope("resident.died", kind="disability.assessed"), "kind").message
    assert "did you mean resident.disability_assessed?" in message
    assert all(kind in message for kind in v.OBSERVATION_KINDS)


def test_a_kind_of_the_wrong_type_is_refused_not_crashed_on() -> None:
    assert fields(envelope("resident.died", kind=["resident.died"])) == ["kind"]


@pytest.mark.parametrize("observed_at, words", [
    ("2026-03-01 09:30", "no UTC offset"),
    ("2026-03-01", "no UTC offset"),
    ("01/03/2026 09:30+08:00", "not an ISO-8601"),
    ("2026-02-30T09:30:00+08:00", "not an ISO-8601"),
    ("2026-03-01T12:05:01+08:00", "in the future"),
    ("1899-12-31T23:00:00+08:00", "before 1900"),
])
def test_observed_at_must_be_iso_with_offset_not_future_not_before_1900(observed_at: str, words: str) -> None:
    assert words in the_error(envelope("resident.died", observed_at=observed_at), "observed_at").message


@pytest.mark.parametrize("data, words", [(..., "is required"), (None, "is required"), ([], "must be an object"),
                                         ("date=2026-02-27", "must be an object")])
def test_data_must_be_an_object(data: Any, words: str) -> None:
    error = refusal(envelope("resident.died", data=data))
    assert [e.field for e in error.errors] == ["data"] and words in error.errors[0].message


@pytest.mark.parametrize("kind", [k for k in v.OBSERVATION_KINDS if v.SUBJECTS[k] != "none"])
def test_household_is_required_unless_the_kind_is_the_clock(kind: str) -> None:
    assert "household" in fields(envelope(kind, household=...))
    assert "household" in fields(envelope(kind, household=""))


@pytest.mark.parametrize("kind", [k for k in v.OBSERVATION_KINDS if v.SUBJECTS[k] == "resident"])
def test_resident_is_required_for_resident_kinds(kind: str) -> None:
    assert the_error(envelope(kind, resident=None), "resident").message == f"is required for {kind}"


@pytest.mark.parametrize("kind", [k for k in v.OBSERVATION_KINDS if v.SUBJECTS[k] == "household"])
def test_resident_must_be_absent_for_household_kinds(kind: str) -> None:
    assert "must be absent" in the_error(envelope(kind, resident="R1"), "resident").message


def test_the_clock_names_no_household_and_no_resident() -> None:
    assert fields(envelope("clock.tick", household="H1", resident="R1")) == ["household", "resident"]
    assert parse(envelope("clock.tick", household=...)).household is None


def test_a_household_id_of_the_wrong_type_is_refused() -> None:
    assert "must be a non-empty string" in the_error(envelope("resident.died", household=12), "household").message


# --- each kind's data ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind, name", [(k, f) for k, names in REQUIRED.items() for f in names])
def test_each_required_data_field_is_required(kind: str, name: str) -> None:
    error = refusal(with_data(kind, **{name: ...}))
    assert f"data.{name}" in [e.field for e in error.errors]
    assert error.status == 422


@pytest.mark.parametrize("kind, name, value, words", [
    ("household.registered", "hukou", "city", "must be one of: urban, rural"),
    ("household.income_reported", "income_type", "monthly", "must be one of: stable, irregular"),
    ("household.income_reported", "source", "rumour", "must be one of: declared, verified"),
    ("household.expense_reported", "kind", "food", "must be one of: medical, education, rehabilitation"),
    ("household.emergency_reported", "kind", "earthquake", "traffic_accident"),
    ("household.hardship_reported", "urgency", "now", "must be one of: immediate, soon, watch"),
    ("household.hardship_reported", "signal", "hungry", "no_food"),
    ("household.rural_risk_reported", "risk", "debt", "no_safe_water"),
    ("household.visited", "purpose", "chat", "must be one of: routine, elderly_care, verification"),
    ("resident.joined", "reason", "adoption", "must be one of: birth, marriage, moved_in, other"),
    ("resident.joined", "sex", "X", "must be one of: F, M"),
    ("resident.joined", "relation", "cousin", "grandchild"),
    ("resident.left", "reason", "died", "must be one of: moved_out, marriage, other"),
    ("resident.disability_assessed", "category", "blind", "visual"),
    ("resident.labour_capacity_assessed", "capacity", "some", "must be one of: full, partial, none"),
    ("resident.employment_changed", "status", "student", "must be one of: employed, unemployed, retired"),
    ("resident.care_dependency_assessed", "level", "bedridden", "must be one of: independent, partial, full"),
    ("resident.school_status_reported", "status", "graduated", "must be one of: enrolled, dropped_out, not_enrolled"),
    ("coverage.enrolled", "programme", "pension", "dibao, tekun"),
    ("coverage.reviewed", "outcome", "stop", "must be one of: continue, adjust, exit"),
    ("coverage.terminated", "reason", "fraud", "income_above_standard"),
    ("application.decided", "decision", "pending", "must be one of: approved, rejected"),
])
def test_enumerations_name_their_allowed_values(kind: str, name: str, value: str, words: str) -> None:
    error = the_error(with_data(kind, **{name: value}), f"data.{name}")
    assert words in error.message and repr(value) in error.message


@pytest.mark.parametrize("kind, name, value", [
    ("resident.disability_assessed", "grade", True),
    ("resident.disability_assessed", "grade", "2"),
    ("resident.disability_assessed", "grade", 2.5),
    ("resident.disability_assessed", "certified", "yes"),
    ("resident.disability_assessed", "certified", 1),
    ("resident.living_arrangement_reported", "lives_alone", "true"),
    ("household.income_reported", "monthly_income", "1200"),
    ("household.income_reported", "monthly_income", True),
    ("household.assets_reported", "motor_vehicles", False),
    ("household.assets_reported", "extra_properties", "1"),
    ("household.assets_reported", "financial_assets", [100]),
    ("coverage.paid", "amount", {"yuan": 376}),
    ("coverage.enrolled", "review_interval_months", "6"),
    ("resident.illness_reported", "condition", 12),
    ("household.registered", "region", 420503),
    ("household.registered", "members", {"resident": "RN-1"}),
])
def test_types_are_not_coerced(kind: str, name: str, value: Any) -> None:
    assert fields(with_data(kind, **{name: value})) == [f"data.{name}"]


@pytest.mark.parametrize("kind, name, value, words", [
    ("household.income_reported", "monthly_income", -1, "must not be negative"),
    ("household.assets_reported", "financial_assets", -0.01, "must not be negative"),
    ("household.expense_reported", "amount", -5, "must not be negative"),
    ("household.emergency_reported", "loss", -100, "must not be negative"),
    ("coverage.enrolled", "monthly_amount", -376, "must not be negative"),
    ("coverage.paid", "amount", float("inf"), "finite"),
    ("coverage.paid", "amount", float("nan"), "finite"),
    ("coverage.paid", "amount", 10**400, "too large"),
    ("coverage.paid", "amount", 10**13, "implausibly large"),
    ("household.assets_reported", "motor_vehicles", -1, "from 0 to 100"),
    ("household.assets_reported", "extra_properties", -2, "from 0 to 100"),
    ("resident.disability_assessed", "grade", 0, "from 1 to 4"),
    ("resident.disability_assessed", "grade", 5, "from 1 to 4"),
    ("coverage.enrolled", "review_interval_months", 0, "from 1 to 60"),
    ("coverage.enrolled", "review_interval_months", 61, "from 1 to 60"),
    ("household.registered", "region", "42050", "it has 5 digits"),
    ("household.registered", "region", "4205030010011", "it has 13 digits"),
    ("household.registered", "region", "42050a", "digits 0-9 only"),
    ("household.registered", "region", "٤٢٠٥٠٣", "digits 0-9 only"),  # Arabic-Indic digits are not digits here
    ("household.registered", "region", "4205", "6, 9 or 12 digits"),  # a city: households live in a county or below
    ("household.registered", "region", "420503000", "town or street part is 000"),  # read by level (RULES.md)
    ("household.registered", "region", "420503100000", "community or village part is 000"),
    ("household.registered", "members", [], "non-empty list"),
    ("resident.illness_reported", "condition", "   ", "non-empty string"),
])
def test_numbers_and_codes_have_ranges(kind: str, name: str, value: Any, words: str) -> None:
    assert words in the_error(with_data(kind, **{name: value}), f"data.{name}").message


def test_region_limits_are_inclusive() -> None:
    assert parse(with_data("household.registered", region="420503"))
    assert parse(with_data("household.registered", region="420503100"))
    assert parse(with_data("household.registered", region="420503001001"))
    assert parse(with_data("household.registered", region="420503001100"))  # village 100: zeros are its number


# --- dates and periods ----------------------------------------------------------------------------


@pytest.mark.parametrize("value, words", [
    ("2025-02-30", "not a real calendar date"),
    ("2025-13-01", "not a real calendar date"),
    ("2025/02/03", "must be a date YYYY-MM-DD"),
    ("20250203", "must be a date YYYY-MM-DD"),
    ("2025-2-3", "must be a date YYYY-MM-DD"),
    (20250203, "must be a date YYYY-MM-DD"),
    ("1899-12-31", "before 1900-01-01"),
    ("2026-03-03", "after the observation date 2026-03-01"),
])
def test_event_dates_must_be_real_and_not_after_the_observation(value: Any, words: str) -> None:
    assert words in the_error(with_data("resident.died", date=value), "data.date").message


@pytest.mark.parametrize("kind, name", [
    ("resident.left", "date"), ("resident.died", "date"), ("household.expense_reported", "date"),
    ("household.emergency_reported", "date"), ("household.rural_risk_reported", "date"),
    ("resident.illness_reported", "date"), ("resident.employment_changed", "date"),
    ("resident.joined", "birth_date"), ("coverage.reviewed", "date"), ("coverage.suspended", "date"),
    ("coverage.terminated", "date"), ("application.submitted", "date"), ("application.decided", "date"),
    ("clock.tick", "date"),
])
def test_every_event_date_may_not_be_two_days_ahead(kind: str, name: str) -> None:
    assert f"data.{name}" in fields(with_data(kind, **{name: "2026-03-03"}))


@pytest.mark.parametrize("kind, name", [("coverage.enrolled", "start"), ("coverage.terminated", "grace_until")])
def test_scheduled_dates_may_be_up_to_366_days_ahead(kind: str, name: str) -> None:
    assert "more than 366 days" in the_error(with_data(kind, **{name: "2027-03-03"}), f"data.{name}").message


def test_a_birth_date_before_1900_is_refused() -> None:
    assert "before 1900-01-01" in the_error(with_data("resident.joined", birth_date="1899-06-01"), "data.birth_date").message


@pytest.mark.parametrize("value, words", [
    ("2026-13", "must be a month YYYY-MM"),
    ("2026-00", "must be a month YYYY-MM"),
    ("2026-2", "must be a month YYYY-MM"),
    ("2026-02-01", "must be a month YYYY-MM"),
    (202602, "must be a month YYYY-MM"),
    ("1899-12", "before 1900-01"),
    ("2026-04", "after the month of the observation (2026-03)"),
])
def test_periods_are_real_months_not_after_the_observation(value: Any, words: str) -> None:
    assert words in the_error(with_data("coverage.paid", period=value), "data.period").message


def test_the_current_month_is_a_valid_period() -> None:
    assert parse(with_data("household.income_reported", period="2026-03")).data["period"] == "2026-03"


def test_dates_are_judged_by_the_observation_date_not_by_now() -> None:
    body = with_data("resident.died", date="2025-06-02")
    body["observed_at"] = "2025-06-01T08:00:00+08:00"
    assert parse(body).data["date"] == "2025-06-02"
    body["data"]["date"] = "2025-06-03"
    assert "after the observation date 2025-06-01" in the_error(body, "data.date").message


# --- members and resident ID numbers --------------------------------------------------------------


def member(**changes: Any) -> dict[str, Any]:
    base = {"resident": "RN-1", "name": "王某", "id_number": HEAD_ID, "sex": "M", "birth_date": "1958-04-12",
            "relation": "head"}
    base.update(changes)
    return {k: value for k, value in base.items() if value is not ...}


def registration(*members: dict[str, Any]) -> dict[str, Any]:
    return with_data("household.registered", members=list(members))


@pytest.mark.parametrize("name, value", [
    ("resident", ...), ("resident", ""), ("name", ...), ("name", "  "), ("sex", "male"), ("sex", ...),
    ("birth_date", "1958-02-30"), ("birth_date", ...), ("relation", "boss"), ("relation", ...),
])
def test_each_member_is_validated(name: str, value: Any) -> None:
    second = member(**{"resident": "RN-2", "id_number": ..., name: value})
    assert f"data.members[1].{name}" in fields(registration(member(), second))


def test_a_member_that_is_not_an_object_is_named_by_its_index() -> None:
    assert "must be an object" in the_error(registration(member(), "RN-2"), "data.members[1]").message


def test_members_of_one_registration_must_not_repeat_an_id() -> None:
    error = the_error(registration(member(), member(id_number=...), member(resident="RN-3", id_number=...)),
                      "data.members[1].resident")
    assert "appears twice" in error.message and "[0]" in error.message


def test_an_id_number_with_a_wrong_check_digit_fails_its_checksum() -> None:
    wrong = HEAD_ID[:-1] + ("0" if HEAD_ID[-1] != "0" else "1")
    error = the_error(registration(member(id_number=wrong)), "data.members[0].id_number")
    assert error.message == "18-digit resident ID number fails its checksum"


@pytest.mark.parametrize("value", ["4205031958041212", HEAD_ID + "1", "42050319580412121Y", "A" * 18, 420503195804121210])
def test_an_id_number_must_have_18_characters(value: Any) -> None:
    assert "18-digit" in the_error(registration(member(id_number=value)), "data.members[0].id_number").message


def test_an_id_number_with_an_impossible_birth_date_is_refused() -> None:
    number = id_number("420503", date(1958, 4, 12)).replace("19580412", "19580230")
    number = number[:-1] + ric.calc_check_digit(number)
    error = the_error(registration(member(id_number=number, birth_date="1958-02-28")), "data.members[0].id_number")
    assert "impossible birth date" in error.message


def test_the_birth_date_in_an_id_number_must_match_birth_date_and_the_error_names_both() -> None:
    error = the_error(registration(member(birth_date="1958-04-13")), "data.members[0].id_number")
    assert "id_number" in error.message and "birth_date" in error.message
    assert "1958-04-12" in error.message and "1958-04-13" in error.message
    assert "birth_date" in error.message_zh


def test_a_joining_resident_id_number_is_checked_the_same_way() -> None:
    baby = id_number("420503", date(2026, 2, 20), "222")
    assert parse(with_data("resident.joined", id_number=baby)).data["id_number"] == baby
    assert "birth_date" in the_error(with_data("resident.joined", id_number=HEAD_ID), "data.id_number").message


def test_an_empty_id_number_means_none_given() -> None:
    assert "id_number" not in parse(registration(member(id_number=""))).data["members"][0]


# --- parent status ---------------------------------------------------------------------------------


def test_a_parent_must_be_an_object_with_a_known_status() -> None:
    body = with_data("resident.parent_status_reported", father="dead",
                     mother={"status": "gone", "since": "2026-04-01"})
    assert fields(body) == ["data.father", "data.mother.status", "data.mother.since"]
    assert "present, dead, missing" in the_error(body, "data.mother.status").message


def test_a_parent_status_is_required_inside_the_object() -> None:
    body = with_data("resident.parent_status_reported", father={"since": "2020-01-01"})
    assert the_error(body, "data.father.status").message == "is required"


# --- references: households and residents ------------------------------------------------------------


def test_an_unknown_household_is_a_404() -> None:
    error = refusal(envelope("household.income_reported", household="H-404"))
    assert error.status == 404 and [e.field for e in error.errors] == ["household"]
    assert "unknown household H-404" in error.errors[0].message


def test_registering_a_known_household_again_is_a_409() -> None:
    error = refusal(envelope("household.registered", household="H1"))
    assert error.status == 409 and [e.field for e in error.errors] == ["household"]


def test_a_registration_may_not_reuse_a_known_resident_id() -> None:
    error = refusal(registration(member(), member(resident="R9", id_number=...)))
    assert error.status == 409 and [e.field for e in error.errors] == ["data.members[1].resident"]
    assert "already in use" in error.errors[0].message


def test_a_joining_resident_may_not_reuse_a_known_id() -> None:
    error = refusal(envelope("resident.joined", resident="R9"))
    assert error.status == 409 and [e.field for e in error.errors] == ["resident"]


def test_an_unknown_resident_is_a_404() -> None:
    error = refusal(envelope("resident.died", resident="R-404"))
    assert error.status == 404 and error.errors[0].field == "resident"


def test_a_resident_of_another_household_is_a_422() -> None:
    error = refusal(envelope("resident.died", resident="R9"))
    assert error.status == 422 and error.errors[0].message == "resident R9 is not a member of household H1"


@pytest.mark.parametrize("kind", [k for k in v.OBSERVATION_KINDS if v.SUBJECTS[k] == "household_or_resident"])
def test_coverage_and_applications_may_name_a_resident_who_must_be_a_member(kind: str) -> None:
    body = with_data(kind, programme="dibao") if "programme" in VALID[kind][2] else envelope(kind)
    assert parse(dict(body, resident="R2")).resident == "R2"
    assert refusal(dict(body, resident="R9")).status == 422
    assert refusal(dict(body, resident="R-404")).status == 404


@pytest.mark.parametrize("kind", ["household.emergency_reported", "household.hardship_reported"])
def test_data_resident_of_an_emergency_or_hardship_must_be_a_member(kind: str) -> None:
    assert parse(with_data(kind, resident="R2")).data["resident"] == "R2"
    assert the_error(with_data(kind, resident="R9"), "data.resident").message == "resident R9 is not a member of household H1"
    assert refusal(with_data(kind, resident="R-404")).status == 404


def test_residents_seen_on_a_visit_must_be_members() -> None:
    body = with_data("household.visited", residents_seen=["R1", "R9", 5])
    assert fields(body) == ["data.residents_seen[2]", "data.residents_seen[1]"]


# --- programmes: per person or per household ---------------------------------------------------------


@pytest.mark.parametrize("programme", sorted(v.RESIDENT_LEVEL_PROGRAMMES))
@pytest.mark.parametrize("kind", ["coverage.enrolled", "coverage.paid", "application.submitted"])
def test_a_per_person_programme_needs_a_resident(kind: str, programme: str) -> None:
    body = with_data(kind, programme=programme)
    assert "granted to one person" in the_error(dict(body, resident=None), "resident").message
    assert parse(dict(body, resident="R1")).data["programme"] == programme


@pytest.mark.parametrize("programme", sorted(v.HOUSEHOLD_LEVEL_PROGRAMMES))
@pytest.mark.parametrize("kind", ["coverage.enrolled", "coverage.terminated", "application.submitted"])
def test_a_household_programme_names_no_resident(kind: str, programme: str) -> None:
    body = with_data(kind, programme=programme)
    assert "granted to the whole household" in the_error(dict(body, resident="R1"), "resident").message
    assert parse(dict(body, resident=None)).resident is None


# --- many problems at once, and the status that sums them up --------------------------------------------


def test_every_problem_is_reported_at_once() -> None:
    body = {
        "observation_id": "", "informant": "grid-01", "observed_at": "yesterday", "kind": "household.registered",
        "household": "H-NEW",
        "data": {"region": "123", "hukou": "town", "local_hukou": "yes", "grid": "g", "address": "a",
                 "members": [member(sex="X"), member(birth_date="1958-04-31")]},
    }
    assert fields(body) == [
        "observation_id", "observed_at", "data.region", "data.hukou", "data.local_hukou",
        "data.members[0].sex", "data.members[1].birth_date", "data.members[1].resident",
    ]


def test_malformed_content_outranks_an_unknown_household() -> None:
    error = refusal(with_data("household.income_reported", period="2026-13") | {"household": "H-404"})
    assert error.status == 422 and [e.field for e in error.errors] == ["data.period", "household"]


def test_invalid_observation_carries_errors_and_a_status() -> None:
    error = InvalidObservation([FieldError("kind", "is required", "必填")])
    assert error.status == 422 and "kind: is required" in str(error)
    assert InvalidObservation([], status=409).status == 409


# --- garbage in: a clear refusal, never a crash ----------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
    | st.sampled_from(["2026-02-30", "2026-02-28", "2026-02", "R1", "H1", "dibao", "", " x", AT]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(body=JSON)
def test_any_json_either_parses_or_is_refused(body: Any) -> None:
    try:
        parse(body)
    except InvalidObservation as refused:
        assert refused.errors and refused.status in (404, 409, 422)


def slots(value: Any) -> Any:
    """Every (container, key) in a nested JSON value: the places garbage can be put."""
    keys = range(len(value)) if isinstance(value, list) else value if isinstance(value, dict) else ()
    for key in list(keys):
        yield value, key
        yield from slots(value[key])


@settings(max_examples=500, deadline=None)
@given(kind=st.sampled_from(v.OBSERVATION_KINDS), data=st.data())
def test_valid_envelopes_with_garbage_in_any_field_parse_or_are_refused(kind: str, data: st.DataObject) -> None:
    """Garbage placed where real fields live, so that every check is reached, not just the first."""
    body = envelope(kind)
    container, key = data.draw(st.sampled_from(list(slots(body))))
    container[key] = data.draw(JSON)
    try:
        observation = parse(body)
    except InvalidObservation as refused:
        assert refused.errors and refused.status in (404, 409, 422)
    else:
        as_json = observation.to_json()
        assert json.loads(json.dumps(as_json)) == as_json


# --- time zones and what cannot have happened (issue 10) ----------------------------------------------

UTC_EVENING = "2026-02-28T20:00:00Z"  # 2026-03-01 04:00 in China Standard Time
NEW_YORK_MORNING = "2026-02-28T20:00:00-05:00"  # 2026-03-01 09:00 in China Standard Time


@pytest.mark.parametrize("observed_at", [UTC_EVENING, NEW_YORK_MORNING, "2026-03-01T04:00:00+08:00"])
def test_the_observation_date_is_its_date_in_china_standard_time(observed_at: str) -> None:
    """Dated 2026-02-28 in the sender's offset, but observed on 2026-03-01 in China."""
    died = with_data("resident.died", date="2026-03-02")  # one day of slack after 2026-03-01
    died["observed_at"] = observed_at
    assert parse(died).data["date"] == "2026-03-02"
    paid = with_data("coverage.paid", period="2026-03")
    paid["observed_at"] = observed_at
    assert parse(paid).data["period"] == "2026-03"


def test_an_offset_west_of_china_can_still_be_the_day_before() -> None:
    body = with_data("resident.died", date="2026-03-01")
    body["observed_at"] = "2026-02-28T10:00:00-05:00"  # 2026-02-28 23:00 in China: slack reaches 03-01 only
    assert parse(body).data["date"] == "2026-03-01"
    body["data"]["date"] = "2026-03-02"
    assert "after the observation date 2026-02-28" in the_error(body, "data.date").message


@pytest.mark.parametrize("kind", ["resident.left", "resident.illness_reported"])
def test_a_departure_or_illness_may_not_be_dated_after_its_observation_day(kind: str) -> None:
    same_day = with_data(kind, date="2026-03-01")
    same_day["observed_at"] = UTC_EVENING  # 2026-03-01 in China
    assert parse(same_day).data["date"] == "2026-03-01"
    next_day = with_data(kind, date="2026-03-02")
    next_day["observed_at"] = UTC_EVENING
    error = refusal(next_day)
    assert error.status == 422 and [e.field for e in error.errors] == ["data.date"]
    assert "cannot have happened yet" in error.errors[0].message and "北京时间" in error.errors[0].message_zh


def test_a_death_keeps_its_day_of_slack() -> None:
    assert parse(with_data("resident.died", date="2026-03-02")).data["date"] == "2026-03-02"


def test_a_decision_on_an_application_never_submitted_is_not_found() -> None:
    assert parse(envelope("application.decided")).data["application"] == "A-1"
    error = refusal(with_data("application.decided", application="A-404"))
    assert error.status == 404 and [e.field for e in error.errors] == ["data.application"]
    assert "never submitted" in error.errors[0].message
    elsewhere = envelope("application.decided", household="H2")  # A-1 was submitted for H1, not H2
    assert refusal(elsewhere).status == 404


@pytest.mark.parametrize("kind", ["household.visited", "resident.died", "coverage.enrolled", "clock.tick"])
def test_nothing_about_a_household_is_observed_before_its_registration(kind: str) -> None:
    before = envelope(kind, observed_at="2024-06-01T00:59:59Z")  # 08:59:59 in China, a second early
    at_registration = envelope(kind, observed_at="2024-06-01T01:00:00Z")
    for body in (before, at_registration):
        body["data"] = {k: ("2024-06-01" if k in ("date", "start") else val) for k, val in body["data"].items()}
    if kind == "clock.tick":  # about no household: nothing to compare with
        assert parse(before).kind == "clock.tick"
        return
    error = refusal(before)
    assert error.status == 422 and [e.field for e in error.errors] == ["observed_at"]
    assert "before the household's registration (2024-06-01T09:00:00+08:00)" in error.errors[0].message
    assert parse(at_registration).household == "H1"


def test_a_resumption_names_its_programme_and_date() -> None:
    assert parse(envelope("coverage.resumed")).data == {"programme": "low_income_edge", "date": "2026-02-27"}
    assert set(fields(with_data("coverage.resumed", programme=..., date="2026-03-09"))) == {
        "data.programme", "data.date"}


def test_a_missing_subject_is_asked_for_by_the_kinds_chinese_name() -> None:
    """The informant reads the kind as the form calls it, not its code (issue 18)."""
    error = the_error(envelope("household.income_reported", household=None), "household")
    assert error.message_zh == "上报「收入情况」必须填写此项"
    absent = the_error(envelope("household.income_reported", resident="R-1"), "resident")
    assert absent.message_zh == "不应填写：「收入情况」针对整户"
