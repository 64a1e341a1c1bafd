"""The audit application: access records, who read which household's personal data, and every
refused attempt, for auditors (`GET /api/v1/audit/access`; the read views: projections/access_log.py)."""

from __future__ import annotations

from typing import Iterable

from eventsourcing.application import Application

from domain.audit.access_log import NOTHING, REFUSED, Access
from domain.identity.access import Principal

import domain.renamed_topics  # noqa: F401 - events stored before the move still load

MAX_ID = 128  # a refused id is the caller's text: kept, but never more than this


class AuditApp(Application):
    """Access records: who read which household's personal data, when and through which route."""

    name = "audit"

    def record_access(self, principal: Principal, household: str, route: str, shown: str,
                      alert: str | None = None) -> None:
        """One household read."""
        self.save(Access(household=household, user=principal.name, role=principal.role, route=route,
                         shown=shown, alert=alert))

    def record_accesses(self, principal: Principal, households: Iterable[str], route: str, shown: str) -> None:
        """A list page's read: one record per household it showed, saved in one transaction."""
        records = [Access(household=h, user=principal.name, role=principal.role, route=route, shown=shown)
                   for h in dict.fromkeys(households) if h]
        if records:
            self.save(*records)

    def record_alert_accesses(self, principal: Principal, reads: Iterable[tuple[str, str]], route: str,
                              shown: str) -> None:
        """A list that shows each alert whole (the informant's tasks): one record per (household, alert),
        saved in one transaction, so that each alert is known to have been seen."""
        records = [Access(household=h, user=principal.name, role=principal.role, route=route, shown=shown, alert=a)
                   for h, a in dict.fromkeys(reads) if h]
        if records:
            self.save(*records)

    def record_refusal(self, principal: Principal, route: str, reason: str, household: str | None = None,
                       alert: str | None = None) -> None:
        """An attempt that was refused: who, through which route, at what, and why (`domain.audit.access_log.REASONS`)."""
        self.save(Access(household=(household or "")[:MAX_ID], user=principal.name, role=principal.role,
                         route=route, shown=NOTHING, outcome=REFUSED, reason=reason,
                         alert=alert[:MAX_ID] if alert else None))
