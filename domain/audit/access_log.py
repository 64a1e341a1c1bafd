"""Reads of personal data are themselves recorded (DESIGN.md principle 6; PIPL), and so are refusals.

Each read of a household's personal data is one `Access` aggregate, created once and never
changed, so concurrent reads never conflict: who read it (user and role), which household (and
alert, when read through one), through which route and what was shown (full or masked identities).
A refused attempt is recorded the same way with `outcome="refused"` and why: the household or alert
lies outside the reader's jurisdiction, the role may not read it, or it does not exist (the reader is
answered 404 in both of the first and last cases; the record keeps the difference for auditors).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event

GRANTED = "granted"
REFUSED = "refused"
OUTCOMES = (GRANTED, REFUSED)
OUTSIDE_JURISDICTION = "outside_jurisdiction"
ROLE_NOT_ALLOWED = "role_not_allowed"
NOT_FOUND = "not_found"
REASONS = (OUTSIDE_JURISDICTION, ROLE_NOT_ALLOWED, NOT_FOUND)
NOTHING = "nothing"  # what a refused attempt was shown


class Access(Aggregate):
    """One read of one household's personal data, or one refused attempt at it."""

    class Recorded(Aggregate.Created):
        """Version 2 added `outcome`, `reason` and `alert`; version 1 recorded granted reads only."""

        household: str
        user: str
        role: str
        route: str
        shown: str
        outcome: str
        reason: str | None
        alert: str | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.update(outcome=GRANTED, reason=None, alert=None)

    @event(Recorded)
    def __init__(self, household: str, user: str, role: str, route: str, shown: str, outcome: str = GRANTED,
                 reason: str | None = None, alert: str | None = None) -> None:
        self.household = household  # "" when a refused id named no known household
        self.user = user
        self.role = role
        self.route = route
        self.shown = shown  # "full", "masked" or "nothing" (refused)
        self.outcome = outcome
        self.reason = reason
        self.alert = alert
