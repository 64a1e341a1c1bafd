"""What each user has not opened yet: new alerts, returned verification visits, new tasks.

The header of every page counts them and the queue marks them. "Opened" is read from the access
log, which already records every read of an alert (its page, `GET /api/v1/alerts/{id}`, an
informant's task list, which shows each task whole): the `alert_opened` table keeps, per user and
alert, the latest such read. The alerts' workflow gives the moments a read must come after to count:
when a visit was asked for (a task is new to the informant until they have seen it since), when it
came back (`alert_moments.returned_at`), when the alert was escalated. Both are views, projected from
the stores like every other, so every API process answers the same counts and nothing is written on a
page load but the access record the read makes anyway.

Who is told what (`counts`):
- caseworkers: open alerts nobody else has taken (not assigned to or acknowledged by another) that
  they never opened; visits back on alerts they sent or hold, not opened since the visit came back;
- supervisors: alerts escalated to their jurisdiction, still unacknowledged, not opened since the
  escalation; visits back on alerts they sent or hold, as caseworkers;
- informants: visits asked of their grid and still to make, not seen since they were asked for.
"""

from __future__ import annotations

from typing import Any, Sequence

from domain.alerts.alert import VERIFICATION_REQUESTED, VERIFIED, Alert
from domain.audit.access_log import GRANTED, Access
from domain.identity.access import Principal, is_grid, scope_of

NEW = "new"  # an alert (or a task) the user has not opened
RETURNED = "returned"  # a visit came back since the user last opened the alert
KINDS = (NEW, RETURNED)
MOMENT_OF = {Alert.VerificationRequested: "requested_at", Alert.VerificationRecorded: "returned_at",
             Alert.Escalated: "escalated_at"}
# The events this view applies (the runner sends it these; the others are not even decoded for it).
EVENTS = frozenset({Access.Recorded, *MOMENT_OF})
Clause = tuple[str, tuple[Any, ...]]  # an SQL condition on `alerts a` and its parameters


def apply(db: Any, event: Any) -> None:
    """Keep the latest read of each alert per user, and each alert's moments; other events are ignored."""
    if isinstance(event, Access.Recorded):
        if event.outcome == GRANTED and event.alert:
            db.execute('INSERT INTO alert_opened ("user", alert_id, at) VALUES (?, ?, ?) ON CONFLICT ("user", alert_id)'
                       " DO UPDATE SET at = CASE WHEN excluded.at > alert_opened.at THEN excluded.at"
                       " ELSE alert_opened.at END",
                       (event.user, event.alert, event.timestamp.isoformat()))
        return
    for cls, column in MOMENT_OF.items():
        if isinstance(event, cls):  # `column` is one of this module's names, never input
            db.execute(f"INSERT INTO alert_moments (alert_id, {column}) VALUES (?, ?) ON CONFLICT (alert_id)"
                       f" DO UPDATE SET {column} = excluded.{column}",
                       (str(event.originator_id), event.timestamp.isoformat()))
            return


def _not_opened_since(user: str, moment: str | None) -> Clause:
    """The user has no read of the alert at or after its `moment` (any read at all when `moment` is None)."""
    since = "" if moment is None else (
        f" AND o.at >= COALESCE((SELECT m.{moment} FROM alert_moments m WHERE m.alert_id = a.alert_id), '')")
    return f'NOT EXISTS (SELECT 1 FROM alert_opened o WHERE o."user" = ? AND o.alert_id = a.alert_id{since})', (user,)


def new_alerts(principal: Principal) -> Clause:
    """The alerts new to a caseworker or supervisor (see the module's docstring)."""
    if principal.role == "supervisor":
        unseen, params = _not_opened_since(principal.name, "escalated_at")
        return ("a.status = 'open' AND a.escalated_on IS NOT NULL AND a.acknowledged_by IS NULL AND "
                + unseen, params)
    unseen, params = _not_opened_since(principal.name, None)
    return ("a.status = 'open' AND COALESCE(a.assigned_to, a.acknowledged_by, ?) = ? AND " + unseen,
            (principal.name, principal.name, *params))


def returned_visits(principal: Principal) -> Clause:
    """The alerts whose visit came back to this user (they sent it or hold the alert) and is not read yet."""
    unseen, params = _not_opened_since(principal.name, "returned_at")
    return (f"a.state = '{VERIFIED}' AND (a.verification_requested_by = ? OR a.assigned_to = ?) AND " + unseen,
            (principal.name, principal.name, *params))


def new_tasks(principal: Principal) -> Clause:
    """The visits asked of the informant's grid, still to make, not seen since they were asked for."""
    unseen, params = _not_opened_since(principal.name, "requested_at")
    return f"a.verification_grid = ? AND a.state = '{VERIFICATION_REQUESTED}' AND " + unseen, (
        principal.jurisdiction, *params)


def unread(principal: Principal, kind: str) -> Clause:
    """The condition for one kind of unread alert (`NEW` or `RETURNED`), for the queue's filter."""
    return returned_visits(principal) if kind == RETURNED else new_alerts(principal)


def _within(principal: Principal, clause: Clause) -> Clause:
    """The clause limited to the user's area: regions starting with its prefix, asked as a range of the
    digit strings (`prefix` ≤ region < `prefix~`, '~' sorting after every digit) so that the header's counts,
    asked on every page, are read from the indexes `alerts_unread` and `alerts_returned` alone."""
    area = scope_of(principal)
    if area is None:
        return clause
    return f"({clause[0]}) AND a.region >= ? AND a.region < ?", (*clause[1], area, f"{area}~")


def _count(views: Any, clause: Clause) -> int:
    return int(views.query(f"SELECT COUNT(*) AS n FROM alerts a WHERE {clause[0]}", clause[1])[0]["n"])


def counts(views: Any, principal: Principal | None, opening: str | None = None) -> dict[str, int]:
    """The header's counts for this user, by what they are (`alerts`, `returned`, `tasks`); empty for a role
    that is told nothing. `opening`: the alert this very page shows, read already though the access log
    has not been projected yet."""
    if principal is None:
        return {}
    if principal.role == "informant" and is_grid(principal.jurisdiction):
        wanted = {"tasks": new_tasks(principal)}
    elif principal.role in ("caseworker", "supervisor"):
        wanted = {"alerts": new_alerts(principal), "returned": returned_visits(principal)}
    else:
        return {}
    besides = (" AND a.alert_id != ?", (opening,)) if opening else ("", ())
    return {name: _count(views, (f"({sql}){besides[0]}", (*params, *besides[1])))
            for name, (sql, params) in ((n, _within(principal, c)) for n, c in wanted.items())}


def marks(views: Any, principal: Principal, alert_ids: Sequence[str]) -> dict[str, str]:
    """Which of these alerts are unread for the user, and how (`NEW` or `RETURNED`): the queue's marks."""
    if not alert_ids or principal.role not in ("caseworker", "supervisor", "informant"):
        return {}
    ids = tuple(dict.fromkeys(alert_ids))
    among = f" AND a.alert_id IN ({', '.join('?' for _ in ids)})"
    found: dict[str, str] = {}
    kinds = ((NEW, new_tasks(principal)),) if principal.role == "informant" else (
        (RETURNED, returned_visits(principal)), (NEW, new_alerts(principal)))
    for kind, (sql, params) in kinds:
        for row in views.query(f"SELECT a.alert_id FROM alerts a WHERE ({sql}){among}", (*params, *ids)):
            found.setdefault(row["alert_id"], kind)
    return found
