"""The event-sourced applications: households (intake) and alerts (rule outcomes).

Each application has its own store (one SQLite file each, since eventsourcing's
SQLite table names are fixed; on PostgreSQL, tables named after the application).
"""

from __future__ import annotations

from eventsourcing.application import Application

from infra.settings import Settings


class TrackedApplication(Application):
    """An application with a larger notification-log section (readers tail it in big steps)."""

    log_section_size = 1000


class HouseholdsApp(TrackedApplication):
    """Households, residents, observation receipts and the clock."""

    name = "households"


class AlertsApp(TrackedApplication):
    """Alerts and the per-household alert books."""

    name = "alerts"


def open_households(settings: Settings) -> HouseholdsApp:
    env = settings.store_env("households")
    env["AGGREGATE_CACHE_MAXSIZE"] = "20000"
    return HouseholdsApp(env=env)


def open_alerts(settings: Settings) -> AlertsApp:
    return AlertsApp(env=settings.store_env("alerts"))
