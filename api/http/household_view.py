"""The household 360 view, shared by the JSON route and the caseworker pages (one service, two skins)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from domain.identity.access import Principal
from infra.services import Services
from domain.privacy import Sight, shown_facts, shown_member, sight_of
from domain.identity.authorizer import OutOfReach
from projections.alert_queue import row_to_json
from projections.households import household_row, household_alerts
from projections.household_queries import id_numbers, programmes, timeline
from rules.explanation import shown_alert


def household_360(services: Services, principal: Principal, household_id: str, route: str) -> dict[str, Any] | None:
    """The household, its alerts, coverage, applications, timeline and assessment; None when it is not in the
    principal's jurisdiction (callers answer 404). Names, ID numbers and birth dates are shown as the role's
    row of `domain.privacy.SIGHTS` says; the read is recorded in the access log under `route`. Where the
    household lies is judged on the households store (a view that lags never lets an outsider in); a refusal
    is recorded too."""
    try:
        services.authorizer.household(principal, household_id, route)
    except OutOfReach:
        return None
    row = household_row(services.views, household_id)
    if row is None:  # registered, but the views have not caught up yet
        return None
    numbers = id_numbers(services.households, household_id)
    members = [dict(m, id_number=numbers.get(m["resident"])) for m in json.loads(row["members"] or "[]")]
    sight = sight_of(principal.role)
    services.audit.record_access(principal, household_id, route, "full" if sight.full else "masked")
    return {
        **{k: v for k, v in row.items() if k != "members"},
        "members": [shown_member(m, sight) for m in members],
        "alerts": [shown_alert(row_to_json(a), sight) for a in household_alerts(services.views, household_id)],
        **programmes(services.households, household_id, services.assessor.clock() or date.today()),
        "timeline": timeline(services.households, household_id),
        "assessment": assessment(services, household_id, sight),
    }


def assessment(services: Services, household_id: str, sight: Sight) -> dict[str, Any] | None:
    """The derived facts the rules read today, and which parameters are missing or unusable for this region."""
    judged = services.assessor.facts(household_id)  # no rule worker needed: an API-only process has none
    if judged is None:
        return None
    on, facts = judged
    return {
        "judged_on": on.isoformat(),
        "subjects": [{"kind": s.kind, "key": s.key, "resident": s.resident, "facts": shown_facts(s.facts, sight)}
                     for s in facts.subjects],
        "parameters": {k: v.to_json() for k, v in sorted(facts.parameters.used.items())},
        "missing_parameters": sorted(facts.parameters.missing),
        "unusable_parameters": [u.to_json() for _, u in sorted(facts.parameters.unusable.items())],
    }
