"""What the browser tests start from: households recorded through the real intake, judged by the rules."""

from __future__ import annotations

from typing import Any

from infra.runtime import Runtime
from tests.people import GRID

INFORMANT = "test-informant"


def envelope(oid: str, household: str, kind: str, data: dict[str, Any], at: str = "2025-08-03T10:00:00+08:00",
             resident: str | None = None) -> dict[str, Any]:
    return {"observation_id": oid, "informant": INFORMANT, "observed_at": at, "kind": kind, "household": household,
            "resident": resident, "data": data}


def poor_household(household: str) -> list[dict[str, Any]]:
    """A registration in GRID and an income under the dibao standard: MISSED.DIBAO holds."""
    return [
        envelope(f"{household}-1", household, "household.registered", {
            "region": "500103001001", "grid": GRID, "address": "渝中区某街道某社区3栋", "hukou": "urban",
            "members": [{"resident": f"{household}-R1", "name": "陈晓梅", "sex": "F", "birth_date": "1969-11-05",
                         "id_number": "500103196911050026", "relation": "head"}]}),
        envelope(f"{household}-2", household, "household.income_reported",
                 {"monthly_income": 500, "period": "2025-07", "income_type": "stable", "source": "declared"},
                 at="2025-08-03T10:05:00+08:00"),
    ]


def tick(day: str) -> dict[str, Any]:
    return {"observation_id": f"tick-{day}", "informant": "scheduler", "observed_at": f"{day}T00:00:00+08:00",
            "kind": "clock.tick", "household": None, "data": {"date": day}}


def raise_alerts(runtime: Runtime, *households: str) -> list[str]:
    """Record poor households and tick the clock; their MISSED.DIBAO alert ids, in that order."""
    outcomes = runtime.intake.accept_batch([o for h in households for o in poor_household(h)] + [tick("2025-08-04")])
    assert {o.status for o in outcomes} == {"accepted"}, [o.to_json() for o in outcomes]
    runtime.drain()
    ids = []
    for household in households:
        rows = runtime.views.query("SELECT alert_id FROM alerts WHERE household = ? AND rule = 'MISSED.DIBAO'",
                                   (household,))
        assert len(rows) == 1
        ids.append(rows[0]["alert_id"])
    return ids
