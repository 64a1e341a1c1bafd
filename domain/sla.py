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
