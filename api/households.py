"""GET /api/v1/households/{id}: the household, its alerts and what the rules see now."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request

from api.auth import require
from api.problems import problem_responses
from domain.access import Action, Principal, covers
from domain.privacy import masked_member, sees_full_identity
from projections.alert_queue import row_to_json
from rules.assessment import programmes, timeline

router = APIRouter()


@router.get("/api/v1/households/{household_id}",
            responses=problem_responses(401, 403, 404, 422, e404="no such household in your jurisdiction"))
def get_household(request: Request, household_id: str,
                  principal: Principal = Depends(require(Action.READ_HOUSEHOLD))) -> dict[str, Any]:
    """The household 360 view; outside your jurisdiction it does not exist (404). Names and ID numbers
    are masked unless your job needs them (caseworkers of the jurisdiction)."""
    runtime = request.app.state.runtime
    rows = runtime.views.query("SELECT * FROM households WHERE household = ?", (household_id,))
    if not rows or not covers(principal, rows[0]["region"], rows[0]["grid"]):
        raise HTTPException(404, f"no household with id {household_id} / 家庭 {household_id} 不存在")
    sealer = runtime.views.sealer
    row = sealer.reveal_fields(rows[0], "address")
    members = [sealer.reveal_fields(m, "name") for m in json.loads(row["members"] or "[]")]
    full = sees_full_identity(principal.role)
    if not full:
        members = [masked_member(m) for m in members]
    runtime.audit.record(principal, household_id, "GET /api/v1/households/{id}", "full" if full else "masked")
    alerts = runtime.views.query(
        "SELECT * FROM alerts WHERE household = ? ORDER BY status DESC, raised_on", (household_id,)
    )
    return {
        **{k: v for k, v in row.items() if k != "members"},
        "members": members,
        "alerts": [row_to_json(a) for a in alerts],
        **programmes(runtime.households, household_id, runtime.assessor.clock() or date.today()),
        "timeline": timeline(runtime.households, household_id),
        "assessment": _assessment(runtime, household_id),
    }


def _assessment(runtime: Any, household_id: str) -> dict[str, Any] | None:
    """The derived facts the rules read today, and which parameters are missing or unusable for this region."""
    judged = runtime.assessor.facts(household_id)  # no rule worker needed: an API-only process has none
    if judged is None:
        return None
    on, facts = judged
    return {
        "judged_on": on.isoformat(),
        "subjects": [{"kind": s.kind, "key": s.key, "resident": s.resident, "facts": s.facts} for s in facts.subjects],
        "parameters": {k: v.to_json() for k, v in sorted(facts.parameters.used.items())},
        "missing_parameters": sorted(facts.parameters.missing),
        "unusable_parameters": [u.to_json() for _, u in sorted(facts.parameters.unusable.items())],
    }
