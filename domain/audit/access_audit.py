"""Record every read of a household's personal data and every refused attempt, for auditors
(`GET /api/v1/audit/access`)."""

from __future__ import annotations

from typing import Iterable

from domain.identity.access import Principal
from domain.audit.access_log import NOTHING, REFUSED, Access
from domain.audit.application import AuditApp


MAX_ID = 128  # a refused id is the caller's text: kept, but never more than this


class AccessAudit:
    """Writes one access record per household read; the read views list them (projections/access_log.py)."""

    def __init__(self, app: AuditApp) -> None:
        self.app = app

    def record(self, principal: Principal, household: str, route: str, shown: str, alert: str | None = None) -> None:
        self.app.save(Access(household=household, user=principal.name, role=principal.role, route=route,
                             shown=shown, alert=alert))

    def record_many(self, principal: Principal, households: Iterable[str], route: str, shown: str) -> None:
        """A list page's read: one record per household it showed, saved in one transaction."""
        records = [Access(household=h, user=principal.name, role=principal.role, route=route, shown=shown)
                   for h in dict.fromkeys(households) if h]
        if records:
            self.app.save(*records)

    def refused(self, principal: Principal, route: str, reason: str, household: str | None = None,
                alert: str | None = None) -> None:
        """An attempt that was refused: who, through which route, at what, and why (`domain.audit.access_log.REASONS`)."""
        self.app.save(Access(household=(household or "")[:MAX_ID], user=principal.name, role=principal.role,
                             route=route, shown=NOTHING, outcome=REFUSED, reason=reason,
                             alert=alert[:MAX_ID] if alert else None))
