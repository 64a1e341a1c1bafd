"""Open the event-sourced applications on the configured backend (SQLite files or PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from argon2 import PasswordHasher

from domain.audit.application import AuditApp
from domain.alerts.application import AlertsApp
from domain.households.application import HouseholdsApp
from domain.identity.application import IdentityApp
from domain.policy.parameters import ParameterTable
from infra.login_failures import SharedLoginThrottle
from infra.settings import Settings
from infra.shared_tables import open_shared_tables


def open_households(settings: Settings) -> HouseholdsApp:
    """The ID-number index's key is not given here: it is kept in the households store itself (made by the first
    process that needs it), so it is encrypted with the store's key and survives `keys rotate` unchanged, where a
    key derived from the store's key would change with it and orphan every keyed hash (and the leads holding
    them, which cannot be hashed again: they hold no ID number)."""
    env = settings.store_env("households")
    env["AGGREGATE_CACHE_MAXSIZE"] = "20000"
    return HouseholdsApp(env=env)


def open_alerts(settings: Settings, parameters: Callable[[], ParameterTable] = ParameterTable) -> AlertsApp:
    """`parameters`: the table in force, for the workflow's snooze (the policy book is in the households store).
    Cached aggregates are fast-forwarded on every read (a caseworker's change in another process is seen); a
    rule worker's tick reads a cached copy without asking when the store holds no later version."""
    env = settings.store_env("alerts")
    env["AGGREGATE_CACHE_MAXSIZE"] = "20000"
    return AlertsApp(env=env, parameters=parameters)


def open_identity(settings: Settings, *, clock: Callable[[], datetime] | None = None,
                  hasher: PasswordHasher | None = None) -> IdentityApp:
    """Cached aggregates are fast-forwarded from the store on every read, so a user revoked (or a session
    ended) by another process is seen at once; failed logins are counted in the deployment's shared tables,
    so every process limits them alike. `clock` and `hasher`: for tests (a fixed time, a fast hash)."""
    env = settings.store_env("identity")
    env["AGGREGATE_CACHE_MAXSIZE"] = "10000"
    throttle = SharedLoginThrottle(open_shared_tables(settings, "logins"))
    return IdentityApp(env=env, clock=clock, hasher=hasher, throttle=throttle)


def open_audit(settings: Settings) -> AuditApp:
    return AuditApp(env=settings.store_env("audit"))


def projection_sources(settings: Settings) -> dict[str, object]:
    """The applications the read views follow (as in `infra.bootstrap`)."""
    return {"households": open_households(settings), "alerts": open_alerts(settings), "audit": open_audit(settings)}
