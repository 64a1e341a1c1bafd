"""The household directory view: who lives where, and how much was observed."""

from __future__ import annotations

import json
from typing import Any

from domain.households.household import Household
from domain.instants import CHINA, instant
from projections.row_memo import held_back, memo
from projections.sealing import seal
from projections.sql_dialect import ViewConnection, upsert

HOUSEHOLD_COLUMNS = ("household", "region", "grid", "address", "hukou", "registered_at", "members", "observations",
                     "last_observed_at", "last_kind")


# The events this view applies (the runner sends it these; the others are not even decoded for it).
EVENTS = frozenset({Household.Registered, Household.Observed, Household.Corrected, Household.Retracted})


def apply(db: ViewConnection, event: Any) -> None:
    """Update the household row for one household event; other events are ignored."""
    if isinstance(event, Household.Registered):
        data = event.observation["data"]
        members = json.dumps(_members(db, data["members"]), ensure_ascii=False)
        db.execute(
            upsert("households", HOUSEHOLD_COLUMNS, ("household",), ["?"] * 7 + ["1", "?", "?"]),
            (
                event.household_id, data["region"], data.get("grid"), seal(db, data.get("address")), data["hukou"],
                event.observation["observed_at"], members, _in_china(event.observation["observed_at"]),
                event.observation["kind"],
            ),
        )
        memo(db, "households")[event.household_id] = {"region": data["region"], "grid": data.get("grid"),
                                                      "members": members}
        if (held := held_back(db, "households", _write_observed)) is not None:
            held.pop(event.household_id, None)  # the upsert sets every column: what was held back is overwritten
    elif isinstance(event, Household.Observed):
        _observed(db, event.observation)
    elif isinstance(event, Household.Corrected):
        _revised(db, event.original, event.observation)
    elif isinstance(event, Household.Retracted):
        _revised(db, event.original, None)


def _members(db: ViewConnection, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Members without their ID numbers (the view does not need them), names sealed."""
    return [{k: seal(db, v) if k == "name" else v for k, v in m.items() if k != "id_number"} for m in members]


def row_of(db: ViewConnection, household: str | None) -> dict[str, Any] | None:
    """The household's region, grid and members (JSON text) as the view holds them now: read once per batch
    (`projections.row_memo`), then kept as this module writes them."""
    kept = memo(db, "households")
    if household not in kept:
        row = db.execute("SELECT region, grid, members FROM households WHERE household = ?", (household,)).fetchone()
        if row is None:
            return None
        kept[household] = {"region": row[0], "grid": row[1], "members": row[2]}  # type: ignore[index]
    return kept[household]  # type: ignore[index]


def _set_members(db: ViewConnection, household: str, members: list[dict[str, Any]]) -> str:
    """The members as the view stores them, noted in the batch's memo (the caller writes the same text)."""
    text = json.dumps(members, ensure_ascii=False)
    if (row := memo(db, "households").get(household)) is not None:
        row["members"] = text
    return text


OBSERVED = ("UPDATE households SET observations = observations + ?, members = ?,"
            " last_observed_at = CASE WHEN COALESCE(last_observed_at, '') > ? THEN COALESCE(last_observed_at, '')"
            " ELSE ? END, last_kind = ? WHERE household = ?")


def _observed(db: ViewConnection, obs: dict[str, Any]) -> None:
    """Count the observation and note its members' changes; within a batch the row's update is held back and
    written once at its end (the count is a sum, the latest moment a maximum, the kind the last one)."""
    row = row_of(db, obs["household"])
    if row is None:
        return  # no such household in the view: nothing to update
    members = json.loads(row["members"])
    if obs["kind"] == "resident.joined":
        members.append(_members(db, [dict(obs["data"], resident=obs["resident"])])[0])
    for member in members:
        if member["resident"] == obs.get("resident") and obs["kind"] in ("resident.died", "resident.left"):
            member["status"] = "died" if obs["kind"] == "resident.died" else "left"
    text, moment = _set_members(db, obs["household"], members), _in_china(obs["observed_at"])
    held = held_back(db, "households", _write_observed)
    if held is None:
        db.execute(OBSERVED, (1, text, moment, moment, obs["kind"], obs["household"]))
        return
    update = held.setdefault(obs["household"], {"count": 0, "last_observed_at": ""})
    update.update(count=update["count"] + 1, last_observed_at=max(update["last_observed_at"], moment),
                  last_kind=obs["kind"])


def _write_observed(db: ViewConnection, held: dict[Any, dict[str, Any]]) -> None:
    kept = memo(db, "households")
    db.executemany(OBSERVED, [(u["count"], kept[household]["members"], u["last_observed_at"], u["last_observed_at"],
                               u["last_kind"], household) for household, u in held.items()])


def _revised(db: ViewConnection, original: dict[str, Any], replacement: dict[str, Any] | None) -> None:
    """Undo what `original` did to the row, then do what its correction (if any) says."""
    row = row_of(db, original["household"])
    if row is None:
        return
    members = json.loads(row["members"])
    if original["kind"] == "household.registered" and replacement is not None:
        _registration_corrected(db, members, replacement)
        return
    members = _undone(members, original)
    if replacement is not None:
        members = _done(db, members, replacement)
    db.execute("UPDATE households SET members = ?, observations = observations - ? WHERE household = ?",
               (_set_members(db, original["household"], members), 0 if replacement else 1, original["household"]))


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
               (seal(db, data.get("address")), data["hukou"], _set_members(db, obs["household"], merged),
                obs["household"]))


def _in_china(observed_at: str) -> str:
    """The moment in China Standard Time: texts in one offset compare as the moments they name."""
    return instant(observed_at).astimezone(CHINA).isoformat()
