"""A batch of events projects to the same views as the events applied one at a time.

Within a batch (`ViewStore.batch`) the projectors keep the rows they touch (`projections.row_memo`) and
hold some writes back to its end (a household's counts, an informant's sums); on PostgreSQL the writes
are pipelined. None of that may change a single value: a history with registrations, joins, deaths,
corrections (of an observation and of the registration), retractions and an alert's whole workflow is
projected in one batch, in batches of one event, and with every event applied outside any batch, and
every view row compares equal.
"""

from __future__ import annotations

import json
from typing import Any

from domain.alerts.alert import Alert
from domain.alerts.application import AlertsApp
from domain.households.application import HouseholdsApp
from domain.households.household import Household
from projections.runner import PROJECTORS, ProjectionRunner
from projections.sealing import Sealer
from projections.view_store import ViewStore
from tests.projections.conftest import ViewsOn
from tests.projections.test_submissions import Reversing

REGION = "500103001001"


def _observation(oid: str, kind: str, informant: str = "t1", household: str = "H1", **more: Any) -> dict[str, Any]:
    day = 10 + int(oid[1:])
    return {"observation_id": oid, "informant": informant, "observed_at": f"2025-08-{day:02d}T10:00:00+08:00",
            "kind": kind, "household": household, "resident": more.pop("resident", None), "data": more}


def _registration(household: str, informant: str) -> dict[str, Any]:
    members = [{"resident": f"{household}-R1", "name": "王某", "sex": "M", "birth_date": "1978-04-02",
                "relation": "head", "id_number": "secret"}]
    return {**_observation("o0", "household.registered", informant, household),
            "data": {"region": REGION, "grid": f"g-{household}", "address": "某街道", "hukou": "urban",
                     "members": members}}


def _history() -> dict[str, Any]:
    households = HouseholdsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    alerts = AlertsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    for name, informant in (("H1", "t1"), ("H2", "t2")):
        household = Household(name, _registration(name, informant))
        household.observe(_observation("o1", "resident.joined", informant, name, resident=f"{name}-R2",
                                       name="李某", sex="F", birth_date="2010-01-01", relation="child"))
        household.observe(_observation("o2", "income.reported", informant, name, monthly=800))
        household.observe(_observation("o3", "household.visited", informant, name))
        households.save(household)
        household.correct("o2", _observation("o4", "income.reported", informant, name, monthly=900), by=informant)
        household.observe(_observation("o5", "resident.died", informant, name, resident=f"{name}-R1",
                                       date="2025-08-15"))
        household.retract("o3", by=informant, reason="走错了门")
        corrected = _registration(name, informant)
        corrected["data"] = {**corrected["data"], "address": "另一街道"}
        household.correct("o0", {**corrected, "observation_id": "o6"}, by=informant)
        households.save(household)
        alert = Alert(household=name, slot=f"MISSED.DIBAO|household:{name}", episode=1, rule="MISSED.DIBAO",
                      rule_version=1, category="MISSED", severity="high", subject_kind="household", subject=name,
                      resident=None, region=REGION, raised_on="2025-08-20", grid=f"g-{name}",
                      explanation={"title": {"zh": "标题", "en": "title"}})
        alerts.save(alert)
        alert.assign("c1", by="s1", on="2025-08-21")
        alert.acknowledge(by="c1", on="2025-08-21")
        alert.request_verification(by="c1", on="2025-08-22")
        alert.record_verification("found_as_reported", "见到户主", by=informant, on="2025-08-23")
        alert.resolve("other", by="c1", on="2025-08-24", note="已转介")
        alert.reopen("结论有误", by="s1", on="2025-08-25")
        alerts.save(alert)
    return {"households": households, "alerts": alerts}


def _rows(views: ViewStore) -> dict[str, list[dict[str, Any]]]:
    with views.snapshot() as db:
        tables = [t for t in db.tables() if t != "tracking"]
    return {table: sorted((views.query(f'SELECT * FROM "{table}"')), key=repr) for table in tables}


def _one_at_a_time(apps: dict[str, Any], views: ViewStore) -> None:
    """Every event in a transaction of its own, outside any batch, decoded and offered to every projector
    of its source (the runner offers each only the events it declares): nothing kept, nothing held back."""
    for name, app in apps.items():
        for notification in app.recorder.select_notifications(1, 10_000):
            with views.transaction() as db:
                for projector in PROJECTORS[name]:
                    projector.apply(db, app.mapper.to_domain_event(notification))


def test_a_batch_projects_what_the_events_one_by_one_project(views_on: ViewsOn) -> None:
    apps = _history()
    sealer = Sealer(Reversing())
    whole, singles, plain = (views_on.open(name, sealer=sealer) for name in ("whole", "singles", "plain"))
    assert ProjectionRunner(apps, whole, batch=10_000).run_once() > 20
    while ProjectionRunner(apps, singles, batch=1).run_once():
        pass
    _one_at_a_time(apps, plain)
    expected = _rows(plain)
    assert _rows(whole) == expected and _rows(singles) == expected
    activity = {(r["informant"], r["grid"]): r for r in expected["informant_activity"]}
    assert activity[("t1", "g-H1")]["observations"] == 5 and activity[("t1", "g-H1")]["corrections"] == 2
    assert activity[("t1", "g-H1")]["retractions"] == 1 and activity[("t1", "g-H1")]["verifications"] == 1
    household = {r["household"]: r for r in expected["households"]}["H1"]
    assert household["observations"] == 4 and household["last_kind"] == "resident.died"
    assert '"status": "died"' in household["members"] and "另一街道" == household["address"]
    alert = expected["alerts"][0]
    assert alert["status"] == "open" and alert["verification_outcome"] == "found_as_reported"
    assert [e["type"] for e in json.loads(alert["events"])][-1] == "reopened"
