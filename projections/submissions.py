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
from projections.sealing import seal
from projections.sql_dialect import ViewConnection, upsert

IN_FORCE, CORRECTED, RETRACTED = "in_force", "corrected", "retracted"


SENT_COLUMNS = ("observation_id", "informant", "household", "kind", "resident", "observed_at", "recorded_at",
                "status", "corrects")


def _sent(db: ViewConnection, observation: dict[str, Any], recorded_at: str) -> None:
    db.execute(
        upsert("submissions", SENT_COLUMNS, ("observation_id",)),
        (observation["observation_id"], observation["informant"], observation.get("household"), observation["kind"],
         observation.get("resident"), observation["observed_at"], recorded_at, IN_FORCE, observation.get("corrects")),
    )


def apply(db: ViewConnection, event: Any) -> None:
    """Add or update the rows one household event concerns; other events are ignored."""
    if isinstance(event, (Household.Registered, Household.Observed)):
        _sent(db, event.observation, event.timestamp.isoformat())
    elif isinstance(event, Household.Corrected):
        _sent(db, event.observation, event.timestamp.isoformat())
        db.execute("UPDATE submissions SET status = ?, corrected_by = ? WHERE observation_id = ?",
                   (CORRECTED, event.observation["observation_id"], event.original_id))
    elif isinstance(event, Household.Retracted):
        db.execute("UPDATE submissions SET status = ?, retracted_at = ?, retracted_reason = ?"
                   " WHERE observation_id = ?", (RETRACTED, event.timestamp.isoformat(), seal(db, event.reason),
                                                 event.original_id))


def submissions_of(views: Any, informant: str, limit: int = 100, offset: int = 0
                   ) -> tuple[int, list[dict[str, Any]]]:
    """(how many, one page of) the observations `informant` sent, the most recently recorded first."""
    total = views.query("SELECT COUNT(*) AS n FROM submissions WHERE informant = ?", (informant,))[0]["n"]
    rows = views.query("SELECT * FROM submissions WHERE informant = ? ORDER BY recorded_at DESC, observation_id"
                       " LIMIT ? OFFSET ?", (informant, limit, offset))
    return total, [views.sealer.reveal_fields(row, "retracted_reason") for row in rows]

