"""A lead, as the workflow it is: raised → dispatched (to a grid, again to another) → found or dismissed;
a closed lead refuses every step, saying why in Chinese and English; the use cases judge who may act."""

from __future__ import annotations

import pytest

from domain.households.application import HouseholdsApp
from domain.identity.access import Principal
from domain.leads.errors import InvalidLeadTransition, LeadRefused
from domain.leads.lead import DISMISSED, DISPATCHED, FOUND, RAISED, Lead, LeadDraft

GRID = "500103001001-03"
SUPERVISOR = Principal("sup", "supervisor", "500103001")
ELSEWHERE = Principal("sup-2", "supervisor", "500103002")


def draft(lead_id: str = "disabled_federation|C1", keyed: str = "k1", region: str = "500103001001") -> LeadDraft:
    return LeadDraft(lead_id=lead_id, department="disabled_federation", what_zh="一级肢体残疾证，辖区内无人上报",
                     what_en="grade-1 physical disability certificate, nobody reported", keyed_id=keyed,
                     masked_id="11****************", name="王某某", region=region, address="某路1号",
                     data={"grade": 1, "category": "physical"}, raised_by="importer", line=7)


def lead() -> Lead:
    return Lead.from_draft(draft(), "2025-08-04")


def test_a_raised_lead_is_dispatched_then_found_with_its_household() -> None:
    one = lead()
    assert one.state == RAISED and one.is_open
    one.dispatch(GRID, "sup", "2025-08-05")
    assert (one.state, one.grid) == (DISPATCHED, GRID)
    one.find("H1", "R1", "informant", "2025-08-06")
    assert (one.state, one.household, one.resident, one.close_reason) == (FOUND, "H1", "R1", "found")
    assert not one.is_open


def test_a_dispatched_lead_may_go_to_another_grid_but_not_twice_to_the_same() -> None:
    one = lead()
    one.dispatch(GRID, "sup", "2025-08-05")
    with pytest.raises(LeadRefused) as refused:
        one.dispatch(GRID, "sup", "2025-08-05")
    assert refused.value.status == 409 and refused.value.field == "grid"
    one.dispatch("500103001001-04", "sup", "2025-08-06")
    assert one.grid == "500103001001-04"


@pytest.mark.parametrize("close", ["found", "dismissed"])
@pytest.mark.parametrize("step", ["dispatch", "dismiss", "find"])
def test_a_closed_lead_refuses_every_step_in_both_languages(close: str, step: str) -> None:
    one = lead()
    if close == "found":
        one.find("H1", "R1", "informant", "2025-08-06")
    else:
        one.dismiss("moved_away", "sup", "2025-08-06")
    with pytest.raises(InvalidLeadTransition) as refused:
        {"dispatch": lambda: one.dispatch(GRID, "sup", "2025-08-07"),
         "dismiss": lambda: one.dismiss("not_found", "sup", "2025-08-07"),
         "find": lambda: one.find("H2", "R2", "informant", "2025-08-07")}[step]()
    assert refused.value.status == 409
    assert close in str(refused.value) and "线索当前状态为" in refused.value.message_zh
    assert one.state == (FOUND if close == "found" else DISMISSED)


def test_a_dismissal_names_a_reason_of_its_vocabulary() -> None:
    one = lead()
    with pytest.raises(LeadRefused) as refused:
        one.dismiss("bored", "sup", "2025-08-06")
    assert (refused.value.status, refused.value.field) == (422, "reason")
    one.dismiss("not_found", "sup", "2025-08-06")
    assert (one.state, one.close_reason, one.closed_on) == (DISMISSED, "not_found", "2025-08-06")


def test_raising_is_idempotent_by_lead_id_in_one_call_and_across_calls() -> None:
    app = HouseholdsApp()
    assert app.raise_leads([draft("A"), draft("B", keyed="k2"), draft("A")]) == ["raised", "raised", "duplicate"]
    assert app.raise_leads([draft("A"), draft("C", keyed="k3")]) == ["duplicate", "raised"]
    assert app.lead("A").data == {"grade": 1, "category": "physical"}  # type: ignore[union-attr]
    assert app.lead("unknown") is None


def test_raising_many_is_one_transaction() -> None:
    app = HouseholdsApp()
    before = app.recorder.max_notification_id() or 0
    app.raise_leads([draft("A"), draft("B", keyed="k2")])
    notifications = app.recorder.select_notifications(before + 1, 100)
    # Lead.Raised and IdNumberEntry.Indexed + LeadNoted for each, all written by one save
    assert len(notifications) == 6
    assert len({n.id for n in notifications}) == 6


def test_only_a_supervisor_of_the_leads_region_dispatches_it_to_a_grid_of_theirs() -> None:
    app = HouseholdsApp()
    app.raise_leads([draft("A")])
    with pytest.raises(LeadRefused) as elsewhere:
        app.dispatch_lead("A", GRID, ELSEWHERE)
    assert elsewhere.value.status == 404  # outside the jurisdiction: as if absent
    with pytest.raises(LeadRefused) as caseworker:
        app.dispatch_lead("A", GRID, Principal("cw", "caseworker", "500103"))
    assert caseworker.value.status == 403
    with pytest.raises(LeadRefused) as far_grid:
        app.dispatch_lead("A", "500103002001-01", SUPERVISOR)
    assert (far_grid.value.status, far_grid.value.field) == (422, "grid")
    with pytest.raises(LeadRefused) as unknown:
        app.dispatch_lead("nope", GRID, SUPERVISOR)
    assert unknown.value.status == 404 and "nope" in unknown.value.message_zh
    assert app.dispatch_lead("A", GRID, SUPERVISOR).state == DISPATCHED
    assert app.lead("A").grid == GRID  # type: ignore[union-attr]


def test_a_supervisor_dismisses_a_lead_and_it_stays_dismissed() -> None:
    app = HouseholdsApp()
    app.raise_leads([draft("A")])
    app.dismiss_lead("A", "moved_away", SUPERVISOR)
    with pytest.raises(InvalidLeadTransition):
        app.dispatch_lead("A", GRID, SUPERVISOR)
    assert app.lead("A").state == DISMISSED  # type: ignore[union-attr]
