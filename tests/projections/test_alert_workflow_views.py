"""The queue follows the alert workflow, the task list lists a grid's open verification requests, and a
view file from before the workflow is upgraded and rebuilt."""

from __future__ import annotations

import json
from typing import Any

from domain.alerts.alert import Alert
from domain.alerts.application import AlertsApp
from tests.projections.conftest import ViewsOn
from projections.runner import ProjectionRunner
from projections.tasks import open_tasks
from projections.view_store import ViewStore

GRID = "500103001001-03"


def alert(household: str, grid: str = GRID) -> Alert:
    return Alert(household=household, slot=f"MISSED.DIBAO|household:{household}", episode=1, rule="MISSED.DIBAO",
                 rule_version=1, category="MISSED", severity="high", subject_kind="household", subject=household,
                 resident=None, region="500103001001", raised_on="2025-08-01",
                 explanation={"title": {"zh": "标题", "en": "title"}}, grid=grid)


def project(app: AlertsApp, views: ViewStore) -> None:
    ProjectionRunner({"alerts": app}, views).run_once()


def row(views: ViewStore, alert_id: Any) -> dict[str, Any]:
    return views.query("SELECT * FROM alerts WHERE alert_id = ?", (str(alert_id),))[0]


def test_the_queue_row_follows_each_step_with_who_and_when(views_on: ViewsOn) -> None:
    app, views = AlertsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}), views_on.open("v")
    a = alert("H1")
    a.acknowledge(by="cw-1", on="2025-08-02")
    a.request_verification(by="cw-1", on="2025-08-03")
    a.record_verification(outcome="could_not_reach", note="无人在家", by="grid-7", on="2025-08-04")
    a.request_verification(by="cw-1", on="2025-08-05")
    app.save(a)
    project(app, views)
    r = row(views, a.id)
    assert (r["state"], r["assigned_to"], r["acknowledged_by"], r["grid"]) == (
        "verification_requested", "cw-1", "cw-1", GRID)
    assert (r["verification_requested_on"], r["verification_grid"], r["verification_outcome"]) == (
        "2025-08-05", GRID, None)
    history = json.loads(r["events"])
    assert [(h["type"], h["by"], h["on"]) for h in history] == [
        ("raised", "rules", "2025-08-01"), ("acknowledged", "cw-1", "2025-08-02"),
        ("verification_requested", "cw-1", "2025-08-03"), ("verification_recorded", "grid-7", "2025-08-04"),
        ("verification_requested", "cw-1", "2025-08-05")]
    assert history[3]["outcome"] == "could_not_reach" and history[3]["visited_on"] == "2025-08-04"

    a.resolve(outcome="other", by="cw-1", on="2025-08-06", note="户籍迁出")
    a.reopen(reason="户籍未迁出", by="sup-1", on="2025-08-07")
    a.assign(to="cw-2", by="sup-1", on="2025-08-07")
    app.save(a)
    project(app, views)
    r = row(views, a.id)
    assert (r["status"], r["state"], r["assigned_to"], r["close_reason"], r["closed_on"]) == (
        "open", "assigned", "cw-2", None, None)
    assert [h["type"] for h in json.loads(r["events"])][-3:] == ["resolved", "reopened", "assigned"]

    before = views.query("SELECT * FROM alerts")
    views.reset()
    project(app, views)
    assert views.query("SELECT * FROM alerts") == before


def test_the_task_list_is_the_grids_open_requests_oldest_first(views_on: ViewsOn) -> None:
    app, views = AlertsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}), views_on.open("v")
    late, early, done, elsewhere, not_asked = (alert("H1"), alert("H2"), alert("H3"), alert("H4", "500103001001-04"),
                                               alert("H5"))
    for a, on in ((late, "2025-08-09"), (early, "2025-08-03"), (done, "2025-08-02"), (elsewhere, "2025-08-01")):
        a.assign(to="cw-1", by="sup-1", on="2025-08-01")
        a.request_verification(by="cw-1", on=on)
    done.record_verification(outcome="found_as_reported", note="", by="grid-7", on="2025-08-04")
    app.save(late, early, done, elsewhere, not_asked)
    project(app, views)
    total, tasks = open_tasks(views, GRID)
    assert total == 2 and [t["alert_id"] for t in tasks] == [str(early.id), str(late.id)]
    assert tasks[0] == {"alert_id": str(early.id), "household": "H2", "region": "500103001001", "grid": GRID,
                        "rule": "MISSED.DIBAO", "severity": "high", "title": {"zh": "标题", "en": "title"},
                        "raised_on": "2025-08-01", "assigned_to": "cw-1", "requested_on": "2025-08-03",
                        "requested_by": "cw-1"}
    assert open_tasks(views, GRID, limit=1, offset=1) == (2, [tasks[1]])
    early.clear(on="2025-08-10", event_ids=["o1"])
    app.save(early)
    project(app, views)
    assert [t["alert_id"] for t in open_tasks(views, GRID)[1]] == [str(late.id)]


OLD_ALERTS = """CREATE TABLE alerts (
    alert_id TEXT PRIMARY KEY, household TEXT NOT NULL, region TEXT, rule TEXT NOT NULL,
    rule_version INTEGER, category TEXT, severity TEXT, subject_kind TEXT, subject TEXT,
    resident TEXT, episode INTEGER, status TEXT NOT NULL, raised_on TEXT, closed_on TEXT,
    close_reason TEXT, acknowledged_by TEXT, escalated_on TEXT, escalated_to TEXT, title_zh TEXT, title_en TEXT,
    explanation TEXT, events TEXT NOT NULL DEFAULT '[]', updated_at TEXT)"""


def old_view_file(views_on: ViewsOn) -> None:
    """Views as the release before the alert workflow wrote them: one alert, projected to position 7."""
    with views_on.raw() as old:
        old.script(OLD_ALERTS)
        old.script("CREATE TABLE tracking (source TEXT PRIMARY KEY, position INTEGER NOT NULL)")
        old.execute("INSERT INTO alerts (alert_id, household, rule, status) VALUES ('a1', 'H1', 'R', 'open')")
        old.execute("INSERT INTO tracking VALUES ('alerts', 7)")


def test_a_view_file_from_before_the_workflow_is_upgraded_and_rebuilt(views_on: ViewsOn) -> None:
    old_view_file(views_on)

    views = views_on.open()
    with views.snapshot() as db:
        columns = {name for name, _ in db.columns("alerts")}
    assert {"state", "assigned_to", "verification_requested_on", "verification_grid", "verification_outcome"} <= columns
    assert views.query("SELECT * FROM alerts") == [] and views.position("alerts") == 0
    with views.transaction() as db:
        db.execute("INSERT INTO tracking VALUES ('alerts', 3)")
    views.close()
    again = views_on.open()  # an upgraded file is not rebuilt again
    assert again.position("alerts") == 3
    again.close()


def test_only_a_process_that_projects_rebuilds_an_outdated_file(views_on: ViewsOn) -> None:
    old_view_file(views_on)

    api_only = views_on.open(rebuild_outdated=False)  # serves what it has until the projections catch up
    assert api_only.outdated and api_only.position("alerts") == 7
    assert [r["alert_id"] for r in api_only.query("SELECT * FROM alerts")] == ["a1"]
    assert api_only.query("SELECT * FROM informant_activity") == []  # the new views exist, empty
    api_only.close()
    projecting = views_on.open()
    assert not projecting.outdated and projecting.position("alerts") == 0
    assert projecting.query("SELECT * FROM alerts") == []
    projecting.close()


def test_an_api_only_process_says_in_health_that_its_views_wait_for_a_rebuild(views_on: ViewsOn) -> None:
    from infra.bootstrap import bootstrap

    old_view_file(views_on)
    api_only = bootstrap(views_on.settings, frozenset())
    try:
        health = api_only.health()
        assert health["status"] == "degraded" and "views" in health["lagging"]
        views_on.open().close()  # a process with the projections component opens the views: rebuilt
        assert api_only.health()["status"] == "ok"
    finally:
        api_only.stop()
