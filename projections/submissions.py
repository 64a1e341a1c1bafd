"""What each informant sent, one row per observation, with whether it is still in force (「我的上报」).

The informant's own list: every observation they sent (registrations and corrections included), when
it happened and when it was recorded, and its status: in force, corrected (by which) or retracted
(when and why). Only metadata is kept; the values themselves stay in the households store and are
read from there when a correction form is opened. The retraction's reason is free text, so it is
sealed like names and addresses (`projections/sealing.py`).
"""

from __future__ import annotations

from typing import Any

from domain.households.household import Household
from projections.row_memo import held_back
from projections.sealing import seal
from projections.sql_dialect import ViewConnection, upsert, upsert_rows

IN_FORCE, CORRECTED, RETRACTED = "in_force", "corrected", "retracted"


SENT_COLUMNS = ("observation_id", "informant", "household", "kind", "resident", "observed_at", "recorded_at",
                "status", "corrects")
SENT = "sent"  # a write of the row an observation's sending makes (`SENT_COLUMNS`)


UPDATE_CORRECTED = "UPDATE submissions SET status = ?, corrected_by = ? WHERE observation_id = ?"
UPDATE_RETRACTED = "UPDATE submissions SET status = ?, retracted_at = ?, retracted_reason = ? WHERE observation_id = ?"


# The events this view applies (the runner sends it these; the others are not even decoded for it).
EVENTS = frozenset({Household.Registered, Household.Observed, Household.Corrected, Household.Retracted})


def apply(db: ViewConnection, event: Any) -> None:
    """Add or update the rows one household event concerns; other events are ignored."""
    if isinstance(event, (Household.Registered, Household.Observed)):
        _sent(db, event.observation, event.timestamp.isoformat())
    elif isinstance(event, Household.Corrected):
        _sent(db, event.observation, event.timestamp.isoformat())
        _write(db, UPDATE_CORRECTED, (CORRECTED, event.observation["observation_id"], event.original_id))
    elif isinstance(event, Household.Retracted):
        _write(db, UPDATE_RETRACTED, (RETRACTED, event.timestamp.isoformat(), seal(db, event.reason),
                                      event.original_id))


def _sent(db: ViewConnection, observation: dict[str, Any], recorded_at: str) -> None:
    _write(db, SENT, (observation["observation_id"], observation["informant"], observation.get("household"),
                      observation["kind"], observation.get("resident"), observation["observed_at"], recorded_at,
                      IN_FORCE, observation.get("corrects")))


def _write(db: ViewConnection, sql: str, params: tuple[Any, ...]) -> None:
    """At once outside a batch; within one, held back in order and written at its end, the rows sent in
    statements of many rows (`_write_held`)."""
    held = held_back(db, "submissions", _write_held)
    if held is None:
        db.execute(upsert("submissions", SENT_COLUMNS, ("observation_id",)) if sql == SENT else sql, params)
        return
    held.setdefault("writes", []).append((sql, params))


def _write_held(db: ViewConnection, held: dict[str, list[tuple[str, tuple[Any, ...]]]]) -> None:
    """The held writes in their order; each run of rows sent between two updates (no observation twice in a
    run) is written by one `upsert_rows`."""
    run: dict[str, tuple[Any, ...]] = {}
    for sql, params in held.get("writes", []):
        if sql == SENT and params[0] not in run:
            run[params[0]] = params
            continue
        upsert_rows(db, "submissions", SENT_COLUMNS, ("observation_id",), list(run.values()))
        run = {params[0]: params} if sql == SENT else {}
        if sql != SENT:
            db.execute(sql, params)
    upsert_rows(db, "submissions", SENT_COLUMNS, ("observation_id",), list(run.values()))


def submissions_of(views: Any, informant: str, limit: int = 100, offset: int = 0
                   ) -> tuple[int, list[dict[str, Any]]]:
    """(how many, one page of) the observations `informant` sent, the most recently recorded first."""
    total = views.query("SELECT COUNT(*) AS n FROM submissions WHERE informant = ?", (informant,))[0]["n"]
    rows = views.query("SELECT * FROM submissions WHERE informant = ? ORDER BY recorded_at DESC, observation_id"
                       " LIMIT ? OFFSET ?", (informant, limit, offset))
    return total, [views.sealer.reveal_fields(row, "retracted_reason") for row in rows]

