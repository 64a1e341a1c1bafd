"""The household directory view: who lives where, and how much was observed."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from domain.household import Household
from domain.instants import CHINA, instant


def apply(db: sqlite3.Connection, event: Any) -> None:
    """Update the household row for one household event; other events are ignored."""
    if isinstance(event, Household.Registered):
        data = event.observation["data"]
        db.execute(
            "INSERT OR REPLACE INTO households (household, region, grid, address, hukou, registered_at,"
            " members, observations, last_observed_at, last_kind) VALUES (?,?,?,?,?,?,?,1,?,?)",
            (
                event.household_id, data["region"], data.get("grid"), data.get("address"), data["hukou"],
                event.observation["observed_at"], json.dumps(_members(data["members"]), ensure_ascii=False),
                _in_china(event.observation["observed_at"]), event.observation["kind"],
            ),
        )
    elif isinstance(event, Household.Observed):
        _observed(db, event.observation)


def _members(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Members without their ID numbers: the view does not need them."""
    return [{k: v for k, v in m.items() if k != "id_number"} for m in members]


def _observed(db: sqlite3.Connection, obs: dict[str, Any]) -> None:
    row = db.execute("SELECT members FROM households WHERE household = ?", (obs["household"],)).fetchone()
    members = json.loads(row[0]) if row else []
    if obs["kind"] == "resident.joined":
        members.append(_members([dict(obs["data"], resident=obs["resident"])])[0])
    for member in members:
        if member["resident"] == obs.get("resident") and obs["kind"] in ("resident.died", "resident.left"):
            member["status"] = "died" if obs["kind"] == "resident.died" else "left"
    db.execute(
        "UPDATE households SET observations = observations + 1, members = ?,"
        " last_observed_at = MAX(COALESCE(last_observed_at, ''), ?), last_kind = ? WHERE household = ?",
        (json.dumps(members, ensure_ascii=False), _in_china(obs["observed_at"]), obs["kind"], obs["household"]),
    )


def _in_china(observed_at: str) -> str:
    """The moment in China Standard Time: texts in one offset compare as the moments they name."""
    return instant(observed_at).astimezone(CHINA).isoformat()
