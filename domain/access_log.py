"""Reads of personal data are themselves recorded (DESIGN.md principle 6; PIPL).

Each read of a household's personal data is one `Access` aggregate, created once and never
changed, so concurrent reads never conflict: who read it (user and role), which household,
through which route and what was shown (full or masked identities).
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event


class Access(Aggregate):
    """One read of one household's personal data."""

    @event("Recorded")
    def __init__(self, household: str, user: str, role: str, route: str, shown: str) -> None:
        self.household = household
        self.user = user
        self.role = role
        self.route = route
        self.shown = shown  # "full" or "masked"
