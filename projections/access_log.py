"""The access log view: every recorded read of personal data and every refused attempt, newest first, for
auditors."""

from __future__ import annotations

from typing import Any

from domain.audit.access_log import Access
from projections.sql_dialect import ViewConnection, upsert

FILTERS = ("household", "user", "outcome", "reason", "alert")


ACCESS_COLUMNS = ("access_id", "at", "household", '"user"', "role", "route", "shown", "outcome", "reason", "alert")


# The events this view applies (the runner sends it these; the others are not even decoded for it).
EVENTS = frozenset({Access.Recorded})


def apply(db: ViewConnection, event: Any) -> None:
    if isinstance(event, Access.Recorded):
        db.execute(upsert("access_log", ACCESS_COLUMNS, ("access_id",)),
                   (str(event.originator_id), event.timestamp.isoformat(), event.household, event.user, event.role,
                    event.route, event.shown, event.outcome, event.reason, event.alert))


def query(views: Any, household: str | None, user: str | None, limit: int, offset: int,
          **more: str | None) -> tuple[int, list[dict]]:
    """Newest first; every filter given (`household`, `user`, and `outcome`, `reason`, `alert`) must match."""
    where, params = [], []
    for column, value in (("household", household), ("user", user), *more.items()):
        if column not in FILTERS:
            raise ValueError(f"no access log filter {column}")
        if value is not None:
            where.append(f'"{column}" = ?')  # `user` is a keyword of PostgreSQL's
            params.append(value)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = views.query(f"SELECT COUNT(*) AS n FROM access_log {clause}", tuple(params))[0]["n"]
    rows = views.query(f"SELECT * FROM access_log {clause} ORDER BY at DESC, access_id LIMIT ? OFFSET ?",
                       (*params, limit, offset))
    return total, rows


def ids_of(views: Any, household: str) -> list[str]:
    """The ids of every recorded read of one household, oldest first."""
    return [r["access_id"] for r in views.query("SELECT access_id FROM access_log WHERE household = ? ORDER BY at",
                                                (household,))]
