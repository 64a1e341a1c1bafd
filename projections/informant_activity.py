"""Informant activity: what each sender recorded, by grid and month (supervisors, auditors).

Counted as events are recorded (the month is the China Standard Time month of recording):
observations sent (registrations and visits among them), corrections and retractions, and
verification visits recorded for alerts. A household's grid is read from the household view,
which its own projector has already updated in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.alerts.alert import Alert
from domain.households.household import Household
from domain.instants import china_date
from projections import alert_queue, household_view
from projections.row_memo import held_back
from projections.sql_dialect import ViewConnection

COUNTS = ("observations", "registrations", "visits", "corrections", "retractions", "verifications")


def _month(at: datetime) -> str:
    return china_date(at).strftime("%Y-%m")


UPSERT = (
    f"INSERT INTO informant_activity (informant, grid, region, month, {', '.join(COUNTS)}, last_at) "
    f"VALUES (?, ?, ?, ?, {', '.join('?' for _ in COUNTS)}, ?) ON CONFLICT (informant, grid, month) DO UPDATE SET "
    + ", ".join(f"{name} = informant_activity.{name} + excluded.{name}" for name in COUNTS)
    + ", last_at = CASE WHEN excluded.last_at > informant_activity.last_at OR informant_activity.last_at IS NULL"
      " THEN excluded.last_at ELSE informant_activity.last_at END")


def _count(db: ViewConnection, informant: str, household: str | None, at: datetime, **counts: int) -> None:
    """Add `counts` to the sender's row of the household's grid and the month; within a batch the sums are
    held back and written once per row at its end (additions commute, the latest moment is a maximum)."""
    row = household_view.row_of(db, household)
    region, grid = (row["region"], row["grid"]) if row else ("", "")
    key, values = (informant, grid or "", _month(at)), [counts.get(name, 0) for name in COUNTS]
    held = held_back(db, "informant_activity", _write_held)
    if held is None:
        db.execute(UPSERT, (*key[:2], region or "", key[2], *values, at.isoformat()))
        return
    sums = held.setdefault(key, {"region": region or "", "values": [0] * len(COUNTS), "last_at": ""})
    sums["values"] = [a + b for a, b in zip(sums["values"], values)]
    sums["last_at"] = max(sums["last_at"], at.isoformat())


def _write_held(db: ViewConnection, held: dict[Any, dict[str, Any]]) -> None:
    db.executemany(UPSERT, [(informant, grid, sums["region"], month, *sums["values"], sums["last_at"])
                            for (informant, grid, month), sums in held.items()])


# The events counted (the runner sends this module these; the others are not even decoded for it).
EVENTS = frozenset({Household.Registered, Household.Observed, Household.Corrected, Household.Retracted,
                    Alert.VerificationRecorded})


def apply(db: ViewConnection, event: Any) -> None:
    """Count one household or alert event; other events are ignored."""
    if isinstance(event, Household.Registered):
        _count(db, event.observation["informant"], event.household_id, event.timestamp, observations=1, registrations=1)
    elif isinstance(event, Household.Observed):
        obs = event.observation
        visits = 1 if obs["kind"] == "household.visited" else 0
        _count(db, obs["informant"], obs["household"], event.timestamp, observations=1, visits=visits)
    elif isinstance(event, Household.Corrected):
        _count(db, event.observation["informant"], event.observation["household"], event.timestamp, corrections=1)
    elif isinstance(event, Household.Retracted):
        _count(db, event.by, event.original["household"], event.timestamp, retractions=1)
    elif isinstance(event, Alert.VerificationRecorded):
        alert = alert_queue.row_of(db, str(event.originator_id))
        _count(db, event.by, alert["household"] if alert else None, event.timestamp, verifications=1)


def activity(views: Any, region_prefix: str, grid: str | None, since: str | None, until: str | None
             ) -> list[dict[str, Any]]:
    """One row per (informant, grid) under `region_prefix`, summed over the months [since, until]."""
    where, params = ["region LIKE ?"], [f"{region_prefix}%"]
    for clause, value in (("grid = ?", grid), ("month >= ?", since), ("month <= ?", until)):
        if value is not None:
            where.append(clause)
            params.append(value)
    sums = ", ".join(f"SUM({name}) AS {name}" for name in COUNTS)
    return views.query(f"SELECT informant, grid, MAX(region) AS region, {sums}, MAX(last_at) AS last_at"
                       f" FROM informant_activity WHERE {' AND '.join(where)} GROUP BY informant, grid"
                       " ORDER BY grid, informant", tuple(params))
