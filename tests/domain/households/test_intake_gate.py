"""Intake with a gate: each item is let through only if its submitter may send it there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from domain.identity.access import Principal
from infra.event_store import open_households
from domain.households.intake import gate_for
from infra.settings import Settings

COMMUNITY = "500103001001"


def registration(household: str, grid: str) -> dict[str, Any]:
    return {"observation_id": f"{household}-reg", "informant": "grid-3", "observed_at": "2026-11-02T09:00:00+08:00",
            "kind": "household.registered", "household": household,
            "data": {"region": COMMUNITY, "grid": grid, "address": "某街道", "hukou": "urban",
                     "members": [{"resident": f"{household}-1", "name": "王某", "sex": "M",
                                  "birth_date": "1970-04-02", "relation": "head"}]}}


def income(household: str) -> dict[str, Any]:
    return {"observation_id": f"{household}-inc", "informant": "grid-3", "observed_at": "2026-11-02T09:10:00+08:00",
            "kind": "household.income_reported", "household": household,
            "data": {"monthly_income": 300, "period": "2026-10", "income_type": "stable", "source": "declared"}}


def test_an_informant_registers_and_reports_in_their_grid_only(tmp_path: Path) -> None:
    intake = open_households(Settings(data_dir=tmp_path))
    intake.accept(registration("H-ELSE", f"{COMMUNITY}-04"))  # registered by someone else, no gate
    informant = Principal("grid-3", "informant", f"{COMMUNITY}-03")
    outcomes = intake.accept_batch(
        [registration("H-MINE", f"{COMMUNITY}-03"), income("H-MINE"),  # the batch's own registration counts
         registration("H-THERE", f"{COMMUNITY}-04"), income("H-ELSE")],
        gate_for(informant),
    )
    assert [(o.status, o.http_status) for o in outcomes] == [
        ("accepted", 202), ("accepted", 202), ("rejected", 403), ("rejected", 404)]
    assert outcomes[2].errors[0].field == "data.grid" and outcomes[3].errors[0].field == "household"
    assert "辖区" in outcomes[3].errors[0].message_zh
