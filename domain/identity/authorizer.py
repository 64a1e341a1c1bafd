"""Jurisdiction checks against the source of truth: the alert and household aggregates in their stores.

The read views lag behind the stores, so a check made on a view row lets an outsider act on an
alert raised a moment ago (issue 14, finding 1). Every route that takes an alert or household id
asks this service instead: it loads the aggregate, finds where the household lies (the alert's
region and grid; an old alert without a grid takes the household's) and either answers what it
loaded or raises `OutOfReach`, which routes answer 404 whether the id is unknown or outside the
jurisdiction. Each refusal is recorded in the access log with the true reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.identity.access import Principal, covers, is_grid
from domain.audit.access_log import NOT_FOUND, OUTSIDE_JURISDICTION
from domain.alerts.alert import Alert
from domain.alerts.application import AlertsApp
from domain.households.application import HouseholdsApp
from domain.households.household import Household
from domain.audit.application import AuditApp


@dataclass(frozen=True)
class Place:
    """Where a household lies: its region code and grid (None when not known)."""

    household: str
    region: str | None
    grid: str | None


class OutOfReach(LookupError):
    """Unknown, or outside the principal's jurisdiction: answered alike (404), recorded with `reason`."""

    def __init__(self, what: str, ident: str, reason: str) -> None:
        super().__init__(f"no {what} with id {ident}")
        self.what = what
        self.ident = ident
        self.reason = reason


class Authorizer:
    """Loads the aggregate an id names and checks the principal's jurisdiction covers it."""

    def __init__(self, households: HouseholdsApp, alerts: AlertsApp, audit: AuditApp) -> None:
        self.households = households
        self.alerts = alerts
        self.audit = audit

    def household(self, principal: Principal, household_id: str, route: str) -> Place:
        """The household's place, if it exists and lies within the principal's jurisdiction."""
        place = self.household_place(household_id)
        if place is None:
            self._refuse(principal, route, "household", household_id, NOT_FOUND, household=household_id)
        if not covers(principal, place.region, place.grid):
            self._refuse(principal, route, "household", household_id, OUTSIDE_JURISDICTION, household=household_id)
        return place

    def alert(self, principal: Principal, alert_id: str, route: str) -> Alert:
        """The alert, if it exists and its household lies within the principal's jurisdiction."""
        alert = self._alert(principal, alert_id, route)
        place = self.alert_place(alert)
        if not covers(principal, place.region, place.grid):
            self._refuse(principal, route, "alert", alert_id, OUTSIDE_JURISDICTION, place.household, alert_id)
        return alert

    def verification(self, principal: Principal, alert_id: str, route: str) -> Alert:
        """The alert, if the principal is the informant of the grid its verification visit goes to."""
        alert = self._alert(principal, alert_id, route)
        grid = (alert.verification or {}).get("grid") or self.alert_place(alert).grid
        if not (is_grid(principal.jurisdiction) and grid == principal.jurisdiction):
            self._refuse(principal, route, "alert", alert_id, OUTSIDE_JURISDICTION, alert.household, alert_id)
        return alert

    def alert_place(self, alert: Alert) -> Place:
        """The alert's household's place; an alert raised before alerts carried the grid takes the household's."""
        if alert.grid:
            return Place(alert.household, alert.region, alert.grid)
        known = self.household_place(alert.household)
        return Place(alert.household, alert.region or (known.region if known else None), known.grid if known else None)

    def household_place(self, household_id: str) -> Place | None:
        """Where the households store says the household lies (None: never registered)."""
        try:
            household: Any = self.households.repository.get(Household.id_for(household_id))
        except AggregateNotFoundError:
            return None
        registration = next((o for o in household.observations if o["kind"] == "household.registered"), None)
        grid = (registration or {}).get("data", {}).get("grid") or None
        return Place(household_id, household.region, grid)

    def load_alert(self, alert_id: str) -> Alert | None:
        """The alert aggregate an id names (None: not a UUID, unknown, or not an alert)."""
        try:
            alert = self.alerts.repository.get(UUID(alert_id))
        except (ValueError, AggregateNotFoundError):
            return None
        return alert if isinstance(alert, Alert) else None  # an alert book's id is a UUID of the same store

    def _alert(self, principal: Principal, alert_id: str, route: str) -> Alert:
        alert = self.load_alert(alert_id)
        if alert is None:
            self._refuse(principal, route, "alert", alert_id, NOT_FOUND, alert=alert_id)
        return alert

    def _refuse(self, principal: Principal, route: str, what: str, ident: str, reason: str,
                household: str | None = None, alert: str | None = None) -> NoReturn:
        self.audit.record_refusal(principal, route, reason, household=household, alert=alert)
        raise OutOfReach(what, ident, reason)
