"""GET /api/v1/audit/integrity: auditors run `audit verify` over every event log and see each chain's head."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends

from api.http.auth import require
from api.http.dependencies import AllServices
from api.http.problems import problem_responses
from domain.identity.access import Action, Principal

router = APIRouter()


@router.get("/api/v1/audit/integrity", responses=problem_responses(401, 403))
def integrity(services: AllServices, principal: Principal = Depends(require(Action.READ_AUDIT))) -> dict[str, Any]:
    """Each application's hash chain checked now: events verified, its head (note it to detect a rewritten or
    truncated log later) and the first break if any (edited, deleted or inserted). A break is a finding, not
    an error: the answer is 200 with `ok: false`. Costs a full read of every log whose store was written since
    the last check (`infra.integrity.KeptVerdicts`: a verdict is kept only while its store's files are
    unchanged); `seconds` is the time of each walk as it was made."""
    started = time.perf_counter()
    reports = services.integrity.verify()
    return {"ok": all(r.ok for r in reports), "events": sum(r.events for r in reports),
            "seconds": round(time.perf_counter() - started, 3), "applications": [r.to_json() for r in reports]}
