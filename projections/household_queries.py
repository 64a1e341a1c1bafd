"""Read-side queries of one household from its event stream: the timeline of its observations, its
residents' ID numbers and its programmes (coverage episodes and applications) as of a day."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain.households.application import HouseholdsApp
from domain.households.household import Household
from domain.households.reads import observations_of
from domain.households.state import fold
from domain.instants import instant


def timeline(households: HouseholdsApp, household: str) -> list[dict[str, Any]]:
    """Every observation of the household: who sent it, when it happened and when it was recorded,
    and whether it is still in force, was corrected (by which) or retracted (when, by whom, why)."""
    try:
        events = list(households.events.get(Household.id_for(household)))
    except AggregateNotFoundError:
        return []
    withdrawn: dict[str, str | None] = {}
    retractions: dict[str, dict[str, Any]] = {}
    for e in events:
        if isinstance(e, Household.Corrected):
            withdrawn[e.original_id] = e.observation["observation_id"]
        elif isinstance(e, Household.Retracted):
            withdrawn[e.original_id] = None
            retractions[e.original_id] = {"by": e.by, "reason": e.reason, "at": e.timestamp.isoformat()}
    entries = [_entry(e, withdrawn, retractions) for e in events if hasattr(e, "observation")]
    return sorted(entries, key=lambda entry: (instant(entry["observed_at"]), entry["recorded_at"]), reverse=True)


def _entry(event: Any, withdrawn: dict[str, str | None], retractions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    obs = event.observation
    entry = {**{k: obs.get(k) for k in ("observation_id", "kind", "informant", "resident")},
             "observed_at": obs["observed_at"], "recorded_at": event.timestamp.isoformat(), "status": "in_force"}
    if obs.get("corrects"):
        entry["corrects"] = obs["corrects"]
    oid = obs["observation_id"]
    if withdrawn.get(oid):
        entry.update(status="corrected", corrected_by=withdrawn[oid])
    elif oid in withdrawn:
        entry.update(status="retracted", retracted=retractions[oid])
    return entry


def id_numbers(households: HouseholdsApp, household: str) -> dict[str, str]:
    """Each resident's ID number as last reported (the read views do not keep them)."""
    numbers: dict[str, str] = {}
    for obs in sorted(observations_of(households, household), key=lambda o: instant(o["observed_at"])):
        members = obs["data"].get("members", []) if obs["kind"] == "household.registered" else \
            [dict(obs["data"], resident=obs["resident"])] if obs["kind"] == "resident.joined" else []
        numbers.update({m["resident"]: m["id_number"] for m in members if m.get("id_number")})
    return numbers


def programmes(households: HouseholdsApp, household: str, on: date) -> dict[str, list[dict[str, Any]]]:
    """The household's coverage episodes and applications as of `on` (一户一条救助链)."""
    return programmes_of(observations_of(households, household), on)


def programmes_of(observations: list[dict[str, Any]], on: date) -> dict[str, list[dict[str, Any]]]:
    """The coverage episodes and applications these observations make, as of `on`."""
    if not observations:
        return {"coverage": [], "applications": []}
    state = fold(observations, on)
    coverage = [{"programme": c.programme, "resident": c.resident, "start": c.start.isoformat(),
                 "monthly_amount": c.monthly_amount, "reviews": [r.isoformat() for r in c.reviews],
                 "suspended_on": _iso(c.suspensions[-1].since if c.suspensions else None),
                 "resumed_on": _iso(c.suspensions[-1].resumed_on if c.suspensions else None),
                 "terminated_on": _iso(c.terminated_on),
                 "termination_reason": c.termination_reason} for c in state.coverages]
    applications = [{"application": a.application, "programme": a.programme, "resident": a.resident,
                     "submitted_on": a.submitted_on.isoformat(), "decided_on": _iso(a.decided_on),
                     "decision": a.decision} for a in state.applications.values()]
    return {"coverage": coverage, "applications": applications}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
