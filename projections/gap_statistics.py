"""Coverage-gap statistics by community × rule, from the alert queue view (supervisors, auditors).

For each community (the 12-digit region of the household) and rule: alerts open now, found
this month, verified on a visit, resolved by outcome, and the median days from raising to
acknowledgement and to resolution (calendar days, from the alerts' own history).
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from datetime import date
from typing import Any


def _days(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    return (date.fromisoformat(end) - date.fromisoformat(start)).days


def _first(history: list[dict[str, Any]], kind: str) -> str | None:
    return next((entry["on"] for entry in history if entry.get("type") == kind), None)


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def gap_statistics(views: Any, region_prefix: str, today: date) -> list[dict[str, Any]]:
    """One row per (community, rule) under `region_prefix` ("" for everywhere)."""
    rows = views.query("SELECT region, rule, status, close_reason, raised_on, closed_on, verification_outcome, "
                       "events FROM alerts WHERE region LIKE ?", (f"{region_prefix}%",))
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["region"] or "")[:12], row["rule"]].append(row)
    month = today.isoformat()[:7]
    return [_summary(community, rule, alerts, month) for (community, rule), alerts in sorted(groups.items())]


def _summary(community: str, rule: str, alerts: list[dict[str, Any]], month: str) -> dict[str, Any]:
    to_ack, to_resolve, outcomes = [], [], defaultdict(int)
    for alert in alerts:
        history = json.loads(alert["events"] or "[]")
        acknowledged = _days(alert["raised_on"], _first(history, "acknowledged"))
        if acknowledged is not None:
            to_ack.append(acknowledged)
        resolved_on = _first(history, "resolved")
        if resolved_on is not None and alert["status"] == "closed":
            to_resolve.append(_days(alert["raised_on"], resolved_on) or 0)
            outcomes[alert["close_reason"]] += 1
    return {
        "community": community, "rule": rule,
        "open": sum(a["status"] == "open" for a in alerts),
        "found_this_month": sum((a["raised_on"] or "").startswith(month) for a in alerts),
        "verified": sum(a["verification_outcome"] is not None for a in alerts),
        "resolved_by_outcome": dict(sorted(outcomes.items())),
        "median_days_to_acknowledge": _median(to_ack),
        "median_days_to_resolve": _median(to_resolve),
    }
