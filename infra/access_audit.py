"""Record every read of a household's personal data, for auditors (`GET /api/v1/audit/access`)."""

from __future__ import annotations

from domain.access import Principal
from domain.access_log import Access
from domain.applications import AuditApp


class AccessAudit:
    """Writes one access record per read; the read views list them (projections/access_log.py)."""

    def __init__(self, app: AuditApp) -> None:
        self.app = app

    def record(self, principal: Principal, household: str, route: str, shown: str) -> None:
        self.app.save(Access(household=household, user=principal.name, role=principal.role, route=route,
                             shown=shown))
