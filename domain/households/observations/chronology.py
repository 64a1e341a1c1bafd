"""What cannot have happened given what is recorded (an observation before the registration, a decision
on an application never submitted)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.households.observations.problems import NOT_FOUND, Problem, show
from domain.households.observations.references import Registry


def chronology_problems(kind: str, household: str, observed_at: datetime | None, raw_data: Any,
                registry: Registry) -> list[Problem]:
    """What cannot have happened given what is recorded: an observation of a household before its
    registration, a decision on an application never submitted. Only for a registered household."""
    problems = []
    registered = registry.registered_at(household) if kind != "household.registered" else None
    if registered is not None and observed_at is not None and observed_at < registered:
        problems.append(Problem(
            "observed_at", f"is before the household's registration ({registered.isoformat()})",
            f"早于该户的登记时间（{registered.isoformat()}）"))
    application = raw_data.get("application") if isinstance(raw_data, dict) else None
    if kind == "application.decided" and isinstance(application, str) and application \
            and not registry.application_submitted(household, application):
        problems.append(Problem(
            "data.application", f"application {show(application)} was never submitted for household {household}",
            f"户 {household} 没有提交过申请 {show(application)}", NOT_FOUND))
    return problems
