"""Alerts, their caseworker workflow, and the per-household alert book.

An `Alert` is one episode of one rule holding for one subject of a household.
Its workflow (assign, acknowledge, ask the grid informant to verify, record the
visit, resolve, reopen) is a state machine the aggregate enforces itself: every
allowed step is an event naming who (`by`) and when (`on`, plus the timestamp
the library records), and a step the table below does not allow raises
`InvalidTransition`, so no adapter can put an alert in a state it cannot be in.

The household's `AlertBook` is the index that keeps at most one open alert per
(rule, subject) slot, counts episodes (so alert ids are deterministic) and
remembers snoozes after a caseworker found the household not eligible.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.aggregate_copies import copy_sharing_items
from domain.alerts.errors import InvalidTransition, InvalidValue, SlotTaken
from domain.ids import stable_id

OUTCOMES = ("enrolled", "referred", "not_eligible", "duplicate", "other")
VERIFICATION_OUTCOMES = ("found_as_reported", "situation_changed", "could_not_reach")
CONDITION_CLEARED = "condition_cleared"
RULES_ACTOR = "rules"  # the `by` of what the rule worker does on its own (clear, escalate)

# Workflow states (`Alert.state`); `Alert.status` stays open/closed for the queue.
OPEN = "open"  # raised, nobody has it yet (or reopened)
ASSIGNED = "assigned"  # given to a caseworker
ACKNOWLEDGED = "acknowledged"  # the caseworker took it in hand
VERIFICATION_REQUESTED = "verification_requested"  # a visit task is with the household's grid informant
VERIFIED = "verified"  # the informant recorded the visit; the caseworker decides
CLOSED = "closed"  # resolved by a caseworker, or cleared because the condition stopped holding
OPEN_STATES = (OPEN, ASSIGNED, ACKNOWLEDGED, VERIFICATION_REQUESTED, VERIFIED)
STATES = (*OPEN_STATES, CLOSED)

# The whole workflow: action -> {state it is allowed from: state it leads to}. Anything else is refused.
#
#   assign                open, assigned, acknowledged -> assigned (a new assignee has not acknowledged yet);
#                         verification_requested, verified -> unchanged (the visit is under way or done,
#                         reassigning the caseworker does not undo it). Refused when already assigned to `to`.
#   acknowledge           open, assigned -> acknowledged (from open the acknowledging caseworker takes it)
#   request_verification  assigned, acknowledged -> verification_requested; verified -> verification_requested
#                         (another visit, e.g. after `could_not_reach`)
#   record_verification   verification_requested -> verified (only a visit that was asked for)
#   resolve               any open state -> closed (a caseworker may close without a visit)
#   clear                 any open state -> closed (the rule worker: the condition stopped holding)
#   escalate              any open state -> unchanged, only while not acknowledged and not yet escalated
#                         (the SLA is on acknowledging: a visit requested straight from `assigned` does not stop it)
#   reopen                closed -> open, only when a caseworker resolved it (a cleared alert is never
#                         reopened: if the condition holds again the rules open a new episode), and only
#                         while its slot is free and it is the slot's latest episode (the book checks that)
TRANSITIONS: dict[str, dict[str, str]] = {
    "assign": {OPEN: ASSIGNED, ASSIGNED: ASSIGNED, ACKNOWLEDGED: ASSIGNED,
               VERIFICATION_REQUESTED: VERIFICATION_REQUESTED, VERIFIED: VERIFIED},
    "acknowledge": {OPEN: ACKNOWLEDGED, ASSIGNED: ACKNOWLEDGED},
    "request_verification": {ASSIGNED: VERIFICATION_REQUESTED, ACKNOWLEDGED: VERIFICATION_REQUESTED,
                             VERIFIED: VERIFICATION_REQUESTED},
    "record_verification": {VERIFICATION_REQUESTED: VERIFIED},
    "resolve": {state: CLOSED for state in OPEN_STATES},
    "clear": {state: CLOSED for state in OPEN_STATES},
    "escalate": {state: state for state in OPEN_STATES},
    "reopen": {CLOSED: OPEN},
}
ACTIONS = tuple(TRANSITIONS)


def next_state(state: str, action: str) -> str:
    """The state `action` leads to from `state` (the aggregate checks it is allowed first).

    A history recorded under an older table still replays (and projects): an
    action the table does not list from `state` leads to the action's first target.
    """
    targets = TRANSITIONS[action]
    return targets.get(state, next(iter(targets.values())))


class Alert(Aggregate):
    """A finding a caseworker must act on, with the explanation of why it was raised.

    Public methods are the commands: each checks `TRANSITIONS` and its values, then
    triggers its event. The event methods (`_assigned`, …) only change state, so
    replaying a stored history never refuses.
    """

    __deepcopy__ = copy_sharing_items  # its explanation is never changed in place (domain/aggregate_copies.py)

    @staticmethod
    def create_id(household: str, slot: str, episode: int, **_: Any) -> UUID:
        return Alert.id_for(household, slot, episode)

    @staticmethod
    def id_for(household: str, slot: str, episode: int) -> UUID:
        return stable_id("alert", household, slot, str(episode))

    @event("Raised")
    def __init__(
        self,
        household: str,
        slot: str,
        episode: int,
        rule: str,
        rule_version: int,
        category: str,
        severity: str,
        subject_kind: str,
        subject: str,
        resident: str | None,
        region: str,
        raised_on: str,
        explanation: dict[str, Any],
        grid: str | None = None,
    ) -> None:
        self.household = household
        self.slot = slot
        self.episode = episode
        self.rule = rule
        self.rule_version = rule_version
        self.category = category
        self.severity = severity
        self.subject_kind = subject_kind
        self.subject = subject
        self.resident = resident
        self.region = region
        self.grid = grid  # the household's grid, where a verification visit goes (None: raised before alerts knew it)
        self.raised_on = raised_on
        self.explanation = explanation
        self.status = "open"
        self.state = OPEN
        self.closed_on: str | None = None
        self.close_reason: str | None = None
        self.assigned_to: str | None = None
        self.acknowledged_by: str | None = None
        self.escalated_to: str | None = None
        self.verification: dict[str, Any] | None = None

    # --- the workflow table ------------------------------------------------------------------------

    def can(self, action: str) -> bool:
        """Whether the table allows `action` from the current state (guards aside)."""
        return self.state in TRANSITIONS[action]

    def _check(self, action: str) -> None:
        if not self.can(action):
            raise InvalidTransition(self.state, action)

    def _after(self, action: str) -> str:
        return next_state(self.state, action)

    # --- commands ----------------------------------------------------------------------------------

    def assign(self, to: str, by: str, on: str) -> None:
        """Give the alert to a caseworker (also a reassignment, while the alert is not closed)."""
        self._check("assign")
        _required("to", to, "the caseworker to assign to", "被指派的经办人员")
        if to == self.assigned_to:
            raise InvalidTransition(self.state, "assign", f"already assigned to {to}", f"已分配给 {to}")
        self._assigned(to=to, by=by, on=on)

    def acknowledge(self, by: str, on: str) -> None:
        """The caseworker took the alert in hand: from now on it is not escalated."""
        self._check("acknowledge")
        self._acknowledged(by=by, on=on)

    def request_verification(self, by: str, on: str, grid: str | None = None) -> None:
        """Send a visit task to the household's grid informant (`grid` overrides the alert's own)."""
        self._check("request_verification")
        where = grid or self.grid
        if not where:
            raise InvalidValue("grid", "the household's grid is not known: name the grid to send the visit to",
                               "该户所属网格未知，请指定核实任务发往的网格")
        self._verification_requested(grid=where, by=by, on=on)

    def record_verification(self, outcome: str, note: str, by: str, on: str, visited_on: str | None = None) -> None:
        """The informant's visit: what they found, on which day (not before the request, not after today)."""
        self._check("record_verification")
        if outcome not in VERIFICATION_OUTCOMES:
            raise InvalidValue.not_one_of("outcome", outcome, VERIFICATION_OUTCOMES, "visit_outcome")
        visited = visited_on or on
        requested = (self.verification or {}).get("requested_on") or self.raised_on
        if not _iso_date(visited) or not requested <= visited <= on:
            raise InvalidValue("visited_on", f"the visit date must lie between the request ({requested}) and {on}",
                               f"核实走访日期必须在派发日期（{requested}）与 {on} 之间")
        self._verification_recorded(outcome=outcome, note=note, visited_on=visited, by=by, on=on)

    def resolve(self, outcome: str, by: str, on: str, note: str) -> None:
        """A caseworker closed the alert with an outcome (`other` must say what, in the note)."""
        self._check("resolve")
        if outcome not in OUTCOMES:
            raise InvalidValue.not_one_of("outcome", outcome, OUTCOMES)
        if outcome == "other" and not note.strip():
            raise InvalidValue("note", "outcome other needs a note saying what was done",
                               "处理结果为 other 时必须在备注中说明处理情况")
        self._resolved(outcome=outcome, by=by, on=on, note=note)

    def clear(self, on: str, event_ids: list[str], by: str = RULES_ACTOR) -> None:
        """The condition stopped holding: close with reason `condition_cleared`, whatever the workflow state."""
        self._check("clear")
        self._cleared(on=on, event_ids=event_ids, by=by)

    def escalate(self, on: str, to: str, deadline: str, by: str = RULES_ACTOR) -> None:
        """Not acknowledged in time: shown to the supervisor of its jurisdiction."""
        self._check("escalate")
        if not self.needs_escalation():
            why = "already escalated" if self.escalated_to else "it was acknowledged"
            raise InvalidTransition(self.state, "escalate", why, "已上报" if self.escalated_to else "已签收")
        self._escalated(on=on, to=to, deadline=deadline, by=by)

    def needs_escalation(self) -> bool:
        """Open, not acknowledged, not escalated yet (LATE.ALERT_UNHANDLED may apply)."""
        return self.status == "open" and self.acknowledged_by is None and self.escalated_to is None

    def reopen(self, reason: str, by: str, on: str) -> None:
        """Take back a resolution (the outcome was wrong); the book must free the slot in the same save."""
        self._check("reopen")
        if self.close_reason == CONDITION_CLEARED:
            raise InvalidTransition(self.state, "reopen", "it was cleared because the condition stopped holding",
                                    "该预警因条件不再成立而自动关闭")
        _required("reason", reason, "the reason for reopening", "重新打开的原因")
        self._reopened(reason=reason, by=by, on=on)

    # --- events ------------------------------------------------------------------------------------

    @event("Assigned")
    def _assigned(self, to: str, by: str, on: str) -> None:
        self.state = self._after("assign")
        self.assigned_to = to

    @event("Acknowledged")
    def _acknowledged(self, by: str, on: str) -> None:
        self.state = self._after("acknowledge")
        self.acknowledged_by = by
        self.assigned_to = self.assigned_to or by

    @event("VerificationRequested")
    def _verification_requested(self, grid: str, by: str, on: str) -> None:
        self.state = self._after("request_verification")
        self.verification = {"requested_by": by, "grid": grid, "requested_on": on, "outcome": None, "note": None,
                             "visited_on": None, "visited_by": None}

    @event("VerificationRecorded")
    def _verification_recorded(self, outcome: str, note: str, visited_on: str, by: str, on: str) -> None:
        self.state = self._after("record_verification")
        self.verification = {**(self.verification or {}), "outcome": outcome, "note": note,
                             "visited_on": visited_on, "visited_by": by}

    @event("Resolved")
    def _resolved(self, outcome: str, by: str, on: str, note: str) -> None:
        self._close(on, outcome)

    @event("Cleared")
    def _cleared(self, on: str, event_ids: list[str], by: str = RULES_ACTOR) -> None:
        self._close(on, CONDITION_CLEARED)

    @event("Escalated")
    def _escalated(self, on: str, to: str, deadline: str, by: str = RULES_ACTOR) -> None:
        self.escalated_to = to

    @event("Reopened")
    def _reopened(self, reason: str, by: str, on: str) -> None:
        self.state = self._after("reopen")
        self.status = "open"
        self.closed_on = None
        self.close_reason = None
        self.assigned_to = None  # back in the queue: someone assigns or acknowledges it again

    def _close(self, on: str, reason: str) -> None:
        self.state = CLOSED
        self.status = "closed"
        self.closed_on = on
        self.close_reason = reason


def _required(field: str, value: str, what: str, what_zh: str) -> None:
    if not value or not value.strip():
        raise InvalidValue(field, f"{field} is required: {what}", f"{field} 为必填项：{what_zh}")


def _iso_date(value: str) -> bool:
    try:
        return date.fromisoformat(value).isoformat() == value
    except (TypeError, ValueError):
        return False


class AlertBook(Aggregate):
    """Open alert per slot, episode counters and snoozes for one household."""

    __deepcopy__ = copy_sharing_items  # its dicts hold texts and numbers (domain/aggregate_copies.py)

    @staticmethod
    def create_id(household: str) -> UUID:
        return AlertBook.id_for(household)

    @staticmethod
    def id_for(household: str) -> UUID:
        return stable_id("alert-book", household)

    @event("Opened")
    def __init__(self, household: str) -> None:
        self.household = household
        self.open: dict[str, str] = {}
        self.episodes: dict[str, int] = {}
        self.snoozed_until: dict[str, str] = {}
        self.failing: dict[str, str] = {}

    def next_episode(self, slot: str) -> int:
        return self.episodes.get(slot, 0) + 1

    def is_snoozed(self, slot: str, on: date) -> bool:
        until = self.snoozed_until.get(slot)
        return until is not None and on.isoformat() < until

    @event("SlotOpened")
    def slot_opened(self, slot: str, alert_id: str, episode: int) -> None:
        self.open[slot] = alert_id
        self.episodes[slot] = episode

    @event("SlotClosed")
    def slot_closed(self, slot: str) -> None:
        self.open.pop(slot, None)

    @event("SlotSnoozed")
    def slot_snoozed(self, slot: str, until: str) -> None:
        self.open.pop(slot, None)
        self.snoozed_until[slot] = until

    def reopen_slot(self, slot: str, alert_id: str, episode: int) -> None:
        """A reopened alert takes its slot back, so reconciliation sees it open and clears it when due.

        Refused when the slot already holds another open alert (a new episode opened
        after the resolution) or when a later episode exists: one slot never has two
        open alerts, and history is not rewound past a newer episode. A snooze left
        by `not_eligible` is lifted, since that outcome is being taken back.
        """
        held = self.open.get(slot)
        if held is not None and held != alert_id:
            raise SlotTaken(slot, f"a newer alert ({held}) is already open for {slot}; act on that one",
                            f"该事项已有新的预警（{held}）在处理中，请处理新预警")
        if self.episodes.get(slot, episode) != episode:
            raise SlotTaken(slot, f"episode {episode} of {slot} was followed by episode {self.episodes[slot]}",
                            f"该预警之后已产生第 {self.episodes[slot]} 次预警，不能重新打开旧预警")
        if held is None:
            self._slot_reopened(slot=slot, alert_id=alert_id)

    @event("SlotReopened")
    def _slot_reopened(self, slot: str, alert_id: str) -> None:
        self.open[slot] = alert_id
        self.snoozed_until.pop(slot, None)

    @event("EvaluationFailed")
    def evaluation_failed(self, rule: str, error: str, on: str, cause: list[str]) -> None:
        """A rule (`*`: the household's facts) raised while judging: its alerts were left as they were."""
        self.failing[rule] = error

    @event("EvaluationRecovered")
    def evaluation_recovered(self, rule: str, on: str) -> None:
        self.failing.pop(rule, None)


def supervisor_of(region: str) -> str:
    """The supervisor role of the street/township (first 9 digits) an alert's household is in."""
    return f"supervisor:{region[:9]}"


def snooze_until(on: date, days: int) -> date:
    return on + timedelta(days=days)
