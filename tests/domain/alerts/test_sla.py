"""Acknowledgement deadlines count Chinese working days, holidays and make-up days included."""

from datetime import date

from domain.alerts.sla import ack_deadline, is_unhandled
from domain.working_days import add_working_days, is_working_day, working_days_after


def test_national_day_holiday_and_make_up_days_2025() -> None:
    assert not is_working_day(date(2025, 10, 3))
    assert is_working_day(date(2025, 9, 28))  # a Sunday worked in exchange
    assert is_working_day(date(2025, 10, 11))  # a Saturday worked in exchange


def test_three_working_days_across_national_day() -> None:
    # Raised on Tuesday 30 Sep 2025: 1-8 Oct are holidays, Thu 9, Fri 10, Sat 11 (make-up) count.
    assert add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)


def test_working_days_after_counts_the_end_not_the_start() -> None:
    assert working_days_after(date(2025, 9, 30), date(2025, 10, 11)) == 3
    assert working_days_after(date(2025, 10, 10), date(2025, 10, 10)) == 0


def test_critical_alerts_count_calendar_days() -> None:
    assert ack_deadline(date(2025, 10, 1), "critical", 1) == date(2025, 10, 2)
    assert is_unhandled(date(2025, 10, 1), "critical", 1, date(2025, 10, 3))
    assert not is_unhandled(date(2025, 10, 1), "critical", 1, date(2025, 10, 2))


def test_years_the_calendar_does_not_know_fall_back_to_weekdays() -> None:
    assert is_working_day(date(2031, 1, 6)) and not is_working_day(date(2031, 1, 4))
