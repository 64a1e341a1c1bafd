"""The dashboard's figures from the alert view: open by rule and community, overdue and escalated, per week."""

from __future__ import annotations

from datetime import date

from domain.region_codes import region_scope
from projections import dashboard
from tests.projections.conftest import ViewsOn
from projections.gap_statistics import gap_statistics
from projections.view_store import ViewStore


def alert(views: ViewStore, n: int, region: str, rule: str, raised_on: str, status: str = "open",
          escalated_on: str | None = None, acknowledged_by: str | None = None) -> None:
    views.query("INSERT INTO alerts (alert_id, household, region, rule, status, raised_on, escalated_on,"
                " acknowledged_by) VALUES (?,?,?,?,?,?,?,?)",
                (f"a{n}", f"h{n}", region, rule, status, raised_on, escalated_on, acknowledged_by))


def test_figures(views_on: ViewsOn) -> None:
    views = views_on.open()
    alert(views, 1, "500103001001", "MISSED.DIBAO", "2025-08-04", escalated_on="2025-08-08")
    alert(views, 2, "500103001001", "MISSED.DIBAO", "2025-08-05", escalated_on="2025-08-09", acknowledged_by="c")
    alert(views, 3, "500103001002", "NEED.EMERGENCY", "2025-07-28")
    alert(views, 4, "500103001002", "NEED.EMERGENCY", "2025-07-01", status="closed")
    alert(views, 5, "500104001001", "MISSED.DIBAO", "2025-08-04")  # another district
    prefix = "500103"
    assert dashboard.open_by_rule(views, prefix) == [("MISSED.DIBAO", 2), ("NEED.EMERGENCY", 1)]
    assert dashboard.open_by_community(views, prefix) == [("500103001001", 2), ("500103001002", 1)]
    assert dashboard.totals(views, prefix) == {"open": 3, "overdue": 1, "escalated": 2}
    weeks = dashboard.found_per_week(views, prefix, 3, date(2025, 8, 6))
    assert weeks == [("2025-W30", 0), ("2025-W31", 1), ("2025-W32", 2)]


def test_a_towns_figures_leave_the_neighbouring_towns_out(views_on: ViewsOn) -> None:
    """The views match `region LIKE scope%`: with the scope read by level, town 100 is not towns 100–199."""
    views = views_on.open()
    for n, region in enumerate(["500103100001", "500103100100", "500103101001", "500103199001", "500103001100"]):
        alert(views, n, region, "MISSED.DIBAO", "2025-08-04")
    town = region_scope("500103100")
    assert dashboard.open_by_community(views, town) == [("500103100001", 1), ("500103100100", 1)]
    assert dashboard.totals(views, town)["open"] == 2
    assert {row["community"] for row in gap_statistics(views, town, date(2025, 8, 6))} == {"500103100001",
                                                                                         "500103100100"}
    assert dashboard.totals(views, region_scope("500103001100"))["open"] == 1  # village 100 of town 001 alone
    assert dashboard.totals(views, region_scope("500000"))["open"] == 5
