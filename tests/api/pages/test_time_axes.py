"""The auditor's sliders without a script: a moved slider wins over the typed value beside it, an untouched
one leaves the typed value in charge; moments and days map to positions and back; bad input is named."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from api.pages.then_and_now import IN_FORCE, NOT_HAPPENED, NOT_RECORDED, WITHDRAWN, data_words, standing_then
from api.pages.time_axes import (AxisError, chosen_as_of, chosen_known_at, day_axis, parse_moment, position_of,
                                 recorded_moments)

ENTRIES = [
    {"type": "household.registered", "recorded_at": "2026-01-05T02:00:00+00:00", "occurred_at": "2025-08-03T10:00:00+08:00"},
    {"type": "household.observed", "recorded_at": "2026-01-05T02:00:00+00:00", "occurred_at": "2025-08-03T10:05:00+08:00"},
    {"type": "alert.raised", "recorded_at": "2026-01-05T02:00:01+00:00", "occurred_at": "2025-08-04"},
    {"type": "household.corrected", "recorded_at": "2026-01-06T09:00:00+00:00", "occurred_at": "2025-08-03T10:05:00+08:00"},
]
NOW = datetime(2026, 2, 1, tzinfo=timezone.utc)


def test_recorded_moments_are_distinct_and_ordered_with_what_was_recorded() -> None:
    moments = recorded_moments(list(reversed(ENTRIES)))
    assert [m.at.isoformat() for m in moments] == ["2026-01-05T02:00:00+00:00", "2026-01-05T02:00:01+00:00",
                                                   "2026-01-06T09:00:00+00:00"]
    assert set(moments[0].kinds) == {"household.registered", "household.observed"}
    assert position_of(moments, datetime(2026, 1, 5, 12, tzinfo=timezone.utc)) == 1
    assert position_of(moments, datetime(2020, 1, 1, tzinfo=timezone.utc)) == 0
    assert position_of(moments, NOW) == 2


def test_a_moved_slider_wins_an_untouched_one_leaves_the_typed_value() -> None:
    moments = recorded_moments(ENTRIES)
    assert chosen_known_at({"k": "0", "k0": "2", "known_at": "2026-01-06T17:00:00+08:00"}, moments, NOW) == moments[0].at
    typed = chosen_known_at({"k": "2", "k0": "2", "known_at": "2026-01-05T10:00:00.5+08:00"}, moments, NOW)
    assert typed == datetime(2026, 1, 5, 2, 0, 0, 500000, tzinfo=timezone.utc)
    assert chosen_known_at({}, moments, NOW) == NOW
    assert chosen_known_at({"k": "99", "k0": "0"}, moments, NOW) == moments[-1].at  # clamped, never an error


def test_days_run_from_the_first_event_to_the_systems_today() -> None:
    axis = day_axis(ENTRIES, date(2025, 8, 10))
    assert (axis.first, axis.last, axis.length) == (date(2025, 8, 3), date(2025, 8, 10), 7)
    assert chosen_as_of({"d": "1", "d0": "7", "as_of": "2025-08-10"}, axis) == date(2025, 8, 4)
    assert chosen_as_of({"d": "7", "d0": "7", "as_of": "2025-08-05"}, axis) == date(2025, 8, 5)
    assert chosen_as_of({}, axis) is None
    assert axis.position(date(2030, 1, 1)) == 7 and axis.position(date(2020, 1, 1)) == 0


def test_bad_values_name_their_input() -> None:
    with pytest.raises(AxisError) as error:
        chosen_as_of({"as_of": "yesterday"}, day_axis(ENTRIES, date(2025, 8, 10)))
    assert error.value.field == "as_of"
    with pytest.raises(AxisError) as error:
        chosen_known_at({"known_at": "2026-13-01T00:00"}, [], NOW)
    assert error.value.field == "known_at"
    for edge in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        with pytest.raises(AxisError):
            parse_moment(edge)
    assert parse_moment("2025-08-04") == datetime.fromisoformat("2025-08-04T23:59:59.999999+08:00")
    assert parse_moment("2025-08-04 09:30").isoformat() == "2025-08-04T09:30:00+08:00"


def test_an_observations_standing_then() -> None:
    entry = {"observation_id": "H-2", "observed_at": "2025-08-03T10:05:00+08:00",
             "recorded_at": "2026-01-05T02:00:00+00:00"}
    then = {"withdrawn_by_then": {}}
    known = datetime(2026, 1, 5, 3, tzinfo=timezone.utc)
    assert standing_then(entry, then, known, date(2025, 8, 4)) == IN_FORCE
    assert standing_then(entry, then, known, date(2025, 8, 2)) == NOT_HAPPENED
    assert standing_then(entry, then, datetime(2026, 1, 5, 1, tzinfo=timezone.utc), date(2025, 8, 4)) == NOT_RECORDED
    assert standing_then(entry, None, known, date(2025, 8, 4)) == NOT_RECORDED
    assert standing_then(entry, {"withdrawn_by_then": {"H-2": "H-2b"}}, known, date(2025, 8, 4)) == WITHDRAWN


def test_data_in_words() -> None:
    income = data_words({"monthly_income": 500.0, "period": "2025-07"}, "zh", "household.income_reported")
    assert income == "家庭月收入(元)：500.00；收入所属月份：2025-07"
    school = data_words({"status": "enrolled", "full_time": True}, "zh", "resident.school_status_reported")
    assert school == "就学状态：在校就读；全日制：是"  # not 已纳入救助, an alert's outcome (issue 18)
    care = data_words({"level": "independent"}, "zh", "resident.care_dependency_assessed")
    assert care == "失能程度：能自理"
    parents = data_words({"father": {"status": "dead", "since": "2020-01-01"}}, "zh", "resident.parent_status_reported")
    assert parents == "父亲（父亲情况：死亡，起始日期：2020-01-01）"
    assert data_words({"members": [{"name": "陈*"}], "hukou": "urban"}, "en") == "Members: 1; Hukou: urban"
    assert data_words(None, "zh") == ""
