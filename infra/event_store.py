"""Open the event-sourced applications on the configured backend (SQLite files or PostgreSQL)."""

from __future__ import annotations

from domain.applications import AuditApp, AlertsApp, HouseholdsApp, IdentityApp, TrackedApplication
from infra.settings import Settings

__all__ = ["AlertsApp", "HouseholdsApp", "IdentityApp", "TrackedApplication", "open_alerts", "open_households",
           "open_identity"]


def open_households(settings: Settings) -> HouseholdsApp:
    env = settings.store_env("households")
    env["AGGREGATE_CACHE_MAXSIZE"] = "20000"
    return HouseholdsApp(env=env)


def open_alerts(settings: Settings) -> AlertsApp:
    return AlertsApp(env=settings.store_env("alerts"))


def open_identity(settings: Settings) -> IdentityApp:
    """Cached aggregates are fast-forwarded from the store on every read, so a user revoked by
    another process (the CLI) is seen at once."""
    env = settings.store_env("identity")
    env["AGGREGATE_CACHE_MAXSIZE"] = "10000"
    return IdentityApp(env=env)


def open_audit(settings: Settings) -> AuditApp:
    return AuditApp(env=settings.store_env("audit"))
