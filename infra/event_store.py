"""Open the event-sourced applications on the configured backend (SQLite files or PostgreSQL)."""

from __future__ import annotations

from domain.applications import AlertsApp, HouseholdsApp, TrackedApplication
from infra.settings import Settings

__all__ = ["AlertsApp", "HouseholdsApp", "TrackedApplication", "open_alerts", "open_households"]


def open_households(settings: Settings) -> HouseholdsApp:
    env = settings.store_env("households")
    env["AGGREGATE_CACHE_MAXSIZE"] = "20000"
    return HouseholdsApp(env=env)


def open_alerts(settings: Settings) -> AlertsApp:
    return AlertsApp(env=settings.store_env("alerts"))
