"""The audit application: access records, who read which household's personal data."""

from __future__ import annotations

from eventsourcing.application import Application

import domain.renamed_topics  # noqa: F401 - events stored before the move still load


class AuditApp(Application):
    """Access records: who read which household's personal data, when and through which route."""

    name = "audit"
