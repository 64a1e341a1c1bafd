"""The alert's workflow state machine: every action from every state, and the book's slot on reopening."""

from __future__ import annotations

import re

from typing import Any, Callable

import pytest

from domain.alerts.alert import ACTIONS, CONDITION_CLEARED, OPEN_STATES, TRANSITIONS, Alert, AlertBook, next_state
from domain.alerts.errors import InvalidTransition, InvalidValue, SlotTaken
from domain.labels import meaning_label

SLOT = "MISSED.DIBAO|household:H1"
RAISED_ON = "2025-08-01"
ON = "2025-08-10"


def raised(grid: str | None = "500103001001-03", episode: int = 1) -> Alert:
    return Alert(household="H1", slot=SLOT, episode=episode, rule="MISSED.DIBAO", rule_version=1,
                 category="MISSED", severity="high", subject_kind="household", subject="H1", resident=None,
                 region="500103001001", raised_on=RAISED_ON, explanation={"title": {"zh": "标题", "en": "title"}},
                 grid=grid)


# How to reach each starting point, by allowed steps only.
PATHS: dict[str, list[Callable[[Alert], None]]] = {
    "open": [],
    "assigned": [lambda a: a.assign(to="cw-1", by="sup-1", on="2025-08-02")],
    "acknowledged": [lambda a: a.assign(to="cw-1", by="sup-1", on="2025-08-02"),
                     lambda a: a.acknowledge(by="cw-1", on="2025-08-03")],
    "verification_requested": [lambda a: a.assign(to="cw-1", by="sup-1", on="2025-08-02"),
                               lambda a: a.request_verification(by="cw-1", on="2025-08-04")],
    "verified": [lambda a: a.assign(to="cw-1", by="sup-1", on="2025-08-02"),
                 lambda a: a.request_verification(by="cw-1", on="2025-08-04"),
                 lambda a: a.record_verification(outcome="found_as_reported", note="确如所报", by="grid-7",
                                                 on="2025-08-06")],
    "resolved": [lambda a: a.resolve(outcome="referred", by="cw-1", on="2025-08-05", note="转介民政")],
    "cleared": [lambda a: a.clear(on="2025-08-05", event_ids=["o9"])],
}

# One valid call of each action (assigning someone other than the current assignee).
CALLS: dict[str, Callable[[Alert], None]] = {
    "assign": lambda a: a.assign(to="cw-2", by="sup-1", on=ON),
    "acknowledge": lambda a: a.acknowledge(by="cw-1", on=ON),
    "request_verification": lambda a: a.request_verification(by="cw-1", on=ON),
    "record_verification": lambda a: a.record_verification(outcome="situation_changed", note="已外出务工",
                                                           by="grid-7", on=ON, visited_on="2025-08-09"),
    "resolve": lambda a: a.resolve(outcome="enrolled", by="cw-1", on=ON, note="已纳入低保"),
    "clear": lambda a: a.clear(on=ON, event_ids=["o10"]),
    "escalate": lambda a: a.escalate(on=ON, to="supervisor:500103001", deadline="2025-08-08"),
    "reopen": lambda a: a.reopen(reason="结果录错", by="cw-1", on=ON),
}

# The expected state after each action from each starting point; None: refused. Written out by hand so
# that this table checks the aggregate's table rather than repeating it.
EXPECTED: dict[str, dict[str, str | None]] = {
    "open": {"assign": "assigned", "acknowledge": "acknowledged", "request_verification": None,
             "record_verification": None, "resolve": "closed", "clear": "closed", "escalate": "open",
             "reopen": None},
    "assigned": {"assign": "assigned", "acknowledge": "acknowledged", "request_verification": "verification_requested",
                 "record_verification": None, "resolve": "closed", "clear": "closed", "escalate": "assigned",
                 "reopen": None},
    "acknowledged": {"assign": "assigned", "acknowledge": None, "request_verification": "verification_requested",
                     "record_verification": None, "resolve": "closed", "clear": "closed",
                     "escalate": None,  # acknowledged in time: never escalated
                     "reopen": None},
    "verification_requested": {"assign": "verification_requested", "acknowledge": None, "request_verification": None,
                               "record_verification": "verified", "resolve": "closed", "clear": "closed",
                               "escalate": "verification_requested", "reopen": None},
    "verified": {"assign": "verified", "acknowledge": None, "request_verification": "verification_requested",
                 "record_verification": None, "resolve": "closed", "clear": "closed", "escalate": "verified",
                 "reopen": None},
    "resolved": {"assign": None, "acknowledge": None, "request_verification": None, "record_verification": None,
                 "resolve": None, "clear": None, "escalate": None, "reopen": "open"},
    "cleared": {"assign": None, "acknowledge": None, "request_verification": None, "record_verification": None,
                "resolve": None, "clear": None, "escalate": None,
                "reopen": None},  # cleared by the rules: a new episode opens if the condition holds again
}


def alert_at(start: str) -> Alert:
    alert = raised()
    for step in PATHS[start]:
        step(alert)
    alert.collect_events()
    return alert


def test_the_expectations_cover_every_action_from_every_state() -> None:
    assert set(ACTIONS) == set(CALLS)
    assert all(set(row) == set(ACTIONS) for row in EXPECTED.values())
    assert {alert_at(start).state for start in PATHS} == set(OPEN_STATES) | {"closed"}


@pytest.mark.parametrize("start", list(PATHS))
@pytest.mark.parametrize("action", list(CALLS))
def test_every_action_from_every_state(start: str, action: str) -> None:
    alert = alert_at(start)
    before = alert.state, alert.status, alert.version
    expected = EXPECTED[start][action]
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            CALLS[action](alert)
        assert (refused.value.state, refused.value.action) == (alert.state, action)
        assert action in str(refused.value) and alert.state in str(refused.value)
        said = refused.value.message_zh  # the step and the state in the pages' words, no English (issue 18)
        assert f"不能{meaning_label('action', action)[0]}" in said and meaning_label("alert_state", alert.state)[0] in said
        assert not re.search("[A-Za-z]{3,}", said)
        assert (alert.state, alert.status, alert.version) == before and alert.collect_events() == []
        return
    CALLS[action](alert)
    assert alert.state == expected
    assert alert.status == ("closed" if expected == "closed" else "open")
    (only,) = alert.collect_events()
    assert only.on == ON and only.by and only.timestamp is not None


def test_the_table_lists_only_known_states() -> None:
    for action, moves in TRANSITIONS.items():
        for source, target in moves.items():
            assert next_state(source, action) == target
            assert {source, target} <= set(OPEN_STATES) | {"closed"}


def test_raised_to_resolved_records_who_and_when_at_each_step() -> None:
    alert = raised()
    alert.assign(to="cw-1", by="sup-1", on="2025-08-02")
    alert.request_verification(by="cw-1", on="2025-08-03")
    assert alert.verification == {"requested_by": "cw-1", "grid": "500103001001-03", "requested_on": "2025-08-03",
                                  "outcome": None, "note": None, "visited_on": None, "visited_by": None}
    alert.record_verification(outcome="found_as_reported", note="确如所报", by="grid-7", on="2025-08-05",
                              visited_on="2025-08-04")
    alert.resolve(outcome="enrolled", by="cw-1", on="2025-08-06", note="已纳入低保")
    assert (alert.state, alert.status, alert.close_reason, alert.assigned_to) == (
        "closed", "closed", "enrolled", "cw-1")
    assert alert.verification == {"requested_by": "cw-1", "grid": "500103001001-03", "requested_on": "2025-08-03",
                                  "outcome": "found_as_reported", "note": "确如所报", "visited_on": "2025-08-04",
                                  "visited_by": "grid-7"}
    events = alert.collect_events()[1:]
    assert [(type(e).__name__, e.by, e.on) for e in events] == [
        ("Assigned", "sup-1", "2025-08-02"), ("VerificationRequested", "cw-1", "2025-08-03"),
        ("VerificationRecorded", "grid-7", "2025-08-05"), ("Resolved", "cw-1", "2025-08-06")]


def test_acknowledging_an_unassigned_alert_takes_it() -> None:
    alert = raised()
    alert.acknowledge(by="cw-3", on=ON)
    assert (alert.assigned_to, alert.acknowledged_by) == ("cw-3", "cw-3")


def test_reassigning_to_the_current_assignee_is_refused() -> None:
    alert = alert_at("assigned")
    with pytest.raises(InvalidTransition, match="already assigned to cw-1"):
        alert.assign(to="cw-1", by="sup-1", on=ON)


def test_reassigning_keeps_a_visit_under_way() -> None:
    alert = alert_at("verification_requested")
    alert.assign(to="cw-2", by="sup-1", on=ON)
    assert (alert.state, alert.assigned_to, alert.verification["grid"]) == (
        "verification_requested", "cw-2", "500103001001-03")


@pytest.mark.parametrize(("call", "field"), [
    (lambda a: a.record_verification(outcome="maybe", note="", by="grid-7", on=ON), "outcome"),
    (lambda a: a.record_verification(outcome="found_as_reported", note="", by="grid-7", on=ON,
                                     visited_on="2025-08-11"), "visited_on"),  # after today
    (lambda a: a.record_verification(outcome="found_as_reported", note="", by="grid-7", on=ON,
                                     visited_on="2025-08-03"), "visited_on"),  # before the request
    (lambda a: a.record_verification(outcome="found_as_reported", note="", by="grid-7", on=ON,
                                     visited_on="2025-8-5"), "visited_on"),
])
def test_a_visit_needs_a_known_outcome_and_a_date_after_the_request(call: Callable[[Alert], None], field: str) -> None:
    alert = alert_at("verification_requested")
    with pytest.raises(InvalidValue) as refused:
        call(alert)
    assert refused.value.field == field and refused.value.message_zh
    assert alert.state == "verification_requested" and alert.collect_events() == []


@pytest.mark.parametrize(("outcome", "note", "field"), [("maybe", "", "outcome"), ("other", "  ", "note")])
def test_resolving_needs_a_known_outcome_and_other_needs_a_note(outcome: str, note: str, field: str) -> None:
    alert = alert_at("acknowledged")
    with pytest.raises(InvalidValue) as refused:
        alert.resolve(outcome=outcome, by="cw-1", on=ON, note=note)
    assert refused.value.field == field and alert.status == "open"


def test_verification_goes_to_the_alerts_grid_unless_one_is_named() -> None:
    unknown = raised(grid=None)
    unknown.assign(to="cw-1", by="sup-1", on=ON)
    with pytest.raises(InvalidValue) as refused:
        unknown.request_verification(by="cw-1", on=ON)
    assert refused.value.field == "grid"
    unknown.request_verification(by="cw-1", on=ON, grid="500103001001-05")
    assert unknown.verification["grid"] == "500103001001-05"


def test_escalation_waits_for_acknowledgement_not_for_the_workflow() -> None:
    assert alert_at("open").needs_escalation()
    assert alert_at("verification_requested").needs_escalation()  # requested without acknowledging
    assert not alert_at("acknowledged").needs_escalation()
    assert not alert_at("resolved").needs_escalation()
    alert = alert_at("assigned")
    alert.escalate(on=ON, to="supervisor:500103001", deadline="2025-08-08")
    assert not alert.needs_escalation()
    with pytest.raises(InvalidTransition, match="already escalated"):
        alert.escalate(on=ON, to="supervisor:500103001", deadline="2025-08-08")


def test_reopening_puts_the_alert_back_in_the_queue() -> None:
    alert = alert_at("acknowledged")
    alert.resolve(outcome="duplicate", by="cw-1", on="2025-08-05", note="")
    alert.reopen(reason="并非重复", by="sup-1", on=ON)
    assert (alert.status, alert.state, alert.closed_on, alert.close_reason) == ("open", "open", None, None)
    assert alert.assigned_to is None and alert.acknowledged_by == "cw-1"
    with pytest.raises(InvalidValue):
        alert_at("resolved").reopen(reason=" ", by="sup-1", on=ON)


def test_a_cleared_alert_is_not_reopened() -> None:
    alert = alert_at("cleared")
    assert alert.close_reason == CONDITION_CLEARED
    with pytest.raises(InvalidTransition) as refused:
        alert.reopen(reason="仍有困难", by="cw-1", on=ON)
    assert "condition stopped holding" in str(refused.value) and "自动关闭" in refused.value.message_zh


def test_a_stored_history_replays_to_the_same_state() -> None:
    alert = raised()
    for step in PATHS["verified"]:
        step(alert)
    alert.resolve(outcome="not_eligible", by="cw-1", on=ON, note="有车")
    alert.reopen(reason="车辆已处置", by="sup-1", on=ON)
    replayed: Any = None
    for stored in alert.collect_events():
        replayed = stored.mutate(replayed)
    assert replayed.__dict__ == alert.__dict__


def book_with(alert: Alert) -> AlertBook:
    book = AlertBook("H1")
    book.slot_opened(SLOT, str(alert.id), alert.episode)
    return book


def test_reopening_takes_the_slot_back_and_lifts_the_snooze() -> None:
    alert = alert_at("open")
    book = book_with(alert)
    book.slot_snoozed(SLOT, "2025-11-01")
    book.reopen_slot(SLOT, str(alert.id), alert.episode)
    assert book.open == {SLOT: str(alert.id)} and SLOT not in book.snoozed_until


def test_reopening_is_refused_while_a_newer_episode_holds_the_slot() -> None:
    first = alert_at("open")
    book = book_with(first)
    book.slot_closed(SLOT)
    newer = raised(episode=2)
    book.slot_opened(SLOT, str(newer.id), 2)
    with pytest.raises(SlotTaken) as refused:
        book.reopen_slot(SLOT, str(first.id), first.episode)
    assert str(newer.id) in str(refused.value) and refused.value.message_zh
    book.slot_closed(SLOT)
    with pytest.raises(SlotTaken, match="followed by episode 2"):  # the newer one closed: still not rewound
        book.reopen_slot(SLOT, str(first.id), first.episode)

