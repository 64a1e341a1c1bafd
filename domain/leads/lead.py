"""The Lead aggregate: a person a department's data names and no household of ours holds (线索).

An import finds a row about someone in no household of the jurisdiction (a grade-1 disability
certificate, a dropout, a large medical bill): the lead is raised for the supervisor of the street where
the department says the person lives. The supervisor sends it to a grid's informant as a task (找到这户并登记),
or dismisses it (not found, moved away). A registration or joining that names a member with the same keyed
ID number closes it as found, in the same transaction (`domain.households.id_index`). The lead holds the
keyed hash and the masked ID number, never the number itself.

    raised ──dispatch──▶ dispatched ──(registered)──▶ found
      │  ╲                  │  ▲ └─dispatch (another grid)
      │   ╲──(registered)───┼──┼──────────────────▶ found
      └──dismiss──▶ dismissed ◀──dismiss
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import stable_id
from domain.leads.errors import InvalidLeadTransition, LeadRefused

RAISED, DISPATCHED, FOUND, DISMISSED = "raised", "dispatched", "found", "dismissed"
STATES = (RAISED, DISPATCHED, FOUND, DISMISSED)
OPEN_STATES = (RAISED, DISPATCHED)
# Which actions each state allows (the only place the workflow is decided).
TRANSITIONS: dict[str, frozenset[str]] = {
    RAISED: frozenset({"dispatch", "dismiss", "find"}),
    DISPATCHED: frozenset({"dispatch", "dismiss", "find"}),
    FOUND: frozenset(),
    DISMISSED: frozenset(),
}
DISMISS_REASONS = ("not_found", "moved_away", "already_known", "other")
TASK_ZH, TASK_EN = "找到这户并登记", "find the household and register it"


@dataclass(frozen=True)
class LeadDraft:
    """A lead as an import proposes it (the importer derives `lead_id` from (department, record key))."""

    lead_id: str
    department: str
    what_zh: str
    what_en: str
    keyed_id: str  # the keyed hash of the ID number (`HouseholdsApp.keyed`)
    masked_id: str  # `domain.privacy.mask_id_number`
    name: str | None
    region: str
    address: str | None
    data: dict[str, Any] = field(default_factory=dict)  # the row's mapped data, shown to the supervisor
    raised_by: str = ""
    line: int = 0


class Lead(Aggregate):
    """One lead and where it stands: raised, dispatched to a grid, found (with the household), dismissed."""

    @staticmethod
    def create_id(lead_id: str, **_: Any) -> UUID:
        return Lead.id_for(lead_id)

    @staticmethod
    def id_for(lead_id: str) -> UUID:
        return stable_id("lead", lead_id)

    @event("Raised")
    def __init__(self, lead_id: str, department: str, what_zh: str, what_en: str, keyed_id: str, masked_id: str,
                 name: str | None, region: str, address: str | None, data: dict[str, Any], raised_by: str,
                 line: int, on: str) -> None:
        self.lead_id = lead_id
        self.department, self.what_zh, self.what_en = department, what_zh, what_en
        self.keyed_id, self.masked_id = keyed_id, masked_id
        self.name, self.region, self.address, self.data = name, region, address, data
        self.raised_by, self.line, self.raised_on = raised_by, line, on
        self.state = RAISED
        self.grid: str | None = None
        self.household: str | None = None
        self.resident: str | None = None
        self.closed_on: str | None = None
        self.close_reason: str | None = None

    @classmethod
    def from_draft(cls, draft: LeadDraft, on: str) -> "Lead":
        return cls(lead_id=draft.lead_id, department=draft.department, what_zh=draft.what_zh,
                   what_en=draft.what_en, keyed_id=draft.keyed_id, masked_id=draft.masked_id, name=draft.name,
                   region=draft.region, address=draft.address, data=dict(draft.data), raised_by=draft.raised_by,
                   line=draft.line, on=on)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def _check(self, action: str) -> None:
        if action not in TRANSITIONS[self.state]:
            raise InvalidLeadTransition(self.state, action)

    def dispatch(self, grid: str, by: str, on: str) -> None:
        """Send the lead to the informant of `grid` as a task (again, to another grid, while it is open)."""
        self._check("dispatch")
        if not grid:
            raise LeadRefused("a grid is required", "请选择网格", 422, "grid")
        if grid == self.grid:
            raise LeadRefused(f"the lead was already sent to {grid}", f"该线索已派发给此网格（{grid}）", 409, "grid")
        self._dispatched(grid=grid, by=by, on=on)

    @event("Dispatched")
    def _dispatched(self, grid: str, by: str, on: str) -> None:
        self.state, self.grid = DISPATCHED, grid

    def dismiss(self, reason: str, by: str, on: str) -> None:
        """Close the lead without a household (not found, moved away …)."""
        self._check("dismiss")
        if reason not in DISMISS_REASONS:
            raise LeadRefused(f"reason must be one of {', '.join(DISMISS_REASONS)} (got {reason!r})",
                              "撤销原因必须是：未找到此人、已迁出辖区、已在册、其他", 422, "reason")
        self._dismissed(reason=reason, by=by, on=on)

    @event("Dismissed")
    def _dismissed(self, reason: str, by: str, on: str) -> None:
        self.state, self.closed_on, self.close_reason = DISMISSED, on, reason

    def find(self, household: str, resident: str, by: str, on: str) -> None:
        """A registration or joining named the person: the lead is closed as found, with the household."""
        self._check("find")
        self._found(household=household, resident=resident, by=by, on=on)

    @event("Found")
    def _found(self, household: str, resident: str, by: str, on: str) -> None:
        self.state, self.household, self.resident = FOUND, household, resident
        self.closed_on, self.close_reason = on, "found"
