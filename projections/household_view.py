"""The household directory view: who lives where, and how much was observed."""

from __future__ import annotations

import json
from typing import Any

from domain.households.household import Household
from domain.instants import CHINA, instant
from projections.sealing import seal
from projections.sql_dialect import ViewConnection, upsert

HOUSEHOLD_COLUMNS = ("household", "region", "grid", "address", "hukou", "registered_at", "members", "observations",
                     "last_observed_at", "last_kind")


def apply(db: ViewConnection, event: Any) -> None:
    """Update the household row for one household event; other events are ignored."""
    if isinstance(event, Household.Registered):
        data = event.observation["data"]
        db.execute(
            upsert("households", HOUSEHOLD_COLUMNS, ("household",), ["?"] * 7 + ["1", "?", "?"]),
            (
                event.household_id, data["region"], data.get("grid"), seal(db, data.get("address")), data["hukou"],
                event.observation["observed_at"], json.dumps(_members(db, data["members"]), ensure_ascii=False),
                _in_china(event.observation["observed_at"]), event.observation["kind"],
            ),
        )
    elif isinstance(event, Household.Observed):
        _observed(db, event.observation)
    elif isinstance(event, Household.Corrected):
        _revised(db, event.original, event.observation)
    elif isinstance(event, Household.Retracted):
        _revised(db, event.original, None)


def _members(db: ViewConnection, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Members without their ID numbers (the view does not need them), names sealed."""
    return [{k: seal(db, v) if k == "name" else v for k, v in m.items() if k != "id_number"} for m in members]


def _observed(db: ViewConnection, obs: dict[str, Any]) -> None:
    row = db.execute("SELECT members FROM households WHERE household = ?", (obs["household"],)).fetchone()
    members = json.loads(row[0]) if row else []
    if obs["kind"] == "resident.joined":
        members.append(_members(db, [dict(obs["data"], resident=obs["resident"])])[0])
    for member in members:
        if member["resident"] == obs.get("resident") and obs["kind"] in ("resident.died", "resident.left"):
            member["status"] = "died" if obs["kind"] == "resident.died" else "left"
    db.execute(
        "UPDATE households SET observations = observations + 1, members = ?,"
        " last_observed_at = CASE WHEN COALESCE(last_observed_at, '') > ? THEN COALESCE(last_observed_at, '')"
        " ELSE ? END, last_kind = ? WHERE household = ?",
        (json.dumps(members, ensure_ascii=False), moment := _in_china(obs["observed_at"]), moment, obs["kind"],
         obs["household"]),
    )


def _revised(db: ViewConnection, original: dict[str, Any], replacement: dict[str, Any] | None) -> None:
    """Undo what `original` did to the row, then do what its correction (if any) says."""
    row = db.execute("SELECT members FROM households WHERE household = ?", (original["household"],)).fetchone()
    if row is None:
        return
    members = json.loads(row[0])
    if original["kind"] == "household.registered" and replacement is not None:
        _registration_corrected(db, members, replacement)
        return
    members = _undone(members, original)
    if replacement is not None:
        members = _done(db, members, replacement)
    db.execute("UPDATE households SET members = ?, observations = observations - ? WHERE household = ?",
               (json.dumps(members, ensure_ascii=False), 0 if replacement else 1, original["household"]))


def _undone(members: list[dict[str, Any]], obs: dict[str, Any]) -> list[dict[str, Any]]:
    if obs["kind"] == "resident.joined":
        return [m for m in members if m["resident"] != obs["resident"]]
    if obs["kind"] in ("resident.died", "resident.left"):
        return [{k: v for k, v in m.items() if k != "status"} if m["resident"] == obs["resident"] else m
                for m in members]
    return members


def _done(db: ViewConnection, members: list[dict[str, Any]], obs: dict[str, Any]) -> list[dict[str, Any]]:
    if obs["kind"] == "resident.joined":
        return [*members, _members(db, [dict(obs["data"], resident=obs["resident"])])[0]]
    if obs["kind"] in ("resident.died", "resident.left"):
        status = "died" if obs["kind"] == "resident.died" else "left"
        return [dict(m, status=status) if m["resident"] == obs["resident"] else m for m in members]
    return members


def _registration_corrected(db: ViewConnection, members: list[dict[str, Any]], obs: dict[str, Any]) -> None:
    """The corrected registration's details; each member keeps what was observed since (died, left)."""
    status = {m["resident"]: m["status"] for m in members if "status" in m}
    corrected = {m["resident"]: m for m in _members(db, obs["data"]["members"])}
    merged = [dict(corrected.get(m["resident"], m), **({"status": status[m["resident"]]} if m["resident"] in status
                                                        else {})) for m in members]
    data = obs["data"]
    db.execute("UPDATE households SET address = ?, hukou = ?, members = ? WHERE household = ?",
               (seal(db, data.get("address")), data["hukou"], json.dumps(merged, ensure_ascii=False), obs["household"]))
def _in_china(observed_at: str) -> str:
    """The moment in China Standard Time: texts in one offset compare as the moments they name."""
    return instant(observed_at).astimezone(CHINA).isoformat()
