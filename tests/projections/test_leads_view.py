"""The leads view: each lead's row follows its workflow (raised, dispatched to a grid, found with the household,
dismissed with the reason); the supervisor's list is limited by region prefix and state, open ones first; the
informant's lead tasks are the open leads sent to their grid; the name, address and the department's data are
sealed, and no ID number but the masked one is stored."""

from __future__ import annotations

from typing import Any

from stdnum.cn import ric

from domain.households.application import HouseholdsApp
from domain.identity.access import Principal
from domain.leads.lead import LeadDraft
from projections.leads import lead_tasks, leads_in, one
from projections.runner import ProjectionRunner
from projections.sealing import PREFIX, Sealer
from tests.projections.conftest import ViewsOn
from tests.projections.test_submissions import Reversing

GRID = "500103001001-03"
SUPERVISOR = Principal("sup", "supervisor", "500103001")
PERSON = "50010320100303004" + ric.calc_check_digit("50010320100303004" + "0")


def draft(app: HouseholdsApp, lead_id: str, id_number: str, region: str = "500103001001") -> LeadDraft:
    return LeadDraft(lead_id, "education", "辍学学生，辖区内无人上报", "school dropout nobody reported",
                     app.keyed(id_number), id_number[:2] + "*" * 16, "王小明", region, "某路1号",
                     {"status": "dropped_out", "full_time": False}, "importer", 4)


def registration(id_number: str) -> dict[str, Any]:
    return {"observation_id": "reg-1", "informant": "test-informant", "observed_at": "2025-08-06T10:00:00+08:00",
            "kind": "household.registered", "household": "H1",
            "data": {"region": "500103001001", "grid": GRID, "address": "某路1号", "hukou": "urban",
                     "members": [{"resident": "R1", "name": "王小明", "sex": "M", "birth_date": "2010-03-03",
                                  "relation": "head", "id_number": id_number}]}}


def test_the_leads_rows_follow_their_workflow_and_answer_by_region_state_and_grid(views_on: ViewsOn) -> None:
    app = HouseholdsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    other = "50010319700202003" + ric.calc_check_digit("50010319700202003" + "0")
    app.raise_leads([draft(app, "L1", PERSON), draft(app, "L2", other), draft(app, "L3", other, "500103002001")])
    app.dispatch_lead("L1", GRID, SUPERVISOR)
    app.dispatch_lead("L2", GRID, SUPERVISOR)
    app.dismiss_lead("L2", "moved_away", SUPERVISOR)
    views = views_on.open("views", Sealer(Reversing()))
    runner = ProjectionRunner({"households": app}, views)
    runner.run_once()

    assert [t["lead_id"] for t in lead_tasks(views, GRID)] == ["L1"]
    task = lead_tasks(views, GRID)[0]
    assert (task["name"], task["address"], task["masked_id"]) == ("王小明", "某路1号", "50****************")
    assert task["what"] == {"zh": "辍学学生，辖区内无人上报", "en": "school dropout nobody reported"}
    assert task["data"] == {"status": "dropped_out", "full_time": False}
    assert leads_in(views, "500103001")[0] == 2 and leads_in(views, None)[0] == 3
    assert [r["lead_id"] for r in leads_in(views, "500103001")[1]] == ["L1", "L2"]  # open first
    assert [r["lead_id"] for r in leads_in(views, "500103001", "dismissed")[1]] == ["L2"]
    assert one(views, "L2")["close_reason"] == "moved_away"  # type: ignore[index]

    assert app.accept(registration(PERSON)).status == "accepted"
    runner.run_once()
    found = one(views, "L1")
    assert found is not None
    assert (found["state"], found["household"], found["closed_by"]) == ("found", "H1", "test-informant")
    assert lead_tasks(views, GRID) == []

    with views_on.raw() as raw:  # as stored: sealed, and no ID number in clear anywhere
        stored = [list(r) for r in raw.execute("SELECT * FROM leads").fetchall()]
    assert all(value.startswith(PREFIX) for row in stored for value in row[6:7] + row[8:10])
    assert not any(PERSON in str(value) or other in str(value) for row in stored for value in row)

    before = views.query("SELECT * FROM leads ORDER BY lead_id")
    views.reset()
    ProjectionRunner({"households": app}, views).run_once()
    assert views.query("SELECT * FROM leads ORDER BY lead_id") == before
