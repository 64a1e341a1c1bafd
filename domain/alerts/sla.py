"""Acknowledgement deadlines for alerts (LATE.ALERT_UNHANDLED).

`sla.ack.critical` is counted in calendar days (act today); the other
severities in Chinese working days (see `domain.working_days`).
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.working_days import add_working_days


def ack_deadline(raised_on: date, severity: str, limit: int) -> date:
    """Last day on which acknowledging is still in time."""
    if severity == "critical":
        return raised_on + timedelta(days=limit)
    return add_working_days(raised_on, limit)


def is_unhandled(raised_on: date, severity: str, limit: int, on: date) -> bool:
    return on > ack_deadline(raised_on, severity, limit)


def sla_clock(raised_on: date, severity: str, limit: int, today: date, acknowledged: bool) -> dict[str, object]:
    """The queue's SLA clock: the acknowledgement deadline, the unit it was counted in, days left
    (calendar days; negative when late) and whether it is overdue now."""
    deadline = ack_deadline(raised_on, severity, limit)
    return {
        "acknowledge_by": deadline.isoformat(),
        "counted_in": "calendar_days" if severity == "critical" else "working_days",
        "limit": limit,
        "days_left": (deadline - today).days,
        "overdue": not acknowledged and today > deadline,
    }
