"""Every parameter has a declared type: good values pass, values no rule can compute with are refused."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from domain.policy.declarations import PARAMETER_TYPES, WORKING_DAY_LIMITS, WORKING_DAY_PROGRAMMES, check
from domain.policy.parameter_types import ParameterRefused, effective_date, json_safe
from domain.policy.parameters import (
    NATIONAL_DEFAULTS,
    REGIONAL_ONLY,
    SHIPPED_VALUES,
    ParameterTable,
    ParameterValue,
    Resolved,
    Unusable,
)

NAN, INF = float("nan"), float("inf")
NOT_NUMBERS = ["", "770", None, True, False, [], {}, NAN, INF, -INF]
MONEY_BAD = [*NOT_NUMBERS, -1, -0.01, 10_000_001, 10**400]
MONTHS_BAD = [*NOT_NUMBERS, 0, -1, 1.5, 12.0, 121]
DAYS_BAD = [*NOT_NUMBERS, 0, -3, 2.5, 7.0, 3651, 10**12]
AGE_BAD = [*NOT_NUMBERS, -1, 151, 60.5]
FACTOR_BAD = [*NOT_NUMBERS, 0, -1.5, 10.01, 1e308]
FLAG_BAD = ["", "true", None, 0, 1, [], "false"]
GRADES_BAD = ["", None, 3, [0], [5], [3, "4"], [True], [3.0], "[3]", [[3]]]
AGE_RANGE_BAD = ["", None, [], [6], [6, 15, 18], [15, 6], [-1, 15], [6, 151], [6.0, 15], ["6", "15"], [True, 15]]

MONEY = ["dibao.standard_monthly.urban", "dibao.standard_monthly.rural", "tekun.standard_monthly",
         "rigid.prev_year_pc_disposable_income", "poverty_monitoring.line_annual"]
MONTHS = ["dibao.asset_limit_months", "dibao.review_months.stable", "dibao.review_months.irregular",
          "review.default_months", "rigid.valid_months", "child.missing_months", "payment.gap_months"]
DAYS = ["visiting.interval_days", "visiting.high_risk_interval_days", "emergency.window_days",
        "poverty_monitoring.limit_days", "age_out.notice_days", "alert.snooze_days", "sla.ack.critical"]
WORKING_DAYS = ["sla.ack.high", "sla.ack.medium", "sla.ack.low",
                *(f"application.limit_working_days.{p}" for p in WORKING_DAY_LIMITS)]
AGES = ["elderly_allowance.min_age", "child.age_limit", "visiting.min_age"]
FACTORS = ["edge.multiplier", "rigid.expense_ratio"]
FLAGS = ["disability.living_subsidy_low_income", "elderly_allowance.requires_local_hukou"]

# name -> (good values, bad values)
TABLE: dict[str, tuple[list[Any], list[Any]]] = {
    **{name: ([0, 770, 630.5, 10_000_000], MONEY_BAD) for name in MONEY},
    **{name: ([1, 6, 12, 120], MONTHS_BAD) for name in MONTHS},
    **{name: ([1, 15, 30, 3650], DAYS_BAD) for name in DAYS},
    **{name: ([1, 15, 33, 365], [*DAYS_BAD, 366]) for name in WORKING_DAYS},
    **{name: ([0, 18, 65, 150], AGE_BAD) for name in AGES},
    **{name: ([0.6, 1, 1.5, 2, 10], FACTOR_BAD) for name in FACTORS},
    **{name: ([True, False], FLAG_BAD) for name in FLAGS},
    "disability.care_extra_mental_grades": ([[], [3], [3, 4], [1, 2, 3, 4]], GRADES_BAD),
    "school.compulsory_ages": ([[6, 15], [7, 16], [6, 6], [0, 150]], AGE_RANGE_BAD),
}


def test_every_parameter_name_has_a_type_and_the_table_covers_them_all() -> None:
    names = set(ParameterTable().names())
    assert set(PARAMETER_TYPES) == names
    assert set(TABLE) == names
    assert set(REGIONAL_ONLY) <= names
    assert set(WORKING_DAY_PROGRAMMES) == set(WORKING_DAY_LIMITS)


@pytest.mark.parametrize("value", SHIPPED_VALUES, ids=lambda v: f"{v.name}@{v.region or 'national'}")
def test_every_shipped_value_has_its_declared_type(value: ParameterValue) -> None:
    assert check(value.name, value.value) == []


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, (good, _) in TABLE.items() for v in good])
def test_good_values_are_accepted(name: str, value: Any) -> None:
    assert check(name, value) == []


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, (_, bad) in TABLE.items() for v in bad],
                         ids=lambda x: repr(x)[:40])
def test_bad_values_are_refused_naming_value_in_both_languages(name: str, value: Any) -> None:
    problems = check(name, value)
    assert [p.field for p in problems] == ["value"]
    assert name in problems[0].message and "must be" in problems[0].message
    assert name in problems[0].message_zh and "必须" in problems[0].message_zh


def test_money_message_says_what_was_expected() -> None:
    (problem,) = check("dibao.standard_monthly.urban", -1)
    assert "amount of money (CNY) ≥ 0" in problem.message and "(got -1)" in problem.message
    assert "不小于 0" in problem.message_zh and "金额" in problem.message_zh


def test_unknown_name_is_refused_naming_name() -> None:
    (problem,) = check("no.such", 1)
    assert problem.field == "name" and "no.such" in problem.message and "未知参数" in problem.message_zh


@pytest.mark.parametrize("text", ["2025-07-01", "1900-01-01", "2099-12-31"])
def test_iso_dates_are_effective_dates(text: str) -> None:
    assert effective_date(text) == date.fromisoformat(text)


def test_a_date_object_is_an_effective_date_but_a_datetime_is_not() -> None:
    assert effective_date(date(2025, 7, 1)) == date(2025, 7, 1)
    with pytest.raises(ParameterRefused):
        effective_date(datetime(2025, 7, 1, 12, 0))


@pytest.mark.parametrize("value", [0, 1, -1, None, "", "abc", "20250701", "2025-7-1", "2025-02-30",
                                   "2025-07-01T00:00:00", "1899-12-31", True, 2025.0, ["2025-07-01"]])
def test_anything_else_is_refused_naming_from(value: Any) -> None:
    with pytest.raises(ParameterRefused) as refused:
        effective_date(value)
    assert [p.field for p in refused.value.problems] == ["from"]
    assert refused.value.problems[0].message_zh


def test_an_unusable_value_in_force_is_not_looked_up_but_found_as_unusable() -> None:
    on = date(2025, 8, 1)
    table = ParameterTable().with_values(
        [ParameterValue("dibao.standard_monthly.urban", "500103", date(2025, 7, 1), "", "set by admin")]
    )
    assert table.lookup("dibao.standard_monthly.urban", "500103001001", on) is None
    found = table.find("dibao.standard_monthly.urban", "500103001001", on)
    assert isinstance(found, Unusable)
    assert found.to_json() == {
        "name": "dibao.standard_monthly.urban", "region": "500103", "from": "2025-07-01", "value": "",
        "reason": found.reason, "reason_zh": found.reason_zh,
    }
    assert "amount of money" in found.reason and "金额" in found.reason_zh
    # Other regions and earlier dates still see their usable values.
    assert table.lookup("dibao.standard_monthly.urban", "500104001001", on).value == 770
    assert isinstance(table.find("dibao.standard_monthly.urban", "500103001001", date(2025, 6, 30)), Resolved)


@pytest.mark.parametrize("bad", [None, "", "3", 3.5, -2, True, NAN])
def test_an_unusable_sla_limit_is_never_returned_so_nothing_is_escalated_on_it(bad: Any) -> None:
    table = ParameterTable().with_values([ParameterValue("sla.ack.high", "50", date(2025, 1, 1), bad, "set by x")])
    assert table.lookup("sla.ack.high", "500103001001", date(2025, 8, 1)) is None
    assert table.lookup("sla.ack.high", "510502001004", date(2025, 8, 1)).value == 3


def test_json_safe_shows_non_finite_numbers_and_lone_surrogates_as_text() -> None:
    assert json_safe([NAN, {"x": INF}, 1.5, "a", None, "\ud800"]) == ["nan", {"x": "inf"}, 1.5, "a", None, "\\ud800"]


def test_messages_quote_values_as_json() -> None:
    assert check("edge.multiplier", True)[0].message.endswith("(got true)")
    assert check("edge.multiplier", None)[0].message.endswith("(got null)")
    assert check("edge.multiplier", "")[0].message.endswith('(got "")')
    assert check("edge.multiplier", NAN)[0].message.endswith("(got NaN)")
    assert check("edge.multiplier", "x" * 200)[0].message.endswith("…)")


def test_national_defaults_are_all_usable_lookups() -> None:
    table = ParameterTable()
    for value in NATIONAL_DEFAULTS:
        assert isinstance(table.find(value.name, "420503", date(2026, 1, 1)), Resolved)
