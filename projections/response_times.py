"""Response times from the log: observation → alert → acknowledgement → verification visit → resolution.

Each alert's stages come from its own history in the alert queue view (raised, acknowledged,
verification recorded with the day of the visit, resolved) and, for the first stage, from the
observations its explanation names as evidence (the latest of them completed the condition).
Every stage is measured in calendar days and in Chinese working days; the headline median and
90th percentile use the unit the alert's SLA counts in (`domain.alerts.sla`: calendar days for critical
alerts, working days otherwise). Grouped by community, rule or caseworker.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterable

from domain.working_days import working_days_after
from projections.household_reads import HouseholdReads
from projections.report_cache import ReportCache

STAGES = ("observation_to_alert", "alert_to_acknowledgement", "acknowledgement_to_visit", "visit_to_resolution",
          "alert_to_resolution")
GROUPINGS = ("community", "rule", "caseworker")
UNASSIGNED = "unassigned"
ObservationsOf = Callable[[str], list[dict[str, Any]]]


@dataclass(frozen=True)
class Span:
    """One stage of one alert: its length in calendar and working days, and the unit its SLA counts in."""

    days: int
    working_days: int
    working: bool


def span(start: date | None, end: date | None, working: bool) -> Span | None:
    if start is None or end is None or end < start:
        return None
    return Span((end - start).days, working_days_after(start, end), working)


def _first(history: list[dict[str, Any]], kind: str, key: str = "on") -> date | None:
    found = next((entry.get(key) for entry in history if entry.get("type") == kind), None)
    return date.fromisoformat(found) if found else None


def _observed(alert: dict[str, Any], observations_of: ObservationsOf) -> date | None:
    """The day the latest evidence observation happened (None when the rule cited none)."""
    evidence = set((json.loads(alert["explanation"] or "{}")).get("event_ids") or [])
    days = [datetime.fromisoformat(o["observed_at"]).date() for o in observations_of(alert["household"])
            if o["observation_id"] in evidence]
    return max(days) if days else None


def stages(alert: dict[str, Any], observations_of: ObservationsOf) -> dict[str, Span | None]:
    """The five stages of one alert (None where a step has not happened)."""
    history = json.loads(alert["events"] or "[]")
    working = alert["severity"] != "critical"
    raised = date.fromisoformat(alert["raised_on"])
    acknowledged = _first(history, "acknowledged")
    visited = _first(history, "verification_recorded", "visited_on")
    resolved = _first(history, "resolved")
    return {"observation_to_alert": span(_observed(alert, observations_of), raised, working),
            "alert_to_acknowledgement": span(raised, acknowledged, working),
            "acknowledgement_to_visit": span(acknowledged, visited, working),
            "visit_to_resolution": span(visited, resolved, working),
            "alert_to_resolution": span(raised, resolved, working)}


def group_of(alert: dict[str, Any], by: str) -> str:
    if by == "community":
        return (alert["region"] or "")[:12]
    if by == "rule":
        return alert["rule"]
    return alert["acknowledged_by"] or alert["assigned_to"] or UNASSIGNED


def _p90(values: list[int]) -> float:
    return float(values[0]) if len(values) == 1 else statistics.quantiles(values, n=10, method="inclusive")[8]


def summary(spans: list[Span]) -> dict[str, Any]:
    """Count, median and 90th percentile: in the SLA's unit, and in calendar days."""
    if not spans:
        return {"count": 0, "counted_in": None, "median": None, "p90": None,
                "median_calendar_days": None, "p90_calendar_days": None}
    units = {s.working for s in spans}
    counted = [s.working_days if s.working else s.days for s in spans]
    calendar = [s.days for s in spans]
    return {"count": len(spans),
            "counted_in": "mixed" if len(units) > 1 else "working_days" if units == {True} else "calendar_days",
            "median": float(statistics.median(counted)), "p90": _p90(sorted(counted)),
            "median_calendar_days": float(statistics.median(calendar)), "p90_calendar_days": _p90(sorted(calendar))}


def alerts_in(views: Any, region_prefix: str, start: date | None, end: date | None) -> list[dict[str, Any]]:
    """Alerts raised in [start, end] under the region prefix, from the alert queue view."""
    where, params = ["region LIKE ?"], [f"{region_prefix}%"]
    if start is not None:
        where.append("raised_on >= ?")
        params.append(start.isoformat())
    if end is not None:
        where.append("raised_on <= ?")
        params.append(end.isoformat())
    return views.query("SELECT household, region, rule, severity, raised_on, acknowledged_by, assigned_to,"
                       f" explanation, events FROM alerts WHERE {' AND '.join(where)}", tuple(params))


Staged = list[tuple[dict[str, str], dict[str, Span | None]]]  # each alert's groups and its stages


def staged(alerts: Iterable[dict[str, Any]], observations_of: ObservationsOf) -> Staged:
    """Each alert's group under every grouping, beside its five stages."""
    return [({by: group_of(alert, by) for by in GROUPINGS}, stages(alert, observations_of)) for alert in alerts]


def grouped(rows: Staged, by: str) -> list[dict[str, Any]]:
    """One row per group: how many alerts, and each stage's summary."""
    groups: dict[str, list[dict[str, Span | None]]] = defaultdict(list)
    for groups_of, spans in rows:
        groups[groups_of[by]].append(spans)
    return [{"group": group, "alerts": len(spans),
             "stages": {stage: summary([r[stage] for r in spans if r[stage] is not None]) for stage in STAGES}}
            for group, spans in sorted(groups.items())]


def response_times(alerts: Iterable[dict[str, Any]], by: str, observations_of: ObservationsOf) -> list[dict[str, Any]]:
    """One row per group: how many alerts, and each stage's summary."""
    return grouped(staged(alerts, observations_of), by)


def response_times_report(reports: ReportCache, views: Any, region_prefix: str, start: date | None, end: date | None,
                          by: str) -> list[dict[str, Any]]:
    """`response_times` of the alerts in the region and days, kept until a view or the households store
    moves on. The alerts' stages are kept apart from their grouping: a page grouped another way regroups
    the stages already measured (the warmer measures them for the whole district, by community)."""
    def stages_of(reads: HouseholdReads) -> Staged:
        return staged(alerts_in(views, region_prefix, start, end), reads.observations_of)

    def compute(_: HouseholdReads) -> list[dict[str, Any]]:
        return grouped(reports.get("response_time_stages", (region_prefix, start, end), stages_of), by)

    return reports.get("response_times", (region_prefix, start, end, by), compute)
