"""Every read query of the views answers the same on SQLite and PostgreSQL: one small district (the
synthetic generator's households, alerts in each workflow state, reads of them) projected into a view
file and into a PostgreSQL schema, then every query function asked of both."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Callable, Iterator

import pytest

from api.cli.demo.synthetic import generate_district
from domain.alerts.alert import Alert
from domain.alerts.application import AlertsApp
from domain.audit.application import AuditApp
from domain.households.application import HouseholdsApp
from domain.identity.access import Principal
from infra.shared_tables import postgres_connect
from projections import access_log, alert_queue, dashboard, households, unread
from projections.equity import equity
from projections.escalations import escalations
from projections.gap_statistics import gap_statistics
from projections.informant_activity import activity
from projections.response_times import alerts_in
from projections.runner import ProjectionRunner
from projections.submissions import submissions_of
from projections.tasks import open_tasks
from projections.view_store import ViewStore
from tests.infra.test_postgres import PG, _admin

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
TODAY = date(2025, 11, 30)
CASEWORKER = Principal("cw-1", "caseworker", "500103")
SUPERVISOR = Principal("sup-1", "supervisor", "500103001")


def _alerts(region: str, grid: str, household_ids: list[str]) -> list[Alert]:
    """Alerts in every state the queue shows: open, assigned, acknowledged, escalated, sent for a visit and
    back, cleared."""
    made = []
    for n, household in enumerate(household_ids):
        a = Alert(household=household, slot=f"MISSED.DIBAO|household:{household}", episode=1, rule="MISSED.DIBAO",
                  rule_version=1, category="MISSED", severity=("high", "medium", "critical")[n % 3],
                  subject_kind="household", subject=household, resident=None, region=region,
                  raised_on=f"2025-10-{n + 1:02d}", explanation={"title": {"zh": "标题", "en": "title"}}, grid=grid)
        step = n % 6
        if step == 1:
            a.assign(to="cw-1", by="sup-1", on="2025-10-20")
        elif step == 2:
            a.acknowledge(by="cw-1", on="2025-10-21")
        elif step == 3:
            a.escalate(on="2025-10-22", to="sup-1", deadline="2025-10-25")
        elif step == 4:
            a.acknowledge(by="cw-1", on="2025-10-21")
            a.request_verification(by="cw-1", on="2025-10-22", grid=grid)
            if n % 4 == 0:
                a.record_verification("found_as_reported", "到户核实", by="grid-3", on="2025-10-24")
        elif step == 5:
            a.clear(on="2025-10-23", event_ids=[f"e-{n}"])
        made.append(a)
    return made


@pytest.fixture(scope="module")
def district() -> dict[str, Any]:
    """The stores of a small district (in memory), projected the same into both backends."""
    stores = {"households": HouseholdsApp(env=POPO), "alerts": AlertsApp(env=POPO), "audit": AuditApp(env=POPO)}
    envelopes = generate_district(households=25)
    assert all(o.status == "accepted" for o in stores["households"].accept_batch(envelopes))
    registered = [e for e in envelopes if e["kind"] == "household.registered"]
    first = registered[0]["data"]
    made = _alerts(first["region"], first["grid"], [e["household"] for e in registered[:18]])
    stores["alerts"].save(*made)
    for a in made[::3]:
        stores["audit"].record_access(CASEWORKER, a.household, "GET /work/alerts/{id}", "full", alert=str(a.id))
    return {"stores": stores, "region": first["region"], "grid": first["grid"],
            "informant": registered[0]["informant"], "household": registered[0]["household"],
            "alerts": [str(a.id) for a in made], "envelopes": envelopes}


@pytest.fixture(scope="module")
def both(district: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ViewStore, ViewStore]]:
    name = f"qianshao_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    lite = ViewStore(tmp_path_factory.mktemp("views") / "views.sqlite")
    pg = ViewStore(postgres=postgres_connect({**PG, "POSTGRES_DBNAME": name}))
    try:
        for views in (lite, pg):
            runner = ProjectionRunner(district["stores"], views, batch=50)
            while runner.run_once():
                pass
        yield lite, pg
    finally:
        lite.close()
        pg.close()
        with _admin() as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _observations_of(district: dict[str, Any]) -> Callable[[str], list[dict[str, Any]]]:
    by_household: dict[str, list[dict[str, Any]]] = {}
    for envelope in district["envelopes"]:
        by_household.setdefault(envelope["household"], []).append(envelope)
    return lambda household: by_household.get(household, [])


QUERIES: dict[str, Callable[[ViewStore, dict[str, Any]], Any]] = {
    "queue": lambda v, d: alert_queue.query(v, {"status": None}, escalated=None, regions=["500103"], limit=50,
                                            offset=0),
    "queue_open_overdue": lambda v, d: alert_queue.query(v, {"status": "open"}, escalated=True, overdue=True,
                                                         regions=[], limit=5, offset=0),
    "queue_page_2": lambda v, d: alert_queue.query(v, {"status": None}, escalated=None, regions=[], limit=5,
                                                   offset=5),
    "one_alert": lambda v, d: alert_queue.one(v, d["alerts"][0]),
    "open_by_rule": lambda v, d: dashboard.open_by_rule(v, "500103"),
    "open_by_community": lambda v, d: dashboard.open_by_community(v, "500103"),
    "totals": lambda v, d: dashboard.totals(v, "500103"),
    "found_per_week": lambda v, d: dashboard.found_per_week(v, "500103", 8, TODAY),
    "gap_statistics": lambda v, d: gap_statistics(v, "500103", TODAY),
    "escalations": lambda v, d: escalations(v, "500103", TODAY, 10, 0),
    "activity": lambda v, d: activity(v, "500103", None, None, None),
    "activity_of_grid": lambda v, d: activity(v, "500103", d["grid"], "2024-01", "2025-11"),
    "household_row": lambda v, d: households.household_row(v, d["household"]),
    "household_alerts": lambda v, d: households.household_alerts(v, d["household"]),
    "households_in_grid": lambda v, d: households.households_in_grid(v, d["grid"]),
    "tasks": lambda v, d: open_tasks(v, d["grid"]),
    "access_log": lambda v, d: access_log.query(v, None, "cw-1", 50, 0),
    "submissions": lambda v, d: submissions_of(v, d["informant"]),
    "unread_counts": lambda v, d: (unread.counts(v, CASEWORKER), unread.counts(v, SUPERVISOR)),
    "unread_marks": lambda v, d: unread.marks(v, CASEWORKER, d["alerts"]),
    "equity": lambda v, d: equity(v, "500103", _observations_of(d), TODAY),
    "response_times_alerts": lambda v, d: alerts_in(v, "500103", None, None),
    "status_command": lambda v, d: v.query("SELECT rule, severity, COUNT(*) AS n FROM alerts WHERE status = 'open'"
                                           " GROUP BY rule, severity ORDER BY rule, severity"),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_query_answers_the_same_on_both_backends(name: str, both: tuple[ViewStore, ViewStore],
                                                      district: dict[str, Any]) -> None:
    lite, pg = both
    on_sqlite, on_postgres = QUERIES[name](lite, district), QUERIES[name](pg, district)
    assert typed(on_postgres) == typed(on_sqlite)


def typed(value: Any) -> Any:
    """The answer with every scalar's type beside it: PostgreSQL's sums are `Decimal`s unless kept integers,
    and a `Decimal` equals an int in Python though JSON cannot carry it."""
    if isinstance(value, dict):
        return {key: typed(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def test_the_district_gives_every_query_something_to_answer(both: tuple[ViewStore, ViewStore]) -> None:
    """The comparison means something: every view has rows, and the queue holds every state."""
    lite, pg = both
    for table in ("alerts", "households", "submissions", "informant_activity", "access_log", "alert_opened",
                  "alert_moments"):
        assert pg.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"] > 0, table
    states = {r["status"] for r in pg.query("SELECT DISTINCT status FROM alerts")}
    assert states == {"open", "closed"}
    assert pg.query("SELECT * FROM tracking ORDER BY source") == lite.query("SELECT * FROM tracking ORDER BY source")
