"""An alert or a book copied from the repository's cache is one of its own: a step taken on the copy, or a
slot it opens, is not seen by the original; what the explanation holds, never changed in place, is shared."""

from __future__ import annotations

from copy import deepcopy

from domain.alerts.alert import AlertBook
from tests.domain.alerts.test_alert import SLOT, raised


def test_a_copied_alert_changes_apart_from_its_original() -> None:
    original = raised()
    copy = deepcopy(original)
    copy.assign(to="cw-1", by="sup-1", on="2025-08-02")
    copy.escalate(on="2025-08-10", to="supervisor:500103001", deadline="2025-08-08")
    assert (original.state, original.assigned_to, original.escalated_to) == ("open", None, None)
    assert copy.state == "assigned" and copy.escalated_to == "supervisor:500103001"
    assert len(copy.collect_events()) == len(original.collect_events()) + 2
    assert copy.explanation == original.explanation and copy.explanation["title"] is original.explanation["title"]


def test_a_copied_book_keeps_its_own_slots() -> None:
    original = AlertBook("H1")
    original.slot_opened(SLOT, "a1", 1)
    original.collect_events()
    copy = deepcopy(original)
    copy.slot_closed(SLOT)
    copy.slot_snoozed("OTHER|household:H1", "2025-09-01")
    assert original.open == {SLOT: "a1"} and original.snoozed_until == {}
    assert copy.open == {} and copy.episodes == original.episodes and copy.episodes is not original.episodes
    assert original.collect_events() == [] and len(copy.collect_events()) == 2
