"""Derived facts about one application (LATE.APPLICATION): how long it has waited for a decision.

Time limits are in Chinese working days (`application.limit_working_days.<programme>`),
except return-to-poverty monitoring, whose limit is in calendar days
(`poverty_monitoring.limit_days`). Elapsed time is counted in the limit's own
unit: the days after the application's date up to and including the date judged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.facts.context import Context, Parameters, Subject, known
from domain.households.state import ApplicationState
from domain.working_days import working_days_after

CALENDAR_DAY_PROGRAMMES = {"poverty_monitoring": "poverty_monitoring.limit_days"}


def application_subject(ctx: Context, application: ApplicationState) -> Subject:
    """Whether the application is decided on the date judged and, if not, how long it has waited."""
    decided = application.decided_on is not None and application.decided_on <= ctx.on
    facts: dict[str, Any] = {
        "programme": application.programme,
        "submitted_on": application.submitted_on.isoformat(),
        "decided": decided,
        "applicant_died": applicant_died(ctx, application),
    }
    if not decided:
        facts.update(handling_time(application.programme, application.submitted_on, ctx.on, ctx.params))
    return Subject("application", application.application, application.resident, known(facts),
                   list(application.evidence))


def applicant_died(ctx: Context, application: ApplicationState) -> bool:
    """The resident the application is for died on or before the date judged (RULES.md: not judged)."""
    person = ctx.state.residents.get(application.resident or "")
    return person is not None and person.died_on is not None and person.died_on <= ctx.on


def handling_time(programme: str, submitted_on: date, on: date, params: Parameters) -> dict[str, Any]:
    """Days taken so far and the limit, in the limit's unit; nothing when no limit is configured."""
    if programme in CALENDAR_DAY_PROGRAMMES:
        limit = params.get(CALENDAR_DAY_PROGRAMMES[programme])
        elapsed, unit = (on - submitted_on).days, "calendar"
    else:
        limit = params.get(f"application.limit_working_days.{programme}")
        elapsed, unit = working_days_after(submitted_on, on), "working"
    if limit is None:
        return {}
    return {"elapsed_days": max(elapsed, 0), "limit_days": limit, "day_unit": unit}
