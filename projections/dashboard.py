"""The supervisor dashboard's figures, from the alert queue view: open alerts by rule and by community,
overdue and escalated counts, and alerts found per ISO week; with the gap statistics and the informants'
activity, kept together per views position (`dashboard_figures`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.gap_statistics import gap_statistics
from projections.informant_activity import activity
from projections.report_cache import ReportCache

WEEKS_SHOWN = 12  # the dashboard's alerts-found-per-week chart
OPEN = "status = 'open'"
ESCALATED = "status = 'open' AND escalated_on IS NOT NULL"
OVERDUE = "status = 'open' AND escalated_on IS NOT NULL AND acknowledged_by IS NULL"


def _count_of(condition: str) -> str:
    """The rows meeting `condition` (a portable SUM: PostgreSQL's conditions are booleans, not numbers)."""
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _counts(views: Any, column: str, prefix: str) -> list[tuple[str, int]]:
    rows = views.query(f"SELECT {column} AS k, COUNT(*) AS n FROM alerts WHERE status = 'open' AND region LIKE ?"
                       f" GROUP BY k ORDER BY n DESC, k", (f"{prefix}%",))
    return [(str(r["k"]), int(r["n"])) for r in rows]


def open_by_rule(views: Any, prefix: str) -> list[tuple[str, int]]:
    return _counts(views, "rule", prefix)


def open_by_community(views: Any, prefix: str) -> list[tuple[str, int]]:
    return _counts(views, "substr(region, 1, 12)", prefix)


def totals(views: Any, prefix: str) -> dict[str, int]:
    """Open, overdue (escalated and still not acknowledged) and escalated (open and escalated) alerts."""
    row = views.query(
        f"SELECT {_count_of(OPEN)} AS open, {_count_of(OVERDUE)} AS overdue,"
        f" {_count_of(ESCALATED)} AS escalated FROM alerts WHERE region LIKE ?",
        (f"{prefix}%",))[0]
    return {key: int(row[key] or 0) for key in ("open", "overdue", "escalated")}


def found_per_week(views: Any, prefix: str, weeks: int, today: date) -> list[tuple[str, int]]:
    """(ISO week `2025-W31`, alerts raised that week) for the last `weeks` weeks up to `today`, oldest first."""
    rows = views.query("SELECT raised_on FROM alerts WHERE region LIKE ? AND raised_on IS NOT NULL", (f"{prefix}%",))
    counts: dict[str, int] = {}
    for row in rows:
        year, week, _ = date.fromisoformat(row["raised_on"]).isocalendar()
        counts[f"{year}-W{week:02d}"] = counts.get(f"{year}-W{week:02d}", 0) + 1
    labels = []
    for back in range(weeks - 1, -1, -1):
        year, week, _ = date.fromordinal(today.toordinal() - 7 * back).isocalendar()
        labels.append(f"{year}-W{week:02d}")
    return [(label, counts.get(label, 0)) for label in labels]


def dashboard_figures(reports: ReportCache, views: Any, prefix: str, today: date, weeks: int,
                      month: str | None) -> dict[str, Any]:
    """Every figure of the supervisor's dashboard under `prefix`, kept until the alert or household views
    move on (`ReportCache`): open alerts by rule and community, the totals, alerts found per week, the gap
    statistics and the informants' activity (of `month`, or of every month)."""
    def compute(_: Any) -> dict[str, Any]:
        return {"by_rule": open_by_rule(views, prefix), "by_community": open_by_community(views, prefix),
                "totals": totals(views, prefix), "per_week": found_per_week(views, prefix, weeks, today),
                "gaps": gap_statistics(views, prefix, today), "activity": activity(views, prefix, None, month, month)}

    return reports.get("dashboard", (prefix, today, weeks, month), compute)
